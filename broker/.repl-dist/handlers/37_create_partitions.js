import { ErrorCode, KafkaError } from '../protocol/errors.js';
export const handleCreatePartitions = async (req, ctx) => {
    const results = [];
    const seen = new Set();
    for (const t of req.topics) {
        const out = { name: t.name, errorCode: ErrorCode.NONE, errorMessage: null };
        try {
            if (seen.has(t.name))
                throw new KafkaError(ErrorCode.INVALID_REQUEST, `Duplicate topic in request: ${t.name}`);
            seen.add(t.name);
            const assignment = t.assignments ? t.assignments.map((a) => a.brokerIds) : null;
            await ctx.services.topicAdmin.createPartitions(t.name, t.count, assignment, req.validateOnly);
        }
        catch (err) {
            if (!(err instanceof KafkaError))
                throw err;
            out.errorCode = err.code;
            out.errorMessage = err.message;
        }
        results.push(out);
    }
    return { throttleTimeMs: 0, results };
};
//# sourceMappingURL=37_create_partitions.js.map