/**
 * AlterConfigs (key 33), v0-v2: the legacy, non-incremental API. Each resource's config set *replaces* the
 * stored override set (keys not named are reset to their defaults), as in Kafka. `validateOnly` validates
 * and changes nothing.
 *
 * - TOPIC: keys must be topic-level keys and values valid (INVALID_CONFIG naming the key, as Kafka 3.x/4.x);
 *   unknown topic → UNKNOWN_TOPIC_OR_PARTITION. The new set goes to the metadata store and the resolved
 *   LogConfig to the LogManager.
 * - BROKER: name "" = cluster-wide default, else this broker's id (another id → INVALID_REQUEST). Keys must
 *   be dynamically updatable broker keys: unknown → INVALID_CONFIG; read-only or bad value → INVALID_REQUEST
 *   with Kafka's "Cannot update these configs dynamically" message. After the store write, the dynamic layer
 *   is re-applied to the BrokerConfig and every topic's LogConfig is re-resolved (log.* defaults may move).
 * - Anything else (including BROKER_LOGGER, which only IncrementalAlterConfigs accepts) → INVALID_REQUEST.
 * Duplicate resources or duplicate keys in one resource → INVALID_REQUEST.
 *
 * Versions: v1 only changes throttling behaviour; v2 is flexible.
 *
 * Also exports the helpers IncrementalAlterConfigs and DescribeConfigs share.
 */
import type { Handler, RequestContext } from './context.js';
import type { AlterConfigsRequest, AlterConfigsResponse } from '../protocol/messages/33_alter_configs.js';
import { ErrorCode, KafkaError } from '../protocol/errors.js';
import { ConfigResourceType, resolveLogConfig, validateDynamicBrokerConfigs, validateTopicConfigs } from '../config.js';
import { validateTopicName } from '../server/topic-names.js';
import { childLogger } from '../log.js';

const log = childLogger('alter-configs');

type ResourceResponse = AlterConfigsResponse['responses'][number];

/** "" → null (cluster default); this broker's id → the id; anything else → INVALID_REQUEST. */
export function parseBrokerResource(name: string, selfId: number): number | null {
  if (name === '') return null;
  if (!/^-?\d+$/.test(name)) throw new KafkaError(ErrorCode.INVALID_REQUEST, `Broker id must be an integer, but it is: ${name}`);
  const id = Number(name);
  if (id !== selfId) throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unexpected broker id, expected ${selfId} or empty string, but received ${name}`);
  return id;
}

function sameRecord(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

/** Brings the BrokerConfig's dynamic layers in line with the store; returns whether anything changed. */
export function syncDynamicBrokerConfigs(ctx: RequestContext): boolean {
  const { config, metadata } = ctx.services;
  const clusterDefault = metadata.brokerConfigs(null);
  const broker = metadata.brokerConfigs(config.brokerId);
  const current = config.dynamicConfigs();
  if (sameRecord(current.clusterDefault, clusterDefault) && sameRecord(current.broker, broker)) return false;
  config.applyDynamic(clusterDefault, broker);
  return true;
}

/** The existing topic (after Kafka's name validation) or UNKNOWN_TOPIC_OR_PARTITION. */
export function requireTopic(ctx: RequestContext, name: string): Record<string, string> {
  validateTopicName(name);
  const topic = ctx.services.metadata.topic(name);
  if (!topic) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${name}' does not exist.`);
  return topic.configs;
}

/** Validates and (unless validateOnly) stores a topic's complete new override set and reconfigures its logs. */
export async function commitTopicConfigs(ctx: RequestContext, topic: string, configs: Record<string, string>, validateOnly: boolean): Promise<void> {
  validateTopicConfigs(configs);
  if (validateOnly) return;
  const { metadata, logs, config } = ctx.services;
  await metadata.setTopicConfigs(topic, configs);
  try {
    logs.updateConfig(topic, resolveLogConfig(config, configs));
  } catch (err) {
    // The store holds the truth; the logs pick it up again on the topicConfigChanged event or at restart.
    log.warn({ err, topic }, 'failed to apply new topic config to local logs');
  }
}

/** Validates and (unless validateOnly) stores a broker's (or the cluster default's) complete dynamic set. */
export async function commitBrokerConfigs(
  ctx: RequestContext,
  resourceName: string,
  brokerId: number | null,
  configs: Record<string, string>,
  validateOnly: boolean,
): Promise<void> {
  validateDynamicBrokerConfigs(resourceName, configs);
  if (validateOnly) return;
  const { metadata, logs, config } = ctx.services;
  await metadata.setBrokerConfigs(brokerId, configs);
  if (!syncDynamicBrokerConfigs(ctx)) return;
  // log.* keys are the defaults of every topic without an override: re-resolve them all.
  for (const t of metadata.topics()) {
    try {
      logs.updateConfig(t.name, resolveLogConfig(config, t.configs));
    } catch (err) {
      log.warn({ err, topic: t.name }, 'failed to apply new broker defaults to local logs');
    }
  }
}

/** Kafka rejects a request naming the same resource twice (each copy gets INVALID_REQUEST). */
export function duplicateResources(resources: { resourceType: number; resourceName: string }[]): Set<string> {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const r of resources) {
    const k = `${r.resourceType}:${r.resourceName}`;
    if (seen.has(k)) dup.add(k);
    seen.add(k);
  }
  return dup;
}

export function checkDuplicateKeys(names: string[]): void {
  if (new Set(names).size !== names.length) throw new KafkaError(ErrorCode.INVALID_REQUEST, 'Error due to duplicate config keys');
}

export const handleAlterConfigs: Handler<AlterConfigsRequest, AlterConfigsResponse> = async (req, ctx) => {
  const dups = duplicateResources(req.resources);
  const responses: ResourceResponse[] = [];
  for (const resource of req.resources) {
    const response: ResourceResponse = {
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
      const configs: Record<string, string> = {};
      for (const c of resource.configs) {
        if (c.value === null) throw new KafkaError(ErrorCode.INVALID_REQUEST, `Null value not supported for : ${c.name}`);
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
    } catch (err) {
      if (!(err instanceof KafkaError)) throw err;
      response.errorCode = err.code;
      response.errorMessage = err.message;
    }
    responses.push(response);
  }
  return { throttleTimeMs: 0, responses };
};
