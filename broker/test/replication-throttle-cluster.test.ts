// KIP-73 replication throttling between two ZooKeeper-mode ReplicaManagers on real sockets (fixtures in
// replication-fixtures.ts, shared with replication-cluster.test.ts: the test plays the controller;
// AlterPartition answers come from an in-process fake). A follower outside the ISR catches up on ~4 MB per
// partition while one partition is throttled at 1 MB/s through a dynamic broker config, on the leader side
// or on the follower side.
//
// Timing assertions are lower bounds only, derived from the quota's algebra: data of a throttled partition
// moves only while the measured rate is within the bound, so S bytes need at least (S - one chunk) / rate
// seconds after the first check. Slowness can only make the run longer, never fail it.
import { afterEach, describe, expect, it } from 'vitest';
import { buildBatch } from '../src/records/builder.js';
import { ReplicationCluster, until as untilFixture, type Node } from './replication-fixtures.js';

const TOPIC = 'moving';
const TOPIC_ID = 'Xq2pVfYpQ8C3rTt0y1u9zA';
const MB = 1 << 20;
const RATE = MB; // 1 MB/s
const CHUNK = 256 * 1024; // replica.fetch.max.bytes: the most one partition moves per fetch
const PARTITIONS = [0, 1];

const cluster = new ReplicationCluster({
  topic: TOPIC,
  topicId: TOPIC_ID,
  partitions: PARTITIONS,
  isr: [1],
  dirPrefix: 'gregor-throttle',
  clusterId: 'throttle-test',
  properties: {
    'replica.lag.time.max.ms': '30000',
    'replica.fetch.wait.max.ms': '200',
    'replica.fetch.backoff.ms': '100',
    'replica.fetch.max.bytes': String(CHUNK),
  },
});

/** LeaderAndIsr for every partition: leader 1, replicas [1, 2], the given ISR. */
function leaderAndIsr(target: Node, isr: number[]): void {
  cluster.leaderAndIsr([target], PARTITIONS, { leader: 1, leaderEpoch: 0, isr, partitionEpoch: 0 });
}

/** ~4 MB per partition on the leader: 64 batches of 4 × 16 KB records. Returns the log size in bytes. */
function fill(leader: Node): Map<number, number> {
  const value = Buffer.alloc(16 * 1024, 'x');
  const sizes = new Map<number, number>();
  for (const idx of PARTITIONS) {
    const p = leader.replicas.leaderPartition(TOPIC, idx);
    let bytes = 0;
    for (let i = 0; i < 64; i++) {
      const b = buildBatch({ records: Array.from({ length: 4 }, () => ({ key: null, value })) });
      leader.replicas.appendAsLeader(p, b);
      bytes += b.length;
    }
    sizes.set(idx, bytes);
  }
  return sizes;
}

function leo(n: Node, idx: number): number {
  return n.replicas.partition(TOPIC, idx)?.log.logEndOffset ?? -1;
}

function until(cond: () => boolean, what: string): Promise<void> {
  return untilFixture(cond, what, 30_000, 10);
}

/** Starts leader 1 (ISR [1]) with ~4 MB per partition, and follower 2 not yet following. */
async function setup(): Promise<{ n1: Node; n2: Node; sizes: Map<number, number>; end: number }> {
  cluster.newController();
  const n1 = await cluster.startNode(1);
  const n2 = await cluster.startNode(2);
  leaderAndIsr(n1, [1]);
  const sizes = fill(n1);
  const end = leo(n1, 0);
  expect(end).toBe(256);
  expect(leo(n1, 1)).toBe(256);
  return { n1, n2, sizes, end };
}

afterEach(() => cluster.close());

describe('replication throttling (KIP-73)', () => {
  it('leader side: a throttled partition moves at the leader rate, the other one unhindered', async () => {
    const { n1, n2, sizes, end } = await setup();
    // kafka-reassign-partitions --throttle: the rate as a dynamic broker config on the leader, the moving
    // partition's leader replica (0 on broker 1) in the topic's leader list. Broker 2 gets a follower list
    // naming broker 1 only, which must not throttle it.
    n1.config.applyDynamic({}, { 'leader.replication.throttled.rate': String(RATE) });
    n1.setTopicConfigs({ 'leader.replication.throttled.replicas': '0:1', 'follower.replication.throttled.replicas': '0:1' });
    n2.setTopicConfigs({ 'leader.replication.throttled.replicas': '0:1', 'follower.replication.throttled.replicas': '0:1' });
    expect(n1.replicas.leaderQuota.upperBound()).toBe(RATE);

    const start = Date.now();
    leaderAndIsr(n2, [1]);
    let partition1DoneWhile0At = -1;
    await until(() => {
      if (partition1DoneWhile0At < 0 && leo(n2, 1) === end) partition1DoneWhile0At = leo(n2, 0);
      return leo(n2, 0) === end && leo(n2, 1) === end;
    }, 'the follower to catch up');
    const elapsedMs = Date.now() - start;

    const total = sizes.get(0)!;
    expect(total).toBeGreaterThan(4 * MB);
    // The quota saw exactly the throttled partition's bytes (a retried fetch could add a chunk).
    const recorded = n1.replicas.leaderQuota.recordedBytes();
    expect(recorded).toBeGreaterThanOrEqual(total);
    expect(recorded).toBeLessThanOrEqual(total + CHUNK);
    // Held back while the rate was above the bound; the unthrottled partition never was.
    expect(n1.replicas.leaderQuota.heldBackRounds(TOPIC, 0)).toBeGreaterThan(0);
    expect(n1.replicas.leaderQuota.heldBackRounds(TOPIC, 1)).toBe(0);
    expect(n2.replicas.followerQuota.heldBackRounds(TOPIC, 0)).toBe(0);
    expect(n2.replicas.followerQuota.recordedBytes()).toBe(0);
    // Bytes per window: serving needs rate ≤ bound first, so everything but the last chunk took ≥ S/rate
    // after the first check (one more chunk of slack for rounding).
    expect(elapsedMs).toBeGreaterThanOrEqual(((total - 2 * CHUNK) / RATE) * 1000);
    expect(n1.replicas.leaderQuota.byteRate()).toBeLessThanOrEqual(RATE + CHUNK);
    // The unthrottled partition finished first (it needs no more than a handful of fetches).
    expect(partition1DoneWhile0At).toBeLessThan(end);

    // Caught up, the follower joins the ISR; in-sync followers are never held back by the leader.
    await until(() => n1.replicas.leaderPartition(TOPIC, 0).isr.includes(2), 'ISR expansion');
    const p0 = n1.replicas.leaderPartition(TOPIC, 0);
    n1.replicas.leaderQuota.record(100 * MB);
    expect(n1.replicas.leaderQuota.isQuotaExceeded()).toBe(true);
    expect(n1.replicas.shouldLeaderThrottle(p0, 2)).toBe(false);
    expect(n1.replicas.shouldLeaderThrottle(p0, 3)).toBe(true); // a replica outside the ISR would be
    expect(n1.replicas.shouldLeaderThrottle(n1.replicas.leaderPartition(TOPIC, 1), 3)).toBe(false); // not listed
    // Rates are read live: dropping the dynamic config lifts the throttle at once.
    n1.config.applyDynamic({}, {});
    expect(n1.replicas.leaderQuota.isQuotaExceeded()).toBe(false);
    expect(n1.replicas.shouldLeaderThrottle(p0, 3)).toBe(false);
  }, 60_000);

  it('follower side: the fetcher leaves a throttled partition out while its quota is exceeded', async () => {
    const { n1, n2, sizes, end } = await setup();
    // The cluster-wide default (kafka-configs --entity-default) applies as well as a per-broker value.
    n2.config.applyDynamic({ 'follower.replication.throttled.rate': String(RATE) }, {});
    n1.setTopicConfigs({ 'follower.replication.throttled.replicas': '0:2' });
    n2.setTopicConfigs({ 'follower.replication.throttled.replicas': '0:2' });
    expect(n2.replicas.followerQuota.upperBound()).toBe(RATE);

    const start = Date.now();
    leaderAndIsr(n2, [1]);
    let partition1DoneWhile0At = -1;
    await until(() => {
      if (partition1DoneWhile0At < 0 && leo(n2, 1) === end) partition1DoneWhile0At = leo(n2, 0);
      return leo(n2, 0) === end && leo(n2, 1) === end;
    }, 'the follower to catch up');
    const elapsedMs = Date.now() - start;

    const total = sizes.get(0)!;
    const recorded = n2.replicas.followerQuota.recordedBytes();
    expect(recorded).toBeGreaterThanOrEqual(total);
    expect(recorded).toBeLessThanOrEqual(total + CHUNK);
    expect(n2.replicas.followerQuota.heldBackRounds(TOPIC, 0)).toBeGreaterThan(0);
    expect(n2.replicas.followerQuota.heldBackRounds(TOPIC, 1)).toBe(0);
    // Leader side untouched: no leader rate, no leader list.
    expect(n1.replicas.leaderQuota.recordedBytes()).toBe(0);
    expect(n1.replicas.leaderQuota.heldBackRounds(TOPIC, 0)).toBe(0);
    expect(elapsedMs).toBeGreaterThanOrEqual(((total - 2 * CHUNK) / RATE) * 1000);
    expect(n2.replicas.followerQuota.byteRate()).toBeLessThanOrEqual(RATE + CHUNK);
    expect(partition1DoneWhile0At).toBeLessThan(end);
  }, 60_000);

  it('without a rate, listed replicas replicate unthrottled', async () => {
    const { n1, n2, end } = await setup();
    n1.setTopicConfigs({ 'leader.replication.throttled.replicas': '*', 'follower.replication.throttled.replicas': '*' });
    n2.setTopicConfigs({ 'leader.replication.throttled.replicas': '*', 'follower.replication.throttled.replicas': '*' });
    leaderAndIsr(n2, [1]);
    await until(() => leo(n2, 0) === end && leo(n2, 1) === end, 'the follower to catch up');
    for (const idx of PARTITIONS) {
      expect(n1.replicas.leaderQuota.heldBackRounds(TOPIC, idx)).toBe(0);
      expect(n2.replicas.followerQuota.heldBackRounds(TOPIC, idx)).toBe(0);
    }
    // Still measured (Kafka records throttled traffic whatever the bound).
    expect(n1.replicas.leaderQuota.recordedBytes()).toBeGreaterThan(8 * MB);
    expect(n2.replicas.followerQuota.recordedBytes()).toBeGreaterThan(8 * MB);
  }, 60_000);
});
