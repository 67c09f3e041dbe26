/**
 * OffsetDelete (API key 47), transcribed from Kafka 3.9's OffsetDeleteRequest.json / OffsetDeleteResponse.json.
 * Only v0, never flexible.
 */
import type { MessageSpec } from '../schema.js';

export const OffsetDeleteRequestSpec: MessageSpec = {
  apiKey: 47,
  type: 'request',
  name: 'OffsetDeleteRequest',
  validVersions: '0',
  flexibleVersions: 'none',
  fields: [
    { name: 'GroupId', type: 'string', versions: '0+' },
    { name: 'Topics', type: '[]OffsetDeleteRequestTopic', versions: '0+', fields: [
      { name: 'Name', type: 'string', versions: '0+' },
      { name: 'Partitions', type: '[]OffsetDeleteRequestPartition', versions: '0+', fields: [
        { name: 'PartitionIndex', type: 'int32', versions: '0+' },
      ] },
    ] },
  ],
};
export const OffsetDeleteResponseSpec: MessageSpec = {
  apiKey: 47,
  type: 'response',
  name: 'OffsetDeleteResponse',
  validVersions: '0',
  flexibleVersions: 'none',
  fields: [
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+', ignorable: true },
    { name: 'Topics', type: '[]OffsetDeleteResponseTopic', versions: '0+', fields: [
      { name: 'Name', type: 'string', versions: '0+' },
      { name: 'Partitions', type: '[]OffsetDeleteResponsePartition', versions: '0+', fields: [
        { name: 'PartitionIndex', type: 'int32', versions: '0+' },
        { name: 'ErrorCode', type: 'int16', versions: '0+' },
      ] },
    ] },
  ],
};
export interface OffsetDeleteRequest {
  groupId: string;
  topics: OffsetDeleteRequestTopic[];
}

export interface OffsetDeleteRequestTopic {
  name: string;
  partitions: OffsetDeleteRequestPartition[];
}

export interface OffsetDeleteRequestPartition {
  partitionIndex: number;
}

export interface OffsetDeleteResponse {
  errorCode: number;
  throttleTimeMs: number;
  topics: OffsetDeleteResponseTopic[];
}

export interface OffsetDeleteResponseTopic {
  name: string;
  partitions: OffsetDeleteResponsePartition[];
}

export interface OffsetDeleteResponsePartition {
  partitionIndex: number;
  errorCode: number;
}
