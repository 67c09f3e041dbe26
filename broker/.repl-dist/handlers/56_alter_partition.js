import { ErrorCode, KafkaError } from '../protocol/errors.js';
import { activeController } from '../controller/handler-support.js';
export const handleAlterPartition = async (req, ctx) => {
    const controller = activeController(ctx);
    if (!controller)
        return { throttleTimeMs: 0, errorCode: ErrorCode.NOT_CONTROLLER, topics: [] };
    try {
        return await controller.alterPartition(req, ctx.apiVersion);
    }
    catch (err) {
        if (err instanceof KafkaError)
            return { throttleTimeMs: 0, errorCode: err.code, topics: [] };
        throw err;
    }
};
//# sourceMappingURL=56_alter_partition.js.map