import { ErrorCode } from '../protocol/errors.js';
export const handleUpdateMetadata = (req, ctx) => {
    const cluster = ctx.services.cluster;
    if (!cluster)
        return { errorCode: ErrorCode.UNSUPPORTED_VERSION };
    if (req.controllerEpoch < cluster.cache.controllerEpoch())
        return { errorCode: ErrorCode.STALE_CONTROLLER_EPOCH };
    if (ctx.apiVersion >= 5 && req.brokerEpoch !== -1 && req.brokerEpoch < cluster.brokerEpoch()) {
        return { errorCode: ErrorCode.STALE_BROKER_EPOCH };
    }
    cluster.store.applyUpdateMetadata(req, ctx.apiVersion);
    return { errorCode: ErrorCode.NONE };
};
//# sourceMappingURL=06_update_metadata.js.map