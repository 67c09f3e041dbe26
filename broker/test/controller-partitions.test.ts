// Partition leadership driven by the controller against a real ZooKeeper: new topics and partitions,
// broker loss and return, AlterPartition, controlled shutdown, leader elections, topic deletion.
import { describe, expect, it } from 'vitest';
import { newTopicId } from '../src/server/topic-names.js';
import type { AlterPartitionRequest } from '../src/protocol/messages/56_alter_partition.js';
import { ELECTION_PREFERRED, ELECTION_UNCLEAN } from '../src/controller/kafka-controller.js';
import {
  connectZk,
  registerBroker,
  startController,
  stateJson,
  waitFor,
  waitForState,
  type FakeBroker,
  startCluster,
  type TestCluster,
  useZooKeeper,
} from './controller-fixtures.js';

const zoo = useZooKeeper('controller-partitions', 'partitions');

interface Cluster extends TestCluster {
  restart(id: number): Promise<FakeBroker>;
  kill(id: number): Promise<void>;
}

async function cluster(ids: number[], config: Parameters<typeof startController>[2] = {}): Promise<Cluster> {
  const { connect, brokers, c } = await startCluster(zoo, ids, config);
  return {
    connect,
    brokers,
    c,
    async restart(id) {
      const b = await registerBroker(connect, id);
      brokers.set(id, b);
      return b;
    },
    async kill(id) {
      await brokers.get(id)?.close();
      brokers.delete(id);
    },
  };
}

function alterPartition(
  cl: Cluster,
  brokerId: number,
  topicId: string,
  partition: number,
  leaderEpoch: number,
  partitionEpoch: number,
  isr: number[],
): AlterPartitionRequest {
  return {
    brokerId,
    brokerEpoch: cl.brokers.get(brokerId)!.epoch,
    topics: [
      {
        topicName: '',
        topicId,
        partitions: [
          {
            partitionIndex: partition,
            leaderEpoch,
            newIsr: [],
            newIsrWithEpochs: isr.map((id) => ({ brokerId: id, brokerEpoch: cl.brokers.get(id)?.epoch ?? -1 })),
            leaderRecoveryState: 0,
            partitionEpoch,
          },
        ],
      },
    ],
  };
}

describe('controller partition state', () => {
  it('creates partition states for a new topic in Kafka JSON and announces them', async () => {
    const cl = await cluster([1, 2, 3]);
    const topicId = newTopicId();
    await cl.c.zk.createTopic('events', topicId, [
      [1, 2, 3],
      [2, 3, 1],
      [3, 1, 2],
    ]);
    await waitForState(cl.c.zk, 'events', 2, () => true, 'events-2 state');
    await cl.c.controller.idle();
    const raw = await cl.c.zk.getData('/brokers/topics/events/partitions/0/state');
    expect(raw!.data!.toString('utf8')).toBe('{"controller_epoch":1,"leader":1,"version":1,"leader_epoch":0,"isr":[1,2,3]}');
    expect(await stateJson(cl.c.zk, 'events', 1)).toEqual({ controller_epoch: 1, leader: 2, version: 1, leader_epoch: 0, isr: [2, 3, 1] });

    for (const id of [1, 2, 3]) {
      const states = cl.c.network.partitionStates(id, 'events', 0);
      expect(states).toHaveLength(1);
      expect(states[0]).toMatchObject({ leader: 1, leaderEpoch: 0, isr: [1, 2, 3], partitionEpoch: 0, replicas: [1, 2, 3], isNew: true, controllerEpoch: 1 });
      const lisr = cl.c.network.leaderAndIsr(id).at(-1)!;
      expect(lisr.topicStates[0]!.topicId).toBe(topicId);
      expect(lisr.brokerEpoch).toBe(cl.brokers.get(id)!.epoch);
      const um = cl.c.network.updateMetadata(id).at(-1)!;
      expect(um.topicStates.find((t) => t.topicName === 'events')?.topicId).toBe(topicId);
    }

    // A new partition appears in the assignment znode (CreatePartitions): only it is initialised.
    cl.c.network.clear();
    const a = (await cl.c.zk.getTopicAssignment('events'))!;
    const partitions = new Map(a.partitions);
    partitions.set(3, [1, 3, 2]);
    await cl.c.zk.setTopicAssignment('events', topicId, partitions, new Map(), new Map(), a.zkVersion);
    await waitForState(cl.c.zk, 'events', 3, (s) => s.leader === 1, 'events-3 state');
    await cl.c.controller.idle();
    const sentPartitions = cl.c.network.leaderAndIsr().flatMap((r) => r.topicStates.flatMap((t) => t.partitionStates.map((p) => p.partitionIndex)));
    expect(new Set(sentPartitions)).toEqual(new Set([3]));
  });

  it('a new partition leads with the first live replica; ISR is the live replicas', async () => {
    const cl = await cluster([1, 2, 3]);
    await cl.kill(1);
    await waitFor(async () => !(await cl.c.zk.getBrokerIds()).includes(1), { what: 'broker 1 gone' });
    await cl.c.zk.createTopic('partial', newTopicId(), [[1, 2, 3]]);
    const s = await waitForState(cl.c.zk, 'partial', 0, () => true, 'partial-0 state');
    expect(s).toMatchObject({ leader: 2, leader_epoch: 0, isr: [2, 3] });
  });

  it('moves leadership when a broker dies, and brings it back with full state when it returns', async () => {
    const cl = await cluster([1, 2, 3]);
    const topicId = newTopicId();
    await cl.c.zk.createTopic('t', topicId, [
      [1, 2, 3],
      [2, 3, 1],
    ]);
    await waitForState(cl.c.zk, 't', 1, () => true, 't-1 state');
    await cl.c.controller.idle();
    cl.c.network.clear();

    await cl.kill(1);
    // Partition 0 was led by 1: new leader from the live ISR, epoch bumped, 1 out of the ISR.
    const s0 = await waitForState(cl.c.zk, 't', 0, (s) => s.leader !== 1, 't-0 new leader');
    expect(s0).toMatchObject({ leader: 2, leader_epoch: 1, isr: [2, 3], controller_epoch: 1 });
    // Partition 1 keeps its leader; broker 1 leaves the ISR with a new leader epoch.
    const s1 = await waitForState(cl.c.zk, 't', 1, (s) => !s.isr.includes(1), 't-1 isr shrink');
    expect(s1).toMatchObject({ leader: 2, leader_epoch: 1, isr: [2, 3] });
    await cl.c.controller.idle();
    for (const id of [2, 3]) {
      expect(cl.c.network.partitionStates(id, 't', 0).at(-1)).toMatchObject({ leader: 2, leaderEpoch: 1, isr: [2, 3], partitionEpoch: 1 });
      const um = cl.c.network.updateMetadata(id).at(-1)!;
      expect(um.liveBrokers.map((b) => b.id).sort()).toEqual([2, 3]);
    }
    expect(cl.c.network.sent.filter((s) => s.brokerId === 1)).toEqual([]);

    // Broker 1 returns: full UpdateMetadata and LeaderAndIsr for its replicas, as a follower.
    cl.c.network.clear();
    const b1 = await cl.restart(1);
    await waitFor(() => cl.c.network.leaderAndIsr(1).length > 0, { what: 'LeaderAndIsr to returning broker' });
    await cl.c.controller.idle();
    const um = cl.c.network.updateMetadata(1)[0]!;
    expect(um.brokerEpoch).toBe(b1.epoch);
    expect(um.topicStates.find((t) => t.topicName === 't')!.partitionStates).toHaveLength(2);
    const lisr = cl.c.network.leaderAndIsr(1)[0]!;
    expect(lisr.brokerEpoch).toBe(b1.epoch);
    expect(lisr.topicStates[0]!.partitionStates.map((p) => [p.partitionIndex, p.leader]).sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);

    // The leader adds it back to the ISR through AlterPartition.
    const ok = await cl.c.controller.alterPartition(alterPartition(cl, 2, topicId, 0, 1, 1, [2, 3, 1]), 3);
    expect(ok.errorCode).toBe(0);
    expect(ok.topics[0]!.partitions[0]).toMatchObject({ errorCode: 0, leaderId: 2, leaderEpoch: 1, isr: [2, 3, 1], partitionEpoch: 2 });
    expect(await stateJson(cl.c.zk, 't', 0)).toMatchObject({ leader: 2, leader_epoch: 1, isr: [2, 3, 1] });
    await cl.c.controller.idle();
    const last = cl.c.network.updateMetadata(3).at(-1)!;
    expect(last.topicStates[0]!.partitionStates[0]).toMatchObject({ partitionIndex: 0, isr: [2, 3, 1], zkVersion: 2 });

    // The same request again (a retry) is answered with the current state.
    const again = await cl.c.controller.alterPartition(alterPartition(cl, 2, topicId, 0, 1, 1, [2, 3, 1]), 3);
    expect(again.topics[0]!.partitions[0]).toMatchObject({ errorCode: 0, isr: [2, 3, 1], partitionEpoch: 2 });
  });

  it('validates AlterPartition: stale partition epoch, fenced leader epoch, ineligible replicas, stale broker', async () => {
    const cl = await cluster([1, 2, 3]);
    const topicId = newTopicId();
    await cl.c.zk.createTopic('ap', topicId, [[1, 2, 3]]);
    await waitForState(cl.c.zk, 'ap', 0, () => true, 'ap-0 state');
    const ctl = cl.c.controller;
    // Shrink to [1, 2].
    let r = await ctl.alterPartition(alterPartition(cl, 1, topicId, 0, 0, 0, [1, 2]), 3);
    expect(r.topics[0]!.partitions[0]).toMatchObject({ errorCode: 0, isr: [1, 2], partitionEpoch: 1 });
    // Stale partition epoch.
    r = await ctl.alterPartition(alterPartition(cl, 1, topicId, 0, 0, 0, [1]), 3);
    expect(r.topics[0]!.partitions[0]!.errorCode).toBe(95); // INVALID_UPDATE_VERSION
    // An ISR naming a broker that is not registered.
    r = await ctl.alterPartition(alterPartition(cl, 1, topicId, 0, 0, 1, [1, 2, 9]), 3);
    expect(r.topics[0]!.partitions[0]!.errorCode).toBe(107); // INELIGIBLE_REPLICA
    const v1 = alterPartition(cl, 1, topicId, 0, 0, 1, [1, 2, 9]);
    v1.topics[0]!.topicName = 'ap';
    v1.topics[0]!.partitions[0]!.newIsr = [1, 2, 9];
    r = await ctl.alterPartition(v1, 1);
    expect(r.topics[0]!.partitions[0]!.errorCode).toBe(55); // OPERATION_NOT_ATTEMPTED before v2
    // Broker 2 shuts down: it leaves the ISR with a new leader epoch; the old epoch is fenced.
    await ctl.controlledShutdown(2, cl.brokers.get(2)!.epoch);
    expect(await stateJson(cl.c.zk, 'ap', 0)).toMatchObject({ leader: 1, leader_epoch: 1, isr: [1] });
    r = await ctl.alterPartition(alterPartition(cl, 1, topicId, 0, 0, 2, [1]), 3);
    expect(r.topics[0]!.partitions[0]!.errorCode).toBe(74); // FENCED_LEADER_EPOCH
    // A shutting-down broker is not eligible for the ISR.
    r = await ctl.alterPartition(alterPartition(cl, 1, topicId, 0, 1, 2, [1, 2]), 3);
    expect(r.topics[0]!.partitions[0]!.errorCode).toBe(107);
    // Wrong broker epoch.
    const stale = alterPartition(cl, 1, topicId, 0, 1, 2, [1, 3]);
    stale.brokerEpoch -= 1;
    r = await ctl.alterPartition(stale, 3);
    expect(r.errorCode).toBe(77); // STALE_BROKER_EPOCH
    // A replica's broker epoch that is not its current registration (KIP-903).
    const oldEpoch = alterPartition(cl, 1, topicId, 0, 1, 2, [1, 3]);
    oldEpoch.topics[0]!.partitions[0]!.newIsrWithEpochs[1]!.brokerEpoch -= 1;
    r = await ctl.alterPartition(oldEpoch, 3);
    expect(r.topics[0]!.partitions[0]!.errorCode).toBe(107);
    // Unknown topic id.
    r = await ctl.alterPartition(alterPartition(cl, 1, newTopicId(), 0, 1, 2, [1]), 3);
    expect(r.topics[0]!.partitions[0]!.errorCode).toBe(100); // UNKNOWN_TOPIC_ID
    expect(await stateJson(cl.c.zk, 'ap', 0)).toMatchObject({ leader: 1, leader_epoch: 1, isr: [1] });
    // A valid expansion still works.
    r = await ctl.alterPartition(alterPartition(cl, 1, topicId, 0, 1, 2, [1, 3]), 3);
    expect(r.topics[0]!.partitions[0]).toMatchObject({ errorCode: 0, isr: [1, 3], partitionEpoch: 3 });
  });

  it('controlled shutdown moves leadership to another ISR member and removes the broker from ISRs', async () => {
    const cl = await cluster([1, 2, 3]);
    await cl.c.zk.createTopic('cs', newTopicId(), [
      [1, 2, 3],
      [2, 1, 3],
      [3, 2, 1],
    ]);
    await waitForState(cl.c.zk, 'cs', 2, () => true, 'cs-2 state');
    await cl.c.controller.idle();
    cl.c.network.clear();
    const remaining = await cl.c.controller.controlledShutdown(1, cl.brokers.get(1)!.epoch);
    expect(remaining).toEqual([]);
    expect(await stateJson(cl.c.zk, 'cs', 0)).toMatchObject({ leader: 2, leader_epoch: 1, isr: [2, 3] });
    expect(await stateJson(cl.c.zk, 'cs', 1)).toMatchObject({ leader: 2, leader_epoch: 1, isr: [2, 3] });
    expect(await stateJson(cl.c.zk, 'cs', 2)).toMatchObject({ leader: 3, leader_epoch: 1, isr: [3, 2] });
    await cl.c.controller.idle();
    // Followed partitions: StopReplica without deletion to the broker going down.
    const stops = cl.c.network.stopReplica(1);
    const stopped = stops.flatMap((s) => s.topicStates.flatMap((t) => t.partitionStates.map((p) => [p.partitionIndex, p.deletePartition])));
    expect(stopped.sort()).toEqual([
      [1, false],
      [2, false],
    ]);
    // The new leader of cs-0 learns it is leader (the shutting-down broker too: it is still a replica).
    expect(cl.c.network.partitionStates(2, 'cs', 0).at(-1)).toMatchObject({ leader: 2, leaderEpoch: 1, isr: [2, 3] });
    expect(cl.c.network.partitionStates(1, 'cs', 0).at(-1)).toMatchObject({ leader: 2 });

    // Single-replica partitions cannot move and, as in Kafka, are not reported as remaining (they would only
    // make the broker retry its controlled shutdown for nothing); their leader stays.
    await cl.c.zk.createTopic('solo', newTopicId(), [[2]]);
    await waitForState(cl.c.zk, 'solo', 0, () => true, 'solo-0 state');
    await cl.c.controller.idle();
    const rem2 = await cl.c.controller.controlledShutdown(2, cl.brokers.get(2)!.epoch);
    expect(rem2).toEqual([]);
    expect(await stateJson(cl.c.zk, 'solo', 0)).toMatchObject({ leader: 2 });
    await expect(cl.c.controller.controlledShutdown(2, cl.brokers.get(2)!.epoch - 1)).rejects.toMatchObject({ code: 77 });
    await expect(cl.c.controller.controlledShutdown(42, -1)).rejects.toMatchObject({ code: 8 });
  });

  it('unclean election only when allowed; preferred leader election restores the first replica', async () => {
    const cl = await cluster([1, 2, 3]);
    const topicId = newTopicId();
    await cl.c.zk.createTopic('u', topicId, [[1, 2]]);
    await waitForState(cl.c.zk, 'u', 0, () => true, 'u-0 state');
    // ISR shrinks to the leader alone, then the leader dies: no clean candidate.
    await cl.c.controller.alterPartition(alterPartition(cl, 1, topicId, 0, 0, 0, [1]), 3);
    await cl.kill(1);
    const off = await waitForState(cl.c.zk, 'u', 0, (s) => s.leader === -1, 'u-0 offline');
    expect(off).toMatchObject({ leader: -1, isr: [1] });
    // Preferred election cannot help; unclean election by the admin API can.
    let res = await cl.c.controller.electLeaders(ELECTION_PREFERRED, [{ topic: 'u', partition: 0 }]);
    expect(res.get('u-0')!.errorCode).toBe(80); // PREFERRED_LEADER_NOT_AVAILABLE
    res = await cl.c.controller.electLeaders(ELECTION_UNCLEAN, [{ topic: 'u', partition: 0 }]);
    expect(res.get('u-0')!.errorCode).toBe(0);
    const s = (await stateJson(cl.c.zk, 'u', 0)) as Record<string, unknown>;
    expect(s).toMatchObject({ leader: 2, isr: [2] });
    expect(s.leader_recovery_state).toBe(1);

    // Broker 1 returns and is in the ISR again: preferred election moves leadership back.
    await cl.restart(1);
    await waitFor(async () => (await cl.c.zk.getBrokerIds()).includes(1), { what: 'broker 1 back' });
    await cl.c.controller.idle();
    const cur = (await cl.c.zk.getPartitionStates([{ topic: 'u', partition: 0 }])).get('u-0')!;
    const ap = alterPartition(cl, 2, topicId, 0, cur.leaderEpoch, cur.zkVersion, [2, 1]);
    const back = await cl.c.controller.alterPartition(ap, 3);
    expect(back.topics[0]!.partitions[0]!.errorCode).toBe(0);
    res = await cl.c.controller.electLeaders(ELECTION_PREFERRED, null);
    expect(res.get('u-0')).toMatchObject({ errorCode: 0 });
    expect(await stateJson(cl.c.zk, 'u', 0)).toMatchObject({ leader: 1, isr: [2, 1] });
    res = await cl.c.controller.electLeaders(ELECTION_PREFERRED, [{ topic: 'u', partition: 0 }, { topic: 'nope', partition: 0 }]);
    expect(res.get('u-0')!.errorCode).toBe(84); // ELECTION_NOT_NEEDED
    expect(res.get('nope-0')!.errorCode).toBe(3);
  });

  it('a topic override of unclean.leader.election.enable lets the controller elect an out-of-sync replica', async () => {
    const cl = await cluster([1, 2]);
    const topicId = newTopicId();
    await cl.c.zk.createTopic('dirty', topicId, [[1, 2]], { 'unclean.leader.election.enable': 'true' });
    await waitForState(cl.c.zk, 'dirty', 0, () => true, 'dirty-0 state');
    await cl.c.controller.alterPartition(alterPartition(cl, 1, topicId, 0, 0, 0, [1]), 3);
    await cl.kill(1);
    const s = await waitForState(cl.c.zk, 'dirty', 0, (x) => x.leader === 2, 'dirty-0 unclean leader');
    expect(s).toMatchObject({ leader: 2, isr: [2] });
  });

  it('auto leader rebalance moves leadership back to preferred replicas', async () => {
    const cl = await cluster([1, 2], {
      autoLeaderRebalanceEnable: true,
      leaderImbalanceCheckIntervalSeconds: 1,
      initialLeaderImbalanceCheckDelayMs: 200,
      leaderImbalancePerBrokerPercentage: 0,
    });
    const topicId = newTopicId();
    await cl.c.zk.createTopic('bal', topicId, [[1, 2]]);
    await waitForState(cl.c.zk, 'bal', 0, () => true, 'bal-0 state');
    await cl.c.controller.controlledShutdown(1, cl.brokers.get(1)!.epoch);
    expect(await stateJson(cl.c.zk, 'bal', 0)).toMatchObject({ leader: 2, isr: [2] });
    // Broker 1 "restarts" (new registration) and catches up.
    await cl.kill(1);
    await cl.restart(1);
    await waitFor(() => cl.c.network.leaderAndIsr(1).length > 0, { what: 'broker 1 back' });
    await cl.c.controller.idle();
    const cur = (await cl.c.zk.getPartitionStates([{ topic: 'bal', partition: 0 }])).get('bal-0')!;
    await cl.c.controller.alterPartition(alterPartition(cl, 2, topicId, 0, cur.leaderEpoch, cur.zkVersion, [2, 1]), 3);
    await waitForState(cl.c.zk, 'bal', 0, (s) => s.leader === 1, 'auto rebalance to broker 1');
  });

  it('deletes a topic: StopReplica(delete) to every replica, then the znodes and the deletion request', async () => {
    const cl = await cluster([1, 2]);
    const topicId = newTopicId();
    await cl.c.zk.createTopic('gone', topicId, [
      [1, 2],
      [2, 1],
    ]);
    await waitForState(cl.c.zk, 'gone', 1, () => true, 'gone-1 state');
    await cl.c.controller.idle();
    cl.c.network.clear();
    await cl.c.zk.markTopicForDeletion('gone');
    await waitFor(async () => !(await cl.c.zk.exists('/brokers/topics/gone')), { what: 'topic znode deleted' });
    await waitFor(async () => !(await cl.c.zk.exists('/admin/delete_topics/gone')), { what: 'deletion request removed' });
    expect(await cl.c.zk.exists('/config/topics/gone')).toBeNull();
    for (const id of [1, 2]) {
      const um = cl.c.network.updateMetadata(id)[0]!;
      expect(um.topicStates[0]!.partitionStates.every((p) => p.leader === -2)).toBe(true);
      const deletes = cl.c.network
        .stopReplica(id)
        .flatMap((s) => s.topicStates.flatMap((t) => t.partitionStates.map((p) => [t.topicName, p.partitionIndex, p.deletePartition, p.leaderEpoch])));
      expect(deletes.sort()).toEqual([
        ['gone', 0, true, -2],
        ['gone', 1, true, -2],
      ]);
    }
    // The name can be used again.
    await cl.c.zk.createTopic('gone', newTopicId(), [[2]]);
    await waitForState(cl.c.zk, 'gone', 0, (s) => s.leader === 2, 'recreated topic');
  });

  it('topic deletion waits for a dead replica to return', async () => {
    const cl = await cluster([1, 2]);
    await cl.c.zk.createTopic('later', newTopicId(), [[1, 2]]);
    await waitForState(cl.c.zk, 'later', 0, () => true, 'later-0 state');
    await cl.kill(2);
    await waitForState(cl.c.zk, 'later', 0, (s) => !s.isr.includes(2), 'broker 2 out of ISR');
    await cl.c.zk.markTopicForDeletion('later');
    await new Promise((r) => setTimeout(r, 500));
    await cl.c.controller.idle();
    expect(await cl.c.zk.exists('/brokers/topics/later')).not.toBeNull();
    await cl.restart(2);
    await waitFor(async () => !(await cl.c.zk.exists('/brokers/topics/later')), { what: 'deleted after broker 2 returned' });
  });

  it('handles the preferred election znode and removes it', async () => {
    const cl = await cluster([1, 2]);
    const admin = await connectZk(cl.connect);
    zoo.defer(() => admin.close());
    await cl.c.zk.createTopic('pz', newTopicId(), [[1, 2]]);
    await waitForState(cl.c.zk, 'pz', 0, () => true, 'pz-0 state');
    await cl.c.controller.controlledShutdown(1, cl.brokers.get(1)!.epoch);
    await cl.kill(1);
    await cl.restart(1);
    await waitFor(() => cl.c.network.leaderAndIsr(1).length > 0, { what: 'broker 1 back' });
    await cl.c.controller.idle();
    const cur = (await cl.c.zk.getPartitionStates([{ topic: 'pz', partition: 0 }])).get('pz-0')!;
    const topicId = (await cl.c.zk.getTopicAssignment('pz'))!.topicId!;
    await cl.c.controller.alterPartition(alterPartition(cl, 2, topicId, 0, cur.leaderEpoch, cur.zkVersion, [2, 1]), 3);
    await admin.createRecursive(
      '/admin/preferred_replica_election',
      Buffer.from('{"version":1,"partitions":[{"topic":"pz","partition":0}]}'),
    );
    await waitForState(cl.c.zk, 'pz', 0, (s) => s.leader === 1, 'preferred leader via znode');
    await waitFor(async () => !(await admin.exists('/admin/preferred_replica_election')), { what: 'znode removed' });
  });
});
