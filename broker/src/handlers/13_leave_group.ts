/**
 * LeaveGroup (key 13), v0-v5. v0-v2 name one member (MemberId) and answer with one error code: the
 * group-level error, else that member's. v3+ batch members by member id and/or group instance id (an
 * empty member id with an instance id is the admin removal of a static member) with per-member errors;
 * v5 adds a per-member Reason. An unknown group answers UNKNOWN_MEMBER_ID per member.
 */
import type { Handler } from './context.js';
import type { LeaveGroupRequest, LeaveGroupResponse } from '../protocol/messages/13_leave_group.js';
import { ErrorCode } from '../protocol/errors.js';

export const handleLeaveGroup: Handler<LeaveGroupRequest, LeaveGroupResponse> = async (req, ctx) => {
  const v = ctx.apiVersion;
  const leaving =
    v >= 3
      ? req.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, reason: v >= 5 ? m.reason : null }))
      : [{ memberId: req.memberId, groupInstanceId: null, reason: null }];
  const r = await ctx.services.groups.leaveGroup(req.groupId, leaving);
  if (v < 3) {
    const memberError = r.members.find((m) => m.errorCode !== ErrorCode.NONE)?.errorCode ?? ErrorCode.NONE;
    return { throttleTimeMs: 0, errorCode: r.errorCode !== ErrorCode.NONE ? r.errorCode : memberError, members: [] };
  }
  return { throttleTimeMs: 0, errorCode: r.errorCode, members: r.members };
};
