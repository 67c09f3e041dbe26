import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalStore, METADATA_FILE, randomKafkaUuid } from '../src/metadata/local-store.js';
import type { BrokerInfo, MetadataEvent } from '../src/metadata/store.js';
import { ErrorCode, KafkaError } from '../src/protocol/errors.js';

const self: BrokerInfo = { id: 0, rack: null, endpoints: [{ name: 'PLAINTEXT', host: 'localhost', port: 9092, securityProtocol: 'PLAINTEXT' }] };

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'gregor-store-'));
}

async function open(dir: string, clusterId?: string): Promise<LocalStore> {
  const s = new LocalStore({ brokerId: 0, logDir: dir, self, clusterId });
  await s.start();
  return s;
}

describe('LocalStore', () => {
  it('creates a cluster id that is a Kafka UUID and keeps it across reopen', async () => {
    const dir = tempDir();
    const s = await open(dir);
    const id = s.clusterId();
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(Buffer.from(id, 'base64url')).toHaveLength(16);
    expect(existsSync(join(dir, METADATA_FILE))).toBe(true);
    await s.close();
    const s2 = await open(dir);
    expect(s2.clusterId()).toBe(id);
    await s2.close();
  });

  it('uses a configured cluster id and refuses a mismatching one', async () => {
    const dir = tempDir();
    const s = await open(dir, 'MyClusterIdAAAAAAAAAAA');
    expect(s.clusterId()).toBe('MyClusterIdAAAAAAAAAAA');
    await s.close();
    await expect(open(dir, 'OtherClusterAAAAAAAAAA')).rejects.toThrow(/does not match/);
  });

  it('is a single-node cluster: self is the only broker and the controller', async () => {
    const s = await open(tempDir());
    expect(s.brokers()).toEqual([self]);
    expect(s.controllerId()).toBe(0);
    s.setSelf({ ...self, endpoints: [{ ...self.endpoints[0]!, port: 40000 }] });
    expect(s.brokers()[0]!.endpoints[0]!.port).toBe(40000);
    await s.close();
  });

  it('persists topics, configs, broker configs and producer ids across reopen', async () => {
    const dir = tempDir();
    const s = await open(dir);
    const events: MetadataEvent[] = [];
    s.on((e) => events.push(e));
    const topicId = randomKafkaUuid();
    const t = await s.createTopic({ name: 'test', topicId, assignment: [[0], [0], [0]], configs: { 'retention.ms': '1000' } });
    expect(t.partitions).toEqual([0, 1, 2].map((p) => ({ partition: p, replicas: [0], leader: 0, leaderEpoch: 0, isr: [0], partitionEpoch: 0 })));
    await s.addPartitions('test', [[0]]);
    await s.setTopicConfigs('test', { 'cleanup.policy': 'compact' });
    await s.setBrokerConfigs(null, { 'log.retention.ms': '5000' });
    await s.setBrokerConfigs(0, { 'message.max.bytes': '2000' });
    expect(await s.allocateProducerIds(1000)).toBe(0);
    expect(await s.allocateProducerIds(1000)).toBe(1000);
    await s.createTopic({ name: '__consumer_offsets', topicId: randomKafkaUuid(), assignment: [[0]], configs: {} });
    await s.createTopic({ name: 'gone', topicId: randomKafkaUuid(), assignment: [[0]], configs: {} });
    const goneId = s.topic('gone')!.topicId;
    await s.deleteTopic('gone');
    expect(events).toEqual([
      { type: 'topicCreated', topic: 'test' },
      { type: 'partitionsAdded', topic: 'test' },
      { type: 'topicConfigChanged', topic: 'test' },
      { type: 'brokerConfigChanged' },
      { type: 'brokerConfigChanged' },
      { type: 'topicCreated', topic: '__consumer_offsets' },
      { type: 'topicCreated', topic: 'gone' },
      { type: 'topicDeleted', topic: 'gone', topicId: goneId },
    ]);
    await s.close();

    const r = await open(dir);
    const test = r.topic('test')!;
    expect(test.topicId).toBe(topicId);
    expect(r.topicById(topicId)?.name).toBe('test');
    expect(test.partitions.map((p) => p.partition)).toEqual([0, 1, 2, 3]);
    expect(test.configs).toEqual({ 'cleanup.policy': 'compact' });
    expect(test.internal).toBe(false);
    expect(r.topic('__consumer_offsets')!.internal).toBe(true);
    expect(r.topic('gone')).toBeUndefined();
    expect(r.brokerConfigs(null)).toEqual({ 'log.retention.ms': '5000' });
    expect(r.brokerConfigs(0)).toEqual({ 'message.max.bytes': '2000' });
    expect(r.brokerConfigs(1)).toEqual({});
    // Producer ids are never handed out twice, even across restarts.
    expect(await r.allocateProducerIds(10)).toBe(2000);
    await r.close();
  });

  it('reports Kafka errors for conflicts and unknown topics', async () => {
    const s = await open(tempDir());
    await s.createTopic({ name: 'a', topicId: randomKafkaUuid(), assignment: [[0]], configs: {} });
    const codeOf = async (p: Promise<unknown>): Promise<number> => {
      try {
        await p;
      } catch (err) {
        expect(err).toBeInstanceOf(KafkaError);
        return (err as KafkaError).code;
      }
      throw new Error('expected an error');
    };
    expect(await codeOf(s.createTopic({ name: 'a', topicId: randomKafkaUuid(), assignment: [[0]], configs: {} }))).toBe(ErrorCode.TOPIC_ALREADY_EXISTS);
    expect(await codeOf(s.deleteTopic('b'))).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect(await codeOf(s.setTopicConfigs('b', {}))).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect(await codeOf(s.addPartitions('b', [[0]]))).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    // A failed change leaves the store usable and unchanged.
    expect(s.topics().map((t) => t.name)).toEqual(['a']);
    await s.close();
  });

  it('serialises concurrent changes', async () => {
    const dir = tempDir();
    const s = await open(dir);
    const ids = await Promise.all(Array.from({ length: 20 }, () => s.allocateProducerIds(5)));
    expect([...ids].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i * 5));
    await Promise.all(Array.from({ length: 10 }, (_, i) => s.createTopic({ name: `t${i}`, topicId: randomKafkaUuid(), assignment: [[0]], configs: {} })));
    await s.close();
    const r = await open(dir);
    expect(r.topics()).toHaveLength(10);
    await r.close();
  });

  it('ignores and removes a leftover tmp file from an interrupted write', async () => {
    const dir = tempDir();
    const s = await open(dir);
    await s.createTopic({ name: 'kept', topicId: randomKafkaUuid(), assignment: [[0]], configs: {} });
    await s.close();
    const tmp = join(dir, `${METADATA_FILE}.tmp`);
    // What a kill -9 between write and rename leaves behind: a torn new version.
    writeFileSync(tmp, '{"version":1,"clusterId":"torn","topics":[{"name":"half');
    const r = await open(dir);
    expect(r.topic('kept')).toBeDefined();
    expect(r.clusterId()).not.toBe('torn');
    expect(existsSync(tmp)).toBe(false);
    await r.close();
  });

  it('never leaves the file half-written: every write is a complete JSON document', async () => {
    const dir = tempDir();
    const s = await open(dir);
    const path = join(dir, METADATA_FILE);
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 30; i++) writes.push(s.setBrokerConfigs(null, { 'log.retention.ms': String(i + 1) }));
    // Read the file while writes are in flight; each read must parse.
    for (let i = 0; i < 30; i++) {
      JSON.parse(readFileSync(path, 'utf8'));
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(writes);
    expect(JSON.parse(readFileSync(path, 'utf8')).brokerConfigs['']).toEqual({ 'log.retention.ms': '30' });
    await s.close();
  });

  it('refuses to start on a corrupt file rather than starting empty', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, METADATA_FILE), '{not json');
    await expect(open(dir)).rejects.toThrow(/not valid JSON/);
  });

  it('creates the log dir if missing', async () => {
    const dir = join(tempDir(), 'nested', 'logs');
    const s = await open(dir);
    expect(existsSync(join(dir, METADATA_FILE))).toBe(true);
    await s.close();
  });
});

describe('LocalStore under kill -9', () => {
  it('reopens with every acknowledged change after the writer is killed mid-stream', async () => {
    const { transpileModule, ModuleKind, ScriptTarget } = await import('typescript');
    const { mkdirSync, symlinkSync, readFileSync: read, writeFileSync: write } = await import('node:fs');
    const { spawn } = await import('node:child_process');
    const { fileURLToPath } = await import('node:url');

    // The writer runs in a separate Node process, so it gets plain JS transpiled from the real sources.
    const src = fileURLToPath(new URL('../src/', import.meta.url));
    const out = mkdtempSync(join(tmpdir(), 'gregor-kill-'));
    symlinkSync(fileURLToPath(new URL('../../node_modules', import.meta.url)), join(out, 'node_modules'));
    write(join(out, 'package.json'), '{"type":"module"}');
    for (const f of ['log.ts', 'protocol/errors.ts', 'metadata/store.ts', 'metadata/local-store.ts']) {
      const js = transpileModule(read(join(src, f), 'utf8'), { compilerOptions: { module: ModuleKind.ESNext, target: ScriptTarget.ES2022 } }).outputText;
      mkdirSync(join(out, f, '..'), { recursive: true });
      write(join(out, f.replace(/\.ts$/, '.js')), js);
    }
    write(
      join(out, 'writer.js'),
      `import { LocalStore } from './metadata/local-store.js';
       const s = new LocalStore({ brokerId: 0, logDir: process.argv[2], self: { id: 0, rack: null, endpoints: [] } });
       await s.start();
       let n = Number(s.brokerConfigs(null)['log.retention.ms'] ?? '0');
       // A kill between step n's config write and its topic creation leaves the topic to create (n was never
       // acknowledged, but it will be once a later step is).
       if (n > 0 && n % 7 === 0 && !s.topic('t' + n)) await s.createTopic({ name: 't' + n, topicId: 'id' + n, assignment: [[0]], configs: {} });
       for (;;) {
         n++;
         await s.setBrokerConfigs(null, { 'log.retention.ms': String(n) });
         if (n % 7 === 0) await s.createTopic({ name: 't' + n, topicId: 'id' + n, assignment: [[0]], configs: {} });
         process.stdout.write(n + '\\n');
       }`,
    );

    const dir = tempDir();
    let acknowledged = 0;
    for (let round = 0; round < 5; round++) {
      const child = spawn(process.execPath, [join(out, 'writer.js'), dir], { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, GREGOR_LOG_LEVEL: 'silent' } });
      let buf = '';
      await new Promise<void>((resolve, reject) => {
        const killAt = 5 + Math.floor(Math.random() * 40);
        let seen = 0;
        child.stdout!.on('data', (d: Buffer) => {
          buf += d.toString();
          const lines = buf.split('\n');
          buf = lines.pop()!;
          for (const l of lines) {
            acknowledged = Math.max(acknowledged, Number(l));
            if (++seen === killAt) child.kill('SIGKILL');
          }
        });
        child.on('exit', () => resolve());
        child.on('error', reject);
      });
      const s = await open(dir);
      const stored = Number(s.brokerConfigs(null)['log.retention.ms']);
      // Every change the writer saw acknowledged is there; at most the one in flight is extra.
      expect(stored).toBeGreaterThanOrEqual(acknowledged);
      expect(stored).toBeLessThanOrEqual(acknowledged + 1);
      for (let n = 7; n <= acknowledged; n += 7) expect(s.topic(`t${n}`), `t${n}`).toBeDefined();
      await s.close();
    }
  });
});
