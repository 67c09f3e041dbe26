/**
 * Heartbeat (key 12), v0-v4: keeps a member's session alive and tells it about rebalances
 * (REBALANCE_IN_PROGRESS), stale generations (ILLEGAL_GENERATION) or that it is no longer a member
 * (UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID for a replaced static member). v3+ carry GroupInstanceId.
 */
import type { Handler } from './context.js';
import type { HeartbeatRequest, HeartbeatResponse } from '../protocol/messages/12_heartbeat.js';

export const handleHeartbeat: Handler<HeartbeatRequest, HeartbeatResponse> = async (req, ctx) => {
  const errorCode = await ctx.services.groups.heartbeat({
    groupId: req.groupId,
    generationId: req.generationId,
    memberId: req.memberId,
    groupInstanceId: ctx.apiVersion >= 3 ? req.groupInstanceId : null,
  });
  return { throttleTimeMs: 0, errorCode };
};
