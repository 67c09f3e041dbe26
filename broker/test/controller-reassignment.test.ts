// Partition reassignment (AlterPartitionReassignments and /admin/reassign_partitions) against a real
// ZooKeeper: RS = ORS + TRS while reassigning, completion once TRS ⊆ ISR, cancellation.
import { describe, expect, it } from 'vitest';
import { newTopicId } from '../src/server/topic-names.js';
import {
  connectZk,
  startController,
  stateJson,
  waitFor,
  waitForState,
  type FakeBroker,
  type TestController,
  startCluster,
  useZooKeeper,
} from './controller-fixtures.js';

const zoo = useZooKeeper('controller-reassignment', 'reassign');

async function setup(topic: string, assignment: number[][]): Promise<{ connect: string; c: TestController; brokers: Map<number, FakeBroker>; topicId: string }> {
  const { connect, brokers, c } = await startCluster(zoo, [1, 2, 3]);
  const topicId = newTopicId();
  await c.zk.createTopic(topic, topicId, assignment);
  await waitForState(c.zk, topic, assignment.length - 1, () => true, `${topic} states`);
  await c.controller.idle();
  c.network.clear();
  return { connect, c, brokers, topicId };
}

async function assignmentJson(c: TestController, topic: string): Promise<Record<string, unknown>> {
  const r = await c.zk.getData(`/brokers/topics/${topic}`);
  return JSON.parse(r!.data!.toString('utf8')) as Record<string, unknown>;
}

/** The leader reports the ISR it now has, as its ReplicaManager would once followers catch up. */
async function expandIsr(s: Awaited<ReturnType<typeof setup>>, topic: string, partition: number, isr: number[]): Promise<void> {
  const cur = (await s.c.zk.getPartitionStates([{ topic, partition }])).get(`${topic}-${partition}`)!;
  const resp = await s.c.controller.alterPartition(
    {
      brokerId: cur.leader,
      brokerEpoch: s.brokers.get(cur.leader)!.epoch,
      topics: [
        {
          topicName: topic,
          topicId: s.topicId,
          partitions: [
            {
              partitionIndex: partition,
              leaderEpoch: cur.leaderEpoch,
              newIsr: [],
              newIsrWithEpochs: isr.map((brokerId) => ({ brokerId, brokerEpoch: s.brokers.get(brokerId)!.epoch })),
              leaderRecoveryState: 0,
              partitionEpoch: cur.zkVersion,
            },
          ],
        },
      ],
    },
    3,
  );
  expect(resp.topics[0]!.partitions[0]!.errorCode).toBe(0);
}

describe('controller reassignment', () => {
  it('adds the target replicas, waits for them in the ISR, elects in the target set and removes the rest', async () => {
    const s = await setup('r', [[1, 2]]);
    const res = await s.c.controller.alterPartitionReassignments([{ topic: 'r', partition: 0, replicas: [2, 3] }]);
    expect(res.get('r-0')).toMatchObject({ errorCode: 0 });

    // Phase A: RS = TRS + ORS, adding/removing in the assignment znode, leader epoch bumped.
    expect(await assignmentJson(s.c, 'r')).toMatchObject({
      version: 3,
      topic_id: s.topicId,
      partitions: { '0': [2, 3, 1] },
      adding_replicas: { '0': [3] },
      removing_replicas: { '0': [1] },
    });
    expect(await stateJson(s.c.zk, 'r', 0)).toMatchObject({ leader: 1, leader_epoch: 1, isr: [1, 2] });
    expect(await s.c.controller.listPartitionReassignments(null)).toEqual([
      { topic: 'r', partition: 0, replicas: [2, 3, 1], addingReplicas: [3], removingReplicas: [1] },
    ]);
    await s.c.controller.idle();
    expect(s.c.network.partitionStates(3, 'r', 0).at(-1)).toMatchObject({
      leader: 1,
      leaderEpoch: 1,
      replicas: [2, 3, 1],
      addingReplicas: [3],
      removingReplicas: [1],
      isNew: true,
    });
    for (const id of [1, 2]) expect(s.c.network.partitionStates(id, 'r', 0).at(-1)).toMatchObject({ leaderEpoch: 1, isNew: false });

    // A partial ISR does not complete it.
    s.c.network.clear();
    await expandIsr(s, 'r', 0, [1, 2]);
    await s.c.controller.idle();
    expect((await s.c.controller.listPartitionReassignments(null)).length).toBe(1);

    // Broker 3 caught up: phase B.
    await expandIsr(s, 'r', 0, [1, 2, 3]);
    await waitFor(async () => (await s.c.controller.listPartitionReassignments(null)).length === 0, { what: 'reassignment completed' });
    await s.c.controller.idle();
    const a = await assignmentJson(s.c, 'r');
    expect(a.partitions).toEqual({ '0': [2, 3] });
    expect(a.adding_replicas).toEqual({});
    expect(a.removing_replicas).toEqual({});
    const state = (await stateJson(s.c.zk, 'r', 0)) as { leader: number; isr: number[]; leader_epoch: number };
    expect(state.leader).toBe(2);
    expect(state.isr).toEqual([2, 3]);
    expect(state.leader_epoch).toBeGreaterThan(1);
    const stops = s.c.network.stopReplica(1).flatMap((r) => r.topicStates.flatMap((t) => t.partitionStates.map((p) => p.deletePartition)));
    expect(stops).toEqual([false, true]);
    expect(s.c.network.stopReplica(2)).toEqual([]);
    expect(s.c.network.stopReplica(3)).toEqual([]);
    const um = s.c.network.updateMetadata(3).at(-1)!;
    expect(um.topicStates[0]!.partitionStates[0]).toMatchObject({ leader: 2, replicas: [2, 3], isr: [2, 3] });
  });

  it('cancels a pending reassignment and rejects invalid ones', async () => {
    const s = await setup('cx', [[1, 2], [2, 1]]);
    let res = await s.c.controller.alterPartitionReassignments([{ topic: 'cx', partition: 0, replicas: [3, 2] }]);
    expect(res.get('cx-0')!.errorCode).toBe(0);
    expect((await assignmentJson(s.c, 'cx')).partitions).toEqual({ '0': [3, 2, 1], '1': [2, 1] });

    res = await s.c.controller.alterPartitionReassignments([
      { topic: 'cx', partition: 0, replicas: null },
      { topic: 'cx', partition: 1, replicas: null },
      { topic: 'cx', partition: 7, replicas: [1, 2] },
      { topic: 'cx', partition: 1, replicas: [1, 9] },
    ]);
    expect(res.get('cx-0')!.errorCode).toBe(0);
    expect(res.get('cx-7')!.errorCode).toBe(3); // UNKNOWN_TOPIC_OR_PARTITION
    expect(res.get('cx-1')!.errorCode).toBe(39); // INVALID_REPLICA_ASSIGNMENT (the later entry for cx-1 wins)
    const again = await s.c.controller.alterPartitionReassignments([{ topic: 'cx', partition: 1, replicas: null }]);
    expect(again.get('cx-1')!.errorCode).toBe(85); // NO_REASSIGNMENT_IN_PROGRESS
    const dup = await s.c.controller.alterPartitionReassignments([{ topic: 'cx', partition: 1, replicas: [1, 1] }]);
    expect(dup.get('cx-1')!.errorCode).toBe(39);

    expect(await s.c.controller.listPartitionReassignments(null)).toEqual([]);
    const a = await assignmentJson(s.c, 'cx');
    // As in Kafka, the origin replicas are RS minus the adding ones in RS order (RS was [3, 2, 1]).
    expect(a.partitions).toEqual({ '0': [2, 1], '1': [2, 1] });
    expect(a.adding_replicas).toEqual({});
    await s.c.controller.idle();
    // The replica added by the cancelled reassignment is stopped and deleted.
    const stops = s.c.network.stopReplica(3).flatMap((r) => r.topicStates.flatMap((t) => t.partitionStates.map((p) => p.deletePartition)));
    expect(stops).toContain(true);
    expect(await stateJson(s.c.zk, 'cx', 0)).toMatchObject({ leader: 1, isr: [1, 2] });
  });

  it('picks up /admin/reassign_partitions and removes the entry when done', async () => {
    const s = await setup('z', [[1, 2]]);
    const admin = await connectZk(s.connect);
    zoo.defer(() => admin.close());
    await admin.createRecursive(
      '/admin/reassign_partitions',
      Buffer.from('{"version":1,"partitions":[{"topic":"z","partition":0,"replicas":[1,3]}]}'),
    );
    await waitFor(async () => (await s.c.controller.listPartitionReassignments([{ topic: 'z', partition: 0 }])).length === 1, {
      what: 'reassignment started from the znode',
    });
    expect(await s.c.controller.listPartitionReassignments([{ topic: 'z', partition: 0 }])).toEqual([
      { topic: 'z', partition: 0, replicas: [1, 3, 2], addingReplicas: [3], removingReplicas: [2] },
    ]);
    await expandIsr(s, 'z', 0, [1, 2, 3]);
    await waitFor(async () => !(await admin.exists('/admin/reassign_partitions')), { what: 'znode removed' });
    expect((await assignmentJson(s.c, 'z')).partitions).toEqual({ '0': [1, 3] });
    expect(await stateJson(s.c.zk, 'z', 0)).toMatchObject({ leader: 1, isr: [1, 3] });
  });

  it('a new controller resumes a reassignment recorded in the assignment znode', async () => {
    const s = await setup('resume', [[1, 2]]);
    await s.c.controller.alterPartitionReassignments([{ topic: 'resume', partition: 0, replicas: [2, 3] }]);
    await expandIsr(s, 'resume', 0, [1, 2]);
    const other = await startController(s.connect, 2);
    zoo.defer(() => other.stop());
    await s.c.controller.shutdown();
    await waitFor(() => other.controller.isActive(), { what: 'controller 2 active' });
    await other.controller.idle();
    expect(await other.controller.listPartitionReassignments(null)).toEqual([
      { topic: 'resume', partition: 0, replicas: [2, 3, 1], addingReplicas: [3], removingReplicas: [1] },
    ]);
    const cur = (await other.zk.getPartitionStates([{ topic: 'resume', partition: 0 }])).get('resume-0')!;
    const resp = await other.controller.alterPartition(
      {
        brokerId: cur.leader,
        brokerEpoch: s.brokers.get(cur.leader)!.epoch,
        topics: [
          {
            topicName: 'resume',
            topicId: s.topicId,
            partitions: [
              {
                partitionIndex: 0,
                leaderEpoch: cur.leaderEpoch,
                newIsr: [],
                newIsrWithEpochs: [1, 2, 3].map((b) => ({ brokerId: b, brokerEpoch: s.brokers.get(b)!.epoch })),
                leaderRecoveryState: 0,
                partitionEpoch: cur.zkVersion,
              },
            ],
          },
        ],
      },
      3,
    );
    expect(resp.topics[0]!.partitions[0]!.errorCode).toBe(0);
    await waitFor(async () => (await other.controller.listPartitionReassignments(null)).length === 0, { what: 'completed' });
    expect(await stateJson(other.zk, 'resume', 0)).toMatchObject({ leader: 2, isr: [2, 3] });
  });
});
