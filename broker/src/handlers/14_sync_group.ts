/**
 * SyncGroup (key 14), v0-v5: the leader sends the assignment of the new generation, every member gets its
 * own share once the leader's assignment is stored in `__consumer_offsets`. Followers' responses are held
 * until then. v3+ carry GroupInstanceId (static members are checked for fencing). v5 requires ProtocolType
 * and ProtocolName in the request (INCONSISTENT_GROUP_PROTOCOL when missing or different from the group's)
 * and returns them.
 */
import type { Handler } from './context.js';
import type { SyncGroupRequest, SyncGroupResponse } from '../protocol/messages/14_sync_group.js';
import { ErrorCode } from '../protocol/errors.js';

export const handleSyncGroup: Handler<SyncGroupRequest, SyncGroupResponse> = async (req, ctx) => {
  const v = ctx.apiVersion;
  if (v >= 5 && (req.protocolType === null || req.protocolName === null)) {
    return { throttleTimeMs: 0, errorCode: ErrorCode.INCONSISTENT_GROUP_PROTOCOL, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) };
  }
  const r = await ctx.services.groups.syncGroup({
    groupId: req.groupId,
    generationId: req.generationId,
    memberId: req.memberId,
    groupInstanceId: v >= 3 ? req.groupInstanceId : null,
    protocolType: v >= 5 ? req.protocolType : null,
    protocolName: v >= 5 ? req.protocolName : null,
    assignments: req.assignments.map((a) => ({ memberId: a.memberId, assignment: a.assignment })),
  });
  return { throttleTimeMs: 0, errorCode: r.errorCode, protocolType: r.protocolType, protocolName: r.protocolName, assignment: r.assignment };
};
