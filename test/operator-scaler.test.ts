// The operator's scaler (operator/src/reconcile/scaler.ts), called the way the KafkaCluster reconciler calls it:
// repeatedly, with the status it returned fed back into the KafkaCluster and the StatefulSet size it asked for
// applied, and nothing else remembered between calls.
//
// 1. Against an in-memory admin (fast): every branch — no StatefulSet, new cluster, waiting for registrations,
//    progress counts, resuming after an operator restart, a reassignment the status does not know, admin errors,
//    blocked scale-down and the skip annotation, racks.
// 2. Against a real ZooKeeper-mode cluster (test/helpers/cluster.ts, brokers 0..2 first, then 3 and 4 started
//    like new pods): scale 3 → 5 (topics and __consumer_offsets on 0..2 get balanced over 0..4 with near-minimal
//    movement and spread leaders), 5 → 3 (the size stays 5 until brokers 3 and 4 hold nothing), and an impossible
//    3 → 2 (ScaleDownBlocked; with the skip annotation it shrinks).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { AdminClient, type PartitionReassignment, type TopicDescription } from '@gregor/broker/client';
import { minimalKafkaCluster } from '../operator/src/api/samples.js';
import type { KafkaCluster } from '../operator/src/api/types.js';
import { balanceAssignment, movedReplicaCount, type Assignment } from '../operator/src/reconcile/assignment.js';
import {
  SKIP_SCALE_DOWN_CHECK_ANNOTATION,
  reconcileScale,
  type ScaleDecision,
  type ScaleInput,
} from '../operator/src/reconcile/scaler.js';
import { startBroker } from './helpers/broker.js';
import { ZK_SESSION_TIMEOUT_MS, startCluster, type TestCluster } from './helpers/cluster.js';
import { kafkajs, waitFor } from './helpers/util.js';

const log = pino({ level: process.env.GREGOR_LOG_LEVEL ?? 'warn' });
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

function kafkaCluster(annotations?: Record<string, string>): KafkaCluster {
  const c = structuredClone(minimalKafkaCluster);
  if (annotations) c.metadata.annotations = annotations;
  c.status = {};
  return c;
}

/** What the reconciler does with a decision: write the status fields back, apply the size. */
function applyDecision(cluster: KafkaCluster, d: ScaleDecision): void {
  cluster.status ??= {};
  if (d.reassignment) cluster.status.reassignment = d.reassignment;
  if (d.balancedBrokerIds) cluster.status.balancedBrokerIds = [...d.balancedBrokerIds].sort((a, b) => a - b);
}

// ------------------------------------------------------------------------------------------- in-memory admin

/** Just enough of AdminClient for the scaler, with Kafka's semantics for reassignments. */
class FakeAdmin {
  brokers: { nodeId: number; rack: string | null }[];
  readonly topics = new Map<string, number[][]>();
  readonly pending = new Map<string, { topic: string; partition: number; target: number[] }>();
  elections = 0;
  calls = 0;
  fail: Error | null = null;
  submitted: { topic: string; partition: number; replicas: number[] | null }[][] = [];

  constructor(brokerIds: number[], rack?: (id: number) => string) {
    this.brokers = brokerIds.map((nodeId) => ({ nodeId, rack: rack ? rack(nodeId) : null }));
  }

  private call(): void {
    this.calls++;
    if (this.fail) throw this.fail;
  }

  async describeCluster() {
    this.call();
    return {
      clusterId: 'fake',
      controllerId: this.brokers[0]?.nodeId ?? -1,
      brokers: [...this.brokers].sort((a, b) => a.nodeId - b.nodeId).map((b) => ({ ...b, host: 'fake', port: 9092 })),
    };
  }

  /** Finished reassignments whose old + new replicas Metadata still shows, for this many more reads (Kafka does). */
  readonly stale = new Map<string, { replicas: number[]; reads: number }>();

  async describeTopics(): Promise<Map<string, TopicDescription>> {
    this.call();
    const out = new Map<string, TopicDescription>();
    for (const [name, parts] of this.topics) {
      out.set(name, {
        name,
        topicId: null,
        isInternal: name.startsWith('__'),
        partitions: parts.map((replicas, partition) => {
          const key = `${name}-${partition}`;
          const p = this.pending.get(key);
          const st = this.stale.get(key);
          if (st && st.reads-- <= 1) this.stale.delete(key);
          // During a reassignment Kafka lists target + original replicas.
          const all = p ? [...p.target, ...replicas.filter((b) => !p.target.includes(b))] : st ? st.replicas : replicas;
          return { partition, leader: all[0]!, leaderEpoch: 0, replicas: [...all], isr: [...all], offlineReplicas: [] };
        }),
      });
    }
    return out;
  }

  async listPartitionReassignments(): Promise<PartitionReassignment[]> {
    this.call();
    return [...this.pending.values()].map((p) => {
      const orig = this.topics.get(p.topic)![p.partition]!;
      return {
        topic: p.topic,
        partition: p.partition,
        replicas: [...p.target, ...orig.filter((b) => !p.target.includes(b))],
        addingReplicas: p.target.filter((b) => !orig.includes(b)),
        removingReplicas: orig.filter((b) => !p.target.includes(b)),
      };
    });
  }

  async alterPartitionReassignments(items: { topic: string; partition: number; replicas: number[] | null }[]): Promise<void> {
    this.call();
    this.submitted.push(items);
    for (const it of items) {
      const key = `${it.topic}-${it.partition}`;
      if (it.replicas === null) this.pending.delete(key);
      else this.pending.set(key, { topic: it.topic, partition: it.partition, target: [...it.replicas] });
    }
  }

  async electPreferredLeaders() {
    this.call();
    this.elections++;
    return [];
  }

  /** Completes `n` pending reassignments (all when omitted), in order; Metadata lags for `staleReads` reads. */
  complete(n = Infinity, staleReads = 0): void {
    for (const [key, p] of [...this.pending].slice(0, n)) {
      const orig = this.topics.get(p.topic)![p.partition]!;
      if (staleReads > 0) this.stale.set(key, { replicas: [...p.target, ...orig.filter((b) => !p.target.includes(b))], reads: staleReads });
      this.topics.get(p.topic)![p.partition] = [...p.target];
      this.pending.delete(key);
    }
  }

  replicasOn(ids: number[]): number {
    return [...this.topics.values()].flat().flat().filter((b) => ids.includes(b)).length;
  }
}

function scale(cluster: KafkaCluster, admin: FakeAdmin | null, desired: number, current: number | null): Promise<ScaleDecision> {
  const input: ScaleInput = {
    cluster,
    desiredBrokers: desired,
    currentReplicas: current,
    admin: admin as unknown as ScaleInput['admin'],
    log,
    now: new Date('2026-11-26T10:00:00Z'),
    settleMs: 0,
  };
  return reconcileScale(input);
}

const roundRobin = (partitions: number, rf: number, ids: number[]): number[][] =>
  range(partitions).map((p) => range(rf).map((r) => ids[(p + r) % ids.length]!));

describe('scaler decisions (in-memory admin)', () => {
  it('no StatefulSet yet: the desired size, nothing else', async () => {
    const d = await scale(kafkaCluster(), null, 3, null);
    expect(d).toEqual({ statefulSetReplicas: 3, events: [] });
  });

  it('new cluster: waits quietly for the brokers, then records them as balanced without moving anything', async () => {
    const cluster = kafkaCluster();
    expect(await scale(cluster, null, 3, 3)).toMatchObject({ statefulSetReplicas: 3, events: [] });
    expect((await scale(cluster, null, 3, 3)).progress).toBeUndefined();
    const admin = new FakeAdmin([0, 1]);
    admin.topics.set('t', roundRobin(3, 1, [0, 1]));
    let d = await scale(cluster, admin, 3, 3);
    expect(d.progress).toBeUndefined();
    expect(d.balancedBrokerIds).toBeUndefined();
    admin.brokers.push({ nodeId: 2, rack: null });
    d = await scale(cluster, admin, 3, 3);
    expect(d).toMatchObject({ statefulSetReplicas: 3, balancedBrokerIds: [0, 1, 2], events: [] });
    expect(admin.submitted).toEqual([]);
    applyDecision(cluster, d);
    // balanced and nothing in progress: no admin traffic at all
    const calls = admin.calls;
    expect(await scale(cluster, admin, 3, 3)).toEqual({ statefulSetReplicas: 3, events: [], balancedBrokerIds: [0, 1, 2] });
    expect(admin.calls).toBe(calls);
  });

  it('scale up: grows at once, waits for registrations, reassigns, reports progress, resumes from status, completes', async () => {
    const cluster = kafkaCluster();
    cluster.status = { balancedBrokerIds: [0, 1, 2] };
    const admin = new FakeAdmin([0, 1, 2]);
    admin.topics.set('a', roundRobin(30, 3, [0, 1, 2]));
    admin.topics.set('__consumer_offsets', roundRobin(10, 3, [0, 1, 2]));

    let d = await scale(cluster, admin, 5, 3);
    expect(d).toMatchObject({
      statefulSetReplicas: 5,
      progress: { reason: 'ScalingUp', message: 'waiting for brokers 3, 4 to register' },
      requeueAfterMs: 5000,
    });
    admin.brokers.push({ nodeId: 3, rack: null });
    expect((await scale(cluster, admin, 5, 5)).progress?.message).toBe('waiting for broker 4 to register');
    admin.brokers.push({ nodeId: 4, rack: null });

    d = await scale(cluster, admin, 5, 5);
    const total = admin.pending.size;
    expect(total).toBeGreaterThan(0);
    expect(d.statefulSetReplicas).toBe(5);
    expect(d.reassignment).toEqual({
      inProgress: true,
      reason: 'ScaleUp',
      partitionsMoved: 0,
      partitionsTotal: total,
      targetBrokerIds: [0, 1, 2, 3, 4],
      startedAt: '2026-11-26T10:00:00.000Z',
    });
    expect(d.events.map((e) => e.reason)).toEqual(['ReassignmentStarted']);
    expect(d.balancedBrokerIds).toEqual([0, 1, 2]);
    // internal topics are balanced too
    expect(admin.submitted[0]!.some((i) => i.topic === '__consumer_offsets')).toBe(true);
    applyDecision(cluster, d);

    admin.complete(7);
    d = await scale(cluster, admin, 5, 5);
    expect(d.progress).toEqual({ reason: 'ScalingUp', message: `moving partitions: 7/${total} done` });
    expect(d.reassignment).toMatchObject({ inProgress: true, partitionsMoved: 7, partitionsTotal: total });
    expect(admin.submitted).toHaveLength(1); // nothing new while one runs
    applyDecision(cluster, d);

    // An operator restart changes nothing: the same status and cluster give the same decision.
    const restarted = structuredClone(cluster);
    expect(await scale(restarted, admin, 5, 5)).toEqual(d);

    admin.complete();
    d = await scale(cluster, admin, 5, 5);
    expect(d.progress).toBeUndefined();
    expect(d.balancedBrokerIds).toEqual([0, 1, 2, 3, 4]);
    expect(d.reassignment).toMatchObject({ inProgress: false, partitionsMoved: total, partitionsTotal: total });
    expect(d.events.map((e) => e.reason)).toEqual(['ReassignmentCompleted']);
    expect(admin.elections).toBe(1);
    applyDecision(cluster, d);
    for (const id of range(5)) expect(admin.replicasOn([id])).toBe(24); // 120 replicas over 5 brokers

    // Done: the next reconcile does nothing.
    const calls = admin.calls;
    expect(await scale(cluster, admin, 5, 5)).toMatchObject({ statefulSetReplicas: 5, events: [] });
    expect(admin.calls).toBe(calls);
  });

  it('a reassignment the status does not know (status lost, or started by someone else) is waited for', async () => {
    const cluster = kafkaCluster();
    cluster.status = { balancedBrokerIds: [0, 1] };
    const admin = new FakeAdmin([0, 1, 2]);
    admin.topics.set('a', roundRobin(6, 2, [0, 1]));
    // The operator submitted but died before writing status: exactly the balanced target is pending.
    const target = balanceAssignment(new Map([['a', admin.topics.get('a')!]]), [0, 1, 2].map((id) => ({ id, rack: null })));
    await admin.alterPartitionReassignments(target.get('a')!.map((replicas, partition) => ({ topic: 'a', partition, replicas })));
    const pending = admin.pending.size;
    let d = await scale(cluster, admin, 3, 3);
    expect(d.progress?.message).toBe(`waiting for ${pending} partition reassignment${pending === 1 ? '' : 's'} not started by the operator to finish`);
    expect(d.reassignment).toBeUndefined();
    admin.complete();
    d = await scale(cluster, admin, 3, 3);
    // nothing left to move: recorded as balanced, leaders elected
    expect(admin.submitted).toHaveLength(1);
    expect(d.balancedBrokerIds).toEqual([0, 1, 2]);
    expect(admin.elections).toBe(1);
  });

  it('a new target while a reassignment runs: waits for it, then reassigns for the new target', async () => {
    const cluster = kafkaCluster();
    cluster.status = { balancedBrokerIds: [0, 1] };
    const admin = new FakeAdmin([0, 1, 2, 3]);
    admin.topics.set('a', roundRobin(12, 2, [0, 1]));
    let d = await scale(cluster, admin, 4, 4);
    applyDecision(cluster, d);
    expect(d.reassignment?.targetBrokerIds).toEqual([0, 1, 2, 3]);
    // the user goes to 3 brokers meanwhile
    d = await scale(cluster, admin, 3, 4);
    expect(d.statefulSetReplicas).toBe(4);
    expect(d.progress?.message).toMatch(/^moving partitions: 0\/\d+ done$/);
    admin.complete();
    d = await scale(cluster, admin, 3, 4);
    applyDecision(cluster, d);
    expect(d.statefulSetReplicas).toBe(4);
    expect(d.reassignment).toMatchObject({ inProgress: true, reason: 'ScaleDown', targetBrokerIds: [0, 1, 2] });
    admin.complete();
    d = await scale(cluster, admin, 3, 4);
    expect(d.statefulSetReplicas).toBe(3);
    expect(admin.replicasOn([3])).toBe(0);
    expect(d.events.map((e) => e.reason)).toEqual(['ReassignmentCompleted', 'ScaleDownCompleted']);
  });

  it('scale down: keeps the size until the leaving brokers are empty, then shrinks', async () => {
    const cluster = kafkaCluster();
    cluster.status = { balancedBrokerIds: range(5) };
    const admin = new FakeAdmin(range(5));
    admin.topics.set('a', roundRobin(20, 3, range(5)));
    admin.topics.set('b', roundRobin(5, 1, range(5)));
    let d = await scale(cluster, admin, 3, 5);
    expect(d).toMatchObject({ statefulSetReplicas: 5, progress: { reason: 'ScalingDown', message: expect.stringMatching(/^moving partitions: 0\/\d+ done$/) } });
    expect(d.reassignment).toMatchObject({ inProgress: true, reason: 'ScaleDown', targetBrokerIds: [0, 1, 2] });
    expect(d.events[0]!.message).toContain('to drain brokers 3, 4');
    applyDecision(cluster, d);
    const total = d.reassignment!.partitionsTotal;
    for (let i = 0; i < 50 && admin.pending.size > 0; i++) {
      admin.complete(3);
      d = await scale(cluster, admin, 3, 5);
      applyDecision(cluster, d);
      if (admin.pending.size > 0) {
        expect(d.statefulSetReplicas).toBe(5);
        expect(d.progress?.message).toBe(`moving partitions: ${total - admin.pending.size}/${total} done`);
      }
    }
    d = await scale(cluster, admin, 3, 5);
    expect(admin.replicasOn([3, 4])).toBe(0);
    expect(d.statefulSetReplicas).toBe(3);
    expect(d.balancedBrokerIds).toEqual([0, 1, 2]);
    expect(d.events).toContainEqual({ type: 'Normal', reason: 'ScaleDownCompleted', message: 'brokers 3, 4 drained and removed' });
  });

  it('metadata that still shows old + new replicas after a reassignment is not acted on', async () => {
    const cluster = kafkaCluster();
    cluster.status = { balancedBrokerIds: range(5) };
    const admin = new FakeAdmin(range(5));
    admin.topics.set('one', [[2, 3, 4]]);
    let d = await scale(cluster, admin, 3, 5);
    applyDecision(cluster, d);
    expect(admin.pending.size).toBe(1);
    // Done for the controller, but the first Metadata read still lists 5 replicas (rf 5 > 3 brokers left): no
    // ScaleDownBlocked, no shrink, no new reassignment — wait for the metadata.
    admin.complete(Infinity, 1);
    d = await scale(cluster, admin, 3, 5);
    expect(d).toMatchObject({ statefulSetReplicas: 5, events: [], progress: { reason: 'ScalingDown', message: 'waiting for the partition metadata to settle' } });
    expect(d.warning).toBeUndefined();
    expect(admin.submitted).toHaveLength(1);
    d = await scale(cluster, admin, 3, 5);
    expect(d.statefulSetReplicas).toBe(3);
    expect(d.balancedBrokerIds).toEqual([0, 1, 2]);
    expect(admin.replicasOn([3, 4])).toBe(0);

    // Scale up: a stale union (4 replicas of an rf-3 partition) would otherwise become a reassignment to rf 4.
    const up = kafkaCluster();
    up.status = { balancedBrokerIds: [0, 1, 2] };
    const admin2 = new FakeAdmin(range(5));
    admin2.topics.set('t', roundRobin(10, 3, [0, 1, 2]));
    await admin2.alterPartitionReassignments([{ topic: 't', partition: 0, replicas: [3, 1, 2] }]); // someone else's
    admin2.complete(Infinity, 1);
    d = await scale(up, admin2, 5, 5);
    expect(d.progress?.message).toBe('waiting for the partition metadata to settle');
    expect(d.requeueAfterMs).toBe(2000);
    expect(admin2.submitted).toHaveLength(1);
    d = await scale(up, admin2, 5, 5);
    expect(d.reassignment?.inProgress).toBe(true);
    expect(admin2.submitted).toHaveLength(2);
    for (const i of admin2.submitted[1]!) expect(i.replicas).toHaveLength(3);
  });

  it('scale down blocked by a replication factor; the skip annotation shrinks at once', async () => {
    const cluster = kafkaCluster();
    cluster.status = { balancedBrokerIds: [0, 1, 2] };
    const admin = new FakeAdmin([0, 1, 2]);
    admin.topics.set('events-a', roundRobin(3, 3, [0, 1, 2]));
    admin.topics.set('events-b', roundRobin(3, 2, [0, 1, 2]));
    const d = await scale(cluster, admin, 2, 3);
    const message = 'topic events-a has replication factor 3; 2 brokers would remain';
    expect(d).toMatchObject({ statefulSetReplicas: 3, warning: { reason: 'ScaleDownBlocked', message } });
    expect(d.events).toEqual([{ type: 'Warning', reason: 'ScaleDownBlocked', message }]);
    expect(d.balancedBrokerIds).toEqual([0, 1, 2]);
    expect(admin.submitted).toEqual([]);

    const forced = kafkaCluster({ [SKIP_SCALE_DOWN_CHECK_ANNOTATION]: 'true' });
    forced.status = { balancedBrokerIds: [0, 1, 2] };
    const f = await scale(forced, null, 2, 3);
    expect(f.statefulSetReplicas).toBe(2);
    expect(f.events).toHaveLength(1);
    expect(f.events[0]).toMatchObject({ type: 'Warning', reason: 'ScaleDownCheckSkipped' });
    expect(f.events[0]!.message).toContain('broker 2 removed without');
    // afterwards (size 2): what fits is moved off broker 2; the rf-3 topic is left as it is
    admin.brokers = admin.brokers.filter((b) => b.nodeId < 2);
    const after = await scale(forced, admin, 2, 2);
    expect(after.statefulSetReplicas).toBe(2);
    expect(admin.submitted.flat().map((i) => i.topic)).not.toContain('events-a');
    expect(admin.submitted.flat().every((i) => i.replicas!.every((b) => b < 2))).toBe(true);
  });

  it('admin errors or no ready broker never shrink: the size stays, progress says why, requeue', async () => {
    const cluster = kafkaCluster();
    cluster.status = { balancedBrokerIds: range(4) };
    const admin = new FakeAdmin(range(4));
    admin.topics.set('a', roundRobin(4, 2, range(4)));
    admin.fail = new Error('connect ECONNREFUSED 10.0.0.1:9092');
    let d = await scale(cluster, admin, 2, 4);
    expect(d).toEqual({
      statefulSetReplicas: 4,
      events: [],
      progress: { reason: 'ScalingDown', message: 'waiting for the brokers: connect ECONNREFUSED 10.0.0.1:9092' },
      requeueAfterMs: 5000,
      balancedBrokerIds: [0, 1, 2, 3],
    });
    d = await scale(cluster, null, 2, 4);
    expect(d).toMatchObject({ statefulSetReplicas: 4, progress: { reason: 'ScalingDown', message: 'waiting for the brokers: no broker is ready' } });
    d = await scale(cluster, null, 6, 4);
    expect(d).toMatchObject({ statefulSetReplicas: 6, progress: { reason: 'ScalingUp' } });
  });

  it('racks from describeCluster: partitions end up on distinct racks', async () => {
    const cluster = kafkaCluster();
    cluster.status = { balancedBrokerIds: [0, 1, 2] };
    const rack = (id: number): string => `zone-${id % 3}`;
    const admin = new FakeAdmin(range(6), rack);
    // created before the rack-aware brokers joined: 0,1,2 are zones 0,1,2 already; the partitions use all three
    admin.topics.set('a', roundRobin(12, 3, [0, 1, 2]));
    const d = await scale(cluster, admin, 6, 6);
    expect(d.reassignment?.inProgress).toBe(true);
    admin.complete();
    for (const reps of admin.topics.get('a')!) expect(new Set(reps.map(rack)).size).toBe(3);
    for (const id of range(6)) expect(admin.replicasOn([id])).toBe(6);
  });
});

// ------------------------------------------------------------------------------------------------ real cluster

const TOPICS: Record<string, number[][]> = {
  'scale-a': roundRobin(12, 3, [0, 1, 2]),
  'scale-b': roundRobin(6, 2, [1, 2, 0]),
  'scale-c': roundRobin(3, 1, [2, 0, 1]),
};
const RECORDS = 300;

describe('scaler against a ZooKeeper-mode cluster', () => {
  let cluster: TestCluster;
  let admin: AdminClient;
  const kc = kafkaCluster();
  let current = 3;
  const events: ScaleDecision['events'] = [];
  const decisions: ScaleDecision[] = [];

  beforeAll(async () => {
    cluster = await startCluster({ name: 'scaler', brokerIds: [0, 1, 2], overrides: { 'offsets.topic.num.partitions': 10 } });
    admin = new AdminClient({ bootstrap: cluster.bootstrap, requestTimeoutMs: 15_000 });
  });
  afterAll(async () => {
    await admin?.close();
    await cluster?.stop();
  });

  async function assignment(): Promise<{ replicas: Assignment; leaders: Map<string, number[]>; described: Map<string, TopicDescription> }> {
    const described = await admin.describeTopics();
    const replicas: Assignment = new Map();
    const leaders = new Map<string, number[]>();
    for (const [name, t] of described) {
      replicas.set(name, t.partitions.map((p) => p.replicas));
      leaders.set(name, t.partitions.map((p) => p.leader));
    }
    return { replicas, leaders, described };
  }

  /** Reconciles like the operator until `done` (bounded); returns the last decision. */
  async function drive(desired: number, done: (d: ScaleDecision) => boolean | Promise<boolean>, onDecision?: (d: ScaleDecision) => Promise<void>): Promise<ScaleDecision> {
    const deadline = Date.now() + 60_000;
    for (let i = 0; ; i++) {
      const d = await reconcileScale({ cluster: kc, desiredBrokers: desired, currentReplicas: current, admin, log });
      decisions.push(d);
      events.push(...d.events);
      applyDecision(kc, d);
      await onDecision?.(d);
      current = d.statefulSetReplicas;
      if (await done(d)) return d;
      if (Date.now() > deadline || i > 300) throw new Error(`scaler did not finish: last decision ${JSON.stringify(d)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  it('records the initial brokers as balanced, then scales 3 → 5 with balanced placement and near-minimal movement', async () => {
    // __consumer_offsets (10 partitions, rf 3) comes from the first group coordinator lookup, placed by the
    // controller on the 3 brokers there are; the topics get explicit assignments on 0..2.
    const kafka = kafkajs(cluster.broker(0), 'scaler');
    const kadmin = kafka.admin();
    await kadmin.connect();
    try {
      for (const [name, assignments] of Object.entries(TOPICS)) await admin.createTopic({ name, assignments });
      await kadmin.setOffsets({ groupId: 'scaler-group', topic: 'scale-a', partitions: [{ partition: 0, offset: '5' }] });
    } finally {
      await kadmin.disconnect();
    }
    for (const [name, a] of Object.entries(TOPICS)) await cluster.waitForTopic(name, a.length);
    await cluster.waitForTopic('__consumer_offsets', 10);
    const producer = kafka.producer();
    await producer.connect();
    try {
      for (let i = 0; i < RECORDS; i += 50) {
        await producer.send({ topic: 'scale-a', acks: -1, messages: range(50).map((k) => ({ key: String(i + k), value: `v${i + k}` })) });
      }
    } finally {
      await producer.disconnect();
    }

    // A cluster the operator has not balanced yet: brokers 0..2 recorded without moving anything.
    let d = await drive(3, (x) => x.balancedBrokerIds !== undefined);
    expect(d).toMatchObject({ statefulSetReplicas: 3, balancedBrokerIds: [0, 1, 2] });
    const before = await assignment();
    expect([...before.replicas.values()].flat().flat().every((b) => b <= 2)).toBe(true);
    expect(before.replicas.has('__consumer_offsets')).toBe(true);

    // spec.brokers.replicas 3 → 5: the StatefulSet grows at once; the new pods' brokers are not there yet.
    d = await drive(5, () => true);
    expect(d).toMatchObject({ statefulSetReplicas: 5, progress: { reason: 'ScalingUp', message: 'waiting for brokers 3, 4 to register' } });
    // "the pods start": brokers 3 and 4 join with the cluster's settings
    for (const id of [3, 4]) {
      const b = await startBroker({
        name: `scaler-b${id}`,
        brokerId: id,
        zookeeperConnect: cluster.zk.connectString,
        overrides: {
          'zookeeper.session.timeout.ms': ZK_SESSION_TIMEOUT_MS,
          'offsets.topic.replication.factor': 3,
          'offsets.topic.num.partitions': 10,
          'replica.lag.time.max.ms': 10_000,
        },
      });
      cluster.brokers.set(id, b);
    }
    await cluster.waitForBrokers(range(5));

    const t0 = Date.now();
    const progress: string[] = [];
    d = await drive(5, (x) => x.balancedBrokerIds?.length === 5 && x.reassignment?.inProgress === false, async (x) => {
      if (x.progress) progress.push(x.progress.message);
    });
    const took = Date.now() - t0;
    expect(events.map((e) => e.reason)).toEqual(expect.arrayContaining(['ReassignmentStarted', 'ReassignmentCompleted']));
    expect(progress.some((m) => /^moving partitions: \d+\/\d+ done$/.test(m))).toBe(true);
    expect(d.reassignment).toMatchObject({ inProgress: false, reason: 'ScaleUp', targetBrokerIds: range(5) });
    expect(d.reassignment!.partitionsMoved).toBe(d.reassignment!.partitionsTotal);

    const after = await waitFor(
      async () => {
        const a = await assignment();
        // leaders are the preferred ones after the election (with full ISR)
        const settled = [...a.described.values()].every((t) => t.partitions.every((p) => p.leader === p.replicas[0] && p.isr.length === p.replicas.length));
        return settled ? a : null;
      },
      { timeoutMs: 30_000, what: 'preferred leaders with full ISR after the reassignment' },
    );
    const all = [...after.replicas.values()].flat();
    const perBroker = range(5).map((id) => all.flat().filter((b) => b === id).length);
    const leadersPerBroker = range(5).map((id) => [...after.leaders.values()].flat().filter((l) => l === id).length);
    const replicaCount = all.flat().length;
    const moved = movedReplicaCount(before.replicas, after.replicas);
    // lower bound: the new brokers must end with floor(total/5) each at least
    const minimum = 2 * Math.floor(replicaCount / 5);
    console.log(
      `[operator-scaler] 3 → 5: ${after.replicas.size} topics, ${all.length} partitions, ${replicaCount} replicas; moved ${moved} ` +
        `(minimum ${minimum}) in ${took} ms; replicas per broker ${perBroker}; leaders per broker ${leadersPerBroker}; ` +
        `${d.reassignment!.partitionsTotal} partitions reassigned`,
    );
    for (const n of perBroker) expect(n).toBeGreaterThan(0);
    expect(Math.max(...perBroker) - Math.min(...perBroker)).toBeLessThanOrEqual(1);
    expect(Math.max(...leadersPerBroker) - Math.min(...leadersPerBroker)).toBeLessThanOrEqual(1);
    expect(moved).toBeLessThanOrEqual(minimum + 2);
    // replication factors unchanged, every partition's replicas distinct
    for (const [name, parts] of after.replicas) {
      parts.forEach((r, p) => {
        expect(r.length, `${name}-${p}`).toBe(before.replicas.get(name)![p]!.length);
        expect(new Set(r).size).toBe(r.length);
      });
    }
    // the data moved with the partitions
    const offsets = await kafkajs(cluster.broker(3), 'scaler-check').admin();
    await offsets.connect();
    try {
      // (kafkajs does not retry NOT_LEADER_OR_FOLLOWER here: leaders just moved)
      const high = await waitFor(
        async () => (await offsets.fetchTopicOffsets('scale-a')).reduce((sum, p) => sum + Number(p.high), 0),
        { timeoutMs: 20_000, what: 'end offsets of scale-a' },
      );
      expect(high).toBe(RECORDS);
    } finally {
      await offsets.disconnect();
    }
    // the fixed point: nothing more to do
    const calm = await drive(5, () => true);
    expect(calm).toMatchObject({ statefulSetReplicas: 5, events: [] });
    expect(calm.progress).toBeUndefined();
  });

  it('scales 5 → 3: the StatefulSet keeps 5 until brokers 3 and 4 hold nothing, then 3', async () => {
    events.length = 0;
    const before = (await assignment()).replicas;
    const onLeaving = [...before.values()].flat().flat().filter((b) => b >= 3).length;
    const t0 = Date.now();
    const sizes: number[] = [];
    const d = await drive(3, (x) => x.statefulSetReplicas === 3, async (x) => {
      sizes.push(x.statefulSetReplicas);
      if (x.statefulSetReplicas === 3) {
        const { replicas } = await assignment();
        const left = [...replicas.values()].flat().flat().filter((b) => b >= 3).length;
        expect(left, 'replicas left on brokers 3, 4 when the scaler shrinks').toBe(0);
      }
    });
    expect(sizes.slice(0, -1).every((s) => s === 5)).toBe(true);
    expect(sizes.length).toBeGreaterThan(1);
    expect(d.balancedBrokerIds).toEqual([0, 1, 2]);
    expect(events).toContainEqual({ type: 'Normal', reason: 'ScaleDownCompleted', message: 'brokers 3, 4 drained and removed' });
    expect(decisions.some((x) => x.progress?.reason === 'ScalingDown' && /^moving partitions/.test(x.progress.message))).toBe(true);

    // "the pods go away"
    for (const id of [3, 4]) await cluster.broker(id).stop();
    cluster.brokers.delete(3);
    cluster.brokers.delete(4);
    const { replicas } = await assignment();
    const perBroker = range(3).map((id) => [...replicas.values()].flat().flat().filter((b) => b === id).length);
    const moved = movedReplicaCount(before, replicas);
    console.log(`[operator-scaler] 5 → 3: moved ${moved} replicas (${onLeaving} were on brokers 3, 4) in ${Date.now() - t0} ms; replicas per broker ${perBroker}; ${sizes.length} reconciles`);
    expect(Math.max(...perBroker) - Math.min(...perBroker)).toBeLessThanOrEqual(1);
    expect(moved).toBeLessThanOrEqual(onLeaving + 3);
  });

  it('an impossible scale-down (3 → 2 with rf 3 topics) is blocked; the skip annotation forces it', async () => {
    events.length = 0;
    const d = await drive(2, () => true);
    expect(d.statefulSetReplicas).toBe(3);
    expect(d.warning?.reason).toBe('ScaleDownBlocked');
    expect(d.warning?.message).toContain('topic scale-a has replication factor 3');
    expect(d.warning?.message).toContain('topic __consumer_offsets has replication factor 3');
    expect(d.warning?.message).toContain('2 brokers would remain');
    expect(events).toEqual([{ type: 'Warning', reason: 'ScaleDownBlocked', message: d.warning!.message }]);
    expect(kc.status?.balancedBrokerIds).toEqual([0, 1, 2]);

    kc.metadata.annotations = { [SKIP_SCALE_DOWN_CHECK_ANNOTATION]: 'true' };
    const forced = await drive(2, () => true);
    expect(forced.statefulSetReplicas).toBe(2);
    expect(forced.events.map((e) => [e.type, e.reason])).toEqual([['Warning', 'ScaleDownCheckSkipped']]);
  });
});
