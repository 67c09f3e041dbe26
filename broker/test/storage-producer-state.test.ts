import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildBatch } from '../src/records/builder.js';
import { ErrorCode, KafkaError } from '../src/protocol/errors.js';
import { DEFAULT_LOG_CONFIG, type LogConfig } from '../src/storage/log-config.js';
import { PartitionLog } from '../src/storage/log.js';

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'gregor-pid-'));
});
afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

const config: LogConfig = { ...DEFAULT_LOG_CONFIG, segmentBytes: 700 };

function idem(pid: number, epoch: number, seq: number, n = 2): Buffer {
  return buildBatch({
    producerId: pid,
    producerEpoch: epoch,
    baseSequence: seq,
    records: Array.from({ length: n }, (_, i) => ({ value: Buffer.from(`p${pid}e${epoch}s${seq + i}`), timestamp: 1000 })),
  });
}

function errCode(fn: () => unknown): number {
  try {
    fn();
  } catch (err) {
    if (err instanceof KafkaError) return err.code;
    throw err;
  }
  return 0;
}

const A = { leaderEpoch: 0, assignOffsets: true };

describe('idempotent producer state', () => {
  it('answers a retried batch with the original offsets and appends nothing', () => {
    const log = PartitionLog.open(root, 'p', 0, config);
    log.append(idem(7, 0, 0), A); // 0..1
    log.append(idem(7, 0, 2), A); // 2..3
    log.append(idem(8, 0, 0), A); // other producer 4..5
    const dup = log.append(idem(7, 0, 0), A);
    expect(dup).toMatchObject({ duplicate: true, firstOffset: 0, lastOffset: 1 });
    const dup2 = log.append(idem(7, 0, 2), A);
    expect(dup2).toMatchObject({ duplicate: true, firstOffset: 2, lastOffset: 3 });
    expect(log.logEndOffset).toBe(6);
    const next = log.append(idem(7, 0, 4), A);
    expect(next).toMatchObject({ duplicate: false, firstOffset: 6, lastOffset: 7 });
    log.close();
  });

  it('only the last 5 batches are remembered', () => {
    const log = PartitionLog.open(root, 'p', 0, config);
    for (let s = 0; s < 12; s += 2) log.append(idem(1, 0, s), A); // 6 batches
    // The first batch fell out of the cache: no longer a duplicate, and it is out of order.
    expect(errCode(() => log.append(idem(1, 0, 0), A))).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(log.append(idem(1, 0, 2), A).duplicate).toBe(true);
    log.close();
  });

  it('rejects sequence gaps and stale epochs, accepts an epoch bump from 0', () => {
    const log = PartitionLog.open(root, 'p', 0, config);
    log.append(idem(3, 1, 0), A);
    expect(errCode(() => log.append(idem(3, 1, 5), A))).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(errCode(() => log.append(idem(3, 0, 2), A))).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    // New epoch must start at sequence 0.
    expect(errCode(() => log.append(idem(3, 2, 2), A))).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(log.append(idem(3, 2, 0), A).duplicate).toBe(false);
    expect(errCode(() => log.append(idem(3, 1, 2), A))).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    // An unknown producer may start at any sequence (Kafka 3.x accepts it, e.g. after retention).
    expect(log.append(idem(99, 0, 17), A).duplicate).toBe(false);
    expect(log.logEndOffset).toBe(6);
    // Several batches of one producer in one request are checked in order.
    expect(log.append(Buffer.concat([idem(99, 0, 19), idem(99, 0, 21)]), A).lastOffset).toBe(9);
    expect(errCode(() => log.append(Buffer.concat([idem(99, 0, 23), idem(99, 0, 30)]), A))).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(log.logEndOffset).toBe(10);
    log.close();
  });

  it('wraps sequences at Int32 max', () => {
    const log = PartitionLog.open(root, 'p', 0, config);
    log.append(idem(4, 0, 0x7fffffff - 1, 2), A); // sequences MAX-1, MAX
    expect(log.append(idem(4, 0, 0, 2), A).duplicate).toBe(false);
    log.close();
  });

  it('replication appends skip sequence checks', () => {
    const log = PartitionLog.open(root, 'p', 0, config);
    const b = idem(5, 0, 10);
    b.writeInt32BE(0, 12);
    log.append(b, { leaderEpoch: 0, assignOffsets: false });
    const c = buildBatch({ baseOffset: 2, producerId: 5, producerEpoch: 0, baseSequence: 40, records: [{ value: Buffer.from('x') }] });
    expect(log.append(c, { leaderEpoch: 0, assignOffsets: false }).lastOffset).toBe(2);
    log.close();
  });

  it('is rebuilt after a clean reopen (snapshot) and after a crash (replay)', () => {
    const log = PartitionLog.open(root, 'p', 0, config);
    for (let s = 0; s < 40; s += 2) log.append(idem(11, 3, s), A);
    expect(log.numberOfSegments).toBeGreaterThan(2);
    log.close();
    const snaps = fs.readdirSync(log.dir).filter((f) => f.endsWith('.snapshot'));
    expect(snaps).toContain('00000000000000000040.snapshot');
    // Kafka's snapshot format: version 1, crc, count, 46-byte entries.
    const snap = fs.readFileSync(path.join(log.dir, '00000000000000000040.snapshot'));
    expect(snap.readInt16BE(0)).toBe(1);
    expect(snap.readInt32BE(6)).toBe(1);
    expect(snap.length).toBe(10 + 46);

    const again = PartitionLog.open(root, 'p', 0, config, { recoveryPoint: 40 });
    expect(again.append(idem(11, 3, 38), A)).toMatchObject({ duplicate: true, firstOffset: 38, lastOffset: 39 });
    expect(errCode(() => again.append(idem(11, 3, 50), A))).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(again.append(idem(11, 3, 40), A).firstOffset).toBe(40);
    again.closeWithoutFlush(); // crash: the newest snapshot is older than the log end

    const third = PartitionLog.open(root, 'p', 0, config);
    expect(third.logEndOffset).toBe(42);
    expect(third.append(idem(11, 3, 40), A)).toMatchObject({ duplicate: true, firstOffset: 40 });
    expect(third.append(idem(11, 3, 42), A).firstOffset).toBe(42);
    third.close();

    // Without any snapshot, the last segments are replayed.
    for (const f of fs.readdirSync(log.dir).filter((f) => f.endsWith('.snapshot'))) fs.rmSync(path.join(log.dir, f));
    const fourth = PartitionLog.open(root, 'p', 0, config);
    expect(fourth.append(idem(11, 3, 42), A)).toMatchObject({ duplicate: true, firstOffset: 42 });
    fourth.close();
  });

  it('truncation rewinds producer state', () => {
    const log = PartitionLog.open(root, 'p', 0, config);
    for (let s = 0; s < 10; s += 2) log.append(idem(12, 0, s), A);
    log.truncateTo(6);
    expect(log.logEndOffset).toBe(6);
    // Sequence 6 is next again (the batches with 6..9 are gone).
    expect(log.append(idem(12, 0, 6), A)).toMatchObject({ duplicate: false, firstOffset: 6 });
    log.close();
  });
});
