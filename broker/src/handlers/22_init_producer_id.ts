/**
 * InitProducerId (key 22), v0-v5. Idempotent producers (no transactional id) get a fresh producer id with
 * epoch 0, as Kafka's coordinator gives them: a restarted idempotent producer is a new producer. Producers
 * with a transactional id get COORDINATOR_NOT_AVAILABLE until transactions are implemented, the same answer
 * FindCoordinator gives for transaction coordinators, so clients report the cause instead of failing later.
 */
import type { Handler } from './context.js';
import type { InitProducerIdRequest, InitProducerIdResponse } from '../protocol/messages/22_init_producer_id.js';
import { ErrorCode } from '../protocol/errors.js';

export const handleInitProducerId: Handler<InitProducerIdRequest, InitProducerIdResponse> = async (req, ctx) => {
  if (req.transactionalId !== null) {
    return { throttleTimeMs: 0, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, producerId: -1, producerEpoch: -1 };
  }
  const producerId = await ctx.services.producerIds.nextId();
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId, producerEpoch: 0 };
};
