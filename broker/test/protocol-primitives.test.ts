import { describe, expect, it } from 'vitest';
import { EncodeError, ProtocolError, Reader, Writer, ZERO_COPY_THRESHOLD, ZERO_UUID } from '../src/protocol/primitives.js';
import { ErrorCode, KafkaError, errorName } from '../src/protocol/errors.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('Reader/Writer primitives', () => {
  it('round-trips fixed-width integers, floats and bools', () => {
    const w = new Writer(16);
    w.int8(-5).int16(-300).uint16(65000).int32(-70000).uint32(4000000000).float64(1.5).bool(true).bool(false);
    const r = new Reader(w.finishSingle());
    expect([r.int8(), r.int16(), r.uint16(), r.int32(), r.uint32(), r.float64(), r.bool(), r.bool()]).toEqual([
      -5, -300, 65000, -70000, 4000000000, 1.5, true, false,
    ]);
    expect(r.remaining).toBe(0);
  });

  it('encodes int64 as big-endian two-complement and reads it back as a number', () => {
    const cases: [number, string][] = [
      [0, '0000000000000000'],
      [-1, 'ffffffffffffffff'],
      [1, '0000000000000001'],
      [2 ** 32, '0000000100000000'],
      [-(2 ** 32) - 1, 'fffffffeffffffff'],
      [Number.MAX_SAFE_INTEGER, '001fffffffffffff'],
      [Number.MIN_SAFE_INTEGER, 'ffe0000000000001'],
      [1732000000000, '00000193433ea800'],
    ];
    for (const [n, h] of cases) {
      const b = new Writer().int64(n).finishSingle();
      expect(b.toString('hex')).toBe(h);
      expect(new Reader(b).int64()).toBe(n);
      expect(new Reader(b).int64()).toBe(Number(b.readBigInt64BE(0)));
    }
    // Beyond 2^53 precision is lost but nothing throws, and rounding matches Number(BigInt).
    const big = hex('7fffffffffffffff');
    expect(new Reader(big).int64()).toBe(Number(big.readBigInt64BE(0)));
    expect(() => new Writer().int64(2 ** 63).finishSingle()).not.toThrow();
    expect(() => new Writer().int64(1.5)).toThrow(EncodeError);
  });

  it('encodes unsigned varints and zigzag varints/varlongs as Kafka does', () => {
    const uv: [number, string][] = [
      [0, '00'],
      [1, '01'],
      [127, '7f'],
      [128, '8001'],
      [300, 'ac02'],
      [0xffffffff, 'ffffffff0f'],
    ];
    for (const [n, h] of uv) {
      const b = new Writer().uvarint(n).finishSingle();
      expect(b.toString('hex')).toBe(h);
      expect(new Reader(b).uvarint()).toBe(n);
    }
    const zz: [number, string][] = [
      [0, '00'],
      [-1, '01'],
      [1, '02'],
      [-64, '7f'],
      [64, '8001'],
      [2147483647, 'feffffff0f'],
      [-2147483648, 'ffffffff0f'],
    ];
    for (const [n, h] of zz) {
      expect(new Writer().varint(n).finishSingle().toString('hex')).toBe(h);
      expect(new Reader(hex(h)).varint()).toBe(n);
      expect(new Writer().varlong(n).finishSingle().toString('hex')).toBe(h);
      expect(new Reader(hex(h)).varlong()).toBe(n);
    }
    for (const n of [2 ** 31, -(2 ** 31) - 1, 2 ** 40 + 7, -(2 ** 50), Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]) {
      expect(new Reader(new Writer().varlong(n).finishSingle()).varlong()).toBe(n);
    }
    // -2^63 is the longest varlong: 10 bytes.
    expect(new Reader(hex('ffffffffffffffffff01')).varlong()).toBe(-(2 ** 63));
    expect(() => new Reader(hex('ffffffffff0f')).uvarint()).toThrow(ProtocolError);
    expect(() => new Reader(hex('ffffffff7f')).uvarint()).toThrow(ProtocolError);
    expect(() => new Reader(hex('8080')).uvarint()).toThrow(ProtocolError);
  });

  it('handles strings, compact strings and their null forms', () => {
    const w = new Writer();
    w.string('héllo').nullableString(null).compactString('').compactNullableString(null).compactString('ab');
    const b = w.finishSingle();
    expect(b.toString('hex')).toBe('0006' + Buffer.from('héllo').toString('hex') + 'ffff' + '01' + '00' + '03' + '6162');
    const r = new Reader(b);
    expect(r.string()).toBe('héllo');
    expect(r.nullableString()).toBeNull();
    expect(r.compactString()).toBe('');
    expect(r.compactNullableString()).toBeNull();
    expect(r.compactString()).toBe('ab');
    expect(() => new Reader(hex('ffff')).string()).toThrow(ProtocolError);
    expect(() => new Reader(hex('fffe')).nullableString()).toThrow(ProtocolError);
    expect(() => new Reader(hex('00')).compactString()).toThrow(ProtocolError);
    expect(() => new Reader(hex('0005616263')).string()).toThrow(ProtocolError);
  });

  it('returns byte fields as zero-copy slices', () => {
    const frame = hex('00000003 010203 ffffffff 04 aabbcc 00');
    const r = new Reader(frame);
    const b = r.bytes();
    expect([...b]).toEqual([1, 2, 3]);
    expect(b.buffer).toBe(frame.buffer);
    b[0] = 9;
    expect(frame[4]).toBe(9);
    expect(r.nullableBytes()).toBeNull();
    expect([...r.compactBytes()]).toEqual([0xaa, 0xbb, 0xcc]);
    expect(r.compactNullableBytes()).toBeNull();
    expect(() => new Reader(hex('7fffffff00')).bytes()).toThrow(ProtocolError);
    expect(() => new Reader(hex('fffffffe')).nullableBytes()).toThrow(ProtocolError);
  });

  it('reads and writes uuids in Kafka text form', () => {
    expect(new Reader(Buffer.alloc(16)).uuid()).toBe(ZERO_UUID);
    expect(ZERO_UUID).toBe('AAAAAAAAAAAAAAAAAAAAAA');
    const bytes = hex('0123456789abcdeffedcba9876543210');
    const text = new Reader(bytes).uuid();
    expect(text).toHaveLength(22);
    expect(text).toBe(bytes.toString('base64url'));
    expect(new Writer().uuid(text).finishSingle()).toEqual(bytes);
    expect(() => new Writer().uuid('not-a-uuid')).toThrow(EncodeError);
    expect(() => new Reader(Buffer.alloc(15)).uuid()).toThrow(ProtocolError);
  });

  it('bounds-checks every read', () => {
    const r = new Reader(hex('0102'));
    expect(() => r.int32()).toThrow(ProtocolError);
    expect(r.pos).toBe(0);
    expect(() => new Reader(Buffer.alloc(7)).int64()).toThrow(ProtocolError);
    expect(() => new Reader(Buffer.alloc(0)).bool()).toThrow(ProtocolError);
    const windowed = new Reader(hex('0000000100'), 0, 3);
    expect(() => windowed.int32()).toThrow(ProtocolError);
  });

  it('keeps large byte fields as separate chunks without copying', () => {
    const big = Buffer.alloc(ZERO_COPY_THRESHOLD, 7);
    const small = Buffer.alloc(10, 1);
    const w = new Writer();
    w.int32(1).bytes(big).bytes(small).int16(2);
    expect(w.length).toBe(4 + 4 + big.length + 4 + 10 + 2);
    const chunks = w.finish();
    expect(chunks.some((c) => c === big)).toBe(true);
    expect(chunks.some((c) => c === small)).toBe(false);
    const all = Buffer.concat(chunks);
    expect(all.length).toBe(4 + 4 + big.length + 4 + 10 + 2);
    const r = new Reader(all);
    expect(r.int32()).toBe(1);
    expect(r.bytes().equals(big)).toBe(true);
    expect(r.bytes().equals(small)).toBe(true);
    expect(r.int16()).toBe(2);
  });

  it('grows across many small writes', () => {
    const w = new Writer(16);
    for (let i = 0; i < 100_000; i++) w.int32(i);
    const b = w.finishSingle();
    expect(b.length).toBe(400_000);
    const r = new Reader(b);
    for (let i = 0; i < 100_000; i++) if (r.int32() !== i) throw new Error(`mismatch at ${i}`);
  });
});

describe('error codes', () => {
  it('has Kafka codes by name', () => {
    expect(ErrorCode.UNKNOWN_SERVER_ERROR).toBe(-1);
    expect(ErrorCode.NONE).toBe(0);
    expect(ErrorCode.OFFSET_OUT_OF_RANGE).toBe(1);
    expect(ErrorCode.CORRUPT_MESSAGE).toBe(2);
    expect(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION).toBe(3);
    expect(ErrorCode.NOT_LEADER_OR_FOLLOWER).toBe(6);
    expect(ErrorCode.NOT_COORDINATOR).toBe(16);
    expect(ErrorCode.REBALANCE_IN_PROGRESS).toBe(27);
    expect(ErrorCode.UNSUPPORTED_VERSION).toBe(35);
    expect(ErrorCode.TOPIC_ALREADY_EXISTS).toBe(36);
    expect(ErrorCode.INVALID_REQUEST).toBe(42);
    expect(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER).toBe(45);
    expect(ErrorCode.INVALID_PRODUCER_EPOCH).toBe(47);
    expect(ErrorCode.FENCED_LEADER_EPOCH).toBe(74);
    expect(ErrorCode.MEMBER_ID_REQUIRED).toBe(79);
    expect(ErrorCode.INVALID_RECORD).toBe(87);
    expect(ErrorCode.POSITION_OUT_OF_RANGE).toBe(99);
    expect(ErrorCode.UNKNOWN_TOPIC_ID).toBe(100);
    expect(ErrorCode.TRANSACTION_ABORTABLE).toBe(120);
    const codes = Object.values(ErrorCode);
    expect(new Set(codes).size).toBe(codes.length);
    for (let c = -1; c <= 128; c++) expect(codes).toContain(c);
  });

  it('names codes and carries them in KafkaError', () => {
    expect(errorName(3)).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    expect(errorName(9999)).toBe('UNKNOWN_ERROR_9999');
    const e = new KafkaError(ErrorCode.INVALID_REQUEST);
    expect(e).toBeInstanceOf(Error);
    expect(e.code).toBe(42);
    expect(e.message).toBe('INVALID_REQUEST');
    expect(new KafkaError(1, 'x').message).toBe('x');
  });
});
