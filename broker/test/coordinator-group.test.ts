import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../src/protocol/errors.js';
import type { GroupCoordinator, JoinGroupResult } from '../src/coordinator/group-coordinator.js';
import { GROUP, MemoryStore, flush, gate, joinParams, setup, subscription, track } from './coordinator-fixtures.js';

/** Three dynamic members joined within the initial delay, synced, Stable at generation 1. */
async function stableThree(gc: GroupCoordinator, advance: (ms: number) => void, over: Parameters<typeof joinParams>[1] = {}) {
  const ja = track(gc.joinGroup(joinParams('a', over)));
  const jb = track(gc.joinGroup(joinParams('b', over)));
  const jc = track(gc.joinGroup(joinParams('c', over)));
  await flush();
  expect(ja.done || jb.done || jc.done).toBe(false);
  advance(3000);
  await flush();
  // B and C arrived during the first delay window, so it is extended once.
  expect(ja.done).toBe(false);
  advance(3000);
  await flush();
  const [a, b, c] = [ja.value!, jb.value!, jc.value!];
  for (const r of [a, b, c]) {
    expect(r.errorCode).toBe(ErrorCode.NONE);
    expect(r.generationId).toBe(1);
    expect(r.protocolName).toBe('range');
    expect(r.protocolType).toBe('consumer');
    expect(r.leaderId).toBe(a.memberId);
  }
  expect(a.members.map((m) => m.memberId)).toEqual([a.memberId, b.memberId, c.memberId]);
  expect(b.members).toEqual([]);
  expect(gc.groupState(GROUP)).toBe('CompletingRebalance');

  const sb = track(gc.syncGroup({ groupId: GROUP, generationId: 1, memberId: b.memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'range', assignments: [] }));
  const sc = track(gc.syncGroup({ groupId: GROUP, generationId: 1, memberId: c.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] }));
  await flush();
  expect(sb.done || sc.done).toBe(false);
  const sa = await gc.syncGroup({
    groupId: GROUP,
    generationId: 1,
    memberId: a.memberId,
    groupInstanceId: null,
    protocolType: 'consumer',
    protocolName: 'range',
    assignments: [
      { memberId: a.memberId, assignment: Buffer.from('A') },
      { memberId: b.memberId, assignment: Buffer.from('B') },
      { memberId: c.memberId, assignment: Buffer.from('C') },
    ],
  });
  await flush();
  expect(sa).toMatchObject({ errorCode: 0, protocolType: 'consumer', protocolName: 'range' });
  expect(sa.assignment.toString()).toBe('A');
  expect(sb.value!.assignment.toString()).toBe('B');
  expect(sc.value!.assignment.toString()).toBe('C');
  expect(gc.groupState(GROUP)).toBe('Stable');
  return { a, b, c };
}

const hb = (gc: GroupCoordinator, memberId: string, generationId = 1, groupInstanceId: string | null = null) =>
  gc.heartbeat({ groupId: GROUP, memberId, generationId, groupInstanceId });

describe('GroupCoordinator join/sync/heartbeat', () => {
  it('forms a 3-member group after the initial delay, distributes the assignment, persists it', async () => {
    const { gc, store, clock } = await setup({ groupInitialRebalanceDelayMs: 3000 });
    const { a, b, c } = await stableThree(gc, (ms) => clock.advance(ms));
    expect(await hb(gc, a.memberId)).toBe(ErrorCode.NONE);
    expect(await hb(gc, b.memberId)).toBe(ErrorCode.NONE);
    expect(await hb(gc, c.memberId, 0)).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(await hb(gc, 'nobody')).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(await gc.heartbeat({ groupId: 'other', memberId: a.memberId, generationId: 1, groupInstanceId: null })).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(a.memberId).toMatch(/^a-uuid\d+$/);

    const d = gc.describeGroup(GROUP);
    expect(d).toMatchObject({ errorCode: 0, state: 'Stable', protocolType: 'consumer', protocol: 'range' });
    expect(d.members.map((m) => m.assignment.toString())).toEqual(['A', 'B', 'C']);
    expect(d.members[0]!.metadata).toEqual(subscription(['t1']));
    expect(d.members[0]).toMatchObject({ clientId: 'a', clientHost: '/127.0.0.1', groupInstanceId: null });

    const recs = store.records().filter((r) => r.type === 'group');
    expect(recs).toHaveLength(1);
    const rec = recs[0]!;
    expect(rec.partition_).toBe(gc.partitionFor(GROUP));
    expect(rec.key.readInt16BE(0)).toBe(2);
    expect(rec.value_!.readInt16BE(0)).toBe(3);
    if (rec.type !== 'group') throw new Error('unreachable');
    expect(rec.value).toMatchObject({ protocolType: 'consumer', generation: 1, protocol: 'range', leader: a.memberId });
    expect(rec.value!.members.map((m) => [m.memberId, m.assignment.toString(), m.sessionTimeout, m.rebalanceTimeout])).toEqual([
      [a.memberId, 'A', 10_000, 30_000],
      [b.memberId, 'B', 10_000, 30_000],
      [c.memberId, 'C', 10_000, 30_000],
    ]);
  });

  it('rebalances when a member leaves; the others rejoin into generation 2', async () => {
    const { gc, clock } = await setup({ groupInitialRebalanceDelayMs: 3000 });
    const { a, b, c } = await stableThree(gc, (ms) => clock.advance(ms));
    const leave = await gc.leaveGroup(GROUP, [{ memberId: c.memberId, groupInstanceId: null }]);
    expect(leave).toEqual({ errorCode: 0, members: [{ memberId: c.memberId, groupInstanceId: null, errorCode: 0 }] });
    expect(gc.groupState(GROUP)).toBe('PreparingRebalance');
    expect(await hb(gc, a.memberId)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect(await hb(gc, c.memberId)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    // Offsets may still be committed while preparing.
    const commit = await gc.commitOffsets({ groupId: GROUP, memberId: b.memberId, groupInstanceId: null, generationId: 1, offsets: [{ topic: 't1', partition: 0, offset: 5, leaderEpoch: -1, metadata: null }] });
    expect(commit[0]!.errorCode).toBe(0);

    const ra = track(gc.joinGroup(joinParams('a', { memberId: a.memberId })));
    await flush();
    expect(ra.done).toBe(false);
    const rb = track(gc.joinGroup(joinParams('b', { memberId: b.memberId })));
    await flush();
    expect(ra.value!.generationId).toBe(2);
    expect(rb.value!.generationId).toBe(2);
    expect(ra.value!.members.map((m) => m.memberId)).toEqual([a.memberId, b.memberId]);
    expect(gc.groupState(GROUP)).toBe('CompletingRebalance');
    // A commit before the assignment arrives is answered REBALANCE_IN_PROGRESS.
    const early = await gc.commitOffsets({ groupId: GROUP, memberId: b.memberId, groupInstanceId: null, generationId: 2, offsets: [{ topic: 't1', partition: 0, offset: 6, leaderEpoch: -1, metadata: null }] });
    expect(early[0]!.errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    // A stale-generation SyncGroup is rejected.
    const stale = await gc.syncGroup({ groupId: GROUP, generationId: 1, memberId: b.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] });
    expect(stale.errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    const wrongProto = await gc.syncGroup({ groupId: GROUP, generationId: 2, memberId: b.memberId, groupInstanceId: null, protocolType: 'connect', protocolName: 'range', assignments: [] });
    expect(wrongProto.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  });

  it('a session timeout removes the silent member and triggers a rebalance; non-rejoiners are dropped after the rebalance timeout', async () => {
    const { gc, clock } = await setup({ groupInitialRebalanceDelayMs: 3000 });
    const { a, b, c } = await stableThree(gc, (ms) => clock.advance(ms));
    clock.advance(6000);
    await flush();
    expect(await hb(gc, a.memberId)).toBe(0);
    expect(await hb(gc, b.memberId)).toBe(0);
    clock.advance(4500); // c: 10.5 s without a heartbeat
    await flush();
    expect(gc.groupState(GROUP)).toBe('PreparingRebalance');
    expect(gc.describeGroup(GROUP).members.map((m) => m.memberId)).toEqual([a.memberId, b.memberId]);
    expect(await hb(gc, c.memberId)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);

    // Only b rejoins; a keeps silent and is dropped when the rebalance timeout (30 s) passes.
    const rb = track(gc.joinGroup(joinParams('b', { memberId: b.memberId })));
    await flush();
    expect(rb.done).toBe(false);
    clock.advance(30_000);
    await flush();
    expect(rb.value).toMatchObject({ errorCode: 0, generationId: 2, leaderId: b.memberId });
    expect(rb.value!.members.map((m) => m.memberId)).toEqual([b.memberId]);
    expect(gc.describeGroup(GROUP).members.map((m) => m.memberId)).toEqual([b.memberId]);
  });

  it('removes members that never send SyncGroup after the rebalance timeout', async () => {
    const { gc, clock } = await setup();
    const a = (await gc.joinGroup(joinParams('a'))) as JoinGroupResult;
    expect(a.generationId).toBe(1);
    await gc.syncGroup({ groupId: GROUP, generationId: 1, memberId: a.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] });
    const jb = track(gc.joinGroup(joinParams('b')));
    await flush();
    expect(await hb(gc, a.memberId)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const ja = await gc.joinGroup(joinParams('a', { memberId: a.memberId }));
    await flush();
    expect(ja.generationId).toBe(2);
    expect(jb.value!.generationId).toBe(2);
    // Only a syncs (as leader); b never does.
    await gc.syncGroup({ groupId: GROUP, generationId: 2, memberId: a.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] });
    expect(gc.groupState(GROUP)).toBe('Stable');
    for (let i = 0; i < 3; i++) {
      clock.advance(9000);
      await flush();
      expect(await hb(gc, a.memberId, 2)).toBe(0);
      expect(await hb(gc, jb.value!.memberId, 2)).toBe(0);
    }
    clock.advance(3001);
    await flush();
    expect(gc.groupState(GROUP)).toBe('PreparingRebalance');
    expect(gc.describeGroup(GROUP).members.map((m) => m.memberId)).toEqual([a.memberId]);
  });

  it('v4+ first join answers MEMBER_ID_REQUIRED, then the second join with that id is admitted; stale pending ids expire', async () => {
    const { gc, clock } = await setup();
    const first = await gc.joinGroup(joinParams('a', { requireKnownMemberId: true }));
    expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    expect(first.memberId).toMatch(/^a-uuid/);
    expect(gc.groupState(GROUP)).toBe('Empty');
    const second = await gc.joinGroup(joinParams('a', { memberId: first.memberId, requireKnownMemberId: true }));
    expect(second).toMatchObject({ errorCode: 0, memberId: first.memberId, generationId: 1, leaderId: first.memberId });

    // A pending id that never comes back blocks the next rebalance only until its session timeout.
    await gc.syncGroup({ groupId: GROUP, generationId: 1, memberId: first.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] });
    const ghost = await gc.joinGroup(joinParams('ghost', { requireKnownMemberId: true }));
    expect(ghost.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    const rejoin = track(gc.joinGroup(joinParams('a', { memberId: first.memberId })));
    await flush();
    expect(rejoin.done).toBe(false);
    clock.advance(10_000);
    await flush();
    expect(rejoin.value).toMatchObject({ errorCode: 0, generationId: 2 });
    const late = await gc.joinGroup(joinParams('ghost', { memberId: ghost.memberId }));
    expect(late.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('validates session timeouts, group ids, protocol types and group.max.size', async () => {
    const { gc } = await setup({ groupMaxSize: 1 });
    expect((await gc.joinGroup(joinParams('a', { sessionTimeoutMs: 1000 }))).errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT);
    expect((await gc.joinGroup(joinParams('a', { sessionTimeoutMs: 2_000_000 }))).errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT);
    expect((await gc.joinGroup(joinParams('a', { groupId: '' }))).errorCode).toBe(ErrorCode.INVALID_GROUP_ID);
    expect((await gc.joinGroup(joinParams('a', { memberId: 'stale' }))).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect((await gc.joinGroup(joinParams('a', { protocols: [] }))).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    const a = await gc.joinGroup(joinParams('a'));
    expect(a.errorCode).toBe(0);
    // group.max.size is checked first, as in Kafka.
    expect((await gc.joinGroup(joinParams('b'))).errorCode).toBe(ErrorCode.GROUP_MAX_SIZE_REACHED);

    const gc2 = (await setup()).gc;
    const first = await gc2.joinGroup(joinParams('a'));
    await gc2.syncGroup({ groupId: GROUP, generationId: 1, memberId: first.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] });
    expect((await gc2.joinGroup(joinParams('b', { protocolType: 'connect' }))).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect((await gc2.joinGroup(joinParams('b', { protocols: [{ name: 'roundrobin', metadata: Buffer.alloc(0) }] }))).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect(gc2.groupState(GROUP)).toBe('Stable');
  });

  it('selects the protocol all members support by vote', async () => {
    const { gc } = await setup();
    const meta = Buffer.from('x');
    const a = await gc.joinGroup(joinParams('a', { protocols: [{ name: 'range', metadata: meta }, { name: 'sticky', metadata: meta }] }));
    expect(a.protocolName).toBe('range');
    await gc.syncGroup({ groupId: GROUP, generationId: 1, memberId: a.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] });
    const jb = track(gc.joinGroup(joinParams('b', { protocols: [{ name: 'sticky', metadata: meta }, { name: 'range', metadata: meta }] })));
    const jc = track(gc.joinGroup(joinParams('c', { protocols: [{ name: 'sticky', metadata: meta }, { name: 'range', metadata: meta }] })));
    await flush();
    const ja = await gc.joinGroup(joinParams('a', { memberId: a.memberId, protocols: [{ name: 'range', metadata: meta }, { name: 'sticky', metadata: meta }] }));
    await flush();
    expect(ja.protocolName).toBe('sticky');
    expect(jb.value!.protocolName).toBe('sticky');
    expect(jc.value!.generationId).toBe(2);
  });

  it('a follower rejoining a stable group with unchanged metadata gets the current generation without a rebalance', async () => {
    const { gc, clock } = await setup({ groupInitialRebalanceDelayMs: 3000 });
    const { b } = await stableThree(gc, (ms) => clock.advance(ms));
    const again = await gc.joinGroup(joinParams('b', { memberId: b.memberId }));
    expect(again).toMatchObject({ errorCode: 0, generationId: 1, memberId: b.memberId, members: [] });
    expect(gc.groupState(GROUP)).toBe('Stable');
  });

  it('serializes a group: a heartbeat waits for an in-flight SyncGroup write', async () => {
    const store = new MemoryStore();
    const { gc } = await setup({}, store);
    const a = await gc.joinGroup(joinParams('a'));
    const g = gate();
    store.gate = g.promise;
    const sync = track(gc.syncGroup({ groupId: GROUP, generationId: 1, memberId: a.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [{ memberId: a.memberId, assignment: Buffer.from('A') }] }));
    const beat = track(gc.heartbeat({ groupId: GROUP, memberId: a.memberId, generationId: 1, groupInstanceId: null }));
    await flush();
    expect(sync.done).toBe(false);
    expect(beat.done).toBe(false);
    store.gate = null;
    g.open();
    await flush();
    expect(sync.value!.assignment.toString()).toBe('A');
    expect(beat.value).toBe(0);
  });

  it('a failed assignment write answers the members with the error and restarts the rebalance', async () => {
    const store = new MemoryStore();
    const { gc } = await setup({}, store);
    const a = await gc.joinGroup(joinParams('a'));
    store.fail = Object.assign(new Error('no leader'), {});
    const { KafkaError } = await import('../src/protocol/errors.js');
    store.fail = new KafkaError(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    const r = await gc.syncGroup({ groupId: GROUP, generationId: 1, memberId: a.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] });
    expect(r.errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    await flush();
    // The only member is no longer awaiting join, so the new rebalance waits for it.
    expect(gc.groupState(GROUP)).toBe('PreparingRebalance');
  });
});

describe('static membership', () => {
  const staticJoin = (id: string, over: Parameters<typeof joinParams>[1] = {}) => joinParams(id, { groupInstanceId: `inst-${id}`, ...over });

  it('a restarted static member gets a new member id without a rebalance; the old id is fenced', async () => {
    const { gc, store } = await setup();
    const a = await gc.joinGroup(staticJoin('a', { requireKnownMemberId: false }));
    expect(a.memberId).toMatch(/^inst-a-uuid/);
    await gc.syncGroup({ groupId: GROUP, generationId: 1, memberId: a.memberId, groupInstanceId: 'inst-a', protocolType: null, protocolName: null, assignments: [] });
    const jb = track(gc.joinGroup(staticJoin('b')));
    await flush();
    await gc.joinGroup(staticJoin('a', { memberId: a.memberId }));
    await flush();
    const b = jb.value!;
    expect(b.generationId).toBe(2);
    await gc.syncGroup({
      groupId: GROUP, generationId: 2, memberId: a.memberId, groupInstanceId: 'inst-a', protocolType: null, protocolName: null,
      assignments: [{ memberId: a.memberId, assignment: Buffer.from('A') }, { memberId: b.memberId, assignment: Buffer.from('B') }],
    });
    await flush();
    expect(gc.groupState(GROUP)).toBe('Stable');

    // b restarts: unknown member id, same instance id and protocols.
    const b2 = await gc.joinGroup(staticJoin('b'));
    expect(b2).toMatchObject({ errorCode: 0, generationId: 2, leaderId: a.memberId, members: [] });
    expect(b2.memberId).not.toBe(b.memberId);
    expect(gc.groupState(GROUP)).toBe('Stable');
    const s = await gc.syncGroup({ groupId: GROUP, generationId: 2, memberId: b2.memberId, groupInstanceId: 'inst-b', protocolType: null, protocolName: null, assignments: [] });
    expect(s.assignment.toString()).toBe('B');
    // The old incarnation is fenced everywhere.
    expect(await hb(gc, b.memberId, 2, 'inst-b')).toBe(ErrorCode.FENCED_INSTANCE_ID);
    const fencedCommit = await gc.commitOffsets({ groupId: GROUP, memberId: b.memberId, groupInstanceId: 'inst-b', generationId: 2, offsets: [{ topic: 't1', partition: 0, offset: 1, leaderEpoch: -1, metadata: null }] });
    expect(fencedCommit[0]!.errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
    const fencedSync = await gc.syncGroup({ groupId: GROUP, generationId: 2, memberId: b.memberId, groupInstanceId: 'inst-b', protocolType: null, protocolName: null, assignments: [] });
    expect(fencedSync.errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
    expect(await hb(gc, b2.memberId, 2, 'inst-b')).toBe(0);
    // The replacement is persisted.
    const last = store.records().filter((r) => r.type === 'group').at(-1)!;
    if (last.type !== 'group') throw new Error('unreachable');
    expect(last.value!.members.map((m) => [m.memberId, m.groupInstanceId])).toEqual([
      [a.memberId, 'inst-a'],
      [b2.memberId, 'inst-b'],
    ]);
  });

  it('a restarted static leader on v9 is told it leads but must skip the assignment', async () => {
    const { gc } = await setup();
    const a = await gc.joinGroup(staticJoin('a'));
    await gc.syncGroup({ groupId: GROUP, generationId: 1, memberId: a.memberId, groupInstanceId: 'inst-a', protocolType: null, protocolName: null, assignments: [] });
    const a2 = await gc.joinGroup(staticJoin('a', { supportSkippingAssignment: true }));
    expect(a2).toMatchObject({ errorCode: 0, generationId: 1, leaderId: a2.memberId, skipAssignment: true });
    expect(a2.members.map((m) => m.groupInstanceId)).toEqual(['inst-a']);
  });

  it('static members survive the rebalance timeout without rejoining and are removed by LeaveGroup with instance id only', async () => {
    const { gc, clock } = await setup();
    // A session longer than the rebalance timeout: the static member is expected back (a restart), not dead.
    const a = await gc.joinGroup(staticJoin('a', { sessionTimeoutMs: 60_000 }));
    await gc.syncGroup({ groupId: GROUP, generationId: 1, memberId: a.memberId, groupInstanceId: 'inst-a', protocolType: null, protocolName: null, assignments: [] });
    const jb = track(gc.joinGroup(joinParams('b')));
    await flush();
    clock.advance(30_000);
    await flush();
    // a (static) did not rejoin and stays; b becomes leader of generation 2.
    expect(jb.value).toMatchObject({ errorCode: 0, generationId: 2, leaderId: jb.value!.memberId });
    expect(jb.value!.members.map((m) => m.memberId)).toEqual([a.memberId, jb.value!.memberId]);
    const r = await gc.leaveGroup(GROUP, [{ memberId: '', groupInstanceId: 'inst-a' }, { memberId: '', groupInstanceId: 'inst-zz' }]);
    expect(r.members.map((m) => m.errorCode)).toEqual([0, ErrorCode.UNKNOWN_MEMBER_ID]);
    expect(gc.describeGroup(GROUP).members.map((m) => m.memberId)).toEqual([jb.value!.memberId]);
  });
});

describe('leave and list', () => {
  it('the last member leaving empties the group, which is persisted with a new generation', async () => {
    const { gc, store } = await setup();
    const a = await gc.joinGroup(joinParams('a'));
    await gc.syncGroup({ groupId: GROUP, generationId: 1, memberId: a.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] });
    const r = await gc.leaveGroup(GROUP, [{ memberId: a.memberId, groupInstanceId: null }, { memberId: 'x', groupInstanceId: null }]);
    expect(r.members.map((m) => m.errorCode)).toEqual([0, ErrorCode.UNKNOWN_MEMBER_ID]);
    await flush();
    expect(gc.groupState(GROUP)).toBe('Empty');
    const last = store.records().filter((x) => x.type === 'group').at(-1)!;
    if (last.type !== 'group') throw new Error('unreachable');
    expect(last.value).toMatchObject({ generation: 2, protocol: null, leader: null, members: [] });
    expect((await gc.leaveGroup('nope', [{ memberId: 'm', groupInstanceId: null }])).members[0]!.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('ListGroups filters by state (case-insensitively) and type', async () => {
    const { gc } = await setup();
    await gc.joinGroup(joinParams('a'));
    await gc.commitOffsets({ groupId: 'simple', memberId: '', groupInstanceId: null, generationId: -1, offsets: [{ topic: 't', partition: 0, offset: 1, leaderEpoch: -1, metadata: '' }] });
    const all = gc.listGroups();
    expect(all.groups.map((g) => [g.groupId, g.state, g.protocolType]).sort()).toEqual([
      [GROUP, 'CompletingRebalance', 'consumer'],
      ['simple', 'Empty', ''],
    ]);
    expect(gc.listGroups(['empty']).groups.map((g) => g.groupId)).toEqual(['simple']);
    expect(gc.listGroups([], ['consumer']).groups).toEqual([]);
    expect(gc.listGroups([], ['Classic']).groups).toHaveLength(2);
  });

  it('DescribeGroups reports an unknown group as Dead, and omits metadata unless Stable', async () => {
    const { gc } = await setup();
    expect(gc.describeGroup('unknown')).toMatchObject({ errorCode: 0, state: 'Dead', members: [] });
    await gc.joinGroup(joinParams('a'));
    const d = gc.describeGroup(GROUP);
    expect(d.state).toBe('CompletingRebalance');
    expect(d.protocol).toBe('');
    expect(d.members[0]!.metadata.length).toBe(0);
  });
});
