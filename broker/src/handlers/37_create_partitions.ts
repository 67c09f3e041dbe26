/**
 * CreatePartitions (key 37), v0-v3. Grows a topic to `count` partitions, with an optional explicit
 * assignment for the new ones; shrinking or keeping the count is INVALID_PARTITIONS, as in Kafka.
 */
import type { Handler } from './context.js';
import type { CreatePartitionsRequest, CreatePartitionsResponse } from '../protocol/messages/37_create_partitions.js';
import { ErrorCode, KafkaError } from '../protocol/errors.js';

export const handleCreatePartitions: Handler<CreatePartitionsRequest, CreatePartitionsResponse> = async (req, ctx) => {
  const results: CreatePartitionsResponse['results'] = [];
  const seen = new Set<string>();
  for (const t of req.topics) {
    const out = { name: t.name, errorCode: ErrorCode.NONE as number, errorMessage: null as string | null };
    try {
      if (seen.has(t.name)) throw new KafkaError(ErrorCode.INVALID_REQUEST, `Duplicate topic in request: ${t.name}`);
      seen.add(t.name);
      const assignment = t.assignments ? t.assignments.map((a) => a.brokerIds) : null;
      await ctx.services.topicAdmin.createPartitions(t.name, t.count, assignment, req.validateOnly);
    } catch (err) {
      if (!(err instanceof KafkaError)) throw err;
      out.errorCode = err.code;
      out.errorMessage = err.message;
    }
    results.push(out);
  }
  return { throttleTimeMs: 0, results };
};
