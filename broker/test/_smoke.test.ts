import { test } from 'vitest';
import { execFileSync } from 'node:child_process';
import { writeFileSync, readFileSync } from 'node:fs';
import { compress, decompress, CompressionType as C, initCompression } from '../src/records/compression.js';
test('smoke', async () => {
  await initCompression();
  const data = Buffer.from('hello kafka '.repeat(20000));
  for (const t of [C.GZIP, C.SNAPPY, C.LZ4, C.ZSTD]) {
    const c = compress(t, data);
    const d = decompress(t, c);
    console.log(C[t], c.length, d.equals(data), c.subarray(0, 8).toString('hex'));
    writeFileSync(`/tmp/rx/out.${t}`, c);
  }
  writeFileSync('/tmp/rx/data', data);
  // zstd without content size via stdin (streaming)
  const z = execFileSync('sh', ['-c', 'cat /tmp/rx/data /tmp/rx/data /tmp/rx/data /tmp/rx/data /tmp/rx/data | zstd -q -c']);
  console.log('zstd stream hdr', z.subarray(0, 8).toString('hex'), z.length);
  const zd = decompress(C.ZSTD, z);
  console.log('zstd stream decoded', zd.length, 5 * data.length);
  for (const bad of [Buffer.from('garbage!garbage!'), z.subarray(0, z.length - 10), Buffer.alloc(0)]) {
    for (const t of [C.GZIP, C.SNAPPY, C.LZ4, C.ZSTD]) {
      try { decompress(t, bad); console.log('no throw', C[t]); } catch (e) { console.log(C[t], (e as Error).message); }
    }
  }
});
