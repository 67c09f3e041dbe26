/**
 * Broker and topic configuration with Kafka's key names, defaults and precedence.
 *
 * Layers, lowest to highest: built-in defaults < server.properties (`--config`) < `GREGOR_*` environment
 * variables < `--override k=v` arguments. Those make the *static* config. On top of it sit the *dynamic*
 * broker configs kept in the metadata store (cluster-wide default, then per broker), as Kafka's
 * DynamicBrokerConfig; only keys marked `dynamic` take effect from there.
 *
 * Topic-level keys (retention.ms, ...) default to their broker "synonyms" (log.retention.ms, then
 * log.retention.minutes, then log.retention.hours), exactly as Kafka's LogConfig does; DescribeConfigs
 * reports those synonyms and the source of each value.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { childLogger } from './log.js';
import { ErrorCode, KafkaError } from './protocol/errors.js';
import type { LogConfig } from './storage/log-config.js';
import type { BrokerEndpoint, MetadataStore } from './metadata/store.js';
import { ConfigSource } from './protocol/config-source.js';

const log = childLogger('config');

/** A startup configuration problem; main prints the message and exits non-zero. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

// ---------------------------------------------------------------------------------------------------------
// Kafka enums used by DescribeConfigs
// ---------------------------------------------------------------------------------------------------------

export { ConfigSource, type ConfigSourceId } from './protocol/config-source.js';

/** DescribeConfigsResponse ConfigType (v3+). */
export const ConfigTypeId = {
  UNKNOWN: 0,
  BOOLEAN: 1,
  STRING: 2,
  INT: 3,
  SHORT: 4,
  LONG: 5,
  DOUBLE: 6,
  LIST: 7,
  CLASS: 8,
  PASSWORD: 9,
} as const;

/** Resource types of the config APIs. */
export const ConfigResourceType = { UNKNOWN: 0, TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8 } as const;

// ---------------------------------------------------------------------------------------------------------
// Value types and validators
// ---------------------------------------------------------------------------------------------------------

export type ConfigValueType = 'boolean' | 'string' | 'int' | 'short' | 'long' | 'double' | 'list' | 'class' | 'password';
export type ConfigValue = boolean | string | number | string[] | null;

/** Returns null when valid, else the reason (Kafka's wording where there is one). */
export type Validator = (value: ConfigValue) => string | null;

export interface ConfigKeyDef {
  name: string;
  type: ConfigValueType;
  /** Kafka's default in string form; null = no default (unset). */
  default: string | null;
  validator?: Validator;
  /** Can be changed at runtime through AlterConfigs/IncrementalAlterConfigs on a BROKER resource. */
  dynamic: boolean;
  /** Accepted for compatibility with Kafka's server.properties, but Gregor does not act on it. */
  ignored?: boolean;
  doc: string;
}

export interface TopicConfigDef {
  name: string;
  type: ConfigValueType;
  validator?: Validator;
  /**
   * Broker keys this topic key defaults to, in precedence order, with the factor that converts the broker
   * key's unit to the topic key's (log.retention.hours → retention.ms is 3_600_000).
   */
  synonyms: { name: string; factor?: number }[];
  /** Default when no synonym has a value. */
  default: string;
  doc: string;
}

const INT_MAX = 2147483647;
const INT_MIN = -2147483648;
const LONG_MAX = 9223372036854775807n;
const LONG_MIN = -9223372036854775808n;
const LONG_MAX_S = '9223372036854775807';

const atLeast =
  (min: number): Validator =>
  (v) =>
    typeof v === 'number' && v < min ? `Value must be at least ${min}` : null;
const between =
  (min: number, max: number): Validator =>
  (v) => {
    if (typeof v !== 'number') return null;
    if (v < min) return `Value must be at least ${min}`;
    if (v > max) return `Value must be no more than ${max}`;
    return null;
  };
const oneOf =
  (...allowed: string[]): Validator =>
  (v) =>
    typeof v === 'string' && !allowed.includes(v) ? `String must be one of: ${allowed.join(', ')}` : null;
const listOf =
  (...allowed: string[]): Validator =>
  (v) => {
    if (!Array.isArray(v)) return null;
    const bad = v.find((e) => !allowed.includes(e));
    return bad !== undefined ? `String must be one of: ${allowed.join(', ')}` : null;
  };
const nonEmptyList: Validator = (v) => (Array.isArray(v) && v.length === 0 ? 'Empty list' : null);
/** leader/follower.replication.throttled.replicas: `*` or `partition:broker` pairs. */
const throttledReplicas: Validator = (v) => {
  if (!Array.isArray(v)) return null;
  if (v.length === 1 && v[0] === '*') return null;
  return v.every((e) => /^\d+:\d+$/.test(e))
    ? null
    : "must be the literal '*' or a list of replicas in the following format: [partitionId]:[brokerId],[partitionId]:[brokerId],...";
};

/**
 * Kafka's TopicConfigHandler.parseThrottledPartitions: the partitions of a topic whose replica on `brokerId`
 * a `leader.replication.throttled.replicas` / `follower.replication.throttled.replicas` value lists
 * (`partition:broker,...`; `*` = every partition). Unset or empty: none. Malformed entries (validated on
 * write, so only hand-edited ZooKeeper data) are skipped.
 */
export function throttledPartitionsOn(value: string | null | undefined, brokerId: number): '*' | Set<number> {
  const out = new Set<number>();
  const v = value?.trim() ?? '';
  if (v === '*') return '*';
  if (v === '') return out;
  for (const entry of v.split(',')) {
    const m = /^\s*(\d+)\s*:\s*(\d+)\s*$/.exec(entry);
    if (m && Number(m[2]) === brokerId) out.add(Number(m[1]));
  }
  return out;
}

/** Kafka's ConfigDef.parseType: values are trimmed (except passwords); errors name the reason only. */
export function parseConfigValue(type: ConfigValueType, raw: string): ConfigValue {
  const s = type === 'password' ? raw : raw.trim();
  switch (type) {
    case 'boolean': {
      const l = s.toLowerCase();
      if (l === 'true') return true;
      if (l === 'false') return false;
      throw new Error('Expected value to be either true or false');
    }
    case 'int':
    case 'short': {
      if (!/^[+-]?\d+$/.test(s)) throw new Error(`Not a number of type ${type.toUpperCase()}`);
      const n = Number(s);
      const [lo, hi] = type === 'int' ? [INT_MIN, INT_MAX] : [-32768, 32767];
      if (n < lo || n > hi) throw new Error(`Not a number of type ${type.toUpperCase()}`);
      return n;
    }
    case 'long': {
      if (!/^[+-]?\d+$/.test(s)) throw new Error('Not a number of type LONG');
      const b = BigInt(s);
      if (b > LONG_MAX || b < LONG_MIN) throw new Error('Not a number of type LONG');
      // Inside the broker int64 is a JS number (architecture.md); Long.MAX_VALUE-style "infinite" defaults
      // become MAX_SAFE_INTEGER so arithmetic on them stays exact.
      if (b > BigInt(Number.MAX_SAFE_INTEGER)) return Number.MAX_SAFE_INTEGER;
      if (b < BigInt(Number.MIN_SAFE_INTEGER)) return Number.MIN_SAFE_INTEGER;
      return Number(b);
    }
    case 'double': {
      const n = s === '' ? NaN : Number(s);
      if (!Number.isFinite(n)) throw new Error('Not a number of type DOUBLE');
      return n;
    }
    case 'list':
      return s === '' ? [] : s.split(',').map((e) => e.trim());
    case 'string':
    case 'class':
    case 'password':
      return s;
  }
}

/** Parses and validates; throws Error("Invalid value v for configuration k: reason"). */
function checkValue(name: string, type: ConfigValueType, validator: Validator | undefined, raw: string): ConfigValue {
  let value: ConfigValue;
  try {
    value = parseConfigValue(type, raw);
  } catch (err) {
    throw new Error(`Invalid value ${raw} for configuration ${name}: ${(err as Error).message}`);
  }
  const reason = validator?.(value) ?? null;
  if (reason !== null) throw new Error(`Invalid value ${raw} for configuration ${name}: ${reason}`);
  return value;
}

// ---------------------------------------------------------------------------------------------------------
// Broker keys
// ---------------------------------------------------------------------------------------------------------

type KeyOpts = { validator?: Validator; dynamic?: boolean; ignored?: boolean };
function key(name: string, type: ConfigValueType, def: string | number | boolean | null, doc: string, opts: KeyOpts = {}): ConfigKeyDef {
  return {
    name,
    type,
    default: def === null ? null : String(def),
    validator: opts.validator,
    dynamic: opts.dynamic ?? false,
    ignored: opts.ignored,
    doc,
  };
}
const D = { dynamic: true } as const;
const IGN = { ignored: true } as const;
const IGN_D = { ignored: true, dynamic: true } as const;

const COMPRESSION_TYPES = ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'];

/**
 * The broker keys Gregor accepts. Anything else in server.properties is rejected at start, so a typo never
 * silently falls back to a default. Security-related keys (ssl.*, sasl.*, authorizer.class.name) are
 * deliberately absent: ignoring them would run an open broker where the user asked for a protected one.
 */
export const BROKER_CONFIGS: readonly ConfigKeyDef[] = [
  // Identity and listeners
  key('broker.id', 'int', 0, 'The broker id. Gregor defaults to 0 (single node); Kafka uses -1 with id generation.', { validator: atLeast(0) }),
  key('node.id', 'int', null, 'Alias of broker.id (KRaft name); if both are set they must agree.', { validator: atLeast(0) }),
  key('broker.rack', 'string', null, 'Rack of the broker, used for rack-aware replica assignment.'),
  key('broker.id.generation.enable', 'boolean', true, 'Not used: Gregor needs an explicit broker.id.', IGN),
  key('reserved.broker.max.id', 'int', 1000, 'Not used by Gregor.', IGN),
  key('listeners', 'list', 'PLAINTEXT://:9092', 'Comma-separated listener URIs NAME://host:port; an empty host binds all interfaces.', { validator: nonEmptyList }),
  key('advertised.listeners', 'list', null, 'Listeners published to clients; defaults to listeners (empty hosts become the host name).'),
  key(
    'listener.security.protocol.map',
    'list',
    'PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL',
    'Map from listener name to security protocol, NAME:PROTOCOL pairs.',
  ),
  key('inter.broker.listener.name', 'string', null, 'Listener used between brokers; defaults to the one named after security.inter.broker.protocol.'),
  key('security.inter.broker.protocol', 'string', 'PLAINTEXT', 'Security protocol between brokers when inter.broker.listener.name is unset.', {
    validator: oneOf('PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'),
  }),
  key('control.plane.listener.name', 'string', null, 'Not used by Gregor.', IGN),
  key('process.roles', 'list', '', 'KRaft only; ignored (Gregor uses its embedded store or ZooKeeper).', IGN),
  key('controller.listener.names', 'list', null, 'KRaft only; ignored.', IGN),
  key('controller.quorum.voters', 'list', '', 'KRaft only; ignored.', IGN),
  key('controller.quorum.bootstrap.servers', 'list', '', 'KRaft only; ignored.', IGN),
  key('metadata.log.dir', 'string', null, 'KRaft only; ignored.', IGN),
  key('inter.broker.protocol.version', 'string', null, 'Not used by Gregor.', IGN),
  key('log.message.format.version', 'string', null, 'Not used: Gregor writes RecordBatch v2 only.', IGN),

  // Log directories and defaults for topics
  key('log.dirs', 'list', null, 'Directories holding the log data; overrides log.dir.'),
  key('log.dir', 'string', '/tmp/kafka-logs', 'Directory holding the log data, used when log.dirs is unset.'),
  key('num.partitions', 'int', 1, 'Default number of partitions for new topics.', { validator: atLeast(1) }),
  key('default.replication.factor', 'int', 1, 'Default replication factor for automatically created topics.', { validator: atLeast(1) }),
  key('auto.create.topics.enable', 'boolean', true, 'Create topics on first use in Metadata/Produce.'),
  key('delete.topic.enable', 'boolean', true, 'Allow deleting topics.'),
  key('log.segment.bytes', 'int', 1073741824, 'Maximum size of a log segment file.', { validator: atLeast(14), dynamic: true }),
  key('log.roll.ms', 'long', null, 'Time after which a new segment is rolled (overrides log.roll.hours).', D),
  key('log.roll.hours', 'int', 168, 'Time after which a new segment is rolled, in hours.', { validator: atLeast(1), dynamic: true }),
  key('log.roll.jitter.ms', 'long', null, 'Maximum jitter subtracted from the roll time (overrides log.roll.jitter.hours).', D),
  key('log.roll.jitter.hours', 'int', 0, 'Maximum jitter subtracted from the roll time, in hours.', { validator: atLeast(0), dynamic: true }),
  key('log.retention.ms', 'long', null, 'Time to keep a segment before deleting it; -1 = forever. Wins over minutes and hours.', D),
  key('log.retention.minutes', 'int', null, 'Retention in minutes; used when log.retention.ms is unset.', D),
  key('log.retention.hours', 'int', 168, 'Retention in hours; used when log.retention.ms and log.retention.minutes are unset.', D),
  key('log.retention.bytes', 'long', -1, 'Maximum size of a partition before old segments are deleted; -1 = unlimited.', D),
  key('log.retention.check.interval.ms', 'long', 300000, 'How often retention is checked.', { validator: atLeast(1) }),
  key('log.cleanup.policy', 'list', 'delete', 'Default cleanup policy: delete and/or compact.', { validator: listOf('compact', 'delete'), dynamic: true }),
  key('log.cleaner.enable', 'boolean', true, 'Run the log cleaner (compaction).'),
  key('log.cleaner.delete.retention.ms', 'long', 86400000, 'How long tombstones are kept in compacted topics.', { validator: atLeast(0), dynamic: true }),
  key('log.cleaner.min.compaction.lag.ms', 'long', 0, 'Minimum age of a record before it can be compacted.', { validator: atLeast(0), dynamic: true }),
  key('log.cleaner.max.compaction.lag.ms', 'long', LONG_MAX_S, 'Maximum time a record stays uncompacted.', { validator: atLeast(1), dynamic: true }),
  key('log.cleaner.min.cleanable.ratio', 'double', 0.5, 'Minimum dirty ratio before a log is compacted.', { validator: between(0, 1), dynamic: true }),
  key('log.cleaner.threads', 'int', 1, 'Number of cleaner threads (Gregor runs one cleaner task).', { validator: atLeast(0), dynamic: true }),
  key('log.cleaner.backoff.ms', 'long', 15000, 'Sleep between cleaner passes when there is nothing to clean.', { validator: atLeast(0), dynamic: true }),
  key('log.cleaner.dedupe.buffer.size', 'long', 134217728, 'Memory for the cleaner offset map.', D),
  key('log.cleaner.io.buffer.size', 'int', 524288, 'Not used by Gregor.', { validator: atLeast(0), ...IGN_D }),
  key('log.cleaner.io.buffer.load.factor', 'double', 0.9, 'Not used by Gregor.', IGN_D),
  key('log.cleaner.io.max.bytes.per.second', 'double', Number.MAX_VALUE, 'Not used by Gregor.', IGN_D),
  key('log.segment.delete.delay.ms', 'long', 60000, 'Delay before a deleted segment is removed from disk.', { validator: atLeast(0), dynamic: true }),
  key('log.index.interval.bytes', 'int', 4096, 'Bytes between offset index entries.', { validator: atLeast(0), dynamic: true }),
  key('log.index.size.max.bytes', 'int', 10485760, 'Maximum size of an offset index file.', { validator: atLeast(4), dynamic: true }),
  key('log.message.timestamp.type', 'string', 'CreateTime', 'CreateTime or LogAppendTime.', { validator: oneOf('CreateTime', 'LogAppendTime'), dynamic: true }),
  key('log.message.timestamp.difference.max.ms', 'long', LONG_MAX_S, 'Deprecated: maximum difference between a record timestamp and the broker time.', { validator: atLeast(0), dynamic: true }),
  key('log.message.timestamp.before.max.ms', 'long', LONG_MAX_S, 'How far a record timestamp may be in the past.', { validator: atLeast(0), dynamic: true }),
  key('log.message.timestamp.after.max.ms', 'long', LONG_MAX_S, 'How far a record timestamp may be in the future.', { validator: atLeast(0), dynamic: true }),
  key('log.message.downconversion.enable', 'boolean', true, 'Not used: Gregor never down-converts.', IGN_D),
  key('log.preallocate', 'boolean', false, 'Preallocate segment files (not implemented; accepted).', IGN_D),
  key('log.flush.interval.messages', 'long', LONG_MAX_S, 'Messages accumulated before a forced fsync.', { validator: atLeast(1), dynamic: true }),
  key('log.flush.interval.ms', 'long', null, 'Maximum time before a forced fsync; defaults to log.flush.scheduler.interval.ms.', D),
  key('log.flush.scheduler.interval.ms', 'long', LONG_MAX_S, 'How often the flusher checks whether a log needs an fsync.'),
  key('log.flush.offset.checkpoint.interval.ms', 'int', 60000, 'How often the recovery point checkpoint is written.', { validator: atLeast(0) }),
  key('log.flush.start.offset.checkpoint.interval.ms', 'int', 60000, 'How often the log start offset checkpoint is written.', { validator: atLeast(0) }),
  key('log.local.retention.ms', 'long', -2, 'Tiered storage only (not supported); accepted.', { validator: atLeast(-2), dynamic: true }),
  key('log.local.retention.bytes', 'long', -2, 'Tiered storage only (not supported); accepted.', { validator: atLeast(-2), dynamic: true }),
  key('remote.log.storage.system.enable', 'boolean', false, 'Tiered storage is not supported; must stay false.', {
    validator: (v) => (v === true ? 'Tiered storage is not supported by Gregor' : null),
  }),
  key('num.recovery.threads.per.data.dir', 'int', 1, 'Not used: recovery runs on the event loop.', { validator: atLeast(1), ...IGN_D }),
  key('compression.type', 'string', 'producer', 'Compression of stored batches; producer keeps what the producer sent.', { validator: oneOf(...COMPRESSION_TYPES), dynamic: true }),
  key('compression.gzip.level', 'int', -1, 'gzip level for compression.type=gzip.', { validator: (v) => (v === -1 || (typeof v === 'number' && v >= 1 && v <= 9) ? null : 'Value must be -1 or between 1 and 9'), dynamic: true }),
  key('compression.lz4.level', 'int', 9, 'lz4 level for compression.type=lz4.', { validator: between(1, 17), dynamic: true }),
  key('compression.zstd.level', 'int', 3, 'zstd level for compression.type=zstd.', { validator: between(-131072, 22), dynamic: true }),
  key('message.max.bytes', 'int', 1048588, 'Largest record batch size allowed (topic synonym: max.message.bytes).', { validator: atLeast(0), dynamic: true }),
  key('min.insync.replicas', 'int', 1, 'Minimum ISR size for acks=all produce.', { validator: atLeast(1), dynamic: true }),
  key('unclean.leader.election.enable', 'boolean', false, 'Allow out-of-sync replicas to become leader.', D),

  // Replication and controller
  key('replica.fetch.max.bytes', 'int', 1048576, 'Bytes per partition a follower fetches.', { validator: atLeast(0) }),
  key('replica.fetch.min.bytes', 'int', 1, 'Minimum bytes a follower fetch waits for.'),
  key('replica.fetch.wait.max.ms', 'int', 500, 'Maximum wait of a follower fetch.'),
  key('replica.fetch.backoff.ms', 'int', 1000, 'Sleep after a follower fetch error.', { validator: atLeast(0) }),
  key('replica.fetch.response.max.bytes', 'int', 10485760, 'Maximum bytes of a follower fetch response.', { validator: atLeast(0) }),
  key('replica.lag.time.max.ms', 'long', 30000, 'A follower that has not caught up for this long leaves the ISR.'),
  key('replica.socket.timeout.ms', 'int', 30000, 'Socket timeout of follower fetches.'),
  key('replica.socket.receive.buffer.bytes', 'int', 65536, 'Not used by Gregor.', IGN),
  key('replica.high.watermark.checkpoint.interval.ms', 'long', 5000, 'How often the high watermark checkpoint is written.'),
  key('replica.selector.class', 'class', null, 'Not used by Gregor.', IGN),
  key('num.replica.fetchers', 'int', 1, 'Fetcher tasks per source broker.', D),
  key('leader.replication.throttled.rate', 'long', LONG_MAX_S, 'Leader-side replication throttle, bytes/s, for replicas in leader.replication.throttled.replicas (KIP-73; set dynamically, as in Kafka).', {
    validator: atLeast(0),
    dynamic: true,
  }),
  key('follower.replication.throttled.rate', 'long', LONG_MAX_S, 'Follower-side replication throttle, bytes/s, for replicas in follower.replication.throttled.replicas (KIP-73; set dynamically, as in Kafka).', {
    validator: atLeast(0),
    dynamic: true,
  }),
  key('replication.quota.window.num', 'int', 11, 'Samples kept for the replication quota rate.', { validator: atLeast(1) }),
  key('replication.quota.window.size.seconds', 'int', 1, 'Length of one replication quota sample, in seconds.', { validator: atLeast(1) }),
  key('replica.alter.log.dirs.io.max.bytes.per.second', 'long', LONG_MAX_S, 'Not used by Gregor.', { validator: atLeast(0), ...IGN_D }),
  key('controller.socket.timeout.ms', 'int', 30000, 'Socket timeout of controller-to-broker requests.'),
  key('controlled.shutdown.enable', 'boolean', true, 'Move leadership away before stopping.'),
  key('controlled.shutdown.max.retries', 'int', 3, 'Attempts of a controlled shutdown.'),
  key('controlled.shutdown.retry.backoff.ms', 'long', 5000, 'Wait between controlled shutdown attempts.'),
  key('auto.leader.rebalance.enable', 'boolean', true, 'Move leadership back to preferred replicas.'),
  key('leader.imbalance.per.broker.percentage', 'int', 10, 'Allowed leader imbalance per broker, in percent.'),
  key('leader.imbalance.check.interval.seconds', 'long', 300, 'How often leader balance is checked.', { validator: atLeast(1) }),

  // Network
  key('socket.request.max.bytes', 'int', 104857600, 'Largest request frame accepted.', { validator: atLeast(1) }),
  key('socket.send.buffer.bytes', 'int', 102400, 'Not used by Gregor (OS default).', IGN),
  key('socket.receive.buffer.bytes', 'int', 102400, 'Not used by Gregor (OS default).', IGN),
  key('socket.listen.backlog.size', 'int', 50, 'Listen backlog of the server sockets.', { validator: atLeast(1) }),
  key('num.network.threads', 'int', 3, 'Not used: one event loop serves all connections.', { validator: atLeast(1), ...IGN_D }),
  key('num.io.threads', 'int', 8, 'Not used: one event loop serves all requests.', { validator: atLeast(1), ...IGN_D }),
  key('background.threads', 'int', 10, 'Not used by Gregor.', { validator: atLeast(1), ...IGN_D }),
  key('queued.max.requests', 'int', 500, 'Not used by Gregor.', { validator: atLeast(1), ...IGN }),
  key('queued.max.request.bytes', 'long', -1, 'Not used by Gregor.', IGN),
  key('connections.max.idle.ms', 'long', 600000, 'Idle connections are closed after this long.'),
  key('connections.max.reauth.ms', 'long', 0, 'Not used by Gregor.', IGN),
  key('max.connections', 'int', INT_MAX, 'Maximum number of connections.', { validator: atLeast(0), dynamic: true }),
  key('max.connections.per.ip', 'int', INT_MAX, 'Maximum number of connections from one address.', { validator: atLeast(0), dynamic: true }),
  key('max.connections.per.ip.overrides', 'string', '', 'Per-address overrides of max.connections.per.ip (host:count,...).', D),
  key('max.connection.creation.rate', 'int', INT_MAX, 'Not used by Gregor.', { validator: atLeast(0), ...IGN_D }),
  key('request.timeout.ms', 'int', 30000, 'Timeout of inter-broker requests.'),
  key('fetch.max.bytes', 'int', 57671680, 'Maximum bytes returned by one Fetch.', { validator: atLeast(1024) }),
  key('fetch.purgatory.purge.interval.requests', 'int', 1000, 'Not used by Gregor.', IGN),
  key('producer.purgatory.purge.interval.requests', 'int', 1000, 'Not used by Gregor.', IGN),
  key('delete.records.purgatory.purge.interval.requests', 'int', 1, 'Not used by Gregor.', IGN),

  // Group coordinator and __consumer_offsets
  key('offsets.topic.num.partitions', 'int', 50, 'Partitions of __consumer_offsets (fixed after creation).', { validator: atLeast(1) }),
  key('offsets.topic.replication.factor', 'short', 3, 'Replication factor of __consumer_offsets; clamped to the live brokers at creation.', { validator: atLeast(1) }),
  key('offsets.topic.segment.bytes', 'int', 104857600, 'Segment size of __consumer_offsets.', { validator: atLeast(1) }),
  key('offsets.topic.compression.codec', 'int', 0, 'Compression of offset commits (0 none).', IGN),
  key('offsets.load.buffer.size', 'int', 5242880, 'Not used by Gregor.', { validator: atLeast(1), ...IGN }),
  key('offsets.commit.timeout.ms', 'int', 5000, 'Timeout of an offset commit write.', { validator: atLeast(1) }),
  key('offsets.commit.required.acks', 'short', -1, 'Not used (Kafka deprecated it).', IGN),
  key('offsets.retention.minutes', 'int', 10080, 'How long committed offsets of empty groups are kept.', { validator: atLeast(1) }),
  key('offsets.retention.check.interval.ms', 'long', 600000, 'How often stale offsets are expired.', { validator: atLeast(1) }),
  key('group.initial.rebalance.delay.ms', 'int', 3000, 'Delay of the first rebalance of a new group.'),
  key('group.min.session.timeout.ms', 'int', 6000, 'Minimum session timeout a consumer may ask for.'),
  key('group.max.session.timeout.ms', 'int', 1800000, 'Maximum session timeout a consumer may ask for.'),
  key('group.max.size', 'int', INT_MAX, 'Maximum members of a consumer group.', { validator: atLeast(1) }),
  key('group.coordinator.rebalance.protocols', 'list', 'classic', 'Only the classic protocol is implemented.', { validator: listOf('classic', 'consumer', 'share', 'streams'), ignored: true }),

  // Producer ids and transactions
  key('transactional.id.expiration.ms', 'int', 604800000, 'Idle transactional ids expire after this long.', { validator: atLeast(1) }),
  key('producer.id.expiration.ms', 'int', 86400000, 'Idle producer ids expire after this long.', { validator: atLeast(1) }),
  key('producer.id.expiration.check.interval.ms', 'int', 600000, 'How often idle producer ids are expired.', { validator: atLeast(1) }),
  key('transaction.max.timeout.ms', 'int', 900000, 'Maximum transaction timeout.', { validator: atLeast(1) }),
  key('transaction.state.log.num.partitions', 'int', 50, 'Partitions of __transaction_state.', { validator: atLeast(1) }),
  key('transaction.state.log.replication.factor', 'short', 3, 'Replication factor of __transaction_state.', { validator: atLeast(1) }),
  key('transaction.state.log.min.isr', 'int', 2, 'min.insync.replicas of __transaction_state.', { validator: atLeast(1) }),
  key('transaction.state.log.segment.bytes', 'int', 104857600, 'Segment size of __transaction_state.', { validator: atLeast(1) }),
  key('transaction.state.log.load.buffer.size', 'int', 5242880, 'Not used by Gregor.', IGN),
  key('transaction.abort.timed.out.transaction.cleanup.interval.ms', 'int', 10000, 'How often timed-out transactions are aborted.', { validator: atLeast(1) }),
  key('transaction.remove.expired.transaction.cleanup.interval.ms', 'int', 3600000, 'How often expired transactional ids are removed.', { validator: atLeast(1) }),

  // ZooKeeper
  key('zookeeper.connect', 'string', null, 'ZooKeeper connection string (host:port,...[/chroot]); unset = embedded single-node store.'),
  key('zookeeper.session.timeout.ms', 'int', 18000, 'ZooKeeper session timeout.', { validator: atLeast(1) }),
  key('zookeeper.connection.timeout.ms', 'int', null, 'Maximum wait for a ZooKeeper connection; defaults to the session timeout.'),
  key('zookeeper.max.in.flight.requests', 'int', 10, 'Not used by Gregor.', { validator: atLeast(1), ...IGN }),
  key('zookeeper.set.acl', 'boolean', false, 'Not supported: must stay false.', {
    validator: (v) => (v === true ? 'ZooKeeper ACLs are not supported by Gregor' : null),
  }),

  // Metrics (Kafka's JMX keys are accepted and ignored; Gregor serves Prometheus text itself)
  key('metric.reporters', 'list', '', 'Not used: see gregor.metrics.port.', IGN),
  key('metrics.num.samples', 'int', 2, 'Not used by Gregor.', IGN),
  key('metrics.sample.window.ms', 'long', 30000, 'Not used by Gregor.', IGN),
  key('metrics.recording.level', 'string', 'INFO', 'Not used by Gregor.', IGN),
  key('auto.include.jmx.reporter', 'boolean', true, 'Not used by Gregor.', IGN),
  key('quota.window.num', 'int', 11, 'Not used by Gregor.', IGN),
  key('quota.window.size.seconds', 'int', 1, 'Not used by Gregor.', IGN),

  // Gregor's own keys
  key('gregor.metrics.port', 'int', 9404, 'Port of the Prometheus /metrics endpoint; 0 = any free port, -1 = disabled.', { validator: between(-1, 65535) }),
  key('gregor.metrics.host', 'string', '', 'Address the /metrics endpoint binds; empty = all interfaces.'),
  key('gregor.cluster.id', 'string', null, 'Cluster id for a new embedded store (22-char Kafka UUID text); generated when unset.', {
    validator: (v) => (typeof v === 'string' && !/^[A-Za-z0-9_-]{1,64}$/.test(v) ? 'Cluster id must be 1-64 characters of [A-Za-z0-9_-]' : null),
  }),
];

export const BROKER_CONFIG_BY_NAME: ReadonlyMap<string, ConfigKeyDef> = new Map(BROKER_CONFIGS.map((d) => [d.name, d]));

// ---------------------------------------------------------------------------------------------------------
// Topic keys (Kafka's LogConfig / TopicConfig), with their broker synonyms
// ---------------------------------------------------------------------------------------------------------

const H = 3_600_000;
function topic(name: string, type: ConfigValueType, synonyms: TopicConfigDef['synonyms'], def: string | number | boolean, doc: string, validator?: Validator): TopicConfigDef {
  return { name, type, synonyms, default: String(def), doc, validator };
}

export const TOPIC_CONFIGS: readonly TopicConfigDef[] = [
  topic('cleanup.policy', 'list', [{ name: 'log.cleanup.policy' }], 'delete', 'delete and/or compact: how old segments are discarded.', listOf('compact', 'delete')),
  topic('compression.type', 'string', [{ name: 'compression.type' }], 'producer', 'Compression of stored batches; producer keeps the producer\'s codec.', oneOf(...COMPRESSION_TYPES)),
  topic('compression.gzip.level', 'int', [{ name: 'compression.gzip.level' }], -1, 'gzip level when compression.type=gzip.', (v) =>
    v === -1 || (typeof v === 'number' && v >= 1 && v <= 9) ? null : 'Value must be -1 or between 1 and 9',
  ),
  topic('compression.lz4.level', 'int', [{ name: 'compression.lz4.level' }], 9, 'lz4 level when compression.type=lz4.', between(1, 17)),
  topic('compression.zstd.level', 'int', [{ name: 'compression.zstd.level' }], 3, 'zstd level when compression.type=zstd.', between(-131072, 22)),
  topic('delete.retention.ms', 'long', [{ name: 'log.cleaner.delete.retention.ms' }], 86400000, 'How long tombstones are kept in compacted topics.', atLeast(0)),
  topic('file.delete.delay.ms', 'long', [{ name: 'log.segment.delete.delay.ms' }], 60000, 'Delay before a deleted segment file is removed.', atLeast(0)),
  topic('flush.messages', 'long', [{ name: 'log.flush.interval.messages' }], LONG_MAX_S, 'Messages between forced fsyncs.', atLeast(1)),
  topic('flush.ms', 'long', [{ name: 'log.flush.interval.ms' }, { name: 'log.flush.scheduler.interval.ms' }], LONG_MAX_S, 'Time between forced fsyncs.', atLeast(0)),
  topic('follower.replication.throttled.replicas', 'list', [], '', 'Replicas throttled on the follower side (partition:broker,... or *).', throttledReplicas),
  topic('index.interval.bytes', 'int', [{ name: 'log.index.interval.bytes' }], 4096, 'Bytes between offset index entries.', atLeast(0)),
  topic('leader.replication.throttled.replicas', 'list', [], '', 'Replicas throttled on the leader side (partition:broker,... or *).', throttledReplicas),
  topic('local.retention.bytes', 'long', [{ name: 'log.local.retention.bytes' }], -2, 'Tiered storage only; -2 = retention.bytes.', atLeast(-2)),
  topic('local.retention.ms', 'long', [{ name: 'log.local.retention.ms' }], -2, 'Tiered storage only; -2 = retention.ms.', atLeast(-2)),
  topic('max.compaction.lag.ms', 'long', [{ name: 'log.cleaner.max.compaction.lag.ms' }], LONG_MAX_S, 'Maximum time a record stays uncompacted.', atLeast(1)),
  topic('max.message.bytes', 'int', [{ name: 'message.max.bytes' }], 1048588, 'Largest record batch size allowed.', atLeast(0)),
  topic('message.downconversion.enable', 'boolean', [{ name: 'log.message.downconversion.enable' }], true, 'Not used: Gregor never down-converts.'),
  topic('message.timestamp.after.max.ms', 'long', [{ name: 'log.message.timestamp.after.max.ms' }], LONG_MAX_S, 'How far a CreateTime timestamp may be in the future.', atLeast(0)),
  topic('message.timestamp.before.max.ms', 'long', [{ name: 'log.message.timestamp.before.max.ms' }], LONG_MAX_S, 'How far a CreateTime timestamp may be in the past.', atLeast(0)),
  topic('message.timestamp.difference.max.ms', 'long', [{ name: 'log.message.timestamp.difference.max.ms' }], LONG_MAX_S, 'Deprecated: maximum timestamp difference.', atLeast(0)),
  topic('message.timestamp.type', 'string', [{ name: 'log.message.timestamp.type' }], 'CreateTime', 'CreateTime or LogAppendTime.', oneOf('CreateTime', 'LogAppendTime')),
  topic('min.cleanable.dirty.ratio', 'double', [{ name: 'log.cleaner.min.cleanable.ratio' }], 0.5, 'Minimum dirty ratio before compaction.', between(0, 1)),
  topic('min.compaction.lag.ms', 'long', [{ name: 'log.cleaner.min.compaction.lag.ms' }], 0, 'Minimum age of a record before it can be compacted.', atLeast(0)),
  topic('min.insync.replicas', 'int', [{ name: 'min.insync.replicas' }], 1, 'Minimum ISR size for acks=all produce.', atLeast(1)),
  topic('preallocate', 'boolean', [{ name: 'log.preallocate' }], false, 'Preallocate segment files (accepted, not implemented).'),
  topic('remote.log.copy.disable', 'boolean', [], false, 'Tiered storage only.'),
  topic('remote.log.delete.on.disable', 'boolean', [], false, 'Tiered storage only.'),
  topic('remote.storage.enable', 'boolean', [], false, 'Tiered storage; not supported by Gregor.', (v) =>
    v === true ? 'Tiered Storage functionality is disabled in the broker. Topic cannot be configured with remote log storage.' : null,
  ),
  topic('retention.bytes', 'long', [{ name: 'log.retention.bytes' }], -1, 'Maximum partition size before old segments are deleted; -1 = unlimited.'),
  topic(
    'retention.ms',
    'long',
    [{ name: 'log.retention.ms' }, { name: 'log.retention.minutes', factor: 60_000 }, { name: 'log.retention.hours', factor: H }],
    604800000,
    'How long a segment is kept; -1 = forever.',
    atLeast(-1),
  ),
  topic('segment.bytes', 'int', [{ name: 'log.segment.bytes' }], 1073741824, 'Maximum size of a segment file.', atLeast(14)),
  topic('segment.index.bytes', 'int', [{ name: 'log.index.size.max.bytes' }], 10485760, 'Maximum size of an offset index file.', atLeast(4)),
  topic('segment.jitter.ms', 'long', [{ name: 'log.roll.jitter.ms' }, { name: 'log.roll.jitter.hours', factor: H }], 0, 'Maximum random jitter subtracted from segment.ms.', atLeast(0)),
  topic('segment.ms', 'long', [{ name: 'log.roll.ms' }, { name: 'log.roll.hours', factor: H }], 604800000, 'Time after which a segment is rolled.', atLeast(1)),
  topic('unclean.leader.election.enable', 'boolean', [{ name: 'unclean.leader.election.enable' }], false, 'Allow out-of-sync replicas to become leader.'),
];

export const TOPIC_CONFIG_BY_NAME: ReadonlyMap<string, TopicConfigDef> = new Map(TOPIC_CONFIGS.map((d) => [d.name, d]));

/**
 * Validates topic overrides (CreateTopics, AlterConfigs): unknown keys, null values, types, ranges and
 * cross-key rules. Throws KafkaError(INVALID_CONFIG) naming the key — Kafka 3.x/4.x (KRaft) answers
 * INVALID_CONFIG for all of these.
 */
export function validateTopicConfigs(configs: Record<string, string | null>): void {
  const parsed = new Map<string, ConfigValue>();
  for (const [name, raw] of Object.entries(configs)) {
    const def = TOPIC_CONFIG_BY_NAME.get(name);
    if (!def) throw new KafkaError(ErrorCode.INVALID_CONFIG, `Unknown topic config name: ${name}`);
    if (raw === null || raw === undefined) throw new KafkaError(ErrorCode.INVALID_CONFIG, `Null value not supported for topic configs: ${name}`);
    try {
      parsed.set(name, checkValue(name, def.type, def.validator, raw));
    } catch (err) {
      throw new KafkaError(ErrorCode.INVALID_CONFIG, (err as Error).message);
    }
  }
  const minLag = parsed.get('min.compaction.lag.ms');
  const maxLag = parsed.get('max.compaction.lag.ms');
  if (typeof minLag === 'number' && typeof maxLag === 'number' && minLag > maxLag) {
    throw new KafkaError(
      ErrorCode.INVALID_CONFIG,
      `conflict topic config setting min.compaction.lag.ms (${minLag}) > max.compaction.lag.ms (${maxLag})`,
    );
  }
}

// ---------------------------------------------------------------------------------------------------------
// Java Properties parsing
// ---------------------------------------------------------------------------------------------------------

const WS = new Set([' ', '\t', '\f']);

function trailingBackslashes(s: string): number {
  let n = 0;
  for (let i = s.length - 1; i >= 0 && s[i] === '\\'; i--) n++;
  return n;
}

function unescape(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = s[++i];
    if (n === undefined) break; // a lone trailing backslash is dropped, as Java does
    switch (n) {
      case 't':
        out += '\t';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 'f':
        out += '\f';
        break;
      case 'u': {
        const hex = s.slice(i + 1, i + 5);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new ConfigError('Malformed \\uxxxx encoding.');
        out += String.fromCharCode(parseInt(hex, 16));
        i += 4;
        break;
      }
      default:
        out += n;
    }
  }
  return out;
}

/**
 * java.util.Properties.load semantics: `#`/`!` comment lines, `=`, `:` or whitespace separators, backslash
 * line continuations (leading whitespace of the next line dropped) and escapes (\t \n \r \f \uXXXX, \x → x).
 * Text is read as UTF-8 rather than ISO-8859-1: a superset for the ASCII files Kafka users write.
 */
export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.split(/\r\n|\r|\n/);
  let i = 0;
  const stripLeading = (s: string): string => {
    let k = 0;
    while (k < s.length && WS.has(s[k]!)) k++;
    return s.slice(k);
  };
  while (i < lines.length) {
    let logical = stripLeading(lines[i++]!);
    if (logical === '' || logical[0] === '#' || logical[0] === '!') continue;
    while (trailingBackslashes(logical) % 2 === 1) {
      logical = logical.slice(0, -1);
      if (i >= lines.length) break;
      logical += stripLeading(lines[i++]!);
    }
    // Key ends at the first unescaped '=', ':' or whitespace.
    let k = 0;
    let keyEnd = logical.length;
    let valueStart = logical.length;
    while (k < logical.length) {
      const c = logical[k]!;
      if (c === '\\') {
        k += 2;
        continue;
      }
      if (c === '=' || c === ':') {
        keyEnd = k;
        valueStart = k + 1;
        break;
      }
      if (WS.has(c)) {
        keyEnd = k;
        let j = k;
        while (j < logical.length && WS.has(logical[j]!)) j++;
        if (logical[j] === '=' || logical[j] === ':') j++;
        valueStart = j;
        break;
      }
      k++;
    }
    while (valueStart < logical.length && WS.has(logical[valueStart]!)) valueStart++;
    const k2 = unescape(logical.slice(0, Math.min(keyEnd, logical.length)));
    out.set(k2, unescape(logical.slice(valueStart)));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Listeners
// ---------------------------------------------------------------------------------------------------------

export type Listener = BrokerEndpoint;

const SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'];

function parseProtocolMap(entries: string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const e of entries) {
    const m = /^([^:]+):([^:]+)$/.exec(e);
    if (!m) throw new ConfigError(`Invalid value ${e} for configuration listener.security.protocol.map: expected NAME:PROTOCOL`);
    const proto = m[2]!.toUpperCase();
    if (!SECURITY_PROTOCOLS.includes(proto)) {
      throw new ConfigError(`Invalid value ${e} for configuration listener.security.protocol.map: unknown security protocol ${m[2]}`);
    }
    map.set(m[1]!.toUpperCase(), proto);
  }
  return map;
}

/** `NAME://host:port`, `NAME://[::1]:port`, `NAME://:port` (all interfaces). */
export function parseListeners(key: string, entries: string[], protocols: Map<string, string>): Listener[] {
  const out: Listener[] = [];
  for (const e of entries) {
    const m = /^([A-Za-z0-9_.-]+):\/\/(\[[0-9a-fA-F:.]+\]|[^:\[\]]*):(\d+)$/.exec(e);
    if (!m) throw new ConfigError(`Invalid value ${e} for configuration ${key}: expected NAME://host:port`);
    const name = m[1]!.toUpperCase();
    const host = m[2]!.startsWith('[') ? m[2]!.slice(1, -1) : m[2]!;
    const port = Number(m[3]);
    if (port > 65535) throw new ConfigError(`Invalid value ${e} for configuration ${key}: port out of range`);
    const proto = protocols.get(name);
    if (!proto) throw new ConfigError(`Invalid value ${e} for configuration ${key}: No security protocol defined for listener ${name}`);
    if (out.some((l) => l.name === name)) throw new ConfigError(`Invalid value ${entries.join(',')} for configuration ${key}: Each listener must have a different name, ${name} is repeated`);
    if (port !== 0 && out.some((l) => l.port === port && l.host === host)) {
      throw new ConfigError(`Invalid value ${entries.join(',')} for configuration ${key}: Each listener must have a different port, ${port} is repeated`);
    }
    out.push({ name, host, port, securityProtocol: proto });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// BrokerConfig
// ---------------------------------------------------------------------------------------------------------

type Layer = 'dynamicBroker' | 'dynamicDefault' | 'static' | 'default';

/**
 * The broker's configuration. Typed fields are recomputed whenever the dynamic layers change
 * (`applyDynamic`), so readers always see current values through the same object.
 */
export class BrokerConfig {
  /** Static values as given (file < env < overrides), unparsed; keys are validated. */
  readonly raw: Map<string, string>;
  private dynDefault: Record<string, string> = {};
  private dynBroker: Record<string, string> = {};

  brokerId = 0;
  rack: string | null = null;
  listeners: Listener[] = [];
  advertisedListeners: Listener[] = [];
  /** The inter-broker listener name (what followers and the controller connect to). */
  listenerName = 'PLAINTEXT';
  logDirs: string[] = [];
  numPartitions = 1;
  defaultReplicationFactor = 1;
  autoCreateTopicsEnable = true;
  deleteTopicEnable = true;
  messageMaxBytes = 1048588;
  minInsyncReplicas = 1;
  uncleanLeaderElectionEnable = false;
  socketRequestMaxBytes = 104857600;
  socketListenBacklogSize = 50;
  connectionsMaxIdleMs = 600000;
  maxConnections = INT_MAX;
  maxConnectionsPerIp = INT_MAX;
  requestTimeoutMs = 30000;
  fetchMaxBytes = 57671680;
  offsetsTopicNumPartitions = 50;
  offsetsTopicReplicationFactor = 3;
  offsetsTopicSegmentBytes = 104857600;
  offsetsCommitTimeoutMs = 5000;
  offsetsRetentionMinutes = 10080;
  offsetsRetentionCheckIntervalMs = 600000;
  groupInitialRebalanceDelayMs = 3000;
  groupMinSessionTimeoutMs = 6000;
  groupMaxSessionTimeoutMs = 1800000;
  groupMaxSize = INT_MAX;
  transactionalIdExpirationMs = 604800000;
  transactionMaxTimeoutMs = 900000;
  producerIdExpirationMs = 86400000;
  producerIdExpirationCheckIntervalMs = 600000;
  logRetentionCheckIntervalMs = 300000;
  logCleanerEnable = true;
  logCleanerBackoffMs = 15000;
  logCleanerDedupeBufferSize = 134217728;
  logFlushSchedulerIntervalMs = Number.MAX_SAFE_INTEGER;
  logFlushOffsetCheckpointIntervalMs = 60000;
  logFlushStartOffsetCheckpointIntervalMs = 60000;
  replicaFetchMaxBytes = 1048576;
  replicaFetchMinBytes = 1;
  replicaFetchWaitMaxMs = 500;
  replicaFetchBackoffMs = 1000;
  replicaFetchResponseMaxBytes = 10485760;
  replicaLagTimeMaxMs = 30000;
  replicaSocketTimeoutMs = 30000;
  replicaHighWatermarkCheckpointIntervalMs = 5000;
  numReplicaFetchers = 1;
  /** leader.replication.throttled.rate, bytes/s (dynamic; MAX_SAFE_INTEGER = unthrottled). */
  leaderReplicationThrottledRate = Number.MAX_SAFE_INTEGER;
  /** follower.replication.throttled.rate, bytes/s (dynamic; MAX_SAFE_INTEGER = unthrottled). */
  followerReplicationThrottledRate = Number.MAX_SAFE_INTEGER;
  replicationQuotaWindowNum = 11;
  replicationQuotaWindowSizeSeconds = 1;
  controllerSocketTimeoutMs = 30000;
  controlledShutdownEnable = true;
  controlledShutdownMaxRetries = 3;
  controlledShutdownRetryBackoffMs = 5000;
  autoLeaderRebalanceEnable = true;
  leaderImbalancePerBrokerPercentage = 10;
  leaderImbalanceCheckIntervalSeconds = 300;
  zookeeperConnect: string | null = null;
  zookeeperSessionTimeoutMs = 18000;
  zookeeperConnectionTimeoutMs = 18000;
  /** Prometheus endpoint port: 0 = any free port, -1 = disabled. */
  metricsPort = 9404;
  metricsHost = '';
  /** Cluster id to use when the embedded store is created (gregor.cluster.id); null = generate. */
  clusterId: string | null = null;

  constructor(raw: Map<string, string>) {
    this.raw = raw;
    this.refresh();
  }

  /** Effective raw string of a broker key: dynamic per-broker > dynamic default > static > default. */
  value(name: string): string | null {
    return this.lookup(name)?.value ?? null;
  }

  /** Where `value(name)` comes from, plus the value. */
  lookup(name: string): { value: string | null; layer: Layer } | undefined {
    const def = BROKER_CONFIG_BY_NAME.get(name);
    if (def?.dynamic) {
      if (name in this.dynBroker) return { value: this.dynBroker[name]!, layer: 'dynamicBroker' };
      if (name in this.dynDefault) return { value: this.dynDefault[name]!, layer: 'dynamicDefault' };
    }
    if (this.raw.has(name)) return { value: this.raw.get(name)!, layer: 'static' };
    if (def) return { value: def.default, layer: 'default' };
    return undefined;
  }

  /** Parsed effective value; throws ConfigError for unknown keys. */
  get(name: string): ConfigValue {
    const def = BROKER_CONFIG_BY_NAME.get(name);
    if (!def) throw new ConfigError(`Unknown configuration key ${name}`);
    const v = this.value(name);
    if (v === null) return null;
    try {
      return checkValue(name, def.type, def.validator, v);
    } catch (err) {
      throw new ConfigError((err as Error).message);
    }
  }
  getInt(name: string): number {
    return this.get(name) as number;
  }
  getBool(name: string): boolean {
    return this.get(name) as boolean;
  }
  getString(name: string): string | null {
    return this.get(name) as string | null;
  }
  getList(name: string): string[] | null {
    return this.get(name) as string[] | null;
  }

  /** Current dynamic layers (cluster default, this broker), as stored in the metadata store. */
  dynamicConfigs(): { clusterDefault: Record<string, string>; broker: Record<string, string> } {
    return { clusterDefault: { ...this.dynDefault }, broker: { ...this.dynBroker } };
  }

  /**
   * Installs the dynamic broker configs (from the metadata store) and recomputes typed fields. Keys that are
   * unknown, not dynamic or invalid are skipped with a warning: a bad stored value must not stop a broker.
   */
  applyDynamic(clusterDefault: Record<string, string>, broker: Record<string, string>): void {
    const clean = (layer: Record<string, string>, where: string): Record<string, string> => {
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(layer)) {
        const def = BROKER_CONFIG_BY_NAME.get(k);
        if (!def || !def.dynamic) {
          log.warn({ key: k, where }, 'ignoring stored dynamic broker config that is not dynamically updatable');
          continue;
        }
        try {
          checkValue(k, def.type, def.validator, v);
          out[k] = v;
        } catch (err) {
          log.warn({ key: k, where, err: (err as Error).message }, 'ignoring invalid stored dynamic broker config');
        }
      }
      return out;
    };
    const prev = [this.dynDefault, this.dynBroker];
    this.dynDefault = clean(clusterDefault, 'cluster default');
    this.dynBroker = clean(broker, `broker ${this.brokerId}`);
    try {
      this.refresh();
    } catch (err) {
      [this.dynDefault, this.dynBroker] = prev as [Record<string, string>, Record<string, string>];
      this.refresh();
      throw err;
    }
  }

  /** The broker-level defaults for topic logs (log.* keys mapped to topic keys). */
  defaultLogConfig(): LogConfig {
    return resolveLogConfig(this, {});
  }

  /** The value a topic key takes when the topic has no override, in string form, and the key it came from. */
  topicDefault(name: string): { value: string; from: string | null } {
    const def = TOPIC_CONFIG_BY_NAME.get(name);
    if (!def) throw new ConfigError(`Unknown topic config name: ${name}`);
    for (const syn of def.synonyms) {
      const v = this.value(syn.name);
      if (v === null) continue;
      let out = v.trim();
      if (syn.factor !== undefined) out = (BigInt(out) * BigInt(syn.factor)).toString();
      // Kafka's logRetentionTimeMillis maps any negative retention to -1 (forever).
      if (name === 'retention.ms' && BigInt(out) < 0n) out = '-1';
      return { value: out, from: syn.name };
    }
    return { value: def.default, from: null };
  }

  private refresh(): void {
    const int = (k: string): number => this.getInt(k);
    const opt = <T>(k: string): T | null => this.get(k) as T | null;

    // broker.id / node.id
    const brokerId = this.raw.has('broker.id') ? int('broker.id') : null;
    const nodeId = opt<number>('node.id');
    if (brokerId !== null && nodeId !== null && brokerId !== nodeId) {
      throw new ConfigError(`broker.id (${brokerId}) and node.id (${nodeId}) must be equal when both are set`);
    }
    this.brokerId = brokerId ?? nodeId ?? int('broker.id');
    this.rack = opt<string>('broker.rack') || null;

    const protocols = parseProtocolMap(this.getList('listener.security.protocol.map') ?? []);
    this.listeners = parseListeners('listeners', this.getList('listeners') ?? [], protocols);
    const unsupported = this.listeners.find((l) => l.securityProtocol !== 'PLAINTEXT');
    if (unsupported) {
      // Refusing to start beats serving plaintext on a listener the operator believes is encrypted.
      throw new ConfigError(`Invalid value ${unsupported.name} for configuration listeners: security protocol ${unsupported.securityProtocol} is not supported yet (PLAINTEXT only)`);
    }
    const adv = this.getList('advertised.listeners');
    if (adv && adv.length > 0) {
      this.advertisedListeners = parseListeners('advertised.listeners', adv, protocols);
    } else {
      // Kafka advertises the canonical host name for listeners bound to all interfaces.
      this.advertisedListeners = this.listeners.map((l) => ({ ...l, host: l.host === '' ? hostname() : l.host }));
    }
    for (const l of this.advertisedListeners) {
      if (l.host === '0.0.0.0' || l.host === '::') {
        throw new ConfigError(`Invalid value ${l.host} for configuration advertised.listeners: advertised.listeners cannot use the nonroutable meta-address ${l.host}. Use a routable IP address.`);
      }
      if (!this.listeners.some((x) => x.name === l.name)) {
        throw new ConfigError(`Invalid value ${l.name} for configuration advertised.listeners: listener ${l.name} is not defined in listeners`);
      }
    }
    const ibl = opt<string>('inter.broker.listener.name');
    if (ibl) {
      this.listenerName = ibl.toUpperCase();
      if (!this.advertisedListeners.some((l) => l.name === this.listenerName)) {
        throw new ConfigError(`Invalid value ${ibl} for configuration inter.broker.listener.name: inter.broker.listener.name must be a listener name defined in advertised.listeners`);
      }
    } else {
      const byProtocol = this.getString('security.inter.broker.protocol')!;
      this.listenerName = this.advertisedListeners.find((l) => l.name === byProtocol)?.name ?? this.advertisedListeners[0]!.name;
    }

    const dirs = this.getList('log.dirs');
    this.logDirs = dirs && dirs.length > 0 ? dirs : [this.getString('log.dir')!];
    if (this.logDirs.some((d) => d === '')) throw new ConfigError('Invalid value for configuration log.dirs: empty directory name');

    this.numPartitions = int('num.partitions');
    this.defaultReplicationFactor = int('default.replication.factor');
    this.autoCreateTopicsEnable = this.getBool('auto.create.topics.enable');
    this.deleteTopicEnable = this.getBool('delete.topic.enable');
    this.messageMaxBytes = int('message.max.bytes');
    this.minInsyncReplicas = int('min.insync.replicas');
    this.uncleanLeaderElectionEnable = this.getBool('unclean.leader.election.enable');
    this.socketRequestMaxBytes = int('socket.request.max.bytes');
    this.socketListenBacklogSize = int('socket.listen.backlog.size');
    this.connectionsMaxIdleMs = int('connections.max.idle.ms');
    this.maxConnections = int('max.connections');
    this.maxConnectionsPerIp = int('max.connections.per.ip');
    this.requestTimeoutMs = int('request.timeout.ms');
    this.fetchMaxBytes = int('fetch.max.bytes');
    this.offsetsTopicNumPartitions = int('offsets.topic.num.partitions');
    this.offsetsTopicReplicationFactor = int('offsets.topic.replication.factor');
    this.offsetsTopicSegmentBytes = int('offsets.topic.segment.bytes');
    this.offsetsCommitTimeoutMs = int('offsets.commit.timeout.ms');
    this.offsetsRetentionMinutes = int('offsets.retention.minutes');
    this.offsetsRetentionCheckIntervalMs = int('offsets.retention.check.interval.ms');
    this.groupInitialRebalanceDelayMs = int('group.initial.rebalance.delay.ms');
    this.groupMinSessionTimeoutMs = int('group.min.session.timeout.ms');
    this.groupMaxSessionTimeoutMs = int('group.max.session.timeout.ms');
    if (this.groupMinSessionTimeoutMs > this.groupMaxSessionTimeoutMs) {
      throw new ConfigError(
        `Invalid value ${this.groupMinSessionTimeoutMs} for configuration group.min.session.timeout.ms: must not exceed group.max.session.timeout.ms (${this.groupMaxSessionTimeoutMs})`,
      );
    }
    this.groupMaxSize = int('group.max.size');
    this.transactionalIdExpirationMs = int('transactional.id.expiration.ms');
    this.transactionMaxTimeoutMs = int('transaction.max.timeout.ms');
    this.producerIdExpirationMs = int('producer.id.expiration.ms');
    this.producerIdExpirationCheckIntervalMs = int('producer.id.expiration.check.interval.ms');
    this.logRetentionCheckIntervalMs = int('log.retention.check.interval.ms');
    this.logCleanerEnable = this.getBool('log.cleaner.enable');
    this.logCleanerBackoffMs = int('log.cleaner.backoff.ms');
    this.logCleanerDedupeBufferSize = int('log.cleaner.dedupe.buffer.size');
    this.logFlushSchedulerIntervalMs = int('log.flush.scheduler.interval.ms');
    this.logFlushOffsetCheckpointIntervalMs = int('log.flush.offset.checkpoint.interval.ms');
    this.logFlushStartOffsetCheckpointIntervalMs = int('log.flush.start.offset.checkpoint.interval.ms');
    this.replicaFetchMaxBytes = int('replica.fetch.max.bytes');
    this.replicaFetchMinBytes = int('replica.fetch.min.bytes');
    this.replicaFetchWaitMaxMs = int('replica.fetch.wait.max.ms');
    this.replicaFetchBackoffMs = int('replica.fetch.backoff.ms');
    this.replicaFetchResponseMaxBytes = int('replica.fetch.response.max.bytes');
    this.replicaLagTimeMaxMs = int('replica.lag.time.max.ms');
    this.replicaSocketTimeoutMs = int('replica.socket.timeout.ms');
    this.replicaHighWatermarkCheckpointIntervalMs = int('replica.high.watermark.checkpoint.interval.ms');
    this.numReplicaFetchers = int('num.replica.fetchers');
    this.leaderReplicationThrottledRate = int('leader.replication.throttled.rate');
    this.followerReplicationThrottledRate = int('follower.replication.throttled.rate');
    this.replicationQuotaWindowNum = int('replication.quota.window.num');
    this.replicationQuotaWindowSizeSeconds = int('replication.quota.window.size.seconds');
    this.controllerSocketTimeoutMs = int('controller.socket.timeout.ms');
    this.controlledShutdownEnable = this.getBool('controlled.shutdown.enable');
    this.controlledShutdownMaxRetries = int('controlled.shutdown.max.retries');
    this.controlledShutdownRetryBackoffMs = int('controlled.shutdown.retry.backoff.ms');
    this.autoLeaderRebalanceEnable = this.getBool('auto.leader.rebalance.enable');
    this.leaderImbalancePerBrokerPercentage = int('leader.imbalance.per.broker.percentage');
    this.leaderImbalanceCheckIntervalSeconds = int('leader.imbalance.check.interval.seconds');
    this.zookeeperConnect = opt<string>('zookeeper.connect') || null;
    this.zookeeperSessionTimeoutMs = int('zookeeper.session.timeout.ms');
    this.zookeeperConnectionTimeoutMs = opt<number>('zookeeper.connection.timeout.ms') ?? this.zookeeperSessionTimeoutMs;
    this.metricsPort = int('gregor.metrics.port');
    this.metricsHost = this.getString('gregor.metrics.host') ?? '';
    this.clusterId = opt<string>('gregor.cluster.id') || null;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------------------------

/** GREGOR_LOG_DIRS → log.dirs; GREGOR_METRICS_PORT → gregor.metrics.port (the gregor. prefix may be omitted). */
export function envKeyFor(varName: string): string | null {
  if (!varName.startsWith('GREGOR_')) return null;
  const k = varName.slice('GREGOR_'.length).toLowerCase().replace(/_/g, '.');
  if (BROKER_CONFIG_BY_NAME.has(k)) return k;
  if (BROKER_CONFIG_BY_NAME.has(`gregor.${k}`)) return `gregor.${k}`;
  return null;
}

/** Environment variables that share the GREGOR_ prefix but are not config keys. */
const NON_CONFIG_ENV = new Set(['GREGOR_LOG_LEVEL']);

/** Validates every static key and value; the message names the key (and the value). */
function validateStatic(raw: Map<string, string>, origin: Map<string, string>): void {
  const ignored: string[] = [];
  for (const [k, v] of raw) {
    const def = BROKER_CONFIG_BY_NAME.get(k);
    if (!def) throw new ConfigError(`Unknown configuration key '${k}' (from ${origin.get(k) ?? 'config'})`);
    try {
      checkValue(k, def.type, def.validator, v);
    } catch (err) {
      throw new ConfigError(`${(err as Error).message} (from ${origin.get(k) ?? 'config'})`);
    }
    if (def.ignored) ignored.push(k);
  }
  if (ignored.length > 0) log.info({ keys: ignored }, 'configuration keys accepted for compatibility and ignored');
}

/** Builds a BrokerConfig from already-merged static key/values (tests, embedded use). */
export function configFromProperties(props: Record<string, string> | Map<string, string>): BrokerConfig {
  const raw = props instanceof Map ? new Map(props) : new Map(Object.entries(props));
  validateStatic(raw, new Map());
  return new BrokerConfig(raw);
}

/**
 * `gregor-broker [--config path | path] [--override k=v ...]`, with GREGOR_* environment variables between
 * the file and the overrides. Throws ConfigError naming the offending key or argument.
 */
export function loadConfig(argv: string[], env: NodeJS.ProcessEnv | Record<string, string | undefined> = process.env): BrokerConfig {
  let configPath: string | null = null;
  const overrides: [string, string][] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    let v: string | undefined;
    if (a === '--config' || a === '--override') {
      v = argv[++i];
      if (v === undefined) throw new ConfigError(`Missing value after ${a}`);
    } else if (a.startsWith('--config=') || a.startsWith('--override=')) {
      v = a.slice(a.indexOf('=') + 1);
    } else if (!a.startsWith('-') && configPath === null) {
      configPath = a; // kafka-server-start.sh style: the properties file as the positional argument
      continue;
    } else {
      throw new ConfigError(`Unknown argument ${a}`);
    }
    if (a.startsWith('--config')) {
      configPath = v;
    } else {
      const eq = v.indexOf('=');
      if (eq <= 0) throw new ConfigError(`Invalid --override ${v}: expected key=value`);
      overrides.push([v.slice(0, eq).trim(), v.slice(eq + 1)]);
    }
  }

  const raw = new Map<string, string>();
  const origin = new Map<string, string>();
  if (configPath !== null) {
    let text: string;
    try {
      text = readFileSync(configPath, 'utf8');
    } catch (err) {
      throw new ConfigError(`Cannot read config file ${configPath}: ${(err as Error).message}`);
    }
    for (const [k, v] of parseProperties(text)) {
      raw.set(k, v);
      origin.set(k, configPath);
    }
  }
  for (const [name, v] of Object.entries(env)) {
    if (v === undefined || !name.startsWith('GREGOR_') || NON_CONFIG_ENV.has(name)) continue;
    const k = envKeyFor(name);
    if (!k) {
      // The GREGOR_ namespace is shared with tooling, so an unknown name is a warning rather than fatal.
      log.warn({ env: name }, 'environment variable does not name a configuration key; ignored');
      continue;
    }
    raw.set(k, v);
    origin.set(k, `environment ${name}`);
  }
  for (const [k, v] of overrides) {
    raw.set(k, v);
    origin.set(k, '--override');
  }
  validateStatic(raw, origin);
  try {
    return new BrokerConfig(raw);
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError((err as Error).message);
  }
}

/** Reads the dynamic broker configs from the store into `config` (at start and on brokerConfigChanged). */
export function applyDynamicBrokerConfigs(config: BrokerConfig, store: Pick<MetadataStore, 'brokerConfigs'>): void {
  config.applyDynamic(store.brokerConfigs(null), store.brokerConfigs(config.brokerId));
}

/**
 * Validates a dynamic broker config change (AlterConfigs/IncrementalAlterConfigs on a BROKER resource).
 * Unknown keys: INVALID_CONFIG. Non-dynamic keys and bad values: INVALID_REQUEST, with Kafka's message.
 */
export function validateDynamicBrokerConfigs(resourceName: string, configs: Record<string, string>): void {
  const prefix = `Invalid config value for resource ConfigResource(type=BROKER, name='${resourceName}')`;
  const unknown = Object.keys(configs).filter((k) => !BROKER_CONFIG_BY_NAME.has(k));
  if (unknown.length > 0) throw new KafkaError(ErrorCode.INVALID_CONFIG, `Unknown broker config name: ${unknown.join(', ')}`);
  const fixed = Object.keys(configs).filter((k) => !BROKER_CONFIG_BY_NAME.get(k)!.dynamic);
  if (fixed.length > 0) throw new KafkaError(ErrorCode.INVALID_REQUEST, `${prefix}: Cannot update these configs dynamically: Set(${fixed.join(', ')})`);
  for (const [k, v] of Object.entries(configs)) {
    const def = BROKER_CONFIG_BY_NAME.get(k)!;
    try {
      checkValue(k, def.type, def.validator, v);
    } catch (err) {
      throw new KafkaError(ErrorCode.INVALID_REQUEST, `${prefix}: ${(err as Error).message}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// LogConfig resolution
// ---------------------------------------------------------------------------------------------------------

/** Broker defaults (including dynamic broker configs) plus topic overrides, typed for the storage layer. */
export function resolveLogConfig(config: BrokerConfig, overrides: Record<string, string>): LogConfig {
  const get = (name: string): ConfigValue => {
    const def = TOPIC_CONFIG_BY_NAME.get(name)!;
    const o = overrides[name];
    if (o !== undefined && o !== null) {
      try {
        return checkValue(name, def.type, def.validator, o);
      } catch (err) {
        // Stored overrides were validated on the way in; a bad one (older version, hand edit) must not
        // stop the log from opening, so it falls back to the broker default.
        log.warn({ key: name, value: o, err: (err as Error).message }, 'invalid topic config override ignored');
      }
    }
    return checkValue(name, def.type, def.validator, config.topicDefault(name).value);
  };
  const num = (n: string): number => get(n) as number;
  const policy = get('cleanup.policy') as string[];
  return {
    segmentBytes: num('segment.bytes'),
    segmentMs: num('segment.ms'),
    segmentIndexBytes: num('segment.index.bytes'),
    indexIntervalBytes: num('index.interval.bytes'),
    retentionMs: num('retention.ms'),
    retentionBytes: num('retention.bytes'),
    cleanupPolicy: { delete: policy.includes('delete'), compact: policy.includes('compact') },
    deleteRetentionMs: num('delete.retention.ms'),
    minCompactionLagMs: num('min.compaction.lag.ms'),
    maxCompactionLagMs: num('max.compaction.lag.ms'),
    minCleanableDirtyRatio: num('min.cleanable.dirty.ratio'),
    fileDeleteDelayMs: num('file.delete.delay.ms'),
    maxMessageBytes: num('max.message.bytes'),
    messageTimestampType: get('message.timestamp.type') as LogConfig['messageTimestampType'],
    flushMessages: num('flush.messages'),
    flushMs: num('flush.ms'),
    minInsyncReplicas: num('min.insync.replicas'),
    uncleanLeaderElectionEnable: get('unclean.leader.election.enable') as boolean,
  };
}

// ---------------------------------------------------------------------------------------------------------
// DescribeConfigs entries
// ---------------------------------------------------------------------------------------------------------

export interface ConfigSynonym {
  name: string;
  value: string | null;
  source: number;
}

/** One DescribeConfigs config entry, with the response's field names. */
export interface DescribedConfig {
  name: string;
  value: string | null;
  readOnly: boolean;
  isDefault: boolean;
  configSource: number;
  isSensitive: boolean;
  synonyms: ConfigSynonym[];
  configType: number;
  documentation: string | null;
}

export interface DescribeOptions {
  /** Only these keys (null = all). */
  keys?: string[] | null;
  includeSynonyms?: boolean;
  includeDocumentation?: boolean;
}

const TYPE_IDS: Record<ConfigValueType, number> = {
  boolean: ConfigTypeId.BOOLEAN,
  string: ConfigTypeId.STRING,
  int: ConfigTypeId.INT,
  short: ConfigTypeId.SHORT,
  long: ConfigTypeId.LONG,
  double: ConfigTypeId.DOUBLE,
  list: ConfigTypeId.LIST,
  class: ConfigTypeId.CLASS,
  password: ConfigTypeId.PASSWORD,
};

/**
 * Kafka's configSynonyms: entries of the given broker keys, grouped by source in precedence order (dynamic
 * per-broker, dynamic default, static, default), each group in synonym order.
 */
function brokerSynonyms(config: BrokerConfig, names: string[], sensitive: boolean): ConfigSynonym[] {
  const { clusterDefault, broker } = config.dynamicConfigs();
  const out: ConfigSynonym[] = [];
  const add = (layer: (n: string) => string | null | undefined, source: number): void => {
    for (const n of names) {
      const v = layer(n);
      if (v !== undefined && v !== null) out.push({ name: n, value: sensitive ? null : v, source });
    }
  };
  add((n) => broker[n], ConfigSource.DYNAMIC_BROKER_CONFIG);
  add((n) => clusterDefault[n], ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
  add((n) => config.raw.get(n), ConfigSource.STATIC_BROKER_CONFIG);
  add((n) => BROKER_CONFIG_BY_NAME.get(n)?.default, ConfigSource.DEFAULT_CONFIG);
  return out;
}

/** DescribeConfigs entries of a topic (all topic keys, or `opts.keys`). Topic configs are never read-only. */
export function describeTopicConfig(config: BrokerConfig, overrides: Record<string, string>, opts: DescribeOptions = {}): DescribedConfig[] {
  const out: DescribedConfig[] = [];
  for (const def of TOPIC_CONFIGS) {
    if (opts.keys && !opts.keys.includes(def.name)) continue;
    const sensitive = def.type === 'password';
    const synonyms = brokerSynonyms(config, def.synonyms.map((s) => s.name), sensitive);
    const override = overrides[def.name];
    if (override !== undefined) synonyms.unshift({ name: def.name, value: sensitive ? null : override, source: ConfigSource.DYNAMIC_TOPIC_CONFIG });
    const source = synonyms[0]?.source ?? ConfigSource.DEFAULT_CONFIG;
    const value = override !== undefined ? override : config.topicDefault(def.name).value;
    out.push({
      name: def.name,
      value: sensitive ? null : value,
      readOnly: false,
      isDefault: source === ConfigSource.DEFAULT_CONFIG,
      configSource: source,
      isSensitive: sensitive,
      synonyms: opts.includeSynonyms ? synonyms : [],
      configType: TYPE_IDS[def.type],
      documentation: opts.includeDocumentation ? def.doc : null,
    });
  }
  return out;
}

/**
 * DescribeConfigs entries of a broker. `perBroker` false is the cluster-default resource (name ""), which
 * lists only the dynamic cluster-wide defaults, as Kafka does.
 */
export function describeBrokerConfig(config: BrokerConfig, perBroker: boolean, opts: DescribeOptions = {}): DescribedConfig[] {
  const { clusterDefault } = config.dynamicConfigs();
  const out: DescribedConfig[] = [];
  for (const def of BROKER_CONFIGS) {
    if (opts.keys && !opts.keys.includes(def.name)) continue;
    if (!perBroker && !(def.name in clusterDefault)) continue;
    const sensitive = def.type === 'password';
    let synonyms = brokerSynonyms(config, [def.name], sensitive);
    if (!perBroker) synonyms = synonyms.filter((s) => s.source !== ConfigSource.DYNAMIC_BROKER_CONFIG);
    const first = synonyms[0];
    const source = first?.source ?? ConfigSource.DEFAULT_CONFIG;
    let value = first?.value ?? null;
    // Kafka reports the effective values of derived keys (broker.id set through node.id, log.dirs).
    if (perBroker && def.name === 'broker.id') value = String(config.brokerId);
    out.push({
      name: def.name,
      value: sensitive ? null : value,
      readOnly: !def.dynamic,
      isDefault: source === ConfigSource.DEFAULT_CONFIG,
      configSource: source,
      isSensitive: sensitive,
      synonyms: opts.includeSynonyms ? synonyms : [],
      configType: TYPE_IDS[def.type],
      documentation: opts.includeDocumentation ? def.doc : null,
    });
  }
  return out;
}

/** The list-typed keys, for IncrementalAlterConfigs APPEND/SUBTRACT. */
export function isListConfig(resource: 'topic' | 'broker', name: string): boolean {
  const def = resource === 'topic' ? TOPIC_CONFIG_BY_NAME.get(name) : BROKER_CONFIG_BY_NAME.get(name);
  return def?.type === 'list';
}

/** Default value of a key in string form (topic: broker-derived; broker: Kafka default), for APPEND. */
export function currentDefault(config: BrokerConfig, resource: 'topic' | 'broker', name: string): string | null {
  if (resource === 'topic') return TOPIC_CONFIG_BY_NAME.has(name) ? config.topicDefault(name).value : null;
  return config.value(name);
}
