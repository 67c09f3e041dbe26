import { ErrorCode, KafkaError } from '../protocol/errors.js';
import { ConfigResourceType, resolveLogConfig, validateDynamicBrokerConfigs, validateTopicConfigs } from '../config.js';
import { validateTopicName } from '../server/topic-names.js';
import { childLogger } from '../log.js';
const log = childLogger('alter-configs');
/** "" → null (cluster default); this broker's id → the id; anything else → INVALID_REQUEST. */
export function parseBrokerResource(name, selfId) {
    if (name === '')
        return null;
    if (!/^-?\d+$/.test(name))
        throw new KafkaError(ErrorCode.INVALID_REQUEST, `Broker id must be an integer, but it is: ${name}`);
    const id = Number(name);
    if (id !== selfId)
        throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unexpected broker id, expected ${selfId} or empty string, but received ${name}`);
    return id;
}
function sameRecord(a, b) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}
/** Brings the BrokerConfig's dynamic layers in line with the store; returns whether anything changed. */
export function syncDynamicBrokerConfigs(ctx) {
    const { config, metadata } = ctx.services;
    const clusterDefault = metadata.brokerConfigs(null);
    const broker = metadata.brokerConfigs(config.brokerId);
    const current = config.dynamicConfigs();
    if (sameRecord(current.clusterDefault, clusterDefault) && sameRecord(current.broker, broker))
        return false;
    config.applyDynamic(clusterDefault, broker);
    return true;
}
/** The existing topic (after Kafka's name validation) or UNKNOWN_TOPIC_OR_PARTITION. */
export function requireTopic(ctx, name) {
    validateTopicName(name);
    const topic = ctx.services.metadata.topic(name);
    if (!topic)
        throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${name}' does not exist.`);
    return topic.configs;
}
/** Validates and (unless validateOnly) stores a topic's complete new override set and reconfigures its logs. */
export async function commitTopicConfigs(ctx, topic, configs, validateOnly) {
    validateTopicConfigs(configs);
    if (validateOnly)
        return;
    const { metadata, logs, config } = ctx.services;
    await metadata.setTopicConfigs(topic, configs);
    try {
        logs.updateConfig(topic, resolveLogConfig(config, configs));
    }
    catch (err) {
        // The store holds the truth; the logs pick it up again on the topicConfigChanged event or at restart.
        log.warn({ err, topic }, 'failed to apply new topic config to local logs');
    }
}
/** Validates and (unless validateOnly) stores a broker's (or the cluster default's) complete dynamic set. */
export async function commitBrokerConfigs(ctx, resourceName, brokerId, configs, validateOnly) {
    validateDynamicBrokerConfigs(resourceName, configs);
    if (validateOnly)
        return;
    const { metadata, logs, config } = ctx.services;
    await metadata.setBrokerConfigs(brokerId, configs);
    if (!syncDynamicBrokerConfigs(ctx))
        return;
    // log.* keys are the defaults of every topic without an override: re-resolve them all.
    for (const t of metadata.topics()) {
        try {
            logs.updateConfig(t.name, resolveLogConfig(config, t.configs));
        }
        catch (err) {
            log.warn({ err, topic: t.name }, 'failed to apply new broker defaults to local logs');
        }
    }
}
/** Kafka rejects a request naming the same resource twice (each copy gets INVALID_REQUEST). */
export function duplicateResources(resources) {
    const seen = new Set();
    const dup = new Set();
    for (const r of resources) {
        const k = `${r.resourceType}:${r.resourceName}`;
        if (seen.has(k))
            dup.add(k);
        seen.add(k);
    }
    return dup;
}
export function checkDuplicateKeys(names) {
    if (new Set(names).size !== names.length)
        throw new KafkaError(ErrorCode.INVALID_REQUEST, 'Error due to duplicate config keys');
}
export const handleAlterConfigs = async (req, ctx) => {
    const dups = duplicateResources(req.resources);
    const responses = [];
    for (const resource of req.resources) {
        const response = {
            errorCode: ErrorCode.NONE,
            errorMessage: null,
            resourceType: resource.resourceType,
            resourceName: resource.resourceName,
        };
        try {
            if (dups.has(`${resource.resourceType}:${resource.resourceName}`)) {
                throw new KafkaError(ErrorCode.INVALID_REQUEST, 'Each resource must appear at most once.');
            }
            checkDuplicateKeys(resource.configs.map((c) => c.name));
            const configs = {};
            for (const c of resource.configs) {
                if (c.value === null)
                    throw new KafkaError(ErrorCode.INVALID_REQUEST, `Null value not supported for : ${c.name}`);
                configs[c.name] = c.value;
            }
            switch (resource.resourceType) {
                case ConfigResourceType.TOPIC:
                    requireTopic(ctx, resource.resourceName);
                    await commitTopicConfigs(ctx, resource.resourceName, configs, req.validateOnly);
                    break;
                case ConfigResourceType.BROKER: {
                    const brokerId = parseBrokerResource(resource.resourceName, ctx.services.config.brokerId);
                    await commitBrokerConfigs(ctx, resource.resourceName, brokerId, configs, req.validateOnly);
                    break;
                }
                default:
                    throw new KafkaError(ErrorCode.INVALID_REQUEST, `AlterConfigs is only supported for topics and brokers, but resource type is ${resource.resourceType}`);
            }
        }
        catch (err) {
            if (!(err instanceof KafkaError))
                throw err;
            response.errorCode = err.code;
            response.errorMessage = err.message;
        }
        responses.push(response);
    }
    return { throttleTimeMs: 0, responses };
};
//# sourceMappingURL=33_alter_configs.js.map