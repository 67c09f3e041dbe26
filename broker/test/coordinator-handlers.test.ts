import { describe, expect, it } from 'vitest';
import type { RequestContext } from '../src/handlers/context.js';
import { ErrorCode } from '../src/protocol/errors.js';
import { handleFindCoordinator } from '../src/handlers/10_find_coordinator.js';
import { handleJoinGroup } from '../src/handlers/11_join_group.js';
import { handleSyncGroup } from '../src/handlers/14_sync_group.js';
import { handleLeaveGroup } from '../src/handlers/13_leave_group.js';
import { handleOffsetCommit } from '../src/handlers/08_offset_commit.js';
import { handleOffsetFetch } from '../src/handlers/09_offset_fetch.js';
import { handleDescribeGroups } from '../src/handlers/15_describe_groups.js';
import { handleListGroups } from '../src/handlers/16_list_groups.js';
import { handleDeleteGroups } from '../src/handlers/42_delete_groups.js';
import { handleOffsetDelete } from '../src/handlers/47_offset_delete.js';
import { handleHeartbeat } from '../src/handlers/12_heartbeat.js';
import type { GroupCoordinator } from '../src/coordinator/group-coordinator.js';
import { setup, subscription } from './coordinator-fixtures.js';

function ctxFor(groups: GroupCoordinator, offsetsTopic: { exists: boolean } = { exists: true }) {
  const offsetsPartitions = Array.from({ length: groups.numPartitions }, (_, partition) => ({ partition, leader: 1 }));
  return (apiVersion: number): RequestContext =>
    ({
      apiKey: 0,
      apiVersion,
      correlationId: 1,
      clientId: 'cli',
      clientHost: '/10.0.0.1',
      listenerName: 'PLAINTEXT',
      services: {
        config: { brokerId: 1 },
        metadata: {
          brokers: () => [{ id: 1, rack: null, endpoints: [{ name: 'CTRL', host: 'x', port: 1, securityProtocol: 'PLAINTEXT' }, { name: 'PLAINTEXT', host: 'broker1', port: 9092, securityProtocol: 'PLAINTEXT' }] }],
          topic: (name: string) => {
            if (name === 't1') return { name, partitions: [{ partition: 0 }, { partition: 1 }] };
            if (name === '__consumer_offsets' && offsetsTopic.exists) return { name, partitions: offsetsPartitions };
            return undefined;
          },
        },
        groups,
      },
    }) as unknown as RequestContext;
}

const join = (groupId: string, memberId = '') => ({
  groupId,
  sessionTimeoutMs: 10_000,
  rebalanceTimeoutMs: -1,
  memberId,
  groupInstanceId: null,
  protocolType: 'consumer',
  protocols: [{ name: 'range', metadata: subscription(['t1']) }],
  reason: null,
});

describe('coordinator handlers', () => {
  it('FindCoordinator: v0 single key, v4 batch, transaction keys not available yet', async () => {
    const { gc, ensured } = await setup();
    const offsetsTopic = { exists: false };
    const ctx = ctxFor(gc, offsetsTopic);
    // No __consumer_offsets yet: created, and the client is told to retry.
    const first = await handleFindCoordinator({ key: 'g', keyType: 0, coordinatorKeys: [] }, ctx(0));
    expect(first).toMatchObject({ errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, nodeId: -1 });
    expect(ensured()).toBe(1);
    offsetsTopic.exists = true;
    const v0 = await handleFindCoordinator({ key: 'g', keyType: 0, coordinatorKeys: [] }, ctx(0));
    expect(v0).toMatchObject({ errorCode: 0, nodeId: 1, host: 'broker1', port: 9092 });
    const v1txn = await handleFindCoordinator({ key: 'txn', keyType: 1, coordinatorKeys: [] }, ctx(1));
    expect(v1txn).toMatchObject({ errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, nodeId: -1, host: '', port: -1, errorMessage: 'The coordinator is not available.' });
    const v4 = await handleFindCoordinator({ key: '', keyType: 0, coordinatorKeys: ['a', 'b'] }, ctx(4));
    expect(v4.coordinators).toEqual([
      { key: 'a', nodeId: 1, host: 'broker1', port: 9092, errorCode: 0, errorMessage: 'NONE' },
      { key: 'b', nodeId: 1, host: 'broker1', port: 9092, errorCode: 0, errorMessage: 'NONE' },
    ]);
  });

  it('JoinGroup: v0 uses the session timeout as rebalance timeout, v3 has no MEMBER_ID_REQUIRED, v4+ does', async () => {
    const { gc } = await setup();
    const ctx = ctxFor(gc);
    const v0 = await handleJoinGroup(join('g0'), ctx(0));
    expect(v0).toMatchObject({ errorCode: 0, generationId: 1, protocolName: 'range' });
    expect(v0.memberId).toMatch(/^cli-/);
    expect(v0.members).toHaveLength(1);
    expect(gc.describeGroup('g0').members[0]!.clientHost).toBe('/10.0.0.1');

    const v3 = await handleJoinGroup(join('g3'), ctx(3));
    expect(v3.errorCode).toBe(0);

    const v6 = await handleJoinGroup(join('g6'), ctx(6));
    expect(v6).toMatchObject({ errorCode: ErrorCode.MEMBER_ID_REQUIRED, protocolName: '', generationId: -1, leader: '' });
    const v7 = await handleJoinGroup(join('g7'), ctx(7));
    expect(v7).toMatchObject({ errorCode: ErrorCode.MEMBER_ID_REQUIRED, protocolName: null, protocolType: null });
    const again = await handleJoinGroup(join('g7', v7.memberId), ctx(7));
    expect(again).toMatchObject({ errorCode: 0, memberId: v7.memberId, protocolType: 'consumer', protocolName: 'range' });

    // SyncGroup v5 requires protocol type and name.
    const sync5 = await handleSyncGroup({ groupId: 'g7', generationId: 1, memberId: v7.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] }, ctx(5));
    expect(sync5.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    const sync = await handleSyncGroup({ groupId: 'g7', generationId: 1, memberId: v7.memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'range', assignments: [{ memberId: v7.memberId, assignment: Buffer.from('x') }] }, ctx(5));
    expect(sync).toMatchObject({ errorCode: 0, protocolType: 'consumer', protocolName: 'range' });
    expect((await handleHeartbeat({ groupId: 'g7', generationId: 1, memberId: v7.memberId, groupInstanceId: null }, ctx(4))).errorCode).toBe(0);
  });

  it('LeaveGroup: v0-2 fold the member error into the top-level code; v3+ answer per member', async () => {
    const { gc } = await setup();
    const ctx = ctxFor(gc);
    const v0 = await handleLeaveGroup({ groupId: 'nope', memberId: 'm', members: [] }, ctx(0));
    expect(v0).toMatchObject({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, members: [] });
    const v3 = await handleLeaveGroup({ groupId: 'nope', memberId: '', members: [{ memberId: 'm', groupInstanceId: 'i', reason: null }] }, ctx(3));
    expect(v3).toMatchObject({ errorCode: 0, members: [{ memberId: 'm', groupInstanceId: 'i', errorCode: ErrorCode.UNKNOWN_MEMBER_ID }] });
  });

  it('OffsetCommit/OffsetFetch: unknown topics, all-topics fetch, v8 groups, v1 error placement', async () => {
    const { gc } = await setup();
    const ctx = ctxFor(gc);
    const c = await handleOffsetCommit({
      groupId: 's', generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1,
      topics: [
        { name: 't1', partitions: [{ partitionIndex: 0, committedOffset: 42, committedLeaderEpoch: 3, commitTimestamp: -1, committedMetadata: 'meta' }, { partitionIndex: 9, committedOffset: 1, committedLeaderEpoch: -1, commitTimestamp: -1, committedMetadata: null }] },
        { name: 'nope', partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, commitTimestamp: -1, committedMetadata: null }] },
      ],
    }, ctx(8));
    expect(c.topics).toEqual([
      { name: 't1', partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 9, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }] },
      { name: 'nope', partitions: [{ partitionIndex: 0, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }] },
    ]);
    const all = await handleOffsetFetch({ groupId: 's', topics: null, groups: [], requireStable: false }, ctx(7));
    expect(all).toMatchObject({ errorCode: 0, topics: [{ name: 't1', partitions: [{ partitionIndex: 0, committedOffset: 42, committedLeaderEpoch: 3, metadata: 'meta', errorCode: 0 }] }] });
    const v8 = await handleOffsetFetch({ groupId: '', topics: [], requireStable: true, groups: [
      { groupId: 's', memberId: null, memberEpoch: -1, topics: [{ name: 't1', partitionIndexes: [0, 1] }] },
      { groupId: 'other', memberId: null, memberEpoch: -1, topics: null },
    ] }, ctx(8));
    expect(v8.groups).toEqual([
      { groupId: 's', errorCode: 0, topics: [{ name: 't1', partitions: [
        { partitionIndex: 0, committedOffset: 42, committedLeaderEpoch: 3, metadata: 'meta', errorCode: 0 },
        { partitionIndex: 1, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: 0 },
      ] }] },
      { groupId: 'other', errorCode: 0, topics: [] },
    ]);
    gc.shutdown();
    const v1 = await handleOffsetFetch({ groupId: 's', topics: [{ name: 't1', partitionIndexes: [0] }], groups: [], requireStable: false }, ctx(1));
    expect(v1.topics[0]!.partitions[0]).toMatchObject({ committedOffset: -1, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE });
    const v2 = await handleOffsetFetch({ groupId: 's', topics: null, groups: [], requireStable: false }, ctx(2));
    expect(v2).toMatchObject({ errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, topics: [] });
  });

  it('DescribeGroups, ListGroups, DeleteGroups, OffsetDelete', async () => {
    const { gc } = await setup();
    const ctx = ctxFor(gc);
    const j = await handleJoinGroup(join('g'), ctx(3));
    await handleSyncGroup({ groupId: 'g', generationId: 1, memberId: j.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [{ memberId: j.memberId, assignment: Buffer.from('a') }] }, ctx(3));
    const d = await handleDescribeGroups({ groups: ['g', 'x'], includeAuthorizedOperations: true }, ctx(5));
    expect(d.groups[0]).toMatchObject({ errorCode: 0, groupId: 'g', groupState: 'Stable', protocolType: 'consumer', protocolData: 'range', authorizedOperations: (1 << 3) | (1 << 6) | (1 << 8) });
    expect(d.groups[0]!.members[0]).toMatchObject({ memberId: j.memberId, clientId: 'cli', clientHost: '/10.0.0.1', memberAssignment: Buffer.from('a') });
    expect(d.groups[1]).toMatchObject({ groupId: 'x', groupState: 'Dead', members: [] });
    const l = await handleListGroups({ statesFilter: ['Stable'], typesFilter: [] }, ctx(5));
    expect(l.groups).toEqual([{ groupId: 'g', protocolType: 'consumer', groupState: 'Stable', groupType: 'classic' }]);
    const del = await handleDeleteGroups({ groupsNames: ['g'] }, ctx(2));
    expect(del.results).toEqual([{ groupId: 'g', errorCode: ErrorCode.NON_EMPTY_GROUP }]);
    const od = await handleOffsetDelete({ groupId: 'g', topics: [{ name: 't1', partitions: [{ partitionIndex: 0 }] }, { name: 'zz', partitions: [{ partitionIndex: 0 }] }] }, ctx(0));
    expect(od).toEqual({
      errorCode: 0,
      throttleTimeMs: 0,
      topics: [
        { name: 't1', partitions: [{ partitionIndex: 0, errorCode: ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC }] },
        { name: 'zz', partitions: [{ partitionIndex: 0, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }] },
      ],
    });
    const odMissing = await handleOffsetDelete({ groupId: 'none', topics: [] }, ctx(0));
    expect(odMissing.errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
  });
});
