import { describe, expect, it } from 'vitest';
import {
  CRC_OFFSET,
  TimestampType,
  isCrcValid,
  lastSequenceOf,
  readBatchHeader,
  scanBatches,
  setBaseOffset,
  setLogAppendTime,
  setPartitionLeaderEpoch,
  validateBatches,
} from '../src/records/batch.js';
import { buildBatch } from '../src/records/builder.js';
import { CompressionType } from '../src/records/compression.js';
import { readRecords } from '../src/records/record.js';
import { crc32c } from '../src/records/crc32c.js';
import { ErrorCode, KafkaError } from '../src/protocol/errors.js';

function batch(n: number, opts: Partial<Parameters<typeof buildBatch>[0]> = {}): Buffer {
  return buildBatch({
    baseOffset: 0,
    records: Array.from({ length: n }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(`v${i}`), timestamp: 1000 + i })),
    ...opts,
  });
}

function codeOf(fn: () => unknown): number {
  try {
    fn();
  } catch (err) {
    if (err instanceof KafkaError) return err.code;
    throw err;
  }
  return 0;
}

describe('records/batch', () => {
  it('parses the v2 header', () => {
    const b = batch(3, { producerId: 42, producerEpoch: 3, baseSequence: 7, compression: CompressionType.GZIP });
    const h = readBatchHeader(b, 0);
    expect(h).toMatchObject({
      baseOffset: 0, magic: 2, lastOffsetDelta: 2, recordCount: 3, producerId: 42, producerEpoch: 3, baseSequence: 7,
      compression: CompressionType.GZIP, baseTimestamp: 1000, maxTimestamp: 1002, size: b.length, position: 0,
      timestampType: TimestampType.CreateTime, isControl: false, isTransactional: false,
    });
    expect(lastSequenceOf(h)).toBe(9);
    expect(lastSequenceOf({ ...h, baseSequence: 0x7fffffff - 1 })).toBe(0);
  });

  it('validates a multi-batch buffer and rejects corruption with Kafka codes', () => {
    const two = Buffer.concat([batch(2), batch(3)]);
    const headers = validateBatches(two);
    expect(headers.map((h) => [h.position, h.recordCount])).toEqual([[0, 2], [headers[0].size, 3]]);

    expect(codeOf(() => validateBatches(Buffer.alloc(0)))).toBe(ErrorCode.INVALID_RECORD);
    const badCrc = batch(2);
    badCrc[badCrc.length - 1] ^= 0xff;
    expect(codeOf(() => validateBatches(badCrc))).toBe(ErrorCode.CORRUPT_MESSAGE);
    expect(codeOf(() => validateBatches(two.subarray(0, two.length - 5)))).toBe(ErrorCode.CORRUPT_MESSAGE);
    const magic1 = batch(1);
    magic1[16] = 1;
    expect(codeOf(() => validateBatches(magic1))).toBe(ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT);
    const magic7 = batch(1);
    magic7[16] = 7;
    expect(codeOf(() => validateBatches(magic7))).toBe(ErrorCode.CORRUPT_MESSAGE);
    const tooSmall = batch(1);
    tooSmall.writeInt32BE(10, 8);
    expect(codeOf(() => validateBatches(tooSmall))).toBe(ErrorCode.CORRUPT_MESSAGE);
    expect(codeOf(() => validateBatches(batch(5), 100))).toBe(ErrorCode.MESSAGE_TOO_LARGE);
    const control = batch(1, { isControl: true });
    expect(codeOf(() => validateBatches(control))).toBe(ErrorCode.INVALID_RECORD);
    expect(validateBatches(control, undefined, false)).toHaveLength(1);
    const noSeq = batch(1, { producerId: 5, producerEpoch: 0 });
    expect(codeOf(() => validateBatches(noSeq))).toBe(ErrorCode.INVALID_RECORD);
  });

  it('rejects a record count inconsistent with lastOffsetDelta', () => {
    const b = batch(3);
    b.writeInt32BE(5, 57); // recordCount inside the CRC: fix the CRC to isolate the count check
    b.writeUInt32BE(crc32c(b, 21, b.length), CRC_OFFSET);
    expect(codeOf(() => validateBatches(b))).toBe(ErrorCode.INVALID_RECORD);
  });

  it('rewrites base offset and leader epoch without touching the CRC', () => {
    const b = batch(2);
    const crc = b.readUInt32BE(CRC_OFFSET);
    setBaseOffset(b, 0, 2 ** 40 + 5);
    setPartitionLeaderEpoch(b, 0, 9);
    const h = readBatchHeader(b, 0);
    expect(h.baseOffset).toBe(2 ** 40 + 5);
    expect(h.partitionLeaderEpoch).toBe(9);
    expect(h.crc).toBe(crc);
    expect(isCrcValid(b, 0, b.length)).toBe(true);
    expect(readRecords(b).map((r) => r.offset)).toEqual([2 ** 40 + 5, 2 ** 40 + 6]);
  });

  it('sets LogAppendTime and recomputes the CRC', () => {
    const b = batch(2, { compression: CompressionType.SNAPPY });
    setLogAppendTime(b, 0, 5_000_000);
    const h = readBatchHeader(b, 0);
    expect(h.timestampType).toBe(TimestampType.LogAppendTime);
    expect(h.maxTimestamp).toBe(5_000_000);
    expect(isCrcValid(b, 0, b.length)).toBe(true);
    expect(readRecords(b).map((r) => r.timestamp)).toEqual([5_000_000, 5_000_000]);
  });

  it('scanBatches stops at the first invalid batch', () => {
    const a = batch(2);
    const b = batch(2, { baseOffset: 2 });
    const c = batch(2, { baseOffset: 4 });
    const buf = Buffer.concat([a, b, c]);
    expect(scanBatches(buf).validBytes).toBe(buf.length);
    expect(scanBatches(buf.subarray(0, buf.length - 1)).validBytes).toBe(a.length + b.length);
    const corrupt = Buffer.from(buf);
    corrupt[a.length + 70] ^= 1;
    const r = scanBatches(corrupt);
    expect(r.validBytes).toBe(a.length);
    expect(r.headers).toHaveLength(1);
    // Offsets going backwards are a stop too.
    expect(scanBatches(Buffer.concat([b, a])).validBytes).toBe(b.length);
    expect(scanBatches(Buffer.concat([a, Buffer.alloc(100)])).validBytes).toBe(a.length);
  });
});
