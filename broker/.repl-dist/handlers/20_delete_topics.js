import { ErrorCode, KafkaError } from '../protocol/errors.js';
const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';
export const handleDeleteTopics = async (req, ctx) => {
    const { topicAdmin, metadata } = ctx.services;
    const wanted = ctx.apiVersion >= 6 ? req.topics.map((t) => ({ name: t.name, topicId: t.topicId })) : req.topicNames.map((name) => ({ name, topicId: ZERO_UUID }));
    const responses = [];
    for (const w of wanted) {
        const out = { name: w.name, topicId: w.topicId, errorCode: ErrorCode.NONE, errorMessage: null };
        try {
            let name = w.name;
            if (name === null) {
                const rec = metadata.topicById(w.topicId);
                if (!rec)
                    throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_ID, `Topic id ${w.topicId} does not exist`);
                name = rec.name;
                out.name = name;
            }
            const rec = metadata.topic(name);
            if (rec)
                out.topicId = rec.topicId;
            await topicAdmin.deleteTopic(name);
        }
        catch (err) {
            if (!(err instanceof KafkaError))
                throw err;
            out.errorCode = err.code;
            out.errorMessage = err.message;
        }
        responses.push(out);
    }
    return { throttleTimeMs: 0, responses };
};
//# sourceMappingURL=20_delete_topics.js.map