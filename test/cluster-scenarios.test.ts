// ZooKeeper cluster mode, acceptance scenarios 1-4 (docs/cluster-mode.md, DESIGN.md): a real ZooKeeper 3.8.4
// ensemble, brokers with broker.id 1..3 and zookeeper.connect, Kafka 3.9's CLI tools, zkCli (ZooKeeperMain) and the
// Java client as peers. GREGOR_TEST_TARGET=kafka runs the same scenarios against Apache Kafka 3.9 in ZooKeeper mode.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEADER_ELECTION_TOOL, startCluster, parseDescribe, zkGetData, zkQuorumLeader, type TestCluster } from './helpers/cluster.js';
import { GroupConsumer, NumberedProducer, dumpTopic, verifyAcked, type TopicDump } from './helpers/java-clients.js';
import { kafkaTool, runJava } from './helpers/kafka-tools.js';
import { kafkajs, waitFor } from './helpers/util.js';
import { zkCli, type ZkEnsemble, type ZkNode } from './helpers/zookeeper.js';

/** The JSON line of `zkCli get <path>` output. */
async function zkGetJson(connectString: string, path: string): Promise<Record<string, unknown>> {
  const out = await zkCli(connectString, ['get', path]);
  const line = out.split('\n').find((l) => l.trim().startsWith('{'));
  if (!line) throw new Error(`zkCli get ${path}: no JSON in\n${out}`);
  return JSON.parse(line) as Record<string, unknown>;
}

function log(msg: string): void {
  console.log(`[cluster-scenarios] ${msg}`);
}

describe('scenarios 1+2: 1 ZooKeeper + 1 broker', () => {
  let cluster: TestCluster;
  let bs: string;
  const BROKER = 1;

  beforeAll(async () => {
    cluster = await startCluster({ name: 'scn12', brokers: 1, brokerIds: [BROKER] });
    bs = cluster.bootstrap;
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('scenario 1: kafka-topics --create; assignment and partition state at the Kafka znodes', async () => {
    const created = await kafkaTool('kafka-topics', [
      '--bootstrap-server', bs, '--create', '--topic', 'test', '--partitions', '3', '--replication-factor', '1',
    ]);
    expect(created.stdout).toContain('Created topic test.');
    await cluster.waitForTopic('test', 3);
    const cs = cluster.zk.connectString;

    const [assignment, s0, s1, s2, reg, ctrl, clusterId, topics] = await Promise.all([
      zkGetJson(cs, '/brokers/topics/test'),
      zkGetJson(cs, '/brokers/topics/test/partitions/0/state'),
      zkGetJson(cs, '/brokers/topics/test/partitions/1/state'),
      zkGetJson(cs, '/brokers/topics/test/partitions/2/state'),
      zkGetJson(cs, `/brokers/ids/${BROKER}`),
      zkGetJson(cs, '/controller'),
      zkGetJson(cs, '/cluster/id'),
      zkCli(cs, ['ls', '/brokers/topics']),
    ]);

    // {"partitions":{"0":[1],"1":[1],"2":[1]},"topic_id":"...","adding_replicas":{},"removing_replicas":{},"version":3}
    expect(assignment.version).toBe(3);
    expect(assignment.topic_id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(assignment.partitions).toEqual({ '0': [BROKER], '1': [BROKER], '2': [BROKER] });
    expect(assignment.adding_replicas ?? {}).toEqual({});
    expect(assignment.removing_replicas ?? {}).toEqual({});

    for (const state of [s0, s1, s2]) {
      // {"controller_epoch":1,"leader":1,"version":1,"leader_epoch":0,"isr":[1]}
      expect(Object.keys(state).sort()).toEqual(['controller_epoch', 'isr', 'leader', 'leader_epoch', 'version']);
      expect(state.version).toBe(1);
      expect(state.leader).toBe(BROKER);
      expect(state.leader_epoch).toBe(0);
      expect(state.isr).toEqual([BROKER]);
      expect(state.controller_epoch).toBeGreaterThanOrEqual(1);
    }

    // Broker registration: {"features":{},"listener_security_protocol_map":{...},"endpoints":["PLAINTEXT://127.0.0.1:p"],
    // "jmx_port":-1,"port":p,"host":"127.0.0.1","version":5,"timestamp":"..."}
    const port = cluster.broker(BROKER).port;
    expect(reg.endpoints).toEqual([`PLAINTEXT://127.0.0.1:${port}`]);
    expect(reg.host).toBe('127.0.0.1');
    expect(reg.port).toBe(port);
    expect(reg.version).toBe(5);
    expect(reg.jmx_port).toBe(-1);

    // {"version":2,"brokerid":1,"timestamp":"...","kraftControllerEpoch":-1} (Kafka 3.9)
    expect(ctrl.brokerid).toBe(BROKER);
    expect(ctrl.version).toBe(2);
    expect(ctrl.kraftControllerEpoch).toBe(-1);

    // {"version":"1","id":"<cluster id>"}: the cluster id Metadata reports.
    expect(clusterId.version).toBe('1');
    const md = await cluster.metadata([]);
    expect(clusterId.id).toBe(md.clusterId);
    expect(md.controllerId).toBe(BROKER);
    expect(topics).toMatch(/\btest\b/);
    log(`scenario 1: /brokers/topics/test ${JSON.stringify(assignment)}`);
    log(`scenario 1: /brokers/topics/test/partitions/0/state ${JSON.stringify(s0)}`);
    log(`scenario 1: /brokers/ids/${BROKER} ${JSON.stringify(reg)}; /controller ${JSON.stringify(ctrl)}`);
  }, 120_000);

  it('scenario 2: kill -9 and restart: topics, configs, data and committed offsets are back', async () => {
    const TOPIC = 'durable';
    const GROUP = 'durable-group';
    const N = 20_000;
    await kafkaTool('kafka-topics', [
      '--bootstrap-server', bs, '--create', '--topic', TOPIC, '--partitions', '2', '--replication-factor', '1',
    ]);
    await cluster.waitForTopic(TOPIC, 2);
    const producer = NumberedProducer.start(bs, TOPIC, { ratePerSec: 20_000, max: N });
    const summary = await producer.stop(120_000);
    expect(summary).toEqual({ sent: N, acked: N, failed: 0 });

    await kafkaTool('kafka-configs', [
      '--bootstrap-server', bs, '--entity-type', 'topics', '--entity-name', TOPIC,
      '--alter', '--add-config', 'retention.ms=987654321,max.message.bytes=300000',
    ]);
    const admin = kafkajs(cluster.broker(BROKER), 'scn2').admin();
    await admin.connect();
    try {
      await admin.setOffsets({
        groupId: GROUP,
        topic: TOPIC,
        partitions: [
          { partition: 0, offset: '1234' },
          { partition: 1, offset: '4321' },
        ],
      });
    } finally {
      await admin.disconnect();
    }
    // The config lives in ZooKeeper, as Kafka keeps it: /config/topics/<t> {"version":1,"config":{...}}.
    const zkCfg = await zkGetJson(cluster.zk.connectString, `/config/topics/${TOPIC}`);
    expect(zkCfg.config).toMatchObject({ 'retention.ms': '987654321', 'max.message.bytes': '300000' });

    await cluster.killBroker(BROKER);
    const t0 = Date.now();
    await cluster.restartBroker(BROKER);
    await cluster.waitForTopic(TOPIC, 2);
    log(`scenario 2: broker back ${Date.now() - t0} ms after kill -9 (incl. ZooKeeper session expiry)`);

    const list = await kafkaTool('kafka-topics', ['--bootstrap-server', bs, '--list']);
    expect(list.stdout.split('\n')).toEqual(expect.arrayContaining(['test', TOPIC]));
    const desc = parseDescribe(
      (await kafkaTool('kafka-topics', ['--bootstrap-server', bs, '--describe', '--topic', 'test'])).stdout,
      'test',
    );
    expect([...desc.keys()].sort()).toEqual([0, 1, 2]);
    for (const p of desc.values()) expect(p).toEqual({ leader: BROKER, replicas: [BROKER], isr: [BROKER] });

    const cfg = await kafkaTool('kafka-configs', [
      '--bootstrap-server', bs, '--entity-type', 'topics', '--entity-name', TOPIC, '--describe',
    ]);
    expect(cfg.stdout).toMatch(/retention\.ms=987654321 sensitive=false/);
    expect(cfg.stdout).toMatch(/max\.message\.bytes=300000 sensitive=false/);

    const dump = await dumpTopic(bs, TOPIC);
    expect(verifyAcked(producer.acks, dump)).toEqual([]);
    expect((dump.end.get(0) ?? 0) + (dump.end.get(1) ?? 0)).toBe(N);

    const groups = await waitFor(
      async () => {
        const r = await kafkaTool('kafka-consumer-groups', ['--bootstrap-server', bs, '--describe', '--group', GROUP], {
          check: false,
        });
        const rows = r.stdout
          .split('\n')
          .map((l) => l.trim().split(/\s+/))
          .filter((c) => c[0] === GROUP && c[1] === TOPIC);
        return rows.length === 2 ? rows : null;
      },
      { timeoutMs: 60_000, intervalMs: 1000, what: 'committed offsets after restart' },
    );
    const committed = Object.fromEntries(groups.map((c) => [c[2], c[3]]));
    expect(committed).toEqual({ '0': '1234', '1': '4321' });
  }, 240_000);
});

describe('scenario 3: 2 brokers, rf 2, acks=all, the leader is killed', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startCluster({ name: 'scn3', brokers: 2 });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('the follower takes over, the consumer continues, no acked record is lost, the broker rejoins the ISR', async () => {
    const TOPIC = 'failover';
    const bs = cluster.bootstrap;
    // min.insync.replicas=1: losing one of two brokers must not stop acks=all producers. Records acknowledged
    // before the kill were in the whole ISR (both brokers), so none may be lost.
    await kafkaTool('kafka-topics', [
      '--bootstrap-server', bs, '--create', '--topic', TOPIC, '--partitions', '2', '--replication-factor', '2',
      '--config', 'min.insync.replicas=1',
    ]);
    await cluster.waitForTopic(TOPIC, 2);
    await cluster.waitForFullIsr(TOPIC);

    const producer = NumberedProducer.start(bs, TOPIC, { ratePerSec: 500 });
    const consumer = GroupConsumer.start(bs, TOPIC, 'failover-group');
    try {
      await producer.waitForMoreAcks(1500);
      await waitFor(() => consumer.records.length > 500, { timeoutMs: 60_000, what: 'consumer running' });

      const victim = await cluster.leaderOf(TOPIC, 0);
      const survivor = cluster.ids.find((id) => id !== victim)!;
      const ackedBeforeKill = producer.acked;
      const t0 = await cluster.killBroker(victim);
      const { leader, at } = await cluster.waitForNewLeader(TOPIC, 0, victim, 60_000);
      expect(leader).toBe(survivor);
      log(`scenario 3: killed broker ${victim} (leader of ${TOPIC}-0); new leader ${leader} after ${at - t0} ms`);
      expect(at - t0).toBeLessThan(30_000);

      // Producer and consumer continue on the survivor.
      await producer.waitForMoreAcks(1000, 60_000);
      await waitFor(() => consumer.receivedSince(at) > 200, { timeoutMs: 60_000, what: 'consumer continuing' });
      expect(producer.acked).toBeGreaterThan(ackedBeforeKill);

      // The killed broker comes back and rejoins the ISR of both partitions.
      const tRestart = Date.now();
      await cluster.restartBroker(victim);
      await cluster.waitForFullIsr(TOPIC, 90_000);
      log(`scenario 3: broker ${victim} back in the ISR ${Date.now() - tRestart} ms after its restart began`);
      const desc = parseDescribe(
        (await kafkaTool('kafka-topics', ['--bootstrap-server', bs, '--describe', '--topic', TOPIC])).stdout,
        TOPIC,
      );
      expect(desc.size).toBe(2);
      for (const p of desc.values()) {
        expect([...p.isr].sort()).toEqual([1, 2]);
        expect([...p.replicas].sort()).toEqual([1, 2]);
      }
      await producer.waitForMoreAcks(500, 60_000);
    } finally {
      await producer.stop();
    }
    expect(producer.errors).toEqual([]);
    expect(producer.summary?.failed).toBe(0);

    // The consumer gets every acknowledged record (at least once: a group may re-read after a coordinator move).
    const ackedValues = producer.acks.map((a) => String(a.seq));
    try {
      await waitFor(
        () => {
          const got = consumer.values();
          return ackedValues.every((v) => got.has(v));
        },
        { timeoutMs: 60_000, what: 'the consumer to read every acked record' },
      );
    } finally {
      await consumer.stop().catch(() => consumer.kill());
    }

    const dump = await dumpTopic(bs, TOPIC);
    expect(verifyAcked(producer.acks, dump)).toEqual([]);
    log(`scenario 3: ${producer.acked} acked records, all read back exactly once`);
  }, 240_000);
});

/** The leader election of each scenario 4 round, by the id of the ZooKeeper node down during it. */
const ELECTIONS: Record<number, { kind: 'kill-leader' | 'preferred' | 'kill-controller' }> = {
  1: { kind: 'kill-leader' },
  2: { kind: 'preferred' },
  3: { kind: 'kill-controller' },
};

describe('scenario 4: 3 ZooKeeper nodes + 3 brokers, each ZooKeeper node lost in turn', () => {
  let cluster: TestCluster;
  /** Role of each killed ZooKeeper node at the time of its kill, by node id. */
  const killedRoles = new Map<number, 'leader' | 'follower'>();
  /** The ZooKeeper node killed by the previous round (restarted at the start of the next). */
  let previous: ZkNode | null = null;
  /** End offsets per topic after the previous producer on it (where the next producer's records start). */
  const ends = new Map<string, Map<number, number>>();

  beforeAll(async () => {
    // The test moves leaders itself: no automatic preferred-leader rebalance in between.
    cluster = await startCluster({ name: 'scn4', brokers: 3, zookeeperNodes: 3, overrides: { 'auto.leader.rebalance.enable': false } });
    await kafkaTool('kafka-topics', [
      '--bootstrap-server', cluster.bootstrap, '--create', '--topic', 'before', '--partitions', '3',
      '--replication-factor', '3', '--config', 'min.insync.replicas=2',
    ]);
    await cluster.waitForFullIsr('before');
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  // One ZooKeeper node at a time: the previous one is back and the quorum whole before the next is killed.
  for (const zkId of [1, 2, 3]) {
    it(`ZooKeeper node ${zkId} lost: produce, consume, topic creation and a leader election keep working`, async () => {
      const bs = cluster.bootstrap;
      const t0 = Date.now();
      if (previous) {
        const back = previous;
        await back.restart();
        // Whole again: every node serves a session, one of them leads, and the restarted node has caught up with
        // what was written while it was down (the topic the previous round created).
        await waitForWholeQuorum(cluster.zk, `/brokers/topics/after-zk${back.id}`);
        log(`scenario 4: ZooKeeper node ${back.id} back, quorum whole ${Date.now() - t0} ms after its restart began`);
        previous = null;
      }
      const zkVictim = cluster.zk.nodes.find((n) => n.id === zkId)!;
      expect(cluster.zk.nodes.every((n) => n.isAlive())).toBe(true);
      const zkLeader = await zkQuorumLeader(cluster.zk);
      expect(zkLeader, 'a quorum leader before the kill').toBeDefined();
      const role = zkLeader!.id === zkId ? 'leader' : 'follower';
      await zkVictim.kill('SIGKILL');
      previous = zkVictim;
      killedRoles.set(zkId, role);
      const tKill = Date.now();
      log(`scenario 4: killed ZooKeeper node ${zkId} (the quorum ${role})`);
      const survivors = cluster.zk.nodes.filter((n) => n !== zkVictim).map((n) => n.connectString).join(',');

      // Produce and consume on the topic created before any loss: every acked record of this round is read back
      // exactly once, after the records of the previous rounds.
      const p1 = NumberedProducer.start(bs, 'before', { ratePerSec: 4000, max: 2000 });
      expect(await p1.stop(120_000)).toEqual({ sent: 2000, acked: 2000, failed: 0 });
      const dump = await dumpTopic(bs, 'before');
      const mine = dumpFrom(dump, ends.get('before') ?? new Map());
      expect(verifyAcked(p1.acks, mine)).toEqual([]);
      expect([...mine.records.values()].reduce((n, l) => n + l.length, 0)).toBe(2000);
      ends.set('before', dump.end);

      // Create a topic: written to ZooKeeper (visible through the surviving nodes), led by live brokers.
      const topic = `after-zk${zkId}`;
      const created = await kafkaTool('kafka-topics', [
        '--bootstrap-server', bs, '--create', '--topic', topic, '--partitions', '3', '--replication-factor', '3',
        '--config', 'min.insync.replicas=2',
      ]);
      expect(created.stdout).toContain(`Created topic ${topic}.`);
      await cluster.waitForFullIsr(topic);
      const assignment = await zkGetJson(survivors, `/brokers/topics/${topic}`);
      expect(Object.keys(assignment.partitions as object).sort()).toEqual(['0', '1', '2']);

      // A leader election while an idempotent acks=all producer writes to the partition. Each round takes another
      // path: kill -9 of a partition leader, a preferred election (kafka-leader-election), kill -9 of the controller.
      const election = ELECTIONS[zkId]!;
      const target = election.kind === 'preferred' ? { topic: 'after-zk1', partition: 0 } : { topic, partition: 0 };
      if (election.kind === 'kill-controller') {
        // The partition of the new topic that the controller leads.
        const controller = await cluster.controller();
        const led = (await cluster.partitions(topic)).find((p) => p.leader === controller);
        expect(led, `a partition of ${topic} led by the controller ${controller}`).toBeDefined();
        target.partition = led!.partition;
      }
      const targetName = `${target.topic}-${target.partition}`;
      const statePath = `/brokers/topics/${target.topic}/partitions/${target.partition}/state`;
      const producer = NumberedProducer.start(bs, target.topic, { ratePerSec: 500 });
      try {
        await producer.waitForMoreAcks(1000);
        const before = await zkGetJson(survivors, statePath);
        const oldLeader = await cluster.leaderOf(target.topic, target.partition);
        let leader: number;
        if (election.kind === 'preferred') {
          // Round 1 killed the leader of after-zk1-0, its preferred replica, which came back as a follower.
          const view = (await cluster.partitions(target.topic)).find((p) => p.partition === target.partition)!;
          const preferred = view.replicas[0]!;
          expect(view.leader, `${targetName} led by a non-preferred replica before the election`).not.toBe(preferred);
          expect(view.isr).toContain(preferred);
          const tb = Date.now();
          const r = await runJava(LEADER_ELECTION_TOOL, [
            '--bootstrap-server', bs, '--election-type', 'PREFERRED', '--topic', target.topic, '--partition', String(target.partition),
          ]);
          expect(r.stdout).toContain(`Successfully completed leader election (PREFERRED) for partitions ${targetName}`);
          leader = await waitFor(
            async () => ((await cluster.leaderOf(target.topic, target.partition)) === preferred ? preferred : null),
            { timeoutMs: 60_000, what: `${targetName} led by its preferred replica ${preferred}` },
          );
          log(`scenario 4 (ZooKeeper node ${zkId} down): preferred election moved ${targetName} from ${oldLeader} to ${leader} in ${Date.now() - tb} ms`);
        } else {
          const controller = await cluster.controller();
          if (election.kind === 'kill-controller') expect(oldLeader).toBe(controller);
          const tb = await cluster.killBroker(oldLeader);
          const elected = await cluster.waitForNewLeader(target.topic, target.partition, oldLeader, 60_000);
          leader = elected.leader;
          log(
            `scenario 4 (ZooKeeper node ${zkId} down): killed broker ${oldLeader}${oldLeader === controller ? ' (the controller)' : ''}; ` +
              `${targetName} led by ${leader} after ${elected.at - tb} ms`,
          );
          expect(elected.at - tb).toBeLessThan(30_000);
          if (oldLeader === controller) {
            const next = await cluster.controller();
            expect(next).not.toBe(oldLeader);
            log(`scenario 4 (ZooKeeper node ${zkId} down): broker ${next} is the new controller`);
          }
        }
        await producer.waitForMoreAcks(1000, 60_000);
        // The election went through the surviving ZooKeeper nodes: the new leader with a higher epoch.
        const state = await zkGetJson(survivors, statePath);
        expect(state.leader).toBe(leader);
        expect(state.leader_epoch as number).toBeGreaterThan(before.leader_epoch as number);
        if (election.kind !== 'preferred') {
          expect(state.isr as number[]).not.toContain(oldLeader);
          await cluster.restartBroker(oldLeader);
          await cluster.waitForFullIsr(target.topic);
        }
        await producer.waitForMoreAcks(500, 60_000);
      } finally {
        await producer.stop();
      }
      expect(producer.errors).toEqual([]);
      expect(producer.summary?.failed).toBe(0);
      const targetDump = await dumpTopic(bs, target.topic);
      expect(verifyAcked(producer.acks, dumpFrom(targetDump, ends.get(target.topic) ?? new Map()))).toEqual([]);
      ends.set(target.topic, targetDump.end);
      expect(zkVictim.isAlive()).toBe(false);
      expect(cluster.liveIds().sort()).toEqual([1, 2, 3]);
      expect(await cluster.controller()).toBeGreaterThan(0);
      log(`scenario 4: round with ZooKeeper node ${zkId} down took ${Date.now() - tKill} ms (${election.kind}; ${producer.acked} acked)`);
    }, 360_000);
  }

  it('every ZooKeeper node was lost once, the quorum leader among them', () => {
    expect([...killedRoles.keys()].sort()).toEqual([1, 2, 3]);
    // The leader only changes when it is killed and every node is killed once, so one kill hit the leader.
    expect([...killedRoles.values()]).toContain('leader');
  });
});

/**
 * Waits until every node of the ensemble serves a session and shows `path` (written while one of them was down),
 * and one node leads the quorum.
 */
async function waitForWholeQuorum(zk: ZkEnsemble, path: string, timeoutMs = 120_000): Promise<void> {
  await waitFor(
    async () => {
      for (const n of zk.nodes) {
        if (!n.isAlive()) return false;
        if ((await zkGetData(n.connectString, path, 3000)) === null) return false;
      }
      return (await zkQuorumLeader(zk)) !== undefined;
    },
    { timeoutMs, intervalMs: 500, what: `every ZooKeeper node serving and showing ${path}` },
  );
}

/** The part of a dump at or after `start` (partition → offset; a missing partition starts at 0). */
function dumpFrom(dump: TopicDump, start: Map<number, number>): TopicDump {
  const records = new Map<number, { offset: number; value: string }[]>();
  for (const [p, list] of dump.records) records.set(p, list.filter((r) => r.offset >= (start.get(p) ?? 0)));
  return { end: dump.end, records };
}
