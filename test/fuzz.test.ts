// Hostile input over real sockets: >= 100k random / truncated / oversized / wrong-version / unknown-api
// frames on many connections; the broker must stay up and keep serving well-formed requests. Plus exact
// error codes for invalid topic names, too-large records and unknown topics (auto-create off).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type TestBroker } from './helpers/broker.js';
import {
  ApiKey,
  ErrorCode,
  RawConnection,
  apiVersions,
  buildRecordBatch,
  createTopics,
  fuzzFrame,
  metadata,
  produce,
  rng,
  type FuzzKind,
} from './helpers/raw-kafka.js';
import { Socket, connect } from 'node:net';

const FRAMES = 100_000;
const FRAMES_PER_CONNECTION = 40;
const PARALLEL = 24;
const DEADLINE_MS = 150_000;
const SEED = Number(process.env.GREGOR_FUZZ_SEED ?? 20261125);

/** Sends `frames` on one fresh connection, half-closes, and waits (bounded) for the broker to close. */
function blast(port: number, frames: Buffer[]): Promise<void> {
  return new Promise((resolve) => {
    const s: Socket = connect({ port, host: '127.0.0.1' });
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      s.destroy();
      resolve();
    };
    const timer = setTimeout(finish, 2000);
    s.on('error', finish);
    s.on('close', finish);
    s.on('data', () => {}); // drain whatever the broker answers
    s.once('connect', () => {
      s.end(Buffer.concat(frames));
    });
  });
}

describe('fuzz and protocol errors', () => {
  let broker: TestBroker;

  beforeAll(async () => {
    broker = await startBroker({
      name: 'fuzz',
      overrides: { 'auto.create.topics.enable': false, 'num.partitions': 1 },
    });
  });
  afterAll(async () => {
    await broker?.cleanup();
  });

  it(`survives ${FRAMES} hostile frames on many connections`, async () => {
    const random = rng(SEED);
    const counts = new Map<FuzzKind, number>();
    let sent = 0;
    let connections = 0;
    const started = Date.now();
    const worker = async () => {
      while (sent < FRAMES && Date.now() - started < DEADLINE_MS) {
        const frames: Buffer[] = [];
        for (let i = 0; i < FRAMES_PER_CONNECTION && sent < FRAMES; i++, sent++) {
          const f = fuzzFrame(random);
          counts.set(f.kind, (counts.get(f.kind) ?? 0) + 1);
          frames.push(f.bytes);
        }
        connections++;
        await blast(broker.port, frames);
        if (connections % 500 === 0 && !broker.isAlive()) return;
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    const ms = Date.now() - started;
    console.log(
      `fuzz: ${sent} frames on ${connections} connections in ${ms} ms (seed ${SEED}); ` +
        [...counts].map(([k, v]) => `${k}=${v}`).join(' '),
    );
    expect(broker.isAlive(), broker.logTail()).toBe(true);
    expect(sent).toBeGreaterThanOrEqual(FRAMES);

    // A fresh connection still gets well-formed answers.
    const conn = await RawConnection.connect(broker.port);
    try {
      const v0 = await apiVersions(conn, 0);
      expect(v0.errorCode).toBe(0);
      const v3 = await apiVersions(conn, 3);
      expect(v3.errorCode).toBe(0);
      const keys = new Set(v3.apis.map((a) => a.apiKey));
      for (const k of [ApiKey.Produce, ApiKey.Fetch, ApiKey.Metadata, ApiKey.ApiVersions]) expect(keys.has(k)).toBe(true);
      const md = await metadata(conn, null);
      expect(md.brokers.map((b) => b.port)).toContain(broker.port);
    } finally {
      conn.close();
    }
  }, DEADLINE_MS + 60_000);

  it('ApiVersions with an unsupported version answers UNSUPPORTED_VERSION with the supported ranges (v0 body)', async () => {
    const conn = await RawConnection.connect(broker.port);
    try {
      const r = await apiVersions(conn, 127);
      expect(r.errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
      const av = r.apis.find((a) => a.apiKey === ApiKey.ApiVersions);
      expect(av?.minVersion).toBe(0);
      expect(av?.maxVersion).toBeGreaterThanOrEqual(3);
    } finally {
      conn.close();
    }
  });

  it('invalid topic names → INVALID_TOPIC_EXCEPTION (17)', async () => {
    const conn = await RawConnection.connect(broker.port);
    try {
      const bad = ['', '.', '..', 'has space', 'slash/topic', 'star*', 'x'.repeat(250), 'ümlaut'];
      const res = await createTopics(
        conn,
        bad.map((name) => ({ name, numPartitions: 1, replicationFactor: 1 })),
      );
      expect(res.map((r) => r.name).sort()).toEqual([...bad].sort());
      for (const r of res) expect({ name: r.name, code: r.errorCode }).toEqual({ name: r.name, code: ErrorCode.INVALID_TOPIC_EXCEPTION });
      // A valid name in the same connection still works.
      const ok = await createTopics(conn, [{ name: 'valid.topic_name-1', numPartitions: 1, replicationFactor: 1 }]);
      expect(ok[0].errorCode).toBe(ErrorCode.NONE);
    } finally {
      conn.close();
    }
  });

  it('a record larger than max.message.bytes → MESSAGE_TOO_LARGE (10)', async () => {
    const conn = await RawConnection.connect(broker.port);
    try {
      const created = await createTopics(conn, [
        { name: 'small-records', numPartitions: 1, replicationFactor: 1, configs: { 'max.message.bytes': '1024' } },
      ]);
      expect(created[0].errorCode).toBe(ErrorCode.NONE);
      // wait until the new partition has a leader
      for (let i = 0; i < 50; i++) {
        const md = await metadata(conn, ['small-records']);
        if ((md.topics[0]?.partitions[0]?.leader ?? -1) >= 0 && md.topics[0].errorCode === 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const small = await produce(conn, 'small-records', 0, buildRecordBatch([{ value: 'fits' }]));
      expect(small.errorCode).toBe(ErrorCode.NONE);
      const big = await produce(conn, 'small-records', 0, buildRecordBatch([{ value: Buffer.alloc(4000, 7) }]));
      expect(big.errorCode).toBe(ErrorCode.MESSAGE_TOO_LARGE);
      // The connection is still usable and the small record is still the only one.
      const again = await produce(conn, 'small-records', 0, buildRecordBatch([{ value: 'fits too' }]));
      expect(again).toEqual({ errorCode: ErrorCode.NONE, baseOffset: 1 });
    } finally {
      conn.close();
    }
  });

  it('unknown topic with auto-create off → UNKNOWN_TOPIC_OR_PARTITION (3) in Metadata and Produce', async () => {
    const conn = await RawConnection.connect(broker.port);
    try {
      const md = await metadata(conn, ['no-such-topic'], { allowAutoTopicCreation: true });
      expect(md.topics).toHaveLength(1);
      expect(md.topics[0].name).toBe('no-such-topic');
      expect(md.topics[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      const p = await produce(conn, 'no-such-topic', 0, buildRecordBatch([{ value: 'x' }]), { timeoutMs: 2000 });
      expect(p.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      const md2 = await metadata(conn, ['no-such-topic']);
      expect(md2.topics[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    } finally {
      conn.close();
    }
  });

  it('still alive at the end', () => {
    expect(broker.isAlive()).toBe(true);
  });
});
