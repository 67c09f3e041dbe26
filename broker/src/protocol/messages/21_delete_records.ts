/**
 * DeleteRecords (API key 21), transcribed from Kafka 3.9's DeleteRecordsRequest.json / DeleteRecordsResponse.json.
 * v1 is the same as v0 (response: throttle before/after change only); v2 is the first flexible version.
 */
import type { MessageSpec } from '../schema.js';

export const DeleteRecordsRequestSpec: MessageSpec = {
  apiKey: 21,
  type: 'request',
  name: 'DeleteRecordsRequest',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    { name: 'Topics', type: '[]DeleteRecordsTopic', versions: '0+', fields: [
      { name: 'Name', type: 'string', versions: '0+' },
      { name: 'Partitions', type: '[]DeleteRecordsPartition', versions: '0+', fields: [
        { name: 'PartitionIndex', type: 'int32', versions: '0+' },
        { name: 'Offset', type: 'int64', versions: '0+' },
      ] },
    ] },
    { name: 'TimeoutMs', type: 'int32', versions: '0+' },
  ],
};
export const DeleteRecordsResponseSpec: MessageSpec = {
  apiKey: 21,
  type: 'response',
  name: 'DeleteRecordsResponse',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    { name: 'Topics', type: '[]DeleteRecordsTopicResult', versions: '0+', fields: [
      { name: 'Name', type: 'string', versions: '0+' },
      { name: 'Partitions', type: '[]DeleteRecordsPartitionResult', versions: '0+', fields: [
        { name: 'PartitionIndex', type: 'int32', versions: '0+' },
        { name: 'LowWatermark', type: 'int64', versions: '0+' },
        { name: 'ErrorCode', type: 'int16', versions: '0+' },
      ] },
    ] },
  ],
};
export interface DeleteRecordsRequest {
  topics: DeleteRecordsTopic[];
  timeoutMs: number;
}

export interface DeleteRecordsTopic {
  name: string;
  partitions: DeleteRecordsPartition[];
}

export interface DeleteRecordsPartition {
  partitionIndex: number;
  /** Delete records before this offset; -1 means the high watermark. */
  offset: number;
}

export interface DeleteRecordsResponse {
  throttleTimeMs: number;
  topics: DeleteRecordsTopicResult[];
}

export interface DeleteRecordsTopicResult {
  name: string;
  partitions: DeleteRecordsPartitionResult[];
}

export interface DeleteRecordsPartitionResult {
  partitionIndex: number;
  lowWatermark: number;
  errorCode: number;
}
