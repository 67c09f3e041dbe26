/**
 * ControlledShutdown (API key 7): ControlledShutdownRequest.json / ControlledShutdownResponse.json from Apache Kafka
 * (clients/src/main/resources/common/message, commit 1eb7644349cb), transcribed literally; the interfaces
 * are the decoded objects (camelCase, every field present; doc comments give the versions of each field).
 */
import type { MessageSpec } from '../schema.js';

// Version 0 of ControlledShutdownRequest has a non-standard request header
// which does not include clientId.  Version 1 and later use the standard
// request header.
//
// Version 1 is the same as version 0.
//
// Version 2 adds BrokerEpoch.
export const ControlledShutdownRequestSpec: MessageSpec = {
  apiKey: 7,
  type: 'request',
  name: 'ControlledShutdownRequest',
  validVersions: '0-3',
  flexibleVersions: '3+',
  fields: [
    { name: 'BrokerId', type: 'int32', versions: '0+' },
    { name: 'BrokerEpoch', type: 'int64', versions: '2+', default: '-1', ignorable: true },
  ],
};

export interface ControlledShutdownRequest {
  /** v0+. The id of the broker for which controlled shutdown has been requested. */
  brokerId: number;
  /** v2+, default -1. The broker epoch. */
  brokerEpoch: number;
}

// Versions 1 and 2 are the same as version 0.
export const ControlledShutdownResponseSpec: MessageSpec = {
  apiKey: 7,
  type: 'response',
  name: 'ControlledShutdownResponse',
  validVersions: '0-3',
  flexibleVersions: '3+',
  fields: [
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    { name: 'RemainingPartitions', type: '[]RemainingPartition', versions: '0+', fields: [
      { name: 'TopicName', type: 'string', versions: '0+' },
      { name: 'PartitionIndex', type: 'int32', versions: '0+' },
    ]},
  ],
};

export interface ControlledShutdownResponse {
  /** v0+. The top-level error code. */
  errorCode: number;
  /** v0+. The partitions that the broker still leads. */
  remainingPartitions: ControlledShutdownResponseRemainingPartition[];
}

export interface ControlledShutdownResponseRemainingPartition {
  /** v0+. The name of the topic. */
  topicName: string;
  /** v0+. The index of the partition. */
  partitionIndex: number;
}
