import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildBatch } from '../src/records/builder.js';
import { CompressionType } from '../src/records/compression.js';
import { readRecords } from '../src/records/record.js';
import { readBatchHeader, TimestampType } from '../src/records/batch.js';
import { ErrorCode, KafkaError } from '../src/protocol/errors.js';
import { DEFAULT_LOG_CONFIG, type LogConfig } from '../src/storage/log-config.js';
import { PartitionLog } from '../src/storage/log.js';

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'gregor-log-'));
});
afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

function cfg(over: Partial<LogConfig> = {}): LogConfig {
  return { ...DEFAULT_LOG_CONFIG, ...over };
}

/** A batch of n records whose values are `${tag}-${i}`, timestamps ts0 + i. */
function mk(n: number, tag: string, ts0 = 1_000_000, extra: Partial<Parameters<typeof buildBatch>[0]> = {}): Buffer {
  return buildBatch({
    records: Array.from({ length: n }, (_, i) => ({ key: Buffer.from(`k-${tag}-${i}`), value: Buffer.from(`${tag}-${i}`), timestamp: ts0 + i })),
    ...extra,
  });
}

function allRecords(bufs: Buffer[]) {
  const out: { offset: number; value: string; timestamp: number }[] = [];
  for (const buf of bufs) {
    let pos = 0;
    while (pos < buf.length) {
      const h = readBatchHeader(buf, pos);
      for (const r of readRecords(buf.subarray(pos, pos + h.size))) out.push({ offset: r.offset, value: r.value!.toString(), timestamp: r.timestamp });
      pos += h.size;
    }
  }
  return out;
}

function readAll(log: PartitionLog, from = log.logStartOffset) {
  return allRecords(log.read(from, 1 << 30, { minOneMessage: true }).records);
}

describe('PartitionLog', () => {
  it('appends and reads back whole batches with assigned offsets', () => {
    const log = PartitionLog.open(root, 'topic', 0, cfg());
    expect(fs.existsSync(path.join(root, 'topic-0', '00000000000000000000.log'))).toBe(true);
    const a = log.append(mk(3, 'a'), { leaderEpoch: 0, assignOffsets: true });
    const b = log.append(Buffer.concat([mk(2, 'b'), mk(1, 'c', 2_000_000, { compression: CompressionType.GZIP })]), { leaderEpoch: 0, assignOffsets: true });
    expect(a).toMatchObject({ firstOffset: 0, lastOffset: 2, logAppendTime: -1, recordCount: 3, duplicate: false, maxTimestamp: 1_000_002 });
    expect(b).toMatchObject({ firstOffset: 3, lastOffset: 5, recordCount: 3, batchCount: 2, maxTimestamp: 2_000_000, offsetOfMaxTimestamp: 5 });
    expect(log.logEndOffset).toBe(6);
    const recs = readAll(log);
    expect(recs.map((r) => r.offset)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(recs.map((r) => r.value)).toEqual(['a-0', 'a-1', 'a-2', 'b-0', 'b-1', 'c-0']);
    // Stored bytes are the appended bytes with the base offset/epoch rewritten.
    const r = log.read(3, 1 << 20, { minOneMessage: false });
    expect(r.firstOffset).toBe(3);
    expect(r.nextOffset).toBe(6);
    expect(readBatchHeader(r.records[0], 0).partitionLeaderEpoch).toBe(0);
    log.close();
  });

  it('read semantics: mid-batch offset, maxBytes, minOneMessage, maxOffset, out of range', () => {
    const log = PartitionLog.open(root, 't', 1, cfg());
    const b1 = mk(5, 'x');
    const size1 = b1.length;
    log.append(b1, { leaderEpoch: 0, assignOffsets: true });
    log.append(mk(5, 'y'), { leaderEpoch: 0, assignOffsets: true });
    // A fetch in the middle of a batch returns that whole batch.
    const mid = log.read(2, 1 << 20, { minOneMessage: true });
    expect(mid.firstOffset).toBe(0);
    expect(allRecords(mid.records).map((r) => r.offset)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // maxBytes smaller than a batch: nothing, unless minOneMessage.
    expect(log.read(0, 10, { minOneMessage: false }).records).toHaveLength(0);
    const one = log.read(0, 10, { minOneMessage: true });
    expect(one.sizeInBytes).toBe(size1);
    expect(one.nextOffset).toBe(5);
    // Exactly one batch fits.
    expect(log.read(0, size1 + 10, { minOneMessage: false }).nextOffset).toBe(5);
    // maxOffset (high watermark) excludes batches starting at or above it.
    expect(log.read(0, 1 << 20, { minOneMessage: true, maxOffset: 5 }).nextOffset).toBe(5);
    expect(log.read(5, 1 << 20, { minOneMessage: true, maxOffset: 5 }).records).toHaveLength(0);
    // At the log end: empty; beyond: OFFSET_OUT_OF_RANGE.
    expect(log.read(10, 1000, { minOneMessage: true }).records).toHaveLength(0);
    expect(() => log.read(11, 1000, { minOneMessage: true })).toThrow(KafkaError);
    try {
      log.read(-1, 1000, { minOneMessage: true });
    } catch (err) {
      expect((err as KafkaError).code).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    }
    // Sequential reads (read cache path) give the same answers.
    const s1 = log.read(0, size1, { minOneMessage: true });
    const s2 = log.read(s1.nextOffset, 1 << 20, { minOneMessage: true });
    expect(allRecords(s2.records)[0].offset).toBe(5);
    log.close();
  });

  it('rolls by size and finds offsets across many segments through the indexes', () => {
    const log = PartitionLog.open(root, 'many', 0, cfg({ segmentBytes: 2000, indexIntervalBytes: 200 }));
    const sizes: number[] = [];
    for (let i = 0; i < 200; i++) {
      const n = 1 + (i % 4);
      sizes.push(n);
      log.append(mk(n, `b${i}`, 1_000_000 + i * 10), { leaderEpoch: 0, assignOffsets: true });
    }
    const total = sizes.reduce((a, b) => a + b, 0);
    expect(log.logEndOffset).toBe(total);
    expect(log.numberOfSegments).toBeGreaterThan(10);
    const files = fs.readdirSync(log.dir);
    expect(files.filter((f) => f.endsWith('.log')).length).toBe(log.numberOfSegments);
    // Inactive segments have their index files written (8-byte entries) and a time index (12-byte entries).
    const seg0 = log.segmentList()[0];
    expect(fs.statSync(seg0.offsetIndex.path).size % 8).toBe(0);
    expect(fs.statSync(seg0.offsetIndex.path).size).toBeGreaterThan(0);
    expect(fs.statSync(seg0.timeIndex.path).size % 12).toBe(0);
    for (const segs of log.segmentList()) expect(segs.size).toBeLessThanOrEqual(2000);
    // Every offset reads back from the right batch.
    for (let off = 0; off < total; off += 7) {
      const r = log.read(off, 1, { minOneMessage: true });
      const recs = allRecords(r.records);
      expect(recs.some((x) => x.offset === off)).toBe(true);
      expect(r.firstOffset).toBeLessThanOrEqual(off);
    }
    // A big read crosses segment boundaries and returns every record in order.
    const recs = readAll(log);
    expect(recs.map((r) => r.offset)).toEqual(Array.from({ length: total }, (_, i) => i));
    log.close();
  });

  it('looks up offsets by timestamp and the max timestamp', () => {
    const log = PartitionLog.open(root, 'ts', 0, cfg({ segmentBytes: 1500, indexIntervalBytes: 100 }));
    // batch i has timestamps 10_000 + i*100 + j
    for (let i = 0; i < 60; i++) log.append(mk(3, `t${i}`, 10_000 + i * 100), { leaderEpoch: 0, assignOffsets: true });
    expect(log.numberOfSegments).toBeGreaterThan(3);
    expect(log.offsetForTimestamp(0)).toEqual({ offset: 0, timestamp: 10_000 });
    expect(log.offsetForTimestamp(10_001)).toEqual({ offset: 1, timestamp: 10_001 });
    expect(log.offsetForTimestamp(10_003)).toEqual({ offset: 3, timestamp: 10_100 });
    expect(log.offsetForTimestamp(10_000 + 37 * 100 + 2)).toEqual({ offset: 37 * 3 + 2, timestamp: 10_000 + 37 * 100 + 2 });
    expect(log.offsetForTimestamp(10_000 + 59 * 100 + 3)).toBeNull();
    expect(log.offsetForTimestamp(-1)).toEqual({ offset: 180, timestamp: -1 });
    expect(log.offsetForTimestamp(-2)).toEqual({ offset: 0, timestamp: -1 });
    // Out-of-order timestamps: the max is in the middle.
    log.append(mk(2, 'late', 5_000), { leaderEpoch: 0, assignOffsets: true });
    log.append(buildBatch({ records: [{ value: Buffer.from('a'), timestamp: 50 }, { value: Buffer.from('b'), timestamp: 99_999 }, { value: Buffer.from('c'), timestamp: 7 }] }), { leaderEpoch: 0, assignOffsets: true });
    expect(log.maxTimestampAndOffset()).toEqual({ timestamp: 99_999, offset: 183 });
    log.close();
    // Same answers after reopening (indexes loaded from files).
    const again = PartitionLog.open(root, 'ts', 0, cfg({ segmentBytes: 1500, indexIntervalBytes: 100 }), { recoveryPoint: 185 });
    expect(again.offsetForTimestamp(10_000 + 37 * 100 + 2)).toEqual({ offset: 37 * 3 + 2, timestamp: 10_000 + 37 * 100 + 2 });
    expect(again.maxTimestampAndOffset()).toEqual({ timestamp: 99_999, offset: 183 });
    again.close();
  });

  it('rolls by time using record timestamps (Kafka rule) and by wall clock in the background', () => {
    const log = PartitionLog.open(root, 'roll', 0, cfg({ segmentMs: 1000 }));
    log.append(mk(1, 'a', 10_000), { leaderEpoch: 0, assignOffsets: true });
    log.append(mk(1, 'b', 10_500), { leaderEpoch: 0, assignOffsets: true });
    expect(log.numberOfSegments).toBe(1);
    log.append(mk(1, 'c', 11_001), { leaderEpoch: 0, assignOffsets: true });
    expect(log.numberOfSegments).toBe(2);
    expect(log.activeSegment.baseOffset).toBe(2);
    expect(log.maybeRollByTime(Date.now() + 500)).toBe(false);
    expect(log.maybeRollByTime(Date.now() + 5000)).toBe(true);
    expect(log.numberOfSegments).toBe(3);
    // Rolling an empty active segment is a no-op.
    log.roll();
    expect(log.numberOfSegments).toBe(3);
    expect(readAll(log).map((r) => r.value)).toEqual(['a-0', 'b-0', 'c-0']);
    log.close();
  });

  it('stamps LogAppendTime', () => {
    const log = PartitionLog.open(root, 'lat', 0, cfg({ messageTimestampType: 'LogAppendTime' }));
    const info = log.append(mk(2, 'a', 5), { leaderEpoch: 0, assignOffsets: true, now: 777_777 });
    expect(info.logAppendTime).toBe(777_777);
    const r = log.read(0, 1 << 20, { minOneMessage: true });
    const h = readBatchHeader(r.records[0], 0);
    expect(h.timestampType).toBe(TimestampType.LogAppendTime);
    expect(allRecords(r.records).map((x) => x.timestamp)).toEqual([777_777, 777_777]);
    log.close();
  });

  it('keeps replica offsets when not assigning, and rejects going backwards', () => {
    const log = PartitionLog.open(root, 'rep', 0, cfg());
    const b = mk(3, 'r', 1, { baseOffset: 10, partitionLeaderEpoch: 4 });
    // An empty log at 0 receiving offsets starting at 10: the empty active segment is recreated at 10.
    const info = log.append(b, { leaderEpoch: 4, assignOffsets: false });
    expect(info).toMatchObject({ firstOffset: 10, lastOffset: 12 });
    expect(log.logEndOffset).toBe(13);
    expect(log.endOffsetForEpoch(4)).toEqual({ epoch: 4, endOffset: 13 });
    expect(() => log.append(mk(1, 's', 1, { baseOffset: 11 }), { leaderEpoch: 4, assignOffsets: false })).toThrow(KafkaError);
    log.close();
  });

  it('tracks leader epochs in leader-epoch-checkpoint (Kafka format) and answers endOffsetForEpoch', () => {
    const log = PartitionLog.open(root, 'ep', 0, cfg());
    log.append(mk(2, 'a'), { leaderEpoch: 0, assignOffsets: true });
    log.append(mk(3, 'b'), { leaderEpoch: 2, assignOffsets: true });
    log.append(mk(1, 'c'), { leaderEpoch: 2, assignOffsets: true });
    log.append(mk(4, 'd'), { leaderEpoch: 5, assignOffsets: true });
    expect(fs.readFileSync(path.join(log.dir, 'leader-epoch-checkpoint'), 'utf8')).toBe('0\n3\n0 0\n2 2\n5 6\n');
    expect(log.endOffsetForEpoch(0)).toEqual({ epoch: 0, endOffset: 2 });
    expect(log.endOffsetForEpoch(1)).toEqual({ epoch: 0, endOffset: 2 });
    expect(log.endOffsetForEpoch(2)).toEqual({ epoch: 2, endOffset: 6 });
    expect(log.endOffsetForEpoch(5)).toEqual({ epoch: 5, endOffset: 10 });
    expect(log.endOffsetForEpoch(6)).toEqual({ epoch: -1, endOffset: -1 });
    log.truncateTo(5);
    expect(log.logEndOffset).toBe(5); // the batch [5] ('c') went; [2..4] stays
    expect(log.endOffsetForEpoch(2)).toEqual({ epoch: 2, endOffset: 5 });
    expect(fs.readFileSync(path.join(log.dir, 'leader-epoch-checkpoint'), 'utf8')).toBe('0\n2\n0 0\n2 2\n');
    log.close();
  });

  it('truncates across segments and keeps appending after', () => {
    const log = PartitionLog.open(root, 'tr', 0, cfg({ segmentBytes: 600 }));
    for (let i = 0; i < 30; i++) log.append(mk(2, `b${i}`), { leaderEpoch: 0, assignOffsets: true });
    log.highWatermark = 60;
    expect(log.numberOfSegments).toBeGreaterThan(3);
    // Truncating in the middle of a batch removes the whole batch.
    log.truncateTo(21);
    expect(log.logEndOffset).toBe(20);
    expect(log.highWatermark).toBe(20);
    expect(readAll(log).map((r) => r.offset)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    const info = log.append(mk(1, 'after'), { leaderEpoch: 1, assignOffsets: true });
    expect(info.firstOffset).toBe(20);
    expect(readAll(log, 19).map((r) => r.value)).toEqual(['b9-0', 'b9-1', 'after-0']);
    expect(log.truncateTo(100)).toBe(false);
    log.truncateTo(0);
    expect(log.logEndOffset).toBe(0);
    expect(log.numberOfSegments).toBe(1);
    log.close();
  });

  it('deleteRecordsBefore advances the log start and deletes whole segments below it', () => {
    const log = PartitionLog.open(root, 'dr', 0, cfg({ segmentBytes: 600 }));
    for (let i = 0; i < 30; i++) log.append(mk(2, `b${i}`), { leaderEpoch: 0, assignOffsets: true });
    log.highWatermark = log.logEndOffset;
    const before = log.numberOfSegments;
    expect(() => log.deleteRecordsBefore(61)).toThrow(KafkaError);
    log.deleteRecordsBefore(25);
    expect(log.logStartOffset).toBe(25);
    expect(log.numberOfSegments).toBeLessThan(before);
    expect(log.segmentList()[0].baseOffset).toBeLessThanOrEqual(25);
    expect(() => log.read(24, 100, { minOneMessage: true })).toThrow(KafkaError);
    const first = readAll(log)[0];
    expect(first.offset).toBeLessThanOrEqual(25); // the batch containing 25 comes whole
    log.close();
  });

  it('retention by time and by bytes never leaves the log without an active segment', () => {
    const log = PartitionLog.open(root, 'ret', 0, cfg({ segmentBytes: 500, retentionMs: 10_000 }));
    const now = 1_000_000;
    for (let i = 0; i < 10; i++) log.append(mk(2, `old${i}`, now - 50_000), { leaderEpoch: 0, assignOffsets: true });
    for (let i = 0; i < 10; i++) log.append(mk(2, `new${i}`, now - 1_000), { leaderEpoch: 0, assignOffsets: true });
    log.highWatermark = log.logEndOffset;
    const segs = log.numberOfSegments;
    const deleted = log.deleteRetentionMsBreachedSegments(now);
    expect(deleted).toBeGreaterThan(0);
    expect(log.numberOfSegments).toBe(segs - deleted);
    // Only segments whose newest record is older than retention.ms went (a mixed segment stays).
    for (const seg of log.segmentList()) expect(seg.largestTimestamp()).toBeGreaterThan(now - 10_000);
    expect(log.logStartOffset).toBe(log.segmentList()[0].baseOffset);
    expect(readAll(log).filter((r) => r.value.startsWith('old')).length).toBeLessThan(20);
    // Everything expired: the active segment is rolled and all data deleted, the log end stays.
    const leo = log.logEndOffset;
    log.deleteRetentionMsBreachedSegments(now + 100_000);
    expect(log.numberOfSegments).toBe(1);
    expect(log.logStartOffset).toBe(leo);
    expect(log.logEndOffset).toBe(leo);
    log.close();

    const log2 = PartitionLog.open(root, 'retb', 0, cfg({ segmentBytes: 500, retentionBytes: 1200 }));
    for (let i = 0; i < 30; i++) log2.append(mk(2, `x${i}`), { leaderEpoch: 0, assignOffsets: true });
    log2.highWatermark = log2.logEndOffset;
    log2.deleteRetentionSizeBreachedSegments();
    expect(log2.sizeInBytes).toBeLessThanOrEqual(1200 + 500);
    expect(log2.sizeInBytes).toBeGreaterThan(1200 - 500);
    // Nothing above the high watermark is deleted.
    const log3 = PartitionLog.open(root, 'rethw', 0, cfg({ segmentBytes: 500, retentionBytes: 0 }));
    for (let i = 0; i < 30; i++) log3.append(mk(2, `x${i}`), { leaderEpoch: 0, assignOffsets: true });
    log3.highWatermark = 0;
    expect(log3.deleteRetentionSizeBreachedSegments()).toBe(0);
    log2.close();
    log3.close();
  });
});
