/**
 * CreatePartitions (API key 37): CreatePartitionsRequest.json / CreatePartitionsResponse.json from Apache Kafka
 * (clients/src/main/resources/common/message, commit 1eb7644349cb), transcribed literally; the interfaces
 * are the decoded objects (camelCase, every field present; doc comments give the versions of each field).
 */
import type { MessageSpec } from '../schema.js';

// Version 1 is the same as version 0.
//
// Version 2 adds flexible version support
//
// Version 3 is identical to version 2 but may return a THROTTLING_QUOTA_EXCEEDED error
// in the response if the partitions creation is throttled (KIP-599).
export const CreatePartitionsRequestSpec: MessageSpec = {
  apiKey: 37,
  type: 'request',
  name: 'CreatePartitionsRequest',
  validVersions: '0-3',
  flexibleVersions: '2+',
  fields: [
    { name: 'Topics', type: '[]CreatePartitionsTopic', versions: '0+', fields: [
      { name: 'Name', type: 'string', versions: '0+' },
      { name: 'Count', type: 'int32', versions: '0+' },
      { name: 'Assignments', type: '[]CreatePartitionsAssignment', versions: '0+', nullableVersions: '0+', fields: [
        { name: 'BrokerIds', type: '[]int32', versions: '0+' },
      ]},
    ]},
    { name: 'TimeoutMs', type: 'int32', versions: '0+' },
    { name: 'ValidateOnly', type: 'bool', versions: '0+' },
  ],
};

export interface CreatePartitionsRequest {
  /** v0+. Each topic that we want to create new partitions inside. */
  topics: CreatePartitionsTopic[];
  /** v0+. The time in ms to wait for the partitions to be created. */
  timeoutMs: number;
  /** v0+. If true, then validate the request, but don't actually increase the number of partitions. */
  validateOnly: boolean;
}

export interface CreatePartitionsTopic {
  /** v0+. The topic name. */
  name: string;
  /** v0+. The new partition count. */
  count: number;
  /** v0+, nullable v0+. The new partition assignments. */
  assignments: CreatePartitionsAssignment[] | null;
}

export interface CreatePartitionsAssignment {
  /** v0+. The assigned broker IDs. */
  brokerIds: number[];
}

// Starting in version 1, on quota violation, brokers send out responses before throttling.
//
// Version 2 adds flexible version support
//
// Version 3 is identical to version 2 but may return a THROTTLING_QUOTA_EXCEEDED error
// in the response if the partitions creation is throttled (KIP-599).
export const CreatePartitionsResponseSpec: MessageSpec = {
  apiKey: 37,
  type: 'response',
  name: 'CreatePartitionsResponse',
  validVersions: '0-3',
  flexibleVersions: '2+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    { name: 'Results', type: '[]CreatePartitionsTopicResult', versions: '0+', fields: [
      { name: 'Name', type: 'string', versions: '0+' },
      { name: 'ErrorCode', type: 'int16', versions: '0+' },
      { name: 'ErrorMessage', type: 'string', versions: '0+', nullableVersions: '0+', default: 'null' },
    ]},
  ],
};

export interface CreatePartitionsResponse {
  /** v0+. The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. */
  throttleTimeMs: number;
  /** v0+. The partition creation results for each topic. */
  results: CreatePartitionsTopicResult[];
}

export interface CreatePartitionsTopicResult {
  /** v0+. The topic name. */
  name: string;
  /** v0+. The result error, or zero if there was no error. */
  errorCode: number;
  /** v0+, nullable v0+, default null. The result message, or null if there was no error. */
  errorMessage: string | null;
}
