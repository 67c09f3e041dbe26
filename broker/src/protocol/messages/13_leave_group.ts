/**
 * LeaveGroup (API key 13), transcribed from Kafka 3.9's LeaveGroupRequest.json / LeaveGroupResponse.json.
 * v1 adds throttle time; v3 batches members (MemberId + GroupInstanceId per member, replacing the single
 * MemberId) with per-member results; v4 is the first flexible version; v5 adds a per-member Reason (KIP-800).
 */
import type { MessageSpec } from '../schema.js';

export const LeaveGroupRequestSpec: MessageSpec = {
  apiKey: 13,
  type: 'request',
  name: 'LeaveGroupRequest',
  validVersions: '0-5',
  flexibleVersions: '4+',
  fields: [
    { name: 'GroupId', type: 'string', versions: '0+' },
    { name: 'MemberId', type: 'string', versions: '0-2' },
    { name: 'Members', type: '[]MemberIdentity', versions: '3+', fields: [
      { name: 'MemberId', type: 'string', versions: '3+' },
      { name: 'GroupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+', default: 'null' },
      { name: 'Reason', type: 'string', versions: '5+', nullableVersions: '5+', default: 'null', ignorable: true },
    ] },
  ],
};
export const LeaveGroupResponseSpec: MessageSpec = {
  apiKey: 13,
  type: 'response',
  name: 'LeaveGroupResponse',
  validVersions: '0-5',
  flexibleVersions: '4+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '1+', ignorable: true },
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    { name: 'Members', type: '[]MemberResponse', versions: '3+', fields: [
      { name: 'MemberId', type: 'string', versions: '3+' },
      { name: 'GroupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+' },
      { name: 'ErrorCode', type: 'int16', versions: '3+' },
    ] },
  ],
};
export interface LeaveGroupRequest {
  groupId: string;
  /** v0-2. */
  memberId: string;
  /** v3+. */
  members: LeaveGroupRequestMemberIdentity[];
}

export interface LeaveGroupRequestMemberIdentity {
  memberId: string;
  groupInstanceId: string | null;
  /** v5+. */
  reason: string | null;
}

export interface LeaveGroupResponse {
  throttleTimeMs: number;
  errorCode: number;
  /** v3+. */
  members: LeaveGroupResponseMemberResponse[];
}

export interface LeaveGroupResponseMemberResponse {
  memberId: string;
  groupInstanceId: string | null;
  errorCode: number;
}
