/**
 * SyncGroup (API key 14), transcribed from Kafka 3.9's SyncGroupRequest.json / SyncGroupResponse.json.
 * v1 adds throttle time; v3 adds GroupInstanceId; v4 is the first flexible version; v5 adds ProtocolType
 * and ProtocolName both ways (KIP-559: the broker rejects a request inconsistent with the group's).
 */
import type { MessageSpec } from '../schema.js';

export const SyncGroupRequestSpec: MessageSpec = {
  apiKey: 14,
  type: 'request',
  name: 'SyncGroupRequest',
  validVersions: '0-5',
  flexibleVersions: '4+',
  fields: [
    { name: 'GroupId', type: 'string', versions: '0+' },
    { name: 'GenerationId', type: 'int32', versions: '0+' },
    { name: 'MemberId', type: 'string', versions: '0+' },
    { name: 'GroupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+', default: 'null' },
    { name: 'ProtocolType', type: 'string', versions: '5+', nullableVersions: '5+', default: 'null', ignorable: true },
    { name: 'ProtocolName', type: 'string', versions: '5+', nullableVersions: '5+', default: 'null', ignorable: true },
    { name: 'Assignments', type: '[]SyncGroupRequestAssignment', versions: '0+', fields: [
      { name: 'MemberId', type: 'string', versions: '0+' },
      { name: 'Assignment', type: 'bytes', versions: '0+' },
    ] },
  ],
};
export const SyncGroupResponseSpec: MessageSpec = {
  apiKey: 14,
  type: 'response',
  name: 'SyncGroupResponse',
  validVersions: '0-5',
  flexibleVersions: '4+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '1+', ignorable: true },
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    { name: 'ProtocolType', type: 'string', versions: '5+', nullableVersions: '5+', default: 'null', ignorable: true },
    { name: 'ProtocolName', type: 'string', versions: '5+', nullableVersions: '5+', default: 'null', ignorable: true },
    { name: 'Assignment', type: 'bytes', versions: '0+' },
  ],
};
export interface SyncGroupRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  /** v3+. */
  groupInstanceId: string | null;
  /** v5+. */
  protocolType: string | null;
  /** v5+. */
  protocolName: string | null;
  assignments: SyncGroupRequestAssignment[];
}

export interface SyncGroupRequestAssignment {
  memberId: string;
  assignment: Buffer;
}

export interface SyncGroupResponse {
  throttleTimeMs: number;
  errorCode: number;
  /** v5+. */
  protocolType: string | null;
  /** v5+. */
  protocolName: string | null;
  assignment: Buffer;
}
