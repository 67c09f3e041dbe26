/**
 * OffsetCommit (API key 8), transcribed from Kafka 3.9's OffsetCommitRequest.json / OffsetCommitResponse.json.
 * v1 adds generation/member id and a per-partition CommitTimestamp (v1 only); v2-4 carry RetentionTimeMs
 * instead; v3 adds throttle time; v5 drops RetentionTimeMs (broker config only); v6 adds
 * CommittedLeaderEpoch; v7 adds GroupInstanceId; v8 is the first flexible version; v9 is v8 usable with the
 * KIP-848 consumer protocol (GenerationIdOrMemberEpoch; may return STALE_MEMBER_EPOCH / GROUP_ID_NOT_FOUND).
 */
import type { MessageSpec } from '../schema.js';

export const OffsetCommitRequestSpec: MessageSpec = {
  apiKey: 8,
  type: 'request',
  name: 'OffsetCommitRequest',
  validVersions: '0-9',
  flexibleVersions: '8+',
  fields: [
    { name: 'GroupId', type: 'string', versions: '0+' },
    { name: 'GenerationIdOrMemberEpoch', type: 'int32', versions: '1+', default: '-1', ignorable: true },
    { name: 'MemberId', type: 'string', versions: '1+', ignorable: true },
    { name: 'GroupInstanceId', type: 'string', versions: '7+', nullableVersions: '7+', default: 'null' },
    { name: 'RetentionTimeMs', type: 'int64', versions: '2-4', default: '-1', ignorable: true },
    { name: 'Topics', type: '[]OffsetCommitRequestTopic', versions: '0+', fields: [
      { name: 'Name', type: 'string', versions: '0+' },
      { name: 'Partitions', type: '[]OffsetCommitRequestPartition', versions: '0+', fields: [
        { name: 'PartitionIndex', type: 'int32', versions: '0+' },
        { name: 'CommittedOffset', type: 'int64', versions: '0+' },
        { name: 'CommittedLeaderEpoch', type: 'int32', versions: '6+', default: '-1', ignorable: true },
        { name: 'CommitTimestamp', type: 'int64', versions: '1', default: '-1' },
        { name: 'CommittedMetadata', type: 'string', versions: '0+', nullableVersions: '0+' },
      ] },
    ] },
  ],
};
export const OffsetCommitResponseSpec: MessageSpec = {
  apiKey: 8,
  type: 'response',
  name: 'OffsetCommitResponse',
  validVersions: '0-9',
  flexibleVersions: '8+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '3+', ignorable: true },
    { name: 'Topics', type: '[]OffsetCommitResponseTopic', versions: '0+', fields: [
      { name: 'Name', type: 'string', versions: '0+' },
      { name: 'Partitions', type: '[]OffsetCommitResponsePartition', versions: '0+', fields: [
        { name: 'PartitionIndex', type: 'int32', versions: '0+' },
        { name: 'ErrorCode', type: 'int16', versions: '0+' },
      ] },
    ] },
  ],
};
export interface OffsetCommitRequest {
  groupId: string;
  /** v1+; -1 when absent. */
  generationIdOrMemberEpoch: number;
  /** v1+; '' when absent. */
  memberId: string;
  /** v7+. */
  groupInstanceId: string | null;
  /** v2-4; -1 when absent (use the broker's offsets.retention.minutes). */
  retentionTimeMs: number;
  topics: OffsetCommitRequestTopic[];
}

export interface OffsetCommitRequestTopic {
  name: string;
  partitions: OffsetCommitRequestPartition[];
}

export interface OffsetCommitRequestPartition {
  partitionIndex: number;
  committedOffset: number;
  /** v6+; -1 when absent. */
  committedLeaderEpoch: number;
  /** v1 only; -1 when absent. */
  commitTimestamp: number;
  committedMetadata: string | null;
}

export interface OffsetCommitResponse {
  throttleTimeMs: number;
  topics: OffsetCommitResponseTopic[];
}

export interface OffsetCommitResponseTopic {
  name: string;
  partitions: OffsetCommitResponsePartition[];
}

export interface OffsetCommitResponsePartition {
  partitionIndex: number;
  errorCode: number;
}
