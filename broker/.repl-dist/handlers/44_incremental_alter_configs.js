import { ErrorCode, KafkaError } from '../protocol/errors.js';
import { BROKER_CONFIG_BY_NAME, ConfigResourceType, TOPIC_CONFIG_BY_NAME, currentDefault, isListConfig } from '../config.js';
import { checkDuplicateKeys, commitBrokerConfigs, commitTopicConfigs, duplicateResources, parseBrokerResource, requireTopic, } from './33_alter_configs.js';
export const OpType = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 };
function splitList(v) {
    if (v === null)
        return [];
    return v
        .split(',')
        .map((e) => e.trim())
        .filter((e) => e !== '');
}
/** Applies the operations to a copy of `current` and returns the new complete set. */
export function applyOps(ctx, kind, current, ops) {
    const next = { ...current };
    for (const op of ops) {
        const known = kind === 'topic' ? TOPIC_CONFIG_BY_NAME.has(op.name) : BROKER_CONFIG_BY_NAME.has(op.name);
        if (!known)
            throw new KafkaError(ErrorCode.INVALID_CONFIG, `Unknown ${kind} config name: ${op.name}`);
        switch (op.configOperation) {
            case OpType.SET:
                if (op.value === null)
                    throw new KafkaError(ErrorCode.INVALID_REQUEST, `Null value not supported for : ${op.name}`);
                next[op.name] = op.value;
                break;
            case OpType.DELETE:
                delete next[op.name];
                break;
            case OpType.APPEND:
            case OpType.SUBTRACT: {
                const verb = op.configOperation === OpType.APPEND ? 'append' : 'subtract';
                if (!isListConfig(kind, op.name))
                    throw new KafkaError(ErrorCode.INVALID_CONFIG, `Config value ${verb} is not allowed for config key: ${op.name}`);
                const base = splitList(next[op.name] ?? currentDefault(ctx.services.config, kind, op.name));
                const values = splitList(op.value);
                const result = verb === 'append' ? [...base, ...values.filter((v) => !base.includes(v))] : base.filter((v) => !values.includes(v));
                next[op.name] = result.join(',');
                break;
            }
            default:
                throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unknown alter configs op type ${op.configOperation} for config key: ${op.name}`);
        }
    }
    return next;
}
async function alterOne(ctx, resource, validateOnly) {
    checkDuplicateKeys(resource.configs.map((c) => c.name));
    switch (resource.resourceType) {
        case ConfigResourceType.TOPIC: {
            const current = requireTopic(ctx, resource.resourceName);
            const next = applyOps(ctx, 'topic', current, resource.configs);
            await commitTopicConfigs(ctx, resource.resourceName, next, validateOnly);
            return;
        }
        case ConfigResourceType.BROKER: {
            const brokerId = parseBrokerResource(resource.resourceName, ctx.services.config.brokerId);
            const current = ctx.services.metadata.brokerConfigs(brokerId);
            const next = applyOps(ctx, 'broker', current, resource.configs);
            await commitBrokerConfigs(ctx, resource.resourceName, brokerId, next, validateOnly);
            return;
        }
        case ConfigResourceType.BROKER_LOGGER: {
            if (resource.resourceName === '')
                throw new KafkaError(ErrorCode.INVALID_REQUEST, 'Broker id must not be empty');
            parseBrokerResource(resource.resourceName, ctx.services.config.brokerId);
            const first = resource.configs[0];
            if (first)
                throw new KafkaError(ErrorCode.INVALID_CONFIG, `Logger ${first.name} does not exist!`);
            return;
        }
        default:
            throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unsupported resource type: ${resource.resourceType}`);
    }
}
export const handleIncrementalAlterConfigs = async (req, ctx) => {
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
            await alterOne(ctx, resource, req.validateOnly);
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
//# sourceMappingURL=44_incremental_alter_configs.js.map