// Machine description, medians, the Gregor/Kafka comparison with target verdicts, console tables,
// bench/results/<date>.json and bench/RESULTS.md.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os';
import { dirname } from 'node:path';
import { runCommand } from './proc.mjs';

export async function machineInfo(repoRoot, { javaVersion, kafkaToolsVersion, dataDir }) {
  let cpuModel = cpus()[0]?.model ?? null;
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpuModel = m[1].trim();
  } catch {
    /* not Linux */
  }
  let git = null;
  try {
    const head = await runCommand('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, timeoutMs: 10_000 });
    const dirty = await runCommand('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd: repoRoot,
      timeoutMs: 10_000,
    });
    if (head.code === 0) git = head.stdout.trim() + (dirty.stdout.trim() ? ' (with uncommitted changes)' : '');
  } catch {
    /* no git */
  }
  let disk = null;
  if (dataDir) {
    try {
      const df = await runCommand('df', ['-PT', dataDir], { timeoutMs: 10_000 });
      const f = df.stdout.trim().split('\n').pop().split(/\s+/);
      if (df.code === 0 && f.length >= 7) disk = `${f[0]} (${f[1]}) mounted on ${f[6]}`;
    } catch {
      /* no df */
    }
  }
  return {
    nproc: availableParallelism(),
    dataDir: dataDir ?? null,
    disk,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    cpuModel,
    kernel: `${process.platform} ${release()}`,
    node: process.version,
    java: javaVersion,
    kafkaTools: kafkaToolsVersion,
    gitCommit: git,
    loadAvgAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

/** The metrics reported per target x scenario (medians over rounds), as [key, getter of a run result]. */
export const METRICS = [
  // single-broker scenarios
  ['produceMBps', (r) => r.producer?.mbPerSec],
  ['produceRecordsPerSec', (r) => r.producer?.recordsPerSec],
  ['produceAvgLatencyMs', (r) => r.producer?.avgLatencyMs],
  ['produceP50LatencyMs', (r) => r.producer?.p50LatencyMs],
  ['produceP99LatencyMs', (r) => r.producer?.p99LatencyMs],
  ['produceMaxLatencyMs', (r) => r.producer?.maxLatencyMs],
  ['consumeMBps', (r) => r.consumer?.mbPerSec],
  ['consumeRecordsPerSec', (r) => r.consumer?.recordsPerSec],
  ['consumeFetchMBps', (r) => r.consumer?.fetchMbPerSec],
  ['consumeRebalanceMs', (r) => r.consumer?.rebalanceMs],
  ['peakRssMiB', (r) => (r.broker?.vmHwmKiB ?? r.broker?.peakRssKiB ?? NaN) / 1024],
  ['produceRssMiB', (r) => (r.broker?.hwmAfterProduceKiB ?? NaN) / 1024],
  ['brokerCpuSecProduce', (r) => r.broker?.cpuSecProduce],
  ['brokerCpuSecConsume', (r) => r.broker?.cpuSecConsume],
  ['producerCpuSec', (r) => r.tools?.producerCpuSec],
  ['consumerCpuSec', (r) => r.tools?.consumerCpuSec],
  ['coldStartMs', (r) => r.coldStart?.firstProduceMs],
  ['readyLogMs', (r) => r.coldStart?.readyLogMs],
  ['shutdownMs', (r) => r.broker?.shutdownMs],
  // cluster
  ['clusterReadyMs', (r) => r.clusterReadyMs],
  ['clusterMaxMBps', (r) => r.max?.mbPerSec],
  ['clusterMaxRecordsPerSec', (r) => r.max?.recordsPerSec],
  ['clusterMaxP99LatencyMs', (r) => r.max?.p99LatencyMs],
  ['clusterMaxBrokersCpuSec', (r) => r.max?.brokersCpuSec],
  ['clusterMaxToolCpuSec', (r) => r.max?.toolCpuSec],
  ['clusterFixedRate', (r) => r.fixedRate?.recordsPerSec],
  ['clusterFixedMBps', (r) => r.fixed?.mbPerSec],
  ['clusterFixedP50LatencyMs', (r) => r.fixed?.p50LatencyMs],
  ['clusterFixedP99LatencyMs', (r) => r.fixed?.p99LatencyMs],
  ['clusterFixedP999LatencyMs', (r) => r.fixed?.p999LatencyMs],
  ['clusterFixedMaxLatencyMs', (r) => r.fixed?.maxLatencyMs],
  ['clusterFixedBrokersCpuSec', (r) => r.fixed?.brokersCpuSec],
  ['clusterPeakRssMiB', (r) => (r.brokerHwmKiB?.length ? Math.max(...r.brokerHwmKiB.map((x) => x ?? NaN)) / 1024 : NaN)],
  // 10k partitions
  ['metaCreateResponseMs', (r) => r.createResponseMs],
  ['metaCreateMs', (r) => r.createMs],
  ['metaP50Ms', (r) => r.metadata?.p50Ms],
  ['metaP99Ms', (r) => r.metadata?.p99Ms],
  ['metaMaxMs', (r) => r.metadata?.maxMs],
  ['metaResponseKiB', (r) => (r.metadata?.responseBytes ?? NaN) / 1024],
  ['metaPartitions', (r) => r.metadata?.partitions],
  // limits
  ['pumpMBps', (r) => r.pump?.mbPerSec],
  ['ddMBps', (r) => r.dd?.mbPerSec],
];

export function median(values) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** One row per target x scenario: rounds, failed, and the median of every metric over the successful rounds. */
export function summarise(runs) {
  const groups = new Map();
  for (const r of runs) {
    const key = `${r.target}\u0000${r.scenario}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(r);
  }
  const rows = [];
  for (const [key, rs] of groups) {
    const [target, scenario] = key.split('\u0000');
    const ok = rs.filter((r) => !r.error);
    const row = { target, scenario, rounds: rs.length, failed: rs.length - ok.length };
    for (const [name, get] of METRICS) row[name] = median(ok.map(get));
    rows.push(row);
  }
  return rows;
}

/** Cold start across every single-broker start of a target (all scenarios and rounds). */
export function coldStartSummary(runs) {
  const out = {};
  for (const r of runs) {
    const ms = r.coldStart?.firstProduceMs;
    if (typeof ms !== 'number') continue;
    (out[r.target] ??= { all: [], ready: [] }).all.push(ms);
    if (typeof r.coldStart.readyLogMs === 'number') out[r.target].ready.push(r.coldStart.readyLogMs);
  }
  return Object.fromEntries(
    Object.entries(out).map(([t, v]) => [
      t,
      { starts: v.all.length, medianMs: median(v.all), minMs: Math.min(...v.all), maxMs: Math.max(...v.all), readyLogMedianMs: median(v.ready) },
    ]),
  );
}

/** Peak RSS under the produce scenario: VmHWM right after the produce of the `none` and `memory` runs. */
export function memorySummary(runs) {
  const out = {};
  for (const r of runs) {
    if (r.error || (r.scenario !== 'none' && r.scenario !== 'memory')) continue;
    const kib = r.broker?.hwmAfterProduceKiB;
    if (typeof kib !== 'number') continue;
    const m = (out[r.target] ??= { runs: 0, produceRss: [], lifeRss: [], produceMBps: [] });
    m.runs++;
    m.produceRss.push(kib / 1024);
    if (typeof r.broker?.vmHwmKiB === 'number' && r.scenario === 'none') m.lifeRss.push(r.broker.vmHwmKiB / 1024);
    m.produceMBps.push(r.producer?.mbPerSec);
  }
  return Object.fromEntries(
    Object.entries(out).map(([t, m]) => [
      t,
      { runs: m.runs, produceRssMiB: median(m.produceRss), lifeRssMiB: median(m.lifeRss), produceMBps: median(m.produceMBps) },
    ]),
  );
}

const HIGHER = 'higher is better';
const LOWER = 'lower is better';

/**
 * The side-by-side comparison: one row per metric with Kafka's and Gregor's medians, the Gregor/Kafka ratio,
 * the target (from the issue) and whether it is met. Rows without a target are informational.
 */
export function comparison(summary, runs) {
  const get = (target, scenario, key) => summary.find((r) => r.target === target && r.scenario === scenario)?.[key] ?? null;
  const rows = [];
  const add = (section, metric, unit, kafka, gregor, better, target, kafkaLabel = 'Kafka') => {
    const ratio = typeof kafka === 'number' && typeof gregor === 'number' && kafka > 0 ? gregor / kafka : null;
    let meets = null;
    if (target && ratio !== null) meets = target.op === '>=' ? ratio >= target.value : ratio <= target.value;
    rows.push({ section, metric, unit, kafka, gregor, ratio, better, target, meets, kafkaLabel });
  };
  for (const s of ['none', 'lz4', 'zstd']) {
    if (!summary.some((r) => r.scenario === s)) continue;
    const sec = `single broker, ${s === 'none' ? 'uncompressed' : s}`;
    add(sec, 'produce', 'MB/s', get('kafka', s, 'produceMBps'), get('gregor', s, 'produceMBps'), HIGHER, { op: '>=', value: 1 });
    add(sec, 'consume', 'MB/s', get('kafka', s, 'consumeMBps'), get('gregor', s, 'consumeMBps'), HIGHER, { op: '>=', value: 1 });
  }
  if (summary.some((r) => r.scenario === 'cluster')) {
    const sec = '3 brokers, rf 3, acks=all';
    add(sec, 'produce, unthrottled', 'MB/s', get('kafka', 'cluster', 'clusterMaxMBps'), get('gregor', 'cluster', 'clusterMaxMBps'), HIGHER, { op: '>=', value: 1 });
    add(sec, 'p50 latency at 50% of Kafka max', 'ms', get('kafka', 'cluster', 'clusterFixedP50LatencyMs'), get('gregor', 'cluster', 'clusterFixedP50LatencyMs'), LOWER, null);
    add(sec, 'p99 latency at 50% of Kafka max', 'ms', get('kafka', 'cluster', 'clusterFixedP99LatencyMs'), get('gregor', 'cluster', 'clusterFixedP99LatencyMs'), LOWER, { op: '<=', value: 1 });
  }
  if (summary.some((r) => r.scenario === 'partitions')) {
    const n = get('gregor', 'partitions', 'metaPartitions') ?? get('kafka', 'partitions', 'metaPartitions');
    const sec = `${n ? `${Math.round(n / 1000)}k` : '10k'} partitions, single broker`;
    add(sec, 'time to create (all led)', 'ms', get('kafka', 'partitions', 'metaCreateMs'), get('gregor', 'partitions', 'metaCreateMs'), LOWER, null);
    add(sec, 'Metadata (all topics) p50', 'ms', get('kafka', 'partitions', 'metaP50Ms'), get('gregor', 'partitions', 'metaP50Ms'), LOWER, null);
    add(sec, 'Metadata (all topics) p99', 'ms', get('kafka', 'partitions', 'metaP99Ms'), get('gregor', 'partitions', 'metaP99Ms'), LOWER, null);
  }
  const mem = memorySummary(runs);
  if (mem.gregor || mem.kafka || mem['kafka-xmx256m']) {
    const sec = 'memory (produce, uncompressed)';
    add(sec, 'peak RSS vs Kafka default heap (-Xmx1G)', 'MiB', mem.kafka?.produceRssMiB ?? null, mem.gregor?.produceRssMiB ?? null, LOWER, { op: '<=', value: 0.25 });
    add(sec, 'peak RSS vs Kafka -Xmx256m', 'MiB', mem['kafka-xmx256m']?.produceRssMiB ?? null, mem.gregor?.produceRssMiB ?? null, LOWER, { op: '<=', value: 0.25 }, 'Kafka -Xmx256m');
  }
  const cold = coldStartSummary(runs);
  if (cold.gregor || cold.kafka) {
    add('cold start', 'spawn to first acknowledged produce', 'ms', cold.kafka?.medianMs ?? null, cold.gregor?.medianMs ?? null, LOWER, { op: '<=', value: 0.1 });
  }
  return rows;
}

// ------------------------------------------------------------------------------------------------ formatting

const missing = (x) => x === null || x === undefined || (typeof x === 'number' && !Number.isFinite(x));
export const fmt = (x, digits = 1) => (missing(x) ? '–' : x.toFixed(digits));
export const fmtInt = (x) => (missing(x) ? '–' : Math.round(x).toLocaleString('en-US'));
/** Numbers with a sensible number of digits for their size. */
const fmtAuto = (x) => (missing(x) ? '–' : Math.abs(x) >= 100 ? fmtInt(x) : Math.abs(x) >= 10 ? fmt(x, 1) : fmt(x, 2));
const fmtRatio = (x) => (missing(x) ? '–' : `${x.toFixed(2)}x`);
const fmtTarget = (t) => (t ? `${t.op === '>=' ? '≥' : '≤'} ${t.value === 0.1 ? '0.10' : t.value === 0.25 ? '0.25' : t.value.toFixed(1)}x` : '–');
const fmtMeets = (m, markdown) => (m === null ? '–' : m ? 'yes' : markdown ? '**no**' : 'NO');

/** A table as Markdown or as aligned plain text; the first `left` columns are left-aligned. */
export function renderTable(head, body, { markdown, left = 1 }) {
  if (markdown) {
    const align = head.map((_, i) => (i < left ? '---' : '---:'));
    return [head, align, ...body].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
  }
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => String(b[i]).length)));
  const line = (cells) => cells.map((c, i) => (i < left ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export function comparisonTable(rows, { markdown }) {
  const head = ['scenario', 'metric', 'better', 'Kafka', 'Gregor', 'Gregor/Kafka', 'target', 'meets'];
  const body = rows.map((r) => [
    r.section,
    `${r.metric}, ${r.unit}`,
    r.better === HIGHER ? 'higher' : 'lower',
    fmtAuto(r.kafka) + (r.kafkaLabel !== 'Kafka' && !missing(r.kafka) ? ` (${r.kafkaLabel})` : ''),
    fmtAuto(r.gregor),
    fmtRatio(r.ratio),
    fmtTarget(r.target),
    fmtMeets(r.meets, markdown),
  ]);
  return renderTable(head, body, { markdown, left: 3 });
}

const failedNote = (r) => (r.failed ? ` (${r.failed}/${r.rounds} failed)` : '');

export function singleTable(summary, labels, { markdown }) {
  const cols = [
    ['target', (r) => labels[r.target] ?? r.target],
    ['scenario', (r) => r.scenario + failedNote(r)],
    ['produce MB/s', (r) => fmt(r.produceMBps)],
    ['produce rec/s', (r) => fmtInt(r.produceRecordsPerSec)],
    ['avg ms', (r) => fmt(r.produceAvgLatencyMs)],
    ['p50 ms', (r) => fmtInt(r.produceP50LatencyMs)],
    ['p99 ms', (r) => fmtInt(r.produceP99LatencyMs)],
    ['consume MB/s', (r) => fmt(r.consumeMBps)],
    ['fetch MB/s', (r) => fmt(r.consumeFetchMBps)],
    ['RSS after produce MiB', (r) => fmtInt(r.produceRssMiB)],
    ['peak RSS MiB', (r) => fmtInt(r.peakRssMiB)],
    ['broker CPU s (prod/cons)', (r) => `${fmt(r.brokerCpuSecProduce)} / ${fmt(r.brokerCpuSecConsume)}`],
    ['tool CPU s (prod/cons)', (r) => `${fmt(r.producerCpuSec)} / ${fmt(r.consumerCpuSec)}`],
    ['cold start ms', (r) => fmtInt(r.coldStartMs)],
  ];
  const rows = summary.filter((r) => ['none', 'lz4', 'zstd', 'memory'].includes(r.scenario));
  return renderTable(cols.map((c) => c[0]), rows.map((r) => cols.map((c) => c[1](r))), { markdown, left: 2 });
}

export function clusterTable(summary, labels, { markdown }) {
  const cols = [
    ['target', (r) => (labels[r.target] ?? r.target) + failedNote(r)],
    ['ready ms', (r) => fmtInt(r.clusterReadyMs)],
    ['max MB/s', (r) => fmt(r.clusterMaxMBps)],
    ['max rec/s', (r) => fmtInt(r.clusterMaxRecordsPerSec)],
    ['max p99 ms', (r) => fmtInt(r.clusterMaxP99LatencyMs)],
    ['fixed rate rec/s', (r) => fmtInt(r.clusterFixedRate)],
    ['fixed MB/s', (r) => fmt(r.clusterFixedMBps)],
    ['p50 ms', (r) => fmtInt(r.clusterFixedP50LatencyMs)],
    ['p99 ms', (r) => fmtInt(r.clusterFixedP99LatencyMs)],
    ['p99.9 ms', (r) => fmtInt(r.clusterFixedP999LatencyMs)],
    ['max ms', (r) => fmtInt(r.clusterFixedMaxLatencyMs)],
    ['brokers CPU s (max/fixed)', (r) => `${fmt(r.clusterMaxBrokersCpuSec)} / ${fmt(r.clusterFixedBrokersCpuSec)}`],
    ['largest broker RSS MiB', (r) => fmtInt(r.clusterPeakRssMiB)],
  ];
  const rows = summary.filter((r) => r.scenario === 'cluster');
  return renderTable(cols.map((c) => c[0]), rows.map((r) => cols.map((c) => c[1](r))), { markdown, left: 1 });
}

export function partitionsTable(summary, labels, { markdown }) {
  const cols = [
    ['target', (r) => (labels[r.target] ?? r.target) + failedNote(r)],
    ['partitions', (r) => fmtInt(r.metaPartitions)],
    ['CreateTopics answered ms', (r) => fmtInt(r.metaCreateResponseMs)],
    ['all led in Metadata ms', (r) => fmtInt(r.metaCreateMs)],
    ['Metadata p50 ms', (r) => fmt(r.metaP50Ms, 2)],
    ['Metadata p99 ms', (r) => fmt(r.metaP99Ms, 2)],
    ['Metadata max ms', (r) => fmt(r.metaMaxMs, 2)],
    ['response KiB', (r) => fmtInt(r.metaResponseKiB)],
    ['peak RSS MiB', (r) => fmtInt(r.peakRssMiB)],
  ];
  const rows = summary.filter((r) => r.scenario === 'partitions');
  return renderTable(cols.map((c) => c[0]), rows.map((r) => cols.map((c) => c[1](r))), { markdown, left: 1 });
}

export function memoryTable(runs, labels, { markdown }) {
  const mem = memorySummary(runs);
  const order = ['gregor', 'kafka', 'kafka-xmx256m'].filter((t) => mem[t]);
  const body = order.map((t) => [
    labels[t] ?? t,
    fmtInt(mem[t].runs),
    fmtInt(mem[t].produceRssMiB),
    fmtInt(mem[t].lifeRssMiB),
    fmt(mem[t].produceMBps),
  ]);
  return renderTable(['target', 'runs', 'peak RSS under produce MiB', 'peak RSS incl. consume MiB', 'produce MB/s'], body, { markdown, left: 1 });
}

export function coldStartTable(runs, labels, { markdown }) {
  const cold = coldStartSummary(runs);
  const body = Object.entries(cold).map(([t, c]) => [
    labels[t] ?? t,
    fmtInt(c.starts),
    fmtInt(c.medianMs),
    fmtInt(c.minMs),
    fmtInt(c.maxMs),
    fmtInt(c.readyLogMedianMs),
  ]);
  return renderTable(['target', 'starts', 'median ms', 'min ms', 'max ms', '"started" log line, median ms'], body, { markdown, left: 1 });
}

export function limitsTable(summary, labels, { markdown }) {
  const lim = summary.find((r) => r.scenario === 'limits');
  if (!lim) return null;
  const body = [
    ['loopback socket pump (Node, 1 MiB writes)', fmt(lim.pumpMBps), '100%', '–'],
    ['dd bs=1M conv=fdatasync (same disk)', fmt(lim.ddMBps), '–', '100%'],
  ];
  for (const r of summary.filter((x) => x.scenario === 'none' && typeof x.produceMBps === 'number')) {
    const pct = (d) => (typeof d === 'number' && d > 0 ? `${Math.round((r.produceMBps / d) * 100)}%` : '–');
    body.push([`${labels[r.target] ?? r.target} produce (uncompressed, acks=1)`, fmt(r.produceMBps), pct(lim.pumpMBps), pct(lim.ddMBps)]);
  }
  return renderTable(['what', 'MB/s', 'of pump', 'of dd'], body, { markdown, left: 1 });
}

/** Everything printed at the end of a run. */
export function consoleReport(report) {
  const labels = Object.fromEntries(Object.entries(report.targets).map(([k, t]) => [k, t.label]));
  const out = [];
  const opt = { markdown: false };
  out.push('Gregor vs Apache Kafka (medians; ratio = Gregor/Kafka)');
  out.push(comparisonTable(report.comparison, opt));
  if (report.summary.some((r) => ['none', 'lz4', 'zstd', 'memory'].includes(r.scenario))) {
    out.push('', 'Single broker', singleTable(report.summary, labels, opt));
  }
  if (report.summary.some((r) => r.scenario === 'cluster')) out.push('', 'Cluster', clusterTable(report.summary, labels, opt));
  if (report.summary.some((r) => r.scenario === 'partitions')) out.push('', 'Partitions', partitionsTable(report.summary, labels, opt));
  if (Object.keys(memorySummary(report.runs)).length) out.push('', 'Memory', memoryTable(report.runs, labels, opt));
  if (Object.keys(coldStartSummary(report.runs)).length) out.push('', 'Cold start', coldStartTable(report.runs, labels, opt));
  const lim = limitsTable(report.summary, labels, opt);
  if (lim) out.push('', 'Limits', lim);
  return out.join('\n');
}

export function writeJson(file, data) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(data, null, 2) + '\n');
}

export function resultsMarkdown(report) {
  const { machine, options, targets, summary, runs, commands, startedAt, finishedAt } = report;
  const labels = Object.fromEntries(Object.entries(targets).map(([k, t]) => [k, t.label]));
  const md = { markdown: true };
  const out = [];
  const wallS = Math.round((Date.parse(finishedAt) - Date.parse(startedAt)) / 1000);
  out.push('# Benchmark results');
  out.push('');
  out.push(
    `Generated by \`npm run bench${options.quick ? ' -- --quick' : ''}\` (bench/run.mjs) on ${startedAt.slice(0, 10)}; ` +
      `rewritten on every run, raw numbers in \`bench/results/${startedAt.slice(0, 10)}.json\`. ` +
      'How to run and what each number means: [README.md](README.md).',
  );
  out.push('');
  out.push(
    `Mode: **${options.quick ? 'quick' : 'full'}** — ${options.rounds} round(s) of [${options.scenarios.join(', ')}] against ` +
      `[${options.targets.map((t) => labels[t] ?? t).join(', ')}], ${options.records.toLocaleString('en-US')} records of ${options.recordSize} bytes ` +
      `per produce run, ${options.partitions} partitions; ${options.rounds > 1 ? 'medians over rounds' : 'single round (no median)'}. ` +
      `Wall time ${Math.floor(wallS / 60)} min ${wallS % 60} s.`,
  );
  out.push('');
  out.push('## Gregor vs Apache Kafka');
  out.push('');
  out.push(comparisonTable(report.comparison, md));
  out.push('');
  const verdicts = report.comparison.filter((r) => r.meets !== null);
  const met = verdicts.filter((r) => r.meets).length;
  out.push(
    `${met} of ${verdicts.length} targeted ratios met. Targets (issue 6): produce/consume throughput ≥ 1.0x Kafka; p99 ≤ Kafka's; ` +
      "peak RSS ≤ 1/4 of Kafka's; cold start ≤ 1/10 of Kafka's. Rows without a target are informational. Both brokers ran " +
      'on the same machine, disk and ZooKeeper, with the same settings and the same tools, alternately (Kafka first in every ' +
      'round and scenario).',
  );
  out.push('');
  out.push('## Machine');
  out.push('');
  out.push('| | |');
  out.push('|---|---|');
  out.push(`| CPUs (nproc) | ${machine.nproc} |`);
  out.push(`| CPU model | ${machine.cpuModel ?? '?'} |`);
  out.push(`| memory | ${machine.memoryGiB} GiB |`);
  out.push(`| kernel | ${machine.kernel} |`);
  out.push(`| broker data disk | ${machine.disk ?? '?'} (temp dir ${machine.dataDir ?? '?'}) |`);
  out.push(`| node | ${machine.node} |`);
  out.push(`| java | ${machine.java ?? '?'} |`);
  for (const [, t] of Object.entries(targets)) {
    if (t.command) out.push(`| ${t.label} | ${t.version ?? '?'}${t.jvmOptions ? `; JVM: \`${t.jvmOptions}\`` : ''} |`);
  }
  out.push(`| ZooKeeper | ${machine.zookeeper ?? '?'} (one standalone server for the whole run, a fresh chroot per broker/cluster start) |`);
  out.push(`| Kafka tools | ${machine.kafkaTools ?? '?'} (kafka-producer-perf-test, kafka-consumer-perf-test, kafka-topics) |`);
  out.push(`| Gregor commit | ${machine.gitCommit ?? '?'} |`);
  out.push(`| load average (1/5/15 min) | start ${machine.loadAvgAtStart.join(' / ')}, end ${machine.loadAvgAtEnd?.join(' / ') ?? '?'} |`);
  out.push('');
  out.push(
    'Brokers, ZooKeeper and the perf-tool JVMs all run on this one machine over 127.0.0.1, so the tools compete with ' +
      'the broker for the same cores; a load average above nproc means other jobs shared the machine and the numbers are ' +
      'noisier. Both targets run in ZooKeeper mode (Kafka 3.9 in ZooKeeper mode, Gregor with zookeeper.connect), also ' +
      'for the single-broker scenarios, for consistency with the cluster scenario; ZooKeeper is a separate process and ' +
      'is not part of any broker\'s RSS or CPU.',
  );
  out.push('');
  if (summary.some((r) => ['none', 'lz4', 'zstd', 'memory'].includes(r.scenario))) {
    out.push('## Single broker (1 KiB records, acks=1, unthrottled)');
    out.push('');
    out.push(singleTable(summary, labels, md));
    out.push('');
    out.push(
      'MB = 2^20 bytes (the tools\' unit). Latency is ProducerPerformance\'s send-to-ack latency with `--throughput -1` ' +
        '(unthrottled, so it mostly measures queueing in the producer). Consume MB/s is ConsumerPerformance\'s MB.sec ' +
        '(includes joining the group); fetch MB/s excludes the join. RSS after produce is the broker\'s VmHWM right after ' +
        'the produce (start + produce); peak RSS is VmHWM over its whole life (start, produce, consume). Broker CPU s is ' +
        'user+system CPU time of the broker during the produce and the consume phase; tool CPU s the same for the producer ' +
        'and consumer JVMs — when broker + tool CPU approaches nproc x wall time, the machine, not the broker, is the limit. ' +
        '`memory` runs are produce-only.',
    );
    out.push('');
  }
  if (summary.some((r) => r.scenario === 'cluster')) {
    out.push('## Cluster (3 brokers, replication factor 3, acks=all, min.insync.replicas=2)');
    out.push('');
    out.push(clusterTable(summary, labels, md));
    out.push('');
    const rates = runs.filter((r) => r.scenario === 'cluster' && r.fixedRate).map((r) => `round ${r.round} ${labels[r.target] ?? r.target}: ${r.fixedRate.recordsPerSec} rec/s, ${r.fixedRate.records} records (${r.fixedRate.basis})`);
    out.push(
      `Max = unthrottled \`--throughput -1\` run of ${options.clusterRecords.toLocaleString('en-US')} records. Fixed rate = \`--throughput\` of 50% of ` +
        `Kafka's max in the same round (records/s), about 30 s of records; its p50/p99 are the send-to-ack latency below saturation. ` +
        `Rates used: ${rates.join('; ') || '–'}. Ready = spawn of the first broker until all three list each other in Metadata.`,
    );
    out.push('');
  }
  if (summary.some((r) => r.scenario === 'partitions')) {
    out.push(`## ${options.metaTopics} topics x ${options.metaPartitions} partitions (single broker, rf 1)`);
    out.push('');
    out.push(partitionsTable(summary, labels, md));
    out.push('');
    out.push(
      `One CreateTopics v4 request for all ${options.metaTopics} topics (timeout 300 s), then Metadata v4 for all topics polled every 250 ms ` +
        'until every partition has a leader: "all led in Metadata" is the time from sending CreateTopics to that. Then ' +
        `${options.metaRequests} sequential Metadata v4 requests for all topics on one connection (after 3 untimed ones): p50/p99/max.`,
    );
    out.push('');
  }
  if (Object.keys(memorySummary(runs)).length) {
    out.push('## Memory');
    out.push('');
    out.push(memoryTable(runs, labels, md));
    out.push('');
    out.push(
      'Peak RSS under produce = the broker process\'s VmHWM right after the uncompressed produce run (`none` and `memory` ' +
        'scenarios). Kafka with its default heap (`-Xmx1G -Xms1G`, from kafka-server-start.sh) and with `-Xmx256m -Xms256m`. ' +
        'ZooKeeper\'s RSS is not included for either target.',
    );
    out.push('');
  }
  if (Object.keys(coldStartSummary(runs)).length) {
    out.push('## Cold start (every single-broker start of the run)');
    out.push('');
    out.push(coldStartTable(runs, labels, md));
    out.push('');
    out.push(
      'From spawning the broker process (ZooKeeper already running) to the first acknowledged produce of a raw Node ' +
        'client (`lib/probe.mjs`: Metadata with auto-create, then Produce acks=1, retried every few ms), so no client JVM ' +
        'start-up is measured.',
    );
    out.push('');
  }
  const lim = limitsTable(summary, labels, md);
  if (lim) {
    out.push('## Limits of this machine');
    out.push('');
    out.push(lim);
    out.push('');
    out.push(
      `The same bytes as one produce run (${options.records.toLocaleString('en-US')} x ${options.recordSize} B), without a broker: over a ` +
        'loopback socket between two Node processes (`lib/pump.mjs`), and written by `dd` with `conv=fdatasync` into the temp ' +
        'dir the brokers\' data goes to. The brokers don\'t fsync per write (neither does Kafka by default), so dd is a ' +
        'floor of the disk, not a ceiling of the broker.',
    );
    out.push('');
  }
  if (options.rounds > 1) {
    out.push('## Every round');
    out.push('');
    out.push('| target | scenario | round | produce MB/s | p99 ms | consume MB/s | RSS after produce MiB | cold start ms | other |');
    out.push('|---|---|---:|---:|---:|---:|---:|---:|---|');
    for (const r of runs) {
      const other = [];
      if (r.max) other.push(`max ${fmt(r.max.mbPerSec)} MB/s`);
      if (r.fixed) other.push(`fixed p50/p99 ${fmtInt(r.fixed.p50LatencyMs)}/${fmtInt(r.fixed.p99LatencyMs)} ms`);
      if (r.createMs) other.push(`create ${fmtInt(r.createMs)} ms, Metadata p50/p99 ${fmt(r.metadata?.p50Ms, 2)}/${fmt(r.metadata?.p99Ms, 2)} ms`);
      if (r.pump) other.push(`pump ${fmt(r.pump.mbPerSec)} MB/s, dd ${fmt(r.dd?.mbPerSec)} MB/s`);
      if (r.error) other.push(`failed: ${r.error.split('\n')[0].slice(0, 120)}`);
      out.push(
        `| ${labels[r.target] ?? r.target} | ${r.scenario} | ${r.round} | ${fmt(r.producer?.mbPerSec)} | ${fmtInt(r.producer?.p99LatencyMs)} | ` +
          `${fmt(r.consumer?.mbPerSec)} | ${fmtInt((r.broker?.hwmAfterProduceKiB ?? NaN) / 1024)} | ${fmtInt(r.coldStart?.firstProduceMs)} | ${other.join('; ')} |`,
      );
    }
    out.push('');
  }
  const failures = runs.filter((r) => r.error);
  const issues = runs.filter((r) => r.brokerLog && (r.brokerLog.warn || r.brokerLog.error));
  out.push('## Observations from this run');
  out.push('');
  if (failures.length === 0 && issues.length === 0) out.push('- Every run completed; no broker logged warnings or errors while running.');
  for (const r of failures) out.push(`- **FAILED** ${labels[r.target] ?? r.target} ${r.scenario} round ${r.round}: ${r.error.split('\n')[0]}`);
  const examples = (l) => (l.examples.length ? `: ${l.examples.map((e) => `\`${e.replace(/`/g, "'").slice(0, 220)}\``).join('; ')}` : '');
  // Grouped per target and scenario over the rounds: what the brokers logged while running, then at shutdown.
  const grouped = (field) => {
    const g = new Map();
    for (const r of runs) {
      const l = r[field];
      if (!l || !(l.warn || l.error)) continue;
      const key = `${r.target}\u0000${r.scenario}`;
      const e = g.get(key) ?? { target: r.target, scenario: r.scenario, rounds: [], warn: 0, error: 0, examples: [] };
      e.rounds.push(r.round);
      e.warn += l.warn;
      e.error += l.error;
      for (const x of l.examples) if (!e.examples.includes(x) && e.examples.length < 5) e.examples.push(x);
      g.set(key, e);
    }
    return [...g.values()];
  };
  for (const e of grouped('brokerLog')) {
    out.push(
      `- ${labels[e.target] ?? e.target} ${e.scenario} (round ${e.rounds.join(', ')}): while running, the broker(s) logged ` +
        `${e.warn} warning(s), ${e.error} error(s)${examples(e)}`,
    );
  }
  for (const e of grouped('shutdownLog')) {
    out.push(
      `- ${labels[e.target] ?? e.target} ${e.scenario} (round ${e.rounds.join(', ')}): after SIGTERM (shutdown), ` +
        `${e.warn} warning(s), ${e.error} error(s)${examples(e)}`,
    );
  }
  const slow = runs.filter((r) => typeof r.broker?.shutdownMs === 'number');
  for (const t of [...new Set(slow.map((r) => r.target))]) {
    const ms = median(slow.filter((r) => r.target === t).map((r) => r.broker.shutdownMs));
    out.push(`- ${labels[t] ?? t}: median single-broker shutdown (SIGTERM to exit) ${fmtInt(ms)} ms.`);
  }
  for (const r of runs) {
    const name = `${labels[r.target] ?? r.target} ${r.scenario} round ${r.round}`;
    if (r.producer && r.producer.records !== options.records) out.push(`- ${name}: producer reported ${r.producer.records} records sent`);
    if (r.consumer && r.consumer.records !== options.records) out.push(`- ${name}: consumer read ${r.consumer.records} records`);
    if (r.broker?.shutdownForced) out.push(`- ${name}: broker ignored SIGTERM for 20 s, killed`);
    for (const [i, s] of (r.brokerShutdowns ?? []).entries()) if (s.shutdownForced) out.push(`- ${name}: broker ${i + 1} ignored SIGTERM for 30 s, killed`);
  }
  out.push('');
  out.push('## Commands');
  out.push('');
  out.push('Every broker start gets a fresh temp dir and a fresh ZooKeeper chroot; then, per scenario:');
  out.push('');
  out.push('```sh');
  for (const c of commands) out.push(c);
  out.push('```');
  out.push('');
  return out.join('\n');
}
