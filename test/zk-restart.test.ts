// A broker must come back by itself after its ZooKeeper restarts (kill -9, same data and port): reconnect
// with the old session or, once that is gone, a new session with the registration recreated. Repeated a few
// times with both brokers, because the client library has been seen staying disconnected for good.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminClient } from '../broker/src/client/index.js';
import { startBroker, type TestBroker } from './helpers/broker.js';
import { startZooKeeper, type ZkEnsemble } from './helpers/zookeeper.js';
import { zkGetData } from './helpers/zk-raw.js';
import { waitFor } from './helpers/util.js';

const ROUNDS = 3;

describe('brokers survive ZooKeeper restarts', () => {
  let zk: ZkEnsemble;
  const brokers: TestBroker[] = [];

  beforeAll(async () => {
    zk = await startZooKeeper({ name: 'zk-restart' });
    for (const id of [0, 1]) {
      brokers.push(
        await startBroker({
          name: `zk-restart-b${id}`,
          brokerId: id,
          zookeeperConnect: zk.connectString,
          overrides: { 'zookeeper.session.timeout.ms': 6000, 'controlled.shutdown.retry.backoff.ms': 500 },
        }),
      );
    }
  }, 120_000);

  afterAll(async () => {
    for (const b of brokers) await b.stop().catch(() => {});
    await zk?.stop();
  }, 60_000);

  it(`re-registers after ${ROUNDS} kill -9 / restart cycles of ZooKeeper and still serves admin requests`, async () => {
    const node = zk.nodes[0]!;
    for (let round = 1; round <= ROUNDS; round++) {
      await node.kill('SIGKILL');
      await sleep(2500);
      await node.restart();
      for (const b of brokers) {
        await waitFor(async () => (await zkGetData(node.connectString, `/brokers/ids/${b.brokerId}`)) !== null, {
          what: `round ${round}: broker ${b.brokerId} registered again`,
          timeoutMs: 45_000,
          intervalMs: 500,
        });
      }
      const admin = new AdminClient({ bootstrap: brokers.map((b) => b.bootstrap).join(','), requestTimeoutMs: 10_000 });
      try {
        const topic = `after-restart-${round}`;
        await waitFor(
          async () => {
            await admin.createTopic({ name: topic, partitions: 2, replicationFactor: 2 });
            return true;
          },
          { what: `round ${round}: create a topic`, timeoutMs: 30_000, intervalMs: 1000 },
        ).catch(async (e) => {
          // TOPIC_ALREADY_EXISTS from an earlier attempt that timed out on the client side counts as created.
          if (!(await admin.describeTopics([topic])).has(topic)) throw e;
        });
        const described = await admin.describeTopics([topic]);
        expect(described.get(topic)?.partitions.map((p) => p.replicas.length)).toEqual([2, 2]);
        const cluster = await admin.describeCluster();
        expect(cluster.brokers.map((b) => b.nodeId).sort()).toEqual([0, 1]);
      } finally {
        await admin.close();
      }
    }
  }, 400_000);
});
