/**
 * JoinGroup (API key 11), transcribed from Kafka 3.9's JoinGroupRequest.json / JoinGroupResponse.json.
 * v1 adds RebalanceTimeoutMs (when absent, SessionTimeoutMs is the rebalance timeout); v2 adds throttle
 * time; v4 requires a second join with the assigned member id (MEMBER_ID_REQUIRED); v5 adds
 * GroupInstanceId (static membership); v6 is the first flexible version; v7 returns ProtocolType (KIP-559);
 * v8 adds Reason (KIP-800); v9 adds SkipAssignment.
 */
import type { MessageSpec } from '../schema.js';

export const JoinGroupRequestSpec: MessageSpec = {
  apiKey: 11,
  type: 'request',
  name: 'JoinGroupRequest',
  validVersions: '0-9',
  flexibleVersions: '6+',
  fields: [
    { name: 'GroupId', type: 'string', versions: '0+' },
    { name: 'SessionTimeoutMs', type: 'int32', versions: '0+' },
    { name: 'RebalanceTimeoutMs', type: 'int32', versions: '1+', default: '-1', ignorable: true },
    { name: 'MemberId', type: 'string', versions: '0+' },
    { name: 'GroupInstanceId', type: 'string', versions: '5+', nullableVersions: '5+', default: 'null' },
    { name: 'ProtocolType', type: 'string', versions: '0+' },
    { name: 'Protocols', type: '[]JoinGroupRequestProtocol', versions: '0+', fields: [
      { name: 'Name', type: 'string', versions: '0+' },
      { name: 'Metadata', type: 'bytes', versions: '0+' },
    ] },
    { name: 'Reason', type: 'string', versions: '8+', nullableVersions: '8+', default: 'null', ignorable: true },
  ],
};
export const JoinGroupResponseSpec: MessageSpec = {
  apiKey: 11,
  type: 'response',
  name: 'JoinGroupResponse',
  validVersions: '0-9',
  flexibleVersions: '6+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '2+', ignorable: true },
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    { name: 'GenerationId', type: 'int32', versions: '0+', default: '-1' },
    { name: 'ProtocolType', type: 'string', versions: '7+', nullableVersions: '7+', default: 'null', ignorable: true },
    { name: 'ProtocolName', type: 'string', versions: '0+', nullableVersions: '7+' },
    { name: 'Leader', type: 'string', versions: '0+' },
    { name: 'SkipAssignment', type: 'bool', versions: '9+', default: 'false' },
    { name: 'MemberId', type: 'string', versions: '0+' },
    { name: 'Members', type: '[]JoinGroupResponseMember', versions: '0+', fields: [
      { name: 'MemberId', type: 'string', versions: '0+' },
      { name: 'GroupInstanceId', type: 'string', versions: '5+', nullableVersions: '5+', default: 'null', ignorable: true },
      { name: 'Metadata', type: 'bytes', versions: '0+' },
    ] },
  ],
};
export interface JoinGroupRequest {
  groupId: string;
  sessionTimeoutMs: number;
  /** v1+; -1 when absent (use sessionTimeoutMs). */
  rebalanceTimeoutMs: number;
  memberId: string;
  /** v5+. */
  groupInstanceId: string | null;
  protocolType: string;
  protocols: JoinGroupRequestProtocol[];
  /** v8+. */
  reason: string | null;
}

export interface JoinGroupRequestProtocol {
  name: string;
  metadata: Buffer;
}

export interface JoinGroupResponse {
  throttleTimeMs: number;
  errorCode: number;
  generationId: number;
  /** v7+. */
  protocolType: string | null;
  /** Nullable from v7. */
  protocolName: string | null;
  leader: string;
  /** v9+. */
  skipAssignment: boolean;
  memberId: string;
  members: JoinGroupResponseMember[];
}

export interface JoinGroupResponseMember {
  memberId: string;
  /** v5+. */
  groupInstanceId: string | null;
  metadata: Buffer;
}
