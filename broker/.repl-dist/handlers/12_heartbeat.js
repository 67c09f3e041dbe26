export const handleHeartbeat = async (req, ctx) => {
    const errorCode = await ctx.services.groups.heartbeat({
        groupId: req.groupId,
        generationId: req.generationId,
        memberId: req.memberId,
        groupInstanceId: ctx.apiVersion >= 3 ? req.groupInstanceId : null,
    });
    return { throttleTimeMs: 0, errorCode };
};
//# sourceMappingURL=12_heartbeat.js.map