// Partition reassignment in ZooKeeper mode: 3 brokers, a topic on brokers 1,2 (explicit --replica-assignment)
// moved to 2,3 with Kafka 3.9's kafka-reassign-partitions (--bootstrap-server: AlterPartitionReassignments) while an
// idempotent acks=all Java producer keeps writing; --verify until complete; kafka-topics --describe and ZooKeeper
// show the new replicas; broker 1 drops its copies; no acknowledged record is lost.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REASSIGN_TOOL, parseDescribe, startCluster, type TestCluster } from './helpers/cluster.js';
import { NumberedProducer, dumpTopic, verifyAcked } from './helpers/java-clients.js';
import { kafkaTool, runJava } from './helpers/kafka-tools.js';
import { waitFor } from './helpers/util.js';

const TOPIC = 'moving';

function log(msg: string): void {
  console.log(`[cluster-reassignment] ${msg}`);
}

describe('reassignment: brokers 1,2 → 2,3 under load', () => {
  let cluster: TestCluster;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gregor-reassign-'));
    cluster = await startCluster({ name: 'reassign', brokers: 3 });
  });
  afterAll(async () => {
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('kafka-reassign-partitions --execute / --verify moves every replica; no acked record is lost', async () => {
    const bs = cluster.bootstrap;
    await kafkaTool('kafka-topics', [
      '--bootstrap-server', bs, '--create', '--topic', TOPIC, '--replica-assignment', '1:2,2:1',
      '--config', 'min.insync.replicas=1',
    ]);
    const before = await cluster.waitForFullIsr(TOPIC);
    expect(before.map((p) => [...p.replicas].sort())).toEqual([
      [1, 2],
      [1, 2],
    ]);
    expect(before.map((p) => p.leader)).toEqual([1, 2]);

    const producer = NumberedProducer.start(bs, TOPIC, { ratePerSec: 1000 });
    try {
      // Some data first, so the new replica (3) has something to catch up on.
      await producer.waitForMoreAcks(10_000, 90_000);

      const plan = {
        version: 1,
        partitions: [0, 1].map((p) => ({ topic: TOPIC, partition: p, replicas: [2, 3], log_dirs: ['any', 'any'] })),
      };
      const file = join(dir, 'reassign.json');
      writeFileSync(file, JSON.stringify(plan));
      const t0 = Date.now();
      const exec = await runJava(REASSIGN_TOOL, [
        '--bootstrap-server', bs, '--reassignment-json-file', file, '--execute',
      ]);
      expect(exec.stdout).toContain('Successfully started partition reassignments');

      const verify = await waitFor(
        async () => {
          const r = await runJava(REASSIGN_TOOL, ['--bootstrap-server', bs, '--reassignment-json-file', file, '--verify'], {
            check: false,
          });
          return r.stdout.includes(`Reassignment of partition ${TOPIC}-0 is completed`) &&
            r.stdout.includes(`Reassignment of partition ${TOPIC}-1 is completed`)
            ? r
            : null;
        },
        { timeoutMs: 120_000, intervalMs: 1000, what: 'kafka-reassign-partitions --verify to report completion' },
      );
      log(`reassignment complete after ${Date.now() - t0} ms (acked so far: ${producer.acked})\n${verify.stdout.trim()}`);

      // Writing continues on the new replica set.
      await producer.waitForMoreAcks(2000, 60_000);
    } finally {
      await producer.stop().catch((e: unknown) => {
        producer.kill();
        throw e;
      });
    }
    expect(producer.errors).toEqual([]);
    expect(producer.summary?.failed).toBe(0);

    const desc = await waitFor(
      async () => {
        const r = await kafkaTool('kafka-topics', ['--bootstrap-server', bs, '--describe', '--topic', TOPIC]);
        const d = parseDescribe(r.stdout, TOPIC);
        return d.size === 2 && [...d.values()].every((p) => [...p.isr].sort().join(',') === '2,3') ? r : null;
      },
      { timeoutMs: 60_000, intervalMs: 1000, what: 'kafka-topics --describe with Replicas 2,3 and Isr 2,3' },
    );
    for (const [p, v] of parseDescribe(desc.stdout, TOPIC)) {
      expect(v.replicas, `partition ${p}`).toEqual([2, 3]);
      expect([2, 3]).toContain(v.leader);
    }
    expect(desc.stdout).toMatch(new RegExp(`Partition: 0\\s+Leader: [23]\\s+Replicas: 2,3\\s+Isr: [23],[23]`));
    expect(desc.stdout).toMatch(new RegExp(`Partition: 1\\s+Leader: [23]\\s+Replicas: 2,3\\s+Isr: [23],[23]`));

    // ZooKeeper holds the new assignment, with no reassignment left in flight.
    const zkAssignment = JSON.parse((await cluster.zkGet(`/brokers/topics/${TOPIC}`)) ?? 'null') as {
      partitions: Record<string, number[]>;
      adding_replicas?: Record<string, number[]>;
      removing_replicas?: Record<string, number[]>;
    };
    expect(zkAssignment.partitions).toEqual({ '0': [2, 3], '1': [2, 3] });
    expect(zkAssignment.adding_replicas ?? {}).toEqual({});
    expect(zkAssignment.removing_replicas ?? {}).toEqual({});
    expect(await cluster.zkGet('/admin/reassign_partitions')).toBeNull();

    // Broker 1 was told to delete its replicas (StopReplica with deletion): their directories are gone (renamed
    // for asynchronous deletion, as Kafka does, or removed).
    await waitFor(() => !existsSync(cluster.broker(1).partitionDir(TOPIC, 0)) && !existsSync(cluster.broker(1).partitionDir(TOPIC, 1)), {
      timeoutMs: 30_000,
      what: "broker 1's replicas of the moved partitions to be deleted",
    });

    const dump = await dumpTopic(bs, TOPIC);
    expect(verifyAcked(producer.acks, dump)).toEqual([]);
    log(`${producer.acked} acked records, all read back exactly once`);
  }, 300_000);
});
