import { ErrorCode, KafkaError } from '../protocol/errors.js';
import { describeTopicConfig } from '../config.js';
const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';
export const handleCreateTopics = async (req, ctx) => {
    const { topicAdmin, config } = ctx.services;
    const seen = new Map();
    for (const t of req.topics)
        seen.set(t.name, (seen.get(t.name) ?? 0) + 1);
    const topics = [];
    for (const t of req.topics) {
        const out = {
            name: t.name,
            topicId: ZERO_UUID,
            errorCode: ErrorCode.NONE,
            errorMessage: null,
            topicConfigErrorCode: ErrorCode.NONE,
            numPartitions: -1,
            replicationFactor: -1,
            configs: [],
        };
        try {
            if ((seen.get(t.name) ?? 0) > 1) {
                throw new KafkaError(ErrorCode.INVALID_REQUEST, `Create topics request from client contains duplicate topic ${t.name}`);
            }
            const configs = {};
            for (const c of t.configs) {
                if (c.value === null)
                    throw new KafkaError(ErrorCode.INVALID_CONFIG, `Null value not supported for topic config ${c.name}`);
                configs[c.name] = c.value;
            }
            const assignment = t.assignments.length > 0 ? [...t.assignments].sort((a, b) => a.partitionIndex - b.partitionIndex) : [];
            assignment.forEach((a, i) => {
                if (a.partitionIndex !== i)
                    throw new KafkaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'Partitions should be a consecutive 0-based integer sequence');
            });
            const record = await topicAdmin.createTopic({
                name: t.name,
                numPartitions: t.numPartitions,
                replicationFactor: t.replicationFactor,
                assignment: assignment.map((a) => a.brokerIds),
                configs,
                validateOnly: req.validateOnly,
            });
            out.topicId = req.validateOnly ? ZERO_UUID : record.topicId;
            out.numPartitions = record.partitions.length;
            out.replicationFactor = record.partitions[0]?.replicas.length ?? 0;
            out.configs = describeTopicConfig(config, record.configs).map((e) => ({
                name: e.name,
                value: e.value,
                readOnly: e.readOnly,
                configSource: e.configSource,
                isSensitive: e.isSensitive,
            }));
        }
        catch (err) {
            if (!(err instanceof KafkaError))
                throw err;
            out.errorCode = err.code;
            out.errorMessage = err.message;
        }
        topics.push(out);
    }
    return { throttleTimeMs: 0, topics };
};
//# sourceMappingURL=19_create_topics.js.map