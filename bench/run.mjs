#!/usr/bin/env node
// Produce/consume benchmark of Gregor with Apache Kafka's own perf tools (see bench/README.md).
//
//   npm run bench                 # 3 rounds x 3 scenarios, medians (npm run build first, via the script)
//   npm run bench -- --quick      # 1 round of 200k records per scenario
//   node bench/run.mjs --help
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CLASSES,
  PERF_JVM_OPTS,
  consumerPerfArgs,
  createTopic,
  displayCommand,
  ensureJavaTools,
  javaArgs,
  javaVersion,
  kafkaToolsVersion,
  parseConsumerPerf,
  parseProducerPerf,
  producerPerfArgs,
  writeToolsLog4j,
} from './lib/java.mjs';
import { checkResult, freePort, installExitHandlers, onCleanup, procCpuSeconds, rssSampler, runCommand } from './lib/proc.mjs';
import { waitForFirstProduce } from './lib/probe.mjs';
import {
  coldStartSummary,
  consoleTable,
  machineInfo,
  resultsMarkdown,
  summarise,
  writeJson,
} from './lib/report.mjs';
import { makeTargets, summariseBrokerLog } from './lib/targets.mjs';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = resolve(BENCH_DIR, '..');

const SCENARIOS = {
  none: { compression: 'none' },
  lz4: { compression: 'lz4' },
  zstd: { compression: 'zstd' },
};

const HELP = `Usage: node bench/run.mjs [options]   (npm run bench -- [options])

  --quick              1 round of 200000 records per scenario (a few minutes)
  --rounds N           rounds per scenario (default 3; 1 with --quick); the report shows medians
  --records N          records per produce/consume run (default 1000000; 200000 with --quick)
  --record-size N      bytes per record (default 1024)
  --partitions N       partitions of the benchmark topic (default 6)
  --scenarios a,b      subset of: ${Object.keys(SCENARIOS).join(', ')} (default all)
  --targets a,b        brokers to benchmark (default gregor)
  --no-write           print the table only; don't write bench/results/*.json or bench/RESULTS.md
  --max-minutes N      hard limit for the whole run (default 10 with --quick, 60 otherwise): steps are cut
                       short, remaining runs are skipped and reported as failed
  --keep               keep the temp dirs (broker data) instead of deleting them
  --help
`;

function parseArgs(argv) {
  const o = {
    quick: false,
    rounds: null,
    records: null,
    recordSize: 1024,
    partitions: 6,
    scenarios: Object.keys(SCENARIOS),
    targets: ['gregor'],
    write: true,
    keep: false,
    maxMinutes: null,
  };
  const num = (name, v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} needs a positive integer, got ${v}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    switch (a) {
      case '--quick': o.quick = true; break;
      case '--rounds': o.rounds = num(a, next()); break;
      case '--records': o.records = num(a, next()); break;
      case '--record-size': o.recordSize = num(a, next()); break;
      case '--partitions': o.partitions = num(a, next()); break;
      case '--scenarios': o.scenarios = next().split(',').filter(Boolean); break;
      case '--targets': o.targets = next().split(',').filter(Boolean); break;
      case '--no-write': o.write = false; break;
      case '--keep': o.keep = true; break;
      case '--max-minutes': o.maxMinutes = num(a, next()); break;
      case '--help': case '-h': process.stdout.write(HELP); process.exit(0); break;
      default: throw new Error(`unknown option ${a}\n\n${HELP}`);
    }
  }
  o.rounds ??= o.quick ? 1 : 3;
  o.records ??= o.quick ? 200_000 : 1_000_000;
  o.maxMinutes ??= o.quick ? 10 : 60;
  for (const s of o.scenarios) if (!SCENARIOS[s]) throw new Error(`unknown scenario ${s}`);
  return o;
}

const log = (msg) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

/**
 * Per-step limit: 60 s plus 1 s per 1000 records (fails below ~1 MB/s with 1 KiB records), and never past
 * the run's deadline.
 */
const stepTimeoutMs = (o) => Math.max(1000, Math.min(60_000 + Math.ceil(o.records / 1000) * 1000, o.deadline - Date.now()));
const untilDeadline = (o, ms) => Math.max(1000, Math.min(ms, o.deadline - Date.now()));

/**
 * One measurement: fresh broker → cold start probe → create topic → produce perf → consume perf → stop.
 * Never throws; failures are recorded in the result's `error`.
 */
async function runOne({ target, scenario, round, o, runDir, log4jFile, logsDir }) {
  const { compression } = SCENARIOS[scenario];
  const result = { target: target.name, scenario, round, compression };
  const dir = mkdtempSync(join(runDir, `${target.name}-${scenario}-r${round}-`));
  let broker = null;
  let sampler = null;
  try {
    const port = await freePort();
    broker = await target.start({ dir, port });
    sampler = rssSampler(broker.pid, 200);
    const cold = await waitForFirstProduce({
      host: broker.host,
      port: broker.port,
      topic: 'bench-coldstart',
      t0: broker.spawnedAt,
      timeoutMs: untilDeadline(o, 60_000),
      isAlive: broker.alive,
    });
    const readyLogMs = await Promise.race([broker.readyLogMs, new Promise((r) => setTimeout(() => r(null), 2000))]);
    result.coldStart = {
      connectMs: round2(cold.connectMs),
      firstProduceMs: round2(cold.firstProduceMs),
      attempts: cold.attempts,
      readyLogMs: readyLogMs === null ? null : round2(readyLogMs),
    };
    log(`  ${target.name}/${scenario} r${round}: broker pid ${broker.pid} on ${broker.bootstrap}, first produce after ${Math.round(cold.firstProduceMs)} ms`);

    const topic = `bench-${scenario}`;
    await createTopic({ bootstrap: broker.bootstrap, topic, partitions: o.partitions, log4jFile, timeoutMs: untilDeadline(o, 60_000) });

    const timeoutMs = stepTimeoutMs(o);
    const pArgs = producerPerfArgs({ bootstrap: broker.bootstrap, topic, records: o.records, recordSize: o.recordSize, compression });
    const cpu0 = procCpuSeconds(broker.pid);
    const prod = await runCommand('java', javaArgs(PERF_JVM_OPTS, log4jFile, CLASSES.producerPerf, pArgs), {
      timeoutMs,
      sampleCpu: true,
      onStdoutLine: (l) => l.trim() && log(`    producer: ${l.trim()}`),
    });
    const cpu1 = procCpuSeconds(broker.pid);
    checkResult('kafka-producer-perf-test', prod);
    result.producer = parseProducerPerf(prod.stdout);
    if (!result.producer) throw new Error(`could not parse ProducerPerformance output:\n${prod.stdout.slice(-2000)}`);
    if (prod.stderr.trim()) result.producerStderr = prod.stderr.trim().split('\n').slice(-10);

    const consTimeoutMs = stepTimeoutMs(o);
    const cArgs = consumerPerfArgs({ bootstrap: broker.bootstrap, topic, records: o.records, group: `bench-${scenario}-${round}` });
    const cons = await runCommand('java', javaArgs(PERF_JVM_OPTS, log4jFile, CLASSES.consumerPerf, cArgs), { timeoutMs: consTimeoutMs, sampleCpu: true });
    const cpu2 = procCpuSeconds(broker.pid);
    checkResult('kafka-consumer-perf-test', cons);
    result.consumer = parseConsumerPerf(cons.stdout);
    if (!result.consumer) throw new Error(`could not parse ConsumerPerformance output:\n${cons.stdout.slice(-2000)}`);
    if (cons.stderr.trim()) result.consumerStderr = cons.stderr.trim().split('\n').slice(-10);
    log(
      `    consumer: ${result.consumer.mbPerSec} MB/s, ${result.consumer.recordsPerSec} records/s ` +
        `(${result.consumer.records} records, rebalance ${result.consumer.rebalanceMs} ms)`,
    );

    result.broker = {
      pid: broker.pid,
      cpuSecProduce: cpu0 !== null && cpu1 !== null ? round2(cpu1 - cpu0) : null,
      cpuSecConsume: cpu1 !== null && cpu2 !== null ? round2(cpu2 - cpu1) : null,
      dataBytes: dirBytes(broker.dataDir),
    };
    result.tools = {
      producerCpuSec: prod.cpuSec,
      producerWallSec: round2(prod.ms / 1000),
      consumerCpuSec: cons.cpuSec,
      consumerWallSec: round2(cons.ms / 1000),
    };
  } catch (e) {
    result.error = e instanceof Error ? e.message : String(e);
    log(`  FAILED ${target.name}/${scenario} r${round}: ${result.error.split('\n')[0]}`);
  } finally {
    if (sampler) {
      const rss = sampler.stop();
      result.broker = { ...(result.broker ?? {}), vmHwmKiB: rss.hwmKiB, peakRssKiB: rss.peakRssKiB };
    }
    if (broker) {
      const stop = await broker.stop({ timeoutMs: 20_000 });
      result.broker = {
        ...(result.broker ?? {}),
        shutdownMs: Math.round(stop.ms),
        exitCode: stop.code,
        exitSignal: stop.signal,
        shutdownForced: stop.forced,
      };
      if (!stop.forced && stop.code !== 0 && stop.code !== null) {
        log(`  note: broker exited with code ${stop.code} after SIGTERM`);
      }
      result.brokerLog = summariseBrokerLog(broker.logFile);
      // Keep the broker's log for diagnosis (bench/results/tmp is gitignored).
      try {
        mkdirSync(logsDir, { recursive: true });
        cpSync(broker.logFile, join(logsDir, `${target.name}-${scenario}-r${round}.log`));
        result.brokerLogCopy = join(logsDir, `${target.name}-${scenario}-r${round}.log`).replace(REPO_ROOT + '/', '');
      } catch {
        /* best effort */
      }
    }
    if (!o.keep) rmSync(dir, { recursive: true, force: true });
  }
  return result;
}

const round2 = (x) => Math.round(x * 100) / 100;

/** Bytes of all files under `dir` (the broker's data after the run). */
function dirBytes(dir) {
  let total = 0;
  const walk = (d) => {
    let ents = [];
    try {
      ents = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const ent of ents) {
      const p = join(d, ent.name);
      if (ent.isDirectory()) walk(p);
      else if (ent.isFile()) total += statSync(p).size;
    }
  };
  walk(dir);
  return total;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  installExitHandlers();
  const allTargets = makeTargets(REPO_ROOT);
  for (const t of o.targets) if (!allTargets[t]) throw new Error(`unknown target ${t} (have: ${Object.keys(allTargets).join(', ')})`);
  const targets = o.targets.map((t) => allTargets[t]);
  if (o.targets.includes('gregor') && !existsSync(join(REPO_ROOT, 'broker', 'dist', 'main.js'))) {
    throw new Error('broker/dist/main.js missing: run `npm run build` (npm run bench does it)');
  }

  const startedAt = new Date();
  o.deadline = startedAt.getTime() + o.maxMinutes * 60_000;
  await ensureJavaTools(REPO_ROOT, log);
  const runDir = mkdtempSync(join(tmpdir(), 'gregor-bench-'));
  if (!o.keep) onCleanup(() => rmSync(runDir, { recursive: true, force: true }));
  const log4jFile = writeToolsLog4j(runDir);
  const date = startedAt.toISOString().slice(0, 10);
  const logsDir = join(BENCH_DIR, 'results', 'tmp', `${date}-${startedAt.toISOString().slice(11, 19).replace(/:/g, '')}`);

  const machine = await machineInfo(REPO_ROOT, { javaVersion: await javaVersion(), kafkaToolsVersion: kafkaToolsVersion() });
  log(
    `${o.quick ? 'quick' : 'full'} run: ${o.rounds} round(s) x [${o.scenarios.join(', ')}] x [${o.targets.join(', ')}], ` +
      `${o.records} records of ${o.recordSize} B, ${o.partitions} partitions; ${machine.nproc} CPUs, ${machine.cpuModel}; ` +
      `load ${machine.loadAvgAtStart.join(' ')}`,
  );
  log(`temp dir ${runDir}${o.keep ? ' (kept)' : ''}; broker logs copied to ${logsDir.replace(REPO_ROOT + '/', '')}`);

  const runs = [];
  // Rounds outermost and targets innermost, so a slow patch of machine noise hits every combination alike.
  for (let round = 1; round <= o.rounds; round++) {
    for (const scenario of o.scenarios) {
      for (const target of targets) {
        if (Date.now() > o.deadline - 5000) {
          log(`round ${round}/${o.rounds}: ${target.name} ${scenario} skipped: --max-minutes ${o.maxMinutes} reached`);
          runs.push({ target: target.name, scenario, round, error: `skipped: --max-minutes ${o.maxMinutes} reached` });
          continue;
        }
        log(`round ${round}/${o.rounds}: ${target.name} ${scenario}`);
        runs.push(await runOne({ target, scenario, round, o, runDir, log4jFile, logsDir }));
      }
    }
  }
  const finishedAt = new Date();
  machine.loadAvgAtEnd = loadavg().map((x) => Math.round(x * 100) / 100);

  const summary = summarise(runs);
  const coldStart = coldStartSummary(runs);
  const targetInfo = {};
  for (const t of targets) targetInfo[t.name] = { label: t.label, ...(await t.describe()) };
  const labels = Object.fromEntries(targets.map((t) => [t.name, t.label]));

  const ex = { bootstrap: '127.0.0.1:<port>', topic: 'bench-<scenario>', records: o.records };
  const commands = [
    displayCommand(CLASSES.topics, ['--bootstrap-server', ex.bootstrap, '--create', '--topic', ex.topic, '--partitions', String(o.partitions), '--replication-factor', '1']),
    displayCommand(CLASSES.producerPerf, producerPerfArgs({ ...ex, recordSize: o.recordSize, compression: '<none|lz4|zstd>' }))
      .replace('compression.type=<none|lz4|zstd>', '[compression.type=lz4|zstd]'),
    displayCommand(CLASSES.consumerPerf, consumerPerfArgs({ ...ex, group: 'bench-<scenario>-<round>' })),
    `# producer/consumer JVM options (as bin/kafka-*-perf-test.sh): ${PERF_JVM_OPTS.join(' ')}`,
  ];

  process.stdout.write('\n' + consoleTable(summary, labels) + '\n\n');
  for (const [t, c] of Object.entries(coldStart)) {
    process.stdout.write(`cold start ${labels[t]}: median ${Math.round(c.medianMs)} ms over ${c.starts} start(s) (min ${Math.round(c.minMs)}, max ${Math.round(c.maxMs)})\n`);
  }
  const failed = runs.filter((r) => r.error);
  for (const r of runs) {
    if (r.brokerLog?.warn || r.brokerLog?.error) {
      process.stdout.write(`broker log ${r.target}/${r.scenario} r${r.round}: ${r.brokerLog.warn} warn, ${r.brokerLog.error} error ${r.brokerLog.examples.join(' | ')}\n`);
    }
  }

  const report = {
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    options: { quick: o.quick, maxMinutes: o.maxMinutes, rounds: o.rounds, records: o.records, recordSize: o.recordSize, partitions: o.partitions, scenarios: o.scenarios, targets: o.targets, acks: 1 },
    machine,
    targets: targetInfo,
    commands,
    summary,
    coldStart,
    runs,
  };
  if (o.write) {
    const jsonFile = join(BENCH_DIR, 'results', `${date}.json`);
    writeJson(jsonFile, report);
    writeFileSync(join(BENCH_DIR, 'RESULTS.md'), resultsMarkdown(report));
    log(`wrote ${jsonFile.replace(REPO_ROOT + '/', '')} and bench/RESULTS.md`);
  }
  if (failed.length) {
    log(`${failed.length} run(s) failed`);
    process.exitCode = 1;
  }
}

main().catch((e) => {
  log(`error: ${e instanceof Error ? e.stack ?? e.message : e}`);
  process.exitCode = 1;
});
