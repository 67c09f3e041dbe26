/**
 * AlterPartition (API key 56): AlterPartitionRequest.json / AlterPartitionResponse.json from Apache Kafka
 * (clients/src/main/resources/common/message, commit 1eb7644349cb), transcribed literally; the interfaces
 * are the decoded objects (camelCase, every field present; doc comments give the versions of each field).
 */
import type { MessageSpec } from '../schema.js';

// Version 1 adds LeaderRecoveryState field (KIP-704).
//
// Version 2 adds TopicId field to replace TopicName field (KIP-841).
//
// Version 3 adds the NewIsrEpochs field and deprecates the NewIsr field (KIP-903).
export const AlterPartitionRequestSpec: MessageSpec = {
  apiKey: 56,
  type: 'request',
  name: 'AlterPartitionRequest',
  validVersions: '0-3',
  flexibleVersions: '0+',
  fields: [
    { name: 'BrokerId', type: 'int32', versions: '0+' },
    { name: 'BrokerEpoch', type: 'int64', versions: '0+', default: '-1' },
    { name: 'Topics', type: '[]TopicData', versions: '0+', fields: [
      { name: 'TopicName', type: 'string', versions: '0-1', ignorable: true },
      { name: 'TopicId', type: 'uuid', versions: '2+', ignorable: true },
      { name: 'Partitions', type: '[]PartitionData', versions: '0+', fields: [
        { name: 'PartitionIndex', type: 'int32', versions: '0+' },
        { name: 'LeaderEpoch', type: 'int32', versions: '0+' },
        { name: 'NewIsr', type: '[]int32', versions: '0-2' },
        { name: 'NewIsrWithEpochs', type: '[]BrokerState', versions: '3+', fields: [
          { name: 'BrokerId', type: 'int32', versions: '3+' },
          { name: 'BrokerEpoch', type: 'int64', versions: '3+', default: '-1' },
        ]},
        { name: 'LeaderRecoveryState', type: 'int8', versions: '1+', default: '0' },
        { name: 'PartitionEpoch', type: 'int32', versions: '0+' },
      ]},
    ]},
  ],
};

export interface AlterPartitionRequest {
  /** v0+. The ID of the requesting broker */
  brokerId: number;
  /** v0+, default -1. The epoch of the requesting broker */
  brokerEpoch: number;
  /** v0+ */
  topics: AlterPartitionRequestTopicData[];
}

export interface AlterPartitionRequestTopicData {
  /** v0-1. The name of the topic to alter ISRs for */
  topicName: string;
  /** v2+. The ID of the topic to alter ISRs for */
  topicId: string;
  /** v0+ */
  partitions: AlterPartitionRequestPartitionData[];
}

export interface AlterPartitionRequestPartitionData {
  /** v0+. The partition index */
  partitionIndex: number;
  /** v0+. The leader epoch of this partition */
  leaderEpoch: number;
  /** v0-2. The ISR for this partition. Deprecated since version 3. */
  newIsr: number[];
  /** v3+ */
  newIsrWithEpochs: AlterPartitionRequestBrokerState[];
  /** v1+, default 0. 1 if the partition is recovering from an unclean leader election; 0 otherwise. */
  leaderRecoveryState: number;
  /** v0+. The expected epoch of the partition which is being updated. For legacy cluster this is the ZkVersion in the LeaderAndIsr request. */
  partitionEpoch: number;
}

export interface AlterPartitionRequestBrokerState {
  /** v3+. The ID of the broker. */
  brokerId: number;
  /** v3+, default -1. The epoch of the broker. It will be -1 if the epoch check is not supported. */
  brokerEpoch: number;
}

// Version 1 adds LeaderRecoveryState field (KIP-704).
//
// Version 2 adds TopicId field to replace TopicName field, can return the following new errors:
// INELIGIBLE_REPLICA, NEW_LEADER_ELECTED and UNKNOWN_TOPIC_ID (KIP-841).
//
// Version 3 is the same as version 2 (KIP-903).
export const AlterPartitionResponseSpec: MessageSpec = {
  apiKey: 56,
  type: 'response',
  name: 'AlterPartitionResponse',
  validVersions: '0-3',
  flexibleVersions: '0+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    { name: 'Topics', type: '[]TopicData', versions: '0+', fields: [
      { name: 'TopicName', type: 'string', versions: '0-1', ignorable: true },
      { name: 'TopicId', type: 'uuid', versions: '2+', ignorable: true },
      { name: 'Partitions', type: '[]PartitionData', versions: '0+', fields: [
        { name: 'PartitionIndex', type: 'int32', versions: '0+' },
        { name: 'ErrorCode', type: 'int16', versions: '0+' },
        { name: 'LeaderId', type: 'int32', versions: '0+' },
        { name: 'LeaderEpoch', type: 'int32', versions: '0+' },
        { name: 'Isr', type: '[]int32', versions: '0+' },
        { name: 'LeaderRecoveryState', type: 'int8', versions: '1+', default: '0', ignorable: true },
        { name: 'PartitionEpoch', type: 'int32', versions: '0+' },
      ]},
    ]},
  ],
};

export interface AlterPartitionResponse {
  /** v0+. The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. */
  throttleTimeMs: number;
  /** v0+. The top level response error code */
  errorCode: number;
  /** v0+ */
  topics: AlterPartitionResponseTopicData[];
}

export interface AlterPartitionResponseTopicData {
  /** v0-1. The name of the topic */
  topicName: string;
  /** v2+. The ID of the topic */
  topicId: string;
  /** v0+ */
  partitions: AlterPartitionResponsePartitionData[];
}

export interface AlterPartitionResponsePartitionData {
  /** v0+. The partition index */
  partitionIndex: number;
  /** v0+. The partition level error code */
  errorCode: number;
  /** v0+. The broker ID of the leader. */
  leaderId: number;
  /** v0+. The leader epoch. */
  leaderEpoch: number;
  /** v0+. The in-sync replica IDs. */
  isr: number[];
  /** v1+, default 0. 1 if the partition is recovering from an unclean leader election; 0 otherwise. */
  leaderRecoveryState: number;
  /** v0+. The current epoch for the partition for KRaft controllers. The current ZK version for the legacy controllers. */
  partitionEpoch: number;
}
