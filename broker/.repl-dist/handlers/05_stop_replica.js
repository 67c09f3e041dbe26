export const handleStopReplica = (req, ctx) => ctx.services.replicas.stopReplicas(req, ctx.apiVersion);
//# sourceMappingURL=05_stop_replica.js.map