/**
 * ControlledShutdown (key 7), v0-v3: a broker about to stop asks the controller to move leadership off it.
 * The answer lists the partitions it still leads; the broker retries until that list is empty (or gives up
 * after controlled.shutdown.max.retries), as Kafka's KafkaServer.controlledShutdown does.
 */
import type { Handler } from './context.js';
import type { ControlledShutdownRequest, ControlledShutdownResponse } from '../protocol/messages/07_controlled_shutdown.js';
import { ErrorCode, KafkaError } from '../protocol/errors.js';
import { activeController } from '../controller/handler-support.js';

export const handleControlledShutdown: Handler<ControlledShutdownRequest, ControlledShutdownResponse> = async (req, ctx) => {
  const controller = activeController(ctx);
  if (!controller) return { errorCode: ErrorCode.NOT_CONTROLLER, remainingPartitions: [] };
  try {
    // Before v2 there is no broker epoch: the controller then skips the staleness check, as Kafka does.
    const remaining = await controller.controlledShutdown(req.brokerId, ctx.apiVersion >= 2 ? req.brokerEpoch : -1);
    return {
      errorCode: ErrorCode.NONE,
      remainingPartitions: remaining.map((tp) => ({ topicName: tp.topic, partitionIndex: tp.partition })),
    };
  } catch (err) {
    if (err instanceof KafkaError) return { errorCode: err.code, remainingPartitions: [] };
    throw err;
  }
};
