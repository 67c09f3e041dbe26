/**
 * DescribeGroups (API key 15), transcribed from Kafka 3.9's DescribeGroupsRequest.json /
 * DescribeGroupsResponse.json.
 * v1 adds throttle time; v3 adds IncludeAuthorizedOperations / AuthorizedOperations; v4 adds the members'
 * GroupInstanceId; v5 is the first flexible version. ProtocolData and the members' metadata/assignment are
 * only filled in for a Stable group; a Dead group has no members.
 */
import type { MessageSpec } from '../schema.js';

export const DescribeGroupsRequestSpec: MessageSpec = {
  apiKey: 15,
  type: 'request',
  name: 'DescribeGroupsRequest',
  validVersions: '0-5',
  flexibleVersions: '5+',
  fields: [
    { name: 'Groups', type: '[]string', versions: '0+' },
    { name: 'IncludeAuthorizedOperations', type: 'bool', versions: '3+' },
  ],
};
export const DescribeGroupsResponseSpec: MessageSpec = {
  apiKey: 15,
  type: 'response',
  name: 'DescribeGroupsResponse',
  validVersions: '0-5',
  flexibleVersions: '5+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '1+', ignorable: true },
    { name: 'Groups', type: '[]DescribedGroup', versions: '0+', fields: [
      { name: 'ErrorCode', type: 'int16', versions: '0+' },
      { name: 'GroupId', type: 'string', versions: '0+' },
      { name: 'GroupState', type: 'string', versions: '0+' },
      { name: 'ProtocolType', type: 'string', versions: '0+' },
      { name: 'ProtocolData', type: 'string', versions: '0+' },
      { name: 'Members', type: '[]DescribedGroupMember', versions: '0+', fields: [
        { name: 'MemberId', type: 'string', versions: '0+' },
        { name: 'GroupInstanceId', type: 'string', versions: '4+', nullableVersions: '4+', default: 'null', ignorable: true },
        { name: 'ClientId', type: 'string', versions: '0+' },
        { name: 'ClientHost', type: 'string', versions: '0+' },
        { name: 'MemberMetadata', type: 'bytes', versions: '0+' },
        { name: 'MemberAssignment', type: 'bytes', versions: '0+' },
      ] },
      { name: 'AuthorizedOperations', type: 'int32', versions: '3+', default: '-2147483648' },
    ] },
  ],
};
export interface DescribeGroupsRequest {
  groups: string[];
  /** v3+. */
  includeAuthorizedOperations: boolean;
}

export interface DescribeGroupsResponse {
  throttleTimeMs: number;
  groups: DescribeGroupsResponseDescribedGroup[];
}

export interface DescribeGroupsResponseDescribedGroup {
  errorCode: number;
  groupId: string;
  groupState: string;
  protocolType: string;
  protocolData: string;
  members: DescribeGroupsResponseDescribedGroupMember[];
  /** v3+; -2147483648 (INT32_MIN) when not requested. */
  authorizedOperations: number;
}

export interface DescribeGroupsResponseDescribedGroupMember {
  memberId: string;
  /** v4+. */
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  memberMetadata: Buffer;
  memberAssignment: Buffer;
}
