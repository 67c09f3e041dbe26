#!/usr/bin/env node
// The "limits" of this machine for the produce scenario, without any broker:
// - a raw loopback socket pump in Node: one process is a TCP server that reads and discards, another writes
//   the same number of bytes as the produce scenario in 1 MiB writes (with backpressure); the time runs from
//   connect until the server has acknowledged the last byte;
// - `dd if=/dev/zero of=<same temp dir as the brokers' data> bs=1M count=<MiB> conv=fdatasync`.
//
//   node bench/lib/pump.mjs serve              prints "port <n>", serves one connection, exits
//   node bench/lib/pump.mjs send <port> <bytes> [chunkBytes]   prints {"bytes","ms","mibPerSec"} as JSON
import { randomFillSync } from 'node:crypto';
import { rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkResult, runCommand } from './proc.mjs';

const SELF = fileURLToPath(import.meta.url);
const MiB = 1024 * 1024;

function serve() {
  const srv = createServer((sock) => {
    let bytes = 0;
    sock.on('data', (d) => {
      bytes += d.length;
    });
    sock.on('end', () => {
      sock.end(`ok ${bytes}\n`);
      srv.close();
    });
    sock.on('error', () => process.exit(1));
  });
  srv.listen(0, '127.0.0.1', () => process.stdout.write(`port ${srv.address().port}\n`));
}

function send(port, total, chunk) {
  // Payload like the perf tool's: random upper-case letters.
  const buf = Buffer.alloc(chunk);
  randomFillSync(buf);
  for (let i = 0; i < buf.length; i++) buf[i] = 65 + (buf[i] % 26);
  const t0 = performance.now();
  const sock = connect({ host: '127.0.0.1', port });
  let sent = 0;
  let reply = '';
  const pump = () => {
    while (sent < total) {
      const n = Math.min(chunk, total - sent);
      sent += n;
      if (!sock.write(n === chunk ? buf : buf.subarray(0, n))) return sock.once('drain', pump);
    }
    sock.end();
  };
  sock.on('connect', pump);
  sock.on('data', (d) => (reply += d.toString()));
  sock.on('end', () => {
    const ms = performance.now() - t0;
    const got = Number(/^ok (\d+)/.exec(reply)?.[1]);
    if (got !== total) {
      process.stderr.write(`server acknowledged ${got} of ${total} bytes\n`);
      process.exit(1);
    }
    process.stdout.write(JSON.stringify({ bytes: total, ms, mibPerSec: total / MiB / (ms / 1000) }) + '\n');
  });
  sock.on('error', (e) => {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  });
}

/** Runs the server and the client as two Node processes; resolves { bytes, ms, mibPerSec }. */
export async function runPump({ bytes, chunk = MiB, timeoutMs = 120_000 }) {
  let resolvePort;
  const portP = new Promise((r) => (resolvePort = r));
  const server = runCommand(process.execPath, [SELF, 'serve'], {
    timeoutMs,
    onStdoutLine: (l) => {
      const m = /^port (\d+)/.exec(l);
      if (m) resolvePort(Number(m[1]));
    },
  });
  const port = await Promise.race([portP, server.then(() => null)]);
  if (!port) checkResult('pump server', await server);
  const client = await runCommand(process.execPath, [SELF, 'send', String(port), String(bytes), String(chunk)], { timeoutMs });
  checkResult('pump client', client);
  checkResult('pump server', await server);
  return JSON.parse(client.stdout.trim().split('\n').pop());
}

/** dd of `mib` MiB of zeros into `dir` with conv=fdatasync; resolves { bytes, ms, mibPerSec, dd } (dd's own line). */
export async function runDd({ dir, mib, timeoutMs = 300_000 }) {
  const file = join(dir, 'dd-limits.tmp');
  try {
    const t0 = performance.now();
    const res = await runCommand('dd', ['if=/dev/zero', `of=${file}`, 'bs=1M', `count=${mib}`, 'conv=fdatasync'], { timeoutMs });
    const wallMs = performance.now() - t0;
    checkResult('dd', res);
    // "209715200 bytes (210 MB, 200 MiB) copied, 0.437 s, 480 MB/s"
    const line = res.stderr.trim().split('\n').pop();
    const m = /^(\d+) bytes .* copied, ([\d.]+) s/.exec(line);
    const bytes = m ? Number(m[1]) : mib * MiB;
    const ms = m ? Number(m[2]) * 1000 : wallMs;
    return { bytes, ms, mibPerSec: bytes / MiB / (ms / 1000), dd: line };
  } finally {
    rmSync(file, { force: true });
  }
}

if (process.argv[1] === SELF) {
  const [mode, a, b, c] = process.argv.slice(2);
  if (mode === 'serve') serve();
  else if (mode === 'send') send(Number(a), Number(b), Number(c ?? MiB));
  else {
    process.stderr.write('usage: pump.mjs serve | send <port> <bytes> [chunkBytes]\n');
    process.exit(2);
  }
}
