/**
 * AlterPartition (key 56), v0-v3: a partition leader asks the controller to change the ISR (shrink after
 * replica.lag.time.max.ms, expand when a follower caught up) or to end leader recovery. The controller
 * validates leader epoch and partition epoch, writes ZooKeeper conditionally and answers with the new state.
 */
import type { Handler } from './context.js';
import type { AlterPartitionRequest, AlterPartitionResponse } from '../protocol/messages/56_alter_partition.js';
import { ErrorCode, KafkaError } from '../protocol/errors.js';
import { activeController } from '../controller/handler-support.js';

export const handleAlterPartition: Handler<AlterPartitionRequest, AlterPartitionResponse> = async (req, ctx) => {
  const controller = activeController(ctx);
  if (!controller) return { throttleTimeMs: 0, errorCode: ErrorCode.NOT_CONTROLLER, topics: [] };
  try {
    return await controller.alterPartition(req, ctx.apiVersion);
  } catch (err) {
    if (err instanceof KafkaError) return { throttleTimeMs: 0, errorCode: err.code, topics: [] };
    throw err;
  }
};
