import { describe, expect, test } from 'vitest';
import { createRequire } from 'node:module';
import { crc32c } from '../src/records/crc32c.js';

// The pure-JS implementation is the independent reference (the module itself uses @node-rs/crc32).
const require = createRequire(import.meta.url);
const CRC32C = require('crc-32/crc32c') as { buf(data: Uint8Array, seed?: number): number };

describe('crc32c', () => {
  test('check value of the Castagnoli polynomial: crc32c("123456789") = 0xE3069283', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });

  test('empty input and unsigned results', () => {
    expect(crc32c(Buffer.alloc(0))).toBe(0);
    // iSCSI test vector (RFC 3720 B.4): 32 bytes of 0xFF -> 0x62A8AB43, above 2^31 so signedness shows.
    const v = crc32c(Buffer.alloc(32, 0xff));
    expect(v).toBe(0x62a8ab43);
    expect(v).toBeGreaterThan(0);
  });

  test('RFC 3720 vectors: 32 zero bytes, 32 increasing bytes', () => {
    expect(crc32c(Buffer.alloc(32, 0))).toBe(0x8a9136aa);
    expect(crc32c(Buffer.from(Array.from({ length: 32 }, (_, i) => i)))).toBe(0x46dd794e);
  });

  test('start/end select a range without copying semantics leaking', () => {
    const buf = Buffer.from('xx123456789yy');
    expect(crc32c(buf, 2, 11)).toBe(0xe3069283);
    expect(crc32c(buf, 2)).toBe(crc32c(Buffer.from('123456789yy')));
    expect(crc32c(new Uint8Array(buf), 2, 11)).toBe(0xe3069283);
  });

  test('agrees with crc-32/crc32c on random data of many sizes', () => {
    let seed = 7;
    for (const size of [1, 3, 7, 8, 15, 16, 63, 64, 255, 1000, 4096, 65537]) {
      const b = Buffer.alloc(size);
      for (let i = 0; i < size; i++) b[i] = (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24;
      expect(crc32c(b)).toBe(CRC32C.buf(b) >>> 0);
    }
  });
});
