// KafkaZkClient against a real ZooKeeper 3.8 (one node): every operation, the znode bytes as Kafka writes them,
// conditional-write conflicts, controller-epoch fencing, ephemerals, watches and session expiry.
import { type Socket, connect as tcpConnect, createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BadVersionError,
  BrokerIdInUseError,
  ControllerMovedError,
  DEFAULT_BROKER_ENTITY,
  KafkaZkClient,
  NoNodeError,
  NodeExistsError,
  TopicAlreadyMarkedForDeletionError,
  TopicExistsError,
  ZkDataError,
  type ZkWatchEvent,
  partitionKey,
} from '../src/metadata/kafka-zk-client.js';
import { encodePreferredReplicaElection, encodeReassignment } from '../src/metadata/zk-json.js';
import { waitFor } from '../../test/helpers/util.js';
import { type ZkEnsemble, startZooKeeper, zkCli } from '../../test/helpers/zookeeper.js';

const TOPIC_ID = 'q9Y8Dk3-SLmVqS0RoLZ1Hg';
const ep = (port: number) => ({ name: 'PLAINTEXT', host: '127.0.0.1', port, securityProtocol: 'PLAINTEXT' });

let zk: ZkEnsemble;
let chroot: string;
let connect: string;
const clients: KafkaZkClient[] = [];

async function client(sessionTimeoutMs = 4000): Promise<KafkaZkClient> {
  const c = await KafkaZkClient.connect({ connect, sessionTimeoutMs, connectionTimeoutMs: 10_000 });
  clients.push(c);
  return c;
}

/** Records watch events; `next()` resolves with the first one (or after a timeout with null). */
function recorder(): { fn: (e: ZkWatchEvent) => void; events: ZkWatchEvent[]; next: (ms?: number) => Promise<ZkWatchEvent | null> } {
  const events: ZkWatchEvent[] = [];
  return {
    events,
    fn: (e) => events.push(e),
    next: (ms = 5000) => waitFor(() => events[0], { timeoutMs: ms, intervalMs: 20, what: 'watch event' }).catch(() => null),
  };
}

const text = async (c: KafkaZkClient, path: string): Promise<string | null> => {
  const r = await c.getData(path);
  return r && r.data ? r.data.toString('utf8') : null;
};

/** A TCP proxy to one ZooKeeper server that a test can cut (drop every connection, refuse new ones) and restore. */
async function startProxy(target: number): Promise<{ port: number; cut: () => void; restore: () => void; close: () => void }> {
  let cutOff = false;
  const sockets = new Set<Socket>();
  const server = createServer((down) => {
    if (cutOff) {
      down.destroy();
      return;
    }
    const up = tcpConnect(target, '127.0.0.1');
    for (const s of [down, up]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => {
        sockets.delete(s);
        down.destroy();
        up.destroy();
      });
    }
    down.pipe(up);
    up.pipe(down);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  return {
    port: typeof addr === 'object' && addr ? addr.port : 0,
    cut: () => {
      cutOff = true;
      for (const s of sockets) s.destroy();
    },
    restore: () => {
      cutOff = false;
    },
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

beforeAll(async () => {
  zk = await startZooKeeper({ nodes: 1, name: 'zk-client' });
  chroot = `/gregor-${Date.now().toString(36)}`;
  connect = `${zk.connectString}${chroot}`;
});

afterAll(async () => {
  for (const c of clients) await c.close().catch(() => {});
  await zk?.stop();
});

describe('KafkaZkClient', () => {
  it('creates the chroot and Kafka top-level paths', async () => {
    const c = await client();
    const root = await KafkaZkClient.connect({ connect: zk.connectString, sessionTimeoutMs: 4000 });
    clients.push(root);
    expect(await root.exists(chroot)).not.toBeNull();
    expect((await c.getChildren('/'))?.sort()).toEqual(
      ['admin', 'brokers', 'config', 'consumers', 'isr_change_notification', 'latest_producer_id_block', 'log_dir_event_notification'].sort(),
    );
    expect((await c.getChildren('/config'))?.sort()).toEqual(['brokers', 'changes', 'clients', 'ips', 'topics', 'users']);
    expect((await c.getData('/brokers/ids'))?.data).toBeNull();
  });

  it('cluster id: created once, then read', async () => {
    const c = await client();
    expect(await c.getOrCreateClusterId('clusterAAAAAAAAAAAAAAAA')).toBe('clusterAAAAAAAAAAAAAAAA');
    expect(await c.getOrCreateClusterId('other')).toBe('clusterAAAAAAAAAAAAAAAA');
    expect(await text(c, '/cluster/id')).toBe('{"version":"1","id":"clusterAAAAAAAAAAAAAAAA"}');
  });

  it('broker registration: ephemeral v5 JSON, epoch = czxid, id in use, gone when the session closes', async () => {
    const a = await client();
    const b = await client();
    const ids = recorder();
    expect(await a.getBrokerIds(ids.fn)).toEqual([]);
    const epoch = await a.registerBroker({ id: 1, rack: null, endpoints: [ep(9092)] });
    const stat = await a.exists('/brokers/ids/1');
    expect(stat?.czxid).toBe(epoch);
    expect(stat?.ephemeralOwner).toBe(a.sessionId);
    expect(stat?.version).toBe(1); // created empty and filled in one multi, as Kafka
    expect((await ids.next())?.type).toBe('childrenChanged');
    expect((await text(a, '/brokers/ids/1'))?.replace(/"timestamp":"\d+"/, '"timestamp":"T"')).toBe(
      '{"features":{},"listener_security_protocol_map":{"PLAINTEXT":"PLAINTEXT"},"endpoints":["PLAINTEXT://127.0.0.1:9092"],"jmx_port":-1,"port":9092,"host":"127.0.0.1","version":5,"timestamp":"T"}',
    );
    // The same session re-registering (a retried create) is fine; another session is not.
    expect(await a.registerBroker({ id: 1, rack: null, endpoints: [ep(9092)] })).toBe(epoch);
    await expect(b.registerBroker({ id: 1, rack: null, endpoints: [ep(9093)] })).rejects.toBeInstanceOf(BrokerIdInUseError);
    const epoch2 = await b.registerBroker({ id: 2, rack: 'rack-b', endpoints: [ep(9093)] });
    expect(epoch2).toBeGreaterThan(epoch);
    expect(await a.getBrokerIds()).toEqual([1, 2]);
    expect(await a.getBroker(2)).toMatchObject({ info: { id: 2, rack: 'rack-b', endpoints: [ep(9093)] }, epoch: epoch2 });
    expect((await a.getAllBrokers()).map((x) => [x.info.id, x.epoch])).toEqual([
      [1, epoch],
      [2, epoch2],
    ]);
    const gone = recorder();
    await a.getBroker(2, gone.fn);
    await b.close();
    expect(await gone.next()).toEqual({ type: 'deleted', path: '/brokers/ids/2' });
    expect(await a.getBrokerIds()).toEqual([1]);
    expect(await a.getBroker(2)).toBeNull();
  });

  it('a malformed broker znode is a ZkDataError and skipped by getAllBrokers', async () => {
    const c = await client();
    await c.create('/brokers/ids/99', Buffer.from('{"version":5,"endpoints":'), 'ephemeral');
    await expect(c.getBroker(99)).rejects.toBeInstanceOf(ZkDataError);
    expect((await c.getAllBrokers()).map((b) => b.info.id)).not.toContain(99);
    await c.delete('/brokers/ids/99');
  });

  it('controller election, epoch increments, resignation, watches', async () => {
    const a = await client();
    const b = await client();
    const w = recorder();
    expect(await a.getControllerId(w.fn)).toBe(-1);
    const won = await a.tryElectController(1);
    expect(won).toEqual({ elected: true, epoch: 1, epochZkVersion: 1 });
    expect(await w.next()).toEqual({ type: 'created', path: '/controller' });
    expect((await text(a, '/controller'))?.replace(/"timestamp":"\d+"/, '"timestamp":"T"')).toBe(
      '{"version":2,"brokerid":1,"timestamp":"T","kraftControllerEpoch":-1}',
    );
    expect(await text(a, '/controller_epoch')).toBe('1');
    expect(await b.tryElectController(2)).toEqual({ elected: false, epoch: 1, epochZkVersion: 1 });
    expect(await b.getControllerId()).toBe(1);
    await b.resignController(2); // not the holder: no-op
    expect(await b.getControllerId()).toBe(1);
    const w2 = recorder();
    expect(await b.getControllerId(w2.fn)).toBe(1);
    await a.resignController(1);
    expect(await w2.next()).toEqual({ type: 'deleted', path: '/controller' });
    expect(await b.tryElectController(2)).toEqual({ elected: true, epoch: 2, epochZkVersion: 2 });
    expect(await a.getControllerEpoch()).toEqual({ epoch: 2, zkVersion: 2 });
    await b.resignController(2);
  });

  it('topics: config first, assignment v3, exists, conditional and fenced assignment writes', async () => {
    const c = await client();
    const { epochZkVersion } = await c.tryElectController(1);
    const topics = recorder();
    const before = await c.getAllTopics(topics.fn);
    await c.createTopic('orders', TOPIC_ID, [
      [1, 2],
      [2, 1],
    ], { 'retention.ms': '1000', 'cleanup.policy': 'compact' });
    expect(await topics.next()).toEqual({ type: 'childrenChanged', path: '/brokers/topics' });
    expect(await c.getAllTopics()).toEqual([...before, 'orders'].sort());
    expect(await text(c, '/brokers/topics/orders')).toBe(
      `{"partitions":{"0":[1,2],"1":[2,1]},"topic_id":"${TOPIC_ID}","adding_replicas":{},"removing_replicas":{},"version":3}`,
    );
    expect(await text(c, '/config/topics/orders')).toBe('{"version":1,"config":{"cleanup.policy":"compact","retention.ms":"1000"}}');
    await expect(c.createTopic('orders', TOPIC_ID, [[1]], {})).rejects.toBeInstanceOf(TopicExistsError);

    const a = await c.getTopicAssignment('orders');
    expect(a).toMatchObject({ topicId: TOPIC_ID, zkVersion: 0 });
    expect([...(a?.partitions ?? new Map()).entries()]).toEqual([
      [0, [1, 2]],
      [1, [2, 1]],
    ]);
    const next = new Map([
      [0, [1, 2, 3]],
      [1, [2, 1]],
      [2, [3, 1]],
    ]);
    await expect(c.setTopicAssignment('orders', TOPIC_ID, next, new Map([[0, [3]]]), new Map(), 5)).rejects.toBeInstanceOf(
      BadVersionError,
    );
    await expect(
      c.setTopicAssignment('orders', TOPIC_ID, next, new Map(), new Map(), -1, epochZkVersion - 1),
    ).rejects.toBeInstanceOf(ControllerMovedError);
    expect(await c.setTopicAssignment('orders', TOPIC_ID, next, new Map([[0, [3]]]), new Map(), 0, epochZkVersion)).toBe(1);
    expect(await text(c, '/brokers/topics/orders')).toBe(
      `{"partitions":{"0":[1,2,3],"1":[2,1],"2":[3,1]},"topic_id":"${TOPIC_ID}","adding_replicas":{"0":[3]},"removing_replicas":{},"version":3}`,
    );
    expect((await c.getTopicAssignment('orders'))?.adding.get(0)).toEqual([3]);
    expect(await c.getTopicAssignment('nope')).toBeNull();
    // What a Kafka user sees with zookeeper-shell.
    expect(await zkCli(zk.connectString, ['get', `${chroot}/brokers/topics/orders`])).toBe(
      `{"partitions":{"0":[1,2,3],"1":[2,1],"2":[3,1]},"topic_id":"${TOPIC_ID}","adding_replicas":{"0":[3]},"removing_replicas":{},"version":3}`,
    );
    await c.resignController(1);
  });

  it('partition states: fenced creates and conditional updates', async () => {
    const c = await client();
    await c.createTopic('ps', TOPIC_ID, [[1, 2], [2, 1]], {});
    const { epoch, epochZkVersion } = await c.tryElectController(1);
    const states = [0, 1].map((p) => ({
      topic: 'ps',
      partition: p,
      state: { leader: p === 0 ? 1 : 2, leaderEpoch: 0, isr: p === 0 ? [1, 2] : [2, 1], controllerEpoch: epoch },
    }));
    await expect(c.createPartitionStates(states, epochZkVersion - 1)).rejects.toBeInstanceOf(ControllerMovedError);
    expect(await c.exists('/brokers/topics/ps/partitions/0/state')).toBeNull();
    const created = await c.createPartitionStates(states, epochZkVersion);
    expect(created.get(partitionKey('ps', 0))).toEqual({ ok: true, newZkVersion: 0 });
    expect(created.get(partitionKey('ps', 1))).toEqual({ ok: true, newZkVersion: 0 });
    expect((await c.createPartitionStates(states.slice(0, 1), epochZkVersion)).get('ps-0')).toEqual({ ok: false, conflict: true });
    expect(await text(c, '/brokers/topics/ps/partitions/0/state')).toBe(
      `{"controller_epoch":${epoch},"leader":1,"version":1,"leader_epoch":0,"isr":[1,2]}`,
    );
    const read = await c.getPartitionStates([
      { topic: 'ps', partition: 0 },
      { topic: 'ps', partition: 1 },
      { topic: 'ps', partition: 7 },
    ]);
    expect(read.get('ps-0')).toEqual({ leader: 1, leaderEpoch: 0, isr: [1, 2], controllerEpoch: epoch, leaderRecoveryState: 0, zkVersion: 0 });
    expect(read.has('ps-7')).toBe(false);

    const shrink = { topic: 'ps', partition: 0, state: { leader: 1, leaderEpoch: 1, isr: [1], controllerEpoch: epoch }, expectedZkVersion: 0 };
    expect((await c.updatePartitionStates([shrink], epochZkVersion)).get('ps-0')).toEqual({ ok: true, newZkVersion: 1 });
    // Same expected version again: someone (we) wrote since → conflict.
    expect((await c.updatePartitionStates([shrink], epochZkVersion)).get('ps-0')).toEqual({ ok: false, conflict: true });
    const missing = await c.updatePartitionStates([{ ...shrink, partition: 9 }], epochZkVersion);
    expect(missing.get('ps-9')).toMatchObject({ ok: false, conflict: false });
    // A new controller is elected: the old one's writes are fenced and change nothing.
    await c.resignController(1);
    const other = await client();
    const newer = await other.tryElectController(2);
    expect(newer.elected).toBe(true);
    await expect(c.updatePartitionStates([{ ...shrink, expectedZkVersion: 1 }], epochZkVersion)).rejects.toBeInstanceOf(
      ControllerMovedError,
    );
    expect((await c.getPartitionStates([{ topic: 'ps', partition: 0 }])).get('ps-0')?.zkVersion).toBe(1);
    await other.resignController(2);
  });

  it('topic deletion: mark, list with watch, delete znodes fenced, remove the mark', async () => {
    const c = await client();
    await c.createTopic('doomed', TOPIC_ID, [[1]], { 'retention.ms': '5' });
    const { epochZkVersion } = await c.tryElectController(1);
    await c.createPartitionStates([{ topic: 'doomed', partition: 0, state: { leader: 1, leaderEpoch: 0, isr: [1], controllerEpoch: 1 } }], epochZkVersion);
    const w = recorder();
    expect(await c.getTopicDeletions(w.fn)).toEqual([]);
    await expect(c.markTopicForDeletion('never-created')).rejects.toBeInstanceOf(NoNodeError);
    await c.markTopicForDeletion('doomed');
    expect(await w.next()).toEqual({ type: 'childrenChanged', path: '/admin/delete_topics' });
    await expect(c.markTopicForDeletion('doomed')).rejects.toBeInstanceOf(TopicAlreadyMarkedForDeletionError);
    expect(await c.getTopicDeletions()).toEqual(['doomed']);
    await expect(c.deleteTopicZNodes('doomed', epochZkVersion + 5)).rejects.toBeInstanceOf(ControllerMovedError);
    await c.deleteTopicZNodes('doomed', epochZkVersion);
    expect(await c.exists('/brokers/topics/doomed')).toBeNull();
    expect(await c.exists('/config/topics/doomed')).toBeNull();
    await c.removeTopicDeletion('doomed', epochZkVersion);
    expect(await c.getTopicDeletions()).toEqual([]);
    await c.resignController(1);
  });

  it('entity configs and change notifications', async () => {
    const c = await client();
    const w = recorder();
    const before = await c.getConfigChangeNotifications(w.fn);
    expect(await c.getEntityConfigs('brokers', DEFAULT_BROKER_ENTITY)).toEqual({});
    await c.setEntityConfigs('brokers', DEFAULT_BROKER_ENTITY, { 'log.retention.ms': '60000' });
    expect(await w.next()).toEqual({ type: 'childrenChanged', path: '/config/changes' });
    await c.setEntityConfigs('topics', 'cfg-topic', { 'segment.bytes': '1048576' });
    const after = await c.getConfigChangeNotifications();
    const added = after.filter((n) => !before.includes(n));
    expect(added).toHaveLength(2);
    expect(added.every((n) => /^config_change_\d{10}$/.test(n))).toBe(true);
    expect(await c.getConfigChangeNotification(added[0])).toBe('brokers/<default>');
    expect(await c.getConfigChangeNotification(added[1])).toBe('topics/cfg-topic');
    expect(await text(c, `/config/changes/${added[1]}`)).toBe('{"version":2,"entity_path":"topics/cfg-topic"}');
    expect(await text(c, '/config/brokers/<default>')).toBe('{"version":1,"config":{"log.retention.ms":"60000"}}');
    expect(await c.getEntityConfigs('brokers', DEFAULT_BROKER_ENTITY)).toEqual({ 'log.retention.ms': '60000' });
    await c.setEntityConfigs('brokers', DEFAULT_BROKER_ENTITY, {});
    expect(await c.getEntityConfigs('brokers', DEFAULT_BROKER_ENTITY)).toEqual({});
    await c.deleteConfigChangeNotification(added[0]);
    expect(await c.getConfigChangeNotification(added[0])).toBeNull();
  });

  it('reassignment and preferred replica election znodes', async () => {
    const c = await client();
    const w = recorder();
    expect(await c.getPartitionReassignment(w.fn)).toBeNull();
    await c.createRecursive('/admin/reassign_partitions', encodeReassignment([{ topic: 'orders', partition: 0, replicas: [2, 3] }]));
    expect(await w.next()).toEqual({ type: 'created', path: '/admin/reassign_partitions' });
    expect(await c.getPartitionReassignment()).toEqual([{ topic: 'orders', partition: 0, replicas: [2, 3] }]);
    await c.deletePartitionReassignment();
    expect(await c.getPartitionReassignment()).toBeNull();

    const p = recorder();
    expect(await c.getPreferredReplicaElection(p.fn)).toBeNull();
    await c.createRecursive('/admin/preferred_replica_election', encodePreferredReplicaElection([{ topic: 'orders', partition: 1 }]));
    expect((await p.next())?.type).toBe('created');
    expect(await c.getPreferredReplicaElection()).toEqual([{ topic: 'orders', partition: 1 }]);
    await c.deletePreferredReplicaElection();
  });

  it('producer id blocks: conditional, disjoint under concurrency', async () => {
    const a = await client();
    const b = await client();
    const starts = await Promise.all([
      a.allocateProducerIdBlock(1),
      b.allocateProducerIdBlock(2),
      a.allocateProducerIdBlock(1),
      b.allocateProducerIdBlock(2),
    ]);
    expect([...starts].sort((x, y) => x - y)).toEqual([0, 1000, 2000, 3000]);
    const last = await text(a, '/latest_producer_id_block');
    expect(last).toMatch(/^\{"version":1,"broker":[12],"block_start":"3000","block_end":"3999"\}$/);
  });

  it('generic ops: conditional writes, errors, one-shot watches', async () => {
    const c = await client();
    await c.createRecursive('/g/a/b', Buffer.from('x'));
    await expect(c.createRecursive('/g/a/b')).rejects.toBeInstanceOf(NodeExistsError);
    await c.createRecursive('/g/a/b', null, { ignoreExists: true });
    await expect(c.setData('/g/a/b', Buffer.from('y'), 3)).rejects.toBeInstanceOf(BadVersionError);
    await expect(c.setData('/g/missing', Buffer.from('y'))).rejects.toBeInstanceOf(NoNodeError);
    const w = recorder();
    await c.getData('/g/a/b', w.fn);
    await c.getData('/g/a/b', w.fn); // re-armed before firing: still one ZooKeeper watch
    expect((await c.setData('/g/a/b', Buffer.from('y'), 0)).version).toBe(1);
    await c.setData('/g/a/b', Buffer.from('z'), 1);
    await w.next();
    await new Promise((r) => setTimeout(r, 200));
    expect(w.events).toEqual([{ type: 'dataChanged', path: '/g/a/b' }]);
    expect(await c.deleteRecursive('/g')).toBe(true);
    expect(await c.deleteRecursive('/g')).toBe(false);
    expect(await c.getChildren('/g')).toBeNull();
  });

  it('session expiry: a new session, newSession event, ephemerals gone until re-registered', async () => {
    // The client reaches ZooKeeper through a proxy; cutting it for longer than the session timeout makes the server
    // expire the session, exactly like a network partition in production. On reconnecting the client is told its
    // session expired and must start a new one.
    const proxy = await startProxy(zk.nodes[0].clientPort);
    try {
      const c = await KafkaZkClient.connect({ connect: `127.0.0.1:${proxy.port}${chroot}`, sessionTimeoutMs: 2000, connectionTimeoutMs: 20_000 });
      clients.push(c);
      const observer = await client();
      let newSessions = 0;
      c.on('newSession', () => {
        newSessions++;
        // The owner's job, as in Kafka: re-register the broker.
        void c.registerBroker({ id: 7, rack: null, endpoints: [ep(9097)] });
      });
      const epoch = await c.registerBroker({ id: 7, rack: null, endpoints: [ep(9097)] });
      const oldSession = c.sessionId;
      const gone = recorder();
      await observer.getBroker(7, gone.fn);
      proxy.cut();
      expect(await gone.next(10_000)).toEqual({ type: 'deleted', path: '/brokers/ids/7' });
      expect(newSessions).toBe(0);
      proxy.restore();
      await waitFor(() => newSessions === 1, { timeoutMs: 15_000, what: 'newSession' });
      expect(c.sessionId).not.toBe(oldSession);
      const re = await waitFor(() => observer.getBroker(7), { timeoutMs: 10_000, what: 're-registration' });
      expect(re.epoch).toBeGreaterThan(epoch);
      expect((await observer.exists('/brokers/ids/7'))?.ephemeralOwner).toBe(c.sessionId);
      expect(await c.getBrokerIds()).toContain(7);
    } finally {
      proxy.close();
    }
  });
});
