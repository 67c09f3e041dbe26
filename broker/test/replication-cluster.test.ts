// Two ZooKeeper-mode ReplicaManagers in one process, each behind a real Gregor listener on its own temp
// log dir, driven by hand-made LeaderAndIsr/StopReplica requests (the test plays the controller; its
// AlterPartition answers come from an in-process fake). Produces go through the real Produce handler
// over TCP, replication through the real fetchers and Fetch handler. Fixtures: replication-fixtures.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configFromProperties } from '../src/config.js';
import { childLogger } from '../src/log.js';
import type { NetworkClient } from '../src/client/network-client.js';
import type { MetadataStore, TopicRecord } from '../src/metadata/store.js';
import { ErrorCode } from '../src/protocol/errors.js';
import type { FetchRequest, FetchResponse } from '../src/protocol/messages/01_fetch.js';
import type { ListOffsetsRequest, ListOffsetsResponse } from '../src/protocol/messages/02_list_offsets.js';
import type { ProduceRequest, ProduceResponse } from '../src/protocol/messages/00_produce.js';
import type { LeaderAndIsrRequest } from '../src/protocol/messages/04_leader_and_isr.js';
import type { StopReplicaRequest } from '../src/protocol/messages/05_stop_replica.js';
import { buildBatch } from '../src/records/builder.js';
import { readRecords } from '../src/records/record.js';
import { initCompression } from '../src/records/compression.js';
import { ReplicaManager } from '../src/replication/replica-manager.js';
import { LogManager } from '../src/storage/log-manager.js';
import { CONTROLLER_EPOCH, CONTROLLER_ID, ReplicationCluster, until, type Node } from './replication-fixtures.js';

const TOPIC = 'events';
const TOPIC_ID = 'rJlqsVbXQ_a3Xg4G7Jk1jQ';

const cluster = new ReplicationCluster({
  topic: TOPIC,
  topicId: TOPIC_ID,
  partitions: [0],
  isr: [1, 2],
  dirPrefix: 'gregor-repl',
  clusterId: 'replication-test',
  properties: { 'replica.lag.time.max.ms': '1500', 'replica.fetch.wait.max.ms': '200', 'replica.fetch.backoff.ms': '200' },
});
const startNode = (id: number): Promise<Node> => cluster.startNode(id);
const client = (): NetworkClient => cluster.client();

/**
 * The controller's side of a leadership change of partition 0: record it (a new partition epoch) and send
 * LeaderAndIsr to the given replicas. `resend` sends the current state unchanged (a replica coming back).
 */
function leaderAndIsr(targets: Node[], leader: number, leaderEpoch: number, isr: number[], resend = false): void {
  const prev = cluster.controller.state.get(`${TOPIC}-0`);
  if (resend) {
    expect(prev).toMatchObject({ leader, leaderEpoch });
    isr = prev!.isr;
  }
  const partitionEpoch = resend ? prev!.partitionEpoch : (prev?.partitionEpoch ?? -1) + 1;
  cluster.leaderAndIsr(targets, [0], { leader, leaderEpoch, isr, partitionEpoch });
}

function stopReplica(n: Node, leaderEpoch: number, deletePartition = false): number {
  const req: StopReplicaRequest = {
    controllerId: CONTROLLER_ID,
    isKRaftController: false,
    controllerEpoch: CONTROLLER_EPOCH,
    brokerEpoch: 100 + n.id,
    deletePartitions: false,
    ungroupedPartitions: [],
    topics: [],
    topicStates: [{ topicName: TOPIC, partitionStates: [{ partitionIndex: 0, leaderEpoch, deletePartition }] }],
  };
  const resp = n.replicas.stopReplicas(req, 4);
  expect(resp.errorCode).toBe(0);
  return resp.partitionErrors[0]!.errorCode;
}

function batch(values: string[], extra: { producerId?: number; producerEpoch?: number; baseSequence?: number } = {}): Buffer {
  return buildBatch({ records: values.map((v) => ({ key: null, value: Buffer.from(v) })), ...extra });
}

async function produce(c: NetworkClient, to: number, records: Buffer, acks = -1, timeoutMs = 10_000) {
  const req: ProduceRequest = { transactionalId: null, acks, timeoutMs, topicData: [{ name: TOPIC, partitionData: [{ index: 0, records }] }] };
  const resp = await c.send<ProduceResponse>(to, 0, 9, req, { timeoutMs: timeoutMs + 5000 });
  return resp.responses[0]!.partitionResponses[0]!;
}

/** `offset:value` of every record in a Fetch response's record set (several batches). */
function decodeRecords(records: unknown): string[] {
  const buf = records === null || records === undefined ? Buffer.alloc(0) : Array.isArray(records) ? Buffer.concat(records as Buffer[]) : (records as Buffer);
  const out: string[] = [];
  for (let pos = 0; pos + 12 <= buf.length; ) {
    const size = buf.readInt32BE(pos + 8) + 12;
    for (const r of readRecords(buf.subarray(pos, pos + size))) out.push(`${r.offset}:${r.value!.toString()}`);
    pos += size;
  }
  return out;
}

/** Fetch v12 of partition 0 from broker `to`; replicaId -1 (a consumer) unless given. */
async function consumerFetch(
  c: NetworkClient,
  to: number,
  fetchOffset: number,
  opts: { replicaId?: number; maxWaitMs?: number; minBytes?: number } = {},
): Promise<FetchResponse['responses'][number]['partitions'][number]> {
  const req: FetchRequest = {
    clusterId: null,
    replicaId: opts.replicaId ?? -1,
    replicaState: { replicaId: -1, replicaEpoch: -1 },
    maxWaitMs: opts.maxWaitMs ?? 0,
    minBytes: opts.minBytes ?? 0,
    maxBytes: 1 << 20,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{ topic: TOPIC, topicId: TOPIC_ID, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 1 << 20, replicaDirectoryId: 'AAAAAAAAAAAAAAAAAAAAAA' }] }],
    forgottenTopicsData: [],
    rackId: '',
  };
  const resp = await c.send<FetchResponse>(to, 1, 12, req, { timeoutMs: (opts.maxWaitMs ?? 0) + 10_000 });
  expect(resp.errorCode).toBe(0);
  return resp.responses[0]!.partitions[0]!;
}

/** ListOffsets v7 latest (-1) of partition 0 on broker `to`, as `replicaId` asks it (-1: a consumer). */
async function latestOffset(c: NetworkClient, to: number, replicaId: number): Promise<number> {
  const req: ListOffsetsRequest = {
    replicaId,
    isolationLevel: 0,
    topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1, maxNumOffsets: 1 }] }],
    timeoutMs: 0,
  };
  const resp = await c.send<ListOffsetsResponse>(to, 2, 7, req);
  const p = resp.topics[0]!.partitions[0]!;
  expect(p.errorCode).toBe(0);
  return p.offset;
}

function values(n: Node): string[] {
  const log = n.replicas.partition(TOPIC, 0)!.log;
  const out: string[] = [];
  if (log.logEndOffset === log.logStartOffset) return out;
  const { records } = log.read(log.logStartOffset, 1 << 24, { maxOffset: log.logEndOffset, minOneMessage: true });
  for (const chunk of records) {
    for (let pos = 0; pos < chunk.length; ) {
      const size = chunk.readInt32BE(pos + 8) + 12;
      for (const r of readRecords(chunk.subarray(pos, pos + size))) out.push(`${r.offset}:${r.value!.toString()}`);
      pos += size;
    }
  }
  return out;
}

afterEach(() => cluster.close());

describe('single-node mode', () => {
  it('leads every local partition from the metadata store, HW = LEO, and ignores controller requests', async () => {
    await initCompression();
    const dir = mkdtempSync(join(tmpdir(), 'gregor-single-'));
    const config = configFromProperties({ 'broker.id': '0', 'log.dirs': dir, 'gregor.metrics.port': '-1' });
    const topic: TopicRecord = {
      name: TOPIC,
      topicId: TOPIC_ID,
      partitions: [0, 1].map((p) => ({ partition: p, replicas: [0], leader: 0, leaderEpoch: 0, isr: [0], partitionEpoch: 0 })),
      configs: {},
      internal: false,
    };
    const listeners: ((e: { type: string; topic: string }) => void)[] = [];
    const metadata = {
      topic: (n: string) => (n === TOPIC ? topic : undefined),
      topics: () => [topic],
      on: (l: (e: { type: string; topic: string }) => void) => listeners.push(l),
    } as unknown as MetadataStore;
    const logs = new LogManager([dir], { brokerId: 0, clusterId: 'single', defaultConfig: config.defaultLogConfig(), retentionCheckIntervalMs: 0 });
    await logs.startup();
    const replicas = new ReplicaManager(config, metadata, logs, childLogger('replicas'));
    const events: unknown[] = [];
    replicas.onLeadershipChange((...e) => events.push(e));
    replicas.startup();
    try {
      expect(events).toEqual([[TOPIC, 0, true, 0], [TOPIC, 1, true, 0]]);
      const p = replicas.leaderPartition(TOPIC, 1);
      const r = replicas.appendAsLeader(p, batch(['a', 'b']));
      expect(r).toMatchObject({ baseOffset: 0, lastOffset: 1 });
      expect(p.log.highWatermark).toBe(2);
      expect(await replicas.waitForReplication(p, 2, 1000)).toBe(ErrorCode.NONE);
      expect(() => replicas.leaderPartition(TOPIC, 2)).toThrow(/unknown topic-partition/);
      expect(replicas.partitionCounts()).toEqual({ partitions: 2, leaders: 2, underReplicated: 0, offline: 0 });
      // A partition added later is opened and announced.
      topic.partitions.push({ partition: 2, replicas: [0], leader: 0, leaderEpoch: 0, isr: [0], partitionEpoch: 0 });
      for (const l of listeners) l({ type: 'partitionsAdded', topic: TOPIC });
      expect(events.at(-1)).toEqual([TOPIC, 2, true, 0]);
      const resp = replicas.becomeLeaderOrFollower(
        { controllerId: 1, isKRaftController: false, controllerEpoch: 1, brokerEpoch: -1, type: 0, ungroupedPartitionStates: [], topicStates: [], liveLeaders: [] },
        7,
      );
      expect(resp.errorCode).toBe(ErrorCode.INVALID_REQUEST);
    } finally {
      await replicas.shutdown();
      await logs.shutdown();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('replication between two ReplicaManagers', () => {
  it('a follower replicates, the HW advances, acks=all waits for the follower', async () => {
    cluster.newController();
    const [n1, n2] = [await startNode(1), await startNode(2)];
    leaderAndIsr([n1, n2], 1, 0, [1, 2]);
    expect(n1.events).toEqual([[TOPIC, 0, true, 0]]);
    expect(n2.events).toEqual([[TOPIC, 0, false, 0]]);
    const p1 = n1.replicas.partition(TOPIC, 0)!;
    const p2 = n2.replicas.partition(TOPIC, 0)!;
    expect(p1.isLeader).toBe(true);
    expect(p2.isLeader).toBe(false);
    await until(() => n2.replicas.fetchState(TOPIC, 0)?.phase === 'fetching', 'follower to start fetching');

    const c = client();
    const r1 = await produce(c, 1, batch(['a', 'b']));
    expect(r1.errorCode).toBe(0);
    expect(r1.baseOffset).toBe(0);
    // acks=all answered: the follower has both records and the leader's HW covers them.
    expect(p2.log.logEndOffset).toBe(2);
    expect(p1.log.highWatermark).toBe(2);
    const r2 = await produce(c, 1, batch(['c']));
    expect(r2.baseOffset).toBe(2);
    expect(p1.log.highWatermark).toBe(3);
    await until(() => p2.log.highWatermark === 3, 'follower HW');
    expect(values(n2)).toEqual(['0:a', '1:b', '2:c']);
    // Offsets and leader epochs are the leader's.
    expect(p2.log.endOffsetForEpoch(0)).toEqual({ epoch: 0, endOffset: 3 });

    // The follower cannot be produced to.
    expect((await produce(c, 2, batch(['x']))).errorCode).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER);
  });

  it('acks=all times out without the follower; the ISR shrinks and expands through AlterPartition', async () => {
    cluster.newController();
    const [n1, n2] = [await startNode(1), await startNode(2)];
    leaderAndIsr([n1, n2], 1, 0, [1, 2]);
    const p1 = n1.replicas.partition(TOPIC, 0)!;
    const c = client();
    expect((await produce(c, 1, batch(['a']))).errorCode).toBe(0);

    // The follower stops fetching (as after a controlled shutdown).
    expect(stopReplica(n2, 0)).toBe(0);
    expect(n2.events.at(-1)).toEqual([TOPIC, 0, false, 0]);
    const slow = await produce(c, 1, batch(['b']), -1, 300);
    expect(slow.errorCode).toBe(ErrorCode.REQUEST_TIMED_OUT);
    // acks=1 does not wait.
    expect((await produce(c, 1, batch(['c']), 1)).errorCode).toBe(0);
    expect(p1.log.highWatermark).toBe(1);

    // After replica.lag.time.max.ms the leader asks the controller to drop broker 2.
    await until(() => p1.isr.length === 1, 'ISR shrink', 5000);
    expect(p1.isr).toEqual([1]);
    expect(cluster.controller.alterRequests[0]!.brokerId).toBe(1);
    expect(cluster.controller.alterRequests[0]!.topics[0]!.partitions[0]!.newIsrWithEpochs.map((b) => b.brokerId)).toEqual([1]);
    expect(p1.partitionEpoch).toBe(1);
    // Alone in the ISR the leader's HW is its LEO.
    expect(p1.log.highWatermark).toBe(3);
    expect(n1.replicas.partitionCounts()).toMatchObject({ leaders: 1, underReplicated: 1 });
    expect((await produce(c, 1, batch(['d']))).errorCode).toBe(0);

    // min.insync.replicas=2 with an ISR of one: rejected before the append.
    p1.log.updateConfig({ ...p1.log.config, minInsyncReplicas: 2 });
    const leo = p1.log.logEndOffset;
    expect((await produce(c, 1, batch(['e']))).errorCode).toBe(ErrorCode.NOT_ENOUGH_REPLICAS);
    expect(p1.log.logEndOffset).toBe(leo);

    // The follower comes back (same epoch, as the controller would re-send it) and catches up: ISR grows.
    leaderAndIsr([n2], 1, 0, [1], true);
    await until(() => p1.isr.length === 2, 'ISR expand', 5000);
    expect([...p1.isr].sort()).toEqual([1, 2]);
    expect(n1.replicas.partitionCounts().underReplicated).toBe(0);
    expect((await produce(c, 1, batch(['f']))).errorCode).toBe(0);
    expect(values(n2).map((v) => v.split(':')[1])).toEqual(['a', 'b', 'c', 'd', 'f']);
  });

  it('a deposed leader truncates its divergent tail and follows the new leader', async () => {
    cluster.newController();
    const [n1, n2] = [await startNode(1), await startNode(2)];
    leaderAndIsr([n1, n2], 1, 1, [1, 2]);
    const c = client();
    // Idempotent producer 7000: its sequence state must survive the leader change.
    const idem = { producerId: 7000, producerEpoch: 0 };
    expect((await produce(c, 1, batch(['a', 'b'], { ...idem, baseSequence: 0 }))).baseOffset).toBe(0);
    expect((await produce(c, 1, batch(['c'], { ...idem, baseSequence: 2 }))).baseOffset).toBe(2);

    // Broker 2 stops following; broker 1 keeps writing with acks=1 (the unreplicated, divergent tail).
    stopReplica(n2, 1);
    await produce(c, 1, batch(['x1']), 1);
    await produce(c, 1, batch(['x2', 'x3']), 1);
    expect(n1.replicas.partition(TOPIC, 0)!.log.logEndOffset).toBe(6);

    // Broker 2 becomes leader with epoch 2 (unclean from broker 1's point of view) and takes writes.
    leaderAndIsr([n2], 2, 2, [2]);
    expect(n2.events.at(-1)).toEqual([TOPIC, 0, true, 2]);
    // The retried idempotent batch is recognized on the new leader: same offsets, nothing appended.
    const dup = await produce(c, 2, batch(['c'], { ...idem, baseSequence: 2 }));
    expect(dup.errorCode).toBe(0);
    expect(dup.baseOffset).toBe(2);
    expect((await produce(c, 2, batch(['y1', 'y2']), 1)).baseOffset).toBe(3);

    // Broker 1 learns it follows broker 2: OffsetForLeaderEpoch says epoch 1 ended at 3, so x1..x3 go.
    leaderAndIsr([n1], 2, 2, [2], true);
    expect(n1.events.at(-1)).toEqual([TOPIC, 0, false, 2]);
    const p1 = n1.replicas.partition(TOPIC, 0)!;
    await until(() => p1.log.logEndOffset === 5 && values(n1).length === 5, 'truncation and catch-up');
    expect(values(n1)).toEqual(['0:a', '1:b', '2:c', '3:y1', '4:y2']);
    expect(values(n1)).toEqual(values(n2));
    expect(p1.log.endOffsetForEpoch(1)).toEqual({ epoch: 1, endOffset: 3 });
    // Broker 2's ISR grows back to both once broker 1 has caught up.
    const p2 = n2.replicas.partition(TOPIC, 0)!;
    await until(() => p2.isr.length === 2, 'ISR expand on the new leader', 5000);
    expect(p2.log.highWatermark).toBe(5);
  });

  it('a follower behind the leader log start restarts its log there (OFFSET_OUT_OF_RANGE)', async () => {
    cluster.newController();
    const [n1, n2] = [await startNode(1), await startNode(2)];
    leaderAndIsr([n1], 1, 0, [1]);
    const c = client();
    for (const v of ['a', 'b', 'c', 'd', 'e']) await produce(c, 1, batch([v]));
    const p1 = n1.replicas.partition(TOPIC, 0)!;
    p1.log.deleteRecordsBefore(3);
    expect(p1.log.logStartOffset).toBe(3);

    // Broker 2 joins with an empty log: fetching from 0 is out of range, the leader starts at 3.
    leaderAndIsr([n2], 1, 0, [1], true);
    const p2 = n2.replicas.partition(TOPIC, 0)!;
    await until(() => p2.log.logEndOffset === 5, 'follower to catch up from the leader log start');
    expect(p2.log.logStartOffset).toBe(3);
    expect(values(n2)).toEqual(['3:d', '4:e']);
    await until(() => p1.isr.length === 2, 'ISR expand');
  });

  it('Fetch answers a diverging follower with divergingEpoch and rejects stale epochs', async () => {
    cluster.newController();
    const [n1, n2] = [await startNode(1), await startNode(2)];
    leaderAndIsr([n1, n2], 1, 0, [1, 2]);
    const c = client();
    await produce(c, 1, batch(['a', 'b']));
    leaderAndIsr([n1, n2], 1, 3, [1, 2]);
    await produce(c, 1, batch(['c']));

    const fetch = (fields: Partial<FetchRequest['topics'][number]['partitions'][number]>) => {
      const req: FetchRequest = {
        clusterId: null,
        replicaId: 2,
        replicaState: { replicaId: -1, replicaEpoch: -1 },
        maxWaitMs: 0,
        minBytes: 0,
        maxBytes: 1 << 20,
        isolationLevel: 0,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [{ topic: TOPIC, topicId: TOPIC_ID, partitions: [{ partition: 0, currentLeaderEpoch: 3, fetchOffset: 0, lastFetchedEpoch: -1, logStartOffset: 0, partitionMaxBytes: 1 << 20, replicaDirectoryId: 'AAAAAAAAAAAAAAAAAAAAAA', ...fields }] }],
        forgottenTopicsData: [],
        rackId: '',
      };
      return c.send<FetchResponse>(1, 1, 12, req).then((r) => r.responses[0]!.partitions[0]!);
    };
    // A follower that believes epoch 0 went on to offset 4: it really ended at 2.
    const d = await fetch({ fetchOffset: 4, lastFetchedEpoch: 0 });
    expect(d.errorCode).toBe(0);
    expect(d.divergingEpoch).toEqual({ epoch: 0, endOffset: 2 });
    expect((d.records as Buffer).length).toBe(0);
    // An old epoch is fenced; a future one unknown.
    expect((await fetch({ currentLeaderEpoch: 0 })).errorCode).toBe(ErrorCode.FENCED_LEADER_EPOCH);
    expect((await fetch({ currentLeaderEpoch: 4 })).errorCode).toBe(ErrorCode.UNKNOWN_LEADER_EPOCH);
    // A follower sees data beyond the HW; a consumer does not.
    stopReplica(n2, 3);
    await produce(c, 1, batch(['d']), 1);
    const asFollower = await fetch({ fetchOffset: 3, lastFetchedEpoch: 3 });
    expect((asFollower.records as Buffer).length).toBeGreaterThan(0);
    expect(asFollower.highWatermark).toBe(3);
    const asConsumer = await consumerFetch(c, 1, 3);
    expect(asConsumer.errorCode).toBe(0);
    expect(asConsumer.highWatermark).toBe(3);
    expect(decodeRecords(asConsumer.records)).toEqual([]);
  });

  it('consumers never see records above the HW: Fetch and ListOffsets stop there while the log end is ahead', async () => {
    cluster.newController();
    const [n1, n2] = [await startNode(1), await startNode(2)];
    leaderAndIsr([n1, n2], 1, 0, [1, 2]);
    const p1 = n1.replicas.partition(TOPIC, 0)!;
    const c = client();
    expect((await produce(c, 1, batch(['a', 'b']))).errorCode).toBe(0);
    expect(p1.log.highWatermark).toBe(2);

    // The follower stalls but stays in the ISR (the controller refuses the shrink), so the HW stays at 2
    // while acks=1 writes move the leader's log end to 4.
    cluster.controller.rejectWith = ErrorCode.OPERATION_NOT_ATTEMPTED;
    expect(stopReplica(n2, 0)).toBe(0);
    expect((await produce(c, 1, batch(['c']), 1)).errorCode).toBe(0);
    expect((await produce(c, 1, batch(['d']), 1)).errorCode).toBe(0);
    expect(p1.log.logEndOffset).toBe(4);
    expect(p1.log.highWatermark).toBe(2);

    // A consumer (replicaId -1) reading from 0 gets a and b only, and nothing at the HW.
    const fromStart = await consumerFetch(c, 1, 0);
    expect(fromStart.errorCode).toBe(0);
    expect(fromStart.highWatermark).toBe(2);
    expect(fromStart.lastStableOffset).toBe(2);
    expect(decodeRecords(fromStart.records)).toEqual(['0:a', '1:b']);
    const atHw = await consumerFetch(c, 1, 2);
    expect(atHw.errorCode).toBe(0);
    expect(decodeRecords(atHw.records)).toEqual([]);
    // The same offset fetched by a replica (broker 2) gets what lies above the HW.
    const asReplica = await consumerFetch(c, 1, 2, { replicaId: 2 });
    expect(asReplica.errorCode).toBe(0);
    expect(asReplica.highWatermark).toBe(2);
    expect(decodeRecords(asReplica.records)).toEqual(['2:c', '3:d']);

    // ListOffsets latest: the HW for a consumer, the log end for a replica (as Kafka's fetchOffsetForTimestamp).
    expect(await latestOffset(c, 1, -1)).toBe(2);
    expect(await latestOffset(c, 1, 2)).toBe(4);
    expect(p1.log.highWatermark).toBe(2);

    // A consumer long-polling at the HW is answered once the follower catches up and the HW moves to 4.
    const waiting = consumerFetch(c, 1, 2, { maxWaitMs: 10_000, minBytes: 1 });
    cluster.controller.rejectWith = null;
    leaderAndIsr([n2], 1, 0, [1, 2], true);
    const woken = await waiting;
    expect(woken.errorCode).toBe(0);
    expect(woken.highWatermark).toBe(4);
    expect(decodeRecords(woken.records)).toEqual(['2:c', '3:d']);
    expect(await latestOffset(c, 1, -1)).toBe(4);
  });

  it('acks=all: an ISR shrink below min.insync.replicas after the append answers NOT_ENOUGH_REPLICAS_AFTER_APPEND', async () => {
    cluster.newController();
    const [n1, n2] = [await startNode(1), await startNode(2)];
    leaderAndIsr([n1, n2], 1, 0, [1, 2]);
    n1.setTopicConfigs({ 'min.insync.replicas': '2' });
    const p1 = n1.replicas.partition(TOPIC, 0)!;
    expect(p1.log.config.minInsyncReplicas).toBe(2);
    const c = client();
    await until(() => n2.replicas.fetchState(TOPIC, 0)?.phase === 'fetching', 'follower to start fetching');
    expect((await produce(c, 1, batch(['a']))).errorCode).toBe(0);

    // The follower stops fetching. The next acks=all produce passes the min.insync.replicas check (ISR [1, 2]),
    // is appended to the leader's log and waits for broker 2.
    expect(stopReplica(n2, 0)).toBe(0);
    const pending = produce(c, 1, batch(['b']), -1, 15_000);
    let answered = false;
    void pending.then(() => (answered = true));
    await until(() => p1.log.logEndOffset === 2, 'the append on the leader');
    expect(p1.log.highWatermark).toBe(1);
    expect(answered).toBe(false);

    // After replica.lag.time.max.ms the leader drops broker 2 from the ISR; the HW reaches the record, but the
    // ISR is now below min.insync.replicas: Kafka's checkEnoughReplicasReachOffset answers error 20.
    const t0 = Date.now();
    const r = await pending;
    expect(r.errorCode).toBe(ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND);
    expect(r.errorCode).toBe(20);
    expect(Date.now() - t0).toBeLessThan(12_000);
    expect(p1.isr).toEqual([1]);
    expect(cluster.controller.state.get(`${TOPIC}-0`)!.isr).toEqual([1]);
    // The record stays in the log (it was appended) and is visible below the HW.
    expect(p1.log.logEndOffset).toBe(2);
    expect(p1.log.highWatermark).toBe(2);
    expect(values(n1)).toEqual(['0:a', '1:b']);

    // With the ISR already too small the next produce is refused before the append.
    expect((await produce(c, 1, batch(['c']))).errorCode).toBe(ErrorCode.NOT_ENOUGH_REPLICAS);
    expect(p1.log.logEndOffset).toBe(2);
  });

  it('LeaderAndIsr and StopReplica epoch checks; deletePartition removes the log', async () => {
    cluster.newController();
    const [n1, n2] = [await startNode(1), await startNode(2)];
    leaderAndIsr([n1, n2], 1, 5, [1, 2]);
    // An older leader epoch is ignored with STALE_CONTROLLER_EPOCH, as Kafka answers.
    const stale: LeaderAndIsrRequest = {
      controllerId: CONTROLLER_ID, isKRaftController: false, controllerEpoch: CONTROLLER_EPOCH, brokerEpoch: 101, type: 0, ungroupedPartitionStates: [],
      topicStates: [{ topicName: TOPIC, topicId: TOPIC_ID, partitionStates: [
        { topicName: TOPIC, partitionIndex: 0, controllerEpoch: CONTROLLER_EPOCH, leader: 2, leaderEpoch: 4, isr: [2], partitionEpoch: 9, replicas: [1, 2], addingReplicas: [], removingReplicas: [], isNew: false, leaderRecoveryState: 0 },
      ] }],
      liveLeaders: [],
    };
    expect(n1.replicas.becomeLeaderOrFollower(stale, 7).topics[0]!.partitionErrors[0]!.errorCode).toBe(ErrorCode.STALE_CONTROLLER_EPOCH);
    expect(n1.replicas.partition(TOPIC, 0)!.isLeader).toBe(true);
    // A stale controller epoch rejects the whole request; a stale broker epoch too.
    expect(n1.replicas.becomeLeaderOrFollower({ ...stale, controllerEpoch: CONTROLLER_EPOCH - 1 }, 7).errorCode).toBe(ErrorCode.STALE_CONTROLLER_EPOCH);
    expect(n1.replicas.becomeLeaderOrFollower({ ...stale, brokerEpoch: 50 }, 7).errorCode).toBe(ErrorCode.STALE_BROKER_EPOCH);
    // Not a replica here: UNKNOWN_TOPIC_OR_PARTITION.
    const other = structuredClone(stale);
    other.topicStates[0]!.partitionStates[0]!.replicas = [2, 3];
    other.topicStates[0]!.partitionStates[0]!.leaderEpoch = 6;
    expect(n1.replicas.becomeLeaderOrFollower(other, 7).topics[0]!.partitionErrors[0]!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);

    // StopReplica with an older leader epoch is fenced; with deletion the log disappears.
    expect(stopReplica(n2, 4, true)).toBe(ErrorCode.FENCED_LEADER_EPOCH);
    expect(n2.replicas.partition(TOPIC, 0)).toBeDefined();
    expect(stopReplica(n2, -2, true)).toBe(0);
    expect(n2.replicas.partition(TOPIC, 0)).toBeUndefined();
    expect(n2.logs.getLog(TOPIC, 0)).toBeUndefined();
    expect(n2.replicas.fetchState(TOPIC, 0)).toBeUndefined();
  });
});
