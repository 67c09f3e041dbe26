/**
 * Round trips of the group, offset and producer-id message schemas through the generic codec, at every
 * version in the supported ranges, plus byte-exact checks of hand-built encodings.
 *
 * The oracle for a round trip is `project(spec, version, full)`: the full sample value with every field
 * absent at that version replaced by its default (what the decoder must fill in, and what the encoder must
 * drop). Samples are typed with the hand-written interfaces, and `specFieldNames` checks that each sample
 * names exactly the spec's fields, so interface and schema cannot drift apart unnoticed.
 */
import { describe, expect, it } from 'vitest';
import { decode, encode } from '../src/protocol/codec.js';
import type { FieldSpec, MessageSpec, StructSpec } from '../src/protocol/schema.js';
import {
  DeleteRecordsRequestSpec,
  DeleteRecordsResponseSpec,
  type DeleteRecordsRequest,
  type DeleteRecordsResponse,
} from '../src/protocol/messages/21_delete_records.js';
import {
  InitProducerIdRequestSpec,
  InitProducerIdResponseSpec,
  type InitProducerIdRequest,
  type InitProducerIdResponse,
} from '../src/protocol/messages/22_init_producer_id.js';
import {
  FindCoordinatorRequestSpec,
  FindCoordinatorResponseSpec,
  type FindCoordinatorRequest,
  type FindCoordinatorResponse,
} from '../src/protocol/messages/10_find_coordinator.js';
import {
  JoinGroupRequestSpec,
  JoinGroupResponseSpec,
  type JoinGroupRequest,
  type JoinGroupResponse,
} from '../src/protocol/messages/11_join_group.js';
import {
  SyncGroupRequestSpec,
  SyncGroupResponseSpec,
  type SyncGroupRequest,
  type SyncGroupResponse,
} from '../src/protocol/messages/14_sync_group.js';
import {
  HeartbeatRequestSpec,
  HeartbeatResponseSpec,
  type HeartbeatRequest,
  type HeartbeatResponse,
} from '../src/protocol/messages/12_heartbeat.js';
import {
  LeaveGroupRequestSpec,
  LeaveGroupResponseSpec,
  type LeaveGroupRequest,
  type LeaveGroupResponse,
} from '../src/protocol/messages/13_leave_group.js';
import {
  OffsetCommitRequestSpec,
  OffsetCommitResponseSpec,
  type OffsetCommitRequest,
  type OffsetCommitResponse,
} from '../src/protocol/messages/08_offset_commit.js';
import {
  OffsetFetchRequestSpec,
  OffsetFetchResponseSpec,
  type OffsetFetchRequest,
  type OffsetFetchResponse,
} from '../src/protocol/messages/09_offset_fetch.js';
import {
  ListGroupsRequestSpec,
  ListGroupsResponseSpec,
  type ListGroupsRequest,
  type ListGroupsResponse,
} from '../src/protocol/messages/16_list_groups.js';
import {
  DescribeGroupsRequestSpec,
  DescribeGroupsResponseSpec,
  type DescribeGroupsRequest,
  type DescribeGroupsResponse,
} from '../src/protocol/messages/15_describe_groups.js';
import {
  DeleteGroupsRequestSpec,
  DeleteGroupsResponseSpec,
  type DeleteGroupsRequest,
  type DeleteGroupsResponse,
} from '../src/protocol/messages/42_delete_groups.js';
import {
  OffsetDeleteRequestSpec,
  OffsetDeleteResponseSpec,
  type OffsetDeleteRequest,
  type OffsetDeleteResponse,
} from '../src/protocol/messages/47_offset_delete.js';
import {
  ConsumerProtocolAssignmentSpec,
  ConsumerProtocolSubscriptionSpec,
  GroupMetadataKeySpec,
  GroupMetadataValueSpec,
  OffsetCommitKeySpec,
  OffsetCommitValueSpec,
  type ConsumerProtocolAssignment,
  type ConsumerProtocolSubscription,
  type GroupMetadataKey,
  type GroupMetadataValue,
  type OffsetCommitKey,
  type OffsetCommitValue,
} from '../src/protocol/messages/consumer-protocol.js';

// ---------------------------------------------------------------------------------------------------------
// Test-side model of the schema semantics (independent of the codec under test)

type Obj = Record<string, unknown>;

/** Kafka version-range syntax: "3+", "0-4", "5", "none". */
function inRange(range: string, v: number): boolean {
  if (range === 'none') return false;
  if (range.endsWith('+')) return v >= Number(range.slice(0, -1));
  const dash = range.indexOf('-');
  if (dash >= 0) return v >= Number(range.slice(0, dash)) && v <= Number(range.slice(dash + 1));
  return v === Number(range);
}

function camel(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

const PRIMITIVES = new Set(['bool', 'int8', 'int16', 'uint16', 'int32', 'int64', 'float64', 'string', 'uuid', 'bytes', 'records']);

/** The struct fields of a field of struct or struct-array type (inline or from commonStructs), else undefined. */
function structFields(spec: MessageSpec, f: FieldSpec): readonly FieldSpec[] | undefined {
  if (f.fields) return f.fields;
  const t = f.type.startsWith('[]') ? f.type.slice(2) : f.type;
  if (PRIMITIVES.has(t)) return undefined;
  const common = spec.commonStructs?.find((s: StructSpec) => s.name === t);
  if (!common) throw new Error(`unknown struct ${t} in ${spec.name}`);
  return common.fields;
}

function defaultOf(spec: MessageSpec, f: FieldSpec): unknown {
  const d = f.default;
  if (f.type.startsWith('[]')) return d === 'null' ? null : [];
  const sub = structFields(spec, f);
  if (sub) return defaultStruct(spec, sub);
  if (d === 'null') return null;
  switch (f.type) {
    case 'bool':
      return d === undefined ? false : d === true || d === 'true';
    case 'string':
      return d === undefined ? '' : String(d);
    case 'uuid':
      return d === undefined ? 'AAAAAAAAAAAAAAAAAAAAAA' : String(d);
    case 'bytes':
      return Buffer.alloc(0);
    default:
      return d === undefined ? 0 : Number(d);
  }
}

function defaultStruct(spec: MessageSpec, fields: readonly FieldSpec[]): Obj {
  const o: Obj = {};
  for (const f of fields) o[camel(f.name)] = defaultOf(spec, f);
  return o;
}

/** `value` as it must come out of encode+decode at `version`. */
function project(spec: MessageSpec, fields: readonly FieldSpec[], version: number, value: Obj): Obj {
  const o: Obj = {};
  for (const f of fields) {
    const k = camel(f.name);
    if (!inRange(f.versions, version)) {
      o[k] = defaultOf(spec, f);
      continue;
    }
    const v = value[k];
    const sub = structFields(spec, f);
    if (sub && v !== null && v !== undefined) {
      o[k] = f.type.startsWith('[]')
        ? (v as Obj[]).map((e) => project(spec, sub, version, e))
        : project(spec, sub, version, v as Obj);
    } else {
      o[k] = v;
    }
  }
  return o;
}

/** Every field name (camelCase) the spec defines at any version, as dotted paths. */
function specFieldNames(spec: MessageSpec, fields: readonly FieldSpec[] = spec.fields, prefix = ''): string[] {
  const out: string[] = [];
  for (const f of fields) {
    const p = prefix + camel(f.name);
    out.push(p);
    const sub = structFields(spec, f);
    if (sub) out.push(...specFieldNames(spec, sub, p + '.'));
  }
  return out.sort();
}

/** Every key path present in a sample value (arrays: the union over their elements). */
function valueKeyPaths(value: Obj, prefix = ''): string[] {
  const out = new Set<string>();
  for (const [k, v] of Object.entries(value)) {
    const p = prefix + k;
    out.add(p);
    const elems = Array.isArray(v) ? v : v !== null && typeof v === 'object' && !Buffer.isBuffer(v) ? [v] : [];
    for (const e of elems) {
      if (e !== null && typeof e === 'object' && !Buffer.isBuffer(e)) {
        for (const q of valueKeyPaths(e as Obj, p + '.')) out.add(q);
      }
    }
  }
  return [...out].sort();
}

function versionsOf(range: [number, number]): number[] {
  const out: number[] = [];
  for (let v = range[0]; v <= range[1]; v++) out.push(v);
  return out;
}

function roundTrip(spec: MessageSpec, version: number, value: object): void {
  const bytes = Buffer.concat(encode(spec, version, value));
  const decoded = decode(spec, version, bytes);
  expect(decoded).toEqual(project(spec, spec.fields, version, value as Obj));
  // Re-encoding what was decoded gives the same bytes.
  expect(Buffer.concat(encode(spec, version, decoded as object))).toEqual(bytes);
}

function checkMessage(spec: MessageSpec, supported: [number, number], samples: object[]): void {
  describe(spec.name, () => {
    it('has a sample naming exactly the spec fields', () => {
      const union = new Set<string>();
      for (const s of samples) for (const p of valueKeyPaths(s as Obj)) union.add(p);
      expect([...union].sort()).toEqual(specFieldNames(spec));
    });
    it('supported range lies within validVersions', () => {
      expect(inRange(spec.validVersions, supported[0]) && inRange(spec.validVersions, supported[1])).toBe(true);
    });
    for (const v of versionsOf(supported)) {
      it(`round-trips at v${v}`, () => {
        for (const s of samples) roundTrip(spec, v, s);
      });
    }
  });
}

// ---------------------------------------------------------------------------------------------------------
// Samples (every field set to a non-default value, so dropped/defaulted fields are visible)

const md = (s: string): Buffer => Buffer.from(s, 'utf8');

const deleteRecordsRequest: DeleteRecordsRequest = {
  topics: [
    { name: 'orders', partitions: [{ partitionIndex: 0, offset: 42 }, { partitionIndex: 3, offset: -1 }] },
    { name: 'empty', partitions: [] },
  ],
  timeoutMs: 30000,
};
const deleteRecordsResponse: DeleteRecordsResponse = {
  throttleTimeMs: 5,
  topics: [
    {
      name: 'orders',
      partitions: [
        { partitionIndex: 0, lowWatermark: 42, errorCode: 0 },
        { partitionIndex: 3, lowWatermark: -1, errorCode: 3 },
      ],
    },
  ],
};

const initProducerIdRequests: InitProducerIdRequest[] = [
  { transactionalId: 'tx-1', transactionTimeoutMs: 60000, producerId: 1234567890123, producerEpoch: 7 },
  { transactionalId: null, transactionTimeoutMs: 2147483647, producerId: -1, producerEpoch: -1 },
];
const initProducerIdResponse: InitProducerIdResponse = {
  throttleTimeMs: 1,
  errorCode: 0,
  producerId: 2 ** 40 + 17,
  producerEpoch: 32767,
};

const findCoordinatorRequest: FindCoordinatorRequest = {
  key: 'group-a',
  keyType: 1,
  coordinatorKeys: ['group-a', 'group-b', ''],
};
const findCoordinatorResponses: FindCoordinatorResponse[] = [
  {
    throttleTimeMs: 10,
    errorCode: 15,
    errorMessage: 'The coordinator is not available.',
    nodeId: 1,
    host: 'broker-1.example',
    port: 9092,
    coordinators: [
      { key: 'group-a', nodeId: 1, host: 'broker-1.example', port: 9092, errorCode: 0, errorMessage: null },
      { key: 'group-b', nodeId: -1, host: '', port: -1, errorCode: 15, errorMessage: 'not available' },
    ],
  },
  {
    throttleTimeMs: 0,
    errorCode: 0,
    errorMessage: 'x',
    nodeId: 2,
    host: 'h',
    port: 1,
    coordinators: [],
  },
];

const joinGroupRequests: JoinGroupRequest[] = [
  {
    groupId: 'g1',
    sessionTimeoutMs: 45000,
    rebalanceTimeoutMs: 300000,
    memberId: 'consumer-1-8c6e',
    groupInstanceId: 'instance-1',
    protocolType: 'consumer',
    protocols: [
      { name: 'range', metadata: md('range-metadata') },
      { name: 'cooperative-sticky', metadata: Buffer.alloc(0) },
    ],
    reason: 'rebalance failed due to X',
  },
  {
    groupId: 'g1',
    sessionTimeoutMs: 10000,
    rebalanceTimeoutMs: -1,
    memberId: '',
    groupInstanceId: null,
    protocolType: 'consumer',
    protocols: [],
    reason: null,
  },
];
const joinGroupResponses: JoinGroupResponse[] = [
  {
    throttleTimeMs: 3,
    errorCode: 0,
    generationId: 12,
    protocolType: 'consumer',
    protocolName: 'range',
    leader: 'consumer-1-8c6e',
    skipAssignment: true,
    memberId: 'consumer-1-8c6e',
    members: [
      { memberId: 'consumer-1-8c6e', groupInstanceId: 'instance-1', metadata: md('m1') },
      { memberId: 'consumer-2-aa', groupInstanceId: null, metadata: Buffer.alloc(5000, 7) },
    ],
  },
  {
    throttleTimeMs: 0,
    errorCode: 79,
    generationId: -1,
    protocolType: null,
    protocolName: '',
    leader: '',
    skipAssignment: false,
    memberId: 'consumer-3-bb',
    members: [],
  },
];

const syncGroupRequests: SyncGroupRequest[] = [
  {
    groupId: 'g1',
    generationId: 12,
    memberId: 'consumer-1-8c6e',
    groupInstanceId: 'instance-1',
    protocolType: 'consumer',
    protocolName: 'range',
    assignments: [
      { memberId: 'consumer-1-8c6e', assignment: md('a1') },
      { memberId: 'consumer-2-aa', assignment: Buffer.alloc(0) },
    ],
  },
  {
    groupId: 'g1',
    generationId: 12,
    memberId: 'consumer-2-aa',
    groupInstanceId: null,
    protocolType: null,
    protocolName: null,
    assignments: [],
  },
];
const syncGroupResponse: SyncGroupResponse = {
  throttleTimeMs: 2,
  errorCode: 0,
  protocolType: 'consumer',
  protocolName: 'range',
  assignment: md('assignment-bytes'),
};

const heartbeatRequests: HeartbeatRequest[] = [
  { groupId: 'g1', generationId: 12, memberId: 'consumer-1-8c6e', groupInstanceId: 'instance-1' },
  { groupId: 'g1', generationId: -1, memberId: '', groupInstanceId: null },
];
const heartbeatResponse: HeartbeatResponse = { throttleTimeMs: 4, errorCode: 27 };

const leaveGroupRequest: LeaveGroupRequest = {
  groupId: 'g1',
  memberId: 'consumer-1-8c6e',
  members: [
    { memberId: 'consumer-1-8c6e', groupInstanceId: null, reason: 'the consumer is being closed' },
    { memberId: '', groupInstanceId: 'instance-2', reason: null },
  ],
};
const leaveGroupResponse: LeaveGroupResponse = {
  throttleTimeMs: 6,
  errorCode: 0,
  members: [
    { memberId: 'consumer-1-8c6e', groupInstanceId: null, errorCode: 0 },
    { memberId: '', groupInstanceId: 'instance-2', errorCode: 25 },
  ],
};

const offsetCommitRequest: OffsetCommitRequest = {
  groupId: 'g1',
  generationIdOrMemberEpoch: 12,
  memberId: 'consumer-1-8c6e',
  groupInstanceId: 'instance-1',
  retentionTimeMs: 86400000,
  topics: [
    {
      name: 'orders',
      partitions: [
        { partitionIndex: 0, committedOffset: 1000, committedLeaderEpoch: 3, commitTimestamp: 1700000000000, committedMetadata: 'meta' },
        { partitionIndex: 1, committedOffset: 2 ** 50, committedLeaderEpoch: -1, commitTimestamp: -1, committedMetadata: null },
      ],
    },
    { name: 'payments', partitions: [] },
  ],
};
const offsetCommitResponse: OffsetCommitResponse = {
  throttleTimeMs: 7,
  topics: [
    {
      name: 'orders',
      partitions: [
        { partitionIndex: 0, errorCode: 0 },
        { partitionIndex: 1, errorCode: 22 },
      ],
    },
  ],
};

const offsetFetchRequest: OffsetFetchRequest = {
  groupId: 'g1',
  topics: [
    { name: 'orders', partitionIndexes: [0, 1, 2] },
    { name: 'payments', partitionIndexes: [] },
  ],
  groups: [
    {
      groupId: 'g1',
      memberId: 'm-1',
      memberEpoch: 5,
      topics: [{ name: 'orders', partitionIndexes: [0, 7] }],
    },
    { groupId: 'g2', memberId: null, memberEpoch: -1, topics: null },
  ],
  requireStable: true,
};
const offsetFetchResponse: OffsetFetchResponse = {
  throttleTimeMs: 8,
  topics: [
    {
      name: 'orders',
      partitions: [
        { partitionIndex: 0, committedOffset: 1000, committedLeaderEpoch: 3, metadata: 'meta', errorCode: 0 },
        { partitionIndex: 1, committedOffset: -1, committedLeaderEpoch: -1, metadata: null, errorCode: 0 },
      ],
    },
  ],
  errorCode: 16,
  groups: [
    {
      groupId: 'g1',
      topics: [
        {
          name: 'orders',
          partitions: [
            { partitionIndex: 0, committedOffset: 1000, committedLeaderEpoch: 3, metadata: '', errorCode: 0 },
            { partitionIndex: 1, committedOffset: -1, committedLeaderEpoch: -1, metadata: null, errorCode: 88 },
          ],
        },
      ],
      errorCode: 0,
    },
    { groupId: 'g2', topics: [], errorCode: 69 },
  ],
};

const listGroupsRequest: ListGroupsRequest = { statesFilter: ['Stable', 'Empty'], typesFilter: ['classic'] };
const listGroupsResponse: ListGroupsResponse = {
  throttleTimeMs: 9,
  errorCode: 0,
  groups: [
    { groupId: 'g1', protocolType: 'consumer', groupState: 'Stable', groupType: 'classic' },
    { groupId: 'connect-x', protocolType: 'connect', groupState: 'Empty', groupType: 'classic' },
  ],
};

const describeGroupsRequest: DescribeGroupsRequest = { groups: ['g1', 'g2'], includeAuthorizedOperations: true };
const describeGroupsResponse: DescribeGroupsResponse = {
  throttleTimeMs: 11,
  groups: [
    {
      errorCode: 0,
      groupId: 'g1',
      groupState: 'Stable',
      protocolType: 'consumer',
      protocolData: 'range',
      members: [
        {
          memberId: 'consumer-1-8c6e',
          groupInstanceId: 'instance-1',
          clientId: 'consumer-1',
          clientHost: '/10.0.0.5',
          memberMetadata: md('sub'),
          memberAssignment: md('asg'),
        },
        {
          memberId: 'consumer-2-aa',
          groupInstanceId: null,
          clientId: 'consumer-2',
          clientHost: '/10.0.0.6',
          memberMetadata: Buffer.alloc(0),
          memberAssignment: Buffer.alloc(0),
        },
      ],
      authorizedOperations: 0b110111111000,
    },
    {
      errorCode: 69,
      groupId: 'g2',
      groupState: 'Dead',
      protocolType: '',
      protocolData: '',
      members: [],
      authorizedOperations: -2147483648,
    },
  ],
};

const deleteGroupsRequest: DeleteGroupsRequest = { groupsNames: ['g1', 'g2'] };
const deleteGroupsResponse: DeleteGroupsResponse = {
  throttleTimeMs: 12,
  results: [
    { groupId: 'g1', errorCode: 0 },
    { groupId: 'g2', errorCode: 68 },
  ],
};

const offsetDeleteRequest: OffsetDeleteRequest = {
  groupId: 'g1',
  topics: [{ name: 'orders', partitions: [{ partitionIndex: 0 }, { partitionIndex: 5 }] }],
};
const offsetDeleteResponse: OffsetDeleteResponse = {
  errorCode: 0,
  throttleTimeMs: 13,
  topics: [
    {
      name: 'orders',
      partitions: [
        { partitionIndex: 0, errorCode: 0 },
        { partitionIndex: 5, errorCode: 86 },
      ],
    },
  ],
};

const subscriptions: ConsumerProtocolSubscription[] = [
  {
    topics: ['orders', 'payments'],
    userData: md('user-data'),
    ownedPartitions: [
      { topic: 'orders', partitions: [0, 2] },
      { topic: 'payments', partitions: [] },
    ],
    generationId: 12,
    rackId: 'rack-a',
  },
  { topics: [], userData: null, ownedPartitions: [], generationId: -1, rackId: null },
];
const assignments: ConsumerProtocolAssignment[] = [
  {
    assignedPartitions: [
      { topic: 'orders', partitions: [0, 1] },
      { topic: 'payments', partitions: [3] },
    ],
    userData: md('ud'),
  },
  { assignedPartitions: [], userData: null },
];
const offsetCommitKey: OffsetCommitKey = { group: 'g1', topic: 'orders', partition: 3 };
const offsetCommitValue: OffsetCommitValue = {
  offset: 1000,
  leaderEpoch: 4,
  metadata: '',
  commitTimestamp: 1700000000000,
  expireTimestamp: 1700086400000,
};
const groupMetadataKey: GroupMetadataKey = { group: 'g1' };
const groupMetadataValues: GroupMetadataValue[] = [
  {
    protocolType: 'consumer',
    generation: 12,
    protocol: 'range',
    leader: 'consumer-1-8c6e',
    currentStateTimestamp: 1700000000123,
    members: [
      {
        memberId: 'consumer-1-8c6e',
        groupInstanceId: 'instance-1',
        clientId: 'consumer-1',
        clientHost: '/10.0.0.5',
        rebalanceTimeout: 300000,
        sessionTimeout: 45000,
        subscription: md('sub'),
        assignment: md('asg'),
      },
      {
        memberId: 'consumer-2-aa',
        groupInstanceId: null,
        clientId: 'consumer-2',
        clientHost: '/10.0.0.6',
        rebalanceTimeout: -1,
        sessionTimeout: 10000,
        subscription: Buffer.alloc(0),
        assignment: Buffer.alloc(0),
      },
    ],
  },
  { protocolType: '', generation: 0, protocol: null, leader: null, currentStateTimestamp: -1, members: [] },
];

// ---------------------------------------------------------------------------------------------------------
// Round trips at every supported version

describe('group APIs: round trips', () => {
  checkMessage(DeleteRecordsRequestSpec, [0, 2], [deleteRecordsRequest]);
  checkMessage(DeleteRecordsResponseSpec, [0, 2], [deleteRecordsResponse]);
  checkMessage(InitProducerIdRequestSpec, [0, 5], initProducerIdRequests);
  checkMessage(InitProducerIdResponseSpec, [0, 5], [initProducerIdResponse]);
  checkMessage(FindCoordinatorRequestSpec, [0, 4], [findCoordinatorRequest]);
  checkMessage(FindCoordinatorResponseSpec, [0, 4], findCoordinatorResponses);
  checkMessage(JoinGroupRequestSpec, [0, 9], joinGroupRequests.slice(0, 1));
  checkMessage(JoinGroupResponseSpec, [0, 9], joinGroupResponses.slice(0, 1));
  checkMessage(SyncGroupRequestSpec, [0, 5], syncGroupRequests);
  checkMessage(SyncGroupResponseSpec, [0, 5], [syncGroupResponse]);
  checkMessage(HeartbeatRequestSpec, [0, 4], heartbeatRequests);
  checkMessage(HeartbeatResponseSpec, [0, 4], [heartbeatResponse]);
  checkMessage(LeaveGroupRequestSpec, [0, 5], [leaveGroupRequest]);
  checkMessage(LeaveGroupResponseSpec, [0, 5], [leaveGroupResponse]);
  checkMessage(OffsetCommitRequestSpec, [0, 8], [offsetCommitRequest]);
  checkMessage(OffsetCommitResponseSpec, [0, 8], [offsetCommitResponse]);
  checkMessage(OffsetFetchRequestSpec, [0, 8], [offsetFetchRequest]);
  checkMessage(OffsetFetchResponseSpec, [0, 8], [offsetFetchResponse]);
  checkMessage(ListGroupsRequestSpec, [0, 4], [listGroupsRequest]);
  checkMessage(ListGroupsResponseSpec, [0, 4], [listGroupsResponse]);
  checkMessage(DescribeGroupsRequestSpec, [0, 5], [describeGroupsRequest]);
  checkMessage(DescribeGroupsResponseSpec, [0, 5], [describeGroupsResponse]);
  checkMessage(DeleteGroupsRequestSpec, [0, 2], [deleteGroupsRequest]);
  checkMessage(DeleteGroupsResponseSpec, [0, 2], [deleteGroupsResponse]);
  checkMessage(OffsetDeleteRequestSpec, [0, 0], [offsetDeleteRequest]);
  checkMessage(OffsetDeleteResponseSpec, [0, 0], [offsetDeleteResponse]);

  // The versions beyond what we serve, still valid per the specs.
  checkMessage(ConsumerProtocolSubscriptionSpec, [0, 3], subscriptions);
  checkMessage(ConsumerProtocolAssignmentSpec, [0, 3], assignments);
  checkMessage(OffsetCommitKeySpec, [0, 1], [offsetCommitKey]);
  checkMessage(OffsetCommitValueSpec, [0, 4], [offsetCommitValue]);
  checkMessage(GroupMetadataKeySpec, [2, 2], [groupMetadataKey]);
  checkMessage(GroupMetadataValueSpec, [0, 4], groupMetadataValues);
});

describe('group APIs: versions Kafka 3.9 defines beyond the supported ranges', () => {
  const extra: [MessageSpec, number, object][] = [
    [FindCoordinatorRequestSpec, 5, findCoordinatorRequest],
    [FindCoordinatorRequestSpec, 6, findCoordinatorRequest],
    [FindCoordinatorResponseSpec, 5, findCoordinatorResponses[0]!],
    [FindCoordinatorResponseSpec, 6, findCoordinatorResponses[0]!],
    [OffsetCommitRequestSpec, 9, offsetCommitRequest],
    [OffsetCommitResponseSpec, 9, offsetCommitResponse],
    [OffsetFetchRequestSpec, 9, offsetFetchRequest],
    [OffsetFetchResponseSpec, 9, offsetFetchResponse],
    [ListGroupsRequestSpec, 5, listGroupsRequest],
    [ListGroupsResponseSpec, 5, listGroupsResponse],
  ];
  for (const [spec, v, value] of extra) {
    it(`${spec.name} v${v}`, () => roundTrip(spec, v, value));
  }
});

describe('group APIs: values only valid at some versions', () => {
  it('JoinGroup: null GroupInstanceId/Reason (v5+/v8+) and null ProtocolType/ProtocolName (v7+)', () => {
    for (let v = 0; v <= 9; v++) roundTrip(JoinGroupRequestSpec, v, joinGroupRequests[1]!);
    for (let v = 7; v <= 9; v++) roundTrip(JoinGroupResponseSpec, v, { ...joinGroupResponses[1]!, protocolName: null });
    for (let v = 0; v <= 9; v++) roundTrip(JoinGroupResponseSpec, v, { ...joinGroupResponses[1]!, protocolType: 'consumer' });
  });

  it('OffsetFetch: null Topics (all topics) from v2', () => {
    for (let v = 2; v <= 7; v++) roundTrip(OffsetFetchRequestSpec, v, { ...offsetFetchRequest, topics: null });
  });

  it('OffsetFetch v8: null Topics inside a group', () => {
    const bytes = Buffer.concat(encode(OffsetFetchRequestSpec, 8, offsetFetchRequest));
    const got = decode(OffsetFetchRequestSpec, 8, bytes) as OffsetFetchRequest;
    expect(got.groups[1]!.topics).toBeNull();
    expect(got.groups[1]!.memberId).toBeNull(); // v9+ field, default "null"
    expect(got.groups[0]!.memberEpoch).toBe(-1); // v9+ field, default "-1"
    expect(got.groupId).toBe(''); // v0-7 field
    expect(got.topics).toEqual([]); // v0-7 field, no default
  });

  it('decoder fills defaults of fields absent at the version', () => {
    const jg = decode(JoinGroupRequestSpec, 0, Buffer.concat(encode(JoinGroupRequestSpec, 0, joinGroupRequests[0]!))) as JoinGroupRequest;
    expect(jg.rebalanceTimeoutMs).toBe(-1);
    expect(jg.groupInstanceId).toBeNull();
    expect(jg.reason).toBeNull();

    const oc = decode(OffsetCommitRequestSpec, 5, Buffer.concat(encode(OffsetCommitRequestSpec, 5, offsetCommitRequest))) as OffsetCommitRequest;
    expect(oc.retentionTimeMs).toBe(-1);
    expect(oc.groupInstanceId).toBeNull();
    expect(oc.topics[0]!.partitions[0]!.committedLeaderEpoch).toBe(-1);
    expect(oc.topics[0]!.partitions[0]!.commitTimestamp).toBe(-1);

    const dg = decode(DescribeGroupsResponseSpec, 2, Buffer.concat(encode(DescribeGroupsResponseSpec, 2, describeGroupsResponse))) as DescribeGroupsResponse;
    expect(dg.groups[0]!.authorizedOperations).toBe(-2147483648);
    expect(dg.groups[0]!.members[0]!.groupInstanceId).toBeNull();

    const fc = decode(FindCoordinatorRequestSpec, 0, Buffer.concat(encode(FindCoordinatorRequestSpec, 0, findCoordinatorRequest))) as FindCoordinatorRequest;
    expect(fc.keyType).toBe(0);
    expect(fc.coordinatorKeys).toEqual([]);

    const ip = decode(InitProducerIdRequestSpec, 2, Buffer.concat(encode(InitProducerIdRequestSpec, 2, initProducerIdRequests[0]!))) as InitProducerIdRequest;
    expect(ip.producerId).toBe(-1);
    expect(ip.producerEpoch).toBe(-1);

    const sub = decode(ConsumerProtocolSubscriptionSpec, 0, Buffer.concat(encode(ConsumerProtocolSubscriptionSpec, 0, subscriptions[0]!))) as ConsumerProtocolSubscription;
    expect(sub.ownedPartitions).toEqual([]);
    expect(sub.generationId).toBe(-1);
    expect(sub.rackId).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------------------
// Known bytes, built by hand from the specs

/** Non-flexible string: int16 length + UTF-8. */
function str(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  const len = Buffer.alloc(2);
  len.writeInt16BE(b.length);
  return Buffer.concat([len, b]);
}
function i16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
}
function i32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}
/** Non-flexible bytes: int32 length + data. */
function bytes(d: Buffer): Buffer {
  return Buffer.concat([i32(d.length), d]);
}
/** Flexible (compact) string: uvarint(length + 1) + UTF-8; lengths used here stay below 127. */
function cstr(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  if (b.length >= 127) throw new Error('test helper handles short strings only');
  return Buffer.concat([Buffer.from([b.length + 1]), b]);
}

describe('group APIs: known bytes', () => {
  it('JoinGroup v5 request', () => {
    // ConsumerProtocolSubscription v0 of topic "t1", no user data, with its int16 version prefix.
    const subscription = Buffer.concat([i16(0), i32(1), str('t1'), i32(-1)]);
    const req: JoinGroupRequest = {
      groupId: 'grp',
      sessionTimeoutMs: 10000,
      rebalanceTimeoutMs: 60000,
      memberId: '',
      groupInstanceId: 'inst-1',
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: subscription }],
      reason: null,
    };
    const expected = Buffer.concat([
      str('grp'), // GroupId
      i32(10000), // SessionTimeoutMs
      i32(60000), // RebalanceTimeoutMs (v1+)
      str(''), // MemberId
      str('inst-1'), // GroupInstanceId (v5+, nullable)
      str('consumer'), // ProtocolType
      i32(1), // Protocols: array length
      str('range'), // Name
      bytes(subscription), // Metadata
      // Reason is v8+; v5 is not flexible, so no tagged-field section.
    ]);
    expect(Buffer.concat(encode(JoinGroupRequestSpec, 5, req))).toEqual(expected);
    expect(decode(JoinGroupRequestSpec, 5, expected)).toEqual(req);

    // Same request with a null GroupInstanceId: int16 -1.
    const reqNull: JoinGroupRequest = { ...req, groupInstanceId: null, protocols: [] };
    const expectedNull = Buffer.concat([str('grp'), i32(10000), i32(60000), str(''), i16(-1), str('consumer'), i32(0)]);
    expect(Buffer.concat(encode(JoinGroupRequestSpec, 5, reqNull))).toEqual(expectedNull);
    expect(decode(JoinGroupRequestSpec, 5, expectedNull)).toEqual(reqNull);
  });

  it('ConsumerProtocolSubscription v0', () => {
    const sub: ConsumerProtocolSubscription = {
      topics: ['orders', 'payments'],
      userData: Buffer.from([0xde, 0xad, 0xbe, 0xef]),
      ownedPartitions: [],
      generationId: -1,
      rackId: null,
    };
    const expected = Buffer.concat([
      i32(2), // Topics: array length
      str('orders'),
      str('payments'),
      bytes(Buffer.from([0xde, 0xad, 0xbe, 0xef])), // UserData (nullable bytes)
      // OwnedPartitions v1+, GenerationId v2+, RackId v3+: absent.
    ]);
    expect(Buffer.concat(encode(ConsumerProtocolSubscriptionSpec, 0, sub))).toEqual(expected);
    expect(decode(ConsumerProtocolSubscriptionSpec, 0, expected)).toEqual(sub);

    const noUserData = Buffer.concat([i32(1), str('t'), i32(-1)]);
    expect(decode(ConsumerProtocolSubscriptionSpec, 0, noUserData)).toEqual({
      topics: ['t'],
      userData: null,
      ownedPartitions: [],
      generationId: -1,
      rackId: null,
    });
  });

  it('ConsumerProtocolSubscription v1 adds OwnedPartitions after UserData', () => {
    const sub: ConsumerProtocolSubscription = {
      topics: ['t'],
      userData: null,
      ownedPartitions: [{ topic: 't', partitions: [0, 2] }],
      generationId: -1,
      rackId: null,
    };
    const expected = Buffer.concat([i32(1), str('t'), i32(-1), i32(1), str('t'), i32(2), i32(0), i32(2)]);
    expect(Buffer.concat(encode(ConsumerProtocolSubscriptionSpec, 1, sub))).toEqual(expected);
    expect(decode(ConsumerProtocolSubscriptionSpec, 1, expected)).toEqual(sub);
  });

  it('Heartbeat v4 request (flexible)', () => {
    const req: HeartbeatRequest = { groupId: 'g', generationId: 3, memberId: 'm-1', groupInstanceId: null };
    const expected = Buffer.concat([
      cstr('g'), // GroupId: compact string
      i32(3), // GenerationId
      cstr('m-1'), // MemberId
      Buffer.from([0]), // GroupInstanceId: compact nullable string, null = 0
      Buffer.from([0]), // no tagged fields
    ]);
    expect(Buffer.concat(encode(HeartbeatRequestSpec, 4, req))).toEqual(expected);
    expect(decode(HeartbeatRequestSpec, 4, expected)).toEqual(req);
  });

  it('OffsetCommitKey v1 / GroupMetadataKey v2 bodies', () => {
    expect(Buffer.concat(encode(OffsetCommitKeySpec, 1, offsetCommitKey))).toEqual(
      Buffer.concat([str('g1'), str('orders'), i32(3)]),
    );
    expect(Buffer.concat(encode(GroupMetadataKeySpec, 2, groupMetadataKey))).toEqual(str('g1'));
  });
});
