import { ErrorCode } from '../protocol/errors.js';
export const handleLeaveGroup = async (req, ctx) => {
    const v = ctx.apiVersion;
    const leaving = v >= 3
        ? req.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, reason: v >= 5 ? m.reason : null }))
        : [{ memberId: req.memberId, groupInstanceId: null, reason: null }];
    const r = await ctx.services.groups.leaveGroup(req.groupId, leaving);
    if (v < 3) {
        const memberError = r.members.find((m) => m.errorCode !== ErrorCode.NONE)?.errorCode ?? ErrorCode.NONE;
        return { throttleTimeMs: 0, errorCode: r.errorCode !== ErrorCode.NONE ? r.errorCode : memberError, members: [] };
    }
    return { throttleTimeMs: 0, errorCode: r.errorCode, members: r.members };
};
//# sourceMappingURL=13_leave_group.js.map