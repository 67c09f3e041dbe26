import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildBatch } from '../src/records/builder.js';
import { readRecords } from '../src/records/record.js';
import { readBatchHeader } from '../src/records/batch.js';
import { DEFAULT_LOG_CONFIG, type LogConfig } from '../src/storage/log-config.js';
import { PartitionLog } from '../src/storage/log.js';
import { LogSegment } from '../src/storage/segment.js';

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'gregor-recovery-'));
});
afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

const config: LogConfig = { ...DEFAULT_LOG_CONFIG, segmentBytes: 800, indexIntervalBytes: 100 };

function mk(n: number, tag: string, ts0 = 1_000_000): Buffer {
  return buildBatch({ records: Array.from({ length: n }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(`${tag}-${i}`), timestamp: ts0 + i })) });
}

function offsets(log: PartitionLog): number[] {
  const out: number[] = [];
  if (log.logEndOffset === log.logStartOffset) return out;
  for (const buf of log.read(log.logStartOffset, 1 << 30, { minOneMessage: true }).records) {
    let pos = 0;
    while (pos < buf.length) {
      const h = readBatchHeader(buf, pos);
      for (const r of readRecords(buf.subarray(pos, pos + h.size))) out.push(r.offset);
      pos += h.size;
    }
  }
  return out;
}

/** Writes `batches` batches of 3 records and closes WITHOUT a clean shutdown. */
function writeAndCrash(batches: number, topic = 'r'): { dir: string; lastSegLog: string } {
  const log = PartitionLog.open(root, topic, 0, config);
  for (let i = 0; i < batches; i++) log.append(mk(3, `b${i}`, 1_000_000 + i * 10), { leaderEpoch: 0, assignOffsets: true });
  const last = log.activeSegment.logPath;
  log.closeWithoutFlush();
  return { dir: log.dir, lastSegLog: last };
}

describe('PartitionLog recovery', () => {
  it('truncates a torn batch at the end of the active segment', () => {
    const { lastSegLog } = writeAndCrash(20);
    const size = fs.statSync(lastSegLog).size;
    fs.truncateSync(lastSegLog, size - 7); // cut the last batch in the middle
    const log = PartitionLog.open(root, 'r', 0, config);
    expect(log.logEndOffset).toBe(57);
    expect(offsets(log)).toEqual(Array.from({ length: 57 }, (_, i) => i));
    expect(log.append(mk(1, 'next'), { leaderEpoch: 0, assignOffsets: true }).firstOffset).toBe(57);
    log.close();
  });

  it('truncates garbage appended after the last batch', () => {
    const { lastSegLog } = writeAndCrash(20);
    fs.appendFileSync(lastSegLog, Buffer.from('this is not a record batch, just garbage bytes after a crash .............'));
    const log = PartitionLog.open(root, 'r', 0, config);
    expect(log.logEndOffset).toBe(60);
    expect(fs.statSync(lastSegLog).size).toBe(log.activeSegment.size);
    expect(offsets(log)).toHaveLength(60);
    log.close();
  });

  it('stops at a CRC failure and deletes the segments after it', () => {
    const log0 = PartitionLog.open(root, 'r', 0, config);
    for (let i = 0; i < 40; i++) log0.append(mk(3, `b${i}`), { leaderEpoch: 0, assignOffsets: true });
    const segs = log0.segmentList();
    expect(segs.length).toBeGreaterThan(4);
    const victim = segs[2];
    const victimPath = victim.logPath;
    const victimBase = victim.baseOffset;
    log0.closeWithoutFlush();
    // Flip a byte in the second batch of segment 2.
    const bytes = fs.readFileSync(victimPath);
    const first = readBatchHeader(bytes, 0);
    bytes[first.size + 65] ^= 0xff;
    fs.writeFileSync(victimPath, bytes);
    const log = PartitionLog.open(root, 'r', 0, config);
    expect(log.numberOfSegments).toBe(3);
    expect(log.logEndOffset).toBe(victimBase + 3);
    expect(offsets(log)).toEqual(Array.from({ length: victimBase + 3 }, (_, i) => i));
    expect(fs.readdirSync(log.dir).filter((f) => f.endsWith('.log'))).toHaveLength(3);
    log.close();
  });

  it('rebuilds missing or corrupt index files', () => {
    const log0 = PartitionLog.open(root, 'r', 0, config);
    for (let i = 0; i < 40; i++) log0.append(mk(3, `b${i}`, 1_000_000 + i * 10), { leaderEpoch: 0, assignOffsets: true });
    const leo = log0.logEndOffset;
    log0.close(); // clean: recovery point = LEO
    const dir = path.join(root, 'r-0');
    const indexFiles = fs.readdirSync(dir).filter((f) => f.endsWith('.index'));
    const sizes = new Map(indexFiles.map((f) => [f, fs.statSync(path.join(dir, f)).size]));
    const tsizes = new Map(indexFiles.map((f) => [f, fs.statSync(path.join(dir, f.replace('.index', '.timeindex'))).size]));
    fs.rmSync(path.join(dir, indexFiles[1]));
    fs.rmSync(path.join(dir, indexFiles[2].replace('.index', '.timeindex')));
    fs.writeFileSync(path.join(dir, indexFiles[3]), Buffer.alloc(16, 0xff)); // nonsense entries
    const log = PartitionLog.open(root, 'r', 0, config, { recoveryPoint: leo });
    expect(log.logEndOffset).toBe(leo);
    expect(fs.statSync(path.join(dir, indexFiles[1])).size).toBe(sizes.get(indexFiles[1]));
    expect(fs.statSync(path.join(dir, indexFiles[3])).size).toBe(sizes.get(indexFiles[3]));
    const tpath = path.join(dir, indexFiles[2].replace('.index', '.timeindex'));
    expect(fs.statSync(tpath).size).toBe(tsizes.get(indexFiles[2]));
    for (let off = 0; off < leo; off += 5) {
      const r = log.read(off, 1, { minOneMessage: true });
      expect(r.firstOffset).toBeLessThanOrEqual(off);
      expect(r.nextOffset).toBeGreaterThan(off);
    }
    expect(log.offsetForTimestamp(1_000_000 + 25 * 10 + 1)?.offset).toBe(25 * 3 + 1);
    log.close();
  });

  it('a clean shutdown reopens without recovery and with identical state', () => {
    const log0 = PartitionLog.open(root, 'r', 0, config);
    for (let i = 0; i < 25; i++) log0.append(mk(3, `b${i}`, 1_000_000 + i), { leaderEpoch: 0, assignOffsets: true });
    const leo = log0.logEndOffset;
    const maxTs = log0.maxTimestampAndOffset();
    log0.close();
    const spy = vi.spyOn(LogSegment.prototype, 'recover');
    const log = PartitionLog.open(root, 'r', 0, config, { recoveryPoint: leo, highWatermark: leo });
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
    expect(log.logEndOffset).toBe(leo);
    expect(log.highWatermark).toBe(leo);
    expect(log.maxTimestampAndOffset()).toEqual(maxTs);
    expect(offsets(log)).toHaveLength(leo);
    log.close();
  });

  it('completes an interrupted compaction swap and discards .cleaned files', () => {
    const log0 = PartitionLog.open(root, 'r', 0, config);
    for (let i = 0; i < 20; i++) log0.append(mk(3, `b${i}`), { leaderEpoch: 0, assignOffsets: true });
    const segs = log0.segmentList();
    const s0 = segs[0];
    const s1 = segs[1];
    log0.close();
    const dir = path.join(root, 'r-0');
    // A "cleaned" replacement of s0+s1: here simply s0's bytes followed by s1's (same offsets).
    const merged = Buffer.concat([fs.readFileSync(s0.logPath), fs.readFileSync(s1.logPath)]);
    fs.writeFileSync(s0.logPath + '.swap', merged);
    fs.writeFileSync(path.join(dir, '00000000000000000099.log.cleaned'), Buffer.from('junk'));
    const log = PartitionLog.open(root, 'r', 0, config, { recoveryPoint: 0 });
    const names = fs.readdirSync(dir);
    expect(names.some((n) => n.endsWith('.swap') || n.endsWith('.cleaned'))).toBe(false);
    expect(names).not.toContain(path.basename(s1.logPath));
    expect(log.numberOfSegments).toBe(segs.length - 1);
    expect(offsets(log)).toEqual(Array.from({ length: 60 }, (_, i) => i));
    log.close();
  });

  it('recovers an empty partition directory and a log whose segments were all removed', () => {
    fs.mkdirSync(path.join(root, 'e-0'));
    const log = PartitionLog.open(root, 'e', 0, config, { logStartOffset: 42 });
    expect(log.logStartOffset).toBe(42);
    expect(log.logEndOffset).toBe(42);
    expect(log.append(mk(1, 'x'), { leaderEpoch: 0, assignOffsets: true }).firstOffset).toBe(42);
    log.close();
  });
});
