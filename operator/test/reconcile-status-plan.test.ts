import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { clusterStatus, sameJson } from '../src/reconcile/cluster-status.js';
import { planTopic } from '../src/reconcile/topic-plan.js';
import { addressMapper, parseAddressMap, parseHostPort } from '../src/reconcile/admin-factory.js';

const t0 = new Date('2026-11-26T10:00:00.000Z');
const t1 = new Date('2026-11-26T10:01:00.000Z');
const cond = (s: ReturnType<typeof clusterStatus>, type: string) => s.conditions?.find((c) => c.type === type);

describe('clusterStatus', () => {
  const base = {
    generation: 4,
    previous: undefined,
    invalid: [],
    warnings: [],
    bootstrapServers: 'dev-bootstrap.ns.svc:9092',
    zookeeperConnect: 'dev-zookeeper-0.dev-zookeeper-headless.ns.svc:2181',
  };

  it('is not ready while ZooKeeper pods are missing, and says so', () => {
    const s = clusterStatus(
      { ...base, zookeeper: { desired: 3, ready: 1, observed: true }, brokers: { desired: 3, ready: 0, observed: true } },
      t0,
    );
    expect(cond(s, 'Ready')).toMatchObject({ status: 'False', reason: 'ZooKeeperNotReady', observedGeneration: 4 });
    expect(cond(s, 'Ready')!.message).toBe('0/3 brokers, 1/3 ZooKeeper nodes ready');
    expect(cond(s, 'Reconciling')).toMatchObject({ status: 'True', reason: 'Progressing' });
    expect(cond(s, 'Warning')).toBeUndefined();
    expect(s).toMatchObject({ observedGeneration: 4, readyBrokers: 0, bootstrapServers: base.bootstrapServers });
  });

  it('is ready when every pod is ready and the StatefulSets observed the latest spec', () => {
    const zk = { desired: 1, ready: 1, observed: true };
    const notObserved = clusterStatus({ ...base, zookeeper: zk, brokers: { desired: 2, ready: 2, observed: false } }, t0);
    expect(cond(notObserved, 'Ready')).toMatchObject({ status: 'False', reason: 'BrokersNotReady' });
    const ready = clusterStatus({ ...base, previous: notObserved, zookeeper: zk, brokers: { desired: 2, ready: 2, observed: true }, brokerIds: [1, 0] }, t1);
    expect(cond(ready, 'Ready')).toMatchObject({ status: 'True', reason: 'ClusterReady', lastTransitionTime: '2026-11-26T10:01:00Z' });
    expect(cond(ready, 'Reconciling')).toMatchObject({ status: 'False', reason: 'Reconciled' });
    expect(ready.brokerIds).toEqual([0, 1]);
    expect(ready.readyBrokers).toBe(2);
  });

  it('an invalid spec names the fields and keeps what was known', () => {
    const known = clusterStatus({ ...base, zookeeper: { desired: 1, ready: 1, observed: true }, brokers: { desired: 1, ready: 1, observed: true }, brokerIds: [0] }, t0);
    const s = clusterStatus(
      { ...base, generation: 5, previous: known, invalid: [{ field: 'spec.brokers.config[broker.id]', message: 'is set by the operator' }] },
      t1,
    );
    expect(cond(s, 'Ready')).toMatchObject({ status: 'False', reason: 'InvalidSpec' });
    expect(cond(s, 'Warning')!.message).toContain('spec.brokers.config[broker.id]: is set by the operator');
    expect(s).toMatchObject({ observedGeneration: 5, brokerIds: [0], bootstrapServers: base.bootstrapServers });
  });

  it('warnings come and go; progress keeps the cluster Reconciling', () => {
    const ok = { zookeeper: { desired: 1, ready: 1, observed: true }, brokers: { desired: 1, ready: 1, observed: true } };
    const warned = clusterStatus({ ...base, ...ok, warnings: [{ reason: 'ConfigKeysIgnored', message: 'spec.brokers.config: listeners is set by the operator and ignored' }] }, t0);
    expect(cond(warned, 'Warning')).toMatchObject({ status: 'True', reason: 'ConfigKeysIgnored' });
    expect(cond(warned, 'Ready')!.status).toBe('True');
    const cleared = clusterStatus({ ...base, ...ok, previous: warned }, t1);
    expect(cond(cleared, 'Warning')).toBeUndefined();
    const rolling = clusterStatus({ ...base, ...ok, previous: cleared, progress: { reason: 'RollingRestart', message: 'restarting broker 1 (1/3)' } }, t1);
    expect(cond(rolling, 'Ready')).toMatchObject({ status: 'False', reason: 'RollingRestart' });
    expect(cond(rolling, 'Reconciling')).toMatchObject({ status: 'True', message: 'restarting broker 1 (1/3)' });
  });

  it('sameJson ignores key order and undefined fields', () => {
    expect(sameJson({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1, d: undefined })).toBe(true);
    expect(sameJson({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
  });
});

describe('planTopic', () => {
  const spec = { partitions: 3, replicationFactor: 2, config: { 'retention.ms': '86400000', 'cleanup.policy': 'delete' } };

  it('nothing to do when the topic matches', () => {
    const plan = planTopic(spec, { partitions: 3, replicationFactors: [2, 2, 2], overrides: { 'retention.ms': '86400000', 'cleanup.policy': 'delete' } });
    expect(plan).toEqual({ configOps: [], configChanges: [], problems: [] });
  });

  it('adds partitions, sets changed values and removes overrides the spec does not have', () => {
    const plan = planTopic(
      { ...spec, partitions: 6 },
      { partitions: 3, replicationFactors: [2, 2, 2], overrides: { 'retention.ms': '1000', 'segment.ms': '600000' } },
    );
    expect(plan.increasePartitionsTo).toBe(6);
    expect(plan.configOps).toEqual([
      { name: 'cleanup.policy', op: 'set', value: 'delete' },
      { name: 'retention.ms', op: 'set', value: '86400000' },
      { name: 'segment.ms', op: 'delete' },
    ]);
    expect(plan.configChanges).toEqual(['cleanup.policy: (default) → delete', 'retention.ms: 1000 → 86400000', 'segment.ms: 600000 → (default)']);
    expect(plan.problems).toEqual([]);
  });

  it('reports fewer partitions and another replication factor, and changes neither', () => {
    const plan = planTopic({ partitions: 2, replicationFactor: 3 }, { partitions: 4, replicationFactors: [2, 2, 2, 2], overrides: {} });
    expect(plan.increasePartitionsTo).toBeUndefined();
    expect(plan.problems.map((p) => p.reason)).toEqual(['PartitionsCannotDecrease', 'ReplicationFactorMismatch']);
    expect(plan.problems[0]!.message).toContain('spec.partitions is 2 but the topic has 4 partitions');
    expect(plan.problems[1]!.message).toContain('spec.replicationFactor is 3 but the topic has 2 replicas per partition');
  });
});

describe('address map', () => {
  it('parses host:port pairs and names the file on bad content', () => {
    expect(parseHostPort('a.b.svc:9092')).toEqual({ host: 'a.b.svc', port: 9092 });
    expect(parseHostPort('nohost')).toBeUndefined();
    expect(parseHostPort('h:0')).toBeUndefined();
    expect(parseAddressMap('{"a:1":"127.0.0.1:2"}', 'm.json').get('a:1')).toEqual({ host: '127.0.0.1', port: 2 });
    expect(() => parseAddressMap('[]', 'm.json')).toThrow(/m.json/);
    expect(() => parseAddressMap('{"a:1":"x"}', 'm.json')).toThrow(/bad entry "a:1"/);
    expect(() => parseAddressMap('{', 'm.json')).toThrow(/not JSON/);
  });

  it('follows file changes and keeps the last good map on a bad write', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'gregor-addrmap-')), 'map.json');
    writeFileSync(file, JSON.stringify({ 'b-0.svc:9092': '127.0.0.1:4000' }));
    const map = addressMapper(file, pino({ level: 'silent' }));
    expect(map({ host: 'b-0.svc', port: 9092 })).toEqual({ host: '127.0.0.1', port: 4000 });
    expect(map({ host: 'other', port: 1 })).toEqual({ host: 'other', port: 1 });
    writeFileSync(file, JSON.stringify({ 'b-0.svc:9092': '127.0.0.1:4001', 'b-1.svc:9092': '127.0.0.1:4002' }));
    expect(map({ host: 'b-1.svc', port: 9092 })).toEqual({ host: '127.0.0.1', port: 4002 });
    writeFileSync(file, '{"b-0.svc:9092": ');
    expect(map({ host: 'b-0.svc', port: 9092 })).toEqual({ host: '127.0.0.1', port: 4001 });
  });
});
