// KafkaZkClient against a 3-node ZooKeeper ensemble: killing any one server (including the one the client is
// connected to) must not lose the session, the broker's ephemeral registration, or later operations.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaZkClient } from '../src/metadata/kafka-zk-client.js';
import { type ZkEnsemble, startZooKeeper } from '../../test/helpers/zookeeper.js';

let zk: ZkEnsemble;
const clients: KafkaZkClient[] = [];

beforeAll(async () => {
  zk = await startZooKeeper({ nodes: 3, name: 'zk-ensemble' });
});

afterAll(async () => {
  for (const c of clients) await c.close().catch(() => {});
  await zk?.stop();
});

describe('KafkaZkClient on a 3-node ensemble', () => {
  it('keeps its session and keeps working while one node at a time is killed', async () => {
    // Session timeout well above a reconnect to another server.
    const c = await KafkaZkClient.connect({ connect: `${zk.connectString}/kafka`, sessionTimeoutMs: 6000, connectionTimeoutMs: 15_000 });
    clients.push(c);
    let newSessions = 0;
    c.on('newSession', () => newSessions++);
    const epoch = await c.registerBroker({
      id: 1,
      rack: null,
      endpoints: [{ name: 'PLAINTEXT', host: '127.0.0.1', port: 9092, securityProtocol: 'PLAINTEXT' }],
    });
    const session = c.sessionId;
    for (const [i, node] of zk.nodes.entries()) {
      await node.kill('SIGKILL');
      // Writes and reads go through a quorum of the two remaining nodes.
      await c.createTopic(`t${i}`, 'q9Y8Dk3-SLmVqS0RoLZ1Hg', [[1]], {});
      expect((await c.getTopicAssignment(`t${i}`))?.partitions.get(0)).toEqual([1]);
      expect(await c.allocateProducerIdBlock(1)).toBe(i * 1000);
      expect((await c.getBroker(1))?.epoch).toBe(epoch);
      await node.restart();
    }
    expect(c.sessionId).toBe(session);
    expect(newSessions).toBe(0);
    expect(await c.getAllTopics()).toEqual(['t0', 't1', 't2']);
  });
});
