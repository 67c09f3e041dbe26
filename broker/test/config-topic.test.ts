import { describe, expect, it } from 'vitest';
import {
  ConfigSource,
  ConfigTypeId,
  TOPIC_CONFIGS,
  configFromProperties,
  describeBrokerConfig,
  describeTopicConfig,
  resolveLogConfig,
  validateDynamicBrokerConfigs,
  validateTopicConfigs,
} from '../src/config.js';
import { ErrorCode, KafkaError } from '../src/protocol/errors.js';
import { DEFAULT_LOG_CONFIG } from '../src/storage/log-config.js';

function kafkaErrorOf(fn: () => unknown): KafkaError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(KafkaError);
    return err as KafkaError;
  }
  throw new Error('expected a KafkaError');
}

describe('retention precedence', () => {
  it('log.retention.ms > minutes > hours, and negative means forever', () => {
    expect(configFromProperties({}).defaultLogConfig().retentionMs).toBe(7 * 24 * 3600 * 1000);
    expect(configFromProperties({ 'log.retention.hours': '1' }).defaultLogConfig().retentionMs).toBe(3600_000);
    expect(configFromProperties({ 'log.retention.hours': '1', 'log.retention.minutes': '2' }).defaultLogConfig().retentionMs).toBe(120_000);
    expect(
      configFromProperties({ 'log.retention.hours': '1', 'log.retention.minutes': '2', 'log.retention.ms': '500' }).defaultLogConfig().retentionMs,
    ).toBe(500);
    expect(configFromProperties({ 'log.retention.ms': '-1' }).defaultLogConfig().retentionMs).toBe(-1);
    expect(configFromProperties({ 'log.retention.hours': '-5' }).defaultLogConfig().retentionMs).toBe(-1);
  });

  it('log.roll.ms wins over log.roll.hours; flush.ms falls back to the scheduler interval', () => {
    expect(configFromProperties({ 'log.roll.hours': '2' }).defaultLogConfig().segmentMs).toBe(7200_000);
    expect(configFromProperties({ 'log.roll.hours': '2', 'log.roll.ms': '1000' }).defaultLogConfig().segmentMs).toBe(1000);
    expect(configFromProperties({ 'log.flush.scheduler.interval.ms': '3000' }).defaultLogConfig().flushMs).toBe(3000);
    expect(configFromProperties({ 'log.flush.scheduler.interval.ms': '3000', 'log.flush.interval.ms': '10' }).defaultLogConfig().flushMs).toBe(10);
  });
});

describe('resolveLogConfig', () => {
  it('broker defaults match DEFAULT_LOG_CONFIG', () => {
    expect(configFromProperties({}).defaultLogConfig()).toEqual(DEFAULT_LOG_CONFIG);
  });

  it('maps broker log.* keys and applies topic overrides on top', () => {
    const c = configFromProperties({
      'log.segment.bytes': '1048576',
      'log.cleanup.policy': 'compact',
      'message.max.bytes': '2000000',
      'log.message.timestamp.type': 'LogAppendTime',
      'min.insync.replicas': '2',
    });
    const base = c.defaultLogConfig();
    expect(base.segmentBytes).toBe(1048576);
    expect(base.cleanupPolicy).toEqual({ delete: false, compact: true });
    expect(base.maxMessageBytes).toBe(2000000);
    expect(base.messageTimestampType).toBe('LogAppendTime');
    expect(base.minInsyncReplicas).toBe(2);
    const t = resolveLogConfig(c, { 'cleanup.policy': 'compact,delete', 'retention.ms': '1000', 'segment.bytes': '4096' });
    expect(t.cleanupPolicy).toEqual({ delete: true, compact: true });
    expect(t.retentionMs).toBe(1000);
    expect(t.segmentBytes).toBe(4096);
    expect(t.maxMessageBytes).toBe(2000000);
  });

  it('an invalid stored override falls back to the default instead of throwing', () => {
    const c = configFromProperties({});
    expect(resolveLogConfig(c, { 'retention.ms': 'soon' }).retentionMs).toBe(DEFAULT_LOG_CONFIG.retentionMs);
  });

  it('Long.MAX_VALUE defaults become MAX_SAFE_INTEGER', () => {
    const c = configFromProperties({});
    expect(resolveLogConfig(c, { 'max.compaction.lag.ms': '9223372036854775807' }).maxCompactionLagMs).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe('validateTopicConfigs', () => {
  it('accepts valid configs', () => {
    expect(() =>
      validateTopicConfigs({
        'cleanup.policy': 'compact,delete',
        'retention.ms': '-1',
        'retention.bytes': '1000',
        'segment.bytes': '1048576',
        'min.cleanable.dirty.ratio': '0.1',
        'compression.type': 'zstd',
        'message.timestamp.type': 'LogAppendTime',
        'unclean.leader.election.enable': 'true',
        'leader.replication.throttled.replicas': '0:1,1:2',
        'follower.replication.throttled.replicas': '*',
      }),
    ).not.toThrow();
  });

  it('rejects unknown keys with INVALID_CONFIG naming the key', () => {
    const e = kafkaErrorOf(() => validateTopicConfigs({ 'retention.msx': '1' }));
    expect(e.code).toBe(ErrorCode.INVALID_CONFIG);
    expect(e.message).toContain('retention.msx');
  });

  it.each([
    ['retention.ms', 'abc'],
    ['retention.ms', '-2'],
    ['segment.bytes', '10'],
    ['segment.bytes', '99999999999'],
    ['cleanup.policy', 'compact,shrink'],
    ['compression.type', 'brotli'],
    ['min.cleanable.dirty.ratio', '1.5'],
    ['message.timestamp.type', 'Now'],
    ['unclean.leader.election.enable', 'maybe'],
    ['min.insync.replicas', '0'],
    ['leader.replication.throttled.replicas', '0-1'],
    ['remote.storage.enable', 'true'],
  ])('rejects %s=%s with INVALID_CONFIG naming key and value', (key, value) => {
    const e = kafkaErrorOf(() => validateTopicConfigs({ [key]: value }));
    expect(e.code).toBe(ErrorCode.INVALID_CONFIG);
    expect(e.message).toContain(key);
  });

  it('rejects null values and min.compaction.lag.ms > max.compaction.lag.ms', () => {
    expect(kafkaErrorOf(() => validateTopicConfigs({ 'retention.ms': null })).code).toBe(ErrorCode.INVALID_CONFIG);
    const e = kafkaErrorOf(() => validateTopicConfigs({ 'min.compaction.lag.ms': '10', 'max.compaction.lag.ms': '5' }));
    expect(e.message).toContain('min.compaction.lag.ms');
  });

  it('every topic key has a valid default', () => {
    for (const d of TOPIC_CONFIGS) {
      if (d.name === 'remote.storage.enable') continue;
      expect(() => validateTopicConfigs({ [d.name]: d.default }), d.name).not.toThrow();
    }
  });
});

describe('describeTopicConfig', () => {
  it('reports values, sources and synonyms as Kafka does', () => {
    const c = configFromProperties({ 'log.retention.hours': '24' });
    c.applyDynamic({ 'log.retention.minutes': '30' }, {});
    const entries = describeTopicConfig(c, { 'cleanup.policy': 'compact' }, { includeSynonyms: true, includeDocumentation: true });
    const byName = new Map(entries.map((e) => [e.name, e]));

    const cleanup = byName.get('cleanup.policy')!;
    expect(cleanup.value).toBe('compact');
    expect(cleanup.configSource).toBe(ConfigSource.DYNAMIC_TOPIC_CONFIG);
    expect(cleanup.isDefault).toBe(false);
    expect(cleanup.readOnly).toBe(false);
    expect(cleanup.configType).toBe(ConfigTypeId.LIST);
    expect(cleanup.synonyms).toEqual([
      { name: 'cleanup.policy', value: 'compact', source: ConfigSource.DYNAMIC_TOPIC_CONFIG },
      { name: 'log.cleanup.policy', value: 'delete', source: ConfigSource.DEFAULT_CONFIG },
    ]);
    expect(cleanup.documentation).toBeTruthy();

    // Dynamic default minutes beats static hours.
    const retention = byName.get('retention.ms')!;
    expect(retention.value).toBe(String(30 * 60_000));
    expect(retention.configSource).toBe(ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
    expect(retention.configType).toBe(ConfigTypeId.LONG);
    expect(retention.synonyms).toEqual([
      { name: 'log.retention.minutes', value: '30', source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG },
      { name: 'log.retention.hours', value: '24', source: ConfigSource.STATIC_BROKER_CONFIG },
      { name: 'log.retention.hours', value: '168', source: ConfigSource.DEFAULT_CONFIG },
    ]);

    const segment = byName.get('segment.bytes')!;
    expect(segment.value).toBe('1073741824');
    expect(segment.configSource).toBe(ConfigSource.DEFAULT_CONFIG);
    expect(segment.isDefault).toBe(true);

    const maxLag = byName.get('max.compaction.lag.ms')!;
    expect(maxLag.value).toBe('9223372036854775807');
  });

  it('filters keys and omits synonyms/documentation unless asked', () => {
    const c = configFromProperties({});
    const entries = describeTopicConfig(c, {}, { keys: ['retention.ms', 'nope'] });
    expect(entries).toHaveLength(1);
    expect(entries[0]!.synonyms).toEqual([]);
    expect(entries[0]!.documentation).toBeNull();
  });
});

describe('describeBrokerConfig and dynamic broker configs', () => {
  it('lists broker keys with read-only flags and sources', () => {
    const c = configFromProperties({ 'num.partitions': '3', 'node.id': '2' });
    c.applyDynamic({ 'log.retention.ms': '1000' }, { 'message.max.bytes': '2000' });
    const byName = new Map(describeBrokerConfig(c, true, { includeSynonyms: true }).map((e) => [e.name, e]));
    expect(byName.get('num.partitions')).toMatchObject({ value: '3', readOnly: true, configSource: ConfigSource.STATIC_BROKER_CONFIG });
    expect(byName.get('broker.id')).toMatchObject({ value: '2' });
    expect(byName.get('message.max.bytes')).toMatchObject({ value: '2000', readOnly: false, configSource: ConfigSource.DYNAMIC_BROKER_CONFIG });
    expect(byName.get('message.max.bytes')!.synonyms.map((s) => s.source)).toEqual([ConfigSource.DYNAMIC_BROKER_CONFIG, ConfigSource.DEFAULT_CONFIG]);
    expect(byName.get('log.retention.ms')).toMatchObject({ value: '1000', configSource: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG });
    expect(byName.get('zookeeper.connect')).toMatchObject({ value: null, configSource: ConfigSource.DEFAULT_CONFIG, isDefault: true });
    // Dynamic values reach typed fields and topic defaults.
    expect(c.messageMaxBytes).toBe(2000);
    expect(c.defaultLogConfig().retentionMs).toBe(1000);
    expect(c.defaultLogConfig().maxMessageBytes).toBe(2000);

    const defaults = describeBrokerConfig(c, false);
    expect(defaults.map((e) => e.name)).toEqual(['log.retention.ms']);
  });

  it('ignores stored dynamic values that are not dynamic or invalid', () => {
    const c = configFromProperties({});
    c.applyDynamic({ 'log.dirs': '/elsewhere', 'message.max.bytes': 'lots' }, {});
    expect(c.logDirs).toEqual(['/tmp/kafka-logs']);
    expect(c.messageMaxBytes).toBe(1048588);
  });

  it('validates dynamic broker updates as Kafka does', () => {
    expect(() => validateDynamicBrokerConfigs('0', { 'log.retention.ms': '100', 'log.cleanup.policy': 'compact' })).not.toThrow();
    let e = kafkaErrorOf(() => validateDynamicBrokerConfigs('0', { 'log.dirs': '/x' }));
    expect(e.code).toBe(ErrorCode.INVALID_REQUEST);
    expect(e.message).toContain('Cannot update these configs dynamically: Set(log.dirs)');
    e = kafkaErrorOf(() => validateDynamicBrokerConfigs('0', { 'no.such.key': '1' }));
    expect(e.code).toBe(ErrorCode.INVALID_CONFIG);
    expect(e.message).toContain('no.such.key');
    e = kafkaErrorOf(() => validateDynamicBrokerConfigs('', { 'message.max.bytes': '-1' }));
    expect(e.code).toBe(ErrorCode.INVALID_REQUEST);
    expect(e.message).toContain('message.max.bytes');
  });
});
