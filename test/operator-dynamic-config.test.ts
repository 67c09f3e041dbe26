// The operator's dynamic broker config sync and the roller's broker-side view, against a real 3-broker
// ZooKeeper-mode cluster (no Kubernetes needed: pods are described to planRoll the way the roller would).
// - syncDynamicBrokerConfig sets, changes and removes cluster-wide defaults (BROKER resource ""), every broker
//   uses them (per-broker DescribeConfigs, a topic's inherited values, kafka-configs --entity-default), and
//   defaults for keys the operator does not manage are left alone.
// - partitionViews (the code path reconcileRoll uses) + planRoll: a broker whose restart would take an
//   rf 2 / min.insync.replicas 2 partition below min ISR is refused; after reassigning it to rf 3 it is
//   accepted; a broker that is down shows as under-replicated partitions and the roll waits.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The operator's own copy of the client (dist), as reconcileRoll and syncDynamicBrokerConfig get it.
import { AdminClient, ConfigSource } from '@gregor/broker/client';
import { syncDynamicBrokerConfig } from '../operator/src/reconcile/dynamic-config-sync.js';
import { planRoll, type BrokerPodView, type PartitionView } from '../operator/src/reconcile/roll-plan.js';
import { partitionViews } from '../operator/src/reconcile/roller.js';
import { startCluster, type TestCluster } from './helpers/cluster.js';
import { kafkaTool } from './helpers/kafka-tools.js';
import { uniqueName, waitFor } from './helpers/util.js';

const log = pino({ level: 'silent' });
// log.retention.ms rather than .hours: Kafka 3.9 accepts only the .ms form as a dynamic default (so the test
// passes with GREGOR_TEST_TARGET=kafka too).
const HALF_DAY = String(12 * 3600_000);
const DAY = String(24 * 3600_000);
const TWO_DAYS = String(48 * 3600_000);
let cluster: TestCluster;
let admin: AdminClient;

beforeAll(async () => {
  cluster = await startCluster({ name: 'op-dyncfg', brokers: 3 });
  admin = new AdminClient({ bootstrap: cluster.bootstrap, requestTimeoutMs: 20_000 });
});

afterAll(async () => {
  await admin?.close();
  await cluster?.stop();
});

/** Waits until every broker reports `key` with this value and source (undefined = not a cluster default). */
async function onEveryBroker(key: string, value: string, source: number): Promise<void> {
  for (const id of cluster.ids) {
    await waitFor(async () => {
      const e = (await admin.describeBrokerConfigs(id)).get(key);
      return e?.value === value && e.source === source;
    }, { timeoutMs: 20_000, what: `broker ${id}: ${key}=${value} (source ${source})` });
  }
}

async function topicConfig(topic: string, key: string) {
  return (await admin.describeTopicConfigs(topic)).get(key);
}

describe('syncDynamicBrokerConfig', () => {
  const topic = uniqueName('dyncfg');

  beforeAll(async () => {
    await admin.createTopic({ name: topic, partitions: 1, replicationFactor: 3 });
  });

  it('sets cluster defaults; every broker and a topic without overrides use them', async () => {
    const r = await syncDynamicBrokerConfig(admin, { 'log.retention.ms': DAY, 'log.segment.bytes': '2097152' }, log);
    expect(r.changed).toEqual([`log.retention.ms: (unset) → ${DAY}`, 'log.segment.bytes: 1073741824 → 2097152']);

    // Kafka applies a default through a ZooKeeper change notification, also on the broker that took the write.
    const defaults = await waitFor(async () => {
      const d = await admin.describeBrokerDefaultConfigs();
      return d.has('log.retention.ms') && d.has('log.segment.bytes') ? d : null;
    }, { timeoutMs: 20_000, what: 'cluster defaults visible' });
    expect(defaults.get('log.retention.ms')).toMatchObject({ value: DAY, source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG });
    expect(defaults.get('log.segment.bytes')).toMatchObject({ value: '2097152', source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG });
    await onEveryBroker('log.retention.ms', DAY, ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
    await onEveryBroker('log.segment.bytes', '2097152', ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
    expect(await topicConfig(topic, 'retention.ms')).toMatchObject({ value: DAY, source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG });
    expect(await topicConfig(topic, 'segment.bytes')).toMatchObject({ value: '2097152', source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG });

    // Converged: nothing to do.
    expect(await syncDynamicBrokerConfig(admin, { 'log.retention.ms': DAY, 'log.segment.bytes': '2097152' }, log)).toEqual({ changed: [] });
  });

  it('changes a default and removes one no longer desired; a default it does not manage stays', async () => {
    // Set by hand (kafka-configs --entity-default): not in DYNAMIC_BROKER_CONFIG_KEYS, so not the operator's.
    await admin.incrementalAlterBrokerConfigs(null, [{ name: 'log.cleaner.backoff.ms', op: 'set', value: '20000' }]);

    const r = await syncDynamicBrokerConfig(admin, { 'log.retention.ms': TWO_DAYS }, log);
    expect(r.changed).toEqual([`log.retention.ms: ${DAY} → ${TWO_DAYS}`, 'log.segment.bytes: 2097152 → (cluster default removed)']);
    await onEveryBroker('log.retention.ms', TWO_DAYS, ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
    await waitFor(async () => (await topicConfig(topic, 'retention.ms'))?.value === TWO_DAYS, { timeoutMs: 20_000, what: 'retention.ms 48 h' });
    await waitFor(async () => (await topicConfig(topic, 'segment.bytes'))?.value === '1073741824', { timeoutMs: 20_000, what: 'segment.bytes back to the default' });
    expect(await topicConfig(topic, 'segment.bytes')).toMatchObject({ source: ConfigSource.DEFAULT_CONFIG });

    // What an admin sees with Kafka's own tool.
    const out = await kafkaTool('kafka-configs', ['--bootstrap-server', cluster.bootstrap, '--entity-type', 'brokers', '--entity-default', '--describe']);
    expect(out.stdout).toMatch(new RegExp(`log\\.retention\\.ms=${TWO_DAYS}`));
    expect(out.stdout).toMatch(/log\.cleaner\.backoff\.ms=20000/);
    expect(out.stdout).not.toMatch(/log\.segment\.bytes=/);

    const gone = await syncDynamicBrokerConfig(admin, {}, log);
    expect(gone.changed).toEqual([`log.retention.ms: ${TWO_DAYS} → (cluster default removed)`]);
    await waitFor(async () => [...(await admin.describeBrokerDefaultConfigs()).keys()].join() === 'log.cleaner.backoff.ms', {
      timeoutMs: 20_000,
      what: 'only the unmanaged default left',
    });
    // Back to log.retention.hours' default (168 h) on the topic.
    await waitFor(async () => (await topicConfig(topic, 'retention.ms'))?.value === String(168 * 3600_000), { timeoutMs: 20_000, what: 'retention.ms back to 168 h' });
    expect(await topicConfig(topic, 'retention.ms')).toMatchObject({ source: ConfigSource.DEFAULT_CONFIG });
    await admin.incrementalAlterBrokerConfigs(null, [{ name: 'log.cleaner.backoff.ms', op: 'delete' }]);
  });

  it('a value the brokers reject fails with its key named; the valid changes are applied anyway', async () => {
    const e = await syncDynamicBrokerConfig(admin, { 'log.retention.ms': HALF_DAY, 'log.segment.bytes': '1' }, log).then(
      () => null,
      (err: Error) => err,
    );
    expect(e?.name).toBe('DynamicConfigError');
    expect(e?.message).toMatch(/log\.segment\.bytes/);
    expect((e as unknown as { changed: string[] }).changed).toEqual([`log.retention.ms: (unset) → ${HALF_DAY}`]);
    await waitFor(async () => (await admin.describeBrokerDefaultConfigs()).get('log.retention.ms')?.value === HALF_DAY, { timeoutMs: 20_000, what: 'valid change applied' });
    expect(await syncDynamicBrokerConfig(admin, {}, log)).toEqual({ changed: [`log.retention.ms: ${HALF_DAY} → (cluster default removed)`] });
  });
});

describe('partitionViews + planRoll on a real cluster', () => {
  const REV_NEW = 'rev-new';
  /** Every broker pod ready; `pending` still runs the old revision. */
  function pods(pending: number[]): BrokerPodView[] {
    return cluster.ids.map((id) => ({
      name: `op-dyncfg-broker-${id}`,
      brokerId: id,
      revision: pending.includes(id) ? 'rev-old' : REV_NEW,
      ready: true,
      terminating: false,
      crashLooping: false,
    }));
  }
  /** What reconcileRoll asks the brokers, then planRoll; `registered: false` leaves out the registration check. */
  async function plan(pending: number[], opts: { registered?: boolean } = {}) {
    const [views, d] = await Promise.all([partitionViews(admin), admin.describeCluster()]);
    const step = planRoll({
      pods: pods(pending),
      updateRevision: REV_NEW,
      controllerId: d.controllerId >= 0 ? d.controllerId : null,
      partitions: views,
      ...(opts.registered === false ? {} : { registeredBrokers: d.brokers.map((b) => b.nodeId) }),
      expectedPods: cluster.ids.length,
    });
    return { step, views };
  }
  const rf2 = uniqueName('roll-rf2');
  const lenient = uniqueName('roll-min1');

  beforeAll(async () => {
    // min.insync.replicas 2 comes from the cluster default the operator sets, not from a topic override.
    await syncDynamicBrokerConfig(admin, { 'min.insync.replicas': '2' }, log);
    await onEveryBroker('min.insync.replicas', '2', ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
    await admin.createTopic({ name: rf2, assignments: [[1, 2]] });
    await admin.createTopic({ name: lenient, assignments: [[2, 3]], configs: { 'min.insync.replicas': '1' } });
    for (const t of [rf2, lenient]) await cluster.waitForFullIsr(t);
  });

  afterAll(async () => {
    await admin.deleteTopics([rf2, lenient]).catch(() => undefined);
    await syncDynamicBrokerConfig(admin, {}, log).catch(() => undefined);
  });

  it('views carry replicas, ISR and the effective min.insync.replicas of every topic', async () => {
    const { views } = await plan([]);
    const v = views.find((p) => p.topic === rf2);
    expect(v).toMatchObject({ topic: rf2, partition: 0, replicas: [1, 2], minIsr: 2 });
    expect([...v!.isr].sort()).toEqual([1, 2]);
    expect(views.find((p) => p.topic === lenient)).toMatchObject({ replicas: [2, 3], minIsr: 1 });
  });

  it('refuses broker 1 while an rf 2 / min ISR 2 partition sits on it, accepts it once the partition has rf 3', async () => {
    const refused = (await plan([1])).step;
    expect(refused).toMatchObject({ kind: 'wait', cause: 'min-isr' });
    expect((refused as { reason: string }).reason).toMatch(new RegExp(`partition ${rf2}-0 would fall below min.insync.replicas 2 \\(isr \\[(1,2|2,1)\\]\\)`));
    // Broker 3 hosts only the min-ISR-1 partition: fine.
    expect((await plan([3])).step).toMatchObject({ kind: 'restart', brokerId: 3, pod: 'op-dyncfg-broker-3' });

    await admin.alterPartitionReassignments([{ topic: rf2, partition: 0, replicas: [1, 2, 3] }]);
    await waitFor(async () => (await admin.listPartitionReassignments()).length === 0, { timeoutMs: 60_000, what: 'reassignment done' });
    await cluster.waitForFullIsr(rf2);
    const { step, views } = await plan([1]);
    expect(views.find((p) => p.topic === rf2)?.replicas).toEqual([1, 2, 3]);
    expect(step).toMatchObject({ kind: 'restart', brokerId: 1, pod: 'op-dyncfg-broker-1' });
  });

  it('a broker that is down leaves partitions under-replicated: the roll waits until the ISR is full again', async () => {
    await cluster.killBroker(3);
    // Its pod would still look ready for a moment; the registration check already holds the roll...
    const unregistered = await waitFor(async () => {
      const r = await plan([1]);
      return r.step.kind === 'wait' && r.step.cause === 'pods' ? r.step : null;
    }, { timeoutMs: 60_000, intervalMs: 500, what: 'broker 3 unregistered' });
    expect(unregistered.reason).toMatch(/broker 3 .* not registered/);
    // ...and so does the ISR (shown here without the registration check).
    let last: PartitionView[] = [];
    const waiting = await waitFor(async () => {
      const r = await plan([1], { registered: false });
      last = r.views;
      return r.step.kind === 'wait' && r.step.cause === 'under-replicated' ? r.step : null;
    }, { timeoutMs: 60_000, intervalMs: 500, what: `ISR shrink after killing broker 3 (${JSON.stringify(last.filter((v) => v.replicas.includes(3)))})` });
    expect(waiting.reason).toMatch(/is under-replicated \(replicas \[[\d,]*3[\d,]*\], isr \[[12,]*\]\)/);
    await cluster.restartBroker(3);
    await cluster.waitForFullIsr(rf2);
    await cluster.waitForFullIsr(lenient);
    await waitFor(async () => (await plan([1])).step.kind === 'restart', { timeoutMs: 60_000, intervalMs: 500, what: 'roll may continue' });
  });
});
