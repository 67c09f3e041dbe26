import { test } from 'vitest';
import { compress, decompress, CompressionType as C, initCompression, CompressionError } from '../src/records/compression.js';
test('fuzz', async () => {
  await initCompression();
  let seed = 12345;
  const rnd = () => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed / 4294967296; };
  const data = Buffer.from(Array.from({ length: 3000 }, (_, i) => `rec-${i % 97}-${i};`).join(''));
  const stats: Record<string, number[]> = {};
  for (const t of [C.GZIP, C.SNAPPY, C.LZ4, C.ZSTD]) {
    const good = compress(t, data);
    let ok = 0, err = 0;
    for (let i = 0; i < 20000; i++) {
      const b = Buffer.from(good);
      const mode = i % 4;
      let input: Buffer;
      if (mode === 0) { for (let k = 0; k < 1 + rnd() * 4; k++) b[Math.floor(rnd() * b.length)] ^= 1 << Math.floor(rnd() * 8); input = b; }
      else if (mode === 1) input = b.subarray(0, Math.floor(rnd() * b.length));
      else if (mode === 2) { input = Buffer.alloc(Math.floor(rnd() * 200)); for (let k = 0; k < input.length; k++) input[k] = rnd() * 256; if (input.length > 8 && rnd() < 0.5) good.copy(input, 0, 0, Math.min(8, good.length)); }
      else { for (let k = 0; k < 8; k++) b[Math.floor(rnd() * Math.min(b.length, 24))] = rnd() * 256; input = b; }
      try { decompress(t, input); ok++; } catch (e) { if (!(e instanceof CompressionError)) throw e; err++; }
    }
    stats[C[t]] = [ok, err];
  }
  console.log(JSON.stringify(stats));
}, 600000);
