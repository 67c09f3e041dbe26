/**
 * CreateTopics (API key 19): CreateTopicsRequest.json / CreateTopicsResponse.json from Apache Kafka
 * (clients/src/main/resources/common/message, commit 1eb7644349cb), transcribed literally; the interfaces
 * are the decoded objects (camelCase, every field present; doc comments give the versions of each field).
 */
import type { MessageSpec } from '../schema.js';

// Version 1 adds validateOnly.
//
// Version 4 makes partitions/replicationFactor optional even when assignments are not present (KIP-464)
//
// Version 5 is the first flexible version.
// Version 5 also returns topic configs in the response (KIP-525).
//
// Version 6 is identical to version 5 but may return a THROTTLING_QUOTA_EXCEEDED error
// in the response if the topics creation is throttled (KIP-599).
//
// Version 7 is the same as version 6.
export const CreateTopicsRequestSpec: MessageSpec = {
  apiKey: 19,
  type: 'request',
  name: 'CreateTopicsRequest',
  validVersions: '0-7',
  flexibleVersions: '5+',
  fields: [
    { name: 'Topics', type: '[]CreatableTopic', versions: '0+', fields: [
      { name: 'Name', type: 'string', versions: '0+' },
      { name: 'NumPartitions', type: 'int32', versions: '0+' },
      { name: 'ReplicationFactor', type: 'int16', versions: '0+' },
      { name: 'Assignments', type: '[]CreatableReplicaAssignment', versions: '0+', fields: [
        { name: 'PartitionIndex', type: 'int32', versions: '0+' },
        { name: 'BrokerIds', type: '[]int32', versions: '0+' },
      ]},
      { name: 'Configs', type: '[]CreatableTopicConfig', versions: '0+', fields: [
        { name: 'Name', type: 'string', versions: '0+' },
        { name: 'Value', type: 'string', versions: '0+', nullableVersions: '0+' },
      ]},
    ]},
    { name: 'timeoutMs', type: 'int32', versions: '0+', default: '60000' },
    { name: 'validateOnly', type: 'bool', versions: '1+', default: 'false', ignorable: false },
  ],
};

export interface CreateTopicsRequest {
  /** v0+. The topics to create. */
  topics: CreateTopicsRequestCreatableTopic[];
  /** v0+, default 60000. How long to wait in milliseconds before timing out the request. */
  timeoutMs: number;
  /** v1+, default false. If true, check that the topics can be created as specified, but don't create anything. */
  validateOnly: boolean;
}

export interface CreateTopicsRequestCreatableTopic {
  /** v0+. The topic name. */
  name: string;
  /** v0+. The number of partitions to create in the topic, or -1 if we are either specifying a manual partition assignment or using the default partitions. */
  numPartitions: number;
  /** v0+. The number of replicas to create for each partition in the topic, or -1 if we are either specifying a manual partition assignment or using the default replication factor. */
  replicationFactor: number;
  /** v0+. The manual partition assignment, or the empty array if we are using automatic assignment. */
  assignments: CreateTopicsRequestCreatableReplicaAssignment[];
  /** v0+. The custom topic configurations to set. */
  configs: CreateTopicsRequestCreatableTopicConfig[];
}

export interface CreateTopicsRequestCreatableTopicConfig {
  /** v0+. The configuration name. */
  name: string;
  /** v0+, nullable v0+. The configuration value. */
  value: string | null;
}

export interface CreateTopicsRequestCreatableReplicaAssignment {
  /** v0+. The partition index. */
  partitionIndex: number;
  /** v0+. The brokers to place the partition on. */
  brokerIds: number[];
}

// Version 1 adds a per-topic error message string.
//
// Version 2 adds the throttle time.
//
// Starting in version 3, on quota violation, brokers send out responses before throttling.
//
// Version 4 makes partitions/replicationFactor optional even when assignments are not present (KIP-464).
//
// Version 5 is the first flexible version.
// Version 5 also returns topic configs in the response (KIP-525).
//
// Version 6 is identical to version 5 but may return a THROTTLING_QUOTA_EXCEEDED error
// in the response if the topics creation is throttled (KIP-599).
//
// Version 7 returns the topic ID of the newly created topic if creation is successful.
export const CreateTopicsResponseSpec: MessageSpec = {
  apiKey: 19,
  type: 'response',
  name: 'CreateTopicsResponse',
  validVersions: '0-7',
  flexibleVersions: '5+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '2+', ignorable: true },
    { name: 'Topics', type: '[]CreatableTopicResult', versions: '0+', fields: [
      { name: 'Name', type: 'string', versions: '0+' },
      { name: 'TopicId', type: 'uuid', versions: '7+', ignorable: true },
      { name: 'ErrorCode', type: 'int16', versions: '0+' },
      { name: 'ErrorMessage', type: 'string', versions: '1+', nullableVersions: '0+', ignorable: true },
      { name: 'TopicConfigErrorCode', type: 'int16', versions: '5+', taggedVersions: '5+', tag: 0, ignorable: true },
      { name: 'NumPartitions', type: 'int32', versions: '5+', default: '-1', ignorable: true },
      { name: 'ReplicationFactor', type: 'int16', versions: '5+', default: '-1', ignorable: true },
      { name: 'Configs', type: '[]CreatableTopicConfigs', versions: '5+', nullableVersions: '5+', ignorable: true, fields: [
        { name: 'Name', type: 'string', versions: '5+' },
        { name: 'Value', type: 'string', versions: '5+', nullableVersions: '5+' },
        { name: 'ReadOnly', type: 'bool', versions: '5+' },
        { name: 'ConfigSource', type: 'int8', versions: '5+', default: '-1', ignorable: true },
        { name: 'IsSensitive', type: 'bool', versions: '5+' },
      ]},
    ]},
  ],
};

export interface CreateTopicsResponse {
  /** v2+. The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. */
  throttleTimeMs: number;
  /** v0+. Results for each topic we tried to create. */
  topics: CreateTopicsResponseCreatableTopicResult[];
}

export interface CreateTopicsResponseCreatableTopicResult {
  /** v0+. The topic name. */
  name: string;
  /** v7+. The unique topic ID */
  topicId: string;
  /** v0+. The error code, or 0 if there was no error. */
  errorCode: number;
  /** v1+, nullable v0+. The error message, or null if there was no error. */
  errorMessage: string | null;
  /** v5+, tagged 0. Optional topic config error returned if configs are not returned in the response. */
  topicConfigErrorCode: number;
  /** v5+, default -1. Number of partitions of the topic. */
  numPartitions: number;
  /** v5+, default -1. Replication factor of the topic. */
  replicationFactor: number;
  /** v5+, nullable v5+. Configuration of the topic. */
  configs: CreateTopicsResponseCreatableTopicConfigs[] | null;
}

export interface CreateTopicsResponseCreatableTopicConfigs {
  /** v5+. The configuration name. */
  name: string;
  /** v5+, nullable v5+. The configuration value. */
  value: string | null;
  /** v5+. True if the configuration is read-only. */
  readOnly: boolean;
  /** v5+, default -1. The configuration source. */
  configSource: number;
  /** v5+. True if this configuration is sensitive. */
  isSensitive: boolean;
}
