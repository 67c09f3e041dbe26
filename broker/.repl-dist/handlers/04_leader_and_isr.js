export const handleLeaderAndIsr = (req, ctx) => ctx.services.replicas.becomeLeaderOrFollower(req, ctx.apiVersion);
//# sourceMappingURL=04_leader_and_isr.js.map