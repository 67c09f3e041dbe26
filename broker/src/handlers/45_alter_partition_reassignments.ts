/**
 * AlterPartitionReassignments (key 45), v0: start, change or (replicas null) cancel partition reassignments,
 * as kafka-reassign-partitions --bootstrap-server does. The answer comes once each reassignment has been
 * started (phase A written); completion is observed with ListPartitionReassignments.
 */
import type { Handler } from './context.js';
import type {
  AlterPartitionReassignmentsRequest,
  AlterPartitionReassignmentsResponse,
} from '../protocol/messages/45_alter_partition_reassignments.js';
import { ErrorCode, KafkaError } from '../protocol/errors.js';
import { activeController, groupByTopic } from '../controller/handler-support.js';

export const handleAlterPartitionReassignments: Handler<AlterPartitionReassignmentsRequest, AlterPartitionReassignmentsResponse> = async (
  req,
  ctx,
) => {
  const topLevel = (errorCode: number, errorMessage: string | null): AlterPartitionReassignmentsResponse => ({
    throttleTimeMs: 0,
    errorCode,
    errorMessage,
    responses: [],
  });
  const controller = activeController(ctx);
  if (!controller) return topLevel(ErrorCode.NOT_CONTROLLER, 'This is not the correct controller for this cluster.');
  const wanted = req.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, replicas: p.replicas })));
  let results;
  try {
    results = await controller.alterPartitionReassignments(wanted);
  } catch (err) {
    if (err instanceof KafkaError) return topLevel(err.code, err.message);
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
