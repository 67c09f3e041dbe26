/**
 * LeaderAndIsr (API key 4): LeaderAndIsrRequest.json / LeaderAndIsrResponse.json from Apache Kafka
 * (clients/src/main/resources/common/message, commit 1eb7644349cb), transcribed literally; the interfaces
 * are the decoded objects (camelCase, every field present; doc comments give the versions of each field).
 */
import type { MessageSpec } from '../schema.js';

// Version 1 adds IsNew.
//
// Version 2 adds broker epoch and reorganizes the partitions by topic.
//
// Version 3 adds AddingReplicas and RemovingReplicas.
//
// Version 4 is the first flexible version.
//
// Version 5 adds Topic ID and Type to the TopicStates, as described in KIP-516.
//
// Version 6 adds LeaderRecoveryState as described in KIP-704.
//
// Version 7 adds KRaft Controller ID field as part of KIP-866
export const LeaderAndIsrRequestSpec: MessageSpec = {
  apiKey: 4,
  type: 'request',
  name: 'LeaderAndIsrRequest',
  validVersions: '0-7',
  flexibleVersions: '4+',
  fields: [
    { name: 'ControllerId', type: 'int32', versions: '0+' },
    { name: 'isKRaftController', type: 'bool', versions: '7+', default: 'false' },
    { name: 'ControllerEpoch', type: 'int32', versions: '0+' },
    { name: 'BrokerEpoch', type: 'int64', versions: '2+', default: '-1', ignorable: true },
    { name: 'Type', type: 'int8', versions: '5+' },
    { name: 'UngroupedPartitionStates', type: '[]LeaderAndIsrPartitionState', versions: '0-1' },
    // In v0 or v1 requests, each partition is listed alongside its topic name.
    // In v2+ requests, partitions are organized by topic, so that each topic name
    // only needs to be listed once.
    { name: 'TopicStates', type: '[]LeaderAndIsrTopicState', versions: '2+', fields: [
      { name: 'TopicName', type: 'string', versions: '2+' },
      { name: 'TopicId', type: 'uuid', versions: '5+', ignorable: true },
      { name: 'PartitionStates', type: '[]LeaderAndIsrPartitionState', versions: '2+' },
    ]},
    { name: 'LiveLeaders', type: '[]LeaderAndIsrLiveLeader', versions: '0+', fields: [
      { name: 'BrokerId', type: 'int32', versions: '0+' },
      { name: 'HostName', type: 'string', versions: '0+' },
      { name: 'Port', type: 'int32', versions: '0+' },
    ]},
  ],
  commonStructs: [
    { name: 'LeaderAndIsrPartitionState', versions: '0+', fields: [
      { name: 'TopicName', type: 'string', versions: '0-1', ignorable: true },
      { name: 'PartitionIndex', type: 'int32', versions: '0+' },
      { name: 'ControllerEpoch', type: 'int32', versions: '0+' },
      { name: 'Leader', type: 'int32', versions: '0+' },
      { name: 'LeaderEpoch', type: 'int32', versions: '0+' },
      { name: 'Isr', type: '[]int32', versions: '0+' },
      { name: 'PartitionEpoch', type: 'int32', versions: '0+' },
      { name: 'Replicas', type: '[]int32', versions: '0+' },
      { name: 'AddingReplicas', type: '[]int32', versions: '3+', ignorable: true },
      { name: 'RemovingReplicas', type: '[]int32', versions: '3+', ignorable: true },
      { name: 'IsNew', type: 'bool', versions: '1+', default: 'false', ignorable: true },
      { name: 'LeaderRecoveryState', type: 'int8', versions: '6+', default: '0' },
    ]},
  ],
};

export interface LeaderAndIsrRequest {
  /** v0+. The current controller ID. */
  controllerId: number;
  /** v7+, default false. If KRaft controller id is used during migration. See KIP-866 */
  isKRaftController: boolean;
  /** v0+. The current controller epoch. */
  controllerEpoch: number;
  /** v2+, default -1. The current broker epoch. */
  brokerEpoch: number;
  /** v5+. The type that indicates whether all topics are included in the request */
  type: number;
  /** v0-1. The state of each partition, in a v0 or v1 message. */
  ungroupedPartitionStates: LeaderAndIsrPartitionState[];
  /** v2+. Each topic. */
  topicStates: LeaderAndIsrTopicState[];
  /** v0+. The current live leaders. */
  liveLeaders: LeaderAndIsrLiveLeader[];
}

export interface LeaderAndIsrPartitionState {
  /** v0-1. The topic name.  This is only present in v0 or v1. */
  topicName: string;
  /** v0+. The partition index. */
  partitionIndex: number;
  /** v0+. The controller epoch. */
  controllerEpoch: number;
  /** v0+. The broker ID of the leader. */
  leader: number;
  /** v0+. The leader epoch. */
  leaderEpoch: number;
  /** v0+. The in-sync replica IDs. */
  isr: number[];
  /** v0+. The current epoch for the partition. The epoch is a monotonically increasing value which is incremented after every partition change. (Since the LeaderAndIsr request is only used by the legacy controller, this corresponds to the zkVersion) */
  partitionEpoch: number;
  /** v0+. The replica IDs. */
  replicas: number[];
  /** v3+. The replica IDs that we are adding this partition to, or null if no replicas are being added. */
  addingReplicas: number[];
  /** v3+. The replica IDs that we are removing this partition from, or null if no replicas are being removed. */
  removingReplicas: number[];
  /** v1+, default false. Whether the replica should have existed on the broker or not. */
  isNew: boolean;
  /** v6+, default 0. 1 if the partition is recovering from an unclean leader election; 0 otherwise. */
  leaderRecoveryState: number;
}

export interface LeaderAndIsrTopicState {
  /** v2+. The topic name. */
  topicName: string;
  /** v5+. The unique topic ID. */
  topicId: string;
  /** v2+. The state of each partition */
  partitionStates: LeaderAndIsrPartitionState[];
}

export interface LeaderAndIsrLiveLeader {
  /** v0+. The leader's broker ID. */
  brokerId: number;
  /** v0+. The leader's hostname. */
  hostName: string;
  /** v0+. The leader's port. */
  port: number;
}

// Version 1 adds KAFKA_STORAGE_ERROR as a valid error code.
//
// Version 2 is the same as version 1.
//
// Version 3 is the same as version 2.
//
// Version 4 is the first flexible version.
//
// Version 5 removes TopicName and replaces it with TopicId and reorganizes
// the partitions by topic, as described by KIP-516.
export const LeaderAndIsrResponseSpec: MessageSpec = {
  apiKey: 4,
  type: 'response',
  name: 'LeaderAndIsrResponse',
  validVersions: '0-7',
  flexibleVersions: '4+',
  fields: [
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    { name: 'PartitionErrors', type: '[]LeaderAndIsrPartitionError', versions: '0-4' },
    { name: 'Topics', type: '[]LeaderAndIsrTopicError', versions: '5+', fields: [
      { name: 'TopicId', type: 'uuid', versions: '5+' },
      { name: 'PartitionErrors', type: '[]LeaderAndIsrPartitionError', versions: '5+' },
    ]},
  ],
  commonStructs: [
    { name: 'LeaderAndIsrPartitionError', versions: '0+', fields: [
      { name: 'TopicName', type: 'string', versions: '0-4', ignorable: true },
      { name: 'PartitionIndex', type: 'int32', versions: '0+' },
      { name: 'ErrorCode', type: 'int16', versions: '0+' },
    ]},
  ],
};

export interface LeaderAndIsrResponse {
  /** v0+. The error code, or 0 if there was no error. */
  errorCode: number;
  /** v0-4. Each partition in v0 to v4 message. */
  partitionErrors: LeaderAndIsrPartitionError[];
  /** v5+. Each topic */
  topics: LeaderAndIsrTopicError[];
}

export interface LeaderAndIsrPartitionError {
  /** v0-4. The topic name. */
  topicName: string;
  /** v0+. The partition index. */
  partitionIndex: number;
  /** v0+. The partition error code, or 0 if there was no error. */
  errorCode: number;
}

export interface LeaderAndIsrTopicError {
  /** v5+. The unique topic ID */
  topicId: string;
  /** v5+. Each partition. */
  partitionErrors: LeaderAndIsrPartitionError[];
}
