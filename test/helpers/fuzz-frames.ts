// Hostile Kafka request frames with the outcome each one must have, and a checker for the broker's answers.
// Pure (no sockets): test/fuzz.test.ts drives these over real connections.
//
// Three families of frames:
//  - answer: well-formed frames the broker must answer, with a specific Kafka error code, on an open
//    connection (unknown topics, invalid topic names, bad partition counts, bad acks, a corrupt CRC,
//    ApiVersions with an unsupported version or invalid client software name, ...);
//  - close: frames after which Kafka closes the connection without an answer (unknown API key, unsupported
//    version of anything but ApiVersions, negative or oversized length, a frame shorter than a request
//    header, a body cut short, a partial frame followed by EOF);
//  - wildcard: random bytes, random bodies behind a valid header, byte flips in valid frames, valid frames
//    with trailing garbage: either a well-formed answer whose error codes are all Kafka error codes, or a
//    closed connection (or, for a Produce that decodes with acks=0, no answer at all, as Kafka).
// Requests are encoded, and answers decoded, with the broker's own schema-driven codec (every response
// must decode completely, without trailing bytes); the versions used are those both the codec and the
// target broker (Gregor or Apache Kafka, see GREGOR_TEST_TARGET) support.
import { API_BY_KEY } from '../../broker/src/protocol/apis.js';
import { decode, decodeMessage, encodeMessage, parseVersions } from '../../broker/src/protocol/codec.js';
import { ErrorCode as BrokerErrorCode } from '../../broker/src/protocol/errors.js';
import { encodeRequestHeader, readRequestHeader, responseHeaderVersion } from '../../broker/src/protocol/headers.js';
import { Reader, Writer } from '../../broker/src/protocol/primitives.js';
import { buildRecordBatch } from './raw-kafka.js';

export const E = BrokerErrorCode;
/** Every error code Kafka defines (org.apache.kafka.common.protocol.Errors). */
export const KAFKA_ERROR_CODES: ReadonlySet<number> = new Set(Object.values(BrokerErrorCode));

const K = { Produce: 0, ListOffsets: 2, Metadata: 3, ApiVersions: 18, CreateTopics: 19, DeleteTopics: 20, DescribeConfigs: 32 };
/** Requests that legitimately wait (long-poll Fetch, JoinGroup/SyncGroup rebalances): no random bodies for them. */
const WAITING_KEYS = new Set([1, 11, 14]);

export type Family = 'answer' | 'close' | 'wildcard';

export interface FuzzFrame {
  /** Frame class, e.g. `metadata-unknown-topic`, `unknown-api-key`, `mutated`. */
  cls: string;
  family: Family;
  bytes: Buffer;
  /** From the frame's header where it has one (else NaN). */
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  /** Write the bytes, then half-close (a partial frame followed by EOF). */
  halfClose?: boolean;
  /** answer family: checks the decoded body; returns a complaint or null. */
  check?: (body: Record<string, unknown>) => string | null;
}

/** The versions of each API both the codec and the target broker speak. */
export type Ranges = ReadonlyMap<number, { min: number; max: number }>;

export interface FuzzContext {
  /** Intersection of the codec's and the target's ranges (keys the target advertises). */
  ranges: Ranges;
  /** The target's own advertised ranges (for versions above its maximum). */
  targetRanges: Ranges;
  /** An existing topic with one partition (produce with a bad CRC or bad acks goes there). */
  topic: string;
  /** Number of brokers (a replication factor above it is INVALID_REPLICATION_FACTOR). */
  brokers: number;
}

/** Intersects the target's ApiVersions ranges with what the broker codec's schemas define. */
export function commonRanges(target: { apiKey: number; minVersion: number; maxVersion: number }[]): Map<number, { min: number; max: number }> {
  const out = new Map<number, { min: number; max: number }>();
  for (const a of target) {
    const api = API_BY_KEY.get(a.apiKey);
    if (!api) continue;
    const spec = parseVersions(api.request.validVersions);
    const resp = parseVersions(api.response.validVersions);
    const min = Math.max(a.minVersion, spec.min, resp.min);
    const max = Math.min(a.maxVersion, spec.max ?? 32767, resp.max ?? 32767);
    if (min <= max) out.set(a.apiKey, { min, max });
  }
  return out;
}

// ------------------------------------------------------------------------------------------ random helpers

type Rand = () => number;
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const cid = (r: Rand): number => (Math.floor(r() * 2 ** 32) | 0);
/**
 * Valid RecordBatches built once (the test spends its CPU on frames, not on CRCs): index i holds a batch with
 * a value of i random-looking bytes and a second keyed record.
 */
const BATCHES: Buffer[] = Array.from({ length: 41 }, (_, i) =>
  buildRecordBatch([{ value: Buffer.alloc(i, (i * 37) & 0xff) }, { key: 'k', value: 'v' }]),
);
const batch = (r: Rand): Buffer => BATCHES[Math.floor(r() * BATCHES.length)]!;

function randomBytes(r: Rand, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(r() * 256);
  return b;
}
/** A legal topic name no test creates (letters, digits, '-' only, so no '.'/'_' collision rules apply). */
function unknownTopic(r: Rand): string {
  return 'fz-' + Math.floor(r() * 2 ** 48).toString(36) + '-' + int(r, 0, 999);
}
/** Names Kafka's Topic.validate rejects. */
const INVALID_TOPICS = ['', '.', '..', 'has space', 'slash/topic', 'star*', 'x'.repeat(250), 'ümlaut', 'comma,', 'tab\t', 'a:b', 'q?'];

function version(r: Rand, ctx: FuzzContext, key: number, min = 0): number | null {
  const range = ctx.ranges.get(key);
  if (!range) return null;
  const lo = Math.max(range.min, min);
  if (lo > range.max) return null;
  return int(r, lo, range.max);
}

/** A complete frame (size prefix, request header for the key/version, body encoded by the codec). */
export function encodeFrame(apiKey: number, apiVersion: number, correlationId: number, body: object, clientId: string | null = 'fuzz'): Buffer {
  const api = API_BY_KEY.get(apiKey)!;
  const w = new Writer();
  encodeRequestHeader(w, { apiKey, apiVersion, correlationId, clientId });
  encodeMessage(api.request, apiVersion, body, w);
  return withSize(w.finishSingle());
}

/** A request body alone, encoded by the codec (for RawConnection.request). */
export function encodeBody(apiKey: number, apiVersion: number, body: object): Buffer {
  const w = new Writer();
  encodeMessage(API_BY_KEY.get(apiKey)!.request, apiVersion, body, w);
  return w.finishSingle();
}

/** A response body (after its header) decoded by the codec; trailing bytes are an error. */
export function decodeBody<T = Record<string, unknown>>(apiKey: number, apiVersion: number, body: Buffer): T {
  return decode<T>(API_BY_KEY.get(apiKey)!.response, apiVersion, body);
}

function withSize(payload: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(payload.length);
  return Buffer.concat([size, payload]);
}

function header(bytes: Buffer): { apiKey: number; apiVersion: number; correlationId: number } {
  return bytes.length >= 12
    ? { apiKey: bytes.readInt16BE(4), apiVersion: bytes.readInt16BE(6), correlationId: bytes.readInt32BE(8) }
    : { apiKey: NaN, apiVersion: NaN, correlationId: NaN };
}

// ------------------------------------------------------------------------------------------ checks on answers

type Obj = Record<string, unknown>;
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? (v as Obj[]) : []);

/**
 * Every topic in `topicsKey` (and every partition in it, if `partitionsKey`) carries `code`, and the topics
 * answered are the ones asked (in any order: Kafka answers some APIs from hash-ordered collections).
 */
function topicsHave(topicsKey: string, code: number, names: string[] | null, partitionsKey?: string) {
  return (body: Obj): string | null => {
    const ts = arr(body[topicsKey]);
    if (names) {
      const got = ts.map((t) => String(t.name)).sort();
      const want = [...names].sort();
      if (got.join('\n') !== want.join('\n')) return `topics ${JSON.stringify(got)} in the answer, asked ${JSON.stringify(want)}`;
    }
    for (const t of ts) {
      if (partitionsKey) {
        const ps = arr(t[partitionsKey]);
        if (ps.length === 0) return `topic ${String(t.name)}: no partitions in the answer`;
        for (const p of ps) if (p.errorCode !== code) return `topic ${String(t.name)}: partition error ${String(p.errorCode)}, want ${code}`;
      } else if (t.errorCode !== code) return `topic ${String(t.name)}: error ${String(t.errorCode)}, want ${code}`;
    }
    return null;
  };
}

/**
 * ApiVersions answered with `code`. With NONE or UNSUPPORTED_VERSION the list must include ApiVersions itself
 * from v0 (Kafka lists only that one on UNSUPPORTED_VERSION, Gregor all; both are what clients retry with);
 * with INVALID_REQUEST Kafka sends an empty list, so only the code is checked.
 */
function apiVersionsHas(code: number) {
  return (body: Obj): string | null => {
    if (body.errorCode !== code) return `errorCode ${String(body.errorCode)}, want ${code}`;
    if (code === E.INVALID_REQUEST) return null;
    const av = arr(body.apiKeys).find((a) => a.apiKey === K.ApiVersions);
    if (!av || av.minVersion !== 0) return 'ApiVersions missing from the advertised ranges';
    return null;
  };
}

// ------------------------------------------------------------------------------------------ answer family

interface Gen {
  cls: string;
  weight: number;
  make: (r: Rand, ctx: FuzzContext) => FuzzFrame | null;
}

function answer(cls: string, apiKey: number, apiVersion: number, body: object, check: FuzzFrame['check'], r: Rand): FuzzFrame {
  const correlationId = cid(r);
  return { cls, family: 'answer', bytes: encodeFrame(apiKey, apiVersion, correlationId, body), apiKey, apiVersion, correlationId, check };
}

const ANSWER_GENS: Gen[] = [
  {
    cls: 'metadata-unknown-topic',
    weight: 3,
    make: (r, ctx) => {
      const v = version(r, ctx, K.Metadata, 1);
      if (v === null) return null;
      const names = Array.from({ length: int(r, 1, 3) }, () => unknownTopic(r));
      const body = { topics: names.map((name) => ({ name })), allowAutoTopicCreation: r() < 0.5 };
      return answer('metadata-unknown-topic', K.Metadata, v, body, topicsHave('topics', E.UNKNOWN_TOPIC_OR_PARTITION, names), r);
    },
  },
  {
    cls: 'produce-unknown-topic',
    weight: 2,
    make: (r, ctx) => {
      const v = version(r, ctx, K.Produce, 3);
      if (v === null) return null;
      const name = unknownTopic(r);
      const body = {
        transactionalId: null,
        acks: pick(r, [1, -1]),
        timeoutMs: 1000,
        topicData: [{ name, partitionData: [{ index: int(r, 0, 3), records: batch(r) }] }],
      };
      return answer('produce-unknown-topic', K.Produce, v, body, topicsHave('responses', E.UNKNOWN_TOPIC_OR_PARTITION, [name], 'partitionResponses'), r);
    },
  },
  {
    cls: 'produce-unknown-partition',
    weight: 1,
    make: (r, ctx) => {
      const v = version(r, ctx, K.Produce, 3);
      if (v === null) return null;
      const body = {
        transactionalId: null,
        acks: pick(r, [1, -1]),
        timeoutMs: 1000,
        topicData: [{ name: ctx.topic, partitionData: [{ index: int(r, 1, 10_000), records: batch(r) }] }],
      };
      return answer('produce-unknown-partition', K.Produce, v, body, topicsHave('responses', E.UNKNOWN_TOPIC_OR_PARTITION, [ctx.topic], 'partitionResponses'), r);
    },
  },
  {
    cls: 'produce-corrupt-crc',
    weight: 2,
    make: (r, ctx) => {
      const v = version(r, ctx, K.Produce, 3);
      if (v === null) return null;
      const records = Buffer.from(batch(r));
      records.writeUInt32BE((records.readUInt32BE(17) ^ (1 + Math.floor(r() * 0xfffffffe))) >>> 0, 17); // the CRC32C
      const body = { transactionalId: null, acks: pick(r, [1, -1]), timeoutMs: 1000, topicData: [{ name: ctx.topic, partitionData: [{ index: 0, records }] }] };
      return answer('produce-corrupt-crc', K.Produce, v, body, topicsHave('responses', E.CORRUPT_MESSAGE, [ctx.topic], 'partitionResponses'), r);
    },
  },
  {
    cls: 'produce-invalid-acks',
    weight: 1,
    make: (r, ctx) => {
      const v = version(r, ctx, K.Produce, 3);
      if (v === null) return null;
      const body = {
        transactionalId: null,
        acks: pick(r, [2, 3, -2, 100, 32767, -32768]),
        timeoutMs: 1000,
        topicData: [{ name: ctx.topic, partitionData: [{ index: 0, records: batch(r) }] }],
      };
      return answer('produce-invalid-acks', K.Produce, v, body, topicsHave('responses', E.INVALID_REQUIRED_ACKS, [ctx.topic], 'partitionResponses'), r);
    },
  },
  {
    cls: 'create-topics-invalid',
    weight: 3,
    make: (r, ctx) => {
      // validateOnly (v1+), one fault per topic: a bad name, a bad partition count or a bad replication factor.
      const v = version(r, ctx, K.CreateTopics, 1);
      if (v === null) return null;
      const fault = int(r, 0, 2);
      const name = fault === 0 ? pick(r, INVALID_TOPICS) : unknownTopic(r);
      const numPartitions = fault === 1 ? pick(r, [0, -2, -100, -(2 ** 31)]) : int(r, 1, 4);
      const replicationFactor = fault === 2 ? pick(r, [0, -2, -300, ctx.brokers + 1, ctx.brokers + 2, 32767]) : 1;
      const code = [E.INVALID_TOPIC_EXCEPTION, E.INVALID_PARTITIONS, E.INVALID_REPLICATION_FACTOR][fault]!;
      const body = { topics: [{ name, numPartitions, replicationFactor, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: true };
      return answer(`create-topics-${['invalid-name', 'invalid-partitions', 'invalid-replication'][fault]}`, K.CreateTopics, v, body, topicsHave('topics', code, [name]), r);
    },
  },
  {
    cls: 'delete-topics-unknown',
    weight: 1,
    make: (r, ctx) => {
      const v = version(r, ctx, K.DeleteTopics);
      if (v === null) return null;
      const names = Array.from({ length: int(r, 1, 3) }, () => unknownTopic(r));
      const body = v >= 6 ? { topics: names.map((name) => ({ name })), timeoutMs: 5000 } : { topicNames: names, timeoutMs: 5000 };
      return answer('delete-topics-unknown', K.DeleteTopics, v, body, topicsHave('responses', E.UNKNOWN_TOPIC_OR_PARTITION, names), r);
    },
  },
  {
    cls: 'list-offsets-unknown',
    weight: 1,
    make: (r, ctx) => {
      const v = version(r, ctx, K.ListOffsets, 1);
      if (v === null) return null;
      const name = unknownTopic(r);
      const body = { replicaId: -1, isolationLevel: 0, topics: [{ name, partitions: [{ partitionIndex: 0, timestamp: pick(r, [-1, -2]) }] }], timeoutMs: 1000 };
      return answer('list-offsets-unknown', K.ListOffsets, v, body, topicsHave('topics', E.UNKNOWN_TOPIC_OR_PARTITION, [name], 'partitions'), r);
    },
  },
  {
    cls: 'api-versions-unsupported',
    weight: 2,
    make: (r, ctx) => {
      // A version above what the target speaks: UNSUPPORTED_VERSION with the supported ranges in a v0 body.
      const max = ctx.targetRanges.get(K.ApiVersions)?.max ?? 3;
      const v = int(r, max + 1, 32767);
      const correlationId = cid(r);
      const w = new Writer();
      // Such a client sends the flexible (v2) header and v3-shaped body of the newest version it knows.
      w.int16(K.ApiVersions).int16(v).int32(correlationId).nullableString('fuzz').uvarint(0);
      w.compactString('fuzz').compactString('1.0').uvarint(0);
      return { cls: 'api-versions-unsupported', family: 'answer', bytes: withSize(w.finishSingle()), apiKey: K.ApiVersions, apiVersion: v, correlationId, check: apiVersionsHas(E.UNSUPPORTED_VERSION) };
    },
  },
  {
    cls: 'api-versions-invalid-software',
    weight: 1,
    make: (r, ctx) => {
      const v = version(r, ctx, K.ApiVersions, 3);
      if (v === null) return null;
      const bad = pick(r, ['', '-leading', 'trailing-', 'has space', 'ünï', 'a/b', '.x']);
      const body = r() < 0.5 ? { clientSoftwareName: bad, clientSoftwareVersion: '1.0' } : { clientSoftwareName: 'fuzz', clientSoftwareVersion: bad };
      return answer('api-versions-invalid-software', K.ApiVersions, v, body, apiVersionsHas(E.INVALID_REQUEST), r);
    },
  },
];

// ------------------------------------------------------------------------------------------ close family

function closing(cls: string, bytes: Buffer, extra: Partial<FuzzFrame> = {}): FuzzFrame {
  return { cls, family: 'close', bytes, ...header(bytes), ...extra };
}

/** A random answer-family frame that has a body beyond its header (for cutting short). */
function answerWithBody(r: Rand, ctx: FuzzContext): FuzzFrame {
  for (;;) {
    const f = answerFrame(r, ctx);
    if (f.apiKey !== K.ApiVersions) return f;
  }
}

const CLOSE_GENS: Gen[] = [
  {
    cls: 'unknown-api-key',
    weight: 3,
    make: (r) => {
      const key = r() < 0.5 ? int(r, -32768, -1) : int(r, 1000, 32767);
      const w = new Writer();
      w.int16(key).int16(int(r, 0, 20)).int32(cid(r)).nullableString('fuzz').raw(randomBytes(r, int(r, 0, 32)));
      return closing('unknown-api-key', withSize(w.finishSingle()));
    },
  },
  {
    cls: 'unsupported-version',
    weight: 3,
    make: (r, ctx) => {
      // Any advertised API but ApiVersions, at a version above the target's maximum or below zero.
      const keys = [...ctx.ranges.keys()].filter((k) => k !== K.ApiVersions);
      const key = pick(r, keys);
      const max = ctx.targetRanges.get(key)!.max;
      const v = r() < 0.75 ? int(r, max + 1, 32767) : int(r, -32768, -1);
      const w = new Writer();
      w.int16(key).int16(v).int32(cid(r)).nullableString('fuzz').raw(randomBytes(r, int(r, 0, 32)));
      return closing('unsupported-version', withSize(w.finishSingle()));
    },
  },
  {
    cls: 'negative-length',
    weight: 1,
    make: (r) => {
      const b = randomBytes(r, int(r, 4, 24));
      b.writeInt32BE(int(r, -(2 ** 31), -1), 0);
      return closing('negative-length', b);
    },
  },
  {
    cls: 'oversized-length',
    weight: 1,
    make: (r) => {
      // Above socket.request.max.bytes (100 MiB by default in both).
      const b = randomBytes(r, int(r, 4, 24));
      b.writeInt32BE(int(r, 104_857_601, 2 ** 31 - 1), 0);
      return closing('oversized-length', b);
    },
  },
  {
    cls: 'shorter-than-header',
    weight: 1,
    make: (r) => closing('shorter-than-header', withSize(randomBytes(r, int(r, 0, 7)))),
  },
  {
    cls: 'truncated-body',
    weight: 3,
    make: (r, ctx) => {
      // A valid request cut anywhere after its correlation id, with the size field telling the truth.
      const f = answerWithBody(r, ctx);
      const payload = f.bytes.subarray(4);
      const cut = int(r, 8, payload.length - 1);
      return closing('truncated-body', withSize(Buffer.from(payload.subarray(0, cut))));
    },
  },
  {
    cls: 'incomplete-then-eof',
    weight: 1,
    make: (r, ctx) => {
      // The size field promises more than ever arrives; then the client half-closes.
      const f = answerFrame(r, ctx);
      const cut = int(r, 1, f.bytes.length - 1);
      return closing('incomplete-then-eof', Buffer.from(f.bytes.subarray(0, cut)), { halfClose: true });
    },
  },
];

// ------------------------------------------------------------------------------------------ wildcard family

function wild(cls: string, bytes: Buffer): FuzzFrame {
  return { cls, family: 'wildcard', bytes, ...header(bytes) };
}

const WILDCARD_GENS: Gen[] = [
  {
    cls: 'random-bytes',
    weight: 2,
    make: (r) => wild('random-bytes', withSize(randomBytes(r, int(r, 8, 64)))),
  },
  {
    cls: 'random-body',
    weight: 3,
    make: (r, ctx) => {
      // A valid header of an advertised API and version, then random bytes.
      const keys = [...ctx.ranges.keys()].filter((k) => !WAITING_KEYS.has(k));
      const key = pick(r, keys);
      const range = ctx.ranges.get(key)!;
      const v = int(r, range.min, range.max);
      const w = new Writer();
      encodeRequestHeader(w, { apiKey: key, apiVersion: v, correlationId: cid(r), clientId: r() < 0.2 ? null : 'fuzz' });
      w.raw(randomBytes(r, int(r, 0, 48)));
      return wild('random-body', withSize(w.finishSingle()));
    },
  },
  {
    cls: 'mutated',
    weight: 4,
    make: (r, ctx) => {
      // 1-4 random bytes of a valid request replaced, anywhere from the correlation id on; size kept.
      const b = Buffer.from(answerFrame(r, ctx).bytes);
      const flips = int(r, 1, 4);
      for (let i = 0; i < flips; i++) b[int(r, 8, b.length - 1)] = Math.floor(r() * 256);
      return wild('mutated', b);
    },
  },
  {
    cls: 'trailing-garbage',
    weight: 1,
    make: (r, ctx) => {
      const f = answerFrame(r, ctx);
      return wild('trailing-garbage', withSize(Buffer.concat([f.bytes.subarray(4), randomBytes(r, int(r, 1, 32))])));
    },
  },
];

function choose(r: Rand, gens: Gen[], ctx: FuzzContext): FuzzFrame {
  const total = gens.reduce((s, g) => s + g.weight, 0);
  for (;;) {
    let x = r() * total;
    const g = gens.find((gg) => (x -= gg.weight) < 0) ?? gens[gens.length - 1]!;
    const f = g.make(r, ctx);
    if (f) return f;
  }
}

export const answerFrame = (r: Rand, ctx: FuzzContext): FuzzFrame => choose(r, ANSWER_GENS, ctx);
export const closeFrame = (r: Rand, ctx: FuzzContext): FuzzFrame => choose(r, CLOSE_GENS, ctx);
export const wildcardFrame = (r: Rand, ctx: FuzzContext): FuzzFrame => choose(r, WILDCARD_GENS, ctx);

/** ApiVersions v0: the frame sent after a wildcard, so that "no answer" can be told from a slow answer. */
export function sentinelFrame(correlationId: number): FuzzFrame {
  return { cls: 'sentinel', family: 'answer', bytes: encodeFrame(K.ApiVersions, 0, correlationId, {}), apiKey: K.ApiVersions, apiVersion: 0, correlationId, check: apiVersionsHas(E.NONE) };
}

// ------------------------------------------------------------------------------------------ answers

export interface Verdict {
  /** Null when the answer is acceptable. */
  problem: string | null;
  /** Every errorCode-like field found in the answer. */
  codes: number[];
}

function collectCodes(v: unknown, out: number[]): void {
  if (Array.isArray(v)) {
    for (const x of v) if (x !== null && typeof x === 'object') collectCodes(x, out);
    return;
  }
  if (v === null || typeof v !== 'object' || Buffer.isBuffer(v)) return;
  for (const k in v) {
    const x = (v as Obj)[k];
    if (typeof x === 'number') {
      if (k.endsWith('rrorCode')) out.push(x); // errorCode, topicConfigErrorCode, ...
    } else if (x !== null && typeof x === 'object') collectCodes(x, out);
  }
}

/**
 * Checks one response frame (without its size prefix) to `f`: the correlation id echoed, a header and body
 * that decode completely with the codec at the request's version (a v0 body for an unsupported
 * ApiVersions), every error code a Kafka one, and the frame class's own check.
 */
export function checkAnswer(f: FuzzFrame, resp: Buffer, ctx: FuzzContext): Verdict {
  if (resp.length < 4) return { problem: `answer of ${resp.length} bytes`, codes: [] };
  const got = resp.readInt32BE(0);
  if (got !== f.correlationId) return { problem: `correlation id ${got}, sent ${f.correlationId}`, codes: [] };
  const api = API_BY_KEY.get(f.apiKey);
  const valid = api ? parseVersions(api.response.validVersions) : null;
  let v = f.apiVersion;
  const served = ctx.targetRanges.get(K.ApiVersions);
  if (f.apiKey === K.ApiVersions && !(served && v >= served.min && v <= served.max)) v = 0;
  if (!api || !valid || v < valid.min || v > (valid.max ?? 32767)) {
    // An API or version the codec does not know (only reachable from random headers against Kafka).
    return { problem: null, codes: [] };
  }
  let body: Record<string, unknown>;
  try {
    const rd = new Reader(resp, 4);
    if (responseHeaderVersion(f.apiKey, v) === 1) {
      const n = rd.uvarint();
      for (let i = 0; i < n; i++) {
        rd.uvarint();
        rd.skip(rd.uvarint());
      }
    }
    body = decode(api.response, v, resp.subarray(rd.pos));
  } catch (e) {
    return { problem: `undecodable ${api.name} v${v} answer: ${(e as Error).message}`, codes: [] };
  }
  const codes: number[] = [];
  collectCodes(body, codes);
  const unknown = codes.filter((c) => !KAFKA_ERROR_CODES.has(c));
  if (unknown.length > 0) return { problem: `not Kafka error codes: ${unknown.join(',')}`, codes };
  const problem = f.check ? f.check(body) : null;
  return { problem, codes };
}

/** The request decoded as a Produce, or null when it is not one or does not decode. */
function asProduce(f: FuzzFrame): { acks: number; topicData: { partitionData: { records: Buffer | null }[] }[] } | null {
  if (f.apiKey !== K.Produce) return null;
  try {
    const rd = new Reader(f.bytes, 4);
    readRequestHeader(rd);
    return decodeMessage(API_BY_KEY.get(K.Produce)!.request, f.apiVersion, rd);
  } catch {
    return null;
  }
}

/** Whether a request decodes as a Produce with acks=0, which Kafka answers with nothing at all. */
export function isAcksZeroProduce(f: FuzzFrame): boolean {
  return asProduce(f)?.acks === 0;
}

/**
 * Whether Kafka reads a Produce with null records for some partition: Kafka 3.9 never answers such a request
 * and leaves the connection open (and muted), a known Kafka deviation accepted from the Kafka target only
 * (Gregor answers INVALID_RECORD). Kafka's readers take any negative length of a nullable field as null where
 * the codec takes only -1 (and rejects the frame otherwise), so non-flexible versions are walked by hand.
 */
export function hasNullRecordsProduce(f: FuzzFrame): boolean {
  if (asProduce(f)?.topicData.some((t) => t.partitionData.some((p) => p.records === null))) return true;
  if (f.apiKey !== K.Produce || f.apiVersion < 3 || f.apiVersion >= 9) return false;
  try {
    const b = f.bytes;
    let pos = 12;
    const i16 = () => ((pos += 2), b.readInt16BE(pos - 2));
    const i32 = () => ((pos += 4), b.readInt32BE(pos - 4));
    const skipString = () => {
      const n = i16();
      if (n > 0) pos += n;
    };
    skipString(); // client id
    skipString(); // transactional id
    i16(); // acks
    i32(); // timeout
    for (let t = i32(); t > 0; t--) {
      skipString();
      for (let p = i32(); p > 0; p--) {
        i32(); // partition index
        const n = i32();
        if (n < 0) return true;
        pos += n;
        if (pos > b.length) return false;
      }
    }
  } catch {
    /* ran past the end: Kafka closes */
  }
  return false;
}
