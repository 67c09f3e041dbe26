import { describe, expect, it } from 'vitest';
import { ErrorCode, KafkaError } from '../src/protocol/errors.js';
import { ManualClock } from '../src/coordinator/clock.js';
import type { GroupCoordinator } from '../src/coordinator/group-coordinator.js';
import { GROUP, MemoryStore, flush, gate, joinParams, setup, subscription, track } from './coordinator-fixtures.js';

const commit = (gc: GroupCoordinator, offsets: [string, number, number][], who: { memberId?: string; generationId?: number; groupId?: string; retentionTimeMs?: number } = {}) =>
  gc.commitOffsets({
    groupId: who.groupId ?? GROUP,
    memberId: who.memberId ?? '',
    groupInstanceId: null,
    generationId: who.generationId ?? -1,
    retentionTimeMs: who.retentionTimeMs ?? -1,
    offsets: offsets.map(([topic, partition, offset]) => ({ topic, partition, offset, leaderEpoch: 7, metadata: `m${offset}` })),
  });

async function stableOne(gc: GroupCoordinator, topics = ['t1']) {
  const a = await gc.joinGroup(joinParams('a', { protocols: [{ name: 'range', metadata: subscription(topics) }] }));
  await gc.syncGroup({ groupId: GROUP, generationId: a.generationId, memberId: a.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [{ memberId: a.memberId, assignment: Buffer.from('A') }] });
  return a;
}

describe('offset commit and fetch', () => {
  it('members commit with their generation; fetch returns them; errors per Kafka', async () => {
    const { gc, store, ensured } = await setup();
    const a = await stableOne(gc);
    expect(await commit(gc, [['t1', 0, 10], ['t1', 1, 20]], { memberId: a.memberId, generationId: 1 })).toEqual([
      { topic: 't1', partition: 0, errorCode: 0 },
      { topic: 't1', partition: 1, errorCode: 0 },
    ]);
    expect(ensured()).toBe(1);
    expect(gc.fetchOffsets(GROUP, [{ topic: 't1', partition: 0 }, { topic: 't1', partition: 5 }])).toEqual({
      errorCode: 0,
      offsets: [
        { topic: 't1', partition: 0, offset: 10, leaderEpoch: 7, metadata: 'm10', errorCode: 0 },
        { topic: 't1', partition: 5, offset: -1, leaderEpoch: -1, metadata: '', errorCode: 0 },
      ],
    });
    expect(gc.fetchOffsets(GROUP, null).offsets.map((o) => [o.topic, o.partition, o.offset])).toEqual([['t1', 0, 10], ['t1', 1, 20]]);
    expect(gc.fetchOffsets('unknown', null)).toEqual({ errorCode: 0, offsets: [] });

    expect((await commit(gc, [['t1', 0, 11]], { memberId: a.memberId, generationId: 2 }))[0]!.errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect((await commit(gc, [['t1', 0, 11]], { memberId: 'x', generationId: 1 }))[0]!.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    // An anonymous commit into a group with members is refused.
    expect((await commit(gc, [['t1', 0, 11]]))[0]!.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    // Generation >= 0 for a group that does not exist.
    expect((await commit(gc, [['t1', 0, 11]], { groupId: 'ghost', memberId: 'm', generationId: 3 }))[0]!.errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    const big = await gc.commitOffsets({ groupId: GROUP, memberId: a.memberId, groupInstanceId: null, generationId: 1, offsets: [
      { topic: 't1', partition: 0, offset: 12, leaderEpoch: -1, metadata: 'x'.repeat(4097) },
      { topic: 't1', partition: 1, offset: 21, leaderEpoch: -1, metadata: null },
    ] });
    expect(big.map((r) => r.errorCode)).toEqual([ErrorCode.OFFSET_METADATA_TOO_LARGE, 0]);
    expect(gc.fetchOffsets(GROUP, [{ topic: 't1', partition: 1 }]).offsets[0]).toMatchObject({ offset: 21, metadata: '', leaderEpoch: -1 });

    // Record format: OffsetCommitKey v1, OffsetCommitValue v3, in the group's partition.
    const recs = store.records().filter((r) => r.type === 'offset');
    expect(recs).toHaveLength(3);
    for (const r of recs) {
      expect(r.partition_).toBe(gc.partitionFor(GROUP));
      expect(r.key.readInt16BE(0)).toBe(1);
      expect(r.value_!.readInt16BE(0)).toBe(3);
    }
  });

  it('simple (generation -1) commits create an offsets-only group', async () => {
    const { gc } = await setup();
    expect((await commit(gc, [['t', 0, 5]], { groupId: 'simple' }))[0]!.errorCode).toBe(0);
    expect(gc.groupState('simple')).toBe('Empty');
    expect(gc.fetchOffsets('simple', null).offsets[0]).toMatchObject({ topic: 't', partition: 0, offset: 5 });
    expect(gc.describeGroup('simple')).toMatchObject({ state: 'Empty', protocolType: '' });
  });

  it('answers a commit only after its append resolves, and maps append errors', async () => {
    const store = new MemoryStore();
    const { gc } = await setup({}, store);
    const g = gate();
    store.gate = g.promise;
    const c = track(commit(gc, [['t', 0, 1]], { groupId: 'g1' }));
    await flush();
    expect(c.done).toBe(false);
    expect(gc.fetchOffsets('g1', null).offsets).toEqual([]);
    store.gate = null;
    g.open();
    await flush();
    expect(c.value![0]!.errorCode).toBe(0);
    expect(gc.fetchOffsets('g1', null).offsets).toHaveLength(1);

    store.fail = new KafkaError(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    expect((await commit(gc, [['t', 0, 2]], { groupId: 'g1' }))[0]!.errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    store.fail = new KafkaError(ErrorCode.RECORD_LIST_TOO_LARGE);
    expect((await commit(gc, [['t', 0, 2]], { groupId: 'g1' }))[0]!.errorCode).toBe(ErrorCode.INVALID_COMMIT_OFFSET_SIZE);
    store.fail = new Error('disk on fire');
    expect((await commit(gc, [['t', 0, 2]], { groupId: 'g1' }))[0]!.errorCode).toBe(ErrorCode.UNKNOWN_SERVER_ERROR);
    // Failed commits change nothing.
    expect(gc.fetchOffsets('g1', null).offsets[0]!.offset).toBe(1);
  });

  it('reports COORDINATOR_NOT_AVAILABLE when the offsets topic cannot be created, and retries later', async () => {
    let fail = true;
    let calls = 0;
    const { gc } = await setup({
      ensureOffsetsTopic: async () => {
        calls++;
        if (fail) throw new Error('no brokers');
      },
    });
    expect((await commit(gc, [['t', 0, 1]], { groupId: 'g' }))[0]!.errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    fail = false;
    expect((await commit(gc, [['t', 0, 1]], { groupId: 'g' }))[0]!.errorCode).toBe(0);
    await gc.ensureOffsetsTopic();
    expect(calls).toBe(2);
  });
});

describe('reload from __consumer_offsets', () => {
  it('restores groups, members, assignments and offsets; tombstones delete', async () => {
    const store = new MemoryStore();
    const clock = new ManualClock();
    const { gc } = await setup({}, store, clock);
    const a = await stableOne(gc);
    await commit(gc, [['t1', 0, 10], ['t1', 1, 20]], { memberId: a.memberId, generationId: 1 });
    await commit(gc, [['t1', 0, 11]], { memberId: a.memberId, generationId: 1 });
    await commit(gc, [['x', 0, 1]], { groupId: 'simple' });
    await commit(gc, [['y', 0, 1]], { groupId: 'deleted' });
    expect(await gc.deleteGroups(['deleted'])).toEqual([{ groupId: 'deleted', errorCode: 0 }]);
    gc.shutdown();

    const { gc: again } = await setup({}, store, clock);
    const d = again.describeGroup(GROUP);
    expect(d).toMatchObject({ state: 'Stable', protocolType: 'consumer', protocol: 'range' });
    expect(d.members.map((m) => [m.memberId, m.assignment.toString(), m.clientId])).toEqual([[a.memberId, 'A', 'a']]);
    expect(again.fetchOffsets(GROUP, null).offsets.map((o) => [o.topic, o.partition, o.offset, o.metadata, o.leaderEpoch])).toEqual([
      ['t1', 0, 11, 'm11', 7],
      ['t1', 1, 20, 'm20', 7],
    ]);
    expect(again.fetchOffsets('simple', null).offsets.map((o) => o.offset)).toEqual([1]);
    expect(again.groupState('deleted')).toBeUndefined();
    expect(again.fetchOffsets('deleted', null).offsets).toEqual([]);
    // The restored member continues at generation 1 and must heartbeat within its session.
    expect(await again.heartbeat({ groupId: GROUP, memberId: a.memberId, generationId: 1, groupInstanceId: null })).toBe(0);
    clock.advance(10_001);
    await flush();
    expect(again.groupState(GROUP)).toBe('Empty');
  });

  it('answers COORDINATOR_LOAD_IN_PROGRESS while loading', async () => {
    const store = new MemoryStore();
    const g = gate();
    const slow = {
      append: store.append.bind(store),
      async *readAll(_p: number) {
        await g.promise;
      },
    };
    const { GroupCoordinator } = await import('../src/coordinator/group-coordinator.js');
    const gc = new GroupCoordinator({ store: slow, ensureOffsetsTopic: async () => {}, clock: new ManualClock(), offsetsTopicNumPartitions: 1, groupInitialRebalanceDelayMs: 0 });
    const loading = gc.load();
    expect((await gc.joinGroup(joinParams('a'))).errorCode).toBe(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
    expect(await gc.heartbeat({ groupId: GROUP, memberId: 'm', generationId: 1, groupInstanceId: null })).toBe(0);
    expect((await gc.syncGroup({ groupId: GROUP, generationId: 1, memberId: 'm', groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] })).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    g.open();
    await loading;
    expect((await gc.joinGroup(joinParams('a'))).errorCode).toBe(0);
    gc.shutdown();
  });
});

describe('deletes', () => {
  it('DeleteGroups refuses non-empty groups and tombstones offsets and metadata of empty ones', async () => {
    const { gc, store } = await setup();
    const a = await stableOne(gc);
    await commit(gc, [['t1', 0, 10]], { memberId: a.memberId, generationId: 1 });
    expect(await gc.deleteGroups([GROUP, 'nope', ''])).toEqual([
      { groupId: GROUP, errorCode: ErrorCode.NON_EMPTY_GROUP },
      { groupId: 'nope', errorCode: ErrorCode.GROUP_ID_NOT_FOUND },
      { groupId: '', errorCode: ErrorCode.GROUP_ID_NOT_FOUND },
    ]);
    await gc.leaveGroup(GROUP, [{ memberId: a.memberId, groupInstanceId: null }]);
    await flush();
    expect(await gc.deleteGroups([GROUP])).toEqual([{ groupId: GROUP, errorCode: 0 }]);
    expect(gc.groupState(GROUP)).toBeUndefined();
    expect(gc.fetchOffsets(GROUP, [{ topic: 't1', partition: 0 }]).offsets[0]!.offset).toBe(-1);
    const tail = store.records().slice(-2);
    expect(tail.map((r) => [r.type, r.value_])).toEqual([
      ['offset', null],
      ['group', null],
    ]);
  });

  it('OffsetDelete: GROUP_SUBSCRIBED_TO_TOPIC for consumed topics, deletes the rest', async () => {
    const { gc } = await setup();
    const a = await stableOne(gc, ['t1']);
    await commit(gc, [['t1', 0, 10], ['old', 0, 3], ['old', 1, 4]], { memberId: a.memberId, generationId: 1 });
    const r = await gc.deleteOffsets(GROUP, [{ topic: 't1', partition: 0 }, { topic: 'old', partition: 0 }]);
    expect(r).toEqual({
      errorCode: 0,
      partitions: [
        { topic: 't1', partition: 0, errorCode: ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC },
        { topic: 'old', partition: 0, errorCode: 0 },
      ],
    });
    expect(gc.fetchOffsets(GROUP, null).offsets.map((o) => `${o.topic}-${o.partition}`)).toEqual(['t1-0', 'old-1']);
    expect((await gc.deleteOffsets('nope', [])).errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);

    // Deleting the last offsets of an empty simple group removes the group.
    await commit(gc, [['x', 0, 1]], { groupId: 'simple' });
    expect((await gc.deleteOffsets('simple', [{ topic: 'x', partition: 0 }])).partitions[0]!.errorCode).toBe(0);
    expect(gc.groupState('simple')).toBeUndefined();
  });

  it('OffsetDelete on a non-consumer group with members is NON_EMPTY_GROUP', async () => {
    const { gc } = await setup();
    await gc.joinGroup(joinParams('w', { protocolType: 'connect', protocols: [{ name: 'default', metadata: Buffer.from('x') }] }));
    expect((await gc.deleteOffsets(GROUP, [{ topic: 't', partition: 0 }])).errorCode).toBe(ErrorCode.NON_EMPTY_GROUP);
  });

  it('removeOffsetsForTopics drops the offsets of deleted topics', async () => {
    const { gc } = await setup();
    await commit(gc, [['gone', 0, 1], ['kept', 0, 2]], { groupId: 's' });
    await gc.removeOffsetsForTopics(['gone']);
    expect(gc.fetchOffsets('s', null).offsets.map((o) => o.topic)).toEqual(['kept']);
  });
});

describe('offset retention', () => {
  it('expires a simple group\'s offsets by commit time and removes the group', async () => {
    const { gc, clock, store } = await setup({ offsetsRetentionMinutes: 1 });
    await commit(gc, [['t', 0, 1]], { groupId: 's' });
    clock.advance(30_000);
    await commit(gc, [['t', 1, 1]], { groupId: 's' });
    clock.advance(30_000);
    expect(await gc.expireOffsets()).toBe(1);
    expect(gc.fetchOffsets('s', null).offsets.map((o) => o.partition)).toEqual([1]);
    clock.advance(30_000);
    expect(await gc.expireOffsets()).toBe(1);
    expect(gc.groupState('s')).toBeUndefined();
    // Generation 0: only offset tombstones, no group tombstone.
    expect(store.records().filter((r) => r.value_ === null).map((r) => r.type)).toEqual(['offset', 'offset']);
  });

  it('expires an empty group\'s offsets once the retention passed since it became empty, then the group', async () => {
    const { gc, clock, store } = await setup({ offsetsRetentionMinutes: 1 });
    const a = await stableOne(gc);
    await commit(gc, [['t1', 0, 1]], { memberId: a.memberId, generationId: 1 });
    clock.advance(120_000 - 1);
    await gc.heartbeat({ groupId: GROUP, memberId: a.memberId, generationId: 1, groupInstanceId: null });
    // Stable and subscribed to t1: never expires.
    expect(await gc.expireOffsets()).toBe(0);
    await gc.leaveGroup(GROUP, [{ memberId: a.memberId, groupInstanceId: null }]);
    await flush();
    clock.advance(59_000);
    expect(await gc.expireOffsets()).toBe(0);
    clock.advance(1_000);
    expect(await gc.expireOffsets()).toBe(1);
    expect(gc.groupState(GROUP)).toBeUndefined();
    expect(store.records().slice(-2).map((r) => [r.type, r.value_])).toEqual([
      ['offset', null],
      ['group', null],
    ]);
  });

  it('expires a stable consumer group\'s offsets of topics it no longer subscribes to', async () => {
    const { gc, clock } = await setup({ offsetsRetentionMinutes: 1 });
    const a = await stableOne(gc, ['t1']);
    await commit(gc, [['t1', 0, 1], ['old', 0, 1]], { memberId: a.memberId, generationId: 1 });
    for (let i = 0; i < 12; i++) {
      clock.advance(5_000);
      expect(await gc.heartbeat({ groupId: GROUP, memberId: a.memberId, generationId: 1, groupInstanceId: null })).toBe(0);
    }
    expect(gc.groupState(GROUP)).toBe('Stable');
    expect(await gc.expireOffsets()).toBe(1);
    expect(gc.fetchOffsets(GROUP, null).offsets.map((o) => o.topic)).toEqual(['t1']);
  });

  it('honours an explicit retention (OffsetCommit v2-v4), written as OffsetCommitValue v1', async () => {
    const { gc, clock, store } = await setup({ offsetsRetentionMinutes: 100 });
    await commit(gc, [['t', 0, 1]], { groupId: 's', retentionTimeMs: 5000 });
    const rec = store.records().find((r) => r.type === 'offset')!;
    expect(rec.value_!.readInt16BE(0)).toBe(1);
    clock.advance(5000);
    expect(await gc.expireOffsets()).toBe(1);
  });

  it('runs the retention check on its interval', async () => {
    const { gc, clock } = await setup({ offsetsRetentionMinutes: 1, offsetsRetentionCheckIntervalMs: 10_000 });
    await commit(gc, [['t', 0, 1]], { groupId: 's' });
    for (let i = 0; i < 7; i++) {
      clock.advance(10_000);
      await flush();
    }
    expect(gc.groupState('s')).toBeUndefined();
    gc.shutdown();
  });
});
