/**
 * ElectLeaders (API key 43): ElectLeadersRequest.json / ElectLeadersResponse.json from Apache Kafka
 * (clients/src/main/resources/common/message, commit 1eb7644349cb), transcribed literally; the interfaces
 * are the decoded objects (camelCase, every field present; doc comments give the versions of each field).
 */
import type { MessageSpec } from '../schema.js';

// Version 1 implements multiple leader election types, as described by KIP-460.
//
// Version 2 is the first flexible version.
export const ElectLeadersRequestSpec: MessageSpec = {
  apiKey: 43,
  type: 'request',
  name: 'ElectLeadersRequest',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    { name: 'ElectionType', type: 'int8', versions: '1+' },
    { name: 'TopicPartitions', type: '[]TopicPartitions', versions: '0+', nullableVersions: '0+', fields: [
      { name: 'Topic', type: 'string', versions: '0+' },
      { name: 'Partitions', type: '[]int32', versions: '0+' },
    ]},
    { name: 'TimeoutMs', type: 'int32', versions: '0+', default: '60000' },
  ],
};

export interface ElectLeadersRequest {
  /** v1+. Type of elections to conduct for the partition. A value of '0' elects the preferred replica. A value of '1' elects the first live replica if there are no in-sync replica. */
  electionType: number;
  /** v0+, nullable v0+. The topic partitions to elect leaders. */
  topicPartitions: ElectLeadersRequestTopicPartitions[] | null;
  /** v0+, default 60000. The time in ms to wait for the election to complete. */
  timeoutMs: number;
}

export interface ElectLeadersRequestTopicPartitions {
  /** v0+. The name of a topic. */
  topic: string;
  /** v0+. The partitions of this topic whose leader should be elected. */
  partitions: number[];
}

// Version 1 adds a top-level error code.
//
// Version 2 is the first flexible version.
export const ElectLeadersResponseSpec: MessageSpec = {
  apiKey: 43,
  type: 'response',
  name: 'ElectLeadersResponse',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    { name: 'ErrorCode', type: 'int16', versions: '1+', ignorable: false },
    { name: 'ReplicaElectionResults', type: '[]ReplicaElectionResult', versions: '0+', fields: [
      { name: 'Topic', type: 'string', versions: '0+' },
      { name: 'PartitionResult', type: '[]PartitionResult', versions: '0+', fields: [
        { name: 'PartitionId', type: 'int32', versions: '0+' },
        { name: 'ErrorCode', type: 'int16', versions: '0+' },
        { name: 'ErrorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
      ]},
    ]},
  ],
};

export interface ElectLeadersResponse {
  /** v0+. The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. */
  throttleTimeMs: number;
  /** v1+. The top level response error code. */
  errorCode: number;
  /** v0+. The election results, or an empty array if the requester did not have permission and the request asks for all partitions. */
  replicaElectionResults: ElectLeadersResponseReplicaElectionResult[];
}

export interface ElectLeadersResponseReplicaElectionResult {
  /** v0+. The topic name */
  topic: string;
  /** v0+. The results for each partition */
  partitionResult: ElectLeadersResponsePartitionResult[];
}

export interface ElectLeadersResponsePartitionResult {
  /** v0+. The partition id */
  partitionId: number;
  /** v0+. The result error, or zero if there was no error. */
  errorCode: number;
  /** v0+, nullable v0+. The result message, or null if there was no error. */
  errorMessage: string | null;
}
