#!/usr/bin/env node
// Bundles the compiled broker (broker/dist/main.js and everything it imports, pino and node-zookeeper-client
// included) into one CommonJS file, broker/dist/gregor-broker.cjs: the broker's entry point for `npm start`, the
// container image and the tests.
//
// Why: loading ~140 ES modules plus ~60 CommonJS files of dependencies was most of the broker's cold start
// (Node's ESM loader resolves, stats and reads each file, then compiles it). One CommonJS file starts ~60-70 ms
// sooner on the benchmark machine (340 → 270 ms spawn to first produce, broker CPU 360 → 230 ms;
// docs/performance.md "Cold start"). dist/main.js keeps working: it is the same code, unbundled.
//
// Left outside the bundle, resolved from node_modules at run time: packages with native or WebAssembly parts
// (their loaders find binaries next to their own files) and prom-client, which the broker requires lazily
// only when the metrics endpoint is enabled.
import { build } from 'rolldown';
import { chmodSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const brokerDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const input = join(brokerDir, 'dist', 'main.js');
const output = join(brokerDir, 'dist', 'gregor-broker.cjs');
const EXTERNAL_PACKAGES = ['@node-rs/crc32', 'snappy', 'lz4-napi', '@bokuweb/zstd-wasm', 'prom-client'];

if (!existsSync(input)) {
  console.error(`bundle: ${input} missing: compile first (tsc -b broker)`);
  process.exit(1);
}

const isExternal = (id) => id.startsWith('node:') || EXTERNAL_PACKAGES.some((p) => id === p || id.startsWith(`${p}/`));

await build({
  input,
  platform: 'node',
  external: isExternal,
  logLevel: 'warn',
  output: {
    file: output,
    format: 'cjs',
    codeSplitting: false,
    sourcemap: true,
  },
});
chmodSync(output, 0o755);
