// Broker config keys that Kafka lets an admin change on a running cluster (cluster-wide default through
// IncrementalAlterConfigs on the BROKER resource "", Kafka's DynamicBrokerConfig / DynamicLogConfig). The
// operator applies a change to one of these without restarting brokers, so they are left out of the config
// hash that drives rolling restarts. They stay in server.properties too, so a broker that restarts later
// starts with the same value. Keep to keys both Kafka 3.9 and Gregor (broker/src/config.ts, D) accept as dynamic
// cluster defaults: Kafka refuses e.g. log.retention.hours / log.roll.hours there (only the .ms forms).
export const DYNAMIC_BROKER_CONFIG_KEYS: readonly string[] = [
  'log.retention.ms',
  'log.retention.bytes',
  'log.roll.ms',
  'log.roll.jitter.ms',
  'log.segment.bytes',
  'log.segment.delete.delay.ms',
  'log.cleanup.policy',
  'log.cleaner.delete.retention.ms',
  'log.cleaner.min.compaction.lag.ms',
  'log.cleaner.max.compaction.lag.ms',
  'log.cleaner.min.cleanable.ratio',
  'log.cleaner.dedupe.buffer.size',
  'log.flush.interval.messages',
  'log.flush.interval.ms',
  'log.index.interval.bytes',
  'log.index.size.max.bytes',
  'log.message.timestamp.type',
  'log.preallocate',
  'message.max.bytes',
  'min.insync.replicas',
  'compression.type',
  'unclean.leader.election.enable',
  'num.replica.fetchers',
  'max.connections.per.ip',
  'max.connections.per.ip.overrides',
];

const DYNAMIC = new Set(DYNAMIC_BROKER_CONFIG_KEYS);

export function isDynamicBrokerConfig(key: string): boolean {
  return DYNAMIC.has(key.trim());
}
