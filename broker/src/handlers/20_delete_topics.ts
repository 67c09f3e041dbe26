/**
 * DeleteTopics (key 20), v0-v6. v0-v5 name topics in topicNames; v6 uses `topics` with a name or a topic
 * id. Deletion is immediate: the metadata record goes first, then the logs are renamed `-delete` and
 * removed, as Kafka's log manager does.
 */
import type { Handler } from './context.js';
import type { DeleteTopicsRequest, DeleteTopicsResponse } from '../protocol/messages/20_delete_topics.js';
import { ErrorCode, KafkaError } from '../protocol/errors.js';

type Result = DeleteTopicsResponse['responses'][number];
const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

export const handleDeleteTopics: Handler<DeleteTopicsRequest, DeleteTopicsResponse> = async (req, ctx) => {
  const { topicAdmin, metadata } = ctx.services;
  const wanted: { name: string | null; topicId: string }[] =
    ctx.apiVersion >= 6 ? req.topics.map((t) => ({ name: t.name, topicId: t.topicId })) : req.topicNames.map((name) => ({ name, topicId: ZERO_UUID }));
  const responses: Result[] = [];
  for (const w of wanted) {
    const out: Result = { name: w.name, topicId: w.topicId, errorCode: ErrorCode.NONE, errorMessage: null };
    try {
      let name = w.name;
      if (name === null) {
        const rec = metadata.topicById(w.topicId);
        if (!rec) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_ID, `Topic id ${w.topicId} does not exist`);
        name = rec.name;
        out.name = name;
      }
      const rec = metadata.topic(name);
      if (rec) out.topicId = rec.topicId;
      await topicAdmin.deleteTopic(name);
    } catch (err) {
      if (!(err instanceof KafkaError)) throw err;
      out.errorCode = err.code;
      out.errorMessage = err.message;
    }
    responses.push(out);
  }
  return { throttleTimeMs: 0, responses };
};
