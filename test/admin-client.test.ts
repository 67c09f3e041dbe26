// AdminClient (broker/src/client/admin-client.ts) against real brokers: one single-node broker (startBroker) and a
// 3-broker ZooKeeper-mode cluster (startCluster), started together and shared by every test of the file. Both are
// Gregor by default and Apache Kafka with GREGOR_TEST_TARGET=kafka (KRaft single node / ZooKeeper mode): the
// assertions are what a Kafka user expects from either.
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminClient, ConfigSource, KafkaAdminError, NetworkError, type AdminClientOptions, type BrokerAddress } from '../broker/src/client/index.js';
import { freePort, startBroker, type TestBroker } from './helpers/broker.js';
import { startCluster, type TestCluster } from './helpers/cluster.js';
import { kafkaTool } from './helpers/kafka-tools.js';
import { uniqueName, waitFor } from './helpers/util.js';

let broker: TestBroker;
let cluster: TestCluster;
const admins: AdminClient[] = [];

function admin(opts: AdminClientOptions): AdminClient {
  const a = new AdminClient({ requestTimeoutMs: 20_000, ...opts });
  admins.push(a);
  return a;
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the promise to reject');
}

beforeAll(async () => {
  const [b, c] = await Promise.allSettled([startBroker({ name: 'admin-client' }), startCluster({ name: 'admin-client', brokers: 3 })]);
  if (b.status === 'fulfilled') broker = b.value;
  if (c.status === 'fulfilled') cluster = c.value;
  if (b.status === 'rejected') throw b.reason;
  if (c.status === 'rejected') throw c.reason;
});

afterAll(async () => {
  await Promise.all(admins.map((a) => a.close()));
  await Promise.all([broker?.cleanup(), cluster?.stop()]);
});

describe('AdminClient, single broker', () => {
  let a: AdminClient;
  beforeAll(() => {
    a = admin({ bootstrap: broker.bootstrap });
  });

  it('describeCluster lists the broker and a cluster id', async () => {
    const d = await a.describeCluster();
    expect(d.brokers).toEqual([{ nodeId: broker.brokerId, host: '127.0.0.1', port: broker.port, rack: null }]);
    expect(d.clusterId).toMatch(/^\S+$/);
    expect(d.controllerId).toBe(broker.brokerId);
  });

  it('createTopic with configs; describeTopics shows the partitions and the topic id kafka-topics prints', async () => {
    const name = uniqueName('admin-cfg');
    const { topicId } = await a.createTopic({
      name,
      partitions: 3,
      replicationFactor: 1,
      configs: { 'cleanup.policy': 'compact', 'retention.ms': '123456' },
    });
    expect(topicId).toMatch(/^[A-Za-z0-9_-]{22}$/);

    const described = await a.describeTopics([name, 'admin-no-such-topic']);
    expect([...described.keys()]).toEqual([name]);
    const t = described.get(name)!;
    expect(t.topicId).toBe(topicId);
    expect(t.isInternal).toBe(false);
    expect(t.partitions.map((p) => p.partition)).toEqual([0, 1, 2]);
    for (const p of t.partitions) {
      expect(p.replicas).toEqual([broker.brokerId]);
      expect(p.isr).toEqual([broker.brokerId]);
      expect(p.leader).toBe(broker.brokerId);
      expect(p.leaderEpoch).toBeGreaterThanOrEqual(0);
      expect(p.offlineReplicas).toEqual([]);
    }
    expect(await a.listTopics()).toContain(name);

    const tool = await kafkaTool('kafka-topics', ['--bootstrap-server', broker.bootstrap, '--describe', '--topic', name]);
    expect(tool.stdout).toContain(`TopicId: ${topicId}`);

    const configs = await a.describeTopicConfigs(name);
    expect(configs.get('cleanup.policy')).toMatchObject({ value: 'compact', isDefault: false, source: ConfigSource.DYNAMIC_TOPIC_CONFIG, readOnly: false });
    expect(configs.get('retention.ms')).toMatchObject({ value: '123456', isDefault: false, source: ConfigSource.DYNAMIC_TOPIC_CONFIG });
    expect(configs.get('segment.bytes')).toMatchObject({ isDefault: true, source: ConfigSource.DEFAULT_CONFIG, sensitive: false });
  });

  it('createTopic with explicit assignments and validateOnly', async () => {
    const name = uniqueName('admin-assign');
    const id = broker.brokerId;
    await a.createTopic({ name, assignments: [[id], [id]] });
    const t = (await a.describeTopics([name])).get(name)!;
    expect(t.partitions.map((p) => p.replicas)).toEqual([[id], [id]]);

    const dry = uniqueName('admin-dry');
    expect(await a.createTopic({ name: dry, partitions: 1, validateOnly: true })).toEqual({ topicId: null });
    expect((await a.describeTopics([dry])).size).toBe(0);
    // All topics when no names are given.
    const all = await a.describeTopics();
    expect(all.get(name)?.partitions).toHaveLength(2);
    expect(all.has(dry)).toBe(false);
  });

  it('close() makes later calls reject', async () => {
    const c = admin({ bootstrap: broker.bootstrap });
    await c.describeCluster();
    await c.close();
    await expect(c.listTopics()).rejects.toThrow(/closed/);
  });

  it('errors are KafkaAdminErrors with Kafka names: TOPIC_ALREADY_EXISTS, INVALID_REPLICATION_FACTOR', async () => {
    const name = uniqueName('admin-dup');
    await a.createTopic({ name, partitions: 1 });
    const e = await rejection(a.createTopic({ name, partitions: 1 }));
    expect(e).toBeInstanceOf(KafkaAdminError);
    expect(e).toMatchObject({ code: 36, errorName: 'TOPIC_ALREADY_EXISTS', resource: name });
    expect(e.message).toContain('TOPIC_ALREADY_EXISTS');

    const e2 = await rejection(a.createTopic({ name: uniqueName('admin-rf'), partitions: 1, replicationFactor: 3 }));
    expect(e2).toMatchObject({ code: 38, errorName: 'INVALID_REPLICATION_FACTOR' });
  });

  it('createPartitions grows a topic; shrinking is INVALID_PARTITIONS', async () => {
    const name = uniqueName('admin-grow');
    await a.createTopic({ name, partitions: 2 });
    await a.createPartitions(name, 5);
    const t = await waitFor(async () => {
      const d = (await a.describeTopics([name])).get(name);
      return d && d.partitions.length === 5 && d.partitions.every((p) => p.leader === broker.brokerId) ? d : null;
    }, { timeoutMs: 20_000, what: '5 led partitions' });
    expect(t.partitions.map((p) => p.partition)).toEqual([0, 1, 2, 3, 4]);
    await expect(a.createPartitions(name, 3)).rejects.toMatchObject({ errorName: 'INVALID_PARTITIONS', resource: name });
  });

  it('incrementalAlterTopicConfigs set/delete round trip; invalid values are INVALID_CONFIG', async () => {
    const name = uniqueName('admin-alter');
    await a.createTopic({ name, partitions: 1, configs: { 'cleanup.policy': 'compact' } });
    await a.incrementalAlterTopicConfigs(name, [
      { name: 'retention.ms', op: 'set', value: '7200000' },
      { name: 'cleanup.policy', op: 'delete' },
    ]);
    const c = await a.describeTopicConfigs(name);
    expect(c.get('retention.ms')).toMatchObject({ value: '7200000', source: ConfigSource.DYNAMIC_TOPIC_CONFIG, isDefault: false });
    expect(c.get('cleanup.policy')).toMatchObject({ value: 'delete', isDefault: true });

    await a.incrementalAlterTopicConfigs(name, [{ name: 'retention.ms', op: 'delete' }]);
    expect((await a.describeTopicConfigs(name)).get('retention.ms')).toMatchObject({ isDefault: true });

    await expect(a.incrementalAlterTopicConfigs(name, [{ name: 'cleanup.policy', op: 'set', value: 'bogus' }])).rejects.toMatchObject({
      errorName: 'INVALID_CONFIG',
      resource: name,
    });
    await expect(a.describeTopicConfigs(uniqueName('admin-missing'))).rejects.toMatchObject({ errorName: 'UNKNOWN_TOPIC_OR_PARTITION' });
  });

  it('describeBrokerConfigs / incrementalAlterBrokerConfigs (per broker and cluster default)', async () => {
    const id = broker.brokerId;
    const before = await a.describeBrokerConfigs(id);
    expect(before.get('num.partitions')).toMatchObject({ value: '1', source: ConfigSource.STATIC_BROKER_CONFIG, isDefault: false });

    await a.incrementalAlterBrokerConfigs(null, [{ name: 'log.retention.ms', op: 'set', value: '86400000' }]);
    await waitFor(async () => (await a.describeBrokerConfigs(id)).get('log.retention.ms')?.source === ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG, {
      timeoutMs: 15_000,
      what: 'log.retention.ms from the cluster default',
    });
    await a.incrementalAlterBrokerConfigs(id, [{ name: 'log.retention.ms', op: 'set', value: '43200000' }]);
    const per = await waitFor(async () => {
      const e = (await a.describeBrokerConfigs(id)).get('log.retention.ms');
      return e?.source === ConfigSource.DYNAMIC_BROKER_CONFIG ? e : null;
    }, { timeoutMs: 15_000, what: 'log.retention.ms per broker' });
    expect(per.value).toBe('43200000');
    await a.incrementalAlterBrokerConfigs(id, [{ name: 'log.retention.ms', op: 'delete' }]);
    await a.incrementalAlterBrokerConfigs(null, [{ name: 'log.retention.ms', op: 'delete' }]);
    await waitFor(async () => (await a.describeBrokerConfigs(id)).get('log.retention.ms')?.source !== ConfigSource.DYNAMIC_BROKER_CONFIG, {
      timeoutMs: 15_000,
      what: 'per-broker log.retention.ms removed',
    });
    await expect(a.describeBrokerConfigs(4242)).rejects.toMatchObject({ errorName: 'BROKER_NOT_AVAILABLE' });
  });

  it('describeBrokerDefaultConfigs lists only the cluster-wide defaults; describeTopicConfigsBatch reads several topics at once', async () => {
    const before = await a.describeBrokerDefaultConfigs();
    for (const e of before.values()) expect(e.source).toBe(ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
    await a.incrementalAlterBrokerConfigs(null, [
      { name: 'log.retention.ms', op: 'set', value: '7200000' },
      { name: 'log.cleaner.delete.retention.ms', op: 'set', value: '3600000' },
    ]);
    const set = await waitFor(async () => {
      const d = await a.describeBrokerDefaultConfigs();
      return d.get('log.retention.ms')?.value === '7200000' && d.has('log.cleaner.delete.retention.ms') ? d : null;
    }, { timeoutMs: 15_000, what: 'cluster defaults set' });
    expect(set.get('log.retention.ms')).toMatchObject({ value: '7200000', source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG, isDefault: false, readOnly: false });
    expect(set.get('log.cleaner.delete.retention.ms')).toMatchObject({ value: '3600000', source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG });
    // Static and default keys are not part of the "" resource.
    expect(set.has('num.partitions')).toBe(false);
    expect(set.has('log.segment.bytes')).toBe(before.has('log.segment.bytes'));

    const t1 = uniqueName('admin-batch');
    const t2 = uniqueName('admin-batch');
    await a.createTopic({ name: t1, partitions: 1, replicationFactor: 1, configs: { 'retention.ms': '60000' } });
    await a.createTopic({ name: t2, partitions: 1, replicationFactor: 1 });
    // Kafka (KRaft) answers UNKNOWN_TOPIC_OR_PARTITION for a topic its metadata cache does not have yet: absent.
    const missing = uniqueName('admin-missing');
    const batch = await waitFor(async () => {
      const m = await a.describeTopicConfigsBatch([t1, t2, missing], ['retention.ms', 'min.insync.replicas']);
      return m.has(t1) && m.has(t2) ? m : null;
    }, { timeoutMs: 15_000, what: 'both topics described' });
    expect([...batch.keys()].sort()).toEqual([t1, t2].sort());
    expect([...batch.get(t1)!.keys()].sort()).toEqual(['min.insync.replicas', 'retention.ms']);
    expect(batch.get(t1)!.get('retention.ms')).toMatchObject({ value: '60000', source: ConfigSource.DYNAMIC_TOPIC_CONFIG });
    // t2 inherits the cluster default set above.
    expect(batch.get(t2)!.get('retention.ms')).toMatchObject({ value: '7200000', source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG });
    expect(batch.get(t2)!.get('min.insync.replicas')).toMatchObject({ value: '1', source: ConfigSource.DEFAULT_CONFIG });
    expect(await a.describeTopicConfigsBatch([])).toEqual(new Map());
    await a.deleteTopics([t1, t2]);

    await a.incrementalAlterBrokerConfigs(null, [
      { name: 'log.retention.ms', op: 'delete' },
      { name: 'log.cleaner.delete.retention.ms', op: 'delete' },
    ]);
    await waitFor(async () => {
      const d = await a.describeBrokerDefaultConfigs();
      return !d.has('log.retention.ms') && !d.has('log.cleaner.delete.retention.ms');
    }, { timeoutMs: 15_000, what: 'cluster defaults removed' });
  });

  it('deleteTopics deletes; a missing topic is not an error', async () => {
    const name = uniqueName('admin-del');
    await a.createTopic({ name, partitions: 2 });
    await a.deleteTopics([name, uniqueName('admin-never-existed')]);
    await waitFor(async () => (await a.describeTopics([name])).size === 0, { timeoutMs: 20_000, what: 'topic gone' });
    expect(await a.listTopics()).not.toContain(name);
    await a.deleteTopics([name]);
    await a.deleteTopics([]);
  });

  it('a bootstrap list tries the addresses in order until one answers', async () => {
    const dead = await freePort();
    const c = admin({ bootstrap: `127.0.0.1:${dead},${broker.bootstrap}` });
    expect((await c.describeCluster()).brokers.map((b) => b.nodeId)).toEqual([broker.brokerId]);
  });

  it('a bootstrap that refuses connections rejects quickly with a clear NetworkError', async () => {
    const dead = await freePort();
    const c = admin({ bootstrap: `127.0.0.1:${dead}`, connectTimeoutMs: 2000, retries: 2 });
    const t0 = Date.now();
    const e = await rejection(c.describeCluster());
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(e).toBeInstanceOf(NetworkError);
    expect(e.message).toContain(`127.0.0.1:${dead}`);
    expect(e.message).toMatch(/ECONNREFUSED/);
    expect(e.message).toMatch(/no bootstrap broker answered/);
    await expect(c.createTopic({ name: 'x', partitions: 1 })).rejects.toBeInstanceOf(NetworkError);
  });

  it('garbage from the network rejects with NetworkError and does not crash the process', async () => {
    const replies: ((s: Socket, data: Buffer) => void)[] = [
      (s) => s.write(Buffer.from([0, 0, 0, 8, 0x7f, 1, 2, 3, 4, 5, 6, 7])), // unknown correlation id
      (s) => s.write(Buffer.from([0x7f, 0xff, 0xff, 0xff, 1, 2, 3])), // absurd frame size
      (s, d) => s.end(Buffer.concat([Buffer.from([0, 0, 0, 6]), d.subarray(8, 12), Buffer.from([0xff, 0xff])])), // truncated body
      (s) => s.destroy(), // hang up
    ];
    for (const [i, reply] of replies.entries()) {
      const server: Server = createServer((s) => {
        s.on('error', () => {});
        s.once('data', (d: Buffer) => reply(s, d));
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const port = (server.address() as { port: number }).port;
      try {
        const c = admin({ bootstrap: `127.0.0.1:${port}`, retries: 1, requestTimeoutMs: 3000 });
        const e = await rejection(c.describeCluster());
        expect(e, `reply ${i}`).toBeInstanceOf(NetworkError);
        expect(e.message).toContain(`127.0.0.1:${port}`);
      } finally {
        await new Promise((r) => server.close(r));
      }
    }
  });
});

describe('AdminClient, 3-broker ZooKeeper-mode cluster', () => {
  let a: AdminClient;
  const topic = uniqueName('admin-moving');
  beforeAll(() => {
    a = admin({ bootstrap: cluster.bootstrap });
  });

  it('describeCluster: three brokers and the ZooKeeper-elected controller', async () => {
    const d = await a.describeCluster();
    expect(d.brokers.map((b) => b.nodeId)).toEqual([1, 2, 3]);
    for (const b of d.brokers) expect(b.port).toBe(cluster.broker(b.nodeId).port);
    expect(d.controllerId).toBe(await cluster.controller());
    expect(d.clusterId).toBe(JSON.parse((await cluster.zkGet('/cluster/id'))!).id);
  });

  it('createTopic with explicit assignments: replicas as asked, topic id as in ZooKeeper', async () => {
    const { topicId } = await a.createTopic({ name: topic, assignments: [[1, 2], [2, 3]], configs: { 'min.insync.replicas': '1' } });
    const zk = JSON.parse((await cluster.zkGet(`/brokers/topics/${topic}`))!) as { topic_id: string; partitions: Record<string, number[]> };
    expect(topicId).toBe(zk.topic_id);
    expect(zk.partitions).toEqual({ '0': [1, 2], '1': [2, 3] });
    // Read-your-writes: describe right after the create (Metadata goes to the controller first) sees the topic.
    expect((await a.describeTopics([topic])).get(topic)?.partitions.map((p) => p.replicas)).toEqual([
      [1, 2],
      [2, 3],
    ]);
    const t = await waitFor(async () => {
      const d = (await a.describeTopics([topic])).get(topic);
      return d && d.partitions.every((p) => p.isr.length === 2) ? d : null;
    }, { timeoutMs: 30_000, what: 'full ISR' });
    expect(t.topicId).toBe(topicId);
    expect(t.partitions.map((p) => [p.partition, p.leader, p.replicas])).toEqual([
      [0, 1, [1, 2]],
      [1, 2, [2, 3]],
    ]);
    expect((await a.describeTopicConfigs(topic)).get('min.insync.replicas')).toMatchObject({ value: '1', source: ConfigSource.DYNAMIC_TOPIC_CONFIG });
  });

  it('alterPartitionReassignments moves a partition; listPartitionReassignments drains to empty', async () => {
    await a.alterPartitionReassignments([{ topic, partition: 0, replicas: [2, 3] }]);
    await waitFor(async () => (await a.listPartitionReassignments()).length === 0, { timeoutMs: 60_000, intervalMs: 300, what: 'no reassignment in progress' });
    expect(await a.listPartitionReassignments([{ topic, partitions: [0, 1] }])).toEqual([]);
    const p0 = await waitFor(async () => {
      const p = (await a.describeTopics([topic])).get(topic)?.partitions[0];
      return p && p.replicas.join() === '2,3' && [...p.isr].sort().join() === '2,3' ? p : null;
    }, { timeoutMs: 30_000, what: 'partition 0 on 2,3' });
    expect([2, 3]).toContain(p0.leader);

    // Cancelling where nothing is in progress, and unknown partitions, name the failing partition.
    const e = await rejection(a.alterPartitionReassignments([{ topic, partition: 1, replicas: null }]));
    expect(e).toBeInstanceOf(KafkaAdminError);
    expect(e).toMatchObject({ errorName: 'NO_REASSIGNMENT_IN_PROGRESS', resource: `${topic}-1` });
    await expect(a.alterPartitionReassignments([{ topic: uniqueName('admin-nope'), partition: 0, replicas: [1] }])).rejects.toMatchObject({
      errorName: 'UNKNOWN_TOPIC_OR_PARTITION',
    });
  });

  it('electPreferredLeaders moves leadership back to the preferred replica', async () => {
    // Reorder partition 1's replicas (2,3 → 3,2): the leader stays 2, the preferred leader becomes 3.
    await a.alterPartitionReassignments([{ topic, partition: 1, replicas: [3, 2] }]);
    await waitFor(async () => {
      const p = (await a.describeTopics([topic])).get(topic)?.partitions[1];
      return (await a.listPartitionReassignments()).length === 0 && p?.replicas.join() === '3,2' && p.isr.length === 2;
    }, { timeoutMs: 60_000, what: 'partition 1 reordered to 3,2' });
    const before = (await a.describeTopics([topic])).get(topic)!.partitions[1]!;
    expect(before.leader).toBe(2);

    expect(await a.electPreferredLeaders([{ topic, partition: 1 }])).toEqual([]);
    const after = await waitFor(async () => {
      const p = (await a.describeTopics([topic])).get(topic)?.partitions[1];
      return p?.leader === 3 ? p : null;
    }, { timeoutMs: 30_000, what: 'leader 3 for partition 1' });
    expect(after.leaderEpoch).toBeGreaterThan(before.leaderEpoch);

    // Nothing left to do: ELECTION_NOT_NEEDED is not a failure, for named partitions and for all.
    expect(await a.electPreferredLeaders([{ topic, partition: 1 }])).toEqual([]);
    expect(await a.electPreferredLeaders()).toEqual([]);
    const missing = uniqueName('admin-nope');
    expect(await a.electPreferredLeaders([{ topic: missing, partition: 0 }])).toEqual([
      expect.objectContaining({ topic: missing, partition: 0, error: 'UNKNOWN_TOPIC_OR_PARTITION' }),
    ]);
  });

  it('mapAddress is applied to bootstrap and advertised addresses', async () => {
    const real: BrokerAddress = { host: '127.0.0.1', port: cluster.broker(1).port };
    const seen: string[] = [];
    const mapped = admin({
      bootstrap: 'broker.invalid:1234',
      mapAddress: (addr) => {
        seen.push(`${addr.host}:${addr.port}`);
        return addr.host === 'broker.invalid' ? real : addr;
      },
    });
    const d = await mapped.describeCluster();
    expect(d.brokers.map((b) => b.nodeId)).toEqual([1, 2, 3]);
    const name = uniqueName('admin-mapped');
    await mapped.createTopic({ name, partitions: 1, replicationFactor: 2 });
    await mapped.deleteTopics([name]);
    expect(seen).toContain('broker.invalid:1234');
    expect(seen).toContain(`127.0.0.1:${cluster.broker(d.controllerId).port}`); // the controller, as advertised

    // Advertised addresses mapped somewhere unreachable: Metadata still works through the bootstrap, requests
    // for the controller fail, naming the address actually dialled.
    const dead = await freePort();
    const misrouted = admin({
      bootstrap: 'broker.invalid:1234',
      retries: 2,
      mapAddress: (addr) => (addr.host === 'broker.invalid' ? real : { host: '127.0.0.1', port: dead }),
    });
    expect((await misrouted.describeCluster()).brokers).toHaveLength(3);
    const e = await rejection(misrouted.createTopic({ name: uniqueName('admin-misrouted'), partitions: 1 }));
    expect(e).toBeInstanceOf(NetworkError);
    expect(e.message).toContain(`127.0.0.1:${dead}`);

    // A mapAddress that throws rejects the call with its error.
    const broken = admin({
      bootstrap: 'broker.invalid:1234',
      mapAddress: () => {
        throw new Error('no route for this one');
      },
    });
    await expect(broken.describeCluster()).rejects.toThrow('no route for this one');

    // Without mapAddress the fake name does not resolve.
    const unmapped = admin({ bootstrap: 'broker.invalid:1234', retries: 1, connectTimeoutMs: 3000 });
    const e2 = await rejection(unmapped.describeCluster());
    expect(e2).toBeInstanceOf(NetworkError);
    expect(e2.message).toContain('broker.invalid:1234');
    expect(e2.message).toMatch(/ENOTFOUND|EAI_AGAIN/);
  });

  it('NOT_CONTROLLER: refreshes and retries while requests reach a non-controller; bounded when it persists', async () => {
    const { controllerId } = await a.describeCluster();
    const controllerPort = cluster.broker(controllerId).port;
    const other = cluster.ids.find((id) => id !== controllerId)!;
    const wrong: BrokerAddress = { host: '127.0.0.1', port: cluster.broker(other).port };
    // For its first 150 ms the client reaches another broker when it dials the controller, as with stale metadata.
    let misroutedUntil = 0;
    let misrouted = 0;
    const c = admin({
      bootstrap: cluster.bootstrap,
      mapAddress: (addr) => {
        if (addr.port !== controllerPort) return addr;
        if (misroutedUntil === 0) misroutedUntil = Date.now() + 150;
        if (Date.now() >= misroutedUntil) return addr;
        misrouted++;
        return wrong;
      },
    });
    expect(await c.listPartitionReassignments()).toEqual([]);
    expect(misrouted).toBeGreaterThan(0);

    // Always misrouted: gives up after the retries with Kafka's error.
    const stuck = admin({
      bootstrap: cluster.bootstrap,
      retries: 2,
      mapAddress: (addr) => (addr.port === controllerPort ? wrong : addr),
    });
    const t0 = Date.now();
    const e = await rejection(stuck.listPartitionReassignments());
    expect(e).toBeInstanceOf(KafkaAdminError);
    expect(e).toMatchObject({ errorName: 'NOT_CONTROLLER' });
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('deleteTopics through the controller', async () => {
    await a.deleteTopics([topic]);
    await waitFor(async () => !(await a.listTopics()).includes(topic), { timeoutMs: 30_000, what: `${topic} deleted` });
  });
});
