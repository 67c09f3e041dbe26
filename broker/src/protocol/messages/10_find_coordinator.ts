/**
 * FindCoordinator (API key 10), transcribed from Kafka 3.9's FindCoordinatorRequest.json /
 * FindCoordinatorResponse.json.
 * v1 adds KeyType (0 = group, 1 = transaction, 2 = share) and, in the response, throttle time and error
 * message; v3 is the first flexible version; v4 batches keys (CoordinatorKeys / Coordinators, KIP-699) and
 * drops the single-key fields; v5 allows TRANSACTION_ABORTABLE; v6 allows share-group keys (KIP-932).
 */
import type { MessageSpec } from '../schema.js';

export const FindCoordinatorRequestSpec: MessageSpec = {
  apiKey: 10,
  type: 'request',
  name: 'FindCoordinatorRequest',
  validVersions: '0-6',
  flexibleVersions: '3+',
  fields: [
    { name: 'Key', type: 'string', versions: '0-3' },
    { name: 'KeyType', type: 'int8', versions: '1+', default: '0', ignorable: false },
    { name: 'CoordinatorKeys', type: '[]string', versions: '4+' },
  ],
};
export const FindCoordinatorResponseSpec: MessageSpec = {
  apiKey: 10,
  type: 'response',
  name: 'FindCoordinatorResponse',
  validVersions: '0-6',
  flexibleVersions: '3+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '1+', ignorable: true },
    { name: 'ErrorCode', type: 'int16', versions: '0-3' },
    { name: 'ErrorMessage', type: 'string', versions: '1-3', nullableVersions: '1-3', ignorable: true },
    { name: 'NodeId', type: 'int32', versions: '0-3' },
    { name: 'Host', type: 'string', versions: '0-3' },
    { name: 'Port', type: 'int32', versions: '0-3' },
    { name: 'Coordinators', type: '[]Coordinator', versions: '4+', fields: [
      { name: 'Key', type: 'string', versions: '4+' },
      { name: 'NodeId', type: 'int32', versions: '4+' },
      { name: 'Host', type: 'string', versions: '4+' },
      { name: 'Port', type: 'int32', versions: '4+' },
      { name: 'ErrorCode', type: 'int16', versions: '4+' },
      { name: 'ErrorMessage', type: 'string', versions: '4+', nullableVersions: '4+', ignorable: true },
    ] },
  ],
};
export interface FindCoordinatorRequest {
  /** v0-3. */
  key: string;
  /** v1+; 0 = group, 1 = transaction, 2 = share. */
  keyType: number;
  /** v4+. */
  coordinatorKeys: string[];
}

export interface FindCoordinatorResponse {
  throttleTimeMs: number;
  /** v0-3. */
  errorCode: number;
  /** v1-3. */
  errorMessage: string | null;
  /** v0-3. */
  nodeId: number;
  /** v0-3. */
  host: string;
  /** v0-3. */
  port: number;
  /** v4+. */
  coordinators: FindCoordinatorResponseCoordinator[];
}

export interface FindCoordinatorResponseCoordinator {
  key: string;
  nodeId: number;
  host: string;
  port: number;
  errorCode: number;
  errorMessage: string | null;
}
