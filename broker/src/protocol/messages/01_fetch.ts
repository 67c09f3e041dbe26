/**
 * Fetch (API key 1): FetchRequest.json / FetchResponse.json from Apache Kafka
 * (clients/src/main/resources/common/message, commit 1eb7644349cb), transcribed literally; the interfaces
 * are the decoded objects (camelCase, every field present; doc comments give the versions of each field).
 */
import type { MessageSpec } from '../schema.js';

// 
// Version 1 is the same as version 0.
//
// Starting in Version 2, the requester must be able to handle Kafka Log
// Message format version 1.
//
// Version 3 adds MaxBytes.  Starting in version 3, the partition ordering in
// the request is now relevant.  Partitions will be processed in the order
// they appear in the request.
//
// Version 4 adds IsolationLevel.  Starting in version 4, the reqestor must be
// able to handle Kafka log message format version 2.
//
// Version 5 adds LogStartOffset to indicate the earliest available offset of
// partition data that can be consumed.
//
// Version 6 is the same as version 5.
//
// Version 7 adds incremental fetch request support.
//
// Version 8 is the same as version 7.
//
// Version 9 adds CurrentLeaderEpoch, as described in KIP-320.
//
// Version 10 indicates that we can use the ZStd compression algorithm, as
// described in KIP-110.
// Version 12 adds flexible versions support as well as epoch validation through
// the `LastFetchedEpoch` field
//
// Version 13 replaces topic names with topic IDs (KIP-516). May return UNKNOWN_TOPIC_ID error code.
//
// Version 14 is the same as version 13 but it also receives a new error called OffsetMovedToTieredStorageException(KIP-405)
//
// Version 15 adds the ReplicaState which includes new field ReplicaEpoch and the ReplicaId. Also,
// deprecate the old ReplicaId field and set its default value to -1. (KIP-903)
//
// Version 16 is the same as version 15 (KIP-951).
//
// Version 17 adds directory id support from KIP-853
export const FetchRequestSpec: MessageSpec = {
  apiKey: 1,
  type: 'request',
  name: 'FetchRequest',
  validVersions: '0-17',
  flexibleVersions: '12+',
  fields: [
    { name: 'ClusterId', type: 'string', versions: '12+', nullableVersions: '12+', taggedVersions: '12+', tag: 0, default: 'null', ignorable: true },
    { name: 'ReplicaId', type: 'int32', versions: '0-14', default: '-1' },
    { name: 'ReplicaState', type: 'ReplicaState', versions: '15+', taggedVersions: '15+', tag: 1, fields: [
      { name: 'ReplicaId', type: 'int32', versions: '15+', default: '-1' },
      { name: 'ReplicaEpoch', type: 'int64', versions: '15+', default: '-1' },
    ]},
    { name: 'MaxWaitMs', type: 'int32', versions: '0+' },
    { name: 'MinBytes', type: 'int32', versions: '0+' },
    { name: 'MaxBytes', type: 'int32', versions: '3+', default: '0x7fffffff', ignorable: true },
    { name: 'IsolationLevel', type: 'int8', versions: '4+', default: '0', ignorable: true },
    { name: 'SessionId', type: 'int32', versions: '7+', default: '0', ignorable: true },
    { name: 'SessionEpoch', type: 'int32', versions: '7+', default: '-1', ignorable: true },
    { name: 'Topics', type: '[]FetchTopic', versions: '0+', fields: [
      { name: 'Topic', type: 'string', versions: '0-12', ignorable: true },
      { name: 'TopicId', type: 'uuid', versions: '13+', ignorable: true },
      { name: 'Partitions', type: '[]FetchPartition', versions: '0+', fields: [
        { name: 'Partition', type: 'int32', versions: '0+' },
        { name: 'CurrentLeaderEpoch', type: 'int32', versions: '9+', default: '-1', ignorable: true },
        { name: 'FetchOffset', type: 'int64', versions: '0+' },
        { name: 'LastFetchedEpoch', type: 'int32', versions: '12+', default: '-1', ignorable: false },
        { name: 'LogStartOffset', type: 'int64', versions: '5+', default: '-1', ignorable: true },
        { name: 'PartitionMaxBytes', type: 'int32', versions: '0+' },
        { name: 'ReplicaDirectoryId', type: 'uuid', versions: '17+', taggedVersions: '17+', tag: 0, ignorable: true },
      ]},
    ]},
    { name: 'ForgottenTopicsData', type: '[]ForgottenTopic', versions: '7+', ignorable: false, fields: [
      { name: 'Topic', type: 'string', versions: '7-12', ignorable: true },
      { name: 'TopicId', type: 'uuid', versions: '13+', ignorable: true },
      { name: 'Partitions', type: '[]int32', versions: '7+' },
    ]},
    { name: 'RackId', type: 'string', versions: '11+', default: '', ignorable: true },
  ],
};

export interface FetchRequest {
  /** v12+, tagged 0, nullable v12+, default null. The clusterId if known. This is used to validate metadata fetches prior to broker registration. */
  clusterId: string | null;
  /** v0-14, default -1. The broker ID of the follower, of -1 if this request is from a consumer. */
  replicaId: number;
  /** v15+, tagged 1 */
  replicaState: FetchRequestReplicaState;
  /** v0+. The maximum time in milliseconds to wait for the response. */
  maxWaitMs: number;
  /** v0+. The minimum bytes to accumulate in the response. */
  minBytes: number;
  /** v3+, default 0x7fffffff. The maximum bytes to fetch.  See KIP-74 for cases where this limit may not be honored. */
  maxBytes: number;
  /** v4+, default 0. This setting controls the visibility of transactional records. Using READ_UNCOMMITTED (isolation_level = 0) makes all records visible. With READ_COMMITTED (isolation_level = 1), non-transactional and COMMITTED transactional records are visible. To be more concrete, READ_COMMITTED returns all data from offsets smaller than the current LSO (last stable offset), and enables the inclusion of the list of aborted transactions in the result, which allows consumers to discard ABORTED transactional records */
  isolationLevel: number;
  /** v7+, default 0. The fetch session ID. */
  sessionId: number;
  /** v7+, default -1. The fetch session epoch, which is used for ordering requests in a session. */
  sessionEpoch: number;
  /** v0+. The topics to fetch. */
  topics: FetchTopic[];
  /** v7+. In an incremental fetch request, the partitions to remove. */
  forgottenTopicsData: FetchRequestForgottenTopic[];
  /** v11+, default . Rack ID of the consumer making this request */
  rackId: string;
}

export interface FetchRequestForgottenTopic {
  /** v7-12. The topic name. */
  topic: string;
  /** v13+. The unique topic ID */
  topicId: string;
  /** v7+. The partitions indexes to forget. */
  partitions: number[];
}

export interface FetchTopic {
  /** v0-12. The name of the topic to fetch. */
  topic: string;
  /** v13+. The unique topic ID */
  topicId: string;
  /** v0+. The partitions to fetch. */
  partitions: FetchPartition[];
}

export interface FetchPartition {
  /** v0+. The partition index. */
  partition: number;
  /** v9+, default -1. The current leader epoch of the partition. */
  currentLeaderEpoch: number;
  /** v0+. The message offset. */
  fetchOffset: number;
  /** v12+, default -1. The epoch of the last fetched record or -1 if there is none */
  lastFetchedEpoch: number;
  /** v5+, default -1. The earliest available offset of the follower replica.  The field is only used when the request is sent by the follower. */
  logStartOffset: number;
  /** v0+. The maximum bytes to fetch from this partition.  See KIP-74 for cases where this limit may not be honored. */
  partitionMaxBytes: number;
  /** v17+, tagged 0. The directory id of the follower fetching */
  replicaDirectoryId: string;
}

export interface FetchRequestReplicaState {
  /** v15+, default -1. The replica ID of the follower, or -1 if this request is from a consumer. */
  replicaId: number;
  /** v15+, default -1. The epoch of this follower, or -1 if not available. */
  replicaEpoch: number;
}

// 
// Version 1 adds throttle time.
//
// Version 2 and 3 are the same as version 1.
//
// Version 4 adds features for transactional consumption.
//
// Version 5 adds LogStartOffset to indicate the earliest available offset of
// partition data that can be consumed.
//
// Starting in version 6, we may return KAFKA_STORAGE_ERROR as an error code.
//
// Version 7 adds incremental fetch request support.
//
// Starting in version 8, on quota violation, brokers send out responses before throttling.
//
// Version 9 is the same as version 8.
//
// Version 10 indicates that the response data can use the ZStd compression
// algorithm, as described in KIP-110.
// Version 12 adds support for flexible versions, epoch detection through the `TruncationOffset` field,
// and leader discovery through the `CurrentLeader` field
//
// Version 13 replaces the topic name field with topic ID (KIP-516).
//
// Version 14 is the same as version 13 but it also receives a new error called OffsetMovedToTieredStorageException (KIP-405)
//
// Version 15 is the same as version 14 (KIP-903).
//
// Version 16 adds the 'NodeEndpoints' field (KIP-951).
//
// Version 17 no changes to the response (KIP-853).
export const FetchResponseSpec: MessageSpec = {
  apiKey: 1,
  type: 'response',
  name: 'FetchResponse',
  validVersions: '0-17',
  flexibleVersions: '12+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '1+', ignorable: true },
    { name: 'ErrorCode', type: 'int16', versions: '7+', ignorable: true },
    { name: 'SessionId', type: 'int32', versions: '7+', default: '0', ignorable: false },
    { name: 'Responses', type: '[]FetchableTopicResponse', versions: '0+', fields: [
      { name: 'Topic', type: 'string', versions: '0-12', ignorable: true },
      { name: 'TopicId', type: 'uuid', versions: '13+', ignorable: true },
      { name: 'Partitions', type: '[]PartitionData', versions: '0+', fields: [
        { name: 'PartitionIndex', type: 'int32', versions: '0+' },
        { name: 'ErrorCode', type: 'int16', versions: '0+' },
        { name: 'HighWatermark', type: 'int64', versions: '0+' },
        { name: 'LastStableOffset', type: 'int64', versions: '4+', default: '-1', ignorable: true },
        { name: 'LogStartOffset', type: 'int64', versions: '5+', default: '-1', ignorable: true },
        { name: 'DivergingEpoch', type: 'EpochEndOffset', versions: '12+', taggedVersions: '12+', tag: 0, fields: [
          { name: 'Epoch', type: 'int32', versions: '12+', default: '-1' },
          { name: 'EndOffset', type: 'int64', versions: '12+', default: '-1' },
        ]},
        { name: 'CurrentLeader', type: 'LeaderIdAndEpoch', versions: '12+', taggedVersions: '12+', tag: 1, fields: [
          { name: 'LeaderId', type: 'int32', versions: '12+', default: '-1' },
          { name: 'LeaderEpoch', type: 'int32', versions: '12+', default: '-1' },
        ]},
        { name: 'SnapshotId', type: 'SnapshotId', versions: '12+', taggedVersions: '12+', tag: 2, fields: [
          { name: 'EndOffset', type: 'int64', versions: '0+', default: '-1' },
          { name: 'Epoch', type: 'int32', versions: '0+', default: '-1' },
        ]},
        { name: 'AbortedTransactions', type: '[]AbortedTransaction', versions: '4+', nullableVersions: '4+', ignorable: true, fields: [
          { name: 'ProducerId', type: 'int64', versions: '4+' },
          { name: 'FirstOffset', type: 'int64', versions: '4+' },
        ]},
        { name: 'PreferredReadReplica', type: 'int32', versions: '11+', default: '-1', ignorable: false },
        { name: 'Records', type: 'records', versions: '0+', nullableVersions: '0+' },
      ]},
    ]},
    { name: 'NodeEndpoints', type: '[]NodeEndpoint', versions: '16+', taggedVersions: '16+', tag: 0, fields: [
      { name: 'NodeId', type: 'int32', versions: '16+' },
      { name: 'Host', type: 'string', versions: '16+' },
      { name: 'Port', type: 'int32', versions: '16+' },
      { name: 'Rack', type: 'string', versions: '16+', nullableVersions: '16+', default: 'null' },
    ]},
  ],
};

export interface FetchResponse {
  /** v1+. The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. */
  throttleTimeMs: number;
  /** v7+. The top level response error code. */
  errorCode: number;
  /** v7+, default 0. The fetch session ID, or 0 if this is not part of a fetch session. */
  sessionId: number;
  /** v0+. The response topics. */
  responses: FetchableTopicResponse[];
  /** v16+, tagged 0. Endpoints for all current-leaders enumerated in PartitionData, with errors NOT_LEADER_OR_FOLLOWER & FENCED_LEADER_EPOCH. */
  nodeEndpoints: FetchResponseNodeEndpoint[];
}

export interface FetchResponseNodeEndpoint {
  /** v16+. The ID of the associated node. */
  nodeId: number;
  /** v16+. The node's hostname. */
  host: string;
  /** v16+. The node's port. */
  port: number;
  /** v16+, nullable v16+, default null. The rack of the node, or null if it has not been assigned to a rack. */
  rack: string | null;
}

export interface FetchableTopicResponse {
  /** v0-12. The topic name. */
  topic: string;
  /** v13+. The unique topic ID */
  topicId: string;
  /** v0+. The topic partitions. */
  partitions: FetchResponsePartitionData[];
}

export interface FetchResponsePartitionData {
  /** v0+. The partition index. */
  partitionIndex: number;
  /** v0+. The error code, or 0 if there was no fetch error. */
  errorCode: number;
  /** v0+. The current high water mark. */
  highWatermark: number;
  /** v4+, default -1. The last stable offset (or LSO) of the partition. This is the last offset such that the state of all transactional records prior to this offset have been decided (ABORTED or COMMITTED) */
  lastStableOffset: number;
  /** v5+, default -1. The current log start offset. */
  logStartOffset: number;
  /** v12+, tagged 0. In case divergence is detected based on the `LastFetchedEpoch` and `FetchOffset` in the request, this field indicates the largest epoch and its end offset such that subsequent records are known to diverge */
  divergingEpoch: FetchResponseEpochEndOffset;
  /** v12+, tagged 1 */
  currentLeader: FetchResponseLeaderIdAndEpoch;
  /** v12+, tagged 2. In the case of fetching an offset less than the LogStartOffset, this is the end offset and epoch that should be used in the FetchSnapshot request. */
  snapshotId: FetchResponseSnapshotId;
  /** v4+, nullable v4+. The aborted transactions. */
  abortedTransactions: FetchResponseAbortedTransaction[] | null;
  /** v11+, default -1. The preferred read replica for the consumer to use on its next fetch request */
  preferredReadReplica: number;
  /** v0+, nullable v0+. The record data. */
  records: Buffer | Buffer[] | null;
}

export interface FetchResponseAbortedTransaction {
  /** v4+. The producer id associated with the aborted transaction. */
  producerId: number;
  /** v4+. The first offset in the aborted transaction. */
  firstOffset: number;
}

export interface FetchResponseSnapshotId {
  /** v0+, default -1 */
  endOffset: number;
  /** v0+, default -1 */
  epoch: number;
}

export interface FetchResponseLeaderIdAndEpoch {
  /** v12+, default -1. The ID of the current leader or -1 if the leader is unknown. */
  leaderId: number;
  /** v12+, default -1. The latest known leader epoch */
  leaderEpoch: number;
}

export interface FetchResponseEpochEndOffset {
  /** v12+, default -1 */
  epoch: number;
  /** v12+, default -1 */
  endOffset: number;
}
