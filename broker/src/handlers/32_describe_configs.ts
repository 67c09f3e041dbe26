/**
 * DescribeConfigs (key 32), v0-v4.
 *
 * Resources, each answered on its own (errors never fail the whole request):
 * - TOPIC (2): every topic-level key with its effective value. Overrides report DYNAMIC_TOPIC_CONFIG; other
 *   keys report the source of the broker synonym they default to (log.retention.hours → retention.ms), as
 *   Kafka's ConfigHelper does. Unknown topic → UNKNOWN_TOPIC_OR_PARTITION; illegal name →
 *   INVALID_TOPIC_EXCEPTION.
 * - BROKER (4): name = this broker's id → all broker keys (read-only unless dynamically updatable); name ""
 *   → only the cluster-wide dynamic defaults. Another broker's id → INVALID_REQUEST (clients send per-broker
 *   describes to that broker, as Kafka expects).
 * - BROKER_LOGGER (8): Gregor has no log4j loggers to list, so an empty set for this broker's id.
 * Anything else → INVALID_REQUEST.
 *
 * Versions: v0 reports IsDefault instead of ConfigSource; v1 adds IncludeSynonyms, ConfigSource and
 * Synonyms; v3 adds IncludeDocumentation, ConfigType and Documentation; v4 is flexible. Fields absent at a
 * version are dropped by the codec, so the entries are built once with everything filled in.
 */
import type { Handler, RequestContext } from './context.js';
import type { DescribeConfigsRequest, DescribeConfigsResponse } from '../protocol/messages/32_describe_configs.js';
import { ErrorCode, KafkaError } from '../protocol/errors.js';
import { ConfigResourceType, describeBrokerConfig, describeTopicConfig, type DescribedConfig } from '../config.js';
import { validateTopicName } from '../server/topic-names.js';
import { parseBrokerResource, syncDynamicBrokerConfigs } from './33_alter_configs.js';

type Result = DescribeConfigsResponse['results'][number];

function describeOne(resource: DescribeConfigsRequest['resources'][number], req: DescribeConfigsRequest, ctx: RequestContext): DescribedConfig[] {
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
      if (!topic) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${resource.resourceName}' does not exist.`);
      return describeTopicConfig(config, topic.configs, opts);
    }
    case ConfigResourceType.BROKER: {
      const brokerId = parseBrokerResource(resource.resourceName, config.brokerId);
      syncDynamicBrokerConfigs(ctx);
      return describeBrokerConfig(config, brokerId !== null, opts);
    }
    case ConfigResourceType.BROKER_LOGGER: {
      if (resource.resourceName === '') throw new KafkaError(ErrorCode.INVALID_REQUEST, 'Broker id must not be empty');
      parseBrokerResource(resource.resourceName, config.brokerId);
      return [];
    }
    default:
      throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unsupported resource type: ${resource.resourceType}`);
  }
}

export const handleDescribeConfigs: Handler<DescribeConfigsRequest, DescribeConfigsResponse> = (req, ctx) => {
  const results: Result[] = req.resources.map((resource) => {
    const result: Result = {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      resourceType: resource.resourceType,
      resourceName: resource.resourceName,
      configs: [],
    };
    try {
      result.configs = describeOne(resource, req, ctx);
    } catch (err) {
      if (!(err instanceof KafkaError)) throw err;
      result.errorCode = err.code;
      result.errorMessage = err.message;
    }
    return result;
  });
  return { throttleTimeMs: 0, results };
};
