// Hand-built Kafka wire frames over raw sockets, for tests that must see exact error codes or send
// malformed input. Independent of the broker's own codec on purpose: it must not import broker code.
import { Socket, connect } from 'node:net';

// ------------------------------------------------------------------------------------------ constants

export const ApiKey = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  SyncGroup: 14,
  DescribeGroups: 15,
  ListGroups: 16,
  SaslHandshake: 17,
  ApiVersions: 18,
  CreateTopics: 19,
  DeleteTopics: 20,
  InitProducerId: 22,
  DescribeConfigs: 32,
  AlterConfigs: 33,
  CreatePartitions: 37,
  IncrementalAlterConfigs: 44,
} as const;

export const ErrorCode = {
  NONE: 0,
  OFFSET_OUT_OF_RANGE: 1,
  CORRUPT_MESSAGE: 2,
  UNKNOWN_TOPIC_OR_PARTITION: 3,
  LEADER_NOT_AVAILABLE: 5,
  NOT_LEADER_OR_FOLLOWER: 6,
  MESSAGE_TOO_LARGE: 10,
  INVALID_TOPIC_EXCEPTION: 17,
  RECORD_LIST_TOO_LARGE: 18,
  INVALID_REQUIRED_ACKS: 21,
  UNSUPPORTED_VERSION: 35,
  TOPIC_ALREADY_EXISTS: 36,
  INVALID_PARTITIONS: 37,
  INVALID_REPLICATION_FACTOR: 38,
  INVALID_REQUEST: 42,
  INVALID_CONFIG: 40,
} as const;

// ------------------------------------------------------------------------------------------ CRC32C

const CRC32C_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32c(buf: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = CRC32C_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

// ------------------------------------------------------------------------------------------ writer / reader

export class Writer {
  private chunks: Buffer[] = [];
  private len = 0;

  raw(b: Uint8Array): this {
    const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
    this.chunks.push(buf);
    this.len += buf.length;
    return this;
  }
  int8(v: number): this {
    const b = Buffer.alloc(1);
    b.writeInt8(v);
    return this.raw(b);
  }
  bool(v: boolean): this {
    return this.int8(v ? 1 : 0);
  }
  int16(v: number): this {
    const b = Buffer.alloc(2);
    b.writeInt16BE(v);
    return this.raw(b);
  }
  int32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v);
    return this.raw(b);
  }
  uint32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(v >>> 0);
    return this.raw(b);
  }
  int64(v: number | bigint): this {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(BigInt(v));
    return this.raw(b);
  }
  uvarint(v: number): this {
    const out: number[] = [];
    let x = v >>> 0;
    while (x >= 0x80) {
      out.push((x & 0x7f) | 0x80);
      x >>>= 7;
    }
    out.push(x);
    return this.raw(Buffer.from(out));
  }
  varint(v: number): this {
    return this.uvarint(((v << 1) ^ (v >> 31)) >>> 0);
  }
  varlong(v: number | bigint): this {
    let x = BigInt(v);
    x = (x << 1n) ^ (x >> 63n);
    x = BigInt.asUintN(64, x);
    const out: number[] = [];
    while (x >= 0x80n) {
      out.push(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    out.push(Number(x));
    return this.raw(Buffer.from(out));
  }
  string(s: string): this {
    const b = Buffer.from(s, 'utf8');
    return this.int16(b.length).raw(b);
  }
  nullableString(s: string | null): this {
    return s === null ? this.int16(-1) : this.string(s);
  }
  compactString(s: string): this {
    const b = Buffer.from(s, 'utf8');
    return this.uvarint(b.length + 1).raw(b);
  }
  compactNullableString(s: string | null): this {
    return s === null ? this.uvarint(0) : this.compactString(s);
  }
  bytes(b: Uint8Array | null): this {
    return b === null ? this.int32(-1) : this.int32(b.length).raw(b);
  }
  array<T>(items: T[] | null, fn: (w: Writer, item: T) => void): this {
    if (items === null) return this.int32(-1);
    this.int32(items.length);
    for (const it of items) fn(this, it);
    return this;
  }
  compactArray<T>(items: T[] | null, fn: (w: Writer, item: T) => void): this {
    if (items === null) return this.uvarint(0);
    this.uvarint(items.length + 1);
    for (const it of items) fn(this, it);
    return this;
  }
  emptyTaggedFields(): this {
    return this.uvarint(0);
  }
  get length(): number {
    return this.len;
  }
  toBuffer(): Buffer {
    return Buffer.concat(this.chunks, this.len);
  }
}

export class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  private need(n: number): void {
    if (this.pos + n > this.buf.length) {
      throw new RangeError(`read past end: need ${n} at ${this.pos}, have ${this.buf.length}`);
    }
  }
  get remaining(): number {
    return this.buf.length - this.pos;
  }
  int8(): number {
    this.need(1);
    return this.buf.readInt8(this.pos++);
  }
  bool(): boolean {
    return this.int8() !== 0;
  }
  int16(): number {
    this.need(2);
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  int32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  uint32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  int64(): number {
    this.need(8);
    const v = this.buf.readBigInt64BE(this.pos);
    this.pos += 8;
    return Number(v);
  }
  uvarint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      this.need(1);
      const b = this.buf[this.pos++];
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
      if (shift > 35) throw new RangeError('uvarint too long');
    }
  }
  varint(): number {
    const u = this.uvarint();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }
  varlong(): number {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      this.need(1);
      const b = BigInt(this.buf[this.pos++]);
      result |= (b & 0x7fn) << shift;
      if ((b & 0x80n) === 0n) break;
      shift += 7n;
      if (shift > 70n) throw new RangeError('varlong too long');
    }
    return Number((result >> 1n) ^ -(result & 1n));
  }
  take(n: number): Buffer {
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  string(): string {
    const n = this.int16();
    if (n < 0) throw new RangeError('null string where non-null expected');
    return this.take(n).toString('utf8');
  }
  nullableString(): string | null {
    const n = this.int16();
    return n < 0 ? null : this.take(n).toString('utf8');
  }
  compactString(): string {
    const n = this.uvarint() - 1;
    if (n < 0) throw new RangeError('null compact string where non-null expected');
    return this.take(n).toString('utf8');
  }
  compactNullableString(): string | null {
    const n = this.uvarint() - 1;
    return n < 0 ? null : this.take(n).toString('utf8');
  }
  bytes(): Buffer | null {
    const n = this.int32();
    return n < 0 ? null : this.take(n);
  }
  array<T>(fn: (r: Reader) => T): T[] {
    const n = this.int32();
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(fn(this));
    return out;
  }
  compactArray<T>(fn: (r: Reader) => T): T[] {
    const n = this.uvarint() - 1;
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(fn(this));
    return out;
  }
  skipTaggedFields(): void {
    const n = this.uvarint();
    for (let i = 0; i < n; i++) {
      this.uvarint();
      this.take(this.uvarint());
    }
  }
}

// ------------------------------------------------------------------------------------------ frames

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId?: string | null;
  /** Request header v2 (flexible versions): adds empty tagged fields after the client id. */
  flexible?: boolean;
}

/** A complete request frame: 4-byte size, request header v1/v2, body. */
export function requestFrame(h: RequestHeader, body: Uint8Array = Buffer.alloc(0)): Buffer {
  const w = new Writer();
  w.int16(h.apiKey).int16(h.apiVersion).int32(h.correlationId).nullableString(h.clientId ?? 'gregor-raw');
  if (h.flexible) w.emptyTaggedFields();
  w.raw(body);
  const payload = w.toBuffer();
  const size = Buffer.alloc(4);
  size.writeInt32BE(payload.length);
  return Buffer.concat([size, payload]);
}

// ------------------------------------------------------------------------------------------ record batches

export interface RawRecord {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: { key: string; value: Buffer | string | null }[];
}

function toBuf(v: Buffer | string | null | undefined): Buffer | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? Buffer.from(v) : v;
}

/** An uncompressed RecordBatch v2 (magic 2) with a correct CRC32C. */
export function buildRecordBatch(records: RawRecord[], opts: { baseOffset?: number; timestamp?: number } = {}): Buffer {
  const ts = opts.timestamp ?? Date.now();
  const recs = new Writer();
  records.forEach((r, i) => {
    const body = new Writer();
    body.int8(0).varlong(0).varint(i);
    const k = toBuf(r.key);
    if (k === null) body.varint(-1);
    else body.varint(k.length).raw(k);
    const v = toBuf(r.value);
    if (v === null) body.varint(-1);
    else body.varint(v.length).raw(v);
    const hs = r.headers ?? [];
    body.varint(hs.length);
    for (const h of hs) {
      const hk = Buffer.from(h.key);
      body.varint(hk.length).raw(hk);
      const hv = toBuf(h.value);
      if (hv === null) body.varint(-1);
      else body.varint(hv.length).raw(hv);
    }
    const b = body.toBuffer();
    recs.varint(b.length).raw(b);
  });
  // attributes .. end: the CRC'd part
  const tail = new Writer()
    .int16(0) // attributes: no compression, CreateTime
    .int32(records.length - 1) // lastOffsetDelta
    .int64(ts) // baseTimestamp
    .int64(ts) // maxTimestamp
    .int64(-1) // producerId
    .int16(-1) // producerEpoch
    .int32(-1) // baseSequence
    .int32(records.length)
    .raw(recs.toBuffer())
    .toBuffer();
  const head = new Writer()
    .int64(opts.baseOffset ?? 0)
    .int32(4 + 1 + 4 + tail.length) // batchLength: from partitionLeaderEpoch to the end
    .int32(-1) // partitionLeaderEpoch
    .int8(2) // magic
    .uint32(crc32c(tail))
    .toBuffer();
  return Buffer.concat([head, tail]);
}

export interface BatchInfo {
  baseOffset: number;
  /** Byte position of the batch in the buffer / segment file. */
  position: number;
  /** Whole batch size in bytes (batchLength + 12). */
  size: number;
  lastOffsetDelta: number;
  recordCount: number;
  magic: number;
  /** Batch attributes; `attributes & 7` is the compression codec (0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd). */
  attributes: number;
  crcValid: boolean;
}

/**
 * Walks RecordBatches in a buffer (e.g. a whole segment file) and stops at the first incomplete or
 * invalid one; `validBytes` is where a log recovery would truncate.
 */
export function scanBatches(buf: Buffer): { batches: BatchInfo[]; validBytes: number } {
  const batches: BatchInfo[] = [];
  let pos = 0;
  while (pos + 61 <= buf.length) {
    const baseOffset = Number(buf.readBigInt64BE(pos));
    const batchLength = buf.readInt32BE(pos + 8);
    const size = batchLength + 12;
    if (batchLength < 49 || pos + size > buf.length) break;
    const magic = buf.readInt8(pos + 16);
    const crc = buf.readUInt32BE(pos + 17);
    const crcValid = magic === 2 && crc32c(buf.subarray(pos + 21, pos + size)) === crc;
    if (!crcValid) break;
    batches.push({
      baseOffset,
      position: pos,
      size,
      lastOffsetDelta: buf.readInt32BE(pos + 23),
      recordCount: buf.readInt32BE(pos + 57),
      magic,
      attributes: buf.readInt16BE(pos + 21),
      crcValid,
    });
    pos += size;
  }
  return { batches, validBytes: pos };
}

// ------------------------------------------------------------------------------------------ connection

/** A TCP connection to host:port with Nagle off; rejects on error or after `timeoutMs`. */
export function openSocket(port: number, host = '127.0.0.1', timeoutMs = 5000): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host });
    s.setNoDelay(true);
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`connect ${host}:${port} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    s.once('connect', () => {
      clearTimeout(timer);
      s.removeAllListeners('error');
      resolve(s);
    });
    s.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

export class RawConnection {
  private buf: Buffer = Buffer.alloc(0);
  private waiters = new Map<number, { resolve: (b: Buffer) => void; reject: (e: Error) => void }>();
  private nextCorrelationId = 1;
  private closedErr: Error | null = null;
  readonly closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on('data', (d) => this.onData(d));
    this.closed = new Promise((resolve) => {
      socket.on('close', () => {
        this.closedErr = this.closedErr ?? new Error('connection closed by peer');
        for (const w of this.waiters.values()) w.reject(this.closedErr);
        this.waiters.clear();
        resolve();
      });
    });
    socket.on('error', (e) => {
      this.closedErr = e;
    });
  }

  static async connect(port: number, host = '127.0.0.1', timeoutMs = 5000): Promise<RawConnection> {
    return new RawConnection(await openSocket(port, host, timeoutMs));
  }

  get isClosed(): boolean {
    return this.socket.destroyed;
  }

  private onData(d: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    while (this.buf.length >= 4) {
      const n = this.buf.readInt32BE(0);
      if (this.buf.length < 4 + n) break;
      const frame = this.buf.subarray(4, 4 + n);
      this.buf = this.buf.subarray(4 + n);
      const cid = frame.readInt32BE(0);
      const w = this.waiters.get(cid);
      if (w) {
        this.waiters.delete(cid);
        w.resolve(frame.subarray(4));
      }
    }
  }

  /** Writes raw bytes (any garbage) to the socket. */
  write(b: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(b, (e) => (e ? reject(e) : resolve())));
  }

  /**
   * Sends a request and resolves with a Reader positioned after the response header (v0 or, when
   * `flexibleResponse`, v1 with tagged fields skipped).
   */
  async request(
    apiKey: number,
    apiVersion: number,
    body: Uint8Array,
    opts: { flexible?: boolean; flexibleResponse?: boolean; timeoutMs?: number; clientId?: string } = {},
  ): Promise<Reader> {
    if (this.closedErr && this.socket.destroyed) throw this.closedErr;
    const correlationId = this.nextCorrelationId++;
    const frame = requestFrame(
      { apiKey, apiVersion, correlationId, clientId: opts.clientId, flexible: opts.flexible },
      body,
    );
    const timeoutMs = opts.timeoutMs ?? 10_000;
    const resp = await new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(correlationId);
        reject(new Error(`no response to api ${apiKey} v${apiVersion} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.set(correlationId, {
        resolve: (b) => {
          clearTimeout(timer);
          resolve(b);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.socket.write(frame);
    });
    const r = new Reader(resp);
    if (opts.flexibleResponse ?? opts.flexible) r.skipTaggedFields();
    return r;
  }

  close(): void {
    this.socket.destroy();
  }
}

// ------------------------------------------------------------------------------------------ typed requests

export interface ApiVersionsResult {
  errorCode: number;
  apis: { apiKey: number; minVersion: number; maxVersion: number }[];
}

/** ApiVersions v0..v3. The response header is always v0 (no tagged fields), as Kafka does. */
export async function apiVersions(conn: RawConnection, version = 0): Promise<ApiVersionsResult> {
  const flexible = version >= 3;
  const body = new Writer();
  if (flexible) body.compactString('gregor-raw').compactString('1.0').emptyTaggedFields();
  const r = await conn.request(ApiKey.ApiVersions, version, body.toBuffer(), { flexible, flexibleResponse: false });
  const errorCode = r.int16();
  // On UNSUPPORTED_VERSION the body is v0-shaped.
  const readApi = (rr: Reader) => {
    const api = { apiKey: rr.int16(), minVersion: rr.int16(), maxVersion: rr.int16() };
    if (flexible && errorCode === 0) rr.skipTaggedFields();
    return api;
  };
  const apis = flexible && errorCode === 0 ? r.compactArray(readApi) : r.array(readApi);
  return { errorCode, apis };
}

export interface MetadataResult {
  brokers: { nodeId: number; host: string; port: number }[];
  clusterId: string | null;
  controllerId: number;
  topics: {
    errorCode: number;
    name: string;
    isInternal: boolean;
    partitions: { errorCode: number; partition: number; leader: number; replicas: number[]; isr: number[] }[];
  }[];
}

/** Metadata v4 (non-flexible). `topics` null = all topics. */
export async function metadata(
  conn: RawConnection,
  topics: string[] | null,
  opts: { allowAutoTopicCreation?: boolean } = {},
): Promise<MetadataResult> {
  const body = new Writer()
    .array(topics, (w, t) => w.string(t))
    .bool(opts.allowAutoTopicCreation ?? false)
    .toBuffer();
  const r = await conn.request(ApiKey.Metadata, 4, body);
  r.int32(); // throttle
  const brokers = r.array((rr) => {
    const b = { nodeId: rr.int32(), host: rr.string(), port: rr.int32() };
    rr.nullableString(); // rack
    return b;
  });
  const clusterId = r.nullableString();
  const controllerId = r.int32();
  const ts = r.array((rr) => ({
    errorCode: rr.int16(),
    name: rr.string(),
    isInternal: rr.bool(),
    partitions: rr.array((p) => ({
      errorCode: p.int16(),
      partition: p.int32(),
      leader: p.int32(),
      replicas: p.array((x) => x.int32()),
      isr: p.array((x) => x.int32()),
    })),
  }));
  return { brokers, clusterId, controllerId, topics: ts };
}

export interface CreateTopicSpec {
  name: string;
  numPartitions?: number;
  replicationFactor?: number;
  configs?: Record<string, string>;
}

/** CreateTopics v2 (non-flexible). */
export async function createTopics(
  conn: RawConnection,
  topics: CreateTopicSpec[],
  opts: { timeoutMs?: number; validateOnly?: boolean } = {},
): Promise<{ name: string; errorCode: number; errorMessage: string | null }[]> {
  const body = new Writer()
    .array(topics, (w, t) => {
      w.string(t.name)
        .int32(t.numPartitions ?? 1)
        .int16(t.replicationFactor ?? 1)
        .array([], () => {})
        .array(Object.entries(t.configs ?? {}), (cw, [k, v]) => cw.string(k).nullableString(v));
    })
    .int32(opts.timeoutMs ?? 10_000)
    .bool(opts.validateOnly ?? false)
    .toBuffer();
  const r = await conn.request(ApiKey.CreateTopics, 2, body, { timeoutMs: (opts.timeoutMs ?? 10_000) + 5000 });
  r.int32(); // throttle
  return r.array((rr) => ({ name: rr.string(), errorCode: rr.int16(), errorMessage: rr.nullableString() }));
}

/** Produce v7 (non-flexible) of one records buffer to one partition. */
export async function produce(
  conn: RawConnection,
  topic: string,
  partition: number,
  records: Buffer,
  opts: { acks?: number; timeoutMs?: number } = {},
): Promise<{ errorCode: number; baseOffset: number }> {
  const body = new Writer()
    .nullableString(null)
    .int16(opts.acks ?? -1)
    .int32(opts.timeoutMs ?? 10_000)
    .array([topic], (w, t) => {
      w.string(t).array([partition], (pw, p) => pw.int32(p).bytes(records));
    })
    .toBuffer();
  const r = await conn.request(ApiKey.Produce, 7, body, { timeoutMs: (opts.timeoutMs ?? 10_000) + 5000 });
  const responses = r.array((rr) => ({
    name: rr.string(),
    partitions: rr.array((p) => ({
      partition: p.int32(),
      errorCode: p.int16(),
      baseOffset: p.int64(),
      logAppendTime: p.int64(),
      logStartOffset: p.int64(),
    })),
  }));
  const p = responses[0]?.partitions[0];
  if (!p) throw new Error('produce response without a partition');
  return { errorCode: p.errorCode, baseOffset: p.baseOffset };
}

// ------------------------------------------------------------------------------------------ fuzzing

/** Small deterministic PRNG (mulberry32) so a failing fuzz run can be repeated with its seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
