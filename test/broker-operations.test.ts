// Operations features of issue 2 on real broker processes (node broker/dist/gregor-broker.cjs) with real clients:
//  1. the Prometheus /metrics endpoint after real produce/consume traffic (parsed as Prometheus text),
//  2. retention by bytes and by time (segments deleted on disk, log start offset moved, seen by clients),
//  3. log compaction (latest value per key, offsets preserved, tombstones kept for delete.retention.ms, then gone),
//  4. configuration of a spawned broker exactly as `npm start` runs it: server.properties, GREGOR_* env vars,
//     --override precedence, and unknown keys / invalid values rejected at start naming the key.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { freePort, startBroker, type TestBroker } from './helpers/broker.js';
import { kafkaTool } from './helpers/kafka-tools.js';
import { BROKER_MAIN, REPO_ROOT, TARGET } from './helpers/paths.js';
import { RawConnection, apiVersions, metadata } from './helpers/raw-kafka.js';
import { kafkajs, runProcess, waitFor } from './helpers/util.js';

const gregorOnly = TARGET !== 'gregor';

// ------------------------------------------------------------------------------------------ Prometheus text

interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

interface PromScrape {
  /** Family name → type, from `# TYPE`. */
  types: Map<string, string>;
  help: Map<string, string>;
  samples: PromSample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

/** A sample value as Prometheus reads it (Go's ParseFloat: Inf/NaN in any case; prom-client writes `Nan`). */
function parseSampleValue(s: string, where: string): number {
  if (/^\+?inf(inity)?$/i.test(s)) return Number.POSITIVE_INFINITY;
  if (/^-inf(inity)?$/i.test(s)) return Number.NEGATIVE_INFINITY;
  if (/^nan$/i.test(s)) return Number.NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) throw new Error(`${where}: bad sample value ${JSON.stringify(s)}`);
  return Number(s);
}

/**
 * The Prometheus text exposition format 0.0.4: HELP/TYPE comments, samples `name{l="v",...} value [timestamp]`
 * with escaped label values. Throws on any malformed line, on duplicate TYPE lines or labels, and on samples
 * that belong to no declared family (histogram/summary samples belong to theirs through _bucket/_sum/_count).
 */
function parsePrometheusText(text: string): PromScrape {
  const types = new Map<string, string>();
  const help = new Map<string, string>();
  const samples: PromSample[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    const where = `line ${i + 1} (${JSON.stringify(line.slice(0, 120))})`;
    if (line === '') continue;
    if (line.startsWith('#')) {
      const m = /^#\s+(HELP|TYPE)\s+([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\s+(.*))?$/.exec(line);
      if (!m) continue; // a plain comment
      const [, kind, name, rest = ''] = m;
      if (kind === 'TYPE') {
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(rest.trim())) throw new Error(`${where}: bad type`);
        if (types.has(name!)) throw new Error(`${where}: second TYPE line for ${name}`);
        types.set(name!, rest.trim());
      } else {
        help.set(name!, rest.replace(/\\n/g, '\n').replace(/\\\\/g, '\\'));
      }
      continue;
    }
    const nm = METRIC_NAME.exec(line);
    if (!nm) throw new Error(`${where}: no metric name`);
    let pos = nm[0].length;
    const labels: Record<string, string> = {};
    const skipSpaces = () => {
      while (line[pos] === ' ' || line[pos] === '\t') pos++;
    };
    if (line[pos] === '{') {
      pos++;
      for (;;) {
        skipSpaces();
        if (line[pos] === '}') {
          pos++;
          break;
        }
        const ln = LABEL_NAME.exec(line.slice(pos));
        if (!ln) throw new Error(`${where}: bad label name at ${pos}`);
        pos += ln[0].length;
        skipSpaces();
        if (line[pos++] !== '=') throw new Error(`${where}: '=' expected at ${pos - 1}`);
        skipSpaces();
        if (line[pos++] !== '"') throw new Error(`${where}: '"' expected at ${pos - 1}`);
        let v = '';
        for (;;) {
          const c = line[pos++];
          if (c === undefined) throw new Error(`${where}: unterminated label value`);
          if (c === '"') break;
          if (c === '\\') {
            const e = line[pos++];
            if (e === 'n') v += '\n';
            else if (e === '\\' || e === '"') v += e;
            else throw new Error(`${where}: bad escape \\${e}`);
          } else v += c;
        }
        if (Object.hasOwn(labels, ln[0])) throw new Error(`${where}: duplicate label ${ln[0]}`);
        labels[ln[0]] = v;
        skipSpaces();
        if (line[pos] === ',') {
          pos++;
          continue;
        }
        if (line[pos] === '}') {
          pos++;
          break;
        }
        throw new Error(`${where}: ',' or '}' expected at ${pos}`);
      }
    }
    if (line[pos] !== ' ' && line[pos] !== '\t') throw new Error(`${where}: whitespace expected before the value`);
    const rest = line.slice(pos).trim().split(/\s+/);
    if (rest.length < 1 || rest.length > 2 || rest[0] === '') throw new Error(`${where}: value [timestamp] expected`);
    const value = parseSampleValue(rest[0]!, where);
    if (rest.length === 2 && !/^-?\d+$/.test(rest[1]!)) throw new Error(`${where}: bad timestamp`);
    samples.push({ name: nm[0], labels, value });
  }
  for (const s of samples) {
    if (familyOf(s.name, types) === null) throw new Error(`sample ${s.name} belongs to no # TYPE family`);
  }
  return { types, help, samples };
}

function familyOf(name: string, types: Map<string, string>): string | null {
  if (types.has(name)) return name;
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (!name.endsWith(suffix)) continue;
    const base = name.slice(0, -suffix.length);
    const t = types.get(base);
    if (t === 'histogram' || (t === 'summary' && suffix !== '_bucket')) return base;
  }
  return null;
}

function matches(s: PromSample, name: string, labels: Record<string, string>): boolean {
  return s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v);
}

/** Sum of the samples of `name` whose labels include `labels` (0 when there is none). */
function sumOf(scrape: PromScrape, name: string, labels: Record<string, string> = {}): number {
  return scrape.samples.filter((s) => matches(s, name, labels)).reduce((a, s) => a + s.value, 0);
}

function samplesOf(scrape: PromScrape, name: string, labels: Record<string, string> = {}): PromSample[] {
  return scrape.samples.filter((s) => matches(s, name, labels));
}

/** One histogram series: buckets in `le` order (checked cumulative and ending in +Inf), _sum and _count. */
function histogramOf(scrape: PromScrape, name: string, labels: Record<string, string>) {
  expect(scrape.types.get(name), `# TYPE of ${name}`).toBe('histogram');
  const buckets = samplesOf(scrape, `${name}_bucket`, labels)
    .map((s) => ({ le: parseSampleValue(s.labels.le ?? 'missing', `${name} le`), count: s.value }))
    .sort((a, b) => a.le - b.le);
  const sums = samplesOf(scrape, `${name}_sum`, labels);
  const counts = samplesOf(scrape, `${name}_count`, labels);
  expect(buckets.length, `${name} buckets`).toBeGreaterThan(1);
  expect(sums, `${name}_sum`).toHaveLength(1);
  expect(counts, `${name}_count`).toHaveLength(1);
  expect(buckets[buckets.length - 1]!.le).toBe(Number.POSITIVE_INFINITY);
  for (let i = 1; i < buckets.length; i++) {
    expect(buckets[i]!.le, 'distinct bucket bounds').toBeGreaterThan(buckets[i - 1]!.le);
    expect(buckets[i]!.count, 'cumulative bucket counts').toBeGreaterThanOrEqual(buckets[i - 1]!.count);
  }
  expect(buckets[buckets.length - 1]!.count, '+Inf bucket = _count').toBe(counts[0]!.value);
  return { buckets, sum: sums[0]!.value, count: counts[0]!.value };
}

async function scrape(port: number): Promise<PromScrape> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(10_000) });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; ?version=0\.0\.4/);
  return parsePrometheusText(await res.text());
}

describe('Prometheus text parser (the test helper itself)', () => {
  it('parses labels with escapes, histograms, and rejects malformed lines', () => {
    const s = parsePrometheusText(
      [
        '# HELP a_total An "a".',
        '# TYPE a_total counter',
        'a_total{x="q\\"uote",y="back\\\\slash\\nnl"} 3',
        '# TYPE h histogram',
        'h_bucket{le="0.5"} 1',
        'h_bucket{le="+Inf"} 2',
        'h_sum 0.75',
        'h_count 2 1700000000000',
      ].join('\n'),
    );
    expect(s.samples[0]).toEqual({ name: 'a_total', labels: { x: 'q"uote', y: 'back\\slash\nnl' }, value: 3 });
    expect(histogramOf(s, 'h', {}).count).toBe(2);
    expect(() => parsePrometheusText('# TYPE a gauge\na{x="1} 2')).toThrow(/unterminated/);
    expect(() => parsePrometheusText('# TYPE a gauge\na 1 2 3')).toThrow();
    expect(() => parsePrometheusText('# TYPE a gauge\na abc')).toThrow(/bad sample value/);
    expect(() => parsePrometheusText('b 1')).toThrow(/no # TYPE family/);
  });
});

// ------------------------------------------------------------------------------------------ small helpers

const VALUE_1K = (i: number) => `v${String(i).padStart(6, '0')}-`.padEnd(1000, 'x');

/** kcat consumer from the beginning to the end of one partition: offset, key, value size (-1 = null), value, timestamp. */
async function kcatDump(bootstrap: string, topic: string, partition = 0) {
  const r = await runProcess(
    'kcat',
    ['-C', '-b', bootstrap, '-t', topic, '-p', String(partition), '-o', 'beginning', '-e', '-q', '-f', '%o\t%k\t%S\t%T\t%s\n'],
    { timeoutMs: 30_000 },
  );
  return r.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const [o, k, size, ts, v] = l.split('\t');
      return { offset: Number(o), key: k!, size: Number(size), timestamp: Number(ts), value: v ?? '' };
    });
}

/** kcat consumer of every partition of a topic (lines only). */
async function kcatConsumeAll(bootstrap: string, topic: string): Promise<string[]> {
  const r = await runProcess('kcat', ['-C', '-b', bootstrap, '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%p:%o\n'], {
    timeoutMs: 30_000,
  });
  return r.stdout.split('\n').filter((l) => l !== '');
}

/** Base offsets of the .log segment files of a partition dir, ascending, with their sizes. */
function segmentFiles(broker: TestBroker, topic: string, partition = 0): { base: number; size: number; name: string }[] {
  return broker.segments(topic, partition).map((p) => ({ base: Number(basename(p, '.log')), size: statSync(p).size, name: basename(p) }));
}

async function offsets(kafka: Kafka, topic: string): Promise<{ low: number; high: number }[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const res = await admin.fetchTopicOffsets(topic);
    return res.sort((a, b) => a.partition - b.partition).map((p) => ({ low: Number(p.low), high: Number(p.high) }));
  } finally {
    await admin.disconnect();
  }
}

async function createTopic(kafka: Kafka, topic: string, numPartitions: number, configs: Record<string, string>): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ok = await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic, numPartitions, replicationFactor: 1, configEntries: Object.entries(configs).map(([name, value]) => ({ name, value })) }],
    });
    expect(ok).toBe(true);
  } finally {
    await admin.disconnect();
  }
}

// ------------------------------------------------------------------------------------------ 1. metrics

describe.skipIf(gregorOnly)('metrics endpoint of a running broker', () => {
  let broker: TestBroker;
  let metricsPort: number;

  beforeAll(async () => {
    metricsPort = await freePort();
    broker = await startBroker({
      name: 'ops-metrics',
      overrides: { 'gregor.metrics.port': metricsPort, 'gregor.metrics.host': '127.0.0.1' },
    });
  });
  afterAll(async () => {
    await broker?.cleanup();
  });

  it('counts requests, latency, bytes in/out, partitions and log size of real traffic, plus process metrics', async () => {
    const topic = 'ops-metrics';
    const before = await scrape(metricsPort);
    const apiCount = (s: PromScrape, api: string) => sumOf(s, 'kafka_server_requests_total', { api });

    const kafka = kafkajs(broker, 'ops-metrics');
    await createTopic(kafka, topic, 2, {});
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const SENDS = 20;
    const PER_SEND = 10;
    let valueBytes = 0;
    try {
      for (let s = 0; s < SENDS; s++) {
        const messages = Array.from({ length: PER_SEND }, (_, i) => {
          const value = VALUE_1K(s * PER_SEND + i);
          valueBytes += value.length;
          return { key: `k${i}`, value, partition: s % 2 };
        });
        await producer.send({ topic, acks: -1, messages });
      }
    } finally {
      await producer.disconnect();
    }
    const consumed = await kcatConsumeAll(broker.bootstrap, topic);
    expect(consumed).toHaveLength(SENDS * PER_SEND);

    const after = await scrape(metricsPort);

    // Per-API request counts (summed over versions) grew by at least what the clients sent.
    expect(apiCount(after, 'Produce') - apiCount(before, 'Produce')).toBeGreaterThanOrEqual(SENDS);
    expect(apiCount(after, 'Fetch') - apiCount(before, 'Fetch')).toBeGreaterThanOrEqual(1);
    expect(apiCount(after, 'Metadata') - apiCount(before, 'Metadata')).toBeGreaterThanOrEqual(2); // kafkajs + kcat
    expect(apiCount(after, 'CreateTopics') - apiCount(before, 'CreateTopics')).toBeGreaterThanOrEqual(1);
    expect(after.types.get('kafka_server_requests_total')).toBe('counter');
    for (const s of samplesOf(after, 'kafka_server_requests_total')) expect(s.labels.version).toMatch(/^\d+$/);

    // Request latency histogram of Produce: one observation per request.
    const h = histogramOf(after, 'kafka_server_request_duration_seconds', { api: 'Produce' });
    expect(h.count).toBe(apiCount(after, 'Produce'));
    expect(h.sum).toBeGreaterThan(0);
    expect(h.sum).toBeLessThan(h.count * 30); // seconds; each acks=-1 produce on one node is far below that
    histogramOf(after, 'kafka_server_request_duration_seconds', { api: 'Fetch' });

    // Bytes in/out and records in for the topic: record batches, so a bit more than the values alone.
    const bytesIn = sumOf(after, 'kafka_server_bytes_in_total', { topic });
    const bytesOut = sumOf(after, 'kafka_server_bytes_out_total', { topic });
    expect(bytesIn).toBeGreaterThan(valueBytes);
    expect(bytesIn).toBeLessThan(valueBytes * 1.5);
    expect(bytesOut).toBeGreaterThanOrEqual(bytesIn); // every produced batch was fetched (at least) once
    expect(bytesOut).toBeLessThan(bytesIn * 3);
    expect(sumOf(after, 'kafka_server_messages_in_total', { topic })).toBe(SENDS * PER_SEND);
    expect(sumOf(before, 'kafka_server_bytes_in_total', { topic })).toBe(0);

    // Partition count: exactly the two new partitions more.
    expect(after.types.get('kafka_server_partitions')).toBe('gauge');
    expect(sumOf(after, 'kafka_server_partitions') - sumOf(before, 'kafka_server_partitions')).toBe(2);

    // Log size per partition: the bytes in the segment files on disk, which are the produced batches.
    const logSizes = samplesOf(after, 'kafka_log_size_bytes', { topic });
    expect(logSizes.map((s) => s.labels.partition).sort()).toEqual(['0', '1']);
    for (const s of logSizes) {
      const onDisk = segmentFiles(broker, topic, Number(s.labels.partition)).reduce((a, f) => a + f.size, 0);
      expect(s.value).toBeGreaterThan(valueBytes / 2);
      expect(s.value).toBe(onDisk);
    }
    expect(logSizes.reduce((a, s) => a + s.value, 0)).toBe(bytesIn);

    // Node process metrics from prom-client.
    expect(after.types.get('process_resident_memory_bytes')).toBe('gauge');
    const rss = sumOf(after, 'process_resident_memory_bytes');
    expect(rss).toBeGreaterThan(20 * 1024 * 1024);
    expect(rss).toBeLessThan(4 * 1024 * 1024 * 1024);
    expect(sumOf(after, 'process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(samplesOf(after, 'nodejs_heap_size_used_bytes')).toHaveLength(1);
    expect(after.types.get('nodejs_eventloop_lag_seconds')).toBe('gauge');

    // /healthz and unknown paths.
    const health = await fetch(`http://127.0.0.1:${metricsPort}/healthz`);
    expect(health.status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${metricsPort}/nope`)).status).toBe(404);
  });
});

// ------------------------------------------------------------------------------------------ 2. retention

describe('retention on a running broker', () => {
  let broker: TestBroker;
  let kafka: Kafka;

  beforeAll(async () => {
    broker = await startBroker({ name: 'ops-retention', overrides: { 'log.retention.check.interval.ms': 300 } });
    kafka = kafkajs(broker, 'ops-retention');
  });
  afterAll(async () => {
    await broker?.cleanup();
  });

  it('retention.bytes: old segments deleted from disk, log start offset moves, the rest stays readable', async () => {
    const topic = 'ops-retention-bytes';
    const SEGMENT = 16 * 1024;
    const RETAIN = 64 * 1024;
    // With the Java tool, as a Kafka user would.
    await kafkaTool('kafka-topics', [
      '--bootstrap-server', broker.bootstrap, '--create', '--topic', topic, '--partitions', '1', '--replication-factor', '1',
      '--config', `segment.bytes=${SEGMENT}`, '--config', `retention.bytes=${RETAIN}`,
    ]);
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const N = 320;
    try {
      for (let i = 0; i < N; i += 4) {
        await producer.send({ topic, acks: -1, messages: [0, 1, 2, 3].map((j) => ({ key: `k${i + j}`, value: VALUE_1K(i + j) })) });
      }
    } finally {
      await producer.disconnect();
    }
    expect(N * 1000).toBeGreaterThan(RETAIN * 4); // enough for many segments

    // Retention converged: what is left is above retention.bytes by less than one segment.
    const segs = await waitFor(
      async () => {
        const [p] = await offsets(kafka, topic);
        const files = segmentFiles(broker, topic);
        const size = files.reduce((a, f) => a + f.size, 0);
        return p!.low > 0 && size < RETAIN + SEGMENT && files[0]!.base === p!.low ? files : null;
      },
      { timeoutMs: 30_000, what: 'retention.bytes to delete old segments' },
    );
    const [{ low, high }] = (await offsets(kafka, topic)) as [{ low: number; high: number }];
    expect(high).toBe(N);
    expect(low).toBeGreaterThan(0);
    expect(low).toBe(segs[0]!.base);
    const total = segs.reduce((a, f) => a + f.size, 0);
    expect(total).toBeGreaterThanOrEqual(RETAIN); // Kafka deletes a segment only while the log stays >= retention.bytes
    expect(total).toBeLessThan(RETAIN + SEGMENT);
    expect(segs.length).toBeGreaterThanOrEqual(RETAIN / SEGMENT);
    expect(existsSync(join(broker.partitionDir(topic, 0), '00000000000000000000.log'))).toBe(false);
    expect(existsSync(join(broker.partitionDir(topic, 0), '00000000000000000000.index'))).toBe(false);
    for (const f of segs) expect(f.base).toBeGreaterThanOrEqual(low);

    // The Java tool sees the same earliest offset (ListOffsets -2), consumers start there with the right data.
    const earliest = await kafkaTool('kafka-get-offsets', ['--bootstrap-server', broker.bootstrap, '--topic', topic, '--time', '-2']);
    expect(earliest.stdout.trim()).toBe(`${topic}:0:${low}`);
    const records = await kcatDump(broker.bootstrap, topic);
    expect(records).toHaveLength(N - low);
    records.forEach((r, i) => {
      expect(r.offset).toBe(low + i);
      expect(r.key).toBe(`k${low + i}`);
      expect(r.value).toBe(VALUE_1K(low + i));
    });
  });

  it('retention.ms: segments whose newest record is older than retention.ms go, newer ones stay', async () => {
    const topic = 'ops-retention-time';
    await createTopic(kafka, topic, 1, { 'segment.bytes': String(16 * 1024), 'retention.ms': String(3_600_000) });
    const OLD = 100;
    const NEW = 20;
    const oldTs = Date.now() - 2 * 3_600_000;
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    try {
      for (let i = 0; i < OLD; i += 4) {
        await producer.send({
          topic,
          acks: -1,
          messages: [0, 1, 2, 3].map((j) => ({ key: `old${i + j}`, value: VALUE_1K(i + j), timestamp: String(oldTs + i + j) })),
        });
      }
      await producer.send({ topic, acks: -1, messages: Array.from({ length: NEW }, (_, j) => ({ key: `new${j}`, value: `fresh-${j}` })) });
    } finally {
      await producer.disconnect();
    }

    const low = await waitFor(
      async () => {
        const [p] = await offsets(kafka, topic);
        return p!.low >= OLD - 16 ? p!.low : null; // at most the segment shared with the new records survives
      },
      { timeoutMs: 30_000, what: 'retention.ms to delete the old segments' },
    );
    const [{ high }] = (await offsets(kafka, topic)) as [{ low: number; high: number }];
    expect(high).toBe(OLD + NEW);
    expect(low).toBeLessThanOrEqual(OLD); // every new record is kept
    const files = segmentFiles(broker, topic);
    expect(files[0]!.base).toBe(low);
    expect(files.length === 1 || files[1]!.base > OLD).toBe(true); // only the first segment may hold old records
    expect(existsSync(join(broker.partitionDir(topic, 0), '00000000000000000000.log'))).toBe(false);

    const records = await kcatDump(broker.bootstrap, topic);
    expect(records.map((r) => r.offset)).toEqual(Array.from({ length: OLD + NEW - low }, (_, i) => low + i));
    expect(records.filter((r) => r.key.startsWith('new')).map((r) => r.value)).toEqual(
      Array.from({ length: NEW }, (_, j) => `fresh-${j}`),
    );
    for (const r of records.filter((x) => x.key.startsWith('old'))) expect(r.timestamp).toBeLessThan(Date.now() - 3_600_000);
  });

  it('retention.ms: when every record is too old the active segment is rolled and deleted too; the log goes on', async () => {
    const topic = 'ops-retention-all-old';
    await createTopic(kafka, topic, 1, { 'segment.bytes': String(16 * 1024), 'retention.ms': String(3_600_000) });
    const OLD = 30;
    const oldTs = Date.now() - 2 * 3_600_000;
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    try {
      for (let i = 0; i < OLD; i += 5) {
        await producer.send({
          topic,
          acks: -1,
          messages: [0, 1, 2, 3, 4].map((j) => ({ key: `old${i + j}`, value: VALUE_1K(i + j), timestamp: String(oldTs) })),
        });
      }
      await waitFor(async () => (await offsets(kafka, topic))[0]!.low === OLD, { timeoutMs: 30_000, what: 'every old record deleted' });
      // Kafka's behaviour: the log keeps one empty active segment starting at the log end.
      expect(segmentFiles(broker, topic)).toEqual([{ base: OLD, size: 0, name: `${String(OLD).padStart(20, '0')}.log` }]);
      expect(await kcatDump(broker.bootstrap, topic)).toEqual([]);
      await producer.send({ topic, acks: -1, messages: [{ key: 'after', value: 'still works' }] });
    } finally {
      await producer.disconnect();
    }
    const records = await kcatDump(broker.bootstrap, topic);
    expect(records.map((r) => [r.offset, r.key, r.value])).toEqual([[OLD, 'after', 'still works']]);
    expect(await offsets(kafka, topic)).toEqual([{ low: OLD, high: OLD + 1 }]);
  });
});

// ------------------------------------------------------------------------------------------ 3. compaction

describe('log compaction on a running broker', () => {
  let broker: TestBroker;
  let kafka: Kafka;

  beforeAll(async () => {
    broker = await startBroker({ name: 'ops-compact', overrides: { 'log.retention.check.interval.ms': 300, 'log.cleaner.backoff.ms': 300 } });
    kafka = kafkajs(broker, 'ops-compact');
  });
  afterAll(async () => {
    await broker?.cleanup();
  });

  it('keeps the latest value per key at its original offset; tombstones stay for delete.retention.ms, then go', async () => {
    const topic = 'ops-compact';
    const DELETE_RETENTION_MS = 10_000;
    const SEGMENT = 16 * 1024;
    await createTopic(kafka, topic, 1, {
      'cleanup.policy': 'compact',
      'segment.bytes': String(SEGMENT),
      'min.cleanable.dirty.ratio': '0.01',
      'min.compaction.lag.ms': '0',
      'delete.retention.ms': String(DELETE_RETENTION_MS),
    });
    const KEYS = Array.from({ length: 30 }, (_, i) => `key${String(i).padStart(2, '0')}`);
    const DELETED = new Set(KEYS.slice(0, 6));
    const ROUNDS = 8;
    /** key → offset and value of its latest record (value null = tombstone). */
    const latest = new Map<string, { offset: number; value: string | null }>();
    let produced = 0;
    let valueBytes = 0;
    let lastWrite = 0;
    let tombstonesWritten = 0;
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const send = async (messages: { key: string; value: string | null }[]) => {
      const [res] = await producer.send({ topic, acks: -1, messages });
      const base = Number(res!.baseOffset);
      expect(base).toBe(produced); // offsets are assigned densely from 0
      messages.forEach((m, i) => latest.set(m.key, { offset: base + i, value: m.value }));
      produced += messages.length;
      for (const m of messages) valueBytes += m.value?.length ?? 0;
      lastWrite = Date.now();
    };
    const fillerRound = async (tag: string) => {
      // Filler under one key, until the active segment starts after everything written before it.
      const mark = produced;
      for (let n = 0; ; n++) {
        const files = segmentFiles(broker, topic);
        if (files[files.length - 1]!.base > mark) break;
        expect(n).toBeLessThan(100);
        await send([0, 1, 2, 3].map(() => ({ key: 'filler', value: `${tag}-${produced}-`.padEnd(1000, 'f') })));
      }
    };
    try {
      for (let r = 0; r < ROUNDS; r++) {
        for (let i = 0; i < KEYS.length; i += 5) {
          await send(KEYS.slice(i, i + 5).map((key) => ({ key, value: `${key}-round${r}-`.padEnd(300, 'p') })));
        }
      }
      await send([...DELETED].map((key) => ({ key, value: null })));
      tombstonesWritten = lastWrite;
      await fillerRound('a');
    } finally {
      await producer.disconnect().catch(() => {});
    }
    const producedPhase1 = produced;
    const phase1Written = lastWrite;
    // Several segments' worth was written (the cleaner may already have merged some of them).
    expect(valueBytes).toBeGreaterThan(4 * SEGMENT);

    /** Every record below the active segment must be the latest of its key, at the offset it was produced at. */
    const check = async (expectTombstones: boolean) => {
      const records = await kcatDump(broker.bootstrap, topic);
      const files = segmentFiles(broker, topic);
      const activeBase = files[files.length - 1]!.base;
      const problems: string[] = [];
      const seen = new Map<string, number>();
      const belowActive = new Map<string, number>();
      let prev = -1;
      for (const r of records) {
        if (r.offset <= prev) problems.push(`offset ${r.offset} after ${prev}`);
        prev = r.offset;
        seen.set(r.key, (seen.get(r.key) ?? 0) + 1);
        const want = latest.get(r.key);
        if (!want) {
          problems.push(`unknown key ${r.key}`);
          continue;
        }
        // As Kafka's cleaner, only the cleanable part (below the active segment) is deduplicated: a key whose
        // latest record is in the active segment (the filler) keeps its newest record below it as well.
        if (r.offset < activeBase) {
          const below = (belowActive.get(r.key) ?? 0) + 1;
          belowActive.set(r.key, below);
          if (below > 1) problems.push(`${r.key}@${r.offset}: more than one record below the active segment`);
          if (want.offset < activeBase && r.offset !== want.offset) problems.push(`${r.key}@${r.offset}: stale (latest @${want.offset})`);
        }
        if (r.offset === want.offset && (want.value === null ? r.size !== -1 : r.value !== want.value)) {
          problems.push(`${r.key}@${r.offset}: wrong value (size ${r.size})`);
        }
      }
      for (const key of KEYS) {
        const n = seen.get(key) ?? 0;
        const want = DELETED.has(key) && !expectTombstones ? 0 : 1;
        if (n !== want) problems.push(`${key}: ${n} records, want ${want}`);
      }
      return { records, problems, activeBase };
    };

    // Phase 1: compacted; the tombstones are younger than delete.retention.ms, so consumers still see them.
    const p1 = await waitFor(
      async () => {
        const c = await check(true);
        return c.problems.length === 0 ? c : null;
      },
      { timeoutMs: 30_000, what: 'compaction of the rolled segments' },
    ).catch(async (e: Error) => {
      throw new Error(`${e.message}\n${(await check(true)).problems.slice(0, 20).join('\n')}\n${broker.logTail(30)}`);
    });
    // Kafka keeps tombstones for delete.retention.ms: still inside it, so the check above had to see them.
    expect(Date.now() - tombstonesWritten).toBeLessThan(DELETE_RETENTION_MS);
    expect(p1.records.length).toBeLessThan(producedPhase1 / 2);
    for (const key of KEYS) {
      const r = p1.records.find((x) => x.key === key)!;
      expect(r.offset).toBe(latest.get(key)!.offset);
      if (DELETED.has(key)) expect(r.size).toBe(-1);
      else expect(r.value).toBe(`${key}-round${ROUNDS - 1}-`.padEnd(300, 'p'));
    }
    const [o1] = await offsets(kafka, topic);
    expect(o1).toEqual({ low: 0, high: producedPhase1 }); // compaction never moves the log start or end

    // Phase 2: after delete.retention.ms, new writes make the log dirty again; the next cleaning drops the tombstones.
    await sleep(Math.max(0, phase1Written + DELETE_RETENTION_MS + 500 - Date.now()));
    await producer.connect();
    try {
      await fillerRound('b');
    } finally {
      await producer.disconnect();
    }
    const p2 = await waitFor(
      async () => {
        const c = await check(false);
        return c.problems.length === 0 ? c : null;
      },
      { timeoutMs: 30_000, what: 'tombstones removed after delete.retention.ms' },
    ).catch(async (e: Error) => {
      throw new Error(`${e.message}\n${(await check(false)).problems.slice(0, 20).join('\n')}\n${broker.logTail(30)}`);
    });
    for (const key of DELETED) expect(p2.records.some((r) => r.key === key)).toBe(false);
    for (const key of KEYS.filter((k) => !DELETED.has(k))) {
      const r = p2.records.find((x) => x.key === key)!;
      expect(r.offset).toBe(latest.get(key)!.offset);
      expect(r.value).toBe(`${key}-round${ROUNDS - 1}-`.padEnd(300, 'p'));
    }
    const [o2] = await offsets(kafka, topic);
    expect(o2).toEqual({ low: 0, high: produced });

    // Kafka's own kafka-dump-log reads the rewritten segments: valid CRCs, the kept offsets, and indexes
    // that agree with the log.
    const files = broker.segments(topic, 0);
    const dump = await kafkaTool('kafka-dump-log', ['--files', files.join(','), '--deep-iteration', '--print-data-log']);
    expect(dump.stdout).toMatch(/isvalid: true/);
    expect(dump.stdout).not.toMatch(/isvalid: false/);
    const dumped = [...dump.stdout.matchAll(/^\| offset: (\d+) .*key: (\S+)/gm)].map((m) => `${m[2]}@${m[1]}`);
    expect(dumped).toEqual(p2.records.map((r) => `${r.key}@${r.offset}`));
    const indexes = files.map((f) => f.replace(/\.log$/, '.index'));
    const verify = await kafkaTool('kafka-dump-log', ['--files', indexes.join(','), '--verify-index-only']);
    for (const f of indexes) expect(verify.stdout).toContain(`Dumping ${f}`);
    expect(verify.stdout + verify.stderr).not.toMatch(/Mismatches|Non-consecutive|corrupt/i);
  });
});

describe('log.cleaner.enable=false on a running broker', () => {
  let broker: TestBroker;

  beforeAll(async () => {
    broker = await startBroker({
      name: 'ops-no-cleaner',
      overrides: { 'log.retention.check.interval.ms': 200, 'log.cleaner.enable': false },
    });
  });
  afterAll(async () => {
    await broker?.cleanup();
  });

  it('leaves compacted topics alone (every record stays, at its offset)', async () => {
    const kafka = kafkajs(broker, 'ops-no-cleaner');
    const topic = 'ops-no-cleaner';
    await createTopic(kafka, topic, 1, {
      'cleanup.policy': 'compact',
      'segment.bytes': String(8 * 1024),
      'min.cleanable.dirty.ratio': '0.01',
      'delete.retention.ms': '0',
    });
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    let produced = 0;
    try {
      for (let r = 0; r < 8; r++) {
        for (let i = 0; i < 10; i += 5) {
          await producer.send({
            topic,
            acks: -1,
            messages: [0, 1, 2, 3, 4].map((j) => ({ key: `key${i + j}`, value: r === 7 && j === 0 ? null : `r${r}-`.padEnd(400, 'p') })),
          });
          produced += 5;
        }
      }
    } finally {
      await producer.disconnect();
    }
    expect(segmentFiles(broker, topic).length).toBeGreaterThan(3);
    // Many retention/cleaner ticks (200 ms); with the cleaner on, the same log is compacted within one or two.
    await sleep(3000);
    const records = await kcatDump(broker.bootstrap, topic);
    expect(records.map((r) => r.offset)).toEqual(Array.from({ length: produced }, (_, i) => i));
    expect(segmentFiles(broker, topic).length).toBeGreaterThan(3);
  });
});

// ------------------------------------------------------------------------------------------ 4. configuration

interface Spawned {
  proc: ChildProcess;
  output: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const spawned = new Set<ChildProcess>();

/** The broker's environment: ours without GREGOR_* (as helpers/broker.ts), plus `extra`. */
function brokerEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('GREGOR_') && k !== 'GREGOR_LOG_LEVEL') continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

/** `node broker/dist/gregor-broker.cjs --config config/server.properties ...` from the repository root, as `npm start`. */
function spawnMain(args: string[], env: Record<string, string> = {}, entry = BROKER_MAIN): Spawned {
  const proc = spawn(process.execPath, [entry, '--config', 'config/server.properties', ...args], {
    cwd: REPO_ROOT,
    env: brokerEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  spawned.add(proc);
  const chunks: Buffer[] = [];
  const errChunks: Buffer[] = [];
  proc.stdout!.on('data', (d: Buffer) => chunks.push(d));
  proc.stderr!.on('data', (d: Buffer) => {
    chunks.push(d);
    errChunks.push(d);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    proc.once('exit', (code, signal) => {
      spawned.delete(proc);
      resolve({ code, signal });
    });
  });
  return {
    proc,
    output: () => Buffer.concat(chunks).toString('utf8'),
    stderr: () => Buffer.concat(errChunks).toString('utf8'),
    exited,
  };
}

async function exitWithin(s: Spawned, ms: number) {
  const r = await Promise.race([s.exited, sleep(ms).then(() => null)]);
  if (r === null) {
    s.proc.kill('SIGKILL');
    throw new Error(`process did not exit within ${ms} ms\n${s.output().slice(-3000)}`);
  }
  return r;
}

async function waitServing(s: Spawned, port: number): Promise<void> {
  await waitFor(
    async () => {
      if (s.proc.exitCode !== null || s.proc.signalCode !== null) throw new Error(`broker exited early:\n${s.output().slice(-3000)}`);
      const conn = await RawConnection.connect(port, '127.0.0.1', 2000);
      try {
        const av = await apiVersions(conn, 0);
        return av.errorCode === 0 && (await metadata(conn, [])).brokers.length > 0;
      } finally {
        conn.close();
      }
    },
    { timeoutMs: 30_000, intervalMs: 150, what: `broker on 127.0.0.1:${port}` },
  ).catch((e: Error) => {
    throw new Error(`${e.message}\n${s.output().slice(-3000)}`);
  });
}

describe.skipIf(gregorOnly)('configuration of a spawned broker (npm start command line)', () => {
  const dirs: string[] = [];
  const tmp = () => {
    const d = mkdtempSync(join(tmpdir(), 'gregor-ops-config-'));
    dirs.push(d);
    return d;
  };
  const serverProperties = readFileSync(join(REPO_ROOT, 'config', 'server.properties'), 'utf8');

  afterAll(() => {
    for (const p of spawned) p.kill('SIGKILL');
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /** Starts a broker on loopback with its data in a temp dir; returns it serving, plus how to reach it. */
  async function startServing(extraArgs: string[], env: Record<string, string> = {}) {
    const dir = tmp();
    const port = await freePort();
    const metricsPort = await freePort();
    const dataDir = join(dir, 'data');
    const s = spawnMain(
      [
        '--override', `log.dirs=${dataDir}`,
        '--override', `listeners=PLAINTEXT://127.0.0.1:${port}`,
        '--override', `gregor.metrics.port=${metricsPort}`,
        '--override', 'gregor.metrics.host=127.0.0.1',
        ...extraArgs,
      ],
      env,
    );
    await waitServing(s, port);
    return { s, port, dataDir, bootstrap: `127.0.0.1:${port}` };
  }

  async function autoCreatedPartitions(bootstrap: string, topic: string): Promise<number> {
    const kafka = kafkajs({ bootstrap } as TestBroker, 'ops-config');
    const producer = kafka.producer({ allowAutoTopicCreation: true });
    await producer.connect();
    try {
      await producer.send({ topic, acks: -1, messages: [{ key: 'k', value: 'hello from npm start' }] });
    } finally {
      await producer.disconnect();
    }
    const admin = kafka.admin();
    await admin.connect();
    try {
      const md = await admin.fetchTopicMetadata({ topics: [topic] });
      return md.topics[0]!.partitions.length;
    } finally {
      await admin.disconnect();
    }
  }

  it('npm start runs the one-file bundle; the unbundled broker/dist/main.js starts and serves the same way', async () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toContain('node broker/dist/gregor-broker.cjs --config config/server.properties');
    expect(pkg.scripts.build).toContain('broker/scripts/bundle.mjs');
    // The bundle carries pino and the ZooKeeper client inside; the native codecs stay in node_modules.
    const bundle = readFileSync(join(REPO_ROOT, 'broker', 'dist', 'gregor-broker.cjs'), 'utf8');
    expect(bundle.startsWith('#!/usr/bin/env node')).toBe(true);
    expect(bundle).toMatch(/require\("@node-rs\/crc32"\)/);
    expect(bundle).not.toMatch(/require\("pino"\)|require\("node-zookeeper-client"\)/);

    const dir = tmp();
    const port = await freePort();
    const s = spawnMain(
      ['--override', `log.dirs=${join(dir, 'data')}`, '--override', `listeners=PLAINTEXT://127.0.0.1:${port}`, '--override', 'gregor.metrics.port=-1'],
      { GREGOR_LOG_LEVEL: 'info' },
      join(REPO_ROOT, 'broker', 'dist', 'main.js'),
    );
    try {
      await waitServing(s, port);
      const conn = await RawConnection.connect(port, '127.0.0.1', 2000);
      try {
        expect((await metadata(conn, [])).brokers.map((b) => b.port)).toEqual([port]);
      } finally {
        conn.close();
      }
    } finally {
      s.proc.kill('SIGTERM');
    }
    expect((await exitWithin(s, 30_000)).code).toBe(0);
    expect(s.output()).toContain('Gregor broker started');
  });

  it('server.properties + --override: starts, serves produce and consume; GREGOR_NUM_PARTITIONS=4 is honoured; SIGTERM exits 0', async () => {
    // The premise: the file says 1 partition and auto-creation on, so 4 can only come from the environment.
    expect(serverProperties).toMatch(/^num\.partitions=1$/m);
    expect(serverProperties).toMatch(/^auto\.create\.topics\.enable=true$/m);
    const b = await startServing([], { GREGOR_NUM_PARTITIONS: '4' });
    try {
      expect(existsSync(join(b.dataDir, 'meta.properties'))).toBe(true);
      expect(await autoCreatedPartitions(b.bootstrap, 'ops-env-topic')).toBe(4);
      const lines = await kcatConsumeAll(b.bootstrap, 'ops-env-topic');
      expect(lines).toHaveLength(1);
      const r = await runProcess('kcat', ['-C', '-b', b.bootstrap, '-t', 'ops-env-topic', '-o', 'beginning', '-e', '-q', '-f', '%s\n'], {
        timeoutMs: 30_000,
      });
      expect(r.stdout).toBe('hello from npm start\n');
    } finally {
      b.s.proc.kill('SIGTERM');
    }
    const exit = await exitWithin(b.s, 30_000);
    expect(exit).toEqual({ code: 0, signal: null });
  });

  it('--override wins over the environment', async () => {
    const b = await startServing(['--override', 'num.partitions=2'], { GREGOR_NUM_PARTITIONS: '4' });
    try {
      expect(await autoCreatedPartitions(b.bootstrap, 'ops-override-topic')).toBe(2);
    } finally {
      b.s.proc.kill('SIGTERM');
    }
    expect((await exitWithin(b.s, 30_000)).code).toBe(0);
  });

  const rejected: [string, string[], Record<string, string>, RegExp][] = [
    ['an unknown key', ['--override', 'no.such.key=1'], {}, /Unknown configuration key 'no\.such\.key'/],
    ['an invalid value', ['--override', 'num.partitions=abc'], {}, /Invalid value abc for configuration num\.partitions/],
    ['an invalid value from the environment', [], { GREGOR_NUM_PARTITIONS: 'abc' }, /num\.partitions.*GREGOR_NUM_PARTITIONS/],
    ['an out-of-range value', ['--override', 'log.segment.bytes=1'], {}, /Invalid value 1 for configuration log\.segment\.bytes/],
  ];
  for (const [what, args, env, names] of rejected) {
    it(`${what} makes the process exit non-zero naming the key, before creating the data dir`, async () => {
      const dir = tmp();
      const dataDir = join(dir, 'data');
      const port = await freePort();
      const s = spawnMain(
        ['--override', `log.dirs=${dataDir}`, '--override', `listeners=PLAINTEXT://127.0.0.1:${port}`, '--override', 'gregor.metrics.port=-1', ...args],
        env,
      );
      const exit = await exitWithin(s, 20_000);
      expect(exit, s.output()).toEqual({ code: 1, signal: null }); // main.ts: 1 on a configuration error
      expect(s.stderr()).toMatch(names);
      expect(existsSync(dataDir)).toBe(false);
      // Nothing listened meanwhile.
      await expect(RawConnection.connect(port, '127.0.0.1', 1000)).rejects.toThrow();
    });
  }
});
