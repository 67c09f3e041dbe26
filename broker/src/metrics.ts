/**
 * Prometheus metrics of the broker, served as text on `/metrics` (plus `/healthz`) by a small node:http
 * server on `gregor.metrics.port`.
 *
 * Metrics live in a private prom-client Registry (never the library's global one) so tests and several
 * in-process brokers cannot collide. The module-level `recordX` functions write to the process-wide
 * `brokerMetrics` instance, which is what the request path uses; it is created lazily so importing this
 * module costs nothing until a metric is recorded.
 *
 * Names follow Kafka's JMX-exporter conventions (`kafka_server_*`, `kafka_log_*`, `kafka_controller_*`) so
 * dashboards written for Kafka need few changes.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { errorName } from './protocol/errors.js';
import { childLogger } from './log.js';

const log = childLogger('metrics');

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

export class BrokerMetrics {
  readonly registry: Registry;
  readonly requestsTotal: Counter<'api' | 'version'>;
  readonly requestDuration: Histogram<'api'>;
  readonly requestErrorsTotal: Counter<'api' | 'error'>;
  readonly bytesInTotal: Counter<'topic'>;
  readonly bytesOutTotal: Counter<'topic'>;
  readonly messagesInTotal: Counter<'topic'>;
  readonly connections: Gauge;
  readonly connectionsTotal: Counter;
  readonly partitions: Gauge;
  readonly leaderCount: Gauge;
  readonly underReplicatedPartitions: Gauge;
  readonly offlinePartitions: Gauge;
  readonly isrShrinksTotal: Counter;
  readonly isrExpandsTotal: Counter;
  readonly activeController: Gauge;
  readonly leaderElectionsTotal: Counter<'type'>;
  private activeControllerProvider: (() => boolean) | null = null;
  readonly logSize: Gauge<'topic' | 'partition'>;

  private logSizeProvider: (() => Iterable<LogSizeSample>) | null = null;
  private partitionProvider: (() => PartitionCounts) | null = null;

  setActiveControllerProvider(provider: (() => boolean) | null): void {
    this.activeControllerProvider = provider;
  }

  constructor(opts: { defaultMetrics?: boolean; labels?: Record<string, string> } = {}) {
    this.registry = new Registry();
    if (opts.labels) this.registry.setDefaultLabels(opts.labels);
    if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];

    this.requestsTotal = new Counter({
      name: 'kafka_server_requests_total',
      help: 'Requests handled, by API name and version.',
      labelNames: ['api', 'version'],
      registers,
    });
    this.requestDuration = new Histogram({
      name: 'kafka_server_request_duration_seconds',
      help: 'Time from decoded request to encoded response, by API.',
      labelNames: ['api'],
      // From sub-millisecond metadata calls to long-polling fetches (fetch.max.wait.ms defaults to 500 ms).
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.requestErrorsTotal = new Counter({
      name: 'kafka_server_request_errors_total',
      help: 'Requests answered with a request-level error, by API and Kafka error name.',
      labelNames: ['api', 'error'],
      registers,
    });
    this.bytesInTotal = new Counter({
      name: 'kafka_server_bytes_in_total',
      help: 'Record bytes appended by produce requests, by topic.',
      labelNames: ['topic'],
      registers,
    });
    this.bytesOutTotal = new Counter({
      name: 'kafka_server_bytes_out_total',
      help: 'Record bytes returned by fetch requests, by topic.',
      labelNames: ['topic'],
      registers,
    });
    this.messagesInTotal = new Counter({
      name: 'kafka_server_messages_in_total',
      help: 'Records appended by produce requests, by topic.',
      labelNames: ['topic'],
      registers,
    });
    this.connections = new Gauge({ name: 'kafka_server_connections', help: 'Open client connections.', registers });
    this.connectionsTotal = new Counter({
      name: 'kafka_server_connections_created_total',
      help: 'Client connections accepted since start.',
      registers,
    });

    // Partition gauges are computed on scrape from a provider, so they never drift from the real state.
    const self = this;
    const countsOnScrape = (pick: (c: PartitionCounts) => number) =>
      function (this: Gauge) {
        if (!self.partitionProvider) return;
        try {
          this.set(pick(self.partitionProvider()));
        } catch (err) {
          log.warn({ err }, 'partition metrics provider failed');
        }
      };
    this.partitions = new Gauge({
      name: 'kafka_server_partitions',
      help: 'Partitions hosted by this broker.',
      registers,
      collect() {
        if (self.partitionProvider) return countsOnScrape((c) => c.partitions).call(this);
        // Without a dedicated provider, the hosted partitions are the ones with a log.
        if (!self.logSizeProvider) return;
        try {
          let n = 0;
          for (const _ of self.logSizeProvider()) n++;
          this.set(n);
        } catch (err) {
          log.warn({ err }, 'log size provider failed');
        }
      },
    });
    this.leaderCount = new Gauge({
      name: 'kafka_server_leader_count',
      help: 'Partitions this broker leads.',
      registers,
      collect: countsOnScrape((c) => c.leaders),
    });
    this.underReplicatedPartitions = new Gauge({
      name: 'kafka_server_under_replicated_partitions',
      help: 'Led partitions whose ISR is smaller than the replica set.',
      registers,
      collect: countsOnScrape((c) => c.underReplicated),
    });
    this.offlinePartitions = new Gauge({
      name: 'kafka_controller_offline_partitions_count',
      help: 'Partitions without a live leader (as seen by this broker).',
      registers,
      collect: countsOnScrape((c) => c.offline),
    });
    this.isrShrinksTotal = new Counter({ name: 'kafka_server_isr_shrinks_total', help: 'ISR shrinks of led partitions.', registers });
    this.isrExpandsTotal = new Counter({ name: 'kafka_server_isr_expands_total', help: 'ISR expansions of led partitions.', registers });
    this.activeController = new Gauge({
      name: 'kafka_controller_active_controller_count',
      help: '1 when this broker is the active controller.',
      registers,
      collect() {
        if (self.activeControllerProvider) this.set(self.activeControllerProvider() ? 1 : 0);
      },
    });
    this.leaderElectionsTotal = new Counter({
      name: 'kafka_controller_leader_elections_total',
      help: 'Partition leader elections written by this broker as controller, by strategy.',
      labelNames: ['type'],
      registers,
    });
    this.logSize = new Gauge({
      name: 'kafka_log_size_bytes',
      help: 'Size of a partition log on disk.',
      labelNames: ['topic', 'partition'],
      registers,
      collect() {
        if (!self.logSizeProvider) return;
        // Reset so deleted partitions disappear instead of reporting their last size forever.
        this.reset();
        try {
          for (const s of self.logSizeProvider()) this.set({ topic: s.topic, partition: String(s.partition) }, s.sizeBytes);
        } catch (err) {
          log.warn({ err }, 'log size provider failed');
        }
      },
    });
  }

  recordRequest(api: string, version: number, durationSeconds: number, errorCode = 0): void {
    this.requestsTotal.inc({ api, version: String(version) });
    this.requestDuration.observe({ api }, durationSeconds);
    if (errorCode !== 0) this.requestErrorsTotal.inc({ api, error: errorName(errorCode) });
  }

  recordRequestError(api: string, error: number | string): void {
    this.requestErrorsTotal.inc({ api, error: typeof error === 'number' ? errorName(error) : error });
  }

  recordBytesIn(topic: string, bytes: number): void {
    this.bytesInTotal.inc({ topic }, bytes);
  }

  recordBytesOut(topic: string, bytes: number): void {
    this.bytesOutTotal.inc({ topic }, bytes);
  }

  recordMessagesIn(topic: string, count: number): void {
    this.messagesInTotal.inc({ topic }, count);
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

  async text(): Promise<string> {
    return this.registry.metrics();
  }
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
 * port is returned. An empty host binds all interfaces.
 */
export function startMetricsServer(port: number, host = '', metrics: BrokerMetrics = brokerMetrics()): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/metrics') {
      metrics.registry.metrics().then(
        (body) => {
          res.writeHead(200, { 'content-type': metrics.registry.contentType });
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
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host: host === '' ? undefined : host }, () => {
      server.off('error', reject);
      const bound = (server.address() as AddressInfo).port;
      log.debug({ port: bound, host: host || '*' }, 'metrics endpoint listening');
      resolve({
        port: bound,
        close: () =>
          new Promise<void>((res, rej) => {
            server.close((err) => (err ? rej(err) : res()));
            server.closeAllConnections();
          }),
      });
    });
  });
}
