import { ErrorCode, KafkaError } from '../protocol/errors.js';
import { activeController } from '../controller/handler-support.js';
export const handleControlledShutdown = async (req, ctx) => {
    const controller = activeController(ctx);
    if (!controller)
        return { errorCode: ErrorCode.NOT_CONTROLLER, remainingPartitions: [] };
    try {
        // Before v2 there is no broker epoch: the controller then skips the staleness check, as Kafka does.
        const remaining = await controller.controlledShutdown(req.brokerId, ctx.apiVersion >= 2 ? req.brokerEpoch : -1);
        return {
            errorCode: ErrorCode.NONE,
            remainingPartitions: remaining.map((tp) => ({ topicName: tp.topic, partitionIndex: tp.partition })),
        };
    }
    catch (err) {
        if (err instanceof KafkaError)
            return { errorCode: err.code, remainingPartitions: [] };
        throw err;
    }
};
//# sourceMappingURL=07_controlled_shutdown.js.map