/**
 * Non-API "data" messages used by classic consumer groups, transcribed from Kafka 3.9:
 *
 * - ConsumerProtocolSubscription / ConsumerProtocolAssignment
 *   (clients/src/main/resources/common/message/): the bytes a consumer puts in JoinGroup's protocol
 *   Metadata and the leader in SyncGroup's Assignment, for ProtocolType "consumer". On the wire each is an
 *   int16 version followed by the body at that version. Kafka reads a version newer than it knows with its
 *   latest format (newer versions may only append fields), so decode with min(version, 3).
 *
 * - OffsetCommitKey / OffsetCommitValue / GroupMetadataKey / GroupMetadataValue
 *   (group-coordinator/src/main/resources/common/message/): the record key and value formats of the
 *   __consumer_offsets topic. Key and value are each an int16 version followed by the body. The key
 *   version tells the record type: 0 or 1 = OffsetCommitKey, 2 = GroupMetadataKey. A null value is a
 *   tombstone (offset deleted / group removed). Kafka 3.9 writes OffsetCommitKey v1, OffsetCommitValue v3
 *   (v1 when an explicit expire timestamp is set), GroupMetadataKey v2 and GroupMetadataValue v3.
 *   Field names in these four are lower camelCase upstream and are kept as is.
 */
import type { MessageSpec } from '../schema.js';

export const ConsumerProtocolSubscriptionSpec: MessageSpec = {
  type: 'data',
  name: 'ConsumerProtocolSubscription',
  validVersions: '0-3',
  flexibleVersions: 'none',
  fields: [
    { name: 'Topics', type: '[]string', versions: '0+' },
    { name: 'UserData', type: 'bytes', versions: '0+', nullableVersions: '0+', default: 'null' },
    { name: 'OwnedPartitions', type: '[]TopicPartition', versions: '1+', ignorable: true, fields: [
      { name: 'Topic', type: 'string', versions: '1+' },
      { name: 'Partitions', type: '[]int32', versions: '1+' },
    ] },
    { name: 'GenerationId', type: 'int32', versions: '2+', default: '-1', ignorable: true },
    { name: 'RackId', type: 'string', versions: '3+', nullableVersions: '3+', default: 'null', ignorable: true },
  ],
};
export const ConsumerProtocolAssignmentSpec: MessageSpec = {
  type: 'data',
  name: 'ConsumerProtocolAssignment',
  validVersions: '0-3',
  flexibleVersions: 'none',
  fields: [
    { name: 'AssignedPartitions', type: '[]TopicPartition', versions: '0+', fields: [
      { name: 'Topic', type: 'string', versions: '0+' },
      { name: 'Partitions', type: '[]int32', versions: '0+' },
    ] },
    { name: 'UserData', type: 'bytes', versions: '0+', nullableVersions: '0+', default: 'null' },
  ],
};
export const OffsetCommitKeySpec: MessageSpec = {
  type: 'data',
  name: 'OffsetCommitKey',
  validVersions: '0-1',
  flexibleVersions: 'none',
  fields: [
    { name: 'group', type: 'string', versions: '0-1' },
    { name: 'topic', type: 'string', versions: '0-1' },
    { name: 'partition', type: 'int32', versions: '0-1' },
  ],
};
export const OffsetCommitValueSpec: MessageSpec = {
  type: 'data',
  name: 'OffsetCommitValue',
  validVersions: '0-4',
  flexibleVersions: '4+',
  fields: [
    { name: 'offset', type: 'int64', versions: '0+' },
    { name: 'leaderEpoch', type: 'int32', versions: '3+', default: -1, ignorable: true },
    { name: 'metadata', type: 'string', versions: '0+' },
    { name: 'commitTimestamp', type: 'int64', versions: '0+' },
    { name: 'expireTimestamp', type: 'int64', versions: '1', default: -1, ignorable: true },
  ],
};
export const GroupMetadataKeySpec: MessageSpec = {
  type: 'data',
  name: 'GroupMetadataKey',
  validVersions: '2',
  flexibleVersions: 'none',
  fields: [
    { name: 'group', type: 'string', versions: '2' },
  ],
};
export const GroupMetadataValueSpec: MessageSpec = {
  type: 'data',
  name: 'GroupMetadataValue',
  validVersions: '0-4',
  flexibleVersions: '4+',
  fields: [
    { name: 'protocolType', type: 'string', versions: '0+' },
    { name: 'generation', type: 'int32', versions: '0+' },
    { name: 'protocol', type: 'string', versions: '0+', nullableVersions: '0+' },
    { name: 'leader', type: 'string', versions: '0+', nullableVersions: '0+' },
    { name: 'currentStateTimestamp', type: 'int64', versions: '2+', default: -1, ignorable: true },
    { name: 'members', type: '[]MemberMetadata', versions: '0+' },
  ],
  commonStructs: [
    { name: 'MemberMetadata', versions: '0+', fields: [
      { name: 'memberId', type: 'string', versions: '0+' },
      { name: 'groupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+', default: 'null', ignorable: true },
      { name: 'clientId', type: 'string', versions: '0+' },
      { name: 'clientHost', type: 'string', versions: '0+' },
      { name: 'rebalanceTimeout', type: 'int32', versions: '1+', default: -1, ignorable: true },
      { name: 'sessionTimeout', type: 'int32', versions: '0+' },
      { name: 'subscription', type: 'bytes', versions: '0+' },
      { name: 'assignment', type: 'bytes', versions: '0+' },
    ] },
  ],
};
/** Shared shape of the TopicPartition struct of both consumer-protocol messages. */
export interface ConsumerProtocolTopicPartition {
  topic: string;
  partitions: number[];
}

export interface ConsumerProtocolSubscription {
  topics: string[];
  userData: Buffer | null;
  /** v1+. */
  ownedPartitions: ConsumerProtocolTopicPartition[];
  /** v2+; -1 when absent. */
  generationId: number;
  /** v3+. */
  rackId: string | null;
}

export interface ConsumerProtocolAssignment {
  assignedPartitions: ConsumerProtocolTopicPartition[];
  userData: Buffer | null;
}

export interface OffsetCommitKey {
  group: string;
  topic: string;
  partition: number;
}

export interface OffsetCommitValue {
  offset: number;
  /** v3+; -1 when absent. */
  leaderEpoch: number;
  metadata: string;
  commitTimestamp: number;
  /** v1 only; -1 when absent. */
  expireTimestamp: number;
}

export interface GroupMetadataKey {
  group: string;
}

export interface GroupMetadataValue {
  protocolType: string;
  generation: number;
  protocol: string | null;
  leader: string | null;
  /** v2+; -1 when absent. */
  currentStateTimestamp: number;
  members: GroupMetadataValueMemberMetadata[];
}

/** Kafka's MemberMetadata common struct of GroupMetadataValue. */
export interface GroupMetadataValueMemberMetadata {
  memberId: string;
  /** v3+. */
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  /** v1+; -1 when absent. */
  rebalanceTimeout: number;
  sessionTimeout: number;
  subscription: Buffer;
  assignment: Buffer;
}
