// Broker admin APIs through Apache Kafka 3.9's own tools and Java client: DeleteRecords (kafka-delete-records),
// DescribeLogDirs (kafka-log-dirs), OffsetDelete and DeleteGroups (kafka-consumer-groups), ListOffsets by
// timestamp (kafka-get-offsets --time), static group membership (console consumer with group.instance.id) and
// DescribeCluster (kafka-cluster cluster-id). Runs against Gregor, or Apache Kafka with GREGOR_TEST_TARGET=kafka.
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Admin, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type TestBroker } from './helpers/broker.js';
import { BackgroundTool } from './helpers/java-console.js';
import { kafkaTool, runJava } from './helpers/kafka-tools.js';
import { kafkajs } from './helpers/util.js';

/** bin/kafka-delete-records.sh, bin/kafka-log-dirs.sh, bin/kafka-cluster.sh of Kafka 3.9. */
const DELETE_RECORDS = 'org.apache.kafka.tools.DeleteRecordsCommand';
const LOG_DIRS = 'org.apache.kafka.tools.LogDirsCommand';
const CLUSTER_TOOL = 'org.apache.kafka.tools.ClusterTool';

/** `topic:partition:offset` lines of kafka-get-offsets → "partition" → offset (string, as printed). */
function offsetsOf(stdout: string, topic: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const m = new RegExp(`^${topic}:(\\d+):(.*)$`).exec(line.trim());
    if (m) out[m[1]] = m[2];
  }
  return out;
}

/** Rows of a kafka-consumer-groups table whose first column is `group` (split on whitespace). */
function groupRows(stdout: string, group: string): string[][] {
  return stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((c) => c[0] === group);
}

describe('Kafka 3.9 admin tools', () => {
  let broker: TestBroker;
  let bs: string;
  let admin: Admin;
  let producer: Producer;

  beforeAll(async () => {
    broker = await startBroker({ name: 'java-cli-admin' });
    bs = broker.bootstrap;
    const kafka = kafkajs(broker, 'cli-admin');
    admin = kafka.admin();
    producer = kafka.producer();
    await Promise.all([admin.connect(), producer.connect()]);
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: 'dr', numPartitions: 3, replicationFactor: 1 },
        { topic: 'ld', numPartitions: 2, replicationFactor: 1 },
        { topic: 'ga', numPartitions: 2, replicationFactor: 1 },
        { topic: 'gb', numPartitions: 1, replicationFactor: 1 },
        { topic: 'sm', numPartitions: 2, replicationFactor: 1 },
        {
          topic: 'ts',
          numPartitions: 3,
          replicationFactor: 1,
          // Small segments and an index entry per batch: lookups go through several segments' time indexes.
          configEntries: [
            { name: 'segment.bytes', value: '300' },
            { name: 'index.interval.bytes', value: '1' },
          ],
        },
      ],
    });
  });
  afterAll(async () => {
    await producer?.disconnect().catch(() => {});
    await admin?.disconnect().catch(() => {});
    await broker?.cleanup();
  });

  /** Sends each inner array as its own batch (one Produce request) to `partition`. */
  async function produceBatches(topic: string, partition: number, batches: { value: string; timestamp?: number }[][]) {
    for (const b of batches) {
      await producer.send({
        topic,
        acks: -1,
        messages: b.map((m) => ({
          partition,
          value: m.value,
          ...(m.timestamp === undefined ? {} : { timestamp: String(m.timestamp) }),
        })),
      });
    }
  }

  const values = (topic: string, p: number, from: number, n: number) =>
    Array.from({ length: n }, (_, i) => ({ value: `${topic}-${p}-${from + i}` }));

  it('kafka-delete-records: the log start offset moves, get-offsets --time -2 and a consumer from the beginning see it', async () => {
    // p0: offsets 0-2 | 3-6 | 7-9 (delete before 4, inside the middle batch); p1: 0-5, delete up to the high
    // watermark (-1); p2: 0-2, delete before 1000 (beyond the high watermark: OFFSET_OUT_OF_RANGE).
    await produceBatches('dr', 0, [values('dr', 0, 0, 3), values('dr', 0, 3, 4), values('dr', 0, 7, 3)]);
    await produceBatches('dr', 1, [values('dr', 1, 0, 2), values('dr', 1, 2, 4)]);
    await produceBatches('dr', 2, [values('dr', 2, 0, 3)]);

    const spec = JSON.stringify({
      version: 1,
      partitions: [
        { topic: 'dr', partition: 0, offset: 4 },
        { topic: 'dr', partition: 1, offset: -1 },
        { topic: 'dr', partition: 2, offset: 1000 },
      ],
    });
    const file = join(broker.dir, 'delete-records.json');
    writeFileSync(file, spec);
    const del = await runJava(DELETE_RECORDS, ['--bootstrap-server', bs, '--offset-json-file', file]);
    expect(del.stdout).toContain('Records delete operation completed:');
    expect(del.stdout).toMatch(/partition: dr-0\tlow_watermark: 4\n/);
    expect(del.stdout).toMatch(/partition: dr-1\tlow_watermark: 6\n/);
    expect(del.stdout).toMatch(/partition: dr-2\terror: .*OffsetOutOfRangeException/);

    const earliest = await kafkaTool('kafka-get-offsets', ['--bootstrap-server', bs, '--topic', 'dr', '--time', '-2']);
    expect(offsetsOf(earliest.stdout, 'dr')).toEqual({ '0': '4', '1': '6', '2': '0' });

    const consumed = await kafkaTool(
      'kafka-console-consumer',
      [
        '--bootstrap-server', bs, '--topic', 'dr', '--partition', '0', '--offset', 'earliest',
        '--max-messages', '6', '--timeout-ms', '20000', '--property', 'print.offset=true',
      ],
      { timeoutMs: 60_000 },
    );
    const lines = consumed.stdout.split('\n').filter((l) => l.length > 0);
    expect(lines).toEqual([4, 5, 6, 7, 8, 9].map((o) => `Offset:${o}\tdr-0-${o}`));
  });

  it('kafka-log-dirs --describe lists the log dir and partition sizes', async () => {
    await produceBatches('ld', 0, [values('ld', 0, 0, 5), values('ld', 0, 5, 5)]);
    const r = await runJava(LOG_DIRS, ['--bootstrap-server', bs, '--describe']);
    const json = r.stdout.split('\n').find((l) => l.startsWith('{'));
    expect(json, r.stdout).toBeDefined();
    const parsed = JSON.parse(json!) as {
      version: number;
      brokers: {
        broker: number;
        logDirs: { logDir: string; error: string | null; partitions: { partition: string; size: number; offsetLag: number; isFuture: boolean }[] }[];
      }[];
    };
    expect(parsed.brokers.map((b) => b.broker)).toEqual([broker.brokerId]);
    const dirs = parsed.brokers[0].logDirs;
    expect(dirs.map((d) => d.logDir)).toEqual([broker.dataDir]);
    expect(dirs[0].error).toBeNull();
    const byName = new Map(dirs[0].partitions.map((p) => [p.partition, p]));
    // Size = bytes of the partition's segment files, as Kafka reports it.
    const onDisk = (p: number) =>
      readdirSync(broker.partitionDir('ld', p))
        .filter((f) => f.endsWith('.log'))
        .reduce((s, f) => s + statSync(join(broker.partitionDir('ld', p), f)).size, 0);
    expect(byName.get('ld-0')).toEqual({ partition: 'ld-0', size: onDisk(0), offsetLag: 0, isFuture: false });
    expect(byName.get('ld-0')!.size).toBeGreaterThan(0);
    expect(byName.get('ld-1')).toEqual({ partition: 'ld-1', size: 0, offsetLag: 0, isFuture: false });
    // Every topic of the broker is there (the other topics of this file too).
    for (const t of ['dr-0', 'ga-1', 'sm-1', 'ts-2']) expect(byName.has(t), t).toBe(true);
  });

  it('kafka-consumer-groups --delete-offsets --topic and --delete --group', async () => {
    await produceBatches('ga', 0, [values('ga', 0, 0, 4)]);
    await produceBatches('ga', 1, [values('ga', 1, 0, 2)]);
    await produceBatches('gb', 0, [values('gb', 0, 0, 5)]);
    // Committed offsets of two groups without members (OffsetCommit from the Java Admin client).
    const commit = (group: string, csv: string) => {
      const file = join(broker.dir, `${group}-offsets.csv`);
      writeFileSync(file, csv);
      return kafkaTool('kafka-consumer-groups', [
        '--bootstrap-server', bs, '--group', group, '--reset-offsets', '--from-file', file, '--execute',
      ]);
    };
    await Promise.all([commit('cg-del', 'ga,0,2\nga,1,1\ngb,0,3\n'), commit('cg-keep', 'gb,0,1\n')]);
    const committed = await admin.fetchOffsets({ groupId: 'cg-del', topics: ['ga', 'gb'] });
    expect(committed.map((t) => [t.topic, t.partitions.map((p) => `${p.partition}:${p.offset}`).sort()])).toEqual([
      ['ga', ['0:2', '1:1']],
      ['gb', ['0:3']],
    ]);

    const delOffsets = await kafkaTool('kafka-consumer-groups', [
      '--bootstrap-server', bs, '--delete-offsets', '--group', 'cg-del', '--topic', 'ga',
    ]);
    expect(delOffsets.stdout).toContain('Request succeed for deleting offsets with topic ga group cg-del');
    // Kafka 3.9 prints the rows without line breaks between them.
    expect(delOffsets.stdout).toMatch(/ga\s+0\s+Successful/);
    expect(delOffsets.stdout).toMatch(/ga\s+1\s+Successful/);

    const described = await kafkaTool('kafka-consumer-groups', ['--bootstrap-server', bs, '--describe', '--group', 'cg-del']);
    // GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG ...: only gb is left.
    expect(groupRows(described.stdout, 'cg-del').map((c) => c.slice(1, 6))).toEqual([['gb', '0', '3', '5', '2']]);

    const del = await kafkaTool('kafka-consumer-groups', ['--bootstrap-server', bs, '--delete', '--group', 'cg-del']);
    expect(del.stdout).toContain("Deletion of requested consumer groups ('cg-del') was successful.");

    const list = await kafkaTool('kafka-consumer-groups', ['--bootstrap-server', bs, '--list']);
    const groups = list.stdout.split('\n').map((l) => l.trim());
    expect(groups).toContain('cg-keep');
    expect(groups).not.toContain('cg-del');
    const fetched = await admin.fetchOffsets({ groupId: 'cg-del', topics: ['gb'] });
    expect(fetched[0].partitions).toEqual([expect.objectContaining({ partition: 0, offset: '-1' })]);
  });

  it('kafka-get-offsets --time <timestamp> finds the first record at or after it; --time -1 the end', async () => {
    // Five batches of four records per partition. p0: timestamps B+1000b+10i; p1: B+1000b+500+10i; p2: all old.
    const B = Date.now() - 600_000;
    const layout = (p: number, shift: number) =>
      Array.from({ length: 5 }, (_, b) =>
        Array.from({ length: 4 }, (_, i) => ({ value: `ts-${p}-${4 * b + i}`, timestamp: B + shift + 1000 * b + 10 * i })),
      );
    await produceBatches('ts', 0, layout(0, 0));
    await produceBatches('ts', 1, layout(1, 500));
    await produceBatches('ts', 2, layout(2, -10_000));
    expect(broker.segments('ts', 0).length).toBeGreaterThan(1);

    // T = B+2015: p0 → B+2020, the third record of batch 2 (offset 10); p1 → B+2500, the first of batch 2 (offset
    // 8); p2 → none.
    const at = await kafkaTool('kafka-get-offsets', ['--bootstrap-server', bs, '--topic', 'ts', '--time', String(B + 2015)]);
    const byTime = offsetsOf(at.stdout, 'ts');
    expect(byTime['0']).toBe('10');
    expect(byTime['1']).toBe('8');
    expect(byTime['2']).toBeUndefined();

    const latest = await kafkaTool('kafka-get-offsets', ['--bootstrap-server', bs, '--topic', 'ts', '--time', '-1']);
    expect(offsetsOf(latest.stdout, 'ts')).toEqual({ '0': '20', '1': '20', '2': '20' });
  });

  it('static membership: group.instance.id shown by --describe --members; a restart keeps generation and assignment', async () => {
    await produceBatches('sm', 0, [values('sm', 0, 0, 3)]);
    await produceBatches('sm', 1, [values('sm', 1, 0, 3)]);
    const consumerArgs = [
      '--bootstrap-server', bs, '--topic', 'sm', '--group', 'sm-group', '--from-beginning',
      '--consumer-property', 'group.instance.id=sm-inst-1',
      '--consumer-property', 'session.timeout.ms=45000',
    ];
    const synced = /Successfully synced group in generation Generation\{generationId=(\d+), memberId='([^']+)'/;
    const members = async () => {
      const d = await kafkaTool('kafka-consumer-groups', [
        '--bootstrap-server', bs, '--describe', '--group', 'sm-group', '--members', '--verbose',
      ]);
      // GROUP CONSUMER-ID GROUP-INSTANCE-ID HOST CLIENT-ID #PARTITIONS ASSIGNMENT
      return groupRows(d.stdout, 'sm-group');
    };

    const first = BackgroundTool.start('kafka-console-consumer', consumerArgs);
    let second: BackgroundTool | null = null;
    try {
      const m1 = await first.waitForLog(synced);
      const [gen1, member1] = [Number(m1[1]), m1[2]];
      const rows1 = await members();
      expect(rows1.length).toBe(1);
      expect(rows1[0][1]).toBe(member1);
      expect(rows1[0][2]).toBe('sm-inst-1');
      expect(rows1[0][5]).toBe('2');
      expect(rows1[0].slice(6).join(' ')).toMatch(/\(0,1\)$/);
      // A static member's id is the instance id and a UUID, as Kafka's coordinator makes it.
      expect(member1).toMatch(/^sm-inst-1-[0-9a-f-]{36}$/);

      // Restart (a static member sends no LeaveGroup): the coordinator hands the same generation and assignment to
      // the new member id without a rebalance.
      await first.stop();
      second = BackgroundTool.start('kafka-console-consumer', consumerArgs);
      const m2 = await second.waitForLog(synced);
      expect(Number(m2[1])).toBe(gen1);
      expect(m2[2]).not.toBe(member1);
      expect(second.stderr).toContain('Skipped assignment for returning static leader');
      const rows2 = await members();
      expect(rows2.length).toBe(1);
      expect(rows2[0][1]).toBe(m2[2]);
      expect(rows2[0][2]).toBe('sm-inst-1');
      expect(rows2[0].slice(5)).toEqual(rows1[0].slice(5));

      // The group is active: it can be neither deleted nor lose the offsets of a topic it subscribes to.
      const del = await kafkaTool('kafka-consumer-groups', ['--bootstrap-server', bs, '--delete', '--group', 'sm-group']);
      expect(del.stdout).toMatch(/Group 'sm-group' could not be deleted due to: .*GroupNotEmptyException: The group is not empty\./);
      const delOffsets = await kafkaTool('kafka-consumer-groups', [
        '--bootstrap-server', bs, '--delete-offsets', '--group', 'sm-group', '--topic', 'sm',
      ]);
      expect(delOffsets.stdout).toMatch(/sm\s+0\s+Error: :org\.apache\.kafka\.common\.errors\.GroupSubscribedToTopicException/);
    } finally {
      await first.stop('SIGKILL');
      await second?.stop('SIGKILL');
    }
  });

  it("kafka-cluster cluster-id (DescribeCluster) matches meta.properties; the admin APIs are advertised", async () => {
    const meta = readFileSync(join(broker.dataDir, 'meta.properties'), 'utf8');
    const clusterId = /^cluster\.id=(.+)$/m.exec(meta)?.[1]?.trim();
    expect(clusterId).toBeTruthy();
    const r = await runJava(CLUSTER_TOOL, ['cluster-id', '--bootstrap-server', bs]);
    expect(r.stdout.trim()).toBe(`Cluster ID: ${clusterId}`);

    const av = await kafkaTool('kafka-broker-api-versions', ['--bootstrap-server', bs]);
    for (const api of ['ListOffsets(2)', 'DeleteRecords(21)', 'DescribeLogDirs(35)', 'DeleteGroups(42)', 'OffsetDelete(47)', 'DescribeCluster(60)']) {
      expect(av.stdout).toMatch(new RegExp(`${api.replace(/[()]/g, '\\$&')}: \\d+( to \\d+)? \\[usable: \\d+\\]`));
    }
  });
});
