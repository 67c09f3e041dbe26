// Validation the CRD schema cannot express (or that needs context the apiserver lacks, like the broker
// count for a topic). The reconciler reports these as a Warning condition naming the field instead of
// creating objects that would fail later in less obvious ways. Rules the CRD does enforce (CEL transition
// rules) are repeated in validate*Update so the operator stays safe on an apiserver that skipped them
// (e.g. CRDs installed from an older chart).
import { compareQuantities, parseQuantity } from './quantity.js';
import { CLUSTER_LABEL } from './types.js';
import type { KafkaCluster, KafkaClusterSpec, KafkaTopic, KafkaTopicSpec } from './types.js';

export interface FieldError {
  /** Path in kubectl/apiserver notation, e.g. spec.brokers.config[broker.id]. */
  field: string;
  message: string;
}

/**
 * server.properties keys the operator renders itself; a user value would break broker identity, storage
 * or connectivity (two brokers with one id, data outside the PVC, a listener the Services do not expose).
 */
export const OPERATOR_OWNED_BROKER_CONFIG_KEYS: readonly string[] = [
  'broker.id',
  'node.id',
  'broker.rack',
  'zookeeper.connect',
  'log.dir',
  'log.dirs',
  'listeners',
  'advertised.listeners',
  'listener.security.protocol.map',
  'inter.broker.listener.name',
  'security.inter.broker.protocol',
];

/**
 * Kafka topic-level config keys (Kafka's TopicConfig), kept here rather than imported from broker/ because
 * the operator image ships without the broker. Keys Kafka removed in 4.0 (message.format.version,
 * message.downconversion.enable) are left out: a KafkaTopic should not depend on them.
 */
export const TOPIC_CONFIG_KEYS: readonly string[] = [
  'cleanup.policy',
  'compression.gzip.level',
  'compression.lz4.level',
  'compression.type',
  'compression.zstd.level',
  'delete.retention.ms',
  'file.delete.delay.ms',
  'flush.messages',
  'flush.ms',
  'follower.replication.throttled.replicas',
  'index.interval.bytes',
  'leader.replication.throttled.replicas',
  'local.retention.bytes',
  'local.retention.ms',
  'max.compaction.lag.ms',
  'max.message.bytes',
  'message.timestamp.after.max.ms',
  'message.timestamp.before.max.ms',
  'message.timestamp.difference.max.ms',
  'message.timestamp.type',
  'min.cleanable.dirty.ratio',
  'min.compaction.lag.ms',
  'min.insync.replicas',
  'preallocate',
  'remote.log.copy.disable',
  'remote.log.delete.on.disable',
  'remote.storage.enable',
  'retention.bytes',
  'retention.ms',
  'segment.bytes',
  'segment.index.bytes',
  'segment.jitter.ms',
  'segment.ms',
  'unclean.leader.election.enable',
];

/**
 * Names of the Services and StatefulSets are derived from the cluster name, and Service names must be
 * DNS-1035 labels (<= 63 chars, starting with a letter) while a custom resource name may be a longer DNS
 * subdomain with dots. 40 leaves room for the longest suffix ("-zookeeper-headless") and for the
 * controller-revision-hash label, which is the StatefulSet name plus 11 characters and must fit in 63.
 */
export const MAX_CLUSTER_NAME_LENGTH = 40;
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** Kafka's legal topic names: [a-zA-Z0-9._-], at most 249 characters, not "." or "..". */
export const TOPIC_NAME_PATTERN = '^[a-zA-Z0-9._-]+$';
export const MAX_TOPIC_NAME_LENGTH = 249;

// Label keys: optional DNS-subdomain prefix and a name of <= 63 characters (apimachinery's IsQualifiedName).
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function isLabelKey(key: string): boolean {
  const parts = key.split('/');
  if (parts.length > 2) return false;
  const name = parts[parts.length - 1]!;
  if (name.length > 63 || !LABEL_NAME.test(name)) return false;
  if (parts.length === 2) {
    const prefix = parts[0]!;
    if (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix)) return false;
  }
  return true;
}

function parseIntStrict(v: string): number | undefined {
  return /^-?[0-9]+$/.test(v.trim()) ? Number(v.trim()) : undefined;
}

function validateResources(
  resources: { limits?: Record<string, string>; requests?: Record<string, string> } | undefined,
  path: string,
): FieldError[] {
  const errors: FieldError[] = [];
  if (!resources) return errors;
  for (const kind of ['limits', 'requests'] as const) {
    for (const [name, q] of Object.entries(resources[kind] ?? {})) {
      const v = parseQuantity(q);
      if (v === undefined) errors.push({ field: `${path}.${kind}[${name}]`, message: `"${q}" is not a quantity` });
      else if (v < 0) errors.push({ field: `${path}.${kind}[${name}]`, message: 'must not be negative' });
    }
  }
  // The apiserver would only reject this when the StatefulSet creates its pods, far from the custom resource.
  for (const [name, req] of Object.entries(resources.requests ?? {})) {
    const lim = resources.limits?.[name];
    if (lim !== undefined && (compareQuantities(req, lim) ?? 0) > 0) {
      errors.push({ field: `${path}.requests[${name}]`, message: `request ${req} is above the limit ${lim}` });
    }
  }
  return errors;
}

function validateStorage(storage: { size: string } | undefined, path: string): FieldError[] {
  if (!storage) return [{ field: path, message: 'is required' }];
  const v = parseQuantity(storage.size);
  if (v === undefined) return [{ field: `${path}.size`, message: `"${storage.size}" is not a quantity (e.g. 10Gi)` }];
  if (v <= 0) return [{ field: `${path}.size`, message: 'must be greater than zero' }];
  return [];
}

/** Cross-field and semantic checks of a KafkaCluster spec. */
export function validateKafkaClusterSpec(spec: KafkaClusterSpec): FieldError[] {
  const errors: FieldError[] = [];
  const b = spec.brokers;
  if (!Number.isInteger(b.replicas) || b.replicas < 1) {
    errors.push({ field: 'spec.brokers.replicas', message: 'must be an integer >= 1' });
  }
  if (b.listenerPort !== undefined && (!Number.isInteger(b.listenerPort) || b.listenerPort < 1 || b.listenerPort > 65535)) {
    errors.push({ field: 'spec.brokers.listenerPort', message: 'must be a port number (1-65535)' });
  }
  errors.push(...validateStorage(b.storage, 'spec.brokers.storage'));
  errors.push(...validateResources(b.resources, 'spec.brokers.resources'));
  if (b.rack && !isLabelKey(b.rack.topologyKey)) {
    errors.push({ field: 'spec.brokers.rack.topologyKey', message: `"${b.rack.topologyKey}" is not a valid node label key` });
  }
  const config = b.config ?? {};
  for (const key of Object.keys(config)) {
    if (OPERATOR_OWNED_BROKER_CONFIG_KEYS.includes(key)) {
      errors.push({ field: `spec.brokers.config[${key}]`, message: 'is set by the operator and may not be overridden' });
    }
  }
  // Replication settings above the broker count make produce (acks=all) or topic auto-creation fail at run
  // time; the internal-topic factors are left alone because the broker clamps them at creation.
  for (const key of ['default.replication.factor', 'min.insync.replicas']) {
    const raw = config[key];
    if (raw === undefined) continue;
    const n = parseIntStrict(raw);
    if (n === undefined || n < 1) errors.push({ field: `spec.brokers.config[${key}]`, message: `"${raw}" is not a positive integer` });
    else if (Number.isInteger(b.replicas) && n > b.replicas) {
      errors.push({ field: `spec.brokers.config[${key}]`, message: `${n} is more than the ${b.replicas} broker(s)` });
    }
  }

  const z = spec.zookeeper;
  if (![1, 3, 5].includes(z.replicas)) errors.push({ field: 'spec.zookeeper.replicas', message: 'must be 1, 3 or 5' });
  errors.push(...validateStorage(z.storage, 'spec.zookeeper.storage'));
  errors.push(...validateResources(z.resources, 'spec.zookeeper.resources'));
  if (spec.ui) errors.push(...validateResources(spec.ui.resources, 'spec.ui.resources'));
  return errors;
}

export function validateKafkaCluster(cluster: KafkaCluster): FieldError[] {
  const errors: FieldError[] = [];
  const name = cluster.metadata.name ?? '';
  if (!DNS_1035_LABEL.test(name) || name.length > MAX_CLUSTER_NAME_LENGTH) {
    errors.push({
      field: 'metadata.name',
      message: `must be a DNS-1035 label of at most ${MAX_CLUSTER_NAME_LENGTH} characters (it prefixes Service names)`,
    });
  }
  errors.push(...validateKafkaClusterSpec(cluster.spec));
  return errors;
}

/** The transition rules of the CRD (storage only grows, ZooKeeper ensemble size fixed), checked in code. */
export function validateKafkaClusterUpdate(oldSpec: KafkaClusterSpec, newSpec: KafkaClusterSpec): FieldError[] {
  const errors: FieldError[] = [];
  if (oldSpec.zookeeper.replicas !== newSpec.zookeeper.replicas) {
    errors.push({ field: 'spec.zookeeper.replicas', message: 'is immutable' });
  }
  for (const part of ['brokers', 'zookeeper'] as const) {
    if ((compareQuantities(newSpec[part].storage.size, oldSpec[part].storage.size) ?? 0) < 0) {
      errors.push({ field: `spec.${part}.storage.size`, message: `may only grow (was ${oldSpec[part].storage.size})` });
    }
    if ((oldSpec[part].storage.storageClassName ?? '') !== (newSpec[part].storage.storageClassName ?? '')) {
      errors.push({ field: `spec.${part}.storage.storageClassName`, message: 'is immutable' });
    }
  }
  return errors;
}

export interface TopicValidationContext {
  /** spec.brokers.replicas of the referenced cluster, when known. */
  brokerReplicas?: number;
}

const BOOLEAN_TOPIC_KEYS = new Set([
  'preallocate',
  'remote.storage.enable',
  'remote.log.copy.disable',
  'remote.log.delete.on.disable',
  'unclean.leader.election.enable',
]);
// Long-valued keys where -1 means "unlimited"; the others must be >= 0.
const MINUS_ONE_OK = new Set(['retention.ms', 'retention.bytes', 'local.retention.ms', 'local.retention.bytes']);
const NUMERIC_TOPIC_KEYS = new Set([
  'delete.retention.ms',
  'file.delete.delay.ms',
  'flush.messages',
  'flush.ms',
  'index.interval.bytes',
  'max.compaction.lag.ms',
  'max.message.bytes',
  'message.timestamp.after.max.ms',
  'message.timestamp.before.max.ms',
  'message.timestamp.difference.max.ms',
  'min.compaction.lag.ms',
  'min.insync.replicas',
  'segment.bytes',
  'segment.index.bytes',
  'segment.jitter.ms',
  'segment.ms',
  ...MINUS_ONE_OK,
]);

function validateTopicConfigValue(key: string, value: string, spec: KafkaTopicSpec): string | undefined {
  if (BOOLEAN_TOPIC_KEYS.has(key)) return value === 'true' || value === 'false' ? undefined : 'must be true or false';
  if (key === 'cleanup.policy') {
    const parts = value.split(',').map((p) => p.trim());
    return parts.length > 0 && parts.every((p) => p === 'delete' || p === 'compact') ? undefined : 'must be delete, compact or both';
  }
  if (key === 'compression.type') {
    return ['producer', 'uncompressed', 'gzip', 'snappy', 'lz4', 'zstd'].includes(value)
      ? undefined
      : 'must be one of producer, uncompressed, gzip, snappy, lz4, zstd';
  }
  if (key === 'message.timestamp.type') {
    return value === 'CreateTime' || value === 'LogAppendTime' ? undefined : 'must be CreateTime or LogAppendTime';
  }
  if (key === 'min.cleanable.dirty.ratio') {
    const r = Number(value);
    return value.trim() !== '' && r >= 0 && r <= 1 ? undefined : 'must be a number between 0 and 1';
  }
  if (NUMERIC_TOPIC_KEYS.has(key)) {
    const n = parseIntStrict(value);
    const min = MINUS_ONE_OK.has(key) ? -1 : key === 'min.insync.replicas' ? 1 : 0;
    if (n === undefined || n < min) return `must be an integer >= ${min}`;
    if (key === 'min.insync.replicas' && n > spec.replicationFactor) {
      return `${n} is above the replication factor ${spec.replicationFactor}; acks=all produce would always fail`;
    }
  }
  return undefined;
}

export function validateKafkaTopicSpec(spec: KafkaTopicSpec, metadataName: string, ctx: TopicValidationContext = {}): FieldError[] {
  const errors: FieldError[] = [];
  // metadata.name is a DNS subdomain (up to 253 characters) and so always uses legal Kafka characters, but
  // may be too long for Kafka.
  const name = spec.topicName ?? metadataName;
  const nameField = spec.topicName !== undefined ? 'spec.topicName' : 'metadata.name';
  if (!new RegExp(TOPIC_NAME_PATTERN).test(name) || name === '.' || name === '..') {
    errors.push({ field: nameField, message: `"${name}" is not a legal Kafka topic name ([a-zA-Z0-9._-], not "." or "..")` });
  } else if (name.length > MAX_TOPIC_NAME_LENGTH) {
    errors.push({ field: nameField, message: `topic names are limited to ${MAX_TOPIC_NAME_LENGTH} characters` });
  }
  if (!Number.isInteger(spec.partitions) || spec.partitions < 1) {
    errors.push({ field: 'spec.partitions', message: 'must be an integer >= 1' });
  }
  if (!Number.isInteger(spec.replicationFactor) || spec.replicationFactor < 1) {
    errors.push({ field: 'spec.replicationFactor', message: 'must be an integer >= 1' });
  } else if (ctx.brokerReplicas !== undefined && spec.replicationFactor > ctx.brokerReplicas) {
    errors.push({
      field: 'spec.replicationFactor',
      message: `${spec.replicationFactor} is more than the ${ctx.brokerReplicas} broker(s) of the cluster`,
    });
  }
  for (const [key, value] of Object.entries(spec.config ?? {})) {
    if (!TOPIC_CONFIG_KEYS.includes(key)) {
      errors.push({ field: `spec.config[${key}]`, message: 'is not a Kafka topic config key' });
      continue;
    }
    const problem = validateTopicConfigValue(key, value, spec);
    if (problem) errors.push({ field: `spec.config[${key}]`, message: problem });
  }
  return errors;
}

export function validateKafkaTopic(topic: KafkaTopic, ctx: TopicValidationContext = {}): FieldError[] {
  const errors: FieldError[] = [];
  // A label, not a spec field, so `kubectl get kt -l kafka.gregor.dev/cluster=x` works; the CRD schema
  // cannot constrain labels, hence the check here.
  const cluster = topic.metadata.labels?.[CLUSTER_LABEL];
  if (!cluster) errors.push({ field: `metadata.labels[${CLUSTER_LABEL}]`, message: 'is required: the name of the KafkaCluster' });
  errors.push(...validateKafkaTopicSpec(topic.spec, topic.metadata.name ?? '', ctx));
  return errors;
}

/** The transition rules of the KafkaTopic CRD, checked in code. */
export function validateKafkaTopicUpdate(oldSpec: KafkaTopicSpec, newSpec: KafkaTopicSpec): FieldError[] {
  const errors: FieldError[] = [];
  if (newSpec.partitions < oldSpec.partitions) {
    errors.push({ field: 'spec.partitions', message: `may not decrease (was ${oldSpec.partitions}); Kafka cannot remove partitions` });
  }
  if (newSpec.replicationFactor !== oldSpec.replicationFactor) {
    errors.push({ field: 'spec.replicationFactor', message: 'is immutable' });
  }
  if ((newSpec.topicName ?? undefined) !== (oldSpec.topicName ?? undefined)) {
    errors.push({ field: 'spec.topicName', message: 'is immutable' });
  }
  return errors;
}
