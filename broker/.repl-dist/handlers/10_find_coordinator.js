import { ErrorCode } from '../protocol/errors.js';
import { OFFSETS_TOPIC_NAME } from '../coordinator/offsets-topic.js';
import { childLogger } from '../log.js';
const log = childLogger('find-coordinator');
// Kafka's Errors.message() texts for the codes answered here.
const MESSAGES = {
    [ErrorCode.NONE]: 'NONE',
    [ErrorCode.COORDINATOR_NOT_AVAILABLE]: 'The coordinator is not available.',
    [ErrorCode.INVALID_REQUEST]: 'This most likely occurs because of a request being malformed by the client library or the message was sent to an incompatible broker. See the broker logs for more details.',
};
const NO_NODE = { nodeId: -1, host: '', port: -1 };
const NOT_AVAILABLE = { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, ...NO_NODE };
async function findGroupCoordinator(groupId, ctx) {
    const { metadata, groups } = ctx.services;
    const topic = metadata.topic(OFFSETS_TOPIC_NAME);
    if (!topic) {
        try {
            await groups.ensureOffsetsTopic();
        }
        catch (err) {
            log.warn({ err }, 'could not create __consumer_offsets');
        }
        // Even when created just now its partitions have no leader yet (in a cluster, not before the
        // controller's LeaderAndIsr); the client retries.
        return NOT_AVAILABLE;
    }
    const partition = groups.partitionFor(groupId);
    const state = topic.partitions.find((p) => p.partition === partition);
    if (!state || state.leader < 0)
        return NOT_AVAILABLE;
    const broker = metadata.brokers().find((b) => b.id === state.leader);
    // Falling back to the first endpoint matches what Metadata advertises for listeners without an
    // advertised twin, so a client that could reach the broker through Metadata can reach its coordinator.
    const ep = broker?.endpoints.find((e) => e.name === ctx.listenerName) ?? broker?.endpoints[0];
    if (!ep)
        return NOT_AVAILABLE;
    return { errorCode: ErrorCode.NONE, nodeId: state.leader, host: ep.host, port: ep.port };
}
function findOne(key, keyType, ctx) {
    if (keyType === 1)
        return NOT_AVAILABLE;
    if (keyType !== 0)
        return { errorCode: ErrorCode.INVALID_REQUEST, ...NO_NODE };
    return findGroupCoordinator(key, ctx);
}
export const handleFindCoordinator = async (req, ctx) => {
    if (ctx.apiVersion >= 4) {
        const coordinators = await Promise.all(req.coordinatorKeys.map(async (key) => {
            const f = await findOne(key, req.keyType, ctx);
            return { key, ...f, errorMessage: MESSAGES[f.errorCode] ?? null };
        }));
        return { throttleTimeMs: 0, errorCode: 0, errorMessage: null, nodeId: -1, host: '', port: -1, coordinators };
    }
    const f = await findOne(req.key, ctx.apiVersion >= 1 ? req.keyType : 0, ctx);
    return { throttleTimeMs: 0, ...f, errorMessage: MESSAGES[f.errorCode] ?? null, coordinators: [] };
};
//# sourceMappingURL=10_find_coordinator.js.map