// 10k-partitions metadata scenario, one fresh single broker per target (ZooKeeper mode):
//   1. one CreateTopics v4 request (bench/lib/probe.mjs) for 10 topics x 1000 partitions, rf 1; the time until
//      Metadata (all topics) shows every partition with a leader and no error ("time to create");
//   2. Metadata v4 latency for all topics: 50 sequential requests on one connection (after 3 untimed), p50/p99.
// (--meta-topics / --meta-partitions change the shape, e.g. for a smoke run.)
import { createTopics, metadataLatency, openConnection, waitForFirstProduce, waitForMetadata } from '../probe.mjs';
import { procStatus, rssSampler } from '../proc.mjs';
import { dirBytes, errorMessage, pastDeadline, removeDir, round2, runTempDir, settleMachine, skipped, startBroker, stopBroker, untilDeadline } from './common.mjs';

export async function runPartitions(ctx, { target, round }) {
  const { o, log } = ctx;
  const name = `${target.name}-partitions-r${round}`;
  const result = { target: target.name, scenario: 'partitions', round, topics: o.metaTopics, partitionsPerTopic: o.metaPartitions };
  const dir = runTempDir(ctx, name);
  let broker = null;
  let sampler = null;
  try {
    result.settle = await settleMachine();
    broker = await startBroker(ctx, target, { dir, chrootName: name });
    sampler = rssSampler(broker.pid, 200);
    const cold = await waitForFirstProduce({
      host: broker.host,
      port: broker.port,
      topic: 'bench-coldstart',
      t0: broker.spawnedAt,
      timeoutMs: untilDeadline(o, 120_000),
      isAlive: broker.alive,
    });
    const readyLogMs = await Promise.race([broker.readyLogMs, new Promise((r) => setTimeout(() => r(null), 2000))]);
    result.coldStart = { connectMs: round2(cold.connectMs), firstProduceMs: round2(cold.firstProduceMs), attempts: cold.attempts, readyLogMs: round2(readyLogMs) };
    log(`  ${target.label}/partitions r${round}: pid ${broker.pid} on ${broker.bootstrap}, first produce after ${Math.round(cold.firstProduceMs)} ms`);

    const names = Array.from({ length: o.metaTopics }, (_, i) => `bench-meta-${String(i).padStart(2, '0')}`);
    const total = o.metaTopics * o.metaPartitions;
    const t0 = performance.now();
    const conn = await openConnection(broker.host, broker.port);
    let created;
    try {
      created = await createTopics(
        conn,
        names.map((n) => ({ name: n, partitions: o.metaPartitions, replicationFactor: 1 })),
        untilDeadline(o, 300_000),
      );
    } finally {
      conn.close();
    }
    result.createResponseMs = round2(performance.now() - t0);
    const bad = created.filter((t) => t.errorCode !== 0);
    if (bad.length) throw new Error(`CreateTopics: ${bad.map((t) => `${t.name} error ${t.errorCode} ${t.errorMessage ?? ''}`).join('; ')}`);
    const want = new Set(names);
    await waitForMetadata({
      host: broker.host,
      port: broker.port,
      topics: null,
      intervalMs: 250,
      check: (md) => {
        let ok = 0;
        for (const t of md.topics) {
          if (!want.has(t.name) || t.errorCode !== 0) continue;
          for (const p of t.partitions) if (p.errorCode === 0 && p.leader >= 0) ok++;
        }
        return ok === total;
      },
      timeoutMs: untilDeadline(o, 600_000),
      isAlive: broker.alive,
    });
    result.createMs = round2(performance.now() - t0);
    log(`    ${total} partitions in ${o.metaTopics} topics: CreateTopics answered after ${Math.round(result.createResponseMs)} ms, all led in Metadata after ${Math.round(result.createMs)} ms`);

    const lat = await metadataLatency({ host: broker.host, port: broker.port, topics: null, requests: o.metaRequests, timeoutMs: untilDeadline(o, 60_000) });
    result.metadata = {
      requests: o.metaRequests,
      p50Ms: round2(lat.p50Ms),
      p99Ms: round2(lat.p99Ms),
      maxMs: round2(lat.maxMs),
      meanMs: round2(lat.meanMs),
      responseBytes: lat.bytes,
      topics: lat.topics,
      partitions: lat.partitions,
      samplesMs: lat.samplesMs,
    };
    log(`    Metadata (all topics, ${lat.partitions} partitions, ${Math.round(lat.bytes / 1024)} KiB): p50 ${result.metadata.p50Ms} ms, p99 ${result.metadata.p99Ms} ms`);
    result.broker = { pid: broker.pid, rssAfterKiB: procStatus(broker.pid)?.VmRSS ?? null, dataBytes: dirBytes(broker.dataDir) };
  } catch (e) {
    result.error = errorMessage(e);
    log(`  FAILED ${target.label}/partitions r${round}: ${result.error.split('\n')[0]}`);
  } finally {
    if (sampler) {
      const rss = sampler.stop();
      result.broker = { ...(result.broker ?? {}), vmHwmKiB: rss.hwmKiB, peakRssKiB: rss.peakRssKiB };
    }
    if (broker) {
      const s = await stopBroker(ctx, broker, name, 60_000);
      result.broker = { ...(result.broker ?? {}), ...s.shutdown };
      result.brokerLog = s.brokerLog;
      result.shutdownLog = s.shutdownLog;
      result.brokerLogCopy = s.brokerLogCopy;
    }
    removeDir(ctx, dir);
  }
  return result;
}

export const partitions = {
  name: 'partitions',
  kind: 'partitions',
  title: '10k partitions: time to create, Metadata latency',
  async run(ctx, round) {
    const out = [];
    for (const t of ctx.targetNames) {
      if (t === 'kafka-xmx256m') continue;
      if (pastDeadline(ctx, `round ${round}: ${t} partitions`)) {
        out.push(skipped(ctx, t, 'partitions', round));
        continue;
      }
      ctx.log(`round ${round}/${ctx.o.rounds}: ${ctx.targets[t].label} partitions (${ctx.o.metaTopics} x ${ctx.o.metaPartitions})`);
      out.push(await runPartitions(ctx, { target: ctx.targets[t], round }));
    }
    return out;
  },
};
