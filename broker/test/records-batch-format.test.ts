import { beforeAll, describe, expect, test } from 'vitest';
import { createRequire } from 'node:module';
import { KafkaError } from '../src/protocol/errors.js';
import { crc32c } from '../src/records/crc32c.js';
import { CompressionType, initCompression } from '../src/records/compression.js';
import { encodeRecords, readRecords } from '../src/records/record.js';
import { buildBatch } from '../src/records/builder.js';
import { readBatchHeader, validateBatches } from '../src/records/batch.js';

const require = createRequire(import.meta.url);

/**
 * A RecordBatch v2 written byte by byte from Kafka's DefaultRecordBatch/DefaultRecord layout, with the
 * CRC32C computed by an independent bitwise implementation (Python, polynomial 0x82F63B78):
 * an idempotent producer's (producerId 1000, epoch 0, sequence 0) uncompressed batch of two records.
 */
const FIXTURE = Buffer.from(
  [
    '0000000000000000', // baseOffset 0
    '0000004c', // batchLength 76 (= 88 - 12)
    '00000000', // partitionLeaderEpoch 0
    '02', // magic 2
    '3ba40d9f', // crc32c(bytes 21..87)
    '0000', // attributes: no compression, CreateTime, not transactional, not control
    '00000001', // lastOffsetDelta 1
    '0000018bcfe56800', // baseTimestamp 1700000000000
    '0000018bcfe56805', // maxTimestamp 1700000000005
    '00000000000003e8', // producerId 1000
    '0000', // producerEpoch 0
    '00000000', // baseSequence 0
    '00000002', // records count 2
    // record 0: length 14 (zigzag 0x1c), attrs 0, tsDelta 0, offsetDelta 0, key "k1", value "v1",
    // 1 header "h" = "x"
    '1c' + '00' + '00' + '00' + '04' + '6b31' + '04' + '7631' + '02' + '02' + '68' + '02' + '78',
    // record 1: length 11 (0x16), attrs 0, tsDelta 5 (0x0a), offsetDelta 1 (0x02), key null (0x01),
    // value "hello" (len 5 = 0x0a), 0 headers
    '16' + '00' + '0a' + '02' + '01' + '0a' + '68656c6c6f' + '00',
  ].join(''),
  'hex',
);

beforeAll(() => initCompression());

describe('hand-built fixture', () => {
  test('every header field, read by offset', () => {
    const b = FIXTURE;
    expect(b.length).toBe(88);
    expect(b.readBigInt64BE(0)).toBe(0n);
    expect(b.readInt32BE(8)).toBe(76);
    expect(b.readInt32BE(12)).toBe(0);
    expect(b.readInt8(16)).toBe(2);
    expect(b.readUInt32BE(17)).toBe(0x3ba40d9f);
    expect(crc32c(b, 21)).toBe(0x3ba40d9f);
    expect(b.readInt16BE(21)).toBe(0);
    expect(b.readInt32BE(23)).toBe(1);
    expect(b.readBigInt64BE(27)).toBe(1700000000000n);
    expect(b.readBigInt64BE(35)).toBe(1700000000005n);
    expect(b.readBigInt64BE(43)).toBe(1000n);
    expect(b.readInt16BE(51)).toBe(0);
    expect(b.readInt32BE(53)).toBe(0);
    expect(b.readInt32BE(57)).toBe(2);
  });

  test('readRecords decodes both records', () => {
    const records = readRecords(FIXTURE);
    expect(records).toHaveLength(2);
    const [r0, r1] = records as [(typeof records)[0], (typeof records)[0]];
    expect(r0.offset).toBe(0);
    expect(r0.timestamp).toBe(1700000000000);
    expect(r0.key?.toString()).toBe('k1');
    expect(r0.value?.toString()).toBe('v1');
    expect(r0.headers).toHaveLength(1);
    expect(r0.headers[0]!.key).toBe('h');
    expect(r0.headers[0]!.value?.toString()).toBe('x');
    expect(r1.offset).toBe(1);
    expect(r1.timestamp).toBe(1700000000005);
    expect(r1.key).toBeNull();
    expect(r1.value?.toString()).toBe('hello');
    expect(r1.headers).toEqual([]);
  });

  test('offsets follow a rewritten baseOffset; LogAppendTime takes maxTimestamp', () => {
    const b = Buffer.from(FIXTURE);
    b.writeBigInt64BE(1234567890123n, 0);
    expect(readRecords(b).map((r) => r.offset)).toEqual([1234567890123, 1234567890124]);
    b.writeInt16BE(0x08, 21);
    expect(readRecords(b).map((r) => r.timestamp)).toEqual([1700000000005, 1700000000005]);
  });

  test('buildBatch reproduces the fixture byte for byte', () => {
    const built = buildBatch({
      baseOffset: 0,
      partitionLeaderEpoch: 0,
      producerId: 1000,
      producerEpoch: 0,
      baseSequence: 0,
      records: [
        { key: Buffer.from('k1'), value: Buffer.from('v1'), headers: [{ key: 'h', value: Buffer.from('x') }], timestamp: 1700000000000 },
        { key: null, value: Buffer.from('hello'), timestamp: 1700000000005 },
      ],
    });
    expect(built.toString('hex')).toBe(FIXTURE.toString('hex'));
  });

  test('batch.ts reads the same header and validates the batch', () => {
    const [h] = validateBatches(FIXTURE);
    expect(h).toEqual(readBatchHeader(FIXTURE, 0));
    expect(h!.recordCount).toBe(2);
    expect(h!.producerId).toBe(1000);
  });
});

describe('buildBatch', () => {
  test('defaults: producer -1/-1/-1, leader epoch -1, CreateTime, no flags', () => {
    const before = Date.now();
    const b = buildBatch({ baseOffset: 42, records: [{ value: Buffer.from('v') }] });
    expect(b.readBigInt64BE(0)).toBe(42n);
    expect(b.readInt32BE(8)).toBe(b.length - 12);
    expect(b.readInt32BE(12)).toBe(-1);
    expect(b.readInt8(16)).toBe(2);
    expect(b.readUInt32BE(17)).toBe(crc32c(b, 21));
    expect(b.readInt16BE(21)).toBe(0);
    expect(b.readInt32BE(23)).toBe(0);
    expect(b.readBigInt64BE(43)).toBe(-1n);
    expect(b.readInt16BE(51)).toBe(-1);
    expect(b.readInt32BE(53)).toBe(-1);
    expect(b.readInt32BE(57)).toBe(1);
    const ts = Number(b.readBigInt64BE(27));
    expect(ts).toBeGreaterThanOrEqual(before);
    expect(ts).toBeLessThanOrEqual(Date.now());
    const [r] = readRecords(b);
    expect(r).toEqual({ offset: 42, timestamp: ts, key: null, value: Buffer.from('v'), headers: [] });
  });

  test('attribute bits', () => {
    const b = buildBatch({
      records: [{ value: null, timestamp: 5 }],
      compression: CompressionType.LZ4,
      timestampType: 'LogAppendTime',
      isTransactional: true,
      isControl: true,
    });
    expect(b.readInt16BE(21)).toBe(0x03 | 0x08 | 0x10 | 0x20);
    const h = readBatchHeader(b, 0);
    expect([h.compression, h.isTransactional, h.isControl]).toEqual([3, true, true]);
  });

  test('empty record list is refused', () => {
    expect(() => buildBatch({ records: [] })).toThrow(/at least one record/);
  });

  const records = [
    { key: Buffer.from('key-0'), value: Buffer.from('value-0'), timestamp: 1_700_000_000_000 },
    { key: null, value: null, timestamp: 1_699_999_999_000 }, // negative delta, tombstone
    {
      key: Buffer.alloc(0),
      value: Buffer.alloc(300, 1), // multi-byte length varint
      headers: [
        { key: 'trace-id', value: Buffer.from('abc') },
        { key: 'nullable', value: null },
        { key: 'ключ-🔑', value: Buffer.alloc(0) },
      ],
      timestamp: 1_700_000_000_000 + 2 ** 33, // delta beyond int32: varlong
    },
    ...Array.from({ length: 200 }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(`v${i}`.repeat(i % 7)), timestamp: 1_700_000_000_000 + i })),
  ];

  for (const compression of [CompressionType.NONE, CompressionType.GZIP, CompressionType.SNAPPY, CompressionType.LZ4, CompressionType.ZSTD]) {
    test(`round trip with ${CompressionType[compression]}`, () => {
      const b = buildBatch({ baseOffset: 1000, records, compression, producerId: 7, producerEpoch: 3, baseSequence: 11 });
      const [h] = validateBatches(b);
      expect(h!.compression).toBe(compression);
      expect(h!.lastOffsetDelta).toBe(records.length - 1);
      expect(h!.baseTimestamp).toBe(records[0]!.timestamp);
      expect(h!.maxTimestamp).toBe(1_700_000_000_000 + 2 ** 33);
      const out = readRecords(b);
      expect(out).toHaveLength(records.length);
      out.forEach((r, i) => {
        const src = records[i]!;
        expect(r.offset).toBe(1000 + i);
        expect(r.timestamp).toBe(src.timestamp);
        expect(r.key).toEqual(src.key);
        expect(r.value).toEqual(src.value);
        expect(r.headers).toEqual('headers' in src ? src.headers : []);
      });
    });
  }
});

describe('interop with kafkajs\'s own RecordBatch v2 encoder/decoder', () => {
  const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as {
    RecordBatch(o: object): Promise<{ buffer: Buffer }>;
  };
  const Record = require('kafkajs/src/protocol/recordBatch/record/v0') as (o: object) => unknown;
  const decodeBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder') as (d: unknown) => Promise<{
    firstOffset: string;
    records: { offset: string; timestamp: string; key: Buffer | null; value: Buffer | null; headers: Record<string, Buffer> }[];
  }>;
  const Decoder = require('kafkajs/src/protocol/decoder') as new (b: Buffer) => unknown;
  const Long = require('kafkajs/src/utils/long') as { fromNumber(n: number): unknown };

  for (const compression of [CompressionType.NONE, CompressionType.GZIP]) {
    test(`readRecords reads a kafkajs-encoded batch (${CompressionType[compression]})`, async () => {
      const enc = await RecordBatch({
        compression,
        firstOffset: Long.fromNumber(77),
        firstTimestamp: 1_600_000_000_000,
        maxTimestamp: 1_600_000_000_009,
        lastOffsetDelta: 2,
        records: [
          Record({ offsetDelta: 0, timestampDelta: 0, key: Buffer.from('a'), value: Buffer.from('A'), headers: { h1: Buffer.from('x') } }),
          Record({ offsetDelta: 1, timestampDelta: 9, key: null, value: Buffer.from('B') }),
          Record({ offsetDelta: 2, timestampDelta: 3, key: Buffer.from('c'), value: null }),
        ],
      });
      const bytes = enc.buffer;
      expect(bytes.readUInt32BE(17)).toBe(crc32c(bytes, 21));
      const out = readRecords(bytes);
      expect(out.map((r) => [r.offset, r.timestamp, r.key?.toString() ?? null, r.value?.toString() ?? null])).toEqual([
        [77, 1_600_000_000_000, 'a', 'A'],
        [78, 1_600_000_000_009, null, 'B'],
        [79, 1_600_000_000_003, 'c', null],
      ]);
      expect(out[0]!.headers).toEqual([{ key: 'h1', value: Buffer.from('x') }]);
    });
  }

  for (const compression of [CompressionType.NONE, CompressionType.GZIP]) {
    test(`kafkajs decodes a batch from buildBatch (${CompressionType[compression]})`, async () => {
      const b = buildBatch({
        baseOffset: 5,
        compression,
        records: [
          { key: Buffer.from('k'), value: Buffer.from('v'), headers: [{ key: 'hk', value: Buffer.from('hv') }], timestamp: 1000 },
          { key: null, value: Buffer.from('w'), timestamp: 990 },
        ],
      });
      const d = await decodeBatch(new Decoder(b));
      expect(d.firstOffset).toBe('5');
      expect(d.records.map((r) => [r.offset, r.timestamp, r.key?.toString() ?? null, r.value?.toString()])).toEqual([
        ['5', '1000', 'k', 'v'],
        ['6', '990', null, 'w'],
      ]);
      expect(d.records[0]!.headers.hk!.toString()).toBe('hv');
    });
  }
});

describe('encodeRecords', () => {
  test('record framing matches the hand-built fixture', () => {
    const section = encodeRecords([
      { key: Buffer.from('k1'), value: Buffer.from('v1'), headers: [{ key: 'h', value: Buffer.from('x') }], timestampDelta: 0, offsetDelta: 0 },
      { key: null, value: Buffer.from('hello'), timestampDelta: 5, offsetDelta: 1 },
    ]);
    expect(section.toString('hex')).toBe(FIXTURE.subarray(61).toString('hex'));
  });
});

describe('corrupt batches give CORRUPT_MESSAGE, not crashes', () => {
  function expectCorrupt(b: Buffer, re?: RegExp): void {
    let err: unknown;
    try {
      readRecords(b);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KafkaError);
    expect((err as KafkaError).code).toBe(2);
    if (re) expect((err as Error).message).toMatch(re);
  }
  const withLength = (b: Buffer) => {
    b.writeInt32BE(b.length - 12, 8);
    return b;
  };

  test('header problems', () => {
    expectCorrupt(FIXTURE.subarray(0, 60), /shorter/);
    const magic = Buffer.from(FIXTURE);
    magic[16] = 1;
    expectCorrupt(magic, /magic/);
    const long = Buffer.from(FIXTURE);
    long.writeInt32BE(1000, 8);
    expectCorrupt(long, /declares/);
  });
  test('record count larger than the records', () => {
    const b = Buffer.from(FIXTURE);
    b.writeInt32BE(3, 57);
    expectCorrupt(b, /truncated/i);
    b.writeInt32BE(1_000_000, 57);
    expectCorrupt(b, /cannot fit/);
  });
  test('record count smaller than the records leaves bytes over', () => {
    const b = Buffer.from(FIXTURE);
    b.writeInt32BE(1, 57);
    expectCorrupt(b, /left over/);
  });
  test('record length disagreeing with its contents', () => {
    const b = Buffer.from(FIXTURE);
    b[61] = 0x1e; // 15 instead of 14
    expectCorrupt(b);
    b[61] = 0x1a; // 13
    expectCorrupt(b);
  });
  test('field length beyond the record', () => {
    const b = Buffer.from(FIXTURE);
    b[65] = 0x40; // key length 32
    expectCorrupt(b, /field length/);
  });
  test('truncated records section', () => {
    expectCorrupt(withLength(Buffer.from(FIXTURE.subarray(0, 80))));
  });
  test('garbage compressed section', () => {
    const b = Buffer.from(FIXTURE);
    b.writeInt16BE(4, 21); // claims zstd
    expectCorrupt(b, /ZSTD/);
  });
  test('random mutations of a compressed batch', () => {
    const good = buildBatch({
      records: Array.from({ length: 20 }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(`value ${i}`), timestamp: i })),
      compression: CompressionType.SNAPPY,
    });
    let seed = 3;
    for (let i = 0; i < 2000; i++) {
      const b = Buffer.from(good);
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      b[61 + (seed % (b.length - 61))] ^= 1 << (seed >>> 29);
      try {
        readRecords(b);
      } catch (e) {
        expect(e).toBeInstanceOf(KafkaError);
      }
    }
  });
});
