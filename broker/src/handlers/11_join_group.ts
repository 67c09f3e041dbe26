/**
 * JoinGroup (key 11), v0-v9: enter the group's rebalance; the response is held until the join phase
 * completes (all members rejoined, the rebalance timeout, or the initial delay for a new group).
 * v0 has no RebalanceTimeoutMs (the session timeout serves as both). v4+ dynamic members first get
 * MEMBER_ID_REQUIRED with their assigned id and must join again with it; v0-v3 never see that error, and
 * static members (v5+ GroupInstanceId) are exempt too. v7+ return ProtocolType and a nullable
 * ProtocolName (older versions get "" for no protocol). v9 adds SkipAssignment for a restarted static
 * leader of a stable group.
 */
import type { Handler } from './context.js';
import type { JoinGroupRequest, JoinGroupResponse } from '../protocol/messages/11_join_group.js';

export const handleJoinGroup: Handler<JoinGroupRequest, JoinGroupResponse> = async (req, ctx) => {
  const v = ctx.apiVersion;
  const groupInstanceId = v >= 5 ? req.groupInstanceId : null;
  const r = await ctx.services.groups.joinGroup({
    groupId: req.groupId,
    memberId: req.memberId,
    groupInstanceId,
    requireKnownMemberId: v >= 4 && groupInstanceId === null,
    supportSkippingAssignment: v >= 9,
    clientId: ctx.clientId ?? '',
    clientHost: ctx.clientHost,
    rebalanceTimeoutMs: v === 0 || req.rebalanceTimeoutMs < 0 ? req.sessionTimeoutMs : req.rebalanceTimeoutMs,
    sessionTimeoutMs: req.sessionTimeoutMs,
    protocolType: req.protocolType,
    protocols: req.protocols.map((p) => ({ name: p.name, metadata: p.metadata })),
    reason: v >= 8 ? req.reason : null,
  });
  return {
    throttleTimeMs: 0,
    errorCode: r.errorCode,
    generationId: r.generationId,
    protocolType: r.protocolType,
    // ProtocolName is non-nullable before v7: Kafka sends "" (its NoProtocol) there.
    protocolName: v >= 7 ? r.protocolName : (r.protocolName ?? ''),
    leader: r.leaderId,
    skipAssignment: r.skipAssignment,
    memberId: r.memberId,
    members: r.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadata })),
  };
};
