// Cluster scenario: 3 brokers (ids 1-3) in ZooKeeper mode on the run's real ZooKeeper (a fresh chroot per
// cluster), topic bench-cluster with 6 partitions, replication factor 3, min.insync.replicas=2, produced with
// acks=all:
//   1. unthrottled (--throughput -1): the max produce MB/s of this cluster;
//   2. at a fixed rate of 50% of Kafka's max of the same round (records/s; Kafka runs first in each round), for
//      p50/p99 send-to-ack latency below saturation. When Kafka is not selected or its run failed, the basis
//      is the target's own max (recorded in `fixedRate.basis`); --cluster-rate N fixes the rate instead.
import { CLASSES, PERF_JVM_OPTS, createTopic, javaArgs, parseProducerPerf, producerPerfArgs } from '../java.mjs';
import { waitForMetadata } from '../probe.mjs';
import { checkResult, freePort, procCpuSeconds, rssSampler, runCommand } from '../proc.mjs';
import { errorMessage, pastDeadline, removeDir, round2, runTempDir, settleMachine, skipped, stepTimeoutMs, stopBroker, untilDeadline } from './common.mjs';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';

export const CLUSTER_BROKERS = 3;
export const CLUSTER_OVERRIDES = {
  'default.replication.factor': 3,
  'min.insync.replicas': 2,
  'offsets.topic.replication.factor': 3,
  'transaction.state.log.replication.factor': 3,
  'transaction.state.log.min.isr': 2,
};
const TOPIC = 'bench-cluster';
/** The fixed-rate run lasts about this long (fewer records than the unthrottled run when the rate is low). */
const FIXED_RATE_SECONDS = 30;

async function distinctPorts(n) {
  const ports = new Set();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

async function producePerf(ctx, { bootstrap, records, throughput, pids }) {
  const { o } = ctx;
  const args = producerPerfArgs({ bootstrap, topic: TOPIC, records, recordSize: o.recordSize, compression: 'none', acks: 'all', throughput });
  const cpu0 = pids.map(procCpuSeconds);
  const expectedMs = throughput > 0 ? (records / throughput) * 1000 : 0;
  const res = await runCommand('java', javaArgs(PERF_JVM_OPTS, ctx.toolsLog4j, CLASSES.producerPerf, args), {
    timeoutMs: stepTimeoutMs(o, records, expectedMs * 2),
    sampleCpu: true,
  });
  const cpu1 = pids.map(procCpuSeconds);
  checkResult(`kafka-producer-perf-test (acks=all, throughput ${throughput})`, res);
  const perf = parseProducerPerf(res.stdout);
  if (!perf) throw new Error(`could not parse ProducerPerformance output:\n${res.stdout.slice(-2000)}`);
  const brokerCpu = cpu0.every((c) => c !== null) && cpu1.every((c) => c !== null) ? round2(cpu1.reduce((a, c, i) => a + c - cpu0[i], 0)) : null;
  return {
    ...perf,
    throughputArg: throughput,
    brokersCpuSec: brokerCpu,
    toolCpuSec: res.cpuSec,
    toolWallSec: round2(res.ms / 1000),
    stderr: res.stderr.trim() ? res.stderr.trim().split('\n').slice(-10) : undefined,
  };
}

export async function runCluster(ctx, { target, round }) {
  const { o, log } = ctx;
  const name = `${target.name}-cluster-r${round}`;
  const result = { target: target.name, scenario: 'cluster', round, brokers: CLUSTER_BROKERS };
  const dir = runTempDir(ctx, name);
  const brokers = [];
  const samplers = [];
  try {
    const zkConnect = ctx.zk.chroot(name);
    const ports = await distinctPorts(CLUSTER_BROKERS);
    for (let i = 0; i < CLUSTER_BROKERS; i++) {
      const bdir = join(dir, `b${i + 1}`);
      mkdirSync(bdir, { recursive: true });
      const b = await target.start({ dir: bdir, port: ports[i], brokerId: i + 1, zookeeperConnect: zkConnect, overrides: CLUSTER_OVERRIDES });
      brokers.push(b);
      samplers.push(rssSampler(b.pid, 200));
    }
    const t0 = brokers[0].spawnedAt;
    const bootstrap = brokers.map((b) => b.bootstrap).join(',');
    const allAlive = () => brokers.every((b) => b.alive());
    // Ready: every broker's Metadata lists all brokers.
    for (const b of brokers) {
      await waitForMetadata({
        host: b.host,
        port: b.port,
        topics: [],
        check: (md) => md.brokers.length === CLUSTER_BROKERS,
        timeoutMs: untilDeadline(o, 180_000),
        isAlive: allAlive,
      });
    }
    result.clusterReadyMs = round2(performance.now() - t0);
    log(`  ${target.label}/cluster r${round}: ${CLUSTER_BROKERS} brokers registered after ${Math.round(result.clusterReadyMs)} ms (${bootstrap})`);

    await createTopic({
      bootstrap,
      topic: TOPIC,
      partitions: o.partitions,
      replicationFactor: CLUSTER_BROKERS,
      configs: { 'min.insync.replicas': 2 },
      log4jFile: ctx.toolsLog4j,
      timeoutMs: untilDeadline(o, 60_000),
    });
    const ready = await waitForMetadata({
      host: brokers[0].host,
      port: brokers[0].port,
      topics: [TOPIC],
      check: (md) => {
        const t = md.topics.find((x) => x.name === TOPIC);
        return (
          t &&
          t.errorCode === 0 &&
          t.partitions.length === o.partitions &&
          t.partitions.every((p) => p.errorCode === 0 && p.leader >= 0 && p.isr.length === CLUSTER_BROKERS)
        );
      },
      timeoutMs: untilDeadline(o, 60_000),
      isAlive: allAlive,
    });
    result.topicReadyMs = round2(ready.ms);
    const pids = brokers.map((b) => b.pid);

    result.max = await producePerf(ctx, { bootstrap, records: o.clusterRecords, throughput: -1, pids });
    log(`    unthrottled acks=all: ${result.max.mbPerSec} MB/s, ${Math.round(result.max.recordsPerSec)} rec/s, p99 ${result.max.p99LatencyMs} ms`);
    if (target.kind === 'kafka' && target.name === 'kafka') ctx.roundState.kafkaClusterMaxRecordsPerSec = result.max.recordsPerSec;

    let rate;
    let basis;
    if (o.clusterRate) {
      rate = o.clusterRate;
      basis = '--cluster-rate';
    } else if (ctx.roundState.kafkaClusterMaxRecordsPerSec) {
      rate = Math.max(1, Math.floor(ctx.roundState.kafkaClusterMaxRecordsPerSec * 0.5));
      basis = `50% of Kafka's max in round ${round}`;
    } else {
      rate = Math.max(1, Math.floor(result.max.recordsPerSec * 0.5));
      basis = `50% of ${target.label}'s own max (no Kafka max in round ${round})`;
    }
    const records = Math.max(1000, Math.min(o.clusterRecords, Math.ceil(rate * FIXED_RATE_SECONDS)));
    result.fixedRate = { recordsPerSec: rate, mbPerSec: round2((rate * o.recordSize) / 2 ** 20), records, basis };
    // The unthrottled run leaves ~1.5 GB of dirty pages over the three brokers; the latency run starts once they
    // are written back (for every target alike), so it measures the brokers below saturation, not the kernel's
    // writeback of the previous run.
    result.settleBeforeFixed = await settleMachine();
    result.fixed = await producePerf(ctx, { bootstrap, records, throughput: rate, pids });
    log(
      `    fixed rate ${rate} rec/s (${basis}): ${result.fixed.mbPerSec} MB/s, p50 ${result.fixed.p50LatencyMs} ms, ` +
        `p99 ${result.fixed.p99LatencyMs} ms, max ${result.fixed.maxLatencyMs} ms`,
    );
  } catch (e) {
    result.error = errorMessage(e);
    log(`  FAILED ${target.label}/cluster r${round}: ${result.error.split('\n')[0]}`);
  } finally {
    result.brokerHwmKiB = samplers.map((s) => s.stop().hwmKiB);
    const stops = await Promise.all(brokers.map((b, i) => stopBroker(ctx, b, `${name}-b${i + 1}`, 30_000)));
    result.brokerShutdowns = stops.map((s) => s.shutdown);
    const merge = (logs) => ({
      warn: logs.reduce((n, l) => n + l.warn, 0),
      error: logs.reduce((n, l) => n + l.error, 0),
      examples: logs.flatMap((l, i) => l.examples.map((e) => `b${i + 1} ${e}`)).slice(0, 6),
    });
    result.brokerLog = merge(stops.map((s) => s.brokerLog));
    result.shutdownLog = merge(stops.map((s) => s.shutdownLog));
    result.brokerLogCopies = stops.map((s) => s.brokerLogCopy);
    removeDir(ctx, dir);
  }
  return result;
}

export const cluster = {
  name: 'cluster',
  kind: 'cluster',
  title: `${CLUSTER_BROKERS} brokers, rf 3, acks=all, min.insync.replicas 2`,
  async run(ctx, round) {
    const out = [];
    for (const t of ctx.targetNames) {
      if (t === 'kafka-xmx256m') continue;
      if (pastDeadline(ctx, `round ${round}: ${t} cluster`)) {
        out.push(skipped(ctx, t, 'cluster', round));
        continue;
      }
      ctx.log(`round ${round}/${ctx.o.rounds}: ${ctx.targets[t].label} cluster`);
      out.push(await runCluster(ctx, { target: ctx.targets[t], round }));
    }
    return out;
  },
};
