// Cold-start probe: the smallest Kafka client that can tell when a freshly spawned broker first accepts a
// produce. A JVM client would add its own ~1 s start-up to the measurement, so this speaks the wire protocol
// directly: Metadata v4 (allow_auto_topic_creation) then Produce v3 (acks=1) of one RecordBatch v2 record.
// Works against any Kafka-compatible broker with auto.create.topics.enable=true (Gregor's and Kafka's default).
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
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
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
