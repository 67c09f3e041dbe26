#!/usr/bin/env node
// Gregor vs Apache Kafka 3.9, side by side on the same machine, with Kafka's own perf tools (see bench/README.md).
//
//   npm run bench                 # all scenarios, 3 rounds, medians and Gregor/Kafka ratios (npm run build first)
//   npm run bench -- --quick      # 1 round of the single-broker scenarios, < 10 min
//   node bench/run.mjs --help
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CLASSES,
  PERF_JVM_OPTS,
  consumerPerfArgs,
  displayCommand,
  ensureJavaTools,
  javaVersion,
  kafkaToolsVersion,
  producerPerfArgs,
  writeToolsLog4j,
  zookeeperVersion,
} from './lib/java.mjs';
import { installExitHandlers, onCleanup } from './lib/proc.mjs';
import { comparison, consoleReport, machineInfo, resultsMarkdown, summarise, writeJson } from './lib/report.mjs';
import { cluster } from './lib/scenarios/cluster.mjs';
import { limits } from './lib/scenarios/limits.mjs';
import { partitions } from './lib/scenarios/partitions.mjs';
import { lz4, memory, none, zstd } from './lib/scenarios/single.mjs';
import { makeTargets } from './lib/targets.mjs';
import { ZK_JVM_OPTS, startZooKeeper } from './lib/zookeeper.mjs';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = resolve(BENCH_DIR, '..');

/** In run order within a round. */
const SCENARIOS = { none, lz4, zstd, memory, cluster, partitions, limits };
const QUICK_SCENARIOS = ['none', 'lz4', 'zstd', 'memory', 'limits'];
const ALIASES = { single: ['none', 'lz4', 'zstd'], all: Object.keys(SCENARIOS) };
const TARGET_NAMES = ['kafka', 'gregor'];

const HELP = `Usage: node bench/run.mjs [options]   (npm run bench -- [options])

  --quick               1 round of ${QUICK_SCENARIOS.join(', ')} with 200000 records (< 10 min)
  --rounds N            rounds (default 3; 1 with --quick); the report shows medians
  --records N           records per single-broker produce/consume run (default 1000000; 200000 with --quick);
                        also the bytes of the limits scenario (records x record size)
  --record-size N       bytes per record (default 1024)
  --partitions N        partitions of the benchmark topics (default 6)
  --scenarios a,b       subset of: ${Object.keys(SCENARIOS).join(', ')}; "single" = none,lz4,zstd; "all"
                        (default all; ${QUICK_SCENARIOS.join(',')} with --quick)
  --targets a,b         subset of: ${TARGET_NAMES.join(', ')} (default both; run in this order within each scenario)
  --cluster-records N   records of the unthrottled cluster produce (default records / 2)
  --cluster-rate N      fixed rate of the cluster latency run in records/s (default 50% of Kafka's max of the round)
  --meta-topics N       topics of the partitions scenario (default 10)
  --meta-partitions N   partitions per topic there (default 1000)
  --meta-requests N     timed Metadata requests there (default 50)
  --no-write            print the tables only; don't write bench/results/*.json or bench/RESULTS.md
  --max-minutes N       hard limit for the whole run (default 10 with --quick, 90 otherwise): steps are cut
                        short, remaining runs are skipped and reported as failed
  --keep                keep the temp dirs (broker data) instead of deleting them
  --help
`;

function parseArgs(argv) {
  const o = {
    quick: false,
    rounds: null,
    records: null,
    recordSize: 1024,
    partitions: 6,
    scenarios: null,
    targets: [...TARGET_NAMES],
    clusterRecords: null,
    clusterRate: null,
    metaTopics: 10,
    metaPartitions: 1000,
    metaRequests: 50,
    write: true,
    keep: false,
    maxMinutes: null,
  };
  const num = (name, v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} needs a positive integer, got ${v}`);
    return n;
  };
  const list = (v) => v.split(',').map((s) => s.trim()).filter(Boolean);
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
      case '--scenarios': o.scenarios = list(next()).flatMap((s) => ALIASES[s] ?? [s]); break;
      case '--targets': o.targets = list(next()); break;
      case '--cluster-records': o.clusterRecords = num(a, next()); break;
      case '--cluster-rate': o.clusterRate = num(a, next()); break;
      case '--meta-topics': o.metaTopics = num(a, next()); break;
      case '--meta-partitions': o.metaPartitions = num(a, next()); break;
      case '--meta-requests': o.metaRequests = num(a, next()); break;
      case '--no-write': o.write = false; break;
      case '--keep': o.keep = true; break;
      case '--max-minutes': o.maxMinutes = num(a, next()); break;
      case '--help': case '-h': process.stdout.write(HELP); process.exit(0); break;
      default: throw new Error(`unknown option ${a}\n\n${HELP}`);
    }
  }
  o.rounds ??= o.quick ? 1 : 3;
  o.records ??= o.quick ? 200_000 : 1_000_000;
  o.clusterRecords ??= Math.max(1000, Math.floor(o.records / 2));
  o.maxMinutes ??= o.quick ? 10 : 90;
  o.scenarios ??= o.quick ? [...QUICK_SCENARIOS] : Object.keys(SCENARIOS);
  for (const s of o.scenarios) if (!SCENARIOS[s]) throw new Error(`unknown scenario ${s} (have: ${Object.keys(SCENARIOS).join(', ')})`);
  // Run order within a round is the canonical one, whatever order they were given in.
  o.scenarios = Object.keys(SCENARIOS).filter((s) => o.scenarios.includes(s));
  for (const t of o.targets) if (!TARGET_NAMES.includes(t)) throw new Error(`unknown target ${t} (have: ${TARGET_NAMES.join(', ')})`);
  return o;
}

const log = (msg) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

/** The commands behind every scenario, for RESULTS.md. */
function commandLines(o, targetInfo) {
  const ex = { bootstrap: '127.0.0.1:<port>', records: o.records, recordSize: o.recordSize };
  const lines = [];
  lines.push(`# ZooKeeper ${zookeeperVersion() ?? ''} (one per run): java ${ZK_JVM_OPTS.join(' ')} -cp "$GREGOR_CACHE/java/lib/*" org.apache.zookeeper.server.quorum.QuorumPeerMain zoo.cfg`);
  for (const t of Object.values(targetInfo)) lines.push(`# ${t.label} broker${t.version ? ` (${t.version})` : ''}\n${t.command}`);
  const single = o.scenarios.filter((s) => ['none', 'lz4', 'zstd', 'memory'].includes(s));
  if (single.length) {
    lines.push(`# single broker: ${single.join(', ')} (memory: produce only, Kafka with -Xmx256m)`);
    lines.push(displayCommand(CLASSES.topics, ['--bootstrap-server', ex.bootstrap, '--create', '--topic', 'bench-<scenario>', '--partitions', String(o.partitions), '--replication-factor', '1']));
    lines.push(
      displayCommand(CLASSES.producerPerf, producerPerfArgs({ ...ex, topic: 'bench-<scenario>', compression: '<c>' })).replace(
        'compression.type=<c>',
        '[compression.type=lz4|zstd]',
      ),
    );
    lines.push(displayCommand(CLASSES.consumerPerf, consumerPerfArgs({ ...ex, topic: 'bench-<scenario>', group: 'bench-<scenario>-<round>' })));
  }
  if (o.scenarios.includes('cluster')) {
    lines.push('# cluster: 3 brokers (broker.id 1-3, same chroot) with default.replication.factor=3 min.insync.replicas=2 offsets.topic.replication.factor=3 transaction.state.log.replication.factor=3 transaction.state.log.min.isr=2');
    const bs = '127.0.0.1:<p1>,127.0.0.1:<p2>,127.0.0.1:<p3>';
    lines.push(displayCommand(CLASSES.topics, ['--bootstrap-server', bs, '--create', '--topic', 'bench-cluster', '--partitions', String(o.partitions), '--replication-factor', '3', '--config', 'min.insync.replicas=2']));
    lines.push(displayCommand(CLASSES.producerPerf, producerPerfArgs({ bootstrap: bs, topic: 'bench-cluster', records: o.clusterRecords, recordSize: o.recordSize, acks: 'all' })));
    lines.push(
      displayCommand(CLASSES.producerPerf, producerPerfArgs({ bootstrap: bs, topic: 'bench-cluster', records: '<rate x 30 s>', recordSize: o.recordSize, acks: 'all', throughput: '<50% of Kafka max rec/s>' })),
    );
  }
  if (o.scenarios.includes('partitions')) {
    lines.push(
      `# partitions: bench/lib/probe.mjs CreateTopics v4 of ${o.metaTopics} topics x ${o.metaPartitions} partitions (rf 1) in one request, ` +
        `Metadata v4 (all topics) until all led, then ${o.metaRequests} timed Metadata v4 (all topics)`,
    );
  }
  if (o.scenarios.includes('limits')) {
    const bytes = o.records * o.recordSize;
    lines.push(`# limits: node bench/lib/pump.mjs serve & node bench/lib/pump.mjs send <port> ${bytes} 1048576`);
    lines.push(`dd if=/dev/zero of=<tmp>/dd-limits.tmp bs=1M count=${Math.max(1, Math.round(bytes / 2 ** 20))} conv=fdatasync`);
  }
  lines.push(`# perf-tool JVM options (as bin/kafka-*-perf-test.sh): ${PERF_JVM_OPTS.join(' ')}`);
  return lines;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  installExitHandlers();
  const allTargets = makeTargets(REPO_ROOT);
  if (o.targets.includes('gregor')) {
    if (!existsSync(join(REPO_ROOT, 'broker', 'dist', 'gregor-broker.cjs'))) throw new Error('broker/dist/gregor-broker.cjs missing: run `npm run build` (npm run bench does it)');
  }
  const startedAt = new Date();
  o.deadline = startedAt.getTime() + o.maxMinutes * 60_000;
  await ensureJavaTools(REPO_ROOT, log);
  const runDir = mkdtempSync(join(tmpdir(), 'gregor-bench-'));
  if (!o.keep) onCleanup(() => rmSync(runDir, { recursive: true, force: true }));
  const toolsLog4j = writeToolsLog4j(runDir);
  const date = startedAt.toISOString().slice(0, 10);
  const logsDir = join(BENCH_DIR, 'results', 'tmp', `${date}-${startedAt.toISOString().slice(11, 19).replace(/:/g, '')}`);
  mkdirSync(logsDir, { recursive: true });

  const machine = await machineInfo(REPO_ROOT, { javaVersion: await javaVersion(), kafkaToolsVersion: kafkaToolsVersion(), dataDir: runDir });
  machine.zookeeper = zookeeperVersion() ? `Apache ZooKeeper ${zookeeperVersion()}` : null;
  // Kafka first within each scenario (the issue: Kafka, Gregor, Kafka, Gregor ...).
  const targetNames = TARGET_NAMES.filter((t) => o.targets.includes(t));
  if (targetNames.includes('kafka') && o.scenarios.includes('memory')) targetNames.push('kafka-xmx256m');
  log(
    `${o.quick ? 'quick' : 'full'} run: ${o.rounds} round(s) x [${o.scenarios.join(', ')}] x [${targetNames.join(', ')}], ` +
      `${o.records} records of ${o.recordSize} B, ${o.partitions} partitions; ${machine.nproc} CPUs, ${machine.cpuModel}; ` +
      `load ${machine.loadAvgAtStart.join(' ')}; deadline ${o.maxMinutes} min`,
  );
  log(`temp dir ${runDir}${o.keep ? ' (kept)' : ''}; broker logs copied to ${logsDir.replace(REPO_ROOT + '/', '')}`);

  const zk = await startZooKeeper({ dir: join(runDir, 'zookeeper'), log4jFile: toolsLog4j, timeoutMs: 90_000 });
  log(`ZooKeeper pid ${zk.pid} on ${zk.connect}`);
  const ctx = {
    o,
    repoRoot: REPO_ROOT,
    runDir,
    toolsLog4j,
    logsDir,
    zk,
    targets: allTargets,
    targetNames,
    log,
    roundState: {},
  };

  const runs = [];
  try {
    // Rounds outermost, targets innermost: a slow patch of machine noise hits both targets alike.
    for (let round = 1; round <= o.rounds; round++) {
      ctx.roundState = {};
      for (const s of o.scenarios) runs.push(...(await SCENARIOS[s].run(ctx, round)));
    }
  } finally {
    await zk.stop();
    try {
      cpSync(zk.logFile, join(logsDir, 'zookeeper.log'));
    } catch {
      /* best effort */
    }
  }
  const finishedAt = new Date();
  machine.loadAvgAtEnd = loadavg().map((x) => Math.round(x * 100) / 100);

  const summary = summarise(runs);
  const targetInfo = {};
  for (const t of targetNames) targetInfo[t] = { label: allTargets[t].label, ...(await allTargets[t].describe()) };
  const report = {
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    options: {
      quick: o.quick,
      maxMinutes: o.maxMinutes,
      rounds: o.rounds,
      records: o.records,
      recordSize: o.recordSize,
      partitions: o.partitions,
      scenarios: o.scenarios,
      targets: targetNames,
      clusterRecords: o.clusterRecords,
      clusterRate: o.clusterRate,
      metaTopics: o.metaTopics,
      metaPartitions: o.metaPartitions,
      metaRequests: o.metaRequests,
    },
    machine,
    targets: targetInfo,
    commands: commandLines(o, targetInfo),
    comparison: comparison(summary, runs),
    summary,
    runs,
  };
  report.targets.machine ??= { label: 'machine' };

  process.stdout.write('\n' + consoleReport(report) + '\n\n');
  for (const r of runs) {
    for (const [when, l] of [['running', r.brokerLog], ['shutdown', r.shutdownLog]]) {
      if (l?.warn || l?.error) {
        process.stdout.write(`broker log ${r.target}/${r.scenario} r${r.round} (${when}): ${l.warn} warn, ${l.error} error: ${l.examples.join(' | ')}\n`);
      }
    }
  }
  const wallS = Math.round((finishedAt - startedAt) / 1000);
  log(`wall time ${Math.floor(wallS / 60)} min ${wallS % 60} s`);
  if (o.write) {
    const jsonFile = join(BENCH_DIR, 'results', `${date}.json`);
    writeJson(jsonFile, report);
    writeFileSync(join(BENCH_DIR, 'RESULTS.md'), resultsMarkdown(report));
    log(`wrote ${jsonFile.replace(REPO_ROOT + '/', '')} and bench/RESULTS.md`);
  }
  const failed = runs.filter((r) => r.error);
  if (failed.length) {
    log(`${failed.length} run(s) failed`);
    process.exitCode = 1;
  }
}

main().catch((e) => {
  log(`error: ${e instanceof Error ? e.stack ?? e.message : e}`);
  process.exitCode = 1;
});
