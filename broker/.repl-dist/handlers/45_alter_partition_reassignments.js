import { ErrorCode, KafkaError } from '../protocol/errors.js';
import { activeController, groupByTopic } from '../controller/handler-support.js';
export const handleAlterPartitionReassignments = async (req, ctx) => {
    const topLevel = (errorCode, errorMessage) => ({
        throttleTimeMs: 0,
        errorCode,
        errorMessage,
        responses: [],
    });
    const controller = activeController(ctx);
    if (!controller)
        return topLevel(ErrorCode.NOT_CONTROLLER, 'This is not the correct controller for this cluster.');
    const wanted = req.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, replicas: p.replicas })));
    let results;
    try {
        results = await controller.alterPartitionReassignments(wanted);
    }
    catch (err) {
        if (err instanceof KafkaError)
            return topLevel(err.code, err.message);
        throw err;
    }
    return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        responses: [...groupByTopic(results.values())].map(([name, rs]) => ({
            name,
            partitions: rs.map((r) => ({ partitionIndex: r.partition, errorCode: r.errorCode, errorMessage: r.errorMessage })),
        })),
    };
};
//# sourceMappingURL=45_alter_partition_reassignments.js.map