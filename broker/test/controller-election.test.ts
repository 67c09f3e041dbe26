// Controller election, failover and fencing against a real ZooKeeper (test/helpers/zookeeper.ts).
import { describe, expect, it } from 'vitest';
import { ControllerMovedError } from '../src/metadata/kafka-zk-client.js';
import { newTopicId } from '../src/server/topic-names.js';
import { REQUEST_TYPE_UNKNOWN } from '../src/controller/request-batch.js';
import {
  connectZk,
  registerBroker,
  startController,
  stateJson,
  waitFor,
  waitForState,
  type FakeBroker,
  type TestController,
  useZooKeeper,
} from './controller-fixtures.js';

const zoo = useZooKeeper('controller-election', 'election');
const connectString = (): string => zoo.connectString();

async function controller(connect: string, id: number): Promise<TestController> {
  const c = await startController(connect, id);
  zoo.defer(() => c.stop());
  return c;
}

async function broker(connect: string, id: number): Promise<FakeBroker> {
  const b = await registerBroker(connect, id);
  zoo.defer(() => b.close());
  return b;
}

describe('controller election', () => {
  it('elects one controller, fails over to the other with the next epoch', async () => {
    const connect = connectString();
    const a = await controller(connect, 1);
    const b = await controller(connect, 2);
    expect(a.controller.isActive()).toBe(true);
    expect(a.controller.epoch()).toBe(1);
    expect(b.controller.isActive()).toBe(false);
    expect(b.controller.activeController()).toBe(1);

    const raw = await a.zk.getData('/controller');
    const json = JSON.parse(raw!.data!.toString('utf8')) as Record<string, unknown>;
    expect(json).toMatchObject({ version: 2, brokerid: 1, kraftControllerEpoch: -1 });
    expect(typeof json.timestamp).toBe('string');

    await a.stop();
    await waitFor(() => b.controller.isActive(), { timeoutMs: 15_000, intervalMs: 50, what: 'controller 2 active' });
    expect(b.controller.epoch()).toBe(2);
    const epoch = await b.zk.getData('/controller_epoch');
    expect(epoch!.data!.toString('utf8')).toBe('2');
    expect(await b.zk.getControllerId()).toBe(2);
  });

  it('the new controller loads partition states and pushes full state to every broker', async () => {
    const connect = connectString();
    const brokers = [await broker(connect, 1), await broker(connect, 2), await broker(connect, 3)];
    const a = await controller(connect, 1);
    const topicId = newTopicId();
    await a.zk.createTopic('orders', topicId, [
      [1, 2, 3],
      [2, 3, 1],
    ]);
    await waitForState(a.zk, 'orders', 1, (s) => s.leader === 2, 'orders-1 state');
    const b = await controller(connect, 2);
    await a.stop();
    await waitFor(() => b.controller.isActive(), { timeoutMs: 15_000, intervalMs: 50, what: 'controller 2 active' });
    await b.controller.idle();

    for (const br of brokers) {
      const ums = b.network.updateMetadata(br.id);
      expect(ums.length).toBeGreaterThan(0);
      const first = ums[0]!;
      expect(first.controllerId).toBe(2);
      expect(first.controllerEpoch).toBe(2);
      expect(first.brokerEpoch).toBe(br.epoch);
      expect(first.liveBrokers.map((l) => l.id).sort()).toEqual([1, 2, 3]);
      expect(first.liveBrokers[0]!.endpoints[0]).toMatchObject({ host: '127.0.0.1', listener: 'PLAINTEXT', securityProtocol: 0 });
      const topic = first.topicStates.find((t) => t.topicName === 'orders');
      expect(topic?.topicId).toBe(topicId);
      expect(topic?.partitionStates.map((p) => [p.partitionIndex, p.leader])).toEqual([
        [0, 1],
        [1, 2],
      ]);

      const lisr = b.network.leaderAndIsr(br.id);
      expect(lisr.length).toBeGreaterThan(0);
      expect(lisr[0]!.type).toBe(REQUEST_TYPE_UNKNOWN); // as Kafka's ZooKeeper controller
      expect(lisr[0]!.brokerEpoch).toBe(br.epoch);
      const states = lisr[0]!.topicStates[0]!.partitionStates;
      expect(states.map((s) => s.partitionIndex).sort()).toEqual([0, 1]);
      for (const s of states) {
        expect(s.partitionEpoch).toBe(0);
        expect(s.isNew).toBe(false);
        expect(s.controllerEpoch).toBe(1);
      }
      expect(lisr[0]!.liveLeaders.map((l) => l.brokerId).sort()).toEqual([1, 2]);
      // UpdateMetadata reaches a broker before the LeaderAndIsr that depends on its live-broker list.
      const order = b.network.sent.filter((s) => s.brokerId === br.id && (s.apiKey === 4 || s.apiKey === 6)).map((s) => s.apiKey);
      expect(order[0]).toBe(6);
    }
  });

  it('fences a deposed controller: its conditional writes fail and it resigns', async () => {
    const connect = connectString();
    await broker(connect, 1);
    await broker(connect, 2);
    const a = await controller(connect, 1);
    await a.zk.createTopic('fenced', newTopicId(), [[1, 2]]);
    await waitForState(a.zk, 'fenced', 0, (s) => s.leader === 1, 'fenced-0 state');
    const oldEpochZkVersion = (await a.zk.getControllerEpoch())!.zkVersion;
    const before = await stateJson(a.zk, 'fenced', 0);

    // Another controller moved /controller_epoch on (controller 1 has not noticed: nothing watches the epoch).
    const admin = await connectZk(connect);
    zoo.defer(() => admin.close());
    await admin.setData('/controller_epoch', Buffer.from('2'));

    // Controller 1's next write (moving leadership off broker 1) is refused; it answers NOT_CONTROLLER and resigns.
    await expect(a.controller.controlledShutdown(1, -1)).rejects.toMatchObject({ code: 41 });
    expect(await stateJson(a.zk, 'fenced', 0)).toEqual(before);

    // The raw conditional write with the old epoch version fails the same way.
    const zkVersion = (await a.zk.getPartitionStates([{ topic: 'fenced', partition: 0 }])).get('fenced-0')!.zkVersion;
    await expect(
      a.zk.updatePartitionStates(
        [{ topic: 'fenced', partition: 0, state: { leader: 2, leaderEpoch: 9, isr: [2], controllerEpoch: 1 }, expectedZkVersion: zkVersion }],
        oldEpochZkVersion,
      ),
    ).rejects.toBeInstanceOf(ControllerMovedError);
    expect(await stateJson(a.zk, 'fenced', 0)).toEqual(before);

    // Resigning deleted /controller, so a fresh election follows with a newer epoch than the one that fenced us.
    await waitFor(() => a.controller.isActive() && a.controller.epoch() === 3, {
      timeoutMs: 15_000,
      intervalMs: 50,
      what: 're-election with epoch 3',
    });
    await a.controller.idle();
    const after = await stateJson(a.zk, 'fenced', 0);
    expect(after).toMatchObject({ leader: 1, isr: [1, 2], controller_epoch: 1 });
  });

  it('a controller whose session closes is replaced; the survivor elects leaders for the lost broker', async () => {
    const connect = connectString();
    const b1 = await broker(connect, 1);
    await broker(connect, 2);
    const a = await controller(connect, 1);
    const b = await controller(connect, 2);
    await a.zk.createTopic('survive', newTopicId(), [[1, 2]]);
    await waitForState(a.zk, 'survive', 0, (s) => s.leader === 1, 'survive-0 state');
    // Broker 1 dies: first its controller (session closed), then its registration.
    await a.stop();
    await waitFor(() => b.controller.isActive(), { timeoutMs: 15_000, intervalMs: 50, what: 'controller 2 active' });
    await b1.close();
    const s = await waitForState(b.zk, 'survive', 0, (x) => x.leader === 2, 'leader moved to 2');
    expect(s).toMatchObject({ leader: 2, leader_epoch: 1, isr: [2], controller_epoch: 2 });
  });
});
