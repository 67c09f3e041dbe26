import { ErrorCode, KafkaError } from '../protocol/errors.js';
import { ConfigResourceType, describeBrokerConfig, describeTopicConfig } from '../config.js';
import { validateTopicName } from '../server/topic-names.js';
import { parseBrokerResource, syncDynamicBrokerConfigs } from './33_alter_configs.js';
function describeOne(resource, req, ctx) {
    const { config, metadata } = ctx.services;
    const opts = {
        keys: resource.configurationKeys,
        includeSynonyms: ctx.apiVersion >= 1 && req.includeSynonyms,
        includeDocumentation: ctx.apiVersion >= 3 && req.includeDocumentation,
    };
    switch (resource.resourceType) {
        case ConfigResourceType.TOPIC: {
            validateTopicName(resource.resourceName);
            const topic = metadata.topic(resource.resourceName);
            if (!topic)
                throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${resource.resourceName}' does not exist.`);
            return describeTopicConfig(config, topic.configs, opts);
        }
        case ConfigResourceType.BROKER: {
            const brokerId = parseBrokerResource(resource.resourceName, config.brokerId);
            syncDynamicBrokerConfigs(ctx);
            return describeBrokerConfig(config, brokerId !== null, opts);
        }
        case ConfigResourceType.BROKER_LOGGER: {
            if (resource.resourceName === '')
                throw new KafkaError(ErrorCode.INVALID_REQUEST, 'Broker id must not be empty');
            parseBrokerResource(resource.resourceName, config.brokerId);
            return [];
        }
        default:
            throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unsupported resource type: ${resource.resourceType}`);
    }
}
export const handleDescribeConfigs = (req, ctx) => {
    const results = req.resources.map((resource) => {
        const result = {
            errorCode: ErrorCode.NONE,
            errorMessage: null,
            resourceType: resource.resourceType,
            resourceName: resource.resourceName,
            configs: [],
        };
        try {
            result.configs = describeOne(resource, req, ctx);
        }
        catch (err) {
            if (!(err instanceof KafkaError))
                throw err;
            result.errorCode = err.code;
            result.errorMessage = err.message;
        }
        return result;
    });
    return { throttleTimeMs: 0, results };
};
//# sourceMappingURL=32_describe_configs.js.map