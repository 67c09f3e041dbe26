#!/usr/bin/env node
// CRC32C throughput on 1 MiB buffers: @node-rs/crc32 (native) vs crc-32/crc32c (pure JS).
// Run: node bench/crc32c.mjs   — prints MiB/s per implementation; broker/src/records/crc32c.ts keeps the faster.
import { createRequire } from 'node:module';
import { randomFillSync } from 'node:crypto';

const require = createRequire(import.meta.url);
const { crc32c: nodeRs } = require('@node-rs/crc32');
const CRC32C = require('crc-32/crc32c');

const SIZE = 1024 * 1024;
const buf = randomFillSync(Buffer.alloc(SIZE + 64));
// Checksum a subarray at an odd offset, as the broker does for the CRC'd range of a batch inside a request.
const view = buf.subarray(21, 21 + SIZE);

const impls = {
  '@node-rs/crc32 crc32c': (b) => nodeRs(b) >>> 0,
  'crc-32/crc32c buf': (b) => CRC32C.buf(b) >>> 0,
};

const a = impls['@node-rs/crc32 crc32c'](view);
const b = impls['crc-32/crc32c buf'](view);
if (a !== b) throw new Error(`implementations disagree: ${a.toString(16)} vs ${b.toString(16)}`);
if (nodeRs(Buffer.from('123456789')) >>> 0 !== 0xe3069283) throw new Error('known vector failed');

const minMs = Number(process.env.BENCH_MS ?? 1500);
const results = {};
for (const [name, fn] of Object.entries(impls)) {
  for (let i = 0; i < 20; i++) fn(view); // warm up (JIT, page faults)
  let iters = 0;
  let sink = 0;
  const t0 = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < minMs) {
    for (let i = 0; i < 10; i++) sink ^= fn(view);
    iters += 10;
    elapsed = Number(process.hrtime.bigint() - t0) / 1e6;
  }
  const mibs = (iters * SIZE) / (1024 * 1024) / (elapsed / 1000);
  results[name] = mibs;
  console.log(`${name.padEnd(24)} ${mibs.toFixed(0).padStart(7)} MiB/s  (${iters} x 1 MiB, sink ${sink & 1})`);
}
const best = Object.entries(results).sort((x, y) => y[1] - x[1])[0];
console.log(`fastest: ${best[0]}`);
