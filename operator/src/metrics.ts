// Prometheus metrics of the operator, served on `/metrics` (http.ts) from a private prom-client Registry
// (never the library's global one, so tests can run several managers in one process without collisions).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type ReconcileOutcome = 'success' | 'error' | 'requeue';

export class OperatorMetrics {
  readonly registry: Registry;
  readonly reconcileTotal: Counter<'controller' | 'result'>;
  readonly reconcileDuration: Histogram<'controller'>;
  readonly workqueueDepth: Gauge<'controller'>;
  readonly workqueueRetriesTotal: Counter<'controller'>;
  readonly leader: Gauge;
  readonly informerErrorsTotal: Counter<'resource'>;
  /** Queue depth is read at scrape time from these (one per controller). */
  private readonly depthProviders = new Map<string, () => number>();

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    this.registry = new Registry();
    if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    this.reconcileTotal = new Counter({
      name: 'gregor_operator_reconcile_total',
      help: 'Reconciles finished, by controller and result (success, error, requeue = success with a requested requeue).',
      labelNames: ['controller', 'result'],
      registers,
    });
    this.reconcileDuration = new Histogram({
      name: 'gregor_operator_reconcile_duration_seconds',
      help: 'Duration of one reconcile, by controller.',
      labelNames: ['controller'],
      // From a no-op reconcile (a few API reads) to a broker rolling step waiting on the admin API.
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    const providers = this.depthProviders;
    this.workqueueDepth = new Gauge({
      name: 'gregor_operator_workqueue_depth',
      help: 'Keys waiting in the work queue (not counting keys being reconciled or waiting for a retry), by controller.',
      labelNames: ['controller'],
      registers,
      collect() {
        this.reset();
        for (const [controller, depth] of providers) this.set({ controller }, depth());
      },
    });
    this.workqueueRetriesTotal = new Counter({
      name: 'gregor_operator_workqueue_retries_total',
      help: 'Keys requeued with backoff after a failed reconcile, by controller.',
      labelNames: ['controller'],
      registers,
    });
    this.leader = new Gauge({
      name: 'gregor_operator_leader',
      help: '1 while this replica holds the leader Lease (or runs without leader election), else 0.',
      registers,
    });
    this.leader.set(0);
    this.informerErrorsTotal = new Counter({
      name: 'gregor_operator_informer_errors_total',
      help: 'List/watch failures of the informers, by resource (plural name).',
      labelNames: ['resource'],
      registers,
    });
  }

  /** Reports `depth()` as the queue depth of `controller` at each scrape; null removes it. */
  setQueueDepthProvider(controller: string, depth: (() => number) | null): void {
    if (depth) this.depthProviders.set(controller, depth);
    else this.depthProviders.delete(controller);
  }

  /** Prometheus text exposition of every metric. */
  async text(): Promise<string> {
    return this.registry.metrics();
  }
}
