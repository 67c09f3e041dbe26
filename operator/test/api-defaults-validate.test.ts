// Unit tests of the pure API helpers: defaulting, hand-written validation (what the CRD schema cannot
// express, and the in-code copy of its transition rules) and quantity parsing.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_BROKER_IMAGE,
  DEFAULT_LISTENER_PORT,
  DEFAULT_UI_IMAGE,
  DEFAULT_ZOOKEEPER_IMAGE,
  sizeDependentConfig,
  topicNameOf,
  withDefaults,
} from '../src/api/defaults.js';
import { compareQuantities, parseQuantity } from '../src/api/quantity.js';
import { fullKafkaCluster, fullKafkaTopic, minimalKafkaCluster, minimalKafkaTopic } from '../src/api/samples.js';
import type { KafkaCluster, KafkaClusterSpec, KafkaTopic } from '../src/api/types.js';
import { CLUSTER_LABEL } from '../src/api/types.js';
import {
  validateKafkaCluster,
  validateKafkaClusterSpec,
  validateKafkaClusterUpdate,
  validateKafkaTopic,
  validateKafkaTopicUpdate,
  type FieldError,
} from '../src/api/validate.js';

function deepFreeze<T>(o: T): T {
  if (typeof o === 'object' && o !== null) {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

const fields = (errors: FieldError[]): string[] => errors.map((e) => e.field);

function cluster(mutate: (spec: KafkaClusterSpec) => void, base: KafkaCluster = minimalKafkaCluster): KafkaCluster {
  const c = structuredClone(base);
  mutate(c.spec);
  return c;
}

function topic(mutate: (t: KafkaTopic) => void, base: KafkaTopic = minimalKafkaTopic): KafkaTopic {
  const t = structuredClone(base);
  mutate(t);
  return t;
}

describe('withDefaults', () => {
  it('fills images, pull policies, listener port, ui and size-dependent broker config', () => {
    const d = withDefaults(minimalKafkaCluster.spec);
    expect(d.brokers).toMatchObject({
      replicas: 1,
      image: DEFAULT_BROKER_IMAGE,
      imagePullPolicy: 'IfNotPresent',
      listenerPort: DEFAULT_LISTENER_PORT,
      storage: { size: '1Gi' },
    });
    expect(d.brokers.config).toEqual({
      'default.replication.factor': '1',
      'offsets.topic.replication.factor': '1',
      'transaction.state.log.replication.factor': '1',
      'transaction.state.log.min.isr': '1',
    });
    expect(d.zookeeper).toMatchObject({ replicas: 1, image: DEFAULT_ZOOKEEPER_IMAGE, imagePullPolicy: 'IfNotPresent' });
    expect(d.ui).toEqual({ enabled: false, image: DEFAULT_UI_IMAGE, imagePullPolicy: 'IfNotPresent' });
    expect(DEFAULT_ZOOKEEPER_IMAGE).toBe('zookeeper:3.8');
    expect(DEFAULT_UI_IMAGE).toMatch(/^ghcr\.io\/kafbat\/kafka-ui:v\d+\.\d+\.\d+$/);
  });

  it('keeps every value the user set, and user config wins over the size-dependent defaults', () => {
    const d = withDefaults(fullKafkaCluster.spec);
    expect(d.brokers).toMatchObject({ ...fullKafkaCluster.spec.brokers, config: fullKafkaCluster.spec.brokers.config });
    expect(d.brokers.config['offsets.topic.replication.factor']).toBe('3');
    expect(d.zookeeper).toEqual(fullKafkaCluster.spec.zookeeper);
    expect(d.ui).toEqual(fullKafkaCluster.spec.ui);
    const own = withDefaults(cluster((s) => (s.brokers.config = { 'default.replication.factor': '1', 'num.partitions': '3' })).spec);
    expect(own.brokers.config['default.replication.factor']).toBe('1');
    expect(own.brokers.config['num.partitions']).toBe('3');
  });

  it('takes operator-level image overrides, below the spec', () => {
    const opts = { brokerImage: 'reg/broker:1', zookeeperImage: 'reg/zk:1', uiImage: 'reg/ui:1' };
    const d = withDefaults(minimalKafkaCluster.spec, opts);
    expect([d.brokers.image, d.zookeeper.image, d.ui.image]).toEqual(['reg/broker:1', 'reg/zk:1', 'reg/ui:1']);
    expect(withDefaults(fullKafkaCluster.spec, opts).brokers.image).toBe(fullKafkaCluster.spec.brokers.image);
  });

  it('is pure: the input is not modified and the result shares no objects with it', () => {
    const input = deepFreeze(structuredClone(fullKafkaCluster.spec));
    const before = JSON.stringify(input);
    const d = withDefaults(input);
    expect(JSON.stringify(input)).toBe(before);
    expect(d.brokers.resources).not.toBe(input.brokers.resources);
    expect(d.brokers.storage).not.toBe(input.brokers.storage);
    d.brokers.config['x'] = 'y'; // the result is mutable
    expect(withDefaults(input)).toEqual(withDefaults(input));
  });

  it('clamps internal-topic replication to the broker count', () => {
    expect(sizeDependentConfig(2)).toMatchObject({ 'offsets.topic.replication.factor': '2', 'transaction.state.log.min.isr': '2' });
    expect(sizeDependentConfig(5)).toMatchObject({ 'default.replication.factor': '3', 'transaction.state.log.min.isr': '2' });
  });

  it('topic name defaults to metadata.name', () => {
    expect(topicNameOf(minimalKafkaTopic.spec, 'orders')).toBe('orders');
    expect(topicNameOf(fullKafkaTopic.spec, 'orders')).toBe('Orders_v2');
  });
});

describe('validateKafkaCluster', () => {
  it('accepts the samples', () => {
    expect(validateKafkaCluster(minimalKafkaCluster)).toEqual([]);
    expect(validateKafkaCluster(fullKafkaCluster)).toEqual([]);
  });

  it('rejects server.properties keys the operator owns, naming each', () => {
    const c = cluster((s) => (s.brokers.config = { 'broker.id': '7', 'zookeeper.connect': 'x:2181', 'log.dirs': '/d', 'num.partitions': '3' }));
    expect(fields(validateKafkaCluster(c))).toEqual([
      'spec.brokers.config[broker.id]',
      'spec.brokers.config[zookeeper.connect]',
      'spec.brokers.config[log.dirs]',
    ]);
    for (const key of ['listeners', 'advertised.listeners', 'node.id', 'broker.rack']) {
      expect(fields(validateKafkaClusterSpec(cluster((s) => (s.brokers.config = { [key]: 'x' })).spec))).toEqual([`spec.brokers.config[${key}]`]);
    }
  });

  it('rejects replication settings above the broker count', () => {
    const c = cluster((s) => (s.brokers.config = { 'min.insync.replicas': '2', 'default.replication.factor': 'three' }));
    const errors = validateKafkaCluster(c);
    expect(fields(errors)).toEqual(['spec.brokers.config[default.replication.factor]', 'spec.brokers.config[min.insync.replicas]']);
    expect(errors[1]!.message).toContain('more than the 1 broker(s)');
  });

  it.each<[string, (s: KafkaClusterSpec) => void, string]>([
    ['zero replicas', (s) => (s.brokers.replicas = 0), 'spec.brokers.replicas'],
    ['ensemble of 2', (s) => (s.zookeeper.replicas = 2 as 3), 'spec.zookeeper.replicas'],
    ['zero storage', (s) => (s.brokers.storage.size = '0Gi'), 'spec.brokers.storage.size'],
    ['storage not a quantity', (s) => (s.zookeeper.storage.size = 'lots'), 'spec.zookeeper.storage.size'],
    ['port 0', (s) => (s.brokers.listenerPort = 0), 'spec.brokers.listenerPort'],
    ['request above limit', (s) => (s.brokers.resources = { requests: { memory: '2Gi' }, limits: { memory: '1Gi' } }), 'spec.brokers.resources.requests[memory]'],
    ['bad cpu quantity', (s) => (s.zookeeper.resources = { limits: { cpu: 'two' } }), 'spec.zookeeper.resources.limits[cpu]'],
    ['ui request above limit', (s) => (s.ui = { enabled: true, resources: { requests: { cpu: '2' }, limits: { cpu: '1500m' } } }), 'spec.ui.resources.requests[cpu]'],
    ['bad rack key', (s) => (s.brokers.rack = { topologyKey: 'not a label' }), 'spec.brokers.rack.topologyKey'],
  ])('names the field: %s', (_name, mutate, field) => {
    expect(fields(validateKafkaCluster(cluster(mutate)))).toEqual([field]);
  });

  it('accepts equal request and limit written differently', () => {
    const c = cluster((s) => (s.brokers.resources = { requests: { memory: '1024Mi', cpu: '1' }, limits: { memory: '1Gi', cpu: '1000m' } }));
    expect(validateKafkaCluster(c)).toEqual([]);
  });

  it('requires a cluster name usable as a Service name prefix', () => {
    for (const name of ['my.cluster', '1abc', 'a'.repeat(41), 'Upper', '']) {
      const c = structuredClone(minimalKafkaCluster);
      c.metadata.name = name;
      expect(fields(validateKafkaCluster(c)), name).toEqual(['metadata.name']);
    }
    const ok = structuredClone(minimalKafkaCluster);
    ok.metadata.name = 'a'.repeat(40);
    expect(validateKafkaCluster(ok)).toEqual([]);
  });
});

describe('validateKafkaClusterUpdate (the CRD transition rules, in code)', () => {
  const base = minimalKafkaCluster.spec;
  it('allows growing storage and equal sizes in another unit', () => {
    expect(validateKafkaClusterUpdate(base, cluster((s) => (s.brokers.storage.size = '2G')).spec)).toEqual([]);
    expect(validateKafkaClusterUpdate(base, cluster((s) => (s.brokers.storage.size = '1024Mi')).spec)).toEqual([]);
    expect(validateKafkaClusterUpdate(base, cluster((s) => (s.brokers.replicas = 5)).spec)).toEqual([]);
  });
  it('rejects shrinking storage, a new ensemble size and a new storage class', () => {
    const next = cluster((s) => {
      s.brokers.storage.size = '1000Mi';
      s.zookeeper.replicas = 3;
      s.zookeeper.storage.storageClassName = 'fast';
    }).spec;
    expect(fields(validateKafkaClusterUpdate(base, next))).toEqual([
      'spec.zookeeper.replicas',
      'spec.brokers.storage.size',
      'spec.zookeeper.storage.storageClassName',
    ]);
  });
});

describe('validateKafkaTopic', () => {
  it('accepts the samples', () => {
    expect(validateKafkaTopic(minimalKafkaTopic)).toEqual([]);
    expect(validateKafkaTopic(fullKafkaTopic, { brokerReplicas: 3 })).toEqual([]);
  });

  it('requires the cluster label', () => {
    const t = topic((t) => delete t.metadata.labels![CLUSTER_LABEL]);
    expect(fields(validateKafkaTopic(t))).toEqual([`metadata.labels[${CLUSTER_LABEL}]`]);
  });

  it('accepts only Kafka topic config keys', () => {
    const t = topic((t) => (t.spec.config = { 'retention.ms': '1000', 'log.retention.ms': '1000', 'num.partitions': '3' }));
    expect(fields(validateKafkaTopic(t))).toEqual(['spec.config[log.retention.ms]', 'spec.config[num.partitions]']);
  });

  it.each<[string, Record<string, string>]>([
    ['cleanup.policy', { 'cleanup.policy': 'forever' }],
    ['retention.ms', { 'retention.ms': '-2' }],
    ['segment.bytes', { 'segment.bytes': '1MB' }],
    ['compression.type', { 'compression.type': 'brotli' }],
    ['preallocate', { preallocate: 'yes' }],
    ['min.cleanable.dirty.ratio', { 'min.cleanable.dirty.ratio': '1.5' }],
    ['message.timestamp.type', { 'message.timestamp.type': 'Now' }],
    ['min.insync.replicas', { 'min.insync.replicas': '2' }],
  ])('checks the value of %s', (key, config) => {
    expect(fields(validateKafkaTopic(topic((t) => (t.spec.config = config))))).toEqual([`spec.config[${key}]`]);
  });

  it('accepts valid config values', () => {
    const config = { 'cleanup.policy': 'compact, delete', 'retention.ms': '-1', 'compression.type': 'zstd', preallocate: 'false', 'min.cleanable.dirty.ratio': '0.1' };
    expect(validateKafkaTopic(topic((t) => (t.spec.config = config)))).toEqual([]);
  });

  it('checks topic names, from spec.topicName or metadata.name', () => {
    expect(fields(validateKafkaTopic(topic((t) => (t.spec.topicName = '..'))))).toEqual(['spec.topicName']);
    expect(fields(validateKafkaTopic(topic((t) => (t.spec.topicName = 'a b'))))).toEqual(['spec.topicName']);
    expect(fields(validateKafkaTopic(topic((t) => (t.metadata.name = 'x'.repeat(250)))))).toEqual(['metadata.name']);
    expect(validateKafkaTopic(topic((t) => (t.spec.topicName = '__Orders.v1-x')))).toEqual([]);
  });

  it('rejects a replication factor above the broker count when the cluster is known', () => {
    const t = topic((t) => (t.spec.replicationFactor = 3));
    expect(validateKafkaTopic(t)).toEqual([]);
    const errors = validateKafkaTopic(t, { brokerReplicas: 1 });
    expect(fields(errors)).toEqual(['spec.replicationFactor']);
    expect(errors[0]!.message).toContain('1 broker(s)');
    expect(fields(validateKafkaTopic(topic((t) => (t.spec.partitions = 0))))).toEqual(['spec.partitions']);
  });
});

describe('validateKafkaTopicUpdate (the CRD transition rules, in code)', () => {
  const base = fullKafkaTopic.spec;
  it('allows more partitions and config changes', () => {
    expect(validateKafkaTopicUpdate(base, { ...base, partitions: 24, config: {} })).toEqual([]);
  });
  it('rejects fewer partitions, a replication factor change and a rename', () => {
    expect(fields(validateKafkaTopicUpdate(base, { ...base, partitions: 6, replicationFactor: 2, topicName: 'other' }))).toEqual([
      'spec.partitions',
      'spec.replicationFactor',
      'spec.topicName',
    ]);
    const { topicName: _, ...unnamed } = base;
    expect(fields(validateKafkaTopicUpdate(base, unnamed))).toEqual(['spec.topicName']);
  });
});

describe('quantities', () => {
  it.each<[string, number]>([
    ['1', 1],
    ['10Gi', 10 * 2 ** 30],
    ['1.5Ki', 1536],
    ['500m', 0.5],
    ['2k', 2000],
    ['1e3', 1000],
    ['1E', 1e18],
    ['.5M', 500000],
    ['+3', 3],
    ['-1', -1],
  ])('%s = %d', (q, v) => expect(parseQuantity(q)).toBeCloseTo(v));

  it('rejects non-quantities and compares across units', () => {
    for (const q of ['', '1 Gi', 'Gi', '1GB', 'abc']) expect(parseQuantity(q), q).toBeUndefined();
    expect(parseQuantity(5)).toBe(5);
    expect(compareQuantities('1Gi', '1024Mi')).toBe(0);
    expect(compareQuantities('1G', '1Gi')).toBe(-1);
    expect(compareQuantities('2', '1500m')).toBe(1);
    expect(compareQuantities('x', '1')).toBeUndefined();
  });
});
