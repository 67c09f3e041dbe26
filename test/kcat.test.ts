// kcat (librdkafka 2.0 from Debian) against the broker: metadata as JSON, produce/consume with every codec,
// and the codec really stored in the broker's segment files.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type TestBroker } from './helpers/broker.js';
import { scanBatches } from './helpers/raw-kafka.js';
import { kafkajs, runProcess } from './helpers/util.js';

const CODECS = [
  ['none', 0],
  ['gzip', 1],
  ['snappy', 2],
  ['lz4', 3],
  ['zstd', 4],
] as const;

describe('kcat', () => {
  let broker: TestBroker;

  beforeAll(async () => {
    broker = await startBroker({ name: 'kcat' });
    const admin = kafkajs(broker, 'kcat-setup').admin();
    await admin.connect();
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: [
          { topic: 'kcat-meta', numPartitions: 3 },
          ...CODECS.map(([c]) => ({ topic: `kcat-${c}`, numPartitions: 1 })),
        ],
      });
    } finally {
      await admin.disconnect();
    }
  });
  afterAll(async () => {
    await broker?.cleanup();
  });

  it('metadata: kcat -L -J', async () => {
    const r = await runProcess('kcat', ['-b', broker.bootstrap, '-L', '-J', '-m', '10'], { timeoutMs: 30_000 });
    const md = JSON.parse(r.stdout);
    expect(md.brokers).toEqual([{ id: broker.brokerId, name: broker.bootstrap }]);
    const t = md.topics.find((x: { topic: string }) => x.topic === 'kcat-meta');
    expect(t).toBeDefined();
    expect(t.partitions.map((p: { partition: number }) => p.partition).sort()).toEqual([0, 1, 2]);
    for (const p of t.partitions) {
      expect(p.leader).toBe(broker.brokerId);
      expect(p.replicas).toEqual([{ id: broker.brokerId }]);
      expect(p.isrs).toEqual([{ id: broker.brokerId }]);
    }
  });

  for (const [codec, id] of CODECS) {
    it(`produce and consume with -z ${codec}`, async () => {
      const topic = `kcat-${codec}`;
      const lines = Array.from({ length: 200 }, (_, i) => `key${i}:${codec}-value-${i}-${'abc'.repeat(i % 20)}`);
      await runProcess(
        'kcat',
        ['-b', broker.bootstrap, '-P', '-t', topic, '-p', '0', '-K', ':', '-z', codec, '-X', 'linger.ms=50'],
        { input: lines.join('\n') + '\n', timeoutMs: 30_000 },
      );
      const r = await runProcess(
        'kcat',
        ['-b', broker.bootstrap, '-C', '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-q', '-f', '%k:%s\\n'],
        { timeoutMs: 30_000 },
      );
      expect(r.stdout.split('\n').filter(Boolean)).toEqual(lines);

      const batches = broker.segments(topic, 0).flatMap((f) => scanBatches(readFileSync(f)).batches);
      expect(batches.length).toBeGreaterThan(0);
      expect(batches.reduce((s, b) => s + b.recordCount, 0)).toBe(lines.length);
      // librdkafka sends a batch uncompressed when compressing it does not make it smaller (a small batch cut
      // off by linger.ms on a slow machine): every batch is the codec's or uncompressed, nearly all records the codec's.
      for (const b of batches) expect([id, 0]).toContain(b.attributes & 7);
      const compressed = batches.filter((b) => (b.attributes & 7) === id).reduce((s, b) => s + b.recordCount, 0);
      expect(compressed).toBeGreaterThanOrEqual(lines.length * 0.8);
    });
  }
});
