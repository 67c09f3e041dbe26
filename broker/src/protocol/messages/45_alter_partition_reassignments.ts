/**
 * AlterPartitionReassignments (API key 45): AlterPartitionReassignmentsRequest.json /
 * AlterPartitionReassignmentsResponse.json from Apache Kafka (clients/src/main/resources/common/message,
 * commit 1eb7644349cb), transcribed literally; the interfaces are the decoded objects (camelCase, every
 * field present; doc comments give the versions of each field).
 */
import type { MessageSpec } from '../schema.js';

export const AlterPartitionReassignmentsRequestSpec: MessageSpec = {
  apiKey: 45,
  type: 'request',
  name: 'AlterPartitionReassignmentsRequest',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'TimeoutMs', type: 'int32', versions: '0+', default: '60000' },
    { name: 'Topics', type: '[]ReassignableTopic', versions: '0+', fields: [
      { name: 'Name', type: 'string', versions: '0+' },
      { name: 'Partitions', type: '[]ReassignablePartition', versions: '0+', fields: [
        { name: 'PartitionIndex', type: 'int32', versions: '0+' },
        { name: 'Replicas', type: '[]int32', versions: '0+', nullableVersions: '0+', default: 'null' },
      ]},
    ]},
  ],
};

export interface AlterPartitionReassignmentsRequest {
  /** v0+, default 60000. The time in ms to wait for the request to complete. */
  timeoutMs: number;
  /** v0+. The topics to reassign. */
  topics: AlterPartitionReassignmentsRequestReassignableTopic[];
}

export interface AlterPartitionReassignmentsRequestReassignableTopic {
  /** v0+. The topic name. */
  name: string;
  /** v0+. The partitions to reassign. */
  partitions: AlterPartitionReassignmentsRequestReassignablePartition[];
}

export interface AlterPartitionReassignmentsRequestReassignablePartition {
  /** v0+. The partition index. */
  partitionIndex: number;
  /** v0+, nullable v0+, default null. The replicas to place the partitions on, or null to cancel a pending reassignment for this partition. */
  replicas: number[] | null;
}

export const AlterPartitionReassignmentsResponseSpec: MessageSpec = {
  apiKey: 45,
  type: 'response',
  name: 'AlterPartitionReassignmentsResponse',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    { name: 'ErrorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
    { name: 'Responses', type: '[]ReassignableTopicResponse', versions: '0+', fields: [
      { name: 'Name', type: 'string', versions: '0+' },
      { name: 'Partitions', type: '[]ReassignablePartitionResponse', versions: '0+', fields: [
        { name: 'PartitionIndex', type: 'int32', versions: '0+' },
        { name: 'ErrorCode', type: 'int16', versions: '0+' },
        { name: 'ErrorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
      ]},
    ]},
  ],
};

export interface AlterPartitionReassignmentsResponse {
  /** v0+. The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. */
  throttleTimeMs: number;
  /** v0+. The top-level error code, or 0 if there was no error. */
  errorCode: number;
  /** v0+, nullable v0+. The top-level error message, or null if there was no error. */
  errorMessage: string | null;
  /** v0+. The responses to topics to reassign. */
  responses: AlterPartitionReassignmentsResponseReassignableTopicResponse[];
}

export interface AlterPartitionReassignmentsResponseReassignableTopicResponse {
  /** v0+. The topic name */
  name: string;
  /** v0+. The responses to partitions to reassign */
  partitions: AlterPartitionReassignmentsResponseReassignablePartitionResponse[];
}

export interface AlterPartitionReassignmentsResponseReassignablePartitionResponse {
  /** v0+. The partition index. */
  partitionIndex: number;
  /** v0+. The error code for this partition, or 0 if there was no error. */
  errorCode: number;
  /** v0+, nullable v0+. The error message for this partition, or null if there was no error. */
  errorMessage: string | null;
}
