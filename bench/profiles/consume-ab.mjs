#!/usr/bin/env node
// Consume A/B: Kafka and Gregor running side by side (one ZooKeeper, fresh chroots), the same
// kafka-producer-perf-test data written once into each, then `--runs N` kafka-consumer-perf-test runs against
// them alternately (a new group each time), so run-to-run machine noise hits both. Prints MB/s, fetch MB/s and
// the CPU of broker and consumer per run, then medians.
//
//   node bench/profiles/consume-ab.mjs --compression zstd --records 200000 --runs 5
//   node bench/profiles/consume-ab.mjs --compression zstd --consumer-props max.partition.fetch.bytes=4194304
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startZooKeeper } from '../lib/zookeeper.mjs';
import { makeTargets } from '../lib/targets.mjs';
import {
  CLASSES,
  PERF_JVM_OPTS,
  consumerPerfArgs,
  createTopic,
  javaArgs,
  parseConsumerPerf,
  parseProducerPerf,
  producerPerfArgs,
  writeToolsLog4j,
} from '../lib/java.mjs';
import { freePort, installExitHandlers, onCleanup, procCpuSeconds, runCommand } from '../lib/proc.mjs';
import { median } from '../lib/report.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const argv = process.argv.slice(2);
const opt = (k, d) => {
  const i = argv.indexOf(k);
  return i >= 0 ? argv[i + 1] : d;
};
const records = Number(opt('--records', 200_000));
const runs = Number(opt('--runs', 5));
const compression = opt('--compression', 'zstd');
const consumerProps = (opt('--consumer-props', '') || '').split(',').filter(Boolean);
/** A log4j.properties for the consumer JVM (e.g. Fetcher at DEBUG, to see request timing); its stderr is printed. */
const consumerLog4j = opt('--consumer-log4j', null);
const targetNames = (opt('--targets', 'kafka,gregor') || '').split(',');

installExitHandlers();
const dir = mkdtempSync(join(tmpdir(), 'gregor-consume-ab-'));
onCleanup(() => rmSync(dir, { recursive: true, force: true }));
const log4j = writeToolsLog4j(dir);
const zk = await startZooKeeper({ dir: join(dir, 'zk'), log4jFile: log4j });
const all = makeTargets(repoRoot);
const targets = targetNames.map((n) => all[n]);
const brokers = [];
for (const t of targets) {
  const h = await t.start({ dir: mkdtempSync(join(dir, `${t.name}-`)), port: await freePort(), zookeeperConnect: zk.chroot(`ab-${t.name}`) });
  await h.readyLogMs;
  await createTopic({ bootstrap: h.bootstrap, topic: 'ab', partitions: 6, log4jFile: log4j });
  const prod = await runCommand('java', javaArgs(PERF_JVM_OPTS, log4j, CLASSES.producerPerf, producerPerfArgs({ bootstrap: h.bootstrap, topic: 'ab', records, recordSize: 1024, compression })), { timeoutMs: 600_000 });
  console.log(`${t.label}: produced ${parseProducerPerf(prod.stdout)?.mbPerSec} MB/s`);
  brokers.push({ t, h, results: [] });
}

for (let r = 0; r < runs; r++) {
  for (const b of brokers) {
    const args = consumerPerfArgs({ bootstrap: b.h.bootstrap, topic: 'ab', records, group: `ab-${r}` });
    if (consumerProps.length > 0) args.push('--consumer.config', writeProps(consumerProps));
    const cpu0 = procCpuSeconds(b.h.pid);
    const res = await runCommand('java', javaArgs(PERF_JVM_OPTS, consumerLog4j ?? log4j, CLASSES.consumerPerf, args), { timeoutMs: 600_000, sampleCpu: true });
    if (consumerLog4j) writeFileSync(join(tmpdir(), `consume-ab-${b.t.name}-${r}.log`), res.stderr);
    const c = parseConsumerPerf(res.stdout);
    const brokerCpu = procCpuSeconds(b.h.pid) - cpu0;
    b.results.push({ mb: c?.mbPerSec, fetch: c?.fetchMbPerSec, brokerCpu, toolCpu: res.cpuSec });
    console.log(`run ${r} ${b.t.label.padEnd(6)} consume ${c?.mbPerSec} MB/s fetch ${c?.fetchMbPerSec} MB/s, broker CPU ${brokerCpu.toFixed(2)} s, consumer CPU ${res.cpuSec} s, wall ${(res.ms / 1000).toFixed(1)} s`);
  }
}
for (const b of brokers) {
  const m = (k) => median(b.results.map((x) => x[k]).filter((x) => typeof x === 'number'));
  console.log(`${b.t.label.padEnd(6)} median consume ${m('mb')} MB/s, fetch ${m('fetch')} MB/s, broker CPU ${m('brokerCpu')?.toFixed(2)} s, consumer CPU ${m('toolCpu')} s`);
}
for (const b of brokers) await b.h.stop({ timeoutMs: 20_000 });
await zk.stop?.();
process.exit(0);

function writeProps(lines) {
  const file = join(dir, 'consumer.properties');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}
