import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConfigSource, configFromProperties, type BrokerConfig } from '../src/config.js';
import { LocalStore, randomKafkaUuid } from '../src/metadata/local-store.js';
import type { BrokerServices, RequestContext } from '../src/handlers/context.js';
import { handleDescribeConfigs } from '../src/handlers/32_describe_configs.js';
import { handleAlterConfigs } from '../src/handlers/33_alter_configs.js';
import { handleIncrementalAlterConfigs } from '../src/handlers/44_incremental_alter_configs.js';
import { ErrorCode } from '../src/protocol/errors.js';
import type { LogConfig } from '../src/storage/log-config.js';

const TOPIC = 2;
const BROKER = 4;
const BROKER_LOGGER = 8;
const SET = 0;
const DELETE = 1;
const APPEND = 2;
const SUBTRACT = 3;

let config: BrokerConfig;
let store: LocalStore;
let updates: { topic: string; config: LogConfig }[];

function ctx(apiKey: number, apiVersion: number): RequestContext {
  const services = {
    config,
    metadata: store,
    logs: { updateConfig: (topic: string, c: LogConfig) => updates.push({ topic, config: c }) },
    now: () => Date.now(),
  } as unknown as BrokerServices;
  return { apiKey, apiVersion, correlationId: 1, clientId: 'test', clientHost: '/127.0.0.1', listenerName: 'PLAINTEXT', services };
}

beforeEach(async () => {
  config = configFromProperties({ 'broker.id': '0', listeners: 'PLAINTEXT://localhost:0', 'log.retention.hours': '24' });
  store = new LocalStore({ brokerId: 0, logDir: mkdtempSync(join(tmpdir(), 'gregor-cfgh-')), self: { id: 0, rack: null, endpoints: [] } });
  await store.start();
  await store.createTopic({ name: 'orders', topicId: randomKafkaUuid(), assignment: [[0]], configs: { 'retention.ms': '1000' } });
  updates = [];
});

async function describeConfigs(version: number, resources: { resourceType: number; resourceName: string; configurationKeys: string[] | null }[], synonyms = false, docs = false) {
  return handleDescribeConfigs({ resources, includeSynonyms: synonyms, includeDocumentation: docs }, ctx(32, version));
}

async function incremental(resources: { resourceType: number; resourceName: string; configs: { name: string; configOperation: number; value: string | null }[] }[], validateOnly = false) {
  return handleIncrementalAlterConfigs({ resources, validateOnly }, ctx(44, 1));
}

describe('DescribeConfigs', () => {
  it('describes a topic with overrides and broker-derived defaults', async () => {
    const res = await describeConfigs(4, [{ resourceType: TOPIC, resourceName: 'orders', configurationKeys: null }], true, true);
    const r = res.results[0]!;
    expect(r).toMatchObject({ errorCode: 0, errorMessage: null, resourceType: TOPIC, resourceName: 'orders' });
    const byName = new Map(r.configs.map((c) => [c.name, c]));
    expect(byName.get('retention.ms')).toMatchObject({ value: '1000', configSource: ConfigSource.DYNAMIC_TOPIC_CONFIG, readOnly: false, isDefault: false });
    expect(byName.get('retention.ms')!.synonyms[1]).toEqual({ name: 'log.retention.hours', value: '24', source: ConfigSource.STATIC_BROKER_CONFIG });
    expect(byName.get('cleanup.policy')).toMatchObject({ value: 'delete', configSource: ConfigSource.DEFAULT_CONFIG, isDefault: true });
    expect(byName.get('cleanup.policy')!.documentation).toBeTruthy();
  });

  it('filters keys; synonyms and documentation only when asked and supported by the version', async () => {
    const res = await describeConfigs(0, [{ resourceType: TOPIC, resourceName: 'orders', configurationKeys: ['segment.bytes'] }], true, true);
    const cfgs = res.results[0]!.configs;
    expect(cfgs.map((c) => c.name)).toEqual(['segment.bytes']);
    expect(cfgs[0]!.synonyms).toEqual([]);
    expect(cfgs[0]!.documentation).toBeNull();
  });

  it('answers per resource: unknown topic, bad names, brokers, loggers, unknown types', async () => {
    const res = await describeConfigs(4, [
      { resourceType: TOPIC, resourceName: 'missing', configurationKeys: null },
      { resourceType: TOPIC, resourceName: 'bad/name', configurationKeys: null },
      { resourceType: BROKER, resourceName: '0', configurationKeys: ['num.partitions', 'log.retention.hours'] },
      { resourceType: BROKER, resourceName: '7', configurationKeys: null },
      { resourceType: BROKER, resourceName: '', configurationKeys: null },
      { resourceType: BROKER_LOGGER, resourceName: '0', configurationKeys: null },
      { resourceType: 99, resourceName: 'x', configurationKeys: null },
    ]);
    const codes = res.results.map((r) => r.errorCode);
    expect(codes).toEqual([
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      ErrorCode.INVALID_TOPIC_EXCEPTION,
      0,
      ErrorCode.INVALID_REQUEST,
      0,
      0,
      ErrorCode.INVALID_REQUEST,
    ]);
    expect(res.results[0]!.errorMessage).toContain('missing');
    expect(res.results[2]!.configs).toEqual([
      expect.objectContaining({ name: 'num.partitions', value: '1', readOnly: true, configSource: ConfigSource.DEFAULT_CONFIG }),
      expect.objectContaining({ name: 'log.retention.hours', value: '24', readOnly: false, configSource: ConfigSource.STATIC_BROKER_CONFIG }),
    ]);
    expect(res.results[4]!.configs).toEqual([]);
    expect(res.results[5]!.configs).toEqual([]);
  });
});

describe('IncrementalAlterConfigs', () => {
  it('SET, DELETE, APPEND and SUBTRACT on a topic, then reconfigures its logs', async () => {
    const res = await incremental([
      {
        resourceType: TOPIC,
        resourceName: 'orders',
        configs: [
          { name: 'retention.ms', configOperation: DELETE, value: null },
          { name: 'segment.bytes', configOperation: SET, value: '1048576' },
          { name: 'cleanup.policy', configOperation: APPEND, value: 'compact' },
        ],
      },
    ]);
    expect(res.responses).toEqual([{ errorCode: 0, errorMessage: null, resourceType: TOPIC, resourceName: 'orders' }]);
    expect(store.topic('orders')!.configs).toEqual({ 'segment.bytes': '1048576', 'cleanup.policy': 'delete,compact' });
    expect(updates).toHaveLength(1);
    expect(updates[0]!.config.segmentBytes).toBe(1048576);
    expect(updates[0]!.config.cleanupPolicy).toEqual({ delete: true, compact: true });
    expect(updates[0]!.config.retentionMs).toBe(24 * 3600_000);

    await incremental([{ resourceType: TOPIC, resourceName: 'orders', configs: [{ name: 'cleanup.policy', configOperation: SUBTRACT, value: 'delete' }] }]);
    expect(store.topic('orders')!.configs['cleanup.policy']).toBe('compact');
  });

  it('validateOnly changes nothing', async () => {
    const res = await incremental([{ resourceType: TOPIC, resourceName: 'orders', configs: [{ name: 'retention.ms', configOperation: SET, value: '5' }] }], true);
    expect(res.responses[0]!.errorCode).toBe(0);
    expect(store.topic('orders')!.configs).toEqual({ 'retention.ms': '1000' });
    expect(updates).toEqual([]);
  });

  it('rejects bad operations with Kafka\'s codes and leaves the resource unchanged', async () => {
    const cases: [{ name: string; configOperation: number; value: string | null }[], number][] = [
      [[{ name: 'retention.msx', configOperation: SET, value: '1' }], ErrorCode.INVALID_CONFIG],
      [[{ name: 'retention.ms', configOperation: SET, value: 'x' }], ErrorCode.INVALID_CONFIG],
      [[{ name: 'retention.ms', configOperation: APPEND, value: '1' }], ErrorCode.INVALID_CONFIG],
      [[{ name: 'retention.ms', configOperation: SET, value: null }], ErrorCode.INVALID_REQUEST],
      [[{ name: 'retention.ms', configOperation: 9, value: '1' }], ErrorCode.INVALID_REQUEST],
      [
        [
          { name: 'retention.ms', configOperation: SET, value: '1' },
          { name: 'retention.ms', configOperation: SET, value: '2' },
        ],
        ErrorCode.INVALID_REQUEST,
      ],
      [
        [
          { name: 'segment.bytes', configOperation: SET, value: '2000000' },
          { name: 'cleanup.policy', configOperation: SET, value: 'shrink' },
        ],
        ErrorCode.INVALID_CONFIG,
      ],
    ];
    for (const [configs, code] of cases) {
      const res = await incremental([{ resourceType: TOPIC, resourceName: 'orders', configs }]);
      expect(res.responses[0]!.errorCode, JSON.stringify(configs)).toBe(code);
      expect(res.responses[0]!.errorMessage).toBeTruthy();
    }
    expect(store.topic('orders')!.configs).toEqual({ 'retention.ms': '1000' });
    const missing = await incremental([{ resourceType: TOPIC, resourceName: 'nope', configs: [] }]);
    expect(missing.responses[0]!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it('changes dynamic broker configs and re-resolves topic logs', async () => {
    const res = await incremental([
      { resourceType: BROKER, resourceName: '', configs: [{ name: 'log.segment.bytes', configOperation: SET, value: '2097152' }] },
      { resourceType: BROKER, resourceName: '0', configs: [{ name: 'message.max.bytes', configOperation: SET, value: '3000' }] },
    ]);
    expect(res.responses.map((r) => r.errorCode)).toEqual([0, 0]);
    expect(store.brokerConfigs(null)).toEqual({ 'log.segment.bytes': '2097152' });
    expect(store.brokerConfigs(0)).toEqual({ 'message.max.bytes': '3000' });
    expect(config.messageMaxBytes).toBe(3000);
    const last = updates.filter((u) => u.topic === 'orders').at(-1)!;
    expect(last.config.segmentBytes).toBe(2097152);
    expect(last.config.maxMessageBytes).toBe(3000);

    const d = await describeConfigs(4, [{ resourceType: BROKER, resourceName: '0', configurationKeys: ['message.max.bytes', 'log.segment.bytes'] }], true);
    const byName = new Map(d.results[0]!.configs.map((c) => [c.name, c]));
    expect(byName.get('message.max.bytes')).toMatchObject({ value: '3000', configSource: ConfigSource.DYNAMIC_BROKER_CONFIG });
    expect(byName.get('log.segment.bytes')).toMatchObject({ value: '2097152', configSource: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG });
    const defaults = await describeConfigs(4, [{ resourceType: BROKER, resourceName: '', configurationKeys: null }]);
    expect(defaults.results[0]!.configs.map((c) => c.name)).toEqual(['log.segment.bytes']);

    const del = await incremental([{ resourceType: BROKER, resourceName: '0', configs: [{ name: 'message.max.bytes', configOperation: DELETE, value: null }] }]);
    expect(del.responses[0]!.errorCode).toBe(0);
    expect(config.messageMaxBytes).toBe(1048588);
  });

  it('rejects read-only, unknown and foreign broker configs', async () => {
    const res = await incremental([
      { resourceType: BROKER, resourceName: '0', configs: [{ name: 'log.dirs', configOperation: SET, value: '/x' }] },
      { resourceType: BROKER, resourceName: '', configs: [{ name: 'no.such', configOperation: SET, value: '1' }] },
      { resourceType: BROKER, resourceName: '5', configs: [{ name: 'message.max.bytes', configOperation: SET, value: '1' }] },
      { resourceType: BROKER, resourceName: 'zero', configs: [] },
      { resourceType: BROKER_LOGGER, resourceName: '0', configs: [{ name: 'kafka.server', configOperation: SET, value: 'DEBUG' }] },
      { resourceType: TOPIC, resourceName: 'orders', configs: [] },
      { resourceType: TOPIC, resourceName: 'orders', configs: [] },
    ]);
    expect(res.responses.map((r) => r.errorCode)).toEqual([
      ErrorCode.INVALID_REQUEST,
      ErrorCode.INVALID_CONFIG,
      ErrorCode.INVALID_REQUEST,
      ErrorCode.INVALID_REQUEST,
      ErrorCode.INVALID_CONFIG,
      ErrorCode.INVALID_REQUEST,
      ErrorCode.INVALID_REQUEST,
    ]);
    expect(res.responses[0]!.errorMessage).toContain('Cannot update these configs dynamically');
    expect(store.brokerConfigs(0)).toEqual({});
  });
});

describe('AlterConfigs (legacy)', () => {
  it('replaces the whole override set', async () => {
    const res = await handleAlterConfigs(
      { resources: [{ resourceType: TOPIC, resourceName: 'orders', configs: [{ name: 'cleanup.policy', value: 'compact' }] }], validateOnly: false },
      ctx(33, 2),
    );
    expect(res.responses[0]).toEqual({ errorCode: 0, errorMessage: null, resourceType: TOPIC, resourceName: 'orders' });
    expect(store.topic('orders')!.configs).toEqual({ 'cleanup.policy': 'compact' });
    expect(updates.at(-1)!.config.retentionMs).toBe(24 * 3600_000);
  });

  it('validates, honours validateOnly and rejects BROKER_LOGGER', async () => {
    const res = await handleAlterConfigs(
      {
        resources: [
          { resourceType: TOPIC, resourceName: 'orders', configs: [{ name: 'retention.ms', value: 'never' }] },
          { resourceType: BROKER, resourceName: '0', configs: [{ name: 'log.retention.ms', value: '10' }] },
          { resourceType: BROKER_LOGGER, resourceName: '0', configs: [] },
        ],
        validateOnly: true,
      },
      ctx(33, 0),
    );
    expect(res.responses.map((r) => r.errorCode)).toEqual([ErrorCode.INVALID_CONFIG, 0, ErrorCode.INVALID_REQUEST]);
    expect(store.brokerConfigs(0)).toEqual({});
    expect(store.topic('orders')!.configs).toEqual({ 'retention.ms': '1000' });
  });
});
