/**
 * Prometheus metrics of the broker, served as text on `/metrics` (plus `/healthz`) by a small node:http
 * server on `gregor.metrics.port`.
 *
 * The broker's own metrics are plain counters, gauges and histograms in this module (a Map lookup and an
 * addition per update, written out in the Prometheus text format on scrape). prom-client is used only for
 * the Node process metrics (`process_*`, `nodejs_*`: CPU, memory, event-loop lag, GC), and it is loaded on
 * demand: it pulls in ~80 modules (@opentelemetry/api among them), which cost ~70 ms of start-up and ~7 MiB
 * of RSS, and its labelled inc()/observe() were ~4% of the broker's CPU under produce (profile in
 * docs/performance.md). With `gregor.metrics.port=-1` it is never loaded.
 *
 * Every BrokerMetrics has its own series (tests and several in-process brokers cannot collide). The
 * module-level `recordX` functions write to the process-wide `brokerMetrics()` instance, which is what the
 * request path uses.
 *
 * Names follow Kafka's JMX-exporter conventions (`kafka_server_*`, `kafka_log_*`, `kafka_controller_*`) so
 * dashboards written for Kafka need few changes.
 */
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { errorName } from './protocol/errors.js';
import { childLogger } from './log.js';

const log = childLogger('metrics');
const require = createRequire(import.meta.url);

/** What prom-client's Registry answers as contentType (Prometheus text format 0.0.4). */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export interface LogSizeSample {
  topic: string;
  partition: number;
  sizeBytes: number;
}

export interface PartitionCounts {
  partitions: number;
  leaders: number;
  underReplicated: number;
  offline: number;
}

// ------------------------------------------------------------------------------------ text format

function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatValue(v: number): string {
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  if (Number.isNaN(v)) return 'NaN';
  return String(v);
}

/** `{a="x",b="y"}` from pairs, '' when there are none. */
function labelText(pairs: readonly (readonly [string, string])[]): string {
  if (pairs.length === 0) return '';
  return '{' + pairs.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',') + '}';
}

type LabelValues = Readonly<Record<string, string | number>>;

interface Family {
  readonly name: string;
  /** Prometheus text of this family (HELP, TYPE, samples), without the trailing blank line. */
  text(defaultLabels: readonly (readonly [string, string])[]): string;
}

interface Series {
  readonly labels: readonly string[];
  value: number;
}

/**
 * A counter or gauge with optional labels: one Map entry per label combination. The hot path passes label
 * values positionally (`add`); `inc`/`set`/`dec` also take prom-client's `{ label: value }` form.
 */
class Scalar implements Family {
  private readonly series = new Map<string, Series>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'gauge',
    readonly labelNames: readonly string[] = [],
    /** Called before every scrape (gauges computed from the broker's state). */
    private readonly onCollect?: (self: Scalar) => void,
  ) {
    if (labelNames.length === 0) this.series.set('', { labels: [], value: 0 });
  }

  private entry(values: readonly string[]): Series {
    const key = values.length === 1 ? values[0]! : values.length === 2 ? values[0]! + '\u0000' + values[1]! : values.join('\u0000');
    let s = this.series.get(key);
    if (s === undefined) {
      s = { labels: values, value: 0 };
      this.series.set(key, s);
    }
    return s;
  }

  private values(labels: LabelValues | undefined): string[] {
    if (this.labelNames.length === 0) return [];
    if (!labels) throw new Error(`${this.name}: label values required (${this.labelNames.join(', ')})`);
    return this.labelNames.map((n) => {
      const v = labels[n];
      if (v === undefined) throw new Error(`${this.name}: missing label ${n}`);
      return String(v);
    });
  }

  /** Hot path: adds `n` to the series of these label values (in labelNames order). */
  add(values: readonly string[], n: number): void {
    this.entry(values).value += n;
  }

  inc(labelsOrValue?: LabelValues | number, value = 1): void {
    if (typeof labelsOrValue === 'number') this.add([], labelsOrValue);
    else this.add(this.values(labelsOrValue), value);
  }

  dec(labelsOrValue?: LabelValues | number, value = 1): void {
    if (typeof labelsOrValue === 'number') this.add([], -labelsOrValue);
    else this.add(this.values(labelsOrValue), -value);
  }

  set(labelsOrValue: LabelValues | number, value?: number): void {
    if (typeof labelsOrValue === 'number') this.entry([]).value = labelsOrValue;
    else this.entry(this.values(labelsOrValue)).value = value ?? 0;
  }

  get(labels?: LabelValues): number {
    const vals = this.values(labels);
    return this.series.get(vals.length === 1 ? vals[0]! : vals.length === 2 ? vals[0]! + '\u0000' + vals[1]! : vals.join('\u0000'))?.value ?? 0;
  }

  reset(): void {
    this.series.clear();
    if (this.labelNames.length === 0) this.series.set('', { labels: [], value: 0 });
  }

  text(defaultLabels: readonly (readonly [string, string])[]): string {
    if (this.onCollect) {
      try {
        this.onCollect(this);
      } catch (err) {
        log.warn({ err, metric: this.name }, 'metric collection failed');
      }
    }
    const lines = [`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} ${this.type}`];
    for (const s of this.series.values()) {
      const pairs = this.labelNames.map((n, i) => [n, s.labels[i]!] as const);
      lines.push(`${this.name}${labelText([...pairs, ...defaultLabels])} ${formatValue(s.value)}`);
    }
    return lines.join('\n');
  }
}

interface HistogramSeries {
  readonly labels: readonly string[];
  /** Observations per bucket (not cumulative; the last slot is +Inf). */
  readonly counts: Float64Array;
  sum: number;
  count: number;
}

/** A histogram with fixed upper bounds, cumulated when written out (as Prometheus expects). */
class Histo implements Family {
  private readonly series = new Map<string, HistogramSeries>();
  readonly type = 'histogram';

  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: readonly number[],
    readonly labelNames: readonly string[] = [],
  ) {}

  /** Hot path: one observation for these label values (in labelNames order). */
  add(values: readonly string[], v: number): void {
    const key = values.length === 1 ? values[0]! : values.join('\u0000');
    let s = this.series.get(key);
    if (s === undefined) {
      s = { labels: values, counts: new Float64Array(this.buckets.length + 1), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    const b = this.buckets;
    let i = 0;
    while (i < b.length && v > b[i]!) i++;
    s.counts[i]!++;
    s.sum += v;
    s.count++;
  }

  observe(labels: LabelValues, v: number): void {
    this.add(this.labelNames.map((n) => String(labels[n] ?? '')), v);
  }

  text(defaultLabels: readonly (readonly [string, string])[]): string {
    const lines = [`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} histogram`];
    for (const s of this.series.values()) {
      const pairs = [...this.labelNames.map((n, i) => [n, s.labels[i]!] as const), ...defaultLabels];
      let cumulative = 0;
      for (let i = 0; i <= this.buckets.length; i++) {
        cumulative += s.counts[i]!;
        const le = i < this.buckets.length ? formatValue(this.buckets[i]!) : '+Inf';
        lines.push(`${this.name}_bucket${labelText([['le', le], ...pairs])} ${cumulative}`);
      }
      lines.push(`${this.name}_sum${labelText(pairs)} ${formatValue(s.sum)}`);
      lines.push(`${this.name}_count${labelText(pairs)} ${s.count}`);
    }
    return lines.join('\n');
  }
}

// ----------------------------------------------------------------------------- process metrics

type PromClient = typeof import('prom-client');
let promClient: PromClient | null = null;

/** prom-client, loaded on first use (synchronously: it is CommonJS). */
function loadPromClient(): PromClient {
  promClient ??= require('prom-client') as PromClient;
  return promClient;
}

// ------------------------------------------------------------------------------------ the metrics

export class BrokerMetrics {
  readonly requestsTotal: Scalar;
  readonly requestDuration: Histo;
  readonly requestErrorsTotal: Scalar;
  readonly bytesInTotal: Scalar;
  readonly bytesOutTotal: Scalar;
  readonly messagesInTotal: Scalar;
  readonly connections: Scalar;
  readonly connectionsTotal: Scalar;
  readonly partitions: Scalar;
  readonly leaderCount: Scalar;
  readonly underReplicatedPartitions: Scalar;
  readonly offlinePartitions: Scalar;
  readonly isrShrinksTotal: Scalar;
  readonly isrExpandsTotal: Scalar;
  readonly activeController: Scalar;
  readonly leaderElectionsTotal: Scalar;
  readonly logSize: Scalar;
  private readonly families: Family[];
  private readonly defaultLabels: (readonly [string, string])[];
  private readonly defaultMetrics: boolean;
  /** prom-client registry with the Node process metrics, created by startDefaultMetrics(). */
  private processRegistry: Registry | null = null;

  private activeControllerProvider: (() => boolean) | null = null;
  private logSizeProvider: (() => Iterable<LogSizeSample>) | null = null;
  private partitionProvider: (() => PartitionCounts) | null = null;

  setActiveControllerProvider(provider: (() => boolean) | null): void {
    this.activeControllerProvider = provider;
  }

  /**
   * `defaultMetrics` (default true): include the Node process metrics of prom-client. They start being
   * collected at startDefaultMetrics() or the first scrape, whichever comes first; prom-client is not loaded
   * before that.
   */
  constructor(opts: { defaultMetrics?: boolean; labels?: Record<string, string> } = {}) {
    this.defaultMetrics = opts.defaultMetrics ?? true;
    this.defaultLabels = Object.entries(opts.labels ?? {});

    this.requestsTotal = new Scalar('kafka_server_requests_total', 'Requests handled, by API name and version.', 'counter', ['api', 'version']);
    this.requestDuration = new Histo(
      'kafka_server_request_duration_seconds',
      'Time from decoded request to encoded response, by API.',
      // From sub-millisecond metadata calls to long-polling fetches (fetch.max.wait.ms defaults to 500 ms).
      [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      ['api'],
    );
    this.requestErrorsTotal = new Scalar(
      'kafka_server_request_errors_total',
      'Requests answered with a request-level error, by API and Kafka error name.',
      'counter',
      ['api', 'error'],
    );
    this.bytesInTotal = new Scalar('kafka_server_bytes_in_total', 'Record bytes appended by produce requests, by topic.', 'counter', ['topic']);
    this.bytesOutTotal = new Scalar('kafka_server_bytes_out_total', 'Record bytes returned by fetch requests, by topic.', 'counter', ['topic']);
    this.messagesInTotal = new Scalar('kafka_server_messages_in_total', 'Records appended by produce requests, by topic.', 'counter', ['topic']);
    this.connections = new Scalar('kafka_server_connections', 'Open client connections.', 'gauge');
    this.connectionsTotal = new Scalar('kafka_server_connections_created_total', 'Client connections accepted since start.', 'counter');

    // Partition gauges are computed on scrape from a provider, so they never drift from the real state.
    const counts = (pick: (c: PartitionCounts) => number) => (g: Scalar) => {
      if (this.partitionProvider) g.set(pick(this.partitionProvider()));
    };
    this.partitions = new Scalar('kafka_server_partitions', 'Partitions hosted by this broker.', 'gauge', [], (g) => {
      if (this.partitionProvider) return counts((c) => c.partitions)(g);
      // Without a dedicated provider, the hosted partitions are the ones with a log.
      if (!this.logSizeProvider) return;
      let n = 0;
      for (const _ of this.logSizeProvider()) n++;
      g.set(n);
    });
    this.leaderCount = new Scalar('kafka_server_leader_count', 'Partitions this broker leads.', 'gauge', [], counts((c) => c.leaders));
    this.underReplicatedPartitions = new Scalar(
      'kafka_server_under_replicated_partitions',
      'Led partitions whose ISR is smaller than the replica set.',
      'gauge',
      [],
      counts((c) => c.underReplicated),
    );
    this.offlinePartitions = new Scalar(
      'kafka_controller_offline_partitions_count',
      'Partitions without a live leader (as seen by this broker).',
      'gauge',
      [],
      counts((c) => c.offline),
    );
    this.isrShrinksTotal = new Scalar('kafka_server_isr_shrinks_total', 'ISR shrinks of led partitions.', 'counter');
    this.isrExpandsTotal = new Scalar('kafka_server_isr_expands_total', 'ISR expansions of led partitions.', 'counter');
    this.activeController = new Scalar('kafka_controller_active_controller_count', '1 when this broker is the active controller.', 'gauge', [], (g) => {
      if (this.activeControllerProvider) g.set(this.activeControllerProvider() ? 1 : 0);
    });
    this.leaderElectionsTotal = new Scalar(
      'kafka_controller_leader_elections_total',
      'Partition leader elections written by this broker as controller, by strategy.',
      'counter',
      ['type'],
    );
    this.logSize = new Scalar('kafka_log_size_bytes', 'Size of a partition log on disk.', 'gauge', ['topic', 'partition'], (g) => {
      if (!this.logSizeProvider) return;
      // Reset so deleted partitions disappear instead of reporting their last size forever.
      g.reset();
      for (const s of this.logSizeProvider()) g.set({ topic: s.topic, partition: String(s.partition) }, s.sizeBytes);
    });
    this.families = [
      this.requestsTotal,
      this.requestDuration,
      this.requestErrorsTotal,
      this.bytesInTotal,
      this.bytesOutTotal,
      this.messagesInTotal,
      this.connections,
      this.connectionsTotal,
      this.partitions,
      this.leaderCount,
      this.underReplicatedPartitions,
      this.offlinePartitions,
      this.isrShrinksTotal,
      this.isrExpandsTotal,
      this.activeController,
      this.leaderElectionsTotal,
      this.logSize,
    ];
  }

  /** Starts prom-client's Node process metrics (loads prom-client); a no-op without defaultMetrics. Idempotent. */
  startDefaultMetrics(): void {
    if (!this.defaultMetrics || this.processRegistry) return;
    const prom = loadPromClient();
    const registry = new prom.Registry();
    if (this.defaultLabels.length > 0) registry.setDefaultLabels(Object.fromEntries(this.defaultLabels));
    prom.collectDefaultMetrics({ register: registry });
    this.processRegistry = registry;
  }

  recordRequest(api: string, version: number, durationSeconds: number, errorCode = 0): void {
    this.requestsTotal.add([api, versionString(version)], 1);
    this.requestDuration.add([api], durationSeconds);
    if (errorCode !== 0) this.requestErrorsTotal.add([api, errorName(errorCode)], 1);
  }

  recordRequestError(api: string, error: number | string): void {
    this.requestErrorsTotal.add([api, typeof error === 'number' ? errorName(error) : error], 1);
  }

  recordBytesIn(topic: string, bytes: number): void {
    this.bytesInTotal.add([topic], bytes);
  }

  recordBytesOut(topic: string, bytes: number): void {
    this.bytesOutTotal.add([topic], bytes);
  }

  recordMessagesIn(topic: string, count: number): void {
    this.messagesInTotal.add([topic], count);
  }

  connectionOpened(): void {
    this.connections.inc();
    this.connectionsTotal.inc();
  }

  connectionClosed(): void {
    this.connections.dec();
  }

  /** For owners that keep their own count of open connections. */
  setConnectionCount(n: number): void {
    this.connections.set(n);
  }

  /** Called on every scrape; return the size of each hosted partition log. */
  setLogSizeProvider(provider: (() => Iterable<LogSizeSample>) | null): void {
    this.logSizeProvider = provider;
  }

  /** Called on every scrape for the partition-count gauges. */
  setPartitionProvider(provider: (() => PartitionCounts) | null): void {
    this.partitionProvider = provider;
  }

  /** The Prometheus text of every metric (the broker's, then the Node process metrics). */
  async text(): Promise<string> {
    this.startDefaultMetrics();
    const own = this.families.map((f) => f.text(this.defaultLabels)).join('\n\n') + '\n';
    if (!this.processRegistry) return own;
    return own + '\n' + (await this.processRegistry.metrics());
  }
}

/** String(version) for the few versions there are, without a new string per request. */
const VERSION_STRINGS = Array.from({ length: 32 }, (_, i) => String(i));
function versionString(v: number): string {
  return VERSION_STRINGS[v] ?? String(v);
}

let instance: BrokerMetrics | null = null;

/** The process-wide metrics the broker records into (created on first use). */
export function brokerMetrics(): BrokerMetrics {
  instance ??= new BrokerMetrics();
  return instance;
}

export function recordRequest(api: string, version: number, durationSeconds: number, errorCode = 0): void {
  brokerMetrics().recordRequest(api, version, durationSeconds, errorCode);
}
export function recordRequestError(api: string, error: number | string): void {
  brokerMetrics().recordRequestError(api, error);
}
export function recordBytesIn(topic: string, bytes: number): void {
  brokerMetrics().recordBytesIn(topic, bytes);
}
export function recordBytesOut(topic: string, bytes: number): void {
  brokerMetrics().recordBytesOut(topic, bytes);
}
export function recordMessagesIn(topic: string, count: number): void {
  brokerMetrics().recordMessagesIn(topic, count);
}
export function connectionOpened(): void {
  brokerMetrics().connectionOpened();
}
export function connectionClosed(): void {
  brokerMetrics().connectionClosed();
}
export function setConnectionCount(n: number): void {
  brokerMetrics().setConnectionCount(n);
}
export function recordIsrShrink(): void {
  brokerMetrics().isrShrinksTotal.inc();
}
export function recordIsrExpand(): void {
  brokerMetrics().isrExpandsTotal.inc();
}
/** Read on each scrape: whether this broker is the active controller right now. */
export function setActiveControllerProvider(provider: (() => boolean) | null): void {
  brokerMetrics().setActiveControllerProvider(provider);
}

export function recordLeaderElection(type: string, count = 1): void {
  brokerMetrics().leaderElectionsTotal.inc({ type }, count);
}

export function setActiveController(active: boolean): void {
  brokerMetrics().activeController.set(active ? 1 : 0);
}
export function setLogSizeProvider(provider: (() => Iterable<LogSizeSample>) | null): void {
  brokerMetrics().setLogSizeProvider(provider);
}
/**
 * The hosted partition logs with their sizes, read on every scrape: feeds `kafka_log_size_bytes` and,
 * unless a partition provider is set, `kafka_server_partitions`. (Alias of setLogSizeProvider.)
 */
export function setPartitionSource(provider: (() => Iterable<LogSizeSample>) | null): void {
  brokerMetrics().setLogSizeProvider(provider);
}
export function setPartitionProvider(provider: (() => PartitionCounts) | null): void {
  brokerMetrics().setPartitionProvider(provider);
}

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

/**
 * Serves `GET /metrics` (Prometheus text) and `GET /healthz` ("ok"). Port 0 picks a free port; the bound
 * port is returned. An empty host binds all interfaces. The Node process metrics (prom-client) start a
 * moment after the server, off the broker's start-up path, or at the first scrape if that comes sooner.
 */
export function startMetricsServer(port: number, host = '', metrics: BrokerMetrics = brokerMetrics()): Promise<MetricsServer> {
  const { createServer } = require('node:http') as typeof import('node:http');
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/metrics') {
      metrics.text().then(
        (body) => {
          res.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE });
          res.end(req.method === 'HEAD' ? undefined : body);
        },
        (err: unknown) => {
          log.error({ err }, 'metrics collection failed');
          res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics collection failed\n');
        },
      );
      return;
    }
    if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  });
  // Scrapers keep connections alive; do not let them hold the process open at shutdown.
  server.keepAliveTimeout = 5000;
  const defaults = setTimeout(() => metrics.startDefaultMetrics(), DEFAULT_METRICS_DELAY_MS);
  defaults.unref();
  return new Promise((resolve, reject) => {
    server.once('error', (err) => {
      clearTimeout(defaults);
      reject(err);
    });
    server.listen({ port, host: host === '' ? undefined : host }, () => {
      server.removeAllListeners('error');
      const bound = (server.address() as AddressInfo).port;
      log.debug({ port: bound, host: host || '*' }, 'metrics endpoint listening');
      resolve({
        port: bound,
        close: () =>
          new Promise<void>((res, rej) => {
            clearTimeout(defaults);
            server.close((err) => (err ? rej(err) : res()));
            server.closeAllConnections();
          }),
      });
    });
  });
}

/** How long after the metrics server starts prom-client's process metrics are started. */
const DEFAULT_METRICS_DELAY_MS = 1000;
