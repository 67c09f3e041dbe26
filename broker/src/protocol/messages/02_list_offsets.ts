/**
 * ListOffsets (API key 2): ListOffsetsRequest.json / ListOffsetsResponse.json from Apache Kafka
 * (clients/src/main/resources/common/message, commit 1eb7644349cb), transcribed literally; the interfaces
 * are the decoded objects (camelCase, every field present; doc comments give the versions of each field).
 */
import type { MessageSpec } from '../schema.js';

// Version 1 removes MaxNumOffsets.  From this version forward, only a single
// offset can be returned.
//
// Version 2 adds the isolation level, which is used for transactional reads.
//
// Version 3 is the same as version 2.
//
// Version 4 adds the current leader epoch, which is used for fencing.
//
// Version 5 is the same as version 4.
//
// Version 6 enables flexible versions.
//
// Version 7 enables listing offsets by max timestamp (KIP-734).
//
// Version 8 enables listing offsets by local log start offset (KIP-405).
//
// Version 9 enables listing offsets by last tiered offset (KIP-1005).
//
// Version 10 enables async remote list offsets support (KIP-1075)
export const ListOffsetsRequestSpec: MessageSpec = {
  apiKey: 2,
  type: 'request',
  name: 'ListOffsetsRequest',
  validVersions: '0-10',
  flexibleVersions: '6+',
  fields: [
    { name: 'ReplicaId', type: 'int32', versions: '0+' },
    { name: 'IsolationLevel', type: 'int8', versions: '2+' },
    { name: 'Topics', type: '[]ListOffsetsTopic', versions: '0+', fields: [
      { name: 'Name', type: 'string', versions: '0+' },
      { name: 'Partitions', type: '[]ListOffsetsPartition', versions: '0+', fields: [
        { name: 'PartitionIndex', type: 'int32', versions: '0+' },
        { name: 'CurrentLeaderEpoch', type: 'int32', versions: '4+', default: '-1', ignorable: true },
        { name: 'Timestamp', type: 'int64', versions: '0+' },
        { name: 'MaxNumOffsets', type: 'int32', versions: '0', default: '1' },
      ]},
    ]},
    { name: 'TimeoutMs', type: 'int32', versions: '10+', ignorable: true },
  ],
};

export interface ListOffsetsRequest {
  /** v0+. The broker ID of the requester, or -1 if this request is being made by a normal consumer. */
  replicaId: number;
  /** v2+. This setting controls the visibility of transactional records. Using READ_UNCOMMITTED (isolation_level = 0) makes all records visible. With READ_COMMITTED (isolation_level = 1), non-transactional and COMMITTED transactional records are visible. To be more concrete, READ_COMMITTED returns all data from offsets smaller than the current LSO (last stable offset), and enables the inclusion of the list of aborted transactions in the result, which allows consumers to discard ABORTED transactional records */
  isolationLevel: number;
  /** v0+. Each topic in the request. */
  topics: ListOffsetsTopic[];
  /** v10+. The timeout to await a response in milliseconds for requests that require reading from remote storage for topics enabled with tiered storage. */
  timeoutMs: number;
}

export interface ListOffsetsTopic {
  /** v0+. The topic name. */
  name: string;
  /** v0+. Each partition in the request. */
  partitions: ListOffsetsPartition[];
}

export interface ListOffsetsPartition {
  /** v0+. The partition index. */
  partitionIndex: number;
  /** v4+, default -1. The current leader epoch. */
  currentLeaderEpoch: number;
  /** v0+. The current timestamp. */
  timestamp: number;
  /** v0, default 1. The maximum number of offsets to report. */
  maxNumOffsets: number;
}

// Version 1 removes the offsets array in favor of returning a single offset.
// Version 1 also adds the timestamp associated with the returned offset.
//
// Version 2 adds the throttle time.
//
// Starting in version 3, on quota violation, brokers send out responses before throttling.
//
// Version 4 adds the leader epoch, which is used for fencing.
//
// Version 5 adds a new error code, OFFSET_NOT_AVAILABLE.
//
// Version 6 enables flexible versions.
//
// Version 7 is the same as version 6 (KIP-734).
//
// Version 8 enables listing offsets by local log start offset.
// This is the earliest log start offset in the local log. (KIP-405).
//
// Version 9 enables listing offsets by last tiered offset (KIP-1005).
//
// Version 10 enables async remote list offsets support (KIP-1075)
export const ListOffsetsResponseSpec: MessageSpec = {
  apiKey: 2,
  type: 'response',
  name: 'ListOffsetsResponse',
  validVersions: '0-10',
  flexibleVersions: '6+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '2+', ignorable: true },
    { name: 'Topics', type: '[]ListOffsetsTopicResponse', versions: '0+', fields: [
      { name: 'Name', type: 'string', versions: '0+' },
      { name: 'Partitions', type: '[]ListOffsetsPartitionResponse', versions: '0+', fields: [
        { name: 'PartitionIndex', type: 'int32', versions: '0+' },
        { name: 'ErrorCode', type: 'int16', versions: '0+' },
        { name: 'OldStyleOffsets', type: '[]int64', versions: '0', ignorable: false },
        { name: 'Timestamp', type: 'int64', versions: '1+', default: '-1', ignorable: false },
        { name: 'Offset', type: 'int64', versions: '1+', default: '-1', ignorable: false },
        { name: 'LeaderEpoch', type: 'int32', versions: '4+', default: '-1' },
      ]},
    ]},
  ],
};

export interface ListOffsetsResponse {
  /** v2+. The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. */
  throttleTimeMs: number;
  /** v0+. Each topic in the response. */
  topics: ListOffsetsTopicResponse[];
}

export interface ListOffsetsTopicResponse {
  /** v0+. The topic name */
  name: string;
  /** v0+. Each partition in the response. */
  partitions: ListOffsetsPartitionResponse[];
}

export interface ListOffsetsPartitionResponse {
  /** v0+. The partition index. */
  partitionIndex: number;
  /** v0+. The partition error code, or 0 if there was no error. */
  errorCode: number;
  /** v0. The result offsets. */
  oldStyleOffsets: number[];
  /** v1+, default -1. The timestamp associated with the returned offset. */
  timestamp: number;
  /** v1+, default -1. The returned offset. */
  offset: number;
  /** v4+, default -1 */
  leaderEpoch: number;
}
