/**
 * Produce (API key 0): ProduceRequest.json / ProduceResponse.json from Apache Kafka
 * (clients/src/main/resources/common/message, commit 1eb7644349cb), transcribed literally; the interfaces
 * are the decoded objects (camelCase, every field present; doc comments give the versions of each field).
 */
import type { MessageSpec } from '../schema.js';

// Version 1 and 2 are the same as version 0.
//
// Version 3 adds the transactional ID, which is used for authorization when attempting to write
// transactional data.  Version 3 also adds support for Kafka Message Format v2.
//
// Version 4 is the same as version 3, but the requester must be prepared to handle a
// KAFKA_STORAGE_ERROR.
//
// Version 5 and 6 are the same as version 3.
//
// Starting in version 7, records can be produced using ZStandard compression.  See KIP-110.
//
// Starting in Version 8, response has RecordErrors and ErrorMessage. See KIP-467.
//
// Version 9 enables flexible versions.
//
// Version 10 is the same as version 9 (KIP-951).
//
// Version 11 adds support for new error code TRANSACTION_ABORTABLE (KIP-890).
export const ProduceRequestSpec: MessageSpec = {
  apiKey: 0,
  type: 'request',
  name: 'ProduceRequest',
  validVersions: '0-11',
  flexibleVersions: '9+',
  fields: [
    { name: 'TransactionalId', type: 'string', versions: '3+', nullableVersions: '3+', default: 'null' },
    { name: 'Acks', type: 'int16', versions: '0+' },
    { name: 'TimeoutMs', type: 'int32', versions: '0+' },
    { name: 'TopicData', type: '[]TopicProduceData', versions: '0+', fields: [
      { name: 'Name', type: 'string', versions: '0+' },
      { name: 'PartitionData', type: '[]PartitionProduceData', versions: '0+', fields: [
        { name: 'Index', type: 'int32', versions: '0+' },
        { name: 'Records', type: 'records', versions: '0+', nullableVersions: '0+' },
      ]},
    ]},
  ],
};

export interface ProduceRequest {
  /** v3+, nullable v3+, default null. The transactional ID, or null if the producer is not transactional. */
  transactionalId: string | null;
  /** v0+. The number of acknowledgments the producer requires the leader to have received before considering a request complete. Allowed values: 0 for no acknowledgments, 1 for only the leader and -1 for the full ISR. */
  acks: number;
  /** v0+. The timeout to await a response in milliseconds. */
  timeoutMs: number;
  /** v0+. Each topic to produce to. */
  topicData: ProduceRequestTopicProduceData[];
}

export interface ProduceRequestTopicProduceData {
  /** v0+. The topic name. */
  name: string;
  /** v0+. Each partition to produce to. */
  partitionData: ProduceRequestPartitionProduceData[];
}

export interface ProduceRequestPartitionProduceData {
  /** v0+. The partition index. */
  index: number;
  /** v0+, nullable v0+. The record data to be produced. */
  records: Buffer | null;
}

// Version 1 added the throttle time.
//
// Version 2 added the log append time.
//
// Version 3 is the same as version 2.
//
// Version 4 added KAFKA_STORAGE_ERROR as a possible error code.
//
// Version 5 added LogStartOffset to filter out spurious
// OutOfOrderSequenceExceptions on the client.
//
// Version 8 added RecordErrors and ErrorMessage to include information about
// records that cause the whole batch to be dropped.  See KIP-467 for details.
//
// Version 9 enables flexible versions.
//
// Version 10 adds 'CurrentLeader' and 'NodeEndpoints' as tagged fields (KIP-951)
//
// Version 11 adds support for new error code TRANSACTION_ABORTABLE (KIP-890).
export const ProduceResponseSpec: MessageSpec = {
  apiKey: 0,
  type: 'response',
  name: 'ProduceResponse',
  validVersions: '0-11',
  flexibleVersions: '9+',
  fields: [
    { name: 'Responses', type: '[]TopicProduceResponse', versions: '0+', fields: [
      { name: 'Name', type: 'string', versions: '0+' },
      { name: 'PartitionResponses', type: '[]PartitionProduceResponse', versions: '0+', fields: [
        { name: 'Index', type: 'int32', versions: '0+' },
        { name: 'ErrorCode', type: 'int16', versions: '0+' },
        { name: 'BaseOffset', type: 'int64', versions: '0+' },
        { name: 'LogAppendTimeMs', type: 'int64', versions: '2+', default: '-1', ignorable: true },
        { name: 'LogStartOffset', type: 'int64', versions: '5+', default: '-1', ignorable: true },
        { name: 'RecordErrors', type: '[]BatchIndexAndErrorMessage', versions: '8+', ignorable: true, fields: [
          { name: 'BatchIndex', type: 'int32', versions: '8+' },
          { name: 'BatchIndexErrorMessage', type: 'string', versions: '8+', nullableVersions: '8+', default: 'null' },
        ]},
        { name: 'ErrorMessage', type: 'string', versions: '8+', nullableVersions: '8+', default: 'null', ignorable: true },
        { name: 'CurrentLeader', type: 'LeaderIdAndEpoch', versions: '10+', taggedVersions: '10+', tag: 0, fields: [
          { name: 'LeaderId', type: 'int32', versions: '10+', default: '-1' },
          { name: 'LeaderEpoch', type: 'int32', versions: '10+', default: '-1' },
        ]},
      ]},
    ]},
    { name: 'ThrottleTimeMs', type: 'int32', versions: '1+', default: '0', ignorable: true },
    { name: 'NodeEndpoints', type: '[]NodeEndpoint', versions: '10+', taggedVersions: '10+', tag: 0, fields: [
      { name: 'NodeId', type: 'int32', versions: '10+' },
      { name: 'Host', type: 'string', versions: '10+' },
      { name: 'Port', type: 'int32', versions: '10+' },
      { name: 'Rack', type: 'string', versions: '10+', nullableVersions: '10+', default: 'null' },
    ]},
  ],
};

export interface ProduceResponse {
  /** v0+. Each produce response */
  responses: ProduceResponseTopicProduceResponse[];
  /** v1+, default 0. The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. */
  throttleTimeMs: number;
  /** v10+, tagged 0. Endpoints for all current-leaders enumerated in PartitionProduceResponses, with errors NOT_LEADER_OR_FOLLOWER. */
  nodeEndpoints: ProduceResponseNodeEndpoint[];
}

export interface ProduceResponseNodeEndpoint {
  /** v10+. The ID of the associated node. */
  nodeId: number;
  /** v10+. The node's hostname. */
  host: string;
  /** v10+. The node's port. */
  port: number;
  /** v10+, nullable v10+, default null. The rack of the node, or null if it has not been assigned to a rack. */
  rack: string | null;
}

export interface ProduceResponseTopicProduceResponse {
  /** v0+. The topic name */
  name: string;
  /** v0+. Each partition that we produced to within the topic. */
  partitionResponses: ProduceResponsePartitionProduceResponse[];
}

export interface ProduceResponsePartitionProduceResponse {
  /** v0+. The partition index. */
  index: number;
  /** v0+. The error code, or 0 if there was no error. */
  errorCode: number;
  /** v0+. The base offset. */
  baseOffset: number;
  /** v2+, default -1. The timestamp returned by broker after appending the messages. If CreateTime is used for the topic, the timestamp will be -1.  If LogAppendTime is used for the topic, the timestamp will be the broker local time when the messages are appended. */
  logAppendTimeMs: number;
  /** v5+, default -1. The log start offset. */
  logStartOffset: number;
  /** v8+. The batch indices of records that caused the batch to be dropped */
  recordErrors: ProduceResponseBatchIndexAndErrorMessage[];
  /** v8+, nullable v8+, default null. The global error message summarizing the common root cause of the records that caused the batch to be dropped */
  errorMessage: string | null;
  /** v10+, tagged 0 */
  currentLeader: ProduceResponseLeaderIdAndEpoch;
}

export interface ProduceResponseLeaderIdAndEpoch {
  /** v10+, default -1. The ID of the current leader or -1 if the leader is unknown. */
  leaderId: number;
  /** v10+, default -1. The latest known leader epoch */
  leaderEpoch: number;
}

export interface ProduceResponseBatchIndexAndErrorMessage {
  /** v8+. The batch index of the record that cause the batch to be dropped */
  batchIndex: number;
  /** v8+, nullable v8+, default null. The error message of the record that caused the batch to be dropped */
  batchIndexErrorMessage: string | null;
}
