/**
 * ListPartitionReassignments (API key 46): ListPartitionReassignmentsRequest.json /
 * ListPartitionReassignmentsResponse.json from Apache Kafka (clients/src/main/resources/common/message,
 * commit 1eb7644349cb), transcribed literally; the interfaces are the decoded objects (camelCase, every
 * field present; doc comments give the versions of each field).
 */
import type { MessageSpec } from '../schema.js';

export const ListPartitionReassignmentsRequestSpec: MessageSpec = {
  apiKey: 46,
  type: 'request',
  name: 'ListPartitionReassignmentsRequest',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'TimeoutMs', type: 'int32', versions: '0+', default: '60000' },
    { name: 'Topics', type: '[]ListPartitionReassignmentsTopics', versions: '0+', nullableVersions: '0+', default: 'null', fields: [
      { name: 'Name', type: 'string', versions: '0+' },
      { name: 'PartitionIndexes', type: '[]int32', versions: '0+' },
    ]},
  ],
};

export interface ListPartitionReassignmentsRequest {
  /** v0+, default 60000. The time in ms to wait for the request to complete. */
  timeoutMs: number;
  /** v0+, nullable v0+, default null. The topics to list partition reassignments for, or null to list everything. */
  topics: ListPartitionReassignmentsTopics[] | null;
}

export interface ListPartitionReassignmentsTopics {
  /** v0+. The topic name */
  name: string;
  /** v0+. The partitions to list partition reassignments for. */
  partitionIndexes: number[];
}

export const ListPartitionReassignmentsResponseSpec: MessageSpec = {
  apiKey: 46,
  type: 'response',
  name: 'ListPartitionReassignmentsResponse',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    { name: 'ErrorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
    { name: 'Topics', type: '[]OngoingTopicReassignment', versions: '0+', fields: [
      { name: 'Name', type: 'string', versions: '0+' },
      { name: 'Partitions', type: '[]OngoingPartitionReassignment', versions: '0+', fields: [
        { name: 'PartitionIndex', type: 'int32', versions: '0+' },
        { name: 'Replicas', type: '[]int32', versions: '0+' },
        { name: 'AddingReplicas', type: '[]int32', versions: '0+' },
        { name: 'RemovingReplicas', type: '[]int32', versions: '0+' },
      ]},
    ]},
  ],
};

export interface ListPartitionReassignmentsResponse {
  /** v0+. The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. */
  throttleTimeMs: number;
  /** v0+. The top-level error code, or 0 if there was no error */
  errorCode: number;
  /** v0+, nullable v0+. The top-level error message, or null if there was no error. */
  errorMessage: string | null;
  /** v0+. The ongoing reassignments for each topic. */
  topics: ListPartitionReassignmentsResponseOngoingTopicReassignment[];
}

export interface ListPartitionReassignmentsResponseOngoingTopicReassignment {
  /** v0+. The topic name. */
  name: string;
  /** v0+. The ongoing reassignments for each partition. */
  partitions: ListPartitionReassignmentsResponseOngoingPartitionReassignment[];
}

export interface ListPartitionReassignmentsResponseOngoingPartitionReassignment {
  /** v0+. The index of the partition. */
  partitionIndex: number;
  /** v0+. The current replica set. */
  replicas: number[];
  /** v0+. The set of replicas we are currently adding. */
  addingReplicas: number[];
  /** v0+. The set of replicas we are currently removing. */
  removingReplicas: number[];
}
