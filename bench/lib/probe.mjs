// A tiny raw Kafka client for the benchmark (no JVM start-up in what it measures):
// - cold-start probe: the time until a freshly spawned broker first accepts a produce — Metadata v4
//   (allow_auto_topic_creation) then Produce v3 (acks=1) of one RecordBatch v2 record; works against any
//   Kafka-compatible broker with auto.create.topics.enable=true (Gregor's and Kafka's default);
// - Metadata v4 (all topics or some) with a full parse, CreateTopics v4, and helpers that poll Metadata until a
//   condition holds and that time repeated Metadata requests (10k-partition scenario, cluster readiness).
import { connect } from 'node:net';
import { sleep } from './proc.mjs';

// ---------------------------------------------------------------- CRC32C (Castagnoli), table-driven
const CRC32C_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32c(buf) {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = CRC32C_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

// ---------------------------------------------------------------- encoding helpers
function zigzagVarint(n) {
  // n is a small JS integer here (lengths, deltas); zigzag then unsigned LEB128.
  let v = n >= 0 ? n * 2 : -n * 2 - 1;
  const bytes = [];
  while (v >= 0x80) {
    bytes.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  bytes.push(v);
  return Buffer.from(bytes);
}

function int16(n) {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
}
function int32(n) {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}
function int64(n) {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt(n));
  return b;
}
function str(s) {
  const body = Buffer.from(s, 'utf8');
  return Buffer.concat([int16(body.length), body]);
}
function nullableStr(s) {
  return s === null || s === undefined ? int16(-1) : str(s);
}

/** One-record RecordBatch v2 (no key, no headers, uncompressed). */
export function recordBatch(value, timestamp = Date.now()) {
  const record = Buffer.concat([
    Buffer.from([0]), // attributes
    zigzagVarint(0), // timestamp delta
    zigzagVarint(0), // offset delta
    zigzagVarint(-1), // key: null
    zigzagVarint(value.length),
    value,
    zigzagVarint(0), // headers
  ]);
  const records = Buffer.concat([zigzagVarint(record.length), record]);
  // From attributes to the end: the part covered by the CRC.
  const tail = Buffer.concat([
    int16(0), // attributes: no compression, CreateTime
    int32(0), // lastOffsetDelta
    int64(timestamp), // baseTimestamp
    int64(timestamp), // maxTimestamp
    int64(-1), // producerId
    int16(-1), // producerEpoch
    int32(-1), // baseSequence
    int32(1), // record count
    records,
  ]);
  const head = Buffer.alloc(8 + 4 + 4 + 1 + 4);
  head.writeBigInt64BE(0n, 0); // baseOffset
  head.writeInt32BE(4 + 1 + 4 + tail.length, 8); // batchLength: from partitionLeaderEpoch to the end
  head.writeInt32BE(-1, 12); // partitionLeaderEpoch
  head.writeInt8(2, 16); // magic
  head.writeUInt32BE(crc32c(tail), 17);
  return Buffer.concat([head, tail]);
}

function request(apiKey, apiVersion, correlationId, body) {
  const header = Buffer.concat([int16(apiKey), int16(apiVersion), int32(correlationId), str('gregor-bench-probe')]);
  return Buffer.concat([int32(header.length + body.length), header, body]);
}

const API_PRODUCE = 0;
const API_METADATA = 3;
const API_CREATE_TOPICS = 19;

function metadataV4(topic) {
  return Buffer.concat([int32(1), str(topic), Buffer.from([1])]);
}

function produceV3(topic, partition, batch) {
  return Buffer.concat([
    int16(-1), // transactional_id: null
    int16(1), // acks
    int32(10_000), // timeout_ms
    int32(1), // topics
    str(topic),
    int32(1), // partitions
    int32(partition),
    int32(batch.length),
    batch,
  ]);
}

/** Error code of the single partition in a Produce v3 response body (after the correlation id). */
function produceErrorCode(body) {
  let o = 0;
  const topics = body.readInt32BE(o);
  o += 4;
  if (topics < 1) return -1;
  const nameLen = body.readInt16BE(o);
  o += 2 + nameLen;
  const parts = body.readInt32BE(o);
  o += 4;
  if (parts < 1) return -1;
  o += 4; // partition index
  return body.readInt16BE(o);
}

/** A connection that sends one request at a time and resolves with the response body (minus correlation id). */
class Conn {
  constructor(socket) {
    this.socket = socket;
    this.buf = Buffer.alloc(0);
    this.waiter = null;
    this.corr = 0;
    socket.on('data', (d) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.drain();
    });
    const fail = (err) => {
      if (this.waiter) {
        const w = this.waiter;
        this.waiter = null;
        w.reject(err ?? new Error('connection closed'));
      }
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed')));
  }
  drain() {
    if (!this.waiter || this.buf.length < 4) return;
    const size = this.buf.readInt32BE(0);
    if (this.buf.length < 4 + size) return;
    const frame = this.buf.subarray(4, 4 + size);
    this.buf = this.buf.subarray(4 + size);
    const w = this.waiter;
    this.waiter = null;
    w.resolve(frame.subarray(4));
  }
  send(apiKey, version, body, timeoutMs = 5000) {
    if (this.waiter) return Promise.reject(new Error('one request at a time'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        this.socket.destroy(); // a late response must not be taken for the next request's
        reject(new Error(`no response to api ${apiKey} in ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiter = {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.socket.write(request(apiKey, version, ++this.corr, body));
    });
  }
  close() {
    this.socket.destroy();
  }
}

function tryConnect(host, port, timeoutMs = 1000) {
  return new Promise((resolve, reject) => {
    const s = connect({ host, port });
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error('connect timeout'));
    }, timeoutMs);
    s.once('connect', () => {
      clearTimeout(timer);
      s.setNoDelay(true);
      resolve(s);
    });
    s.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/**
 * Polls until one produce to `topic` partition 0 succeeds. Returns ms (relative to `t0`, a performance.now()
 * timestamp) of the first accepted TCP connection and of the first successful produce, and the attempts.
 * `isAlive()` lets the caller stop early when the broker process died.
 */
export async function waitForFirstProduce({ host, port, topic, t0, timeoutMs = 60_000, isAlive = () => true }) {
  const deadline = performance.now() + timeoutMs;
  let connectedMs = null;
  let attempts = 0;
  let lastError = null;
  const value = Buffer.from('gregor-bench cold start probe');
  while (performance.now() < deadline) {
    if (!isAlive()) throw new Error(`broker exited before the first produce (last error: ${lastError})`);
    let conn = null;
    try {
      const socket = await tryConnect(host, port);
      if (connectedMs === null) connectedMs = performance.now() - t0;
      conn = new Conn(socket);
      for (;;) {
        if (performance.now() > deadline) break;
        attempts++;
        await conn.send(API_METADATA, 4, metadataV4(topic));
        const res = await conn.send(API_PRODUCE, 3, produceV3(topic, 0, recordBatch(value)));
        const code = produceErrorCode(res);
        if (code === 0) {
          return { connectMs: connectedMs, firstProduceMs: performance.now() - t0, attempts };
        }
        lastError = `produce error code ${code}`;
        await sleep(5);
      }
    } catch (e) {
      lastError = e.message;
      await sleep(10);
    } finally {
      conn?.close();
    }
  }
  throw new Error(`no successful produce within ${timeoutMs} ms (last error: ${lastError})`);
}

// ---------------------------------------------------------------- Metadata, CreateTopics

/** Sequential reader over a response body. */
class Reader {
  constructor(buf) {
    this.buf = buf;
    this.o = 0;
  }
  i8() {
    return this.buf.readInt8((this.o += 1) - 1);
  }
  i16() {
    return this.buf.readInt16BE((this.o += 2) - 2);
  }
  i32() {
    return this.buf.readInt32BE((this.o += 4) - 4);
  }
  str() {
    const n = this.i16();
    if (n < 0) return null;
    const s = this.buf.toString('utf8', this.o, this.o + n);
    this.o += n;
    return s;
  }
  array(f) {
    const n = this.i32();
    if (n < 0) return null;
    const out = new Array(n);
    for (let i = 0; i < n; i++) out[i] = f();
    return out;
  }
}

/** Opens a connection for request/response use (one request in flight). */
export async function openConnection(host, port, timeoutMs = 2000) {
  return new Conn(await tryConnect(host, port, timeoutMs));
}

/**
 * Metadata v4: `topics` null = all topics. Returns { brokers: [{ nodeId, host, port }], controllerId,
 * topics: [{ name, errorCode, partitions: [{ partition, errorCode, leader, replicas, isr }] }], bytes }.
 */
export async function metadata(conn, topics = null, timeoutMs = 30_000) {
  const body = Buffer.concat([
    topics === null ? int32(-1) : Buffer.concat([int32(topics.length), ...topics.map(str)]),
    Buffer.from([0]), // allow_auto_topic_creation: false
  ]);
  const res = await conn.send(API_METADATA, 4, body, timeoutMs);
  const r = new Reader(res);
  r.i32(); // throttle_time_ms
  const brokers = r.array(() => {
    const nodeId = r.i32();
    const host = r.str();
    const port = r.i32();
    r.str(); // rack
    return { nodeId, host, port };
  });
  r.str(); // cluster_id
  const controllerId = r.i32();
  const ts = r.array(() => {
    const errorCode = r.i16();
    const name = r.str();
    r.i8(); // is_internal
    const partitions = r.array(() => ({
      errorCode: r.i16(),
      partition: r.i32(),
      leader: r.i32(),
      replicas: r.array(() => r.i32()),
      isr: r.array(() => r.i32()),
    }));
    return { name, errorCode, partitions };
  });
  return { brokers, controllerId, topics: ts, bytes: res.length + 4 };
}

/**
 * CreateTopics v4 of `topics` ([{ name, partitions, replicationFactor, configs: { k: v } }]); the broker waits up
 * to `timeoutMs` for the creation. Returns [{ name, errorCode, errorMessage }].
 */
export async function createTopics(conn, topics, timeoutMs = 60_000) {
  const body = Buffer.concat([
    int32(topics.length),
    ...topics.flatMap((t) => {
      const configs = Object.entries(t.configs ?? {});
      return [
        str(t.name),
        int32(t.partitions),
        int16(t.replicationFactor ?? 1),
        int32(0), // assignments
        int32(configs.length),
        ...configs.flatMap(([k, v]) => [str(k), nullableStr(String(v))]),
      ];
    }),
    int32(timeoutMs),
    Buffer.from([0]), // validate_only
  ]);
  const res = await conn.send(API_CREATE_TOPICS, 4, body, timeoutMs + 30_000);
  const r = new Reader(res);
  r.i32(); // throttle_time_ms
  return r.array(() => ({ name: r.str(), errorCode: r.i16(), errorMessage: r.str() }));
}

/**
 * Polls Metadata (of `topics`, null = all) on `host:port` every `intervalMs` until `check(md)` returns a truthy
 * value, which is returned (with `ms`, time since the call). Reconnects after errors.
 */
export async function waitForMetadata({ host, port, topics = null, check, timeoutMs = 60_000, intervalMs = 200, isAlive = () => true }) {
  const t0 = performance.now();
  const deadline = t0 + timeoutMs;
  let conn = null;
  let last = 'no attempt';
  try {
    while (performance.now() < deadline) {
      if (!isAlive()) throw new Error(`broker exited while waiting for metadata (last: ${last})`);
      try {
        conn ??= await openConnection(host, port);
        const md = await metadata(conn, topics, Math.max(1000, deadline - performance.now()));
        const v = check(md);
        if (v) return { value: v, md, ms: performance.now() - t0 };
        last = 'condition not met';
      } catch (e) {
        last = e.message;
        conn?.close();
        conn = null;
      }
      await sleep(intervalMs);
    }
  } finally {
    conn?.close();
  }
  throw new Error(`metadata condition not met within ${timeoutMs} ms (last: ${last})`);
}

/**
 * Times `requests` sequential Metadata requests (of `topics`, null = all) on one connection, after `warmup`
 * untimed ones. Returns { samplesMs (sorted), p50Ms, p99Ms, maxMs, meanMs, bytes, topics, partitions }.
 */
export async function metadataLatency({ host, port, topics = null, requests = 50, warmup = 3, timeoutMs = 30_000 }) {
  const conn = await openConnection(host, port);
  try {
    let md = null;
    for (let i = 0; i < warmup; i++) md = await metadata(conn, topics, timeoutMs);
    const samples = [];
    for (let i = 0; i < requests; i++) {
      const t = performance.now();
      md = await metadata(conn, topics, timeoutMs);
      samples.push(performance.now() - t);
    }
    samples.sort((a, b) => a - b);
    const pct = (p) => samples[Math.min(samples.length - 1, Math.ceil((p / 100) * samples.length) - 1)];
    return {
      samplesMs: samples.map((x) => Math.round(x * 100) / 100),
      p50Ms: pct(50),
      p99Ms: pct(99),
      maxMs: samples[samples.length - 1],
      meanMs: samples.reduce((a, b) => a + b, 0) / samples.length,
      bytes: md?.bytes ?? null,
      topics: md?.topics.length ?? null,
      partitions: md ? md.topics.reduce((n, t) => n + (t.partitions?.length ?? 0), 0) : null,
    };
  } finally {
    conn.close();
  }
}
