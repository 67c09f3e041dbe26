// Machine description, medians, the console table, bench/results/<date>.json and bench/RESULTS.md.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os';
import { dirname } from 'node:path';
import { runCommand } from './proc.mjs';

export async function machineInfo(repoRoot, { javaVersion, kafkaToolsVersion }) {
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
  return {
    nproc: availableParallelism(),
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

export function median(values) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** The metrics reported per target x scenario, as [key, path into a run result]. */
export const METRICS = [
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
  ['brokerCpuSecProduce', (r) => r.broker?.cpuSecProduce],
  ['brokerCpuSecConsume', (r) => r.broker?.cpuSecConsume],
  ['producerCpuSec', (r) => r.tools?.producerCpuSec],
  ['consumerCpuSec', (r) => r.tools?.consumerCpuSec],
  ['coldStartMs', (r) => r.coldStart?.firstProduceMs],
  ['readyLogMs', (r) => r.coldStart?.readyLogMs],
  ['shutdownMs', (r) => r.broker?.shutdownMs],
];

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

/** Cold start across every start of a target (all scenarios and rounds). */
export function coldStartSummary(runs) {
  const out = {};
  for (const r of runs) {
    const ms = r.coldStart?.firstProduceMs;
    if (typeof ms !== 'number') continue;
    (out[r.target] ??= []).push(ms);
  }
  return Object.fromEntries(
    Object.entries(out).map(([t, v]) => [
      t,
      { starts: v.length, medianMs: median(v), minMs: Math.min(...v), maxMs: Math.max(...v) },
    ]),
  );
}

const fmt = (x, digits = 1) => (x === null || x === undefined || Number.isNaN(x) ? '–' : x.toFixed(digits));
const fmtInt = (x) => (x === null || x === undefined || Number.isNaN(x) ? '–' : Math.round(x).toLocaleString('en-US'));

const COLUMNS = [
  ['target', (r, labels) => labels[r.target] ?? r.target],
  ['scenario', (r) => r.scenario],
  ['produce MB/s', (r) => fmt(r.produceMBps)],
  ['produce rec/s', (r) => fmtInt(r.produceRecordsPerSec)],
  ['avg ms', (r) => fmt(r.produceAvgLatencyMs)],
  ['p50 ms', (r) => fmtInt(r.produceP50LatencyMs)],
  ['p99 ms', (r) => fmtInt(r.produceP99LatencyMs)],
  ['consume MB/s', (r) => fmt(r.consumeMBps)],
  ['consume rec/s', (r) => fmtInt(r.consumeRecordsPerSec)],
  ['fetch MB/s', (r) => fmt(r.consumeFetchMBps)],
  ['peak RSS MiB', (r) => fmtInt(r.peakRssMiB)],
  ['broker CPU s (prod/cons)', (r) => `${fmt(r.brokerCpuSecProduce)} / ${fmt(r.brokerCpuSecConsume)}`],
  ['tool CPU s (prod/cons)', (r) => `${fmt(r.producerCpuSec)} / ${fmt(r.consumerCpuSec)}`],
  ['cold start ms', (r) => fmtInt(r.coldStartMs)],
];

export function tableRows(rows, labels) {
  return rows.map((r) =>
    COLUMNS.map(([name, f]) => f(r, labels) + (name === 'scenario' && r.failed ? ` (${r.failed}/${r.rounds} failed)` : '')),
  );
}

export function consoleTable(rows, labels) {
  const head = COLUMNS.map(([h]) => h);
  const body = tableRows(rows, labels);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export function markdownTable(rows, labels) {
  const head = COLUMNS.map(([h]) => h);
  const body = tableRows(rows, labels);
  const align = head.map((_, i) => (i < 2 ? '---' : '---:'));
  return [head, align, ...body].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

export function writeJson(file, data) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(data, null, 2) + '\n');
}

export function resultsMarkdown(report) {
  const { machine, options, targets, summary, coldStart, runs, commands, startedAt, finishedAt } = report;
  const labels = Object.fromEntries(Object.entries(targets).map(([k, t]) => [k, t.label]));
  const out = [];
  out.push('# Benchmark results');
  out.push('');
  out.push(
    `Generated by \`npm run bench${options.quick ? ' -- --quick' : ''}\` (bench/run.mjs) on ${startedAt.slice(0, 10)}; ` +
      `rewritten on every run, raw numbers in \`bench/results/${startedAt.slice(0, 10)}.json\`. ` +
      'How to run and what each number means: [README.md](README.md).',
  );
  out.push('');
  out.push(
    `Mode: **${options.quick ? 'quick' : 'full'}** — ${options.rounds} round(s) of ${options.records.toLocaleString('en-US')} records ` +
      `of ${options.recordSize} bytes per scenario; ${options.rounds > 1 ? 'medians over rounds' : 'single round (no median)'}. ` +
      `Wall time ${Math.round((Date.parse(finishedAt) - Date.parse(startedAt)) / 1000)} s.`,
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
  out.push(`| node | ${machine.node} |`);
  out.push(`| java | ${machine.java ?? '?'} |`);
  out.push(`| Kafka tools | ${machine.kafkaTools ?? '?'} (kafka-producer-perf-test, kafka-consumer-perf-test) |`);
  out.push(`| Gregor commit | ${machine.gitCommit ?? '?'} |`);
  out.push(
    `| load average (1/5/15 min) | start ${machine.loadAvgAtStart.join(' / ')}, end ${machine.loadAvgAtEnd?.join(' / ') ?? '?'} |`,
  );
  out.push('');
  out.push(
    'Broker, producer and consumer all run on this one machine over 127.0.0.1, so the JVM tools compete with the ' +
      'broker for the same cores; a load average above nproc means other jobs shared the machine and the ' +
      'numbers are noisier.',
  );
  out.push('');
  out.push('## Results');
  out.push('');
  out.push(markdownTable(summary, labels));
  out.push('');
  out.push(
    'MB = 2^20 bytes (the tools\' unit). Latency is ProducerPerformance\'s send-to-ack latency with ' +
      '`--throughput -1` (unthrottled, so it mostly measures queueing in the producer). Consume MB/s is ' +
      'ConsumerPerformance\'s MB.sec (includes joining the group); fetch MB/s excludes the join. Peak RSS is the ' +
      'broker process\'s VmHWM over its whole life (start, produce, consume). Broker CPU s is user+system CPU time ' +
      'the broker used during the produce and the consume phase; tool CPU s the same for the producer and consumer ' +
      'JVMs (whole process, start-up included) — when broker + tool CPU approaches nproc x wall time, the machine, ' +
      'not the broker, is the limit. Cold start is spawn of the broker process to ' +
      'the first acknowledged produce (see README).',
  );
  out.push('');
  if (Object.keys(coldStart).length) {
    out.push('### Cold start (every broker start of the run)');
    out.push('');
    out.push('| target | starts | median ms | min ms | max ms | "started" log line, median ms |');
    out.push('|---|---:|---:|---:|---:|---:|');
    for (const [t, c] of Object.entries(coldStart)) {
      const readyMed = median(runs.filter((r) => r.target === t).map((r) => r.coldStart?.readyLogMs));
      out.push(
        `| ${labels[t] ?? t} | ${c.starts} | ${fmtInt(c.medianMs)} | ${fmtInt(c.minMs)} | ${fmtInt(c.maxMs)} | ${fmtInt(readyMed)} |`,
      );
    }
    out.push('');
  }
  if (options.rounds > 1) {
    out.push('### Every round');
    out.push('');
    out.push('| target | scenario | round | produce MB/s | p99 ms | consume MB/s | peak RSS MiB | cold start ms |');
    out.push('|---|---|---:|---:|---:|---:|---:|---:|');
    for (const r of runs) {
      out.push(
        `| ${labels[r.target] ?? r.target} | ${r.scenario} | ${r.round} | ${fmt(r.producer?.mbPerSec)} | ` +
          `${fmtInt(r.producer?.p99LatencyMs)} | ${fmt(r.consumer?.mbPerSec)} | ` +
          `${fmtInt((r.broker?.vmHwmKiB ?? NaN) / 1024)} | ${fmtInt(r.coldStart?.firstProduceMs)} |`,
      );
    }
    out.push('');
  }
  const failures = runs.filter((r) => r.error);
  const logIssues = runs.filter((r) => r.brokerLog && (r.brokerLog.warn || r.brokerLog.error));
  out.push('## Observations from this run');
  out.push('');
  if (failures.length === 0 && logIssues.length === 0) {
    out.push('- Every scenario completed; the broker logged no warnings or errors.');
  }
  for (const r of failures) {
    out.push(`- **FAILED** ${labels[r.target] ?? r.target} ${r.scenario} round ${r.round}: ${r.error.split('\n')[0]}`);
  }
  for (const r of logIssues) {
    out.push(
      `- ${labels[r.target] ?? r.target} ${r.scenario} round ${r.round}: broker logged ${r.brokerLog.warn} warning(s), ` +
        `${r.brokerLog.error} error(s)` +
        (r.brokerLog.examples.length ? `: ${r.brokerLog.examples.map((e) => `\`${e.replace(/`/g, "'")}\``).join('; ')}` : ''),
    );
  }
  for (const r of runs) {
    if (r.producer && r.producer.records !== options.records) {
      out.push(`- ${r.target} ${r.scenario} round ${r.round}: producer reported ${r.producer.records} records sent`);
    }
    if (r.consumer && r.consumer.records !== options.records) {
      out.push(`- ${r.target} ${r.scenario} round ${r.round}: consumer read ${r.consumer.records} records`);
    }
    if (r.broker?.shutdownForced) out.push(`- ${r.target} ${r.scenario} round ${r.round}: broker ignored SIGTERM, killed`);
  }
  out.push('');
  out.push('## Commands');
  out.push('');
  out.push('Per target, scenario and round: a fresh broker with an empty temp log dir, then:');
  out.push('');
  out.push('```sh');
  for (const [t, info] of Object.entries(targets)) out.push(`# ${info.label}${info.version ? ` (${info.version})` : ''}\n${info.command}`);
  for (const c of commands) out.push(c);
  out.push('```');
  out.push('');
  return out.join('\n');
}
