import { GROUP_OPERATIONS, OPERATIONS_NOT_REQUESTED } from './authorized-operations.js';
export const handleDescribeGroups = (req, ctx) => {
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
//# sourceMappingURL=15_describe_groups.js.map