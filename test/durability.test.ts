// Durability: 100k acknowledged records, a committed group offset and a topic config survive kill -9;
// a torn tail of the active segment (garbage appended, or the last batch cut in half) is truncated by
// recovery and everything before it stays readable.
import { appendFileSync, readFileSync, statSync, truncateSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigResourceTypes, type Kafka } from 'kafkajs';
import { startBroker, type TestBroker } from './helpers/broker.js';
import { scanBatches } from './helpers/raw-kafka.js';
import { kafkajs, uniqueName, waitFor } from './helpers/util.js';

const TOPIC = 'durable';
const GROUP = 'durable-group';
const N = 100_000;
const CHUNK = 2000;
const PAD = 'x'.repeat(40);
const value = (i: number) => `rec-${i}-${PAD}`;

/** Reads partition 0 from the beginning with a fresh group; returns record offsets → values. */
async function readAll(kafka: Kafka, expected: number): Promise<Map<number, string>> {
  const got = new Map<number, string>();
  const consumer = kafka.consumer({
    groupId: uniqueName('reader'),
    sessionTimeout: 10_000,
    heartbeatInterval: 1000,
    maxWaitTimeInMs: 200,
    maxBytesPerPartition: 4 * 1024 * 1024,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) got.set(Number(m.offset), m.value!.toString());
      },
    });
    await waitFor(() => got.size >= expected, { timeoutMs: 120_000, intervalMs: 250, what: `${expected} records` });
    await new Promise((r) => setTimeout(r, 500)); // nothing beyond `expected` may show up
  } finally {
    await consumer.disconnect();
  }
  return got;
}

function expectRecords(got: Map<number, string>, count: number): void {
  expect(got.size).toBe(count);
  for (let i = 0; i < count; i++) {
    if (got.get(i) !== value(i)) expect(`offset ${i}: ${got.get(i)}`).toBe(`offset ${i}: ${value(i)}`);
  }
}

describe('durability', () => {
  let broker: TestBroker;

  beforeAll(async () => {
    broker = await startBroker({ name: 'durability' });
  });
  afterAll(async () => {
    await broker?.cleanup();
  });

  it('100k acked records, a committed offset and a topic config survive kill -9', async () => {
    const kafka = kafkajs(broker, 'durability');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: TOPIC, numPartitions: 1 }] });
    const producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: false });
    await producer.connect();
    for (let start = 0; start < N; start += CHUNK) {
      const res = await producer.send({
        topic: TOPIC,
        acks: -1,
        messages: Array.from({ length: CHUNK }, (_, j) => ({ key: null, value: value(start + j) })),
      });
      expect(res[0].errorCode).toBe(0);
      expect(Number(res[0].baseOffset)).toBe(start);
    }
    await producer.disconnect();
    await admin.setOffsets({ groupId: GROUP, topic: TOPIC, partitions: [{ partition: 0, offset: '54321' }] });
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        { type: ConfigResourceTypes.TOPIC, name: TOPIC, configEntries: [{ name: 'retention.ms', value: '987654321' }] },
      ],
    });
    await admin.disconnect();

    await broker.kill('SIGKILL');
    await broker.restart();

    const k2 = kafkajs(broker, 'durability-2');
    const admin2 = k2.admin();
    await admin2.connect();
    try {
      const offs = await waitFor(async () => (await admin2.fetchTopicOffsets(TOPIC))[0], { what: 'topic offsets' });
      expect(offs.high).toBe(String(N));
      const cfg = await admin2.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: TOPIC }],
      });
      const retention = cfg.resources[0].configEntries.find((e) => e.configName === 'retention.ms');
      expect(retention?.configValue).toBe('987654321');
      const committed = await waitFor(
        async () => {
          const o = await admin2.fetchOffsets({ groupId: GROUP, topics: [TOPIC] });
          return o[0].partitions[0]?.offset !== '-1' ? o : null;
        },
        { timeoutMs: 30_000, what: 'committed offset after restart' },
      );
      expect(committed[0].partitions[0].offset).toBe('54321');
    } finally {
      await admin2.disconnect();
    }
    expectRecords(await readAll(k2, N), N);
  }, 300_000);

  it('garbage appended to the active segment is truncated by recovery', async () => {
    // kill -9, not a clean stop: recovery of the active segment runs after an unclean shutdown.
    await broker.kill('SIGKILL');
    const seg = broker.activeSegment(TOPIC, 0);
    const before = scanBatches(readFileSync(seg));
    expect(before.validBytes).toBe(statSync(seg).size);
    const garbage = randomBytes(777);
    garbage.writeInt32BE(0x10, 8); // a batch length too small to be valid
    appendFileSync(seg, garbage);

    await broker.restart();
    const kafka = kafkajs(broker, 'durability-3');
    const admin = kafka.admin();
    await admin.connect();
    try {
      const offs = await admin.fetchTopicOffsets(TOPIC);
      expect(offs[0].high).toBe(String(N));
    } finally {
      await admin.disconnect();
    }
    expect(statSync(seg).size).toBe(before.validBytes);
    expectRecords(await readAll(kafka, N), N);
  }, 240_000);

  it('a last batch cut in half is dropped; earlier records stay readable and new appends continue', async () => {
    await broker.kill('SIGKILL');
    const seg = broker.activeSegment(TOPIC, 0);
    const { batches, validBytes } = scanBatches(readFileSync(seg));
    expect(validBytes).toBe(statSync(seg).size);
    const last = batches[batches.length - 1];
    expect(last.baseOffset + last.lastOffsetDelta).toBe(N - 1);
    truncateSync(seg, last.position + Math.floor(last.size / 2));

    await broker.restart();
    const kafka = kafkajs(broker, 'durability-4');
    const admin = kafka.admin();
    await admin.connect();
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    try {
      const offs = await admin.fetchTopicOffsets(TOPIC);
      expect(offs[0].high).toBe(String(last.baseOffset));
      expect(statSync(seg).size).toBe(last.position);
      expectRecords(await readAll(kafka, last.baseOffset), last.baseOffset);

      await producer.connect();
      const res = await producer.send({ topic: TOPIC, acks: -1, messages: [{ value: value(last.baseOffset) }] });
      expect(res[0].baseOffset).toBe(String(last.baseOffset));
    } finally {
      await producer.disconnect();
      await admin.disconnect();
    }
  }, 240_000);
});
