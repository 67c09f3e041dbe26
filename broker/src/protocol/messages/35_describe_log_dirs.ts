/**
 * DescribeLogDirs (API key 35): DescribeLogDirsRequest.json / DescribeLogDirsResponse.json from Apache Kafka
 * (clients/src/main/resources/common/message, commit 1eb7644349cb), transcribed literally; the interfaces
 * are the decoded objects (camelCase, every field present; doc comments give the versions of each field).
 */
import type { MessageSpec } from '../schema.js';

// Version 1 is the same as version 0.
// Version 2 is the first flexible version.
// Version 3 is the same as version 2 (new field in response).
// Version 4 is the same as version 2 (new fields in response).
export const DescribeLogDirsRequestSpec: MessageSpec = {
  apiKey: 35,
  type: 'request',
  name: 'DescribeLogDirsRequest',
  validVersions: '0-4',
  flexibleVersions: '2+',
  fields: [
    { name: 'Topics', type: '[]DescribableLogDirTopic', versions: '0+', nullableVersions: '0+', fields: [
      { name: 'Topic', type: 'string', versions: '0+' },
      { name: 'Partitions', type: '[]int32', versions: '0+' },
    ]},
  ],
};

export interface DescribeLogDirsRequest {
  /** v0+, nullable v0+. Each topic that we want to describe log directories for, or null for all topics. */
  topics: DescribeLogDirsRequestDescribableLogDirTopic[] | null;
}

export interface DescribeLogDirsRequestDescribableLogDirTopic {
  /** v0+. The topic name */
  topic: string;
  /** v0+. The partition indexes. */
  partitions: number[];
}

// Starting in version 1, on quota violation, brokers send out responses before throttling.
// Version 2 is the first flexible version.
// Version 3 adds the top-level ErrorCode field
// Version 4 adds the TotalBytes and UsableBytes fields
export const DescribeLogDirsResponseSpec: MessageSpec = {
  apiKey: 35,
  type: 'response',
  name: 'DescribeLogDirsResponse',
  validVersions: '0-4',
  flexibleVersions: '2+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    { name: 'ErrorCode', type: 'int16', versions: '3+', ignorable: true },
    { name: 'Results', type: '[]DescribeLogDirsResult', versions: '0+', fields: [
      { name: 'ErrorCode', type: 'int16', versions: '0+' },
      { name: 'LogDir', type: 'string', versions: '0+' },
      { name: 'Topics', type: '[]DescribeLogDirsTopic', versions: '0+', fields: [
        { name: 'Name', type: 'string', versions: '0+' },
        { name: 'Partitions', type: '[]DescribeLogDirsPartition', versions: '0+', fields: [
          { name: 'PartitionIndex', type: 'int32', versions: '0+' },
          { name: 'PartitionSize', type: 'int64', versions: '0+' },
          { name: 'OffsetLag', type: 'int64', versions: '0+' },
          { name: 'IsFutureKey', type: 'bool', versions: '0+' },
        ]},
      ]},
      { name: 'TotalBytes', type: 'int64', versions: '4+', default: '-1', ignorable: true },
      { name: 'UsableBytes', type: 'int64', versions: '4+', default: '-1', ignorable: true },
    ]},
  ],
};

export interface DescribeLogDirsResponse {
  /** v0+. The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. */
  throttleTimeMs: number;
  /** v3+. The error code, or 0 if there was no error. */
  errorCode: number;
  /** v0+. The log directories. */
  results: DescribeLogDirsResult[];
}

export interface DescribeLogDirsResult {
  /** v0+. The error code, or 0 if there was no error. */
  errorCode: number;
  /** v0+. The absolute log directory path. */
  logDir: string;
  /** v0+. Each topic. */
  topics: DescribeLogDirsTopic[];
  /** v4+, default -1. The total size in bytes of the volume the log directory is in. */
  totalBytes: number;
  /** v4+, default -1. The usable size in bytes of the volume the log directory is in. */
  usableBytes: number;
}

export interface DescribeLogDirsTopic {
  /** v0+. The topic name. */
  name: string;
  /** v0+ */
  partitions: DescribeLogDirsPartition[];
}

export interface DescribeLogDirsPartition {
  /** v0+. The partition index. */
  partitionIndex: number;
  /** v0+. The size of the log segments in this partition in bytes. */
  partitionSize: number;
  /** v0+. The lag of the log's LEO w.r.t. partition's HW (if it is the current log for the partition) or current replica's LEO (if it is the future log for the partition) */
  offsetLag: number;
  /** v0+. True if this log is created by AlterReplicaLogDirsRequest and will replace the current log of the replica in the future. */
  isFutureKey: boolean;
}
