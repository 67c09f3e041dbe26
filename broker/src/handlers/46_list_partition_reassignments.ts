/**
 * ListPartitionReassignments (key 46), v0: the ongoing reassignments (replicas = RS, adding, removing) of
 * the listed partitions or, with topics null, of all partitions. Partitions not being reassigned are left out.
 */
import type { Handler } from './context.js';
import type {
  ListPartitionReassignmentsRequest,
  ListPartitionReassignmentsResponse,
} from '../protocol/messages/46_list_partition_reassignments.js';
import { ErrorCode, KafkaError } from '../protocol/errors.js';
import { activeController, groupByTopic } from '../controller/handler-support.js';

export const handleListPartitionReassignments: Handler<ListPartitionReassignmentsRequest, ListPartitionReassignmentsResponse> = async (
  req,
  ctx,
) => {
  const topLevel = (errorCode: number, errorMessage: string | null): ListPartitionReassignmentsResponse => ({
    throttleTimeMs: 0,
    errorCode,
    errorMessage,
    topics: [],
  });
  const controller = activeController(ctx);
  if (!controller) return topLevel(ErrorCode.NOT_CONTROLLER, 'This is not the correct controller for this cluster.');
  const wanted =
    req.topics === null ? null : req.topics.flatMap((t) => t.partitionIndexes.map((partition) => ({ topic: t.name, partition })));
  let views;
  try {
    views = await controller.listPartitionReassignments(wanted);
  } catch (err) {
    if (err instanceof KafkaError) return topLevel(err.code, err.message);
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
