export const handleJoinGroup = async (req, ctx) => {
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
//# sourceMappingURL=11_join_group.js.map