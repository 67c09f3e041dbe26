/**
 * OffsetFetch (API key 9), transcribed from Kafka 3.9's OffsetFetchRequest.json / OffsetFetchResponse.json.
 * v0 read offsets from ZooKeeper, v1+ from __consumer_offsets; v2 allows a null topic list (all topics) and
 * adds a top-level error code; v3 adds throttle time; v5 adds CommittedLeaderEpoch; v6 is the first flexible
 * version; v7 adds RequireStable (UNSTABLE_OFFSET_COMMIT); v8 fetches several groups at once (Groups
 * replaces GroupId/Topics, per-group results); v9 adds MemberId/MemberEpoch for the KIP-848 protocol.
 */
import type { MessageSpec } from '../schema.js';

export const OffsetFetchRequestSpec: MessageSpec = {
  apiKey: 9,
  type: 'request',
  name: 'OffsetFetchRequest',
  validVersions: '0-9',
  flexibleVersions: '6+',
  fields: [
    { name: 'GroupId', type: 'string', versions: '0-7' },
    { name: 'Topics', type: '[]OffsetFetchRequestTopic', versions: '0-7', nullableVersions: '2-7', fields: [
      { name: 'Name', type: 'string', versions: '0-7' },
      { name: 'PartitionIndexes', type: '[]int32', versions: '0-7' },
    ] },
    { name: 'Groups', type: '[]OffsetFetchRequestGroup', versions: '8+', fields: [
      { name: 'GroupId', type: 'string', versions: '8+' },
      { name: 'MemberId', type: 'string', versions: '9+', nullableVersions: '9+', default: 'null', ignorable: true },
      { name: 'MemberEpoch', type: 'int32', versions: '9+', default: '-1', ignorable: true },
      { name: 'Topics', type: '[]OffsetFetchRequestTopics', versions: '8+', nullableVersions: '8+', fields: [
        { name: 'Name', type: 'string', versions: '8+' },
        { name: 'PartitionIndexes', type: '[]int32', versions: '8+' },
      ] },
    ] },
    { name: 'RequireStable', type: 'bool', versions: '7+', default: 'false' },
  ],
};
export const OffsetFetchResponseSpec: MessageSpec = {
  apiKey: 9,
  type: 'response',
  name: 'OffsetFetchResponse',
  validVersions: '0-9',
  flexibleVersions: '6+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '3+', ignorable: true },
    { name: 'Topics', type: '[]OffsetFetchResponseTopic', versions: '0-7', fields: [
      { name: 'Name', type: 'string', versions: '0-7' },
      { name: 'Partitions', type: '[]OffsetFetchResponsePartition', versions: '0-7', fields: [
        { name: 'PartitionIndex', type: 'int32', versions: '0-7' },
        { name: 'CommittedOffset', type: 'int64', versions: '0-7' },
        { name: 'CommittedLeaderEpoch', type: 'int32', versions: '5-7', default: '-1', ignorable: true },
        { name: 'Metadata', type: 'string', versions: '0-7', nullableVersions: '0-7' },
        { name: 'ErrorCode', type: 'int16', versions: '0-7' },
      ] },
    ] },
    { name: 'ErrorCode', type: 'int16', versions: '2-7', default: '0', ignorable: true },
    { name: 'Groups', type: '[]OffsetFetchResponseGroup', versions: '8+', fields: [
      { name: 'GroupId', type: 'string', versions: '8+' },
      { name: 'Topics', type: '[]OffsetFetchResponseTopics', versions: '8+', fields: [
        { name: 'Name', type: 'string', versions: '8+' },
        { name: 'Partitions', type: '[]OffsetFetchResponsePartitions', versions: '8+', fields: [
          { name: 'PartitionIndex', type: 'int32', versions: '8+' },
          { name: 'CommittedOffset', type: 'int64', versions: '8+' },
          { name: 'CommittedLeaderEpoch', type: 'int32', versions: '8+', default: '-1', ignorable: true },
          { name: 'Metadata', type: 'string', versions: '8+', nullableVersions: '8+' },
          { name: 'ErrorCode', type: 'int16', versions: '8+' },
        ] },
      ] },
      { name: 'ErrorCode', type: 'int16', versions: '8+', default: '0' },
    ] },
  ],
};
export interface OffsetFetchRequest {
  /** v0-7. */
  groupId: string;
  /** v0-7; null (v2-7) means all topics. */
  topics: OffsetFetchRequestTopic[] | null;
  /** v8+. */
  groups: OffsetFetchRequestGroup[];
  /** v7+. */
  requireStable: boolean;
}

export interface OffsetFetchRequestTopic {
  name: string;
  partitionIndexes: number[];
}

export interface OffsetFetchRequestGroup {
  groupId: string;
  /** v9+. */
  memberId: string | null;
  /** v9+; -1 when absent. */
  memberEpoch: number;
  /** null means all topics. */
  topics: OffsetFetchRequestTopics[] | null;
}

export interface OffsetFetchRequestTopics {
  name: string;
  partitionIndexes: number[];
}

export interface OffsetFetchResponse {
  throttleTimeMs: number;
  /** v0-7. */
  topics: OffsetFetchResponseTopic[];
  /** v2-7. */
  errorCode: number;
  /** v8+. */
  groups: OffsetFetchResponseGroup[];
}

export interface OffsetFetchResponseTopic {
  name: string;
  partitions: OffsetFetchResponsePartition[];
}

export interface OffsetFetchResponsePartition {
  partitionIndex: number;
  committedOffset: number;
  /** v5-7; -1 when absent. */
  committedLeaderEpoch: number;
  metadata: string | null;
  errorCode: number;
}

export interface OffsetFetchResponseGroup {
  groupId: string;
  topics: OffsetFetchResponseTopics[];
  errorCode: number;
}

export interface OffsetFetchResponseTopics {
  name: string;
  partitions: OffsetFetchResponsePartitions[];
}

export interface OffsetFetchResponsePartitions {
  partitionIndex: number;
  committedOffset: number;
  committedLeaderEpoch: number;
  metadata: string | null;
  errorCode: number;
}
