/**
 * OffsetForLeaderEpoch (API key 23): OffsetForLeaderEpochRequest.json / OffsetForLeaderEpochResponse.json from Apache Kafka
 * (clients/src/main/resources/common/message, commit 1eb7644349cb), transcribed literally; the interfaces
 * are the decoded objects (camelCase, every field present; doc comments give the versions of each field).
 */
import type { MessageSpec } from '../schema.js';

// Version 1 is the same as version 0.
//
// Version 2 adds the current leader epoch to support fencing.
//
// Version 3 adds ReplicaId (the default is -2 which conventionally represents a
//    "debug" consumer which is allowed to see offsets beyond the high watermark).
//    Followers will use this replicaId when using an older version of the protocol.
//
// Version 4 enables flexible versions.
export const OffsetForLeaderEpochRequestSpec: MessageSpec = {
  apiKey: 23,
  type: 'request',
  name: 'OffsetForLeaderEpochRequest',
  validVersions: '0-4',
  flexibleVersions: '4+',
  fields: [
    { name: 'ReplicaId', type: 'int32', versions: '3+', default: -2, ignorable: true },
    { name: 'Topics', type: '[]OffsetForLeaderTopic', versions: '0+', fields: [
      { name: 'Topic', type: 'string', versions: '0+' },
      { name: 'Partitions', type: '[]OffsetForLeaderPartition', versions: '0+', fields: [
        { name: 'Partition', type: 'int32', versions: '0+' },
        { name: 'CurrentLeaderEpoch', type: 'int32', versions: '2+', default: '-1', ignorable: true },
        { name: 'LeaderEpoch', type: 'int32', versions: '0+' },
      ]},
    ]},
  ],
};

export interface OffsetForLeaderEpochRequest {
  /** v3+, default -2. The broker ID of the follower, of -1 if this request is from a consumer. */
  replicaId: number;
  /** v0+. Each topic to get offsets for. */
  topics: OffsetForLeaderEpochRequestOffsetForLeaderTopic[];
}

export interface OffsetForLeaderEpochRequestOffsetForLeaderTopic {
  /** v0+. The topic name. */
  topic: string;
  /** v0+. Each partition to get offsets for. */
  partitions: OffsetForLeaderEpochRequestOffsetForLeaderPartition[];
}

export interface OffsetForLeaderEpochRequestOffsetForLeaderPartition {
  /** v0+. The partition index. */
  partition: number;
  /** v2+, default -1. An epoch used to fence consumers/replicas with old metadata. If the epoch provided by the client is larger than the current epoch known to the broker, then the UNKNOWN_LEADER_EPOCH error code will be returned. If the provided epoch is smaller, then the FENCED_LEADER_EPOCH error code will be returned. */
  currentLeaderEpoch: number;
  /** v0+. The epoch to look up an offset for. */
  leaderEpoch: number;
}

// Version 1 added the leader epoch to the response.
//
// Version 2 added the throttle time.
//
// Version 3 is the same as version 2.
//
// Version 4 enables flexible versions.
export const OffsetForLeaderEpochResponseSpec: MessageSpec = {
  apiKey: 23,
  type: 'response',
  name: 'OffsetForLeaderEpochResponse',
  validVersions: '0-4',
  flexibleVersions: '4+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '2+', ignorable: true },
    { name: 'Topics', type: '[]OffsetForLeaderTopicResult', versions: '0+', fields: [
      { name: 'Topic', type: 'string', versions: '0+' },
      { name: 'Partitions', type: '[]EpochEndOffset', versions: '0+', fields: [
        { name: 'ErrorCode', type: 'int16', versions: '0+' },
        { name: 'Partition', type: 'int32', versions: '0+' },
        { name: 'LeaderEpoch', type: 'int32', versions: '1+', default: '-1', ignorable: true },
        { name: 'EndOffset', type: 'int64', versions: '0+', default: '-1' },
      ]},
    ]},
  ],
};

export interface OffsetForLeaderEpochResponse {
  /** v2+. The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. */
  throttleTimeMs: number;
  /** v0+. Each topic we fetched offsets for. */
  topics: OffsetForLeaderEpochResponseOffsetForLeaderTopicResult[];
}

export interface OffsetForLeaderEpochResponseOffsetForLeaderTopicResult {
  /** v0+. The topic name. */
  topic: string;
  /** v0+. Each partition in the topic we fetched offsets for. */
  partitions: OffsetForLeaderEpochResponseEpochEndOffset[];
}

export interface OffsetForLeaderEpochResponseEpochEndOffset {
  /** v0+. The error code 0, or if there was no error. */
  errorCode: number;
  /** v0+. The partition index. */
  partition: number;
  /** v1+, default -1. The leader epoch of the partition. */
  leaderEpoch: number;
  /** v0+, default -1. The end offset of the epoch. */
  endOffset: number;
}
