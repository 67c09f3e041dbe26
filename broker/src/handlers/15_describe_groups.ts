/**
 * DescribeGroups (key 15), v0-v5. Per group: state, protocol type, selected protocol and members; member
 * metadata and assignment only when the group is Stable (as Kafka's GroupSummary). An unknown group is
 * "Dead" with no error (Kafka 3.9; GROUP_ID_NOT_FOUND only arrives with v6). v3+ may ask for
 * AuthorizedOperations (without ACLs: READ, DELETE, DESCRIBE); v4+ report members' GroupInstanceId.
 */
import type { Handler } from './context.js';
import type { DescribeGroupsRequest, DescribeGroupsResponse } from '../protocol/messages/15_describe_groups.js';
import { GROUP_OPERATIONS, OPERATIONS_NOT_REQUESTED } from './authorized-operations.js';

export const handleDescribeGroups: Handler<DescribeGroupsRequest, DescribeGroupsResponse> = (req, ctx) => {
  const ops = ctx.apiVersion >= 3 && req.includeAuthorizedOperations ? GROUP_OPERATIONS : OPERATIONS_NOT_REQUESTED;
  return {
    throttleTimeMs: 0,
    groups: req.groups.map((groupId) => {
      const d = ctx.services.groups.describeGroup(groupId);
      return {
        errorCode: d.errorCode,
        groupId,
        groupState: d.state,
        protocolType: d.protocolType,
        protocolData: d.protocol,
        members: d.members.map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          memberMetadata: m.metadata,
          memberAssignment: m.assignment,
        })),
        authorizedOperations: ops,
      };
    }),
  };
};
