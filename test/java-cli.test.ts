// Apache Kafka 3.9's own CLI tools against the broker: topics, console producer/consumer with a group,
// consumer-groups describe/reset, configs, get-offsets, and dump-log reading the broker's segment files.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type TestBroker } from './helpers/broker.js';
import { kafkaTool } from './helpers/kafka-tools.js';
import { kafkajs } from './helpers/util.js';

const TOPIC = 'cli-topic';
const GROUP = 'cli-group';
const VALUES = Array.from({ length: 10 }, (_, i) => `cli-value-${i}`);

describe('Kafka 3.9 CLI tools', () => {
  let broker: TestBroker;
  let bs: string;

  beforeAll(async () => {
    broker = await startBroker({ name: 'java-cli' });
    bs = broker.bootstrap;
  });
  afterAll(async () => {
    await broker?.cleanup();
  });

  it('kafka-topics --create / --describe / --alter --partitions', async () => {
    const created = await kafkaTool('kafka-topics', [
      '--bootstrap-server', bs, '--create', '--topic', TOPIC, '--partitions', '2', '--replication-factor', '1',
    ]);
    expect(created.stdout).toContain(`Created topic ${TOPIC}.`);

    const d1 = await kafkaTool('kafka-topics', ['--bootstrap-server', bs, '--describe', '--topic', TOPIC]);
    expect(d1.stdout).toMatch(new RegExp(`Topic: ${TOPIC}\\s.*PartitionCount: 2\\s.*ReplicationFactor: 1`));
    expect(d1.stdout).toMatch(/Partition: 0\s+Leader: \d+\s+Replicas: \d+\s+Isr: \d+/);
    expect(d1.stdout).toMatch(/Partition: 1\s+Leader: \d+/);

    await kafkaTool('kafka-topics', ['--bootstrap-server', bs, '--alter', '--topic', TOPIC, '--partitions', '3']);
    const d2 = await kafkaTool('kafka-topics', ['--bootstrap-server', bs, '--describe', '--topic', TOPIC]);
    expect(d2.stdout).toMatch(/PartitionCount: 3/);
    expect(d2.stdout).toMatch(/Partition: 2\s+Leader: \d+/);
  });

  it('console producer, then console consumer with --group reads everything', async () => {
    await kafkaTool('kafka-console-producer', ['--bootstrap-server', bs, '--topic', TOPIC], {
      input: VALUES.join('\n') + '\n',
    });
    const consumed = await kafkaTool('kafka-console-consumer', [
      '--bootstrap-server', bs, '--topic', TOPIC, '--group', GROUP, '--from-beginning',
      '--max-messages', String(VALUES.length), '--timeout-ms', '45000',
    ], { timeoutMs: 90_000 });
    const lines = consumed.stdout.split('\n').filter((l) => l.length > 0);
    expect(lines.sort()).toEqual([...VALUES].sort());
    expect(consumed.stderr).toContain(`Processed a total of ${VALUES.length} messages`);
  });

  it('kafka-consumer-groups --describe shows the committed offsets, --reset-offsets --to-earliest --execute', async () => {
    const d = await kafkaTool('kafka-consumer-groups', ['--bootstrap-server', bs, '--describe', '--group', GROUP]);
    // GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID
    const rows = d.stdout
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter((c) => c[0] === GROUP && c[1] === TOPIC);
    expect(rows.length).toBe(3);
    const current = rows.reduce((s, c) => s + Number(c[3]), 0);
    const end = rows.reduce((s, c) => s + Number(c[4]), 0);
    expect(current).toBe(VALUES.length);
    expect(end).toBe(VALUES.length);
    for (const c of rows) expect(c[5]).toBe('0'); // LAG

    const reset = await kafkaTool('kafka-consumer-groups', [
      '--bootstrap-server', bs, '--group', GROUP, '--topic', TOPIC, '--reset-offsets', '--to-earliest', '--execute',
    ]);
    // Kafka 3.9 prints these rows without line breaks between them: match them in the whole text.
    const resetRows = [...reset.stdout.matchAll(new RegExp(`${GROUP}\\s+${TOPIC}\\s+(\\d+)\\s+(-?\\d+)`, 'g'))].map(
      (m) => [GROUP, TOPIC, m[1], m[2]],
    );
    expect(resetRows.length).toBe(3);
    for (const c of resetRows) expect(c[3]).toBe('0'); // NEW-OFFSET

    // The reset really was committed on the broker.
    const admin = kafkajs(broker, 'cli-check').admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] });
      const parts = offsets[0].partitions;
      expect(parts.length).toBe(3);
      for (const p of parts) expect(p.offset).toBe('0');
    } finally {
      await admin.disconnect();
    }
  });

  it('kafka-configs --alter --add-config retention.ms and --describe', async () => {
    const alter = await kafkaTool('kafka-configs', [
      '--bootstrap-server', bs, '--entity-type', 'topics', '--entity-name', TOPIC,
      '--alter', '--add-config', 'retention.ms=123456789,max.message.bytes=200000',
    ]);
    expect(alter.stdout).toContain(`Completed updating config for topic ${TOPIC}.`);
    const desc = await kafkaTool('kafka-configs', [
      '--bootstrap-server', bs, '--entity-type', 'topics', '--entity-name', TOPIC, '--describe',
    ]);
    expect(desc.stdout).toContain(`Dynamic configs for topic ${TOPIC} are:`);
    expect(desc.stdout).toMatch(/retention\.ms=123456789 sensitive=false/);
    expect(desc.stdout).toMatch(/max\.message\.bytes=200000 sensitive=false/);
  });

  it('kafka-get-offsets shows the end offsets of every partition', async () => {
    const r = await kafkaTool('kafka-get-offsets', ['--bootstrap-server', bs, '--topic', TOPIC]);
    const rows = r.stdout
      .split('\n')
      .filter((l) => l.startsWith(`${TOPIC}:`))
      .map((l) => l.split(':').map((x, i) => (i === 0 ? x : Number(x))));
    expect(rows.map((x) => x[1]).sort()).toEqual([0, 1, 2]);
    expect(rows.reduce((s, x) => s + (x[2] as number), 0)).toBe(VALUES.length);
  });

  it("kafka-dump-log --print-data-log reads the broker's segment files", async () => {
    const files = [0, 1, 2].flatMap((p) => broker.segments(TOPIC, p));
    expect(files.length).toBeGreaterThanOrEqual(3);
    const r = await kafkaTool('kafka-dump-log', ['--files', files.join(','), '--print-data-log']);
    for (const f of files) expect(r.stdout).toContain(`Dumping ${f}`);
    for (const v of VALUES) expect(r.stdout).toContain(`payload: ${v}`);
    expect(r.stdout).toMatch(/baseOffset: 0 lastOffset: \d+ count: \d+/);
    expect(r.stdout).toMatch(/isvalid: true/);
    expect(r.stdout).not.toMatch(/isvalid: false/);
  });
});
