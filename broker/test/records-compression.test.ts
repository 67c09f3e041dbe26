import { beforeAll, describe, expect, test } from 'vitest';
import { gzipSync } from 'node:zlib';
import { KafkaError } from '../src/protocol/errors.js';
import {
  CompressionError,
  CompressionType,
  compress,
  decompress,
  initCompression,
} from '../src/records/compression.js';

const hex = (s: string): Buffer => Buffer.from(s, 'hex');

// Vectors produced by OTHER implementations (not the libraries under test), kept as hex so the suite needs
// nothing beyond the project's dependencies. Generated once with:
//   python-snappy 0.7 (cramjam) raw blocks; xerial framing assembled as snappy-java writes it
//     (magic, version 1, compat 1, [int32 BE len][block] per 32 KiB of input);
//   lz4 CLI 1.9.4:   -B4 -BI --no-frame-crc  (exactly Java's Lz4BlockOutputStream settings),
//                    -B4 -BI (content checksum, what librdkafka's LZ4F defaults give), --content-size, -BX;
//   zstd CLI 1.5.4:  from stdin (streaming frame: no content size, as zstd-jni/librdkafka write) and
//                    from a file with --no-check (content size present).
const INPUT = {
  SNAPPY_RAW: Buffer.from('kafka snappy '.repeat(300) + 'end'),
  SNAPPY_XERIAL: Buffer.from('xerial chunk test '.repeat(2300)),
  LZ4_JAVA_STYLE: Buffer.from('kafka lz4 block '.repeat(5000)),
  LZ4_SHORT: Buffer.from('The quick brown fox jumps over the lazy dog. 0123456789'),
  ZSTD_STREAM: Buffer.from('kafka zstd streaming frame '.repeat(3000)),
};
const V = {
  SNAPPY_RAW: hex(
    'bf1e306b61666b6120736e6170707920fe0d00fe0d00fe0d00fe0d00fe0d00fe0d00fe0d00fe0d00fe0d00fe0d00fe0d00fe' +
    '0d00fe0d00fe0d00fe0d00fe0d00fe0d00fe0d00fe0d00fe0d00fe0d00fe0d00fe0d00fe0d00fe0d00fe0d00fe0d00fe0d00' +
    'fe0d00fe0d00fe0d00fe0d00fe0d00fe0d00fe0d00fe0d00fe0d00fe0d00fe0d00fe0d00fe0d00fe0d00fe0d00fe0d00fe0d' +
    '00fe0d00fe0d00fe0d00fe0d00fe0d00fe0d00fe0d00fe0d00fe0d00fe0d00fe0d00fe0d00fe0d00fe0d00fe0d00ba0d0008' +
    '656e64',
  ),
  SNAPPY_XERIAL: hex(
    '82534e41505059000000000100000001000006168080024478657269616c206368756e6b207465737420fe1200fe1200fe12' +
    '00fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe' +
    '1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200' +
    'fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe12' +
    '00fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe' +
    '1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200' +
    'fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe12' +
    '00fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe' +
    '1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200' +
    'fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe12' +
    '00fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe' +
    '1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200' +
    'fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe12' +
    '00fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe' +
    '1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200' +
    'fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe12' +
    '00fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe' +
    '1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200' +
    'fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe12' +
    '00fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe' +
    '1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200' +
    'fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe12' +
    '00fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe' +
    '1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200' +
    'fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe12' +
    '00fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe' +
    '1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200' +
    'fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe12' +
    '00fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe' +
    '1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200' +
    'fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe12' +
    '00fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200b61200000001aab8434468756e6b2074657374207865726961' +
    '6c2063fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe12' +
    '00fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe' +
    '1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200' +
    'fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe12' +
    '00fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe' +
    '1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200' +
    'fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe12' +
    '00fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe1200fe' +
    '1200fe1200961200',
  ),
  LZ4_JAVA_STYLE: hex(
    '04224d186040821b010000ff016b61666b61206c7a3420626c6f636b201000ffffffffffffffffffffffffffffffffffffff' +
    'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff' +
    'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff' +
    'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff' +
    'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff' +
    'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffd8506c6f636b2053000000ff01' +
    '6b61666b61206c7a3420626c6f636b201000ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff' +
    'ffffffffffffffffffffffffffffffffffffffffffffffff90506c6f636b2000000000',
  ),
  LZ4_RDKAFKA_STYLE: hex(
    '04224d186440a73700008054686520717569636b2062726f776e20666f78206a756d7073206f76657220746865206c617a79' +
    '20646f672e20303132333435363738390000000098e8b5ec',
  ),
  LZ4_CONTENT_SIZE: hex(
    '04224d186c403700000000000000de3700008054686520717569636b2062726f776e20666f78206a756d7073206f76657220' +
    '746865206c617a7920646f672e20303132333435363738390000000098e8b5ec',
  ),
  LZ4_BLOCK_CHECKSUM: hex(
    '04224d187440bd3700008054686520717569636b2062726f776e20666f78206a756d7073206f76657220746865206c617a79' +
    '20646f672e203031323334353637383998e8b5ec0000000098e8b5ec',
  ),
  ZSTD_STREAM: hex(
    '28b52ffd04581d0100d86b61666b61207a7374642073747265616d696e67206672616d652001002bf1783ec7bc56b0bf',
  ),
  ZSTD_WITH_SIZE: hex(
    '28b52ffd2037b9010054686520717569636b2062726f776e20666f78206a756d7073206f76657220746865206c617a792064' +
    '6f672e2030313233343536373839',
  ),
};

/** xxHash32 for inputs under 16 bytes (all an LZ4 frame descriptor needs), after the reference spec. */
function xxh32Short(b: Buffer, seed = 0): number {
  const P1 = 2654435761, P2 = 2246822519, P3 = 3266489917, P4 = 668265263, P5 = 374761393;
  if (b.length >= 16) throw new Error('short inputs only');
  const rotl = (x: number, r: number) => ((x << r) | (x >>> (32 - r))) >>> 0;
  let h = (seed + P5 + b.length) >>> 0;
  let i = 0;
  for (; i + 4 <= b.length; i += 4) h = Math.imul(rotl((h + Math.imul(b.readUInt32LE(i), P3)) >>> 0, 17), P4) >>> 0;
  for (; i < b.length; i++) h = Math.imul(rotl((h + Math.imul(b[i]!, P5)) >>> 0, 11), P1) >>> 0;
  h ^= h >>> 15;
  h = Math.imul(h, P2) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, P3) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The checks Java's Lz4BlockInputStream (and KafkaLZ4BlockInputStream before it) applies to a frame:
 * magic, FLG (reserved 0, block independence set, version 1), BD (reserved 0, block size 4..7), header
 * checksum byte = (xxh32(descriptor) >> 8) & 0xff, blocks no larger than the BD maximum, an end mark.
 * Returns the decoded block layout so tests can assert on it.
 */
function checkJavaLz4Frame(f: Buffer): { flg: number; bd: number; blocks: number } {
  expect(f.readUInt32LE(0)).toBe(0x184d2204);
  const flg = f[4]!;
  const bd = f[5]!;
  expect(flg & 0x03).toBe(0); // reserved
  expect((flg >> 5) & 1).toBe(1); // block independence
  expect(flg >> 6).toBe(1); // version
  expect(bd & 0x8f).toBe(0); // reserved2/reserved3
  const blockSizeId = (bd >> 4) & 7;
  expect(blockSizeId).toBeGreaterThanOrEqual(4);
  expect(blockSizeId).toBeLessThanOrEqual(7);
  const maxBlock = 1 << (2 * blockSizeId + 8);
  let pos = 6 + ((flg & 0x08) ? 8 : 0);
  expect(f[pos]).toBe((xxh32Short(f.subarray(4, pos)) >>> 8) & 0xff);
  pos++;
  let blocks = 0;
  for (;;) {
    const word = f.readUInt32LE(pos);
    pos += 4;
    const size = word & 0x7fffffff;
    if (size === 0) break;
    expect(size).toBeLessThanOrEqual(maxBlock);
    pos += size + ((flg & 0x10) ? 4 : 0);
    blocks++;
  }
  if (flg & 0x04) pos += 4; // content checksum
  expect(pos).toBe(f.length);
  return { flg, bd, blocks };
}

function expectCorrupt(type: CompressionType, input: Buffer, message?: RegExp): void {
  let err: unknown;
  try {
    decompress(type, input);
  } catch (e) {
    err = e;
  }
  expect(err, `expected ${CompressionType[type]} to reject input`).toBeInstanceOf(CompressionError);
  expect(err).toBeInstanceOf(KafkaError);
  expect((err as KafkaError).code).toBe(2); // CORRUPT_MESSAGE
  expect((err as Error).message.startsWith(CompressionType[type]!)).toBe(true);
  if (message) expect((err as Error).message).toMatch(message);
}

const CODECS = [CompressionType.GZIP, CompressionType.SNAPPY, CompressionType.LZ4, CompressionType.ZSTD];

beforeAll(async () => {
  await initCompression();
  await initCompression(); // idempotent
});

describe('CompressionType', () => {
  test('Kafka attribute codes', () => {
    expect([CompressionType.NONE, CompressionType.GZIP, CompressionType.SNAPPY, CompressionType.LZ4, CompressionType.ZSTD])
      .toEqual([0, 1, 2, 3, 4]);
  });
});

describe('round trips', () => {
  const inputs: [string, Buffer][] = [
    ['empty', Buffer.alloc(0)],
    ['one byte', Buffer.from([42])],
    ['text', Buffer.from('hello kafka '.repeat(1000))],
    ['incompressible 300 KiB', Buffer.from(Array.from({ length: 300 * 1024 }, (_, i) => (Math.imul(i, 2654435761) >>> 13) & 0xff))],
    ['compressible 3 MiB', Buffer.alloc(3 * 1024 * 1024, 'abcdefghij')],
  ];
  for (const type of [CompressionType.NONE, ...CODECS]) {
    for (const [name, data] of inputs) {
      test(`${CompressionType[type]}: ${name}`, () => {
        const c = compress(type, data);
        expect(decompress(type, c).equals(data)).toBe(true);
      });
    }
  }
  test('unknown codec ids throw', () => {
    expect(() => compress(5 as CompressionType, Buffer.from('x'))).toThrow(CompressionError);
    expect(() => decompress(7 as CompressionType, Buffer.from('x'))).toThrow(/codec 7/);
  });
});

describe('gzip', () => {
  test('reads concatenated gzip members (allowed by RFC 1952)', () => {
    const two = Buffer.concat([gzipSync(Buffer.from('ab')), gzipSync(Buffer.from('cd'))]);
    expect(decompress(CompressionType.GZIP, two).toString()).toBe('abcd');
  });
  test('decompression limit', () => {
    const c = compress(CompressionType.GZIP, Buffer.alloc(100_000));
    expect(() => decompress(CompressionType.GZIP, c, 1000)).toThrow(CompressionError);
  });
});

describe('snappy', () => {
  test('decodes raw snappy (as some librdkafka versions send)', () => {
    expect(decompress(CompressionType.SNAPPY, V.SNAPPY_RAW).equals(INPUT.SNAPPY_RAW)).toBe(true);
  });
  test('decodes xerial-framed snappy with two chunks (as Java sends)', () => {
    expect(decompress(CompressionType.SNAPPY, V.SNAPPY_XERIAL).equals(INPUT.SNAPPY_XERIAL)).toBe(true);
  });
  test('decodes a raw block written by hand from the format description', () => {
    // len 18; literal "hello "; copy (1-byte offset) len 11 offset 6; literal "!"
    const block = Buffer.concat([hex('12'), hex('14'), Buffer.from('hello '), hex('1d06'), hex('00'), Buffer.from('!')]);
    expect(decompress(CompressionType.SNAPPY, block).toString()).toBe('hello hello hello!');
  });
  test('compresses in xerial framing like snappy-java: header, 32 KiB chunks', () => {
    const data = Buffer.alloc(80 * 1024, 'snappy');
    const c = compress(CompressionType.SNAPPY, data);
    expect(c.subarray(0, 16).toString('hex')).toBe('82534e41505059000000000100000001');
    let pos = 16;
    let chunks = 0;
    while (pos < c.length) {
      pos += 4 + c.readInt32BE(pos);
      chunks++;
    }
    expect(pos).toBe(c.length);
    expect(chunks).toBe(3); // 32 + 32 + 16 KiB
  });
  test('accepts concatenated xerial streams', () => {
    const a = compress(CompressionType.SNAPPY, Buffer.from('first '));
    const b = compress(CompressionType.SNAPPY, Buffer.from('second'));
    expect(decompress(CompressionType.SNAPPY, Buffer.concat([a, b])).toString()).toBe('first second');
  });
  test('header-only xerial stream is empty', () => {
    expect(decompress(CompressionType.SNAPPY, V.SNAPPY_XERIAL.subarray(0, 16)).length).toBe(0);
  });
  test('corrupt input', () => {
    expectCorrupt(CompressionType.SNAPPY, Buffer.alloc(0), /truncated/);
    expectCorrupt(CompressionType.SNAPPY, V.SNAPPY_RAW.subarray(0, 30));
    expectCorrupt(CompressionType.SNAPPY, V.SNAPPY_XERIAL.subarray(0, 200), /exceeds the input/);
    expectCorrupt(CompressionType.SNAPPY, V.SNAPPY_XERIAL.subarray(0, 18), /truncated xerial chunk/);
    // A varint claiming 4 GiB from 6 bytes: refused before the native decoder would allocate it.
    expectCorrupt(CompressionType.SNAPPY, hex('ffffffff0f00'), /declares/);
    expectCorrupt(CompressionType.SNAPPY, hex('ffffffffff0f'), /varint/);
  });
});

describe('lz4', () => {
  test('our frames pass the checks of Java\'s Lz4BlockInputStream', () => {
    for (const data of [Buffer.alloc(0), INPUT.LZ4_SHORT, INPUT.LZ4_JAVA_STYLE, Buffer.alloc(1024 * 1024, 'xyz')]) {
      const f = compress(CompressionType.LZ4, data);
      const { flg } = checkJavaLz4Frame(f);
      // No content size (old Kafka readers predate it), no checksums beyond the header byte: the same
      // features Java's writer uses.
      expect(flg).toBe(0x60);
    }
  });
  test('the Java-check port accepts the reference Java-style frame (validates the checker)', () => {
    const { flg, bd, blocks } = checkJavaLz4Frame(V.LZ4_JAVA_STYLE);
    expect(flg).toBe(0x60);
    expect(bd).toBe(0x40);
    expect(blocks).toBe(2);
    expect(xxh32Short(Buffer.alloc(0))).toBe(0x02cc5d05); // xxHash spec vector
  });
  test('decodes frames from the reference implementation', () => {
    expect(decompress(CompressionType.LZ4, V.LZ4_JAVA_STYLE).equals(INPUT.LZ4_JAVA_STYLE)).toBe(true);
    expect(decompress(CompressionType.LZ4, V.LZ4_RDKAFKA_STYLE).equals(INPUT.LZ4_SHORT)).toBe(true);
    expect(decompress(CompressionType.LZ4, V.LZ4_CONTENT_SIZE).equals(INPUT.LZ4_SHORT)).toBe(true);
    expect(decompress(CompressionType.LZ4, V.LZ4_BLOCK_CHECKSUM).equals(INPUT.LZ4_SHORT)).toBe(true);
  });
  test('corrupt input', () => {
    expectCorrupt(CompressionType.LZ4, Buffer.alloc(3), /too short/);
    expectCorrupt(CompressionType.LZ4, hex('02214c18' + '604000000000'), /magic/);
    // version bits 00
    expectCorrupt(CompressionType.LZ4, hex('04224d18' + '2040a700000000'), /version/);
    // header checksum byte wrong
    const badHc = Buffer.from(V.LZ4_JAVA_STYLE);
    badHc[6] ^= 0xff;
    expectCorrupt(CompressionType.LZ4, badHc);
    expectCorrupt(CompressionType.LZ4, V.LZ4_JAVA_STYLE.subarray(0, 100));
    // content checksum mismatch
    const badContent = Buffer.from(V.LZ4_RDKAFKA_STYLE);
    badContent[badContent.length - 1] ^= 1;
    expectCorrupt(CompressionType.LZ4, badContent);
    // content size of 2^40 declared: refused before decoding
    const huge = Buffer.from(V.LZ4_CONTENT_SIZE);
    huge.writeUInt32LE(256, 10);
    expectCorrupt(CompressionType.LZ4, huge, /declares/);
  });
});

describe('zstd', () => {
  test('decodes a streaming frame without content size, larger than the 1 MiB the WASM wrapper assumes', () => {
    expect(V.ZSTD_STREAM[4]! >> 6).toBe(0); // FCS flag 0: no content size
    const big = Buffer.concat(Array.from({ length: 5 }, () => V.ZSTD_STREAM)); // 5 concatenated frames, 405 KB
    expect(decompress(CompressionType.ZSTD, V.ZSTD_STREAM).equals(INPUT.ZSTD_STREAM)).toBe(true);
    expect(decompress(CompressionType.ZSTD, big).length).toBe(5 * INPUT.ZSTD_STREAM.length);
    const huge = Buffer.concat(Array.from({ length: 40 }, () => V.ZSTD_STREAM)); // 3.2 MB from 2 KB
    expect(decompress(CompressionType.ZSTD, huge).length).toBe(40 * INPUT.ZSTD_STREAM.length);
  });
  test('decodes a frame with content size', () => {
    expect(decompress(CompressionType.ZSTD, V.ZSTD_WITH_SIZE).equals(INPUT.LZ4_SHORT)).toBe(true);
  });
  test('frames with a declared size followed by more frames', () => {
    const a = compress(CompressionType.ZSTD, Buffer.from('a'.repeat(100)));
    const b = compress(CompressionType.ZSTD, Buffer.alloc(200_000, 'b'));
    expect(decompress(CompressionType.ZSTD, Buffer.concat([a, b])).length).toBe(200_100);
  });
  test('limit on decompressed size', () => {
    expect(() => decompress(CompressionType.ZSTD, V.ZSTD_STREAM, 10_000)).toThrow(/exceeds the limit/);
    const big = compress(CompressionType.ZSTD, Buffer.alloc(100_000));
    expect(() => decompress(CompressionType.ZSTD, big, 50_000)).toThrow(/declares 100000 bytes/);
  });
  test('corrupt input', () => {
    expectCorrupt(CompressionType.ZSTD, Buffer.alloc(2), /too short/);
    expectCorrupt(CompressionType.ZSTD, Buffer.from('not a zstd frame'), /prefix_unknown/);
    expectCorrupt(CompressionType.ZSTD, V.ZSTD_STREAM.subarray(0, V.ZSTD_STREAM.length - 3));
    const flipped = Buffer.from(V.ZSTD_STREAM);
    flipped[flipped.length - 1] ^= 0xff; // content checksum
    expectCorrupt(CompressionType.ZSTD, flipped, /checksum/);
    // single-segment frame declaring 2^40 bytes: refused without allocating
    expectCorrupt(CompressionType.ZSTD, hex('28b52ffd' + 'e0' + '0000000000010000' + '010000'), /declares/);
  });
  test('still usable after errors (WASM heap intact)', () => {
    expect(decompress(CompressionType.ZSTD, compress(CompressionType.ZSTD, Buffer.from('ok'))).toString()).toBe('ok');
  });
});

describe('corrupted input never crashes the process', () => {
  test('mutated, truncated and random inputs either decode or throw CompressionError', () => {
    let seed = 99;
    const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
    const data = Buffer.from(Array.from({ length: 2000 }, (_, i) => `rec-${i % 97}-${i};`).join(''));
    for (const type of CODECS) {
      const good = compress(type, data);
      for (let i = 0; i < 1500; i++) {
        let input = Buffer.from(good);
        switch (i % 3) {
          case 0:
            for (let k = 0; k < 3; k++) input[Math.floor(rnd() * input.length)]! ^= 1 << Math.floor(rnd() * 8);
            break;
          case 1:
            input = input.subarray(0, Math.floor(rnd() * input.length));
            break;
          default:
            for (let k = 0; k < 6; k++) input[Math.floor(rnd() * Math.min(input.length, 24))] = rnd() * 256;
        }
        try {
          decompress(type, input);
        } catch (e) {
          if (!(e instanceof CompressionError)) throw e;
        }
      }
    }
  });
});
