#!/usr/bin/env node
// Profiling harness: one standalone ZooKeeper (as the benchmark), then `--starts N` fresh Gregor brokers in
// ZooKeeper mode with the benchmark's command line, each: cold-start probe (spawn → first acknowledged
// produce), then optionally kafka-producer-perf-test, then SIGTERM. Extra node flags go to the broker
// (e.g. --node "--cpu-prof --cpu-prof-dir=/tmp/prof"); PROF_MEMLOG sampling via bench/profiles/memlog.cjs
// with --memlog <dir>.
//
//   node bench/profiles/run-profile.mjs --starts 5                       # cold start only
//   node bench/profiles/run-profile.mjs --starts 5 --main /tmp/base/broker/dist/gregor-broker.cjs   # another build
//   node bench/profiles/run-profile.mjs --records 200000 --compression none --node "--cpu-prof --cpu-prof-dir=/tmp/p"
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startZooKeeper } from '../lib/zookeeper.mjs';
import { COMMON_BROKER_CONFIG, gregorTarget } from '../lib/targets.mjs';
import { waitForFirstProduce } from '../lib/probe.mjs';
import { CLASSES, PERF_JVM_OPTS, createTopic, javaArgs, parseProducerPerf, producerPerfArgs, writeToolsLog4j } from '../lib/java.mjs';
import { freePort, installExitHandlers, onCleanup, procCpuSeconds, procStatus, rssSampler, runCommand } from '../lib/proc.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const argv = process.argv.slice(2);
const opt = (k, d) => {
  const i = argv.indexOf(k);
  return i >= 0 ? argv[i + 1] : d;
};
const starts = Number(opt('--starts', 1));
const records = Number(opt('--records', 0));
const compression = opt('--compression', 'none');
const nodeFlags = (opt('--node', '') || '').split(' ').filter(Boolean);
const memlogDir = opt('--memlog', null);
/** Another build's broker entry point (broker/dist/gregor-broker.cjs or dist/main.js) (e.g. a baseline checkout) instead of this repository's. */
const brokerMain = opt('--main', join(repoRoot, 'broker/dist/gregor-broker.cjs'));

installExitHandlers();
const dir = mkdtempSync(join(tmpdir(), 'gregor-prof-'));
const log4j = writeToolsLog4j(dir);
const zk = await startZooKeeper({ dir: join(dir, 'zk'), log4jFile: log4j });
const target = gregorTarget(repoRoot);
const cold = [];
const coldCpu = [];
try {
  for (let i = 0; i < starts; i++) {
    const port = await freePort();
    const bdir = mkdtempSync(join(dir, `b${i}-`));
    const memlog = memlogDir ? join(memlogDir, `mem-${i}.jsonl`) : null;
    const h = await startWithFlags(target, { dir: bdir, port, zookeeperConnect: zk.chroot(`prof-${i}`), nodeFlags, memlog });
    const sampler = rssSampler(h.pid, 100);
    const c = await waitForFirstProduce({ host: h.host, port: h.port, topic: 'bench-coldstart', t0: h.spawnedAt, timeoutMs: 60_000, isAlive: h.alive });
    const cpuReady = procCpuSeconds(h.pid);
    cold.push(c.firstProduceMs);
    coldCpu.push(cpuReady * 1000);
    const hwmReady = procStatus(h.pid)?.VmHWM;
    console.log(`start ${i}: first produce ${c.firstProduceMs.toFixed(0)} ms (connect ${c.connectMs?.toFixed(0)} ms, attempts ${c.attempts}, broker CPU ${(cpuReady * 1000).toFixed(0)} ms), VmHWM ${Math.round(hwmReady / 1024)} MiB`);
    if (records > 0) {
      await createTopic({ bootstrap: h.bootstrap, topic: 'bench-prof', partitions: 6, log4jFile: log4j });
      const cpu0 = procCpuSeconds(h.pid);
      const res = await runCommand('java', javaArgs(PERF_JVM_OPTS, log4j, CLASSES.producerPerf, producerPerfArgs({ bootstrap: h.bootstrap, topic: 'bench-prof', records, recordSize: 1024, compression })), { timeoutMs: 600_000, sampleCpu: true });
      const p = parseProducerPerf(res.stdout);
      const hwm = procStatus(h.pid)?.VmHWM;
      console.log(`  produce ${compression}: ${p?.mbPerSec} MB/s, p99 ${p?.p99LatencyMs} ms; broker VmHWM after produce ${Math.round(hwm / 1024)} MiB; broker CPU ${(procCpuSeconds(h.pid) - cpu0).toFixed(2)} s; tool CPU ${res.cpuSec} s`);
      if (!p) console.log(res.stdout.slice(-1000), res.stderr.slice(-1000));
    }
    const s = sampler.stop();
    const st = await h.stop({ timeoutMs: 20_000 });
    console.log(`  stopped in ${st.ms.toFixed(0)} ms (code ${st.code}); peak RSS ${Math.round(s.peakRssKiB / 1024)} MiB`);
    if (process.env.KEEP) console.log(`  kept ${bdir}`);
    else rmSync(bdir, { recursive: true, force: true });
  }
  const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)].toFixed(0);
  console.log(`cold start ms: ${cold.map((x) => x.toFixed(0)).join(', ')}; median ${med(cold)}; broker CPU to first produce median ${med(coldCpu)} ms`);
} finally {
  await zk.stop();
  if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true });
}

/**
 * The benchmark's Gregor command line (bench/lib/targets.mjs: config/server.properties, COMMON_BROKER_CONFIG,
 * ids, ZooKeeper chroot, 127.0.0.1 listener, gregor.metrics.port=-1) with extra node flags before the entry script
 * (--cpu-prof is not allowed in NODE_OPTIONS). Returns the handle shape targets.mjs returns.
 */
async function startWithFlags(_t, { dir, port, zookeeperConnect, nodeFlags, memlog }) {
  const dataDir = join(dir, 'data');
  mkdirSync(dataDir, { recursive: true });
  const listener = `PLAINTEXT://127.0.0.1:${port}`;
  const overrides = {
    ...COMMON_BROKER_CONFIG,
    'broker.id': '1',
    'zookeeper.connect': zookeeperConnect,
    'log.dirs': dataDir,
    listeners: listener,
    'advertised.listeners': listener,
    'gregor.metrics.port': '-1',
  };
  const flags = [...nodeFlags];
  if (memlog) flags.push(`--require=${join(repoRoot, 'bench/profiles/memlog.cjs')}`);
  const args = [
    ...flags,
    brokerMain,
    '--config',
    join(repoRoot, 'config/server.properties'),
    ...Object.entries(overrides).flatMap(([k, v]) => ['--override', `${k}=${v}`]),
  ];
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GREGOR_') || k === 'GREGOR_LOG_LEVEL') env[k] = v;
  env.GREGOR_LOG_LEVEL ??= 'info';
  if (memlog) env.PROF_MEMLOG = memlog;
  const logFile = join(dir, 'broker.log');
  const out = openSync(logFile, 'a');
  const spawnedAt = performance.now();
  const proc = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ['ignore', out, out] });
  closeSync(out);
  let exit = null;
  const exited = new Promise((r) => proc.once('exit', (code, signal) => r((exit = { code, signal }))));
  onCleanup(() => exit === null && proc.kill('SIGKILL'));
  let readyResolve;
  const readyLogMs = new Promise((r) => (readyResolve = r));
  const poll = setInterval(() => {
    try {
      if (readFileSync(logFile, 'utf8').includes('Gregor broker started')) {
        clearInterval(poll);
        readyResolve(null);
      }
    } catch {
      /* not yet */
    }
  }, 50);
  exited.then(() => clearInterval(poll));
  return {
    pid: proc.pid,
    host: '127.0.0.1',
    port,
    bootstrap: `127.0.0.1:${port}`,
    spawnedAt,
    readyLogMs,
    logFile,
    alive: () => exit === null,
    async stop({ timeoutMs = 20_000 } = {}) {
      const t = performance.now();
      if (exit) return { ms: 0, ...exit };
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
      const e = await exited;
      clearTimeout(timer);
      return { ms: performance.now() - t, ...e };
    },
  };
}
