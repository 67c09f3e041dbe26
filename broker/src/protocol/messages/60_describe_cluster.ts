/**
 * DescribeCluster (API key 60): DescribeClusterRequest.json / DescribeClusterResponse.json from Apache Kafka
 * (clients/src/main/resources/common/message, commit 1eb7644349cb), transcribed literally; the interfaces
 * are the decoded objects (camelCase, every field present; doc comments give the versions of each field).
 */
import type { MessageSpec } from '../schema.js';

// 
// Version 1 adds EndpointType for KIP-919 support.
// 
export const DescribeClusterRequestSpec: MessageSpec = {
  apiKey: 60,
  type: 'request',
  name: 'DescribeClusterRequest',
  validVersions: '0-1',
  flexibleVersions: '0+',
  fields: [
    { name: 'IncludeClusterAuthorizedOperations', type: 'bool', versions: '0+' },
    { name: 'EndpointType', type: 'int8', versions: '1+', default: '1' },
  ],
};

export interface DescribeClusterRequest {
  /** v0+. Whether to include cluster authorized operations. */
  includeClusterAuthorizedOperations: boolean;
  /** v1+, default 1. The endpoint type to describe. 1=brokers, 2=controllers. */
  endpointType: number;
}

// 
// Version 1 adds the EndpointType field, and makes MISMATCHED_ENDPOINT_TYPE and
// UNSUPPORTED_ENDPOINT_TYPE valid top-level response error codes.
// 
export const DescribeClusterResponseSpec: MessageSpec = {
  apiKey: 60,
  type: 'response',
  name: 'DescribeClusterResponse',
  validVersions: '0-1',
  flexibleVersions: '0+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    { name: 'ErrorMessage', type: 'string', versions: '0+', nullableVersions: '0+', default: 'null' },
    { name: 'EndpointType', type: 'int8', versions: '1+', default: '1' },
    { name: 'ClusterId', type: 'string', versions: '0+' },
    { name: 'ControllerId', type: 'int32', versions: '0+', default: '-1' },
    { name: 'Brokers', type: '[]DescribeClusterBroker', versions: '0+', fields: [
      { name: 'BrokerId', type: 'int32', versions: '0+' },
      { name: 'Host', type: 'string', versions: '0+' },
      { name: 'Port', type: 'int32', versions: '0+' },
      { name: 'Rack', type: 'string', versions: '0+', nullableVersions: '0+', default: 'null' },
    ]},
    { name: 'ClusterAuthorizedOperations', type: 'int32', versions: '0+', default: '-2147483648' },
  ],
};

export interface DescribeClusterResponse {
  /** v0+. The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. */
  throttleTimeMs: number;
  /** v0+. The top-level error code, or 0 if there was no error */
  errorCode: number;
  /** v0+, nullable v0+, default null. The top-level error message, or null if there was no error. */
  errorMessage: string | null;
  /** v1+, default 1. The endpoint type that was described. 1=brokers, 2=controllers. */
  endpointType: number;
  /** v0+. The cluster ID that responding broker belongs to. */
  clusterId: string;
  /** v0+, default -1. The ID of the controller broker. */
  controllerId: number;
  /** v0+. Each broker in the response. */
  brokers: DescribeClusterBroker[];
  /** v0+, default -2147483648. 32-bit bitfield to represent authorized operations for this cluster. */
  clusterAuthorizedOperations: number;
}

export interface DescribeClusterBroker {
  /** v0+. The broker ID. */
  brokerId: number;
  /** v0+. The broker hostname. */
  host: string;
  /** v0+. The broker port. */
  port: number;
  /** v0+, nullable v0+, default null. The rack of the broker, or null if it has not been assigned to a rack. */
  rack: string | null;
}
