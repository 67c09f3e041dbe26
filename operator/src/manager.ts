// The controller runtime: controller-runtime's Manager in small. For each controller a work queue fed by
// informers (one per watched kind and namespace) and N workers calling the reconciler with keys. With
// leader election, a replica does nothing but campaign until it holds the Lease; informers and workers run
// only while leading, and a replica that loses the Lease stops everything and exits (onLeadershipLost), as
// controller-runtime does: restarting is the simplest way to guarantee two replicas never act at once.
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { ResourceInformer } from './kube/informer.js';
import { LeaderElector } from './kube/lease.js';
import { WorkQueue, type WorkQueueOptions } from './kube/work-queue.js';
import type { ReadinessState } from './http.js';
import type { OperatorMetrics, ReconcileOutcome } from './metrics.js';
import type { ControllerSpec, WatchSpec } from './reconcile/types.js';

export interface LeaderElectionSettings {
  /** Namespace of the Lease ($POD_NAMESPACE in a cluster). */
  namespace: string;
  /** Lease name (--lease-name). */
  name: string;
  /** Holder identity ($POD_NAME in a cluster). */
  identity: string;
  /** Defaults of LeaderElector: 15 s, 2 s, 10 s. */
  leaseDurationSeconds?: number;
  retryPeriodMs?: number;
  renewDeadlineMs?: number;
}

export interface ControllerManagerOptions {
  /** Namespaces to watch; null = all namespaces. */
  namespaces: string[] | null;
  /** Campaign for this Lease before acting; null/undefined = act as soon as started. */
  leaderElection?: LeaderElectionSettings | null;
  log: Logger;
  metrics?: OperatorMetrics;
  /**
   * Called once after the Lease was lost and the controllers were stopped. Default: exit the process with
   * status 1 (a restarted pod campaigns again). Tests inject their own.
   */
  onLeadershipLost?: () => void;
  /** How long stop() lets in-flight reconciles finish. Default 20 s (the pod's grace period is 30 s). */
  shutdownTimeoutMs?: number;
  /** Retry backoff of every controller's queue (WorkQueue defaults: 500 ms doubling up to 5 min). */
  queue?: Pick<WorkQueueOptions, 'baseDelayMs' | 'maxDelayMs'>;
  /** Informer restart backoff for watches that do not set their own (ResourceInformer defaults: 0.5-30 s). */
  informerBackoff?: { minBackoffMs?: number; maxBackoffMs?: number };
}

interface InformerEntry {
  informer: ResourceInformer;
  resource: string;
  namespace: string | undefined;
  synced: boolean;
  /** The pending informer.start() (stop must not interrupt a list: ListWatch would start its watch anyway). */
  starting: Promise<void> | undefined;
  minBackoffMs: number;
  maxBackoffMs: number;
}

interface ControllerRun {
  spec: ControllerSpec;
  queue: WorkQueue;
  informers: InformerEntry[];
  workers: Promise<void>[];
  log: Logger;
}

interface Run {
  controllers: ControllerRun[];
  stopped: boolean;
  abort: AbortController;
}

/**
 * A compact description of a list/watch failure: client-node's ApiException messages carry every response
 * header, which would make each (repeating) informer warning a screenful.
 */
function describeError(err: unknown): { error?: string; code?: number; body?: string } {
  if (err === undefined || err === null) return {};
  const e = err as { message?: unknown; code?: unknown; statusCode?: unknown; body?: unknown };
  const message = typeof e.message === 'string' ? e.message : String(err);
  const code = typeof e.code === 'number' ? e.code : typeof e.statusCode === 'number' ? e.statusCode : undefined;
  const out: { error?: string; code?: number; body?: string } = { error: message.split('\n')[0] };
  if (code !== undefined) out.code = code;
  if (typeof e.body === 'string' && e.body.trim() !== '') out.body = e.body.trim().slice(0, 300);
  return out;
}

function within<T>(p: Promise<T>, ms: number): Promise<boolean> {
  if (ms <= 0) return Promise.resolve(false);
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.then(() => true),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export class ControllerManager implements ReadinessState {
  private readonly log: Logger;
  private readonly elector: LeaderElector | null;
  private readonly shutdownTimeoutMs: number;
  private readonly onLeadershipLost: () => void;
  private started = false;
  private stopping = false;
  private lost = false;
  private leading = false;
  private run: Run | null = null;
  private stopPromise: Promise<void> | null = null;

  constructor(
    private readonly kc: KubeConfig,
    private readonly controllers: readonly ControllerSpec[],
    private readonly opts: ControllerManagerOptions,
  ) {
    const names = new Set<string>();
    for (const c of controllers) {
      if (names.has(c.name)) throw new Error(`duplicate controller name ${c.name}`);
      names.add(c.name);
      if (c.watches.length === 0) throw new Error(`controller ${c.name} watches nothing`);
    }
    this.log = opts.log;
    this.shutdownTimeoutMs = opts.shutdownTimeoutMs ?? 20_000;
    this.onLeadershipLost =
      opts.onLeadershipLost ??
      (() => {
        this.log.fatal('exiting after losing leadership');
        process.exit(1);
      });
    const le = opts.leaderElection;
    this.elector = le
      ? new LeaderElector(kc, {
          namespace: le.namespace,
          name: le.name,
          identity: le.identity,
          leaseDurationSeconds: le.leaseDurationSeconds,
          retryPeriodMs: le.retryPeriodMs,
          renewDeadlineMs: le.renewDeadlineMs,
          log: (msg, err) => this.log.warn({ err }, msg),
        })
      : null;
  }

  // ---- ReadinessState (for /readyz) ----

  get shuttingDown(): boolean {
    return this.stopping || this.lost;
  }

  get leaderElection(): boolean {
    return this.elector !== null;
  }

  /** Holding the Lease (or started without leader election) and not stopped. */
  get isLeader(): boolean {
    return this.leading;
  }

  /** Every informer of every controller has listed and is watching (false while not leading). */
  get ready(): boolean {
    const run = this.run;
    return run !== null && !run.stopped && run.controllers.every((c) => c.informers.every((i) => i.synced));
  }

  /** Current queue length per controller (observability and tests). */
  queueDepths(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const c of this.run?.controllers ?? []) out[c.spec.name] = c.queue.length;
    return out;
  }

  /** Starts campaigning (with leader election) or the controllers (without). Idempotent. */
  start(): void {
    if (this.started || this.stopping) return;
    this.started = true;
    if (this.elector) {
      const le = this.opts.leaderElection!;
      this.log.info({ lease: `${le.namespace}/${le.name}`, identity: le.identity }, 'campaigning for leadership');
      this.elector.start(
        () => this.startedLeading(),
        () => this.stoppedLeading(),
      );
    } else {
      this.log.info('leader election disabled: starting controllers');
      this.startedLeading();
    }
  }

  /**
   * Graceful stop (SIGTERM): no new reconciles, in-flight ones may finish (bounded by shutdownTimeoutMs),
   * informers stop, then the Lease is released so a standby takes over at once. Idempotent.
   */
  stop(): Promise<void> {
    this.stopPromise ??= this.doStop();
    return this.stopPromise;
  }

  private async doStop(): Promise<void> {
    this.stopping = true;
    this.log.info('stopping controllers');
    const run = this.run;
    if (run) await this.stopRun(run, this.shutdownTimeoutMs);
    // Only after the workers: releasing first would let another replica act while ours still reconcile.
    if (this.elector) await this.elector.stop();
    this.leading = false;
    this.opts.metrics?.leader.set(0);
    this.log.info('controllers stopped');
  }

  private startedLeading(): void {
    if (this.stopping || this.lost || this.run) return;
    this.leading = true;
    this.opts.metrics?.leader.set(1);
    if (this.elector) this.log.info({ identity: this.elector.identity }, 'became leader: starting controllers');
    this.run = this.startRun();
  }

  private stoppedLeading(): void {
    // Our own stop() releases the Lease and gets this callback too.
    if (this.stopping || this.lost) return;
    this.lost = true;
    this.leading = false;
    this.opts.metrics?.leader.set(0);
    this.log.error('leadership lost: stopping all controllers');
    // Stop campaigning: this replica must not act again without a restart. Not leading any more, so this
    // releases nothing. Called from inside the elector's loop: not awaited here.
    const electorStopped = this.elector?.stop() ?? Promise.resolve();
    const run = this.run;
    void (async () => {
      // In-flight reconciles are not waited for: another replica may already be acting.
      if (run) await this.stopRun(run, 0);
      await within(electorStopped, 2000);
      this.onLeadershipLost();
    })();
  }

  private startRun(): Run {
    const run: Run = { controllers: [], stopped: false, abort: new AbortController() };
    const namespaces: (string | undefined)[] = this.opts.namespaces ?? [undefined];
    for (const spec of this.controllers) {
      const log = this.log.child({ controller: spec.name });
      const queue = new WorkQueue(this.opts.queue);
      const informers: InformerEntry[] = [];
      for (const watch of spec.watches) {
        for (const namespace of watch.clusterScoped ? [undefined] : namespaces) {
          informers.push(this.makeInformer(queue, watch, namespace, log));
        }
      }
      const c: ControllerRun = { spec, queue, informers, workers: [], log };
      run.controllers.push(c);
      this.opts.metrics?.setQueueDepthProvider(spec.name, () => queue.length);
      // Workers start at once: reconcilers read the world themselves, so they need no synced cache, and a
      // watch that cannot sync (e.g. missing RBAC for an owned kind) must not stall the primary resource.
      for (let i = 0; i < Math.max(1, spec.workers ?? 1); i++) c.workers.push(this.worker(run, c));
      for (const e of informers) void this.syncInformer(run, e, log);
      log.info(
        {
          workers: c.workers.length,
          watches: informers.map((e) => (e.namespace ? `${e.resource} in ${e.namespace}` : `${e.resource} (all namespaces)`)),
        },
        'controller started',
      );
    }
    return run;
  }

  private makeInformer(queue: WorkQueue, watch: WatchSpec, namespace: string | undefined, log: Logger): InformerEntry {
    const { clusterScoped: _cs, ...spec } = watch;
    const minBackoffMs = spec.minBackoffMs ?? this.opts.informerBackoff?.minBackoffMs ?? 500;
    const maxBackoffMs = spec.maxBackoffMs ?? this.opts.informerBackoff?.maxBackoffMs ?? 30_000;
    const resource = spec.plural;
    const informer = new ResourceInformer(this.kc, queue, {
      ...spec,
      namespace,
      minBackoffMs,
      maxBackoffMs,
      log: (msg, err) => {
        this.opts.metrics?.informerErrorsTotal.inc({ resource });
        log.warn({ ...describeError(err), resource, namespace }, msg);
      },
    });
    return { informer, resource, namespace, synced: false, starting: undefined, minBackoffMs, maxBackoffMs };
  }

  /**
   * Starts an informer and marks it synced once its initial list succeeded. ResourceInformer.start()
   * resolves even when the list failed (it then schedules its own restart), so a failed first start is
   * detected by its error count and retried here instead, which tells us when the cache is complete.
   */
  private async syncInformer(run: Run, e: InformerEntry, log: Logger): Promise<void> {
    let delay = e.minBackoffMs;
    while (!run.stopped) {
      const before = e.informer.errors;
      e.starting = e.informer.start();
      await e.starting;
      e.starting = undefined;
      if (run.stopped) return;
      if (e.informer.errors === before) {
        e.synced = true;
        log.debug({ resource: e.resource, namespace: e.namespace }, 'informer synced');
        return;
      }
      await e.informer.stop(); // cancels its own restart: this loop retries
      try {
        await sleep(delay, undefined, { signal: run.abort.signal });
      } catch {
        return; // aborted: stopping
      }
      delay = Math.min(e.maxBackoffMs, delay * 2);
    }
  }

  private async worker(run: Run, c: ControllerRun): Promise<void> {
    for (;;) {
      const key = await c.queue.get();
      if (key === null) return;
      await this.reconcileOne(run, c, key);
    }
  }

  private async reconcileOne(run: Run, c: ControllerRun, key: string): Promise<void> {
    const controller = c.spec.name;
    const metrics = this.opts.metrics;
    const endTimer = metrics?.reconcileDuration.startTimer({ controller });
    const startedAt = Date.now();
    let outcome: ReconcileOutcome = 'success';
    try {
      const result = await c.spec.reconciler.reconcile(key);
      c.queue.forget(key);
      const after = result?.requeueAfterMs;
      if (after !== undefined && Number.isFinite(after) && after > 0) {
        outcome = 'requeue';
        c.queue.addAfter(key, after);
      }
      c.log.debug({ key, ms: Date.now() - startedAt, requeueAfterMs: after }, 'reconciled');
    } catch (err) {
      outcome = 'error';
      if (run.stopped) {
        c.log.warn({ err, key }, 'reconcile failed while stopping');
      } else {
        const retryInMs = c.queue.addRateLimited(key);
        metrics?.workqueueRetriesTotal.inc({ controller });
        c.log.warn({ err, key, retryInMs, failures: c.queue.failureCount(key) }, 'reconcile failed; retrying');
      }
    } finally {
      c.queue.done(key);
      endTimer?.();
      metrics?.reconcileTotal.inc({ controller, result: outcome });
    }
  }

  /** Shuts the queues, waits up to `workerBoundMs` for in-flight reconciles, stops the informers. */
  private async stopRun(run: Run, workerBoundMs: number): Promise<void> {
    if (run.stopped) return;
    run.stopped = true;
    run.abort.abort();
    for (const c of run.controllers) {
      c.queue.shutdown();
      this.opts.metrics?.setQueueDepthProvider(c.spec.name, null);
    }
    const informersStopped = Promise.all(
      run.controllers.flatMap((c) =>
        c.informers.map(async (e) => {
          // Let a pending list finish first: ListWatch starts its watch after the list even when stopped meanwhile.
          if (e.starting) await within(e.starting.catch(() => {}), 5000);
          await e.informer.stop();
        }),
      ),
    );
    const workers = run.controllers.flatMap((c) => c.workers);
    if (workerBoundMs > 0 && !(await within(Promise.all(workers), workerBoundMs))) {
      this.log.warn({ timeoutMs: workerBoundMs }, 'reconciles still running at the shutdown deadline; stopping anyway');
    }
    if (!(await within(informersStopped, 5000))) this.log.warn('informers did not stop within 5 s');
  }
}
