/**
 * StopReplica (API key 5): StopReplicaRequest.json / StopReplicaResponse.json from Apache Kafka
 * (clients/src/main/resources/common/message, commit 1eb7644349cb), transcribed literally; the interfaces
 * are the decoded objects (camelCase, every field present; doc comments give the versions of each field).
 */
import type { MessageSpec } from '../schema.js';

// Version 1 adds the broker epoch and reorganizes the partitions to be stored
// per topic.
//
// Version 2 is the first flexible version.
//
// Version 3 adds the leader epoch per partition (KIP-570).
//
// Version 4 adds KRaft Controller ID field as part of KIP-866
export const StopReplicaRequestSpec: MessageSpec = {
  apiKey: 5,
  type: 'request',
  name: 'StopReplicaRequest',
  validVersions: '0-4',
  flexibleVersions: '2+',
  fields: [
    { name: 'ControllerId', type: 'int32', versions: '0+' },
    { name: 'isKRaftController', type: 'bool', versions: '4+', default: 'false' },
    { name: 'ControllerEpoch', type: 'int32', versions: '0+' },
    { name: 'BrokerEpoch', type: 'int64', versions: '1+', default: '-1', ignorable: true },
    { name: 'DeletePartitions', type: 'bool', versions: '0-2' },
    { name: 'UngroupedPartitions', type: '[]StopReplicaPartitionV0', versions: '0', fields: [
      { name: 'TopicName', type: 'string', versions: '0' },
      { name: 'PartitionIndex', type: 'int32', versions: '0' },
    ]},
    { name: 'Topics', type: '[]StopReplicaTopicV1', versions: '1-2', fields: [
      { name: 'Name', type: 'string', versions: '1-2' },
      { name: 'PartitionIndexes', type: '[]int32', versions: '1-2' },
    ]},
    { name: 'TopicStates', type: '[]StopReplicaTopicState', versions: '3+', fields: [
      { name: 'TopicName', type: 'string', versions: '3+' },
      { name: 'PartitionStates', type: '[]StopReplicaPartitionState', versions: '3+', fields: [
        { name: 'PartitionIndex', type: 'int32', versions: '3+' },
        { name: 'LeaderEpoch', type: 'int32', versions: '3+', default: '-1' },
        { name: 'DeletePartition', type: 'bool', versions: '3+' },
      ]},
    ]},
  ],
};

export interface StopReplicaRequest {
  /** v0+. The controller id. */
  controllerId: number;
  /** v4+, default false. If KRaft controller id is used during migration. See KIP-866 */
  isKRaftController: boolean;
  /** v0+. The controller epoch. */
  controllerEpoch: number;
  /** v1+, default -1. The broker epoch. */
  brokerEpoch: number;
  /** v0-2. Whether these partitions should be deleted. */
  deletePartitions: boolean;
  /** v0. The partitions to stop. */
  ungroupedPartitions: StopReplicaPartitionV0[];
  /** v1-2. The topics to stop. */
  topics: StopReplicaTopicV1[];
  /** v3+. Each topic. */
  topicStates: StopReplicaTopicState[];
}

export interface StopReplicaPartitionV0 {
  /** v0. The topic name. */
  topicName: string;
  /** v0. The partition index. */
  partitionIndex: number;
}

export interface StopReplicaTopicV1 {
  /** v1-2. The topic name. */
  name: string;
  /** v1-2. The partition indexes. */
  partitionIndexes: number[];
}

export interface StopReplicaTopicState {
  /** v3+. The topic name. */
  topicName: string;
  /** v3+. The state of each partition */
  partitionStates: StopReplicaPartitionState[];
}

export interface StopReplicaPartitionState {
  /** v3+. The partition index. */
  partitionIndex: number;
  /** v3+, default -1. The leader epoch. */
  leaderEpoch: number;
  /** v3+. Whether this partition should be deleted. */
  deletePartition: boolean;
}

// Version 1 is the same as version 0.
//
// Version 2 is the first flexible version.
//
// Version 3 returns FENCED_LEADER_EPOCH if the epoch of the leader is stale (KIP-570).
export const StopReplicaResponseSpec: MessageSpec = {
  apiKey: 5,
  type: 'response',
  name: 'StopReplicaResponse',
  validVersions: '0-4',
  flexibleVersions: '2+',
  fields: [
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    { name: 'PartitionErrors', type: '[]StopReplicaPartitionError', versions: '0+', fields: [
      { name: 'TopicName', type: 'string', versions: '0+' },
      { name: 'PartitionIndex', type: 'int32', versions: '0+' },
      { name: 'ErrorCode', type: 'int16', versions: '0+' },
    ]},
  ],
};

export interface StopReplicaResponse {
  /** v0+. The top-level error code, or 0 if there was no top-level error. */
  errorCode: number;
  /** v0+. The responses for each partition. */
  partitionErrors: StopReplicaPartitionError[];
}

export interface StopReplicaPartitionError {
  /** v0+. The topic name. */
  topicName: string;
  /** v0+. The partition index. */
  partitionIndex: number;
  /** v0+. The partition error code, or 0 if there was no partition error. */
  errorCode: number;
}
