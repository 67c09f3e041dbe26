/**
 * IncrementalAlterConfigs (key 44), v0-v1 (v1 is flexible). What `kafka-configs --alter` and the operator
 * use: each resource carries operations applied to the current override set in order, then the result is
 * validated and stored as a whole (so a resource either changes completely or not at all).
 *
 * Operations: SET (0) sets a value (null → INVALID_REQUEST); DELETE (1) removes the override; APPEND (2)
 * and SUBTRACT (3) add/remove comma-separated elements of a list-typed key, starting from the current
 * value (the override, else the effective default); on a non-list key they are INVALID_CONFIG, as in
 * Kafka. Unknown operation → INVALID_REQUEST.
 *
 * Resources: TOPIC (unknown key → INVALID_CONFIG "Unknown topic config name", unknown topic →
 * UNKNOWN_TOPIC_OR_PARTITION), BROKER ("" = cluster default or this broker's id; dynamic keys only — see
 * AlterConfigs), BROKER_LOGGER (Gregor has no named loggers, so every logger name → INVALID_CONFIG, as Kafka
 * answers for a logger that does not exist). `validateOnly` validates and changes nothing.
 */
import type { Handler, RequestContext } from './context.js';
import type { IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse } from '../protocol/messages/44_incremental_alter_configs.js';
import { ErrorCode, KafkaError } from '../protocol/errors.js';
import { BROKER_CONFIG_BY_NAME, ConfigResourceType, TOPIC_CONFIG_BY_NAME, currentDefault, isListConfig } from '../config.js';
import {
  checkDuplicateKeys,
  commitBrokerConfigs,
  commitTopicConfigs,
  duplicateResources,
  parseBrokerResource,
  requireTopic,
} from './33_alter_configs.js';

export const OpType = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;

type Resource = IncrementalAlterConfigsRequest['resources'][number];
type Op = Resource['configs'][number];
type ResourceResponse = IncrementalAlterConfigsResponse['responses'][number];

function splitList(v: string | null): string[] {
  if (v === null) return [];
  return v
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
}

/** Applies the operations to a copy of `current` and returns the new complete set. */
export function applyOps(ctx: RequestContext, kind: 'topic' | 'broker', current: Record<string, string>, ops: Op[]): Record<string, string> {
  const next = { ...current };
  for (const op of ops) {
    const known = kind === 'topic' ? TOPIC_CONFIG_BY_NAME.has(op.name) : BROKER_CONFIG_BY_NAME.has(op.name);
    if (!known) throw new KafkaError(ErrorCode.INVALID_CONFIG, `Unknown ${kind} config name: ${op.name}`);
    switch (op.configOperation) {
      case OpType.SET:
        if (op.value === null) throw new KafkaError(ErrorCode.INVALID_REQUEST, `Null value not supported for : ${op.name}`);
        next[op.name] = op.value;
        break;
      case OpType.DELETE:
        delete next[op.name];
        break;
      case OpType.APPEND:
      case OpType.SUBTRACT: {
        const verb = op.configOperation === OpType.APPEND ? 'append' : 'subtract';
        if (!isListConfig(kind, op.name)) throw new KafkaError(ErrorCode.INVALID_CONFIG, `Config value ${verb} is not allowed for config key: ${op.name}`);
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

async function alterOne(ctx: RequestContext, resource: Resource, validateOnly: boolean): Promise<void> {
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
      if (resource.resourceName === '') throw new KafkaError(ErrorCode.INVALID_REQUEST, 'Broker id must not be empty');
      parseBrokerResource(resource.resourceName, ctx.services.config.brokerId);
      const first = resource.configs[0];
      if (first) throw new KafkaError(ErrorCode.INVALID_CONFIG, `Logger ${first.name} does not exist!`);
      return;
    }
    default:
      throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unsupported resource type: ${resource.resourceType}`);
  }
}

export const handleIncrementalAlterConfigs: Handler<IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse> = async (req, ctx) => {
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
      await alterOne(ctx, resource, req.validateOnly);
    } catch (err) {
      if (!(err instanceof KafkaError)) throw err;
      response.errorCode = err.code;
      response.errorMessage = err.message;
    }
    responses.push(response);
  }
  return { throttleTimeMs: 0, responses };
};
