import { ErrorCode, KafkaError } from '../protocol/errors.js';
import { activeController, groupByTopic } from '../controller/handler-support.js';
export const handleListPartitionReassignments = async (req, ctx) => {
    const topLevel = (errorCode, errorMessage) => ({
        throttleTimeMs: 0,
        errorCode,
        errorMessage,
        topics: [],
    });
    const controller = activeController(ctx);
    if (!controller)
        return topLevel(ErrorCode.NOT_CONTROLLER, 'This is not the correct controller for this cluster.');
    const wanted = req.topics === null ? null : req.topics.flatMap((t) => t.partitionIndexes.map((partition) => ({ topic: t.name, partition })));
    let views;
    try {
        views = await controller.listPartitionReassignments(wanted);
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
        topics: [...groupByTopic(views)].map(([name, vs]) => ({
            name,
            partitions: vs.map((v) => ({
                partitionIndex: v.partition,
                replicas: v.replicas,
                addingReplicas: v.addingReplicas,
                removingReplicas: v.removingReplicas,
            })),
        })),
    };
};
//# sourceMappingURL=46_list_partition_reassignments.js.map