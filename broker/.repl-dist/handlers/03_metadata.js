import { ErrorCode, KafkaError } from '../protocol/errors.js';
import { CLUSTER_OPERATIONS, OPERATIONS_NOT_REQUESTED, TOPIC_OPERATIONS } from './authorized-operations.js';
const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';
function describeTopic(t, req, ctx) {
    const live = new Set(ctx.services.metadata.brokers().map((b) => b.id));
    return {
        errorCode: ErrorCode.NONE,
        name: t.name,
        topicId: t.topicId,
        isInternal: t.internal,
        partitions: t.partitions.map((p) => ({
            errorCode: p.leader === -1 ? ErrorCode.LEADER_NOT_AVAILABLE : ErrorCode.NONE,
            partitionIndex: p.partition,
            leaderId: p.leader,
            leaderEpoch: p.leaderEpoch,
            replicaNodes: p.replicas,
            isrNodes: p.isr,
            offlineReplicas: p.replicas.filter((r) => !live.has(r)),
        })),
        topicAuthorizedOperations: req.includeTopicAuthorizedOperations ? TOPIC_OPERATIONS : OPERATIONS_NOT_REQUESTED,
    };
}
function errorTopic(name, topicId, code) {
    return {
        errorCode: code,
        name,
        topicId,
        isInternal: false,
        partitions: [],
        topicAuthorizedOperations: OPERATIONS_NOT_REQUESTED,
    };
}
export const handleMetadata = async (req, ctx) => {
    const { metadata, config, topicAdmin } = ctx.services;
    const allowAutoCreate = (ctx.apiVersion < 4 || req.allowAutoTopicCreation) && config.autoCreateTopicsEnable;
    const listAll = req.topics === null || (ctx.apiVersion === 0 && req.topics.length === 0);
    const topics = [];
    if (listAll) {
        for (const t of metadata.topics())
            topics.push(describeTopic(t, req, ctx));
    }
    else {
        for (const wanted of req.topics ?? []) {
            if (wanted.name === null) {
                const t = metadata.topicById(wanted.topicId);
                topics.push(t ? describeTopic(t, req, ctx) : errorTopic(null, wanted.topicId, ErrorCode.UNKNOWN_TOPIC_ID));
                continue;
            }
            const existing = metadata.topic(wanted.name);
            if (existing) {
                topics.push(describeTopic(existing, req, ctx));
                continue;
            }
            if (!allowAutoCreate) {
                topics.push(errorTopic(wanted.name, ZERO_UUID, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
                continue;
            }
            try {
                const created = await topicAdmin.ensureTopic(wanted.name, config.numPartitions, config.defaultReplicationFactor, {});
                topics.push(describeTopic(created, req, ctx));
            }
            catch (err) {
                if (!(err instanceof KafkaError))
                    throw err;
                topics.push(errorTopic(wanted.name, ZERO_UUID, err.code));
            }
        }
    }
    const brokers = metadata.brokers().flatMap((b) => {
        const ep = b.endpoints.find((e) => e.name === ctx.listenerName) ?? b.endpoints[0];
        return ep ? [{ nodeId: b.id, host: ep.host, port: ep.port, rack: b.rack }] : [];
    });
    return {
        throttleTimeMs: 0,
        brokers,
        clusterId: metadata.clusterId(),
        controllerId: metadata.controllerId(),
        topics,
        clusterAuthorizedOperations: req.includeClusterAuthorizedOperations ? CLUSTER_OPERATIONS : OPERATIONS_NOT_REQUESTED,
    };
};
//# sourceMappingURL=03_metadata.js.map