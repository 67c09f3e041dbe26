// Partition reassignment in ZooKeeper mode: 3 brokers, a topic on brokers 1,2 (explicit --replica-assignment)
// moved to 2,3 with Kafka 3.9's kafka-reassign-partitions (--bootstrap-server: AlterPartitionReassignments) while an
// idempotent acks=all Java producer keeps writing; --verify until complete; kafka-topics --describe and ZooKeeper
// show the new replicas; broker 1 drops its copies; no acknowledged record is lost. A second run moves another topic
// the same way with --throttle: the tool's broker and topic throttle configs are in place while the move runs (and
// pace it), and the --verify that sees it complete removes them.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REASSIGN_TOOL, parseDescribe, startCluster, type TestCluster } from './helpers/cluster.js';
import { NumberedProducer, dumpTopic, verifyAcked, type TopicDump } from './helpers/java-clients.js';
import { kafkaTool, runJava } from './helpers/kafka-tools.js';
import { waitFor } from './helpers/util.js';

const TOPIC = 'moving';

function log(msg: string): void {
  console.log(`[cluster-reassignment] ${msg}`);
}

describe('reassignment: brokers 1,2 → 2,3 under load', () => {
  let cluster: TestCluster;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gregor-reassign-'));
    // Small follower fetches (64 KiB per partition instead of 1 MiB), so the throttled run is paced by its quota
    // rather than copied in one first fetch; the unthrottled run only takes a few more round trips.
    cluster = await startCluster({ name: 'reassign', brokers: 3, overrides: { 'replica.fetch.max.bytes': 65_536 } });
  });
  afterAll(async () => {
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('kafka-reassign-partitions --execute / --verify moves every replica; no acked record is lost', async () => {
    const bs = cluster.bootstrap;
    await kafkaTool('kafka-topics', [
      '--bootstrap-server', bs, '--create', '--topic', TOPIC, '--replica-assignment', '1:2,2:1',
      '--config', 'min.insync.replicas=1',
    ]);
    const before = await cluster.waitForFullIsr(TOPIC);
    expect(before.map((p) => [...p.replicas].sort())).toEqual([
      [1, 2],
      [1, 2],
    ]);
    expect(before.map((p) => p.leader)).toEqual([1, 2]);

    const producer = NumberedProducer.start(bs, TOPIC, { ratePerSec: 1000 });
    try {
      // Some data first, so the new replica (3) has something to catch up on.
      await producer.waitForMoreAcks(10_000, 90_000);

      const plan = {
        version: 1,
        partitions: [0, 1].map((p) => ({ topic: TOPIC, partition: p, replicas: [2, 3], log_dirs: ['any', 'any'] })),
      };
      const file = join(dir, 'reassign.json');
      writeFileSync(file, JSON.stringify(plan));
      const t0 = Date.now();
      const exec = await runJava(REASSIGN_TOOL, [
        '--bootstrap-server', bs, '--reassignment-json-file', file, '--execute',
      ]);
      expect(exec.stdout).toContain('Successfully started partition reassignments');

      const verify = await waitFor(
        async () => {
          const r = await runJava(REASSIGN_TOOL, ['--bootstrap-server', bs, '--reassignment-json-file', file, '--verify'], {
            check: false,
          });
          return r.stdout.includes(`Reassignment of partition ${TOPIC}-0 is completed`) &&
            r.stdout.includes(`Reassignment of partition ${TOPIC}-1 is completed`)
            ? r
            : null;
        },
        { timeoutMs: 120_000, intervalMs: 1000, what: 'kafka-reassign-partitions --verify to report completion' },
      );
      log(`reassignment complete after ${Date.now() - t0} ms (acked so far: ${producer.acked})\n${verify.stdout.trim()}`);

      // Writing continues on the new replica set.
      await producer.waitForMoreAcks(2000, 60_000);
    } finally {
      await producer.stop();
    }
    expect(producer.errors).toEqual([]);
    expect(producer.summary?.failed).toBe(0);

    const desc = await waitFor(
      async () => {
        const r = await kafkaTool('kafka-topics', ['--bootstrap-server', bs, '--describe', '--topic', TOPIC]);
        const d = parseDescribe(r.stdout, TOPIC);
        return d.size === 2 && [...d.values()].every((p) => [...p.isr].sort().join(',') === '2,3') ? r : null;
      },
      { timeoutMs: 60_000, intervalMs: 1000, what: 'kafka-topics --describe with Replicas 2,3 and Isr 2,3' },
    );
    for (const [p, v] of parseDescribe(desc.stdout, TOPIC)) {
      expect(v.replicas, `partition ${p}`).toEqual([2, 3]);
      expect([2, 3]).toContain(v.leader);
    }
    expect(desc.stdout).toMatch(new RegExp(`Partition: 0\\s+Leader: [23]\\s+Replicas: 2,3\\s+Isr: [23],[23]`));
    expect(desc.stdout).toMatch(new RegExp(`Partition: 1\\s+Leader: [23]\\s+Replicas: 2,3\\s+Isr: [23],[23]`));

    // ZooKeeper holds the new assignment, with no reassignment left in flight.
    const zkAssignment = JSON.parse((await cluster.zkGet(`/brokers/topics/${TOPIC}`)) ?? 'null') as {
      partitions: Record<string, number[]>;
      adding_replicas?: Record<string, number[]>;
      removing_replicas?: Record<string, number[]>;
    };
    expect(zkAssignment.partitions).toEqual({ '0': [2, 3], '1': [2, 3] });
    expect(zkAssignment.adding_replicas ?? {}).toEqual({});
    expect(zkAssignment.removing_replicas ?? {}).toEqual({});
    expect(await cluster.zkGet('/admin/reassign_partitions')).toBeNull();

    // Broker 1 was told to delete its replicas (StopReplica with deletion): their directories are gone (renamed
    // for asynchronous deletion, as Kafka does, or removed).
    await waitFor(() => !existsSync(cluster.broker(1).partitionDir(TOPIC, 0)) && !existsSync(cluster.broker(1).partitionDir(TOPIC, 1)), {
      timeoutMs: 30_000,
      what: "broker 1's replicas of the moved partitions to be deleted",
    });

    const dump = await dumpTopic(bs, TOPIC);
    expect(verifyAcked(producer.acks, dump)).toEqual([]);
    log(`${producer.acked} acked records, all read back exactly once`);
  }, 300_000);

  it('--execute --throttle: throttle configs set while it runs, the move completes, --verify removes them', async () => {
    const bs = cluster.bootstrap;
    const T = 'throttled';
    const RATE = 32_000; // bytes/s, well above the live producer's ~10 KB/s
    await kafkaTool('kafka-topics', [
      '--bootstrap-server', bs, '--create', '--topic', T, '--replica-assignment', '1:2,2:1', '--config', 'min.insync.replicas=1',
    ]);
    await cluster.waitForFullIsr(T);

    // ~800 KB (records of ~100 bytes) for the new replica (3) to copy: ~25 s at RATE, plus what the live producer adds.
    const FILL = 8000;
    const fill = NumberedProducer.start(bs, T, { ratePerSec: 5000, max: FILL });
    expect(await fill.stop(120_000)).toEqual({ sent: FILL, acked: FILL, failed: 0 });
    const fillEnd = new Map<number, number>();
    for (const a of fill.acks) fillEnd.set(a.partition, Math.max(fillEnd.get(a.partition) ?? 0, a.offset + 1));

    const producer = NumberedProducer.start(bs, T, { ratePerSec: 100 });
    const file = join(dir, 'reassign-throttled.json');
    writeFileSync(
      file,
      JSON.stringify({ version: 1, partitions: [0, 1].map((p) => ({ topic: T, partition: p, replicas: [2, 3], log_dirs: ['any', 'any'] })) }),
    );
    const verify = () => runJava(REASSIGN_TOOL, ['--bootstrap-server', bs, '--reassignment-json-file', file, '--verify'], { check: false });
    let tDone = 0;
    const t0 = Date.now();
    try {
      await producer.waitForMoreAcks(200, 60_000);
      const exec = await runJava(REASSIGN_TOOL, [
        '--bootstrap-server', bs, '--reassignment-json-file', file, '--execute', '--throttle', String(RATE),
      ]);
      expect(exec.stdout).toContain(`The inter-broker throttle limit was set to ${RATE} B/s`);
      expect(exec.stdout).toContain(`Successfully started partition reassignments for ${T}-0,${T}-1`);

      // While it runs: the rates on every broker of the move (sources 1,2 and destination 3), and the replicas to
      // throttle on the topic: the leader side on the current replicas, the follower side on the new one.
      const [brokers, topic] = await Promise.all([describeBrokerConfigs(bs), describeTopicConfigs(bs, T)]);
      for (const id of [1, 2, 3]) {
        expect(brokers.get(id), `dynamic configs of broker ${id}`).toMatchObject({
          'leader.replication.throttled.rate': String(RATE),
          'follower.replication.throttled.rate': String(RATE),
        });
      }
      expect(topic.get('leader.replication.throttled.replicas')).toBe('0:1,0:2,1:1,1:2');
      expect(topic.get('follower.replication.throttled.replicas')).toBe('0:3,1:3');
      // ... and it was still running after those reads: broker 1 is still among the replicas (Metadata lists the
      // union of old and new replicas until the move completes).
      const running = await cluster.partitions(T);
      expect(running.map((p) => [...p.replicas].sort()), 'replicas while the move runs').toEqual([
        [1, 2, 3],
        [1, 2, 3],
      ]);
      log(`throttled reassignment still running ${Date.now() - t0} ms after --execute started`);

      // It completes. A --verify that finds it in progress leaves the throttles; the one that sees it complete
      // clears them.
      let inProgress = 0;
      const clearedEarly: string[] = [];
      const done = await waitFor(
        async () => {
          const r = await verify();
          if (r.stdout.includes('is still in progress')) {
            inProgress++;
            if (r.stdout.includes('Clearing')) clearedEarly.push(r.stdout);
          }
          return r.stdout.includes(`Reassignment of partition ${T}-0 is completed`) &&
            r.stdout.includes(`Reassignment of partition ${T}-1 is completed`)
            ? r
            : null;
        },
        { timeoutMs: 180_000, intervalMs: 1000, what: 'the throttled reassignment to complete' },
      );
      tDone = Date.now();
      expect(clearedEarly, '--verify output that cleared throttles while the move was in progress').toEqual([]);
      expect(done.stdout).toContain('Clearing broker-level throttles on brokers 1,2,3');
      expect(done.stdout).toContain(`Clearing topic-level throttles on topic ${T}`);
      log(`throttled reassignment complete after ${tDone - t0} ms (${FILL} + ${producer.acked} records; ${inProgress} --verify in progress)\n${done.stdout.trim()}`);
      await producer.waitForMoreAcks(200, 60_000);
    } finally {
      await producer.stop();
    }
    expect(producer.errors).toEqual([]);
    expect(producer.summary?.failed).toBe(0);

    // The throttles are gone from every broker and from the topic.
    const [brokersAfter, topicAfter] = await Promise.all([describeBrokerConfigs(bs), describeTopicConfigs(bs, T)]);
    for (const id of [1, 2, 3]) {
      const cfg = brokersAfter.get(id);
      expect(cfg, `broker ${id} listed`).toBeDefined();
      expect(Object.keys(cfg!).filter((k) => k.includes('throttled')), `broker ${id}`).toEqual([]);
    }
    expect([...topicAfter.keys()].filter((k) => k.includes('throttled'))).toEqual([]);
    expect(topicAfter.get('min.insync.replicas')).toBe('1');

    const desc = parseDescribe((await kafkaTool('kafka-topics', ['--bootstrap-server', bs, '--describe', '--topic', T])).stdout, T);
    expect([...desc.keys()].sort()).toEqual([0, 1]);
    for (const [p, v] of desc) expect(v.replicas, `partition ${p}`).toEqual([2, 3]);

    // Every acked record of both producers is there exactly once (the fill's before its end offsets, the live
    // producer's after them: their sequence numbers overlap).
    const dump = await dumpTopic(bs, T);
    expect(verifyAcked(fill.acks, dumpSlice(dump, new Map(), fillEnd))).toEqual([]);
    expect(verifyAcked(producer.acks, dumpSlice(dump, fillEnd, null))).toEqual([]);
    expect(countRecords(dump)).toBe(FILL + producer.acked);
    log(`throttled run: ${FILL} + ${producer.acked} acked records, all read back exactly once`);
  }, 420_000);
});

/** `kafka-configs --describe --entity-type brokers` (every broker): broker id → its dynamic configs. */
async function describeBrokerConfigs(bs: string): Promise<Map<number, Record<string, string>>> {
  const r = await kafkaTool('kafka-configs', ['--bootstrap-server', bs, '--entity-type', 'brokers', '--describe']);
  const out = new Map<number, Record<string, string>>();
  for (const [heading, cfg] of configSections(r.stdout)) {
    const m = /^Dynamic configs for broker (\d+) are:$/.exec(heading);
    if (m) out.set(Number(m[1]), Object.fromEntries(cfg));
  }
  return out;
}

/** `kafka-configs --describe --entity-type topics --entity-name <t>`: the topic's dynamic configs. */
async function describeTopicConfigs(bs: string, topic: string): Promise<Map<string, string>> {
  const r = await kafkaTool('kafka-configs', ['--bootstrap-server', bs, '--entity-type', 'topics', '--entity-name', topic, '--describe']);
  const sections = configSections(r.stdout);
  const cfg = sections.get(`Dynamic configs for topic ${topic} are:`);
  if (!cfg) throw new Error(`no section for topic ${topic} in\n${r.stdout}`);
  return cfg;
}

/** kafka-configs --describe output: heading line → key → value ("  key=value sensitive=... synonyms={...}"). */
function configSections(stdout: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let cur: Map<string, string> | null = null;
  for (const line of stdout.split('\n')) {
    if (/^\S.*:\s*$/.test(line)) sections.set(line.trim(), (cur = new Map()));
    else if (cur && /^\s+\S+=/.test(line)) {
      const m = /^\s+([^=\s]+)=(.*?) sensitive=/.exec(line);
      if (m) cur.set(m[1], m[2]);
    }
  }
  return sections;
}

/** The records of a dump at offsets in [from, to) per partition (missing from: 0; to null: no bound). */
function dumpSlice(dump: TopicDump, from: Map<number, number>, to: Map<number, number> | null): TopicDump {
  const records = new Map<number, { offset: number; value: string }[]>();
  for (const [p, list] of dump.records) {
    const lo = from.get(p) ?? 0;
    const hi = to ? (to.get(p) ?? 0) : Infinity;
    records.set(p, list.filter((r) => r.offset >= lo && r.offset < hi));
  }
  return { end: dump.end, records };
}

function countRecords(dump: TopicDump): number {
  let n = 0;
  for (const list of dump.records.values()) n += list.length;
  return n;
}

