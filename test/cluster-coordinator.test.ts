// Group coordinator failover (issue: ZooKeeper cluster mode, item 5): __consumer_offsets replicated with
// offsets.topic.replication.factor 3; kill -9 the broker that coordinates a group; committed offsets survive on
// the new leader of the group's offsets partition and the group resumes exactly where it stopped.
// GREGOR_TEST_TARGET=kafka runs the same test against Apache Kafka 3.9 in ZooKeeper mode.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { startCluster, type TestCluster } from './helpers/cluster.js';
import { waitFor } from './helpers/util.js';

const OFFSETS_PARTITIONS = 5;
const TOPIC = 'orders';
const GROUP = 'billing';

/** Kafka's partitionFor: Utils.abs(groupId.hashCode) % offsets.topic.num.partitions (Java String.hashCode). */
function offsetsPartitionFor(groupId: string, partitions: number): number {
  let h = 0;
  for (let i = 0; i < groupId.length; i++) h = (Math.imul(h, 31) + groupId.charCodeAt(i)) | 0;
  const abs = h === -2147483648 ? 0 : Math.abs(h);
  return abs % partitions;
}

function client(bootstrap: string, id: string): Kafka {
  return new Kafka({
    clientId: id,
    brokers: bootstrap.split(','),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 5000,
    requestTimeout: 30_000,
    retry: { retries: 12, initialRetryTime: 200, maxRetryTime: 3000 },
  });
}

/** Consumes until `expected` new records arrived (or fails after the timeout); returns their values. */
async function consume(kafka: Kafka, expected: number, timeoutMs: number): Promise<string[]> {
  const consumer: Consumer = kafka.consumer({ groupId: GROUP, sessionTimeout: 10_000, heartbeatInterval: 1000 });
  const seen: string[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  await consumer.run({
    autoCommitInterval: 200,
    eachMessage: async ({ message }) => {
      seen.push(message.value!.toString());
    },
  });
  try {
    await waitFor(() => seen.length >= expected || null, { timeoutMs, what: `${expected} records (have ${seen.length})` });
    // Let a last auto-commit cover everything before leaving (disconnect commits too).
    await new Promise((r) => setTimeout(r, 500));
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

async function committedTotal(kafka: Kafka): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const res = await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] });
    return res[0]!.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
  } finally {
    await admin.disconnect();
  }
}

describe('group coordinator failover', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startCluster({
      name: 'coord',
      brokers: 3,
      overrides: {
        'offsets.topic.num.partitions': OFFSETS_PARTITIONS,
        'offsets.topic.replication.factor': 3,
        'group.initial.rebalance.delay.ms': 0,
        'min.insync.replicas': 2,
      },
    });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('committed offsets survive kill -9 of the coordinator; the group resumes without replays', async () => {
    const kafka = client(cluster.bootstrap, 'coord-test');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 3, replicationFactor: 3 }], waitForLeaders: true });
    await admin.disconnect();

    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const batch = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => ({ key: String((from + i) % 7), value: `m${from + i}` }));
    await producer.send({ topic: TOPIC, acks: -1, messages: batch(0, 300) });

    const first = await consume(kafka, 300, 60_000);
    expect(new Set(first).size).toBe(300);
    await waitFor(async () => ((await committedTotal(kafka)) === 300 ? true : null), { timeoutMs: 30_000, what: 'commits' });

    await cluster.waitForFullIsr('__consumer_offsets');
    const offsetsPartition = offsetsPartitionFor(GROUP, OFFSETS_PARTITIONS);
    const coordinator = await cluster.leaderOf('__consumer_offsets', offsetsPartition);
    const killedAt = await cluster.killBroker(coordinator);
    const { leader, at } = await cluster.waitForNewLeader('__consumer_offsets', offsetsPartition, coordinator, 90_000);
    console.log(`[cluster-coordinator] coordinator ${coordinator} killed; __consumer_offsets-${offsetsPartition} led by ${leader} after ${at - killedAt} ms`);

    const survivors = client(cluster.liveBootstrap(), 'coord-test-2');
    expect(await committedTotal(survivors)).toBe(300);

    const producer2 = survivors.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer2.connect();
    await producer2.send({ topic: TOPIC, acks: -1, messages: batch(300, 30) });
    await producer2.disconnect();
    await producer.disconnect().catch(() => undefined);

    const second = await consume(survivors, 30, 90_000);
    // Exactly the new records: nothing before the committed offsets is delivered again.
    expect(second.sort()).toEqual(batch(300, 30).map((m) => m.value).sort());
    expect(await committedTotal(survivors)).toBe(330);
  }, 300_000);
});
