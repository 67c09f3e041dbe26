// Partition ownership of the group coordinator: a group is served by the leader of its __consumer_offsets
// partition only (onElection loads it, onResignation drops it), and FindCoordinator points at that leader.
import { describe, expect, it } from 'vitest';
import { ErrorCode, KafkaError } from '../src/protocol/errors.js';
import { ManualClock } from '../src/coordinator/clock.js';
import { GroupCoordinator, type GroupCoordinatorOptions } from '../src/coordinator/group-coordinator.js';
import { offsetsPartitionFor } from '../src/coordinator/partitioning.js';
import { handleFindCoordinator } from '../src/handlers/10_find_coordinator.js';
import type { RequestContext } from '../src/handlers/context.js';
import type { BrokerInfo, TopicRecord } from '../src/metadata/store.js';
import { MemoryStore, flush, gate, joinParams, track } from './coordinator-fixtures.js';

const PARTITIONS = 4;

/** A group id hashing to `partition` (of PARTITIONS). */
function groupIn(partition: number, prefix = 'group-'): string {
  for (let i = 0; ; i++) {
    const id = `${prefix}${i}`;
    if (offsetsPartitionFor(id, PARTITIONS) === partition) return id;
  }
}

const G0 = groupIn(0);
const G1 = groupIn(1);

/** A coordinator that owns nothing until told (no load()). */
function coordinator(opts: Partial<GroupCoordinatorOptions> = {}, store = new MemoryStore(), clock = new ManualClock()) {
  let n = 0;
  const gc = new GroupCoordinator({
    store,
    ensureOffsetsTopic: async () => {},
    clock,
    offsetsTopicNumPartitions: PARTITIONS,
    groupInitialRebalanceDelayMs: 0,
    uuid: () => `uuid${++n}`,
    ...opts,
  });
  return { gc, store, clock };
}

const commit = (gc: GroupCoordinator, groupId: string, offset: number, who: { memberId?: string; generationId?: number } = {}) =>
  gc.commitOffsets({
    groupId,
    memberId: who.memberId ?? '',
    groupInstanceId: null,
    generationId: who.generationId ?? -1,
    offsets: [{ topic: 't', partition: 0, offset, leaderEpoch: 1, metadata: null }],
  });

const fetched = (gc: GroupCoordinator, groupId: string) => {
  const r = gc.fetchOffsets(groupId, null);
  return { errorCode: r.errorCode, offsets: r.offsets.map((o) => o.offset) };
};

/** One member joined and synced: Stable at generation 1. */
async function stableOne(gc: GroupCoordinator, groupId: string, clientId = 'a') {
  const j = await gc.joinGroup(joinParams(clientId, { groupId }));
  expect(j.errorCode).toBe(0);
  const s = await gc.syncGroup({ groupId, generationId: j.generationId, memberId: j.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [{ memberId: j.memberId, assignment: Buffer.from('A') }] });
  expect(s.errorCode).toBe(0);
  return j;
}

describe('partition ownership', () => {
  it('serves only groups of elected partitions; NOT_COORDINATOR for the others', async () => {
    const { gc } = coordinator();
    // Nothing owned yet.
    expect((await gc.joinGroup(joinParams('a', { groupId: G0 }))).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect((await commit(gc, G0, 1))[0]!.errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect(fetched(gc, G0).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect(gc.describeGroup(G0)).toMatchObject({ errorCode: ErrorCode.NOT_COORDINATOR, state: '' });
    expect(await gc.heartbeat({ groupId: G0, memberId: 'm', generationId: 1, groupInstanceId: null })).toBe(ErrorCode.NOT_COORDINATOR);
    expect((await gc.syncGroup({ groupId: G0, generationId: 1, memberId: 'm', groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] })).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect(await gc.leaveGroup(G0, [{ memberId: 'm', groupInstanceId: null }])).toEqual({ errorCode: ErrorCode.NOT_COORDINATOR, members: [] });
    expect(await gc.deleteGroups([G0])).toEqual([{ groupId: G0, errorCode: ErrorCode.NOT_COORDINATOR }]);
    expect((await gc.deleteOffsets(G0, [])).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect(gc.listGroups()).toEqual({ errorCode: 0, groups: [] });

    await gc.onElection(0, 0);
    expect(gc.ownsPartition(0)).toBe(true);
    expect((await commit(gc, G0, 1))[0]!.errorCode).toBe(0);
    expect(fetched(gc, G0)).toEqual({ errorCode: 0, offsets: [1] });
    expect((await commit(gc, G1, 1))[0]!.errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect(gc.listGroups().groups.map((g) => g.groupId)).toEqual([G0]);
    gc.shutdown();
  });

  it('commits survive resignation and re-election: the replay restores groups, members and offsets', async () => {
    const { gc, store, clock } = coordinator();
    await gc.onElection(0, 0);
    await gc.onElection(1, 0);
    const a = await stableOne(gc, G0);
    expect((await commit(gc, G0, 10, { memberId: a.memberId, generationId: 1 }))[0]!.errorCode).toBe(0);
    expect((await commit(gc, G1, 20))[0]!.errorCode).toBe(0);
    const appends = store.appends;

    gc.onResignation(0, 1);
    expect(gc.ownsPartition(0)).toBe(false);
    expect(gc.groupState(G0)).toBeUndefined();
    expect(fetched(gc, G0).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    // The other partition is untouched.
    expect(fetched(gc, G1)).toEqual({ errorCode: 0, offsets: [20] });
    // Unloading writes nothing, and stops the group's timers (only the retention check is left).
    expect(store.appends).toBe(appends);
    expect(clock.pending).toBe(1);

    await gc.onElection(0, 2);
    expect(fetched(gc, G0)).toEqual({ errorCode: 0, offsets: [10] });
    expect(gc.describeGroup(G0)).toMatchObject({ state: 'Stable', members: [{ memberId: a.memberId }] });
    // The restored member goes on with its generation.
    expect(await gc.heartbeat({ groupId: G0, memberId: a.memberId, generationId: 1, groupInstanceId: null })).toBe(0);
    gc.shutdown();
  });

  it('a new leader (another coordinator on the same log) replays what the old one wrote', async () => {
    const store = new MemoryStore();
    const { gc: oldLeader } = coordinator({}, store);
    const { gc: newLeader } = coordinator({}, store);
    await oldLeader.onElection(0, 3);
    const a = await stableOne(oldLeader, G0);
    await commit(oldLeader, G0, 42, { memberId: a.memberId, generationId: 1 });
    expect(fetched(newLeader, G0).errorCode).toBe(ErrorCode.NOT_COORDINATOR);

    oldLeader.onResignation(0, 4);
    await newLeader.onElection(0, 4);
    expect(fetched(newLeader, G0)).toEqual({ errorCode: 0, offsets: [42] });
    expect(newLeader.groupState(G0)).toBe('Stable');
    expect(fetched(oldLeader, G0).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    oldLeader.shutdown();
    newLeader.shutdown();
  });

  it('answers a parked JoinGroup and SyncGroup with NOT_COORDINATOR on resignation', async () => {
    const { gc, clock } = coordinator();
    await gc.onElection(0, 0);
    // A second member makes generation 2; the follower's SyncGroup waits for the leader's assignment.
    const a = await stableOne(gc, G0, 'a');
    const jb = track(gc.joinGroup(joinParams('b', { groupId: G0 })));
    const ja = track(gc.joinGroup(joinParams('a', { groupId: G0, memberId: a.memberId })));
    await flush();
    expect(ja.value).toMatchObject({ errorCode: 0, generationId: 2, leaderId: a.memberId });
    const follower = jb.value!;
    expect(follower).toMatchObject({ errorCode: 0, generationId: 2 });
    const sync = track(gc.syncGroup({ groupId: G0, generationId: 2, memberId: follower.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] }));
    await flush();
    expect(sync.done).toBe(false);

    // A group of the same partition in a rebalance: the new member's JoinGroup is parked.
    const other = groupIn(0, 'other-');
    await stableOne(gc, other, 'x');
    const parked = track(gc.joinGroup(joinParams('y', { groupId: other })));
    await flush();
    expect(parked.done).toBe(false);
    expect(gc.groupState(other)).toBe('PreparingRebalance');

    gc.onResignation(0);
    await flush();
    expect(sync.value!.errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect(parked.value!.errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect(gc.groupState(G0)).toBeUndefined();
    expect(gc.groupState(other)).toBeUndefined();
    // Session, join and pending-sync timers are gone; only the retention check remains.
    expect(clock.pending).toBe(1);
    gc.shutdown();
  });

  it('answers COORDINATOR_LOAD_IN_PROGRESS while its partition loads, and discards a load resigned meanwhile', async () => {
    const store = new MemoryStore();
    const { gc: writer } = coordinator({}, store);
    await writer.onElection(0, 0);
    await commit(writer, G0, 5);
    writer.shutdown();

    const g = gate();
    const slow = {
      append: store.append.bind(store),
      async *readAll(p: number) {
        if (p === 0) await g.promise;
        yield* store.readAll(p);
      },
    };
    const { gc } = coordinator({}, slow as unknown as MemoryStore);
    await gc.onElection(1, 0);
    const loading = gc.onElection(0, 0);
    expect(fetched(gc, G0).errorCode).toBe(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
    expect((await gc.joinGroup(joinParams('a', { groupId: G0 }))).errorCode).toBe(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
    expect((await gc.syncGroup({ groupId: G0, generationId: 1, memberId: 'm', groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] })).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect(await gc.heartbeat({ groupId: G0, memberId: 'm', generationId: 1, groupInstanceId: null })).toBe(0);
    expect(gc.listGroups().errorCode).toBe(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
    // Other partitions are served meanwhile.
    expect((await commit(gc, G1, 1))[0]!.errorCode).toBe(0);
    // A second election while loading does not start another load.
    expect(gc.onElection(0, 0)).toBe(loading);

    gc.onResignation(0, 1);
    g.open();
    await loading;
    expect(fetched(gc, G0).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect(gc.groupState(G0)).toBeUndefined();
    expect(gc.listGroups().errorCode).toBe(0);

    await gc.onElection(0, 2);
    expect(fetched(gc, G0)).toEqual({ errorCode: 0, offsets: [5] });
    gc.shutdown();
  });

  it('retries a failed load instead of serving without the partition data', async () => {
    const store = new MemoryStore();
    const { gc: writer } = coordinator({}, store);
    await writer.onElection(0, 0);
    await commit(writer, G0, 9);
    writer.shutdown();

    let failures = 1;
    const flaky = {
      append: store.append.bind(store),
      readAll(p: number) {
        if (failures-- > 0) throw new Error('read failed');
        return store.readAll(p);
      },
    };
    const clock = new ManualClock();
    const { gc } = coordinator({ loadRetryBackoffMs: 1000 }, flaky as unknown as MemoryStore, clock);
    const loading = gc.onElection(0, 0);
    await flush();
    expect(fetched(gc, G0).errorCode).toBe(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
    clock.advance(1000);
    await loading;
    expect(fetched(gc, G0)).toEqual({ errorCode: 0, offsets: [9] });
    gc.shutdown();
  });

  it('fences callbacks with stale leader epochs', async () => {
    const { gc } = coordinator();
    await gc.onElection(0, 5);
    await commit(gc, G0, 1);
    gc.onResignation(0, 4);
    expect(gc.ownsPartition(0)).toBe(true);
    gc.onResignation(0, 6);
    expect(gc.ownsPartition(0)).toBe(false);
    // A late election of an older term must not take the partition back.
    await gc.onElection(0, 5);
    expect(gc.ownsPartition(0)).toBe(false);
    await gc.onElection(0, 7);
    expect(fetched(gc, G0)).toEqual({ errorCode: 0, offsets: [1] });
    // Re-election with a newer epoch while owned keeps the in-memory state (no reload).
    await gc.onElection(0, 8);
    expect(gc.ownsPartition(0)).toBe(true);
    gc.shutdown();
  });

  it('operations queued behind an in-flight write are re-checked after a resignation', async () => {
    const store = new MemoryStore();
    const { gc } = coordinator({}, store);
    await gc.onElection(0, 0);
    const g = gate();
    store.gate = g.promise;
    const first = track(commit(gc, G0, 1));
    const second = track(commit(gc, G0, 2));
    await flush();
    gc.onResignation(0, 1);
    store.gate = null;
    g.open();
    await flush();
    // The first append was already issued when leadership moved: the log has it (the new leader replays it).
    expect(first.value![0]!.errorCode).toBe(0);
    expect(second.value![0]!.errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect(gc.groupState(G0)).toBeUndefined();
    await gc.onElection(0, 2);
    expect(fetched(gc, G0)).toEqual({ errorCode: 0, offsets: [1] });
    gc.shutdown();
  });

  it('the re-election replay waits for a write of the previous term still in flight', async () => {
    const store = new MemoryStore();
    const { gc } = coordinator({}, store);
    await gc.onElection(0, 0);
    const g = gate();
    store.gate = g.promise;
    const c = track(commit(gc, G0, 7));
    await flush();
    gc.onResignation(0, 1);
    const reload = track(gc.onElection(0, 2));
    await flush();
    expect(reload.done).toBe(false);
    store.gate = null;
    g.open();
    await flush();
    expect(c.value![0]!.errorCode).toBe(0);
    expect(reload.done).toBe(true);
    expect(fetched(gc, G0)).toEqual({ errorCode: 0, offsets: [7] });
    gc.shutdown();
  });

  it('load() elects every partition (single-node compatibility)', async () => {
    const { gc } = coordinator();
    await gc.load();
    for (let p = 0; p < PARTITIONS; p++) expect(gc.ownsPartition(p)).toBe(true);
    expect((await commit(gc, G1, 3))[0]!.errorCode).toBe(0);
    gc.shutdown();
    expect(fetched(gc, G1).errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
  });

  it('setOffsetsTopicNumPartitions changes which partition a group hashes to', () => {
    const { gc } = coordinator({ offsetsTopicNumPartitions: 50 });
    expect(gc.partitionFor('my-group')).toBe(offsetsPartitionFor('my-group', 50));
    gc.setOffsetsTopicNumPartitions(7);
    expect(gc.numPartitions).toBe(7);
    expect(gc.partitionFor('my-group')).toBe(offsetsPartitionFor('my-group', 7));
    expect(() => gc.setOffsetsTopicNumPartitions(0)).toThrow();
  });
});

describe('append failures in a cluster (acks=all)', () => {
  it('maps them as Kafka 2.8-3.9 (GroupMetadataManager) for OffsetCommit', async () => {
    const { gc, store } = coordinator();
    await gc.onElection(0, 0);
    const cases: [number, number][] = [
      [ErrorCode.NOT_LEADER_OR_FOLLOWER, ErrorCode.NOT_COORDINATOR],
      [ErrorCode.KAFKA_STORAGE_ERROR, ErrorCode.NOT_COORDINATOR],
      [ErrorCode.NOT_ENOUGH_REPLICAS, ErrorCode.COORDINATOR_NOT_AVAILABLE],
      [ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND, ErrorCode.COORDINATOR_NOT_AVAILABLE],
      [ErrorCode.REQUEST_TIMED_OUT, ErrorCode.COORDINATOR_NOT_AVAILABLE],
      [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.COORDINATOR_NOT_AVAILABLE],
      [ErrorCode.MESSAGE_TOO_LARGE, ErrorCode.INVALID_COMMIT_OFFSET_SIZE],
    ];
    for (const [appendError, expected] of cases) {
      store.fail = new KafkaError(appendError);
      expect((await commit(gc, G0, 1))[0]!.errorCode, `append error ${appendError}`).toBe(expected);
    }
    gc.shutdown();
  });

  it('maps them for SyncGroup (the leader and the waiting followers) and rebalances', async () => {
    const cases: [number, number][] = [
      [ErrorCode.NOT_LEADER_OR_FOLLOWER, ErrorCode.NOT_COORDINATOR],
      [ErrorCode.NOT_ENOUGH_REPLICAS, ErrorCode.COORDINATOR_NOT_AVAILABLE],
      // Kafka's storeGroup answers a timed-out group write with REBALANCE_IN_PROGRESS (the member rejoins).
      [ErrorCode.REQUEST_TIMED_OUT, ErrorCode.REBALANCE_IN_PROGRESS],
    ];
    for (const [appendError, expected] of cases) {
      const { gc, store } = coordinator();
      await gc.onElection(0, 0);
      const j = await gc.joinGroup(joinParams('a', { groupId: G0 }));
      store.fail = new KafkaError(appendError);
      const s = await gc.syncGroup({ groupId: G0, generationId: j.generationId, memberId: j.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [{ memberId: j.memberId, assignment: Buffer.from('A') }] });
      expect(s.errorCode, `append error ${appendError}`).toBe(expected);
      expect(gc.groupState(G0)).toBe('PreparingRebalance');
      gc.shutdown();
    }
  });

  it('maps them for a static member rejoin that must persist its new member id (JoinGroup)', async () => {
    const { gc, store } = coordinator();
    await gc.onElection(0, 0);
    const first = await gc.joinGroup(joinParams('a', { groupId: G0, groupInstanceId: 'i1' }));
    await gc.syncGroup({ groupId: G0, generationId: 1, memberId: first.memberId, groupInstanceId: 'i1', protocolType: null, protocolName: null, assignments: [{ memberId: first.memberId, assignment: Buffer.from('A') }] });
    store.fail = new KafkaError(ErrorCode.NOT_ENOUGH_REPLICAS);
    const again = await gc.joinGroup(joinParams('a', { groupId: G0, groupInstanceId: 'i1' }));
    expect(again.errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    store.fail = new KafkaError(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    expect((await gc.joinGroup(joinParams('a', { groupId: G0, groupInstanceId: 'i1' }))).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    // The old member id stays valid after the failed replacements.
    expect(await gc.heartbeat({ groupId: G0, memberId: first.memberId, generationId: 1, groupInstanceId: 'i1' })).toBe(0);
    gc.shutdown();
  });
});

describe('FindCoordinator', () => {
  const brokers: BrokerInfo[] = [1, 2, 3].map((id) => ({
    id,
    rack: null,
    endpoints: [
      { name: 'INTERNAL', host: `internal${id}`, port: 19092, securityProtocol: 'PLAINTEXT' },
      { name: 'PLAINTEXT', host: `broker${id}`, port: 9092 + id, securityProtocol: 'PLAINTEXT' },
    ],
  }));

  /** Just what the handler reads of the MetadataStore: the offsets topic's leaders and the brokers. */
  function ctxWith(gc: GroupCoordinator, leaders: number[] | null, apiVersion: number, listenerName = 'PLAINTEXT'): RequestContext {
    const topic: TopicRecord | undefined =
      leaders === null
        ? undefined
        : {
            name: '__consumer_offsets',
            topicId: 'AAAAAAAAAAAAAAAAAAAAAA',
            internal: true,
            configs: {},
            partitions: leaders.map((leader, partition) => ({ partition, leader, leaderEpoch: 0, replicas: [1, 2, 3], isr: [1, 2, 3], partitionEpoch: 0 })),
          };
    const metadata = {
      topic: (name: string) => (name === '__consumer_offsets' ? topic : undefined),
      brokers: () => brokers,
    };
    return {
      apiKey: 10,
      apiVersion,
      correlationId: 1,
      clientId: 'cli',
      clientHost: '/127.0.0.1',
      listenerName,
      services: { config: { brokerId: 1 }, metadata, groups: gc },
    } as unknown as RequestContext;
  }

  it('answers the leader of the group\'s partition, on the request\'s listener', async () => {
    const { gc } = coordinator();
    const leaders = [2, 3, -1, 9];
    const v3 = await handleFindCoordinator({ key: G0, keyType: 0, coordinatorKeys: [] }, ctxWith(gc, leaders, 3));
    expect(v3).toMatchObject({ errorCode: 0, errorMessage: 'NONE', nodeId: 2, host: 'broker2', port: 9094 });
    const internal = await handleFindCoordinator({ key: G1, keyType: 0, coordinatorKeys: [] }, ctxWith(gc, leaders, 1, 'INTERNAL'));
    expect(internal).toMatchObject({ errorCode: 0, nodeId: 3, host: 'internal3', port: 19092 });

    const v4 = await handleFindCoordinator({ key: '', keyType: 0, coordinatorKeys: [G0, G1, groupIn(2), groupIn(3)] }, ctxWith(gc, leaders, 4));
    expect(v4.coordinators).toEqual([
      { key: G0, nodeId: 2, host: 'broker2', port: 9094, errorCode: 0, errorMessage: 'NONE' },
      { key: G1, nodeId: 3, host: 'broker3', port: 9095, errorCode: 0, errorMessage: 'NONE' },
      // No leader, and a leader the metadata has no broker for: retriable.
      { key: groupIn(2), nodeId: -1, host: '', port: -1, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, errorMessage: 'The coordinator is not available.' },
      { key: groupIn(3), nodeId: -1, host: '', port: -1, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, errorMessage: 'The coordinator is not available.' },
    ]);
    const txn = await handleFindCoordinator({ key: '', keyType: 1, coordinatorKeys: ['tx'] }, ctxWith(gc, leaders, 4));
    expect(txn.coordinators[0]).toMatchObject({ key: 'tx', errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE });
  });

  it('creates a missing offsets topic and answers COORDINATOR_NOT_AVAILABLE meanwhile', async () => {
    let ensured = 0;
    const { gc } = coordinator({
      ensureOffsetsTopic: async () => {
        ensured++;
      },
    });
    const r = await handleFindCoordinator({ key: G0, keyType: 0, coordinatorKeys: [] }, ctxWith(gc, null, 2));
    expect(r).toMatchObject({ errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, nodeId: -1, host: '', port: -1 });
    expect(ensured).toBe(1);

    const { gc: failing } = coordinator({
      ensureOffsetsTopic: async () => {
        throw new Error('no brokers');
      },
    });
    const f = await handleFindCoordinator({ key: '', keyType: 0, coordinatorKeys: [G0] }, ctxWith(failing, null, 4));
    expect(f.coordinators[0]).toMatchObject({ errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE });
  });

  it('hashes over the coordinator\'s partition count', async () => {
    const { gc } = coordinator({ offsetsTopicNumPartitions: 50 });
    gc.setOffsetsTopicNumPartitions(PARTITIONS);
    const r = await handleFindCoordinator({ key: G1, keyType: 0, coordinatorKeys: [] }, ctxWith(gc, [1, 2, 3, 1], 0));
    expect(r).toMatchObject({ errorCode: 0, nodeId: 2 });
  });
});
