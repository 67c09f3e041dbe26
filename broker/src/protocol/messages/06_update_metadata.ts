/**
 * UpdateMetadata (API key 6): UpdateMetadataRequest.json / UpdateMetadataResponse.json from Apache Kafka
 * (clients/src/main/resources/common/message, commit 1eb7644349cb), transcribed literally; the interfaces
 * are the decoded objects (camelCase, every field present; doc comments give the versions of each field).
 */
import type { MessageSpec } from '../schema.js';

// Version 1 allows specifying multiple endpoints for each broker.
//
// Version 2 adds the rack.
//
// Version 3 adds the listener name.
//
// Version 4 adds the offline replica list.
//
// Version 5 adds the broker epoch field and normalizes partitions by topic.
//
// Version 7 adds topicId
//
// Version 8 adds KRaft Controller ID field as part of KIP-866
export const UpdateMetadataRequestSpec: MessageSpec = {
  apiKey: 6,
  type: 'request',
  name: 'UpdateMetadataRequest',
  validVersions: '0-8',
  flexibleVersions: '6+',
  fields: [
    { name: 'ControllerId', type: 'int32', versions: '0+' },
    { name: 'isKRaftController', type: 'bool', versions: '8+', default: 'false' },
    { name: 'Type', type: 'int8', versions: '8+', taggedVersions: '8+', tag: 0, default: 0 },
    { name: 'ControllerEpoch', type: 'int32', versions: '0+' },
    { name: 'BrokerEpoch', type: 'int64', versions: '5+', default: '-1', ignorable: true },
    { name: 'UngroupedPartitionStates', type: '[]UpdateMetadataPartitionState', versions: '0-4' },
    { name: 'TopicStates', type: '[]UpdateMetadataTopicState', versions: '5+', fields: [
      { name: 'TopicName', type: 'string', versions: '5+' },
      { name: 'TopicId', type: 'uuid', versions: '7+', ignorable: true },
      { name: 'PartitionStates', type: '[]UpdateMetadataPartitionState', versions: '5+' },
    ]},
    { name: 'LiveBrokers', type: '[]UpdateMetadataBroker', versions: '0+', fields: [
      { name: 'Id', type: 'int32', versions: '0+' },
      // Version 0 of the protocol only allowed specifying a single host and
      // port per broker, rather than an array of endpoints.
      { name: 'V0Host', type: 'string', versions: '0', ignorable: true },
      { name: 'V0Port', type: 'int32', versions: '0', ignorable: true },
      { name: 'Endpoints', type: '[]UpdateMetadataEndpoint', versions: '1+', ignorable: true, fields: [
        { name: 'Port', type: 'int32', versions: '1+' },
        { name: 'Host', type: 'string', versions: '1+' },
        { name: 'Listener', type: 'string', versions: '3+', ignorable: true },
        { name: 'SecurityProtocol', type: 'int16', versions: '1+' },
      ]},
      { name: 'Rack', type: 'string', versions: '2+', nullableVersions: '0+', ignorable: true },
    ]},
  ],
  commonStructs: [
    { name: 'UpdateMetadataPartitionState', versions: '0+', fields: [
      { name: 'TopicName', type: 'string', versions: '0-4', ignorable: true },
      { name: 'PartitionIndex', type: 'int32', versions: '0+' },
      { name: 'ControllerEpoch', type: 'int32', versions: '0+' },
      { name: 'Leader', type: 'int32', versions: '0+' },
      { name: 'LeaderEpoch', type: 'int32', versions: '0+' },
      { name: 'Isr', type: '[]int32', versions: '0+' },
      { name: 'ZkVersion', type: 'int32', versions: '0+' },
      { name: 'Replicas', type: '[]int32', versions: '0+' },
      { name: 'OfflineReplicas', type: '[]int32', versions: '4+', ignorable: true },
    ]},
  ],
};

export interface UpdateMetadataRequest {
  /** v0+. The controller id. */
  controllerId: number;
  /** v8+, default false. If KRaft controller id is used during migration. See KIP-866 */
  isKRaftController: boolean;
  /** v8+, tagged 0, default 0. Indicates if this request is a Full metadata snapshot (2), Incremental (1), or Unknown (0). Using during ZK migration, see KIP-866 */
  type: number;
  /** v0+. The controller epoch. */
  controllerEpoch: number;
  /** v5+, default -1. The broker epoch. */
  brokerEpoch: number;
  /** v0-4. In older versions of this RPC, each partition that we would like to update. */
  ungroupedPartitionStates: UpdateMetadataPartitionState[];
  /** v5+. In newer versions of this RPC, each topic that we would like to update. */
  topicStates: UpdateMetadataTopicState[];
  /** v0+ */
  liveBrokers: UpdateMetadataBroker[];
}

export interface UpdateMetadataPartitionState {
  /** v0-4. In older versions of this RPC, the topic name. */
  topicName: string;
  /** v0+. The partition index. */
  partitionIndex: number;
  /** v0+. The controller epoch. */
  controllerEpoch: number;
  /** v0+. The ID of the broker which is the current partition leader. */
  leader: number;
  /** v0+. The leader epoch of this partition. */
  leaderEpoch: number;
  /** v0+. The brokers which are in the ISR for this partition. */
  isr: number[];
  /** v0+. The Zookeeper version. */
  zkVersion: number;
  /** v0+. All the replicas of this partition. */
  replicas: number[];
  /** v4+. The replicas of this partition which are offline. */
  offlineReplicas: number[];
}

export interface UpdateMetadataTopicState {
  /** v5+. The topic name. */
  topicName: string;
  /** v7+. The topic id. */
  topicId: string;
  /** v5+. The partition that we would like to update. */
  partitionStates: UpdateMetadataPartitionState[];
}

export interface UpdateMetadataBroker {
  /** v0+. The broker id. */
  id: number;
  /** v0. The broker hostname. */
  v0Host: string;
  /** v0. The broker port. */
  v0Port: number;
  /** v1+. The broker endpoints. */
  endpoints: UpdateMetadataEndpoint[];
  /** v2+, nullable v0+. The rack which this broker belongs to. */
  rack: string | null;
}

export interface UpdateMetadataEndpoint {
  /** v1+. The port of this endpoint */
  port: number;
  /** v1+. The hostname of this endpoint */
  host: string;
  /** v3+. The listener name. */
  listener: string;
  /** v1+. The security protocol type. */
  securityProtocol: number;
}

// Versions 1, 2, 3, 4, and 5 are the same as version 0
export const UpdateMetadataResponseSpec: MessageSpec = {
  apiKey: 6,
  type: 'response',
  name: 'UpdateMetadataResponse',
  validVersions: '0-8',
  flexibleVersions: '6+',
  fields: [
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
  ],
};

export interface UpdateMetadataResponse {
  /** v0+. The error code, or 0 if there was no error. */
  errorCode: number;
}
