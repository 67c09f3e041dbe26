// Benchmark targets: brokers the same scenarios run against, side by side.
//
// A target is { name, label, describe(), start(opts) }:
//   describe()            -> Promise<{ version, command }> for RESULTS.md
//   start({ dir, port })  -> Promise<BrokerHandle>; spawns the broker on 127.0.0.1:<port> with its data
//                            under `dir` and returns as soon as the process is spawned (readiness is
//                            measured by the caller with a real produce, see probe.mjs).
// A BrokerHandle has { pid, host, port, bootstrap, logFile, spawnedAt (performance.now() just before spawn),
//   readyLogMs (Promise<number|null>: when the broker logged its own "started" line, relative to spawnedAt),
//   alive(), stop({ timeoutMs }) -> Promise<{ ms, code, signal, forced }> }.
//
// Adding Apache Kafka 3.9 later means one more entry in TARGETS: write a KRaft server.properties into `dir`,
// run kafka-storage format, spawn `java ... kafka.Kafka server.properties`, readyPattern /Kafka Server started/.
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { onCleanup, sleep } from './proc.mjs';

/** Broker settings every target gets, so results compare like with like. */
export const COMMON_BROKER_CONFIG = {
  'auto.create.topics.enable': 'true', // the cold-start probe creates its topic through Metadata
  'group.initial.rebalance.delay.ms': '0', // ConsumerPerformance's MB.sec includes the group join
  'num.partitions': '1',
  'offsets.topic.replication.factor': '1',
};

const live = new Set();
onCleanup(() => {
  for (const h of live) h.kill();
});

/**
 * Spawns a broker process with stdout/stderr appended to `logFile`; watches the output for `readyPattern`.
 */
function spawnBroker({ cmd, args, cwd, env, logFile, readyPattern }) {
  const log = createWriteStream(logFile, { flags: 'a' });
  const spawnedAt = performance.now();
  const proc = spawn(cmd, args, { cwd, env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let exit = null;
  let resolveReady;
  const readyLogMs = new Promise((r) => (resolveReady = r));
  let tail = '';
  const onData = (d) => {
    log.write(d);
    if (resolveReady) {
      tail = (tail + d.toString('utf8')).slice(-4096);
      if (readyPattern.test(tail)) {
        resolveReady(performance.now() - spawnedAt);
        resolveReady = null;
        tail = '';
      }
    }
  };
  proc.stdout.on('data', onData);
  proc.stderr.on('data', onData);
  const exited = new Promise((resolve) => {
    proc.once('error', (err) => {
      exit = { code: null, signal: null, error: err };
      resolve(exit);
    });
    proc.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    });
  }).then((e) => {
    live.delete(handle);
    resolveReady?.(null);
    return new Promise((r) => log.end(() => r(e)));
  });
  const handle = {
    pid: proc.pid,
    spawnedAt,
    readyLogMs,
    exited,
    logFile,
    alive: () => exit === null,
    kill: () => {
      if (exit === null) {
        try {
          proc.kill('SIGKILL');
        } catch {
          /* gone */
        }
      }
    },
    /** SIGTERM, then SIGKILL after timeoutMs. */
    async stop({ timeoutMs = 20_000 } = {}) {
      const t = performance.now();
      if (exit !== null) return { ms: 0, ...exit, forced: false };
      proc.kill('SIGTERM');
      const res = await Promise.race([exited, sleep(timeoutMs).then(() => null)]);
      if (res) return { ms: performance.now() - t, ...res, forced: false };
      proc.kill('SIGKILL');
      const killed = await exited;
      return { ms: performance.now() - t, ...killed, forced: true };
    },
  };
  live.add(handle);
  return handle;
}

/** Gregor: node broker/dist/main.js --config config/server.properties --override ... */
export function gregorTarget(repoRoot) {
  const main = join(repoRoot, 'broker', 'dist', 'main.js');
  const configFile = join(repoRoot, 'config', 'server.properties');
  const overridesFor = (dataDir, port) => ({
    ...COMMON_BROKER_CONFIG,
    'log.dirs': dataDir,
    listeners: `PLAINTEXT://127.0.0.1:${port}`,
    'gregor.metrics.port': '-1',
  });
  const argsFor = (overrides) => [
    main,
    '--config',
    configFile,
    ...Object.entries(overrides).flatMap(([k, v]) => ['--override', `${k}=${v}`]),
  ];
  return {
    name: 'gregor',
    label: 'Gregor',
    async describe() {
      let version = null;
      try {
        version = JSON.parse(readFileSync(join(repoRoot, 'broker', 'package.json'), 'utf8')).version;
      } catch {
        /* unknown */
      }
      const shown = argsFor(overridesFor('<tmp>/data', '<port>')).map((a) => a.replace(repoRoot + '/', ''));
      return { version: version ? `@gregor/broker ${version}` : null, command: `node ${shown.join(' ')}` };
    },
    async start({ dir, port }) {
      const dataDir = join(dir, 'data');
      mkdirSync(dataDir, { recursive: true });
      const h = spawnBroker({
        cmd: process.execPath,
        args: argsFor(overridesFor(dataDir, port)),
        cwd: repoRoot,
        env: { ...process.env, GREGOR_LOG_LEVEL: process.env.GREGOR_LOG_LEVEL ?? 'info' },
        logFile: join(dir, 'broker.log'),
        readyPattern: /Gregor broker started/,
      });
      return { ...h, target: 'gregor', host: '127.0.0.1', port, bootstrap: `127.0.0.1:${port}`, dataDir };
    },
  };
}

export function makeTargets(repoRoot) {
  return { gregor: gregorTarget(repoRoot) };
}

/**
 * Summarises a broker's pino log: counts of warn/error/fatal lines and the first few distinct messages.
 * Non-JSON lines (e.g. a JVM's) with WARN/ERROR are counted too.
 */
export function summariseBrokerLog(logFile, maxExamples = 5) {
  let text = '';
  try {
    text = readFileSync(logFile, 'utf8');
  } catch {
    return { warn: 0, error: 0, examples: [] };
  }
  const counts = { warn: 0, error: 0 };
  const examples = new Map();
  for (const line of text.split('\n')) {
    if (!line) continue;
    let level = null;
    let msg = line;
    if (line.startsWith('{')) {
      try {
        const j = JSON.parse(line);
        level = j.level >= 50 ? 'error' : j.level >= 40 ? 'warn' : null;
        msg = [j.component, j.msg, j.err?.message].filter(Boolean).join(': ');
      } catch {
        /* not JSON after all */
      }
    } else if (/\b(ERROR|FATAL)\b/.test(line)) level = 'error';
    else if (/\bWARN\b/.test(line)) level = 'warn';
    if (!level) continue;
    counts[level]++;
    const key = `${level}: ${msg}`.slice(0, 300);
    examples.set(key, (examples.get(key) ?? 0) + 1);
  }
  return {
    ...counts,
    examples: [...examples.entries()].slice(0, maxExamples).map(([m, n]) => (n > 1 ? `${m} (x${n})` : m)),
  };
}
