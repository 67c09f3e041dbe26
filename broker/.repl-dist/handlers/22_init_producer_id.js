import { ErrorCode } from '../protocol/errors.js';
export const handleInitProducerId = async (req, ctx) => {
    if (req.transactionalId !== null) {
        return { throttleTimeMs: 0, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, producerId: -1, producerEpoch: -1 };
    }
    const producerId = await ctx.services.producerIds.nextId();
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId, producerEpoch: 0 };
};
//# sourceMappingURL=22_init_producer_id.js.map