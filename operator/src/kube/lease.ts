// Lease-based leader election (the I/O half; the decisions are in lease-decision.ts). Every write is a
// replace carrying the resourceVersion we read, so two candidates racing for the same expired lease cannot
// both win: the loser gets a 409 and just tries again next period.
import { hostname } from 'node:os';
import { CoordinationV1Api, V1MicroTime, type KubeConfig, type V1Lease } from '@kubernetes/client-node';
import { httpStatusOf } from './apply.js';
import { decideLease, leadershipLost, type LeaseView } from './lease-decision.js';

export interface LeaderElectorOptions {
  namespace: string;
  /** Lease name, e.g. "gregor-operator". */
  name: string;
  /** Unique per replica; default hostname + pid. */
  identity?: string;
  /** How long others wait after the last renewal before taking over. Default 15 s. */
  leaseDurationSeconds?: number;
  /** How often the leader renews and candidates retry. Default 2 s. */
  retryPeriodMs?: number;
  /** A leader that could not renew for this long stops leading. Default 10 s (< lease duration). */
  renewDeadlineMs?: number;
  log?: (msg: string, err?: unknown) => void;
  now?: () => number;
}

function toView(lease: V1Lease): LeaseView {
  const spec = lease.spec ?? {};
  return {
    holderIdentity: spec.holderIdentity ?? null,
    renewTimeMs: spec.renewTime ? new Date(spec.renewTime).getTime() : null,
    leaseDurationSeconds: spec.leaseDurationSeconds ?? 0,
    leaseTransitions: spec.leaseTransitions ?? 0,
  };
}

export class LeaderElector {
  readonly identity: string;
  private readonly api: CoordinationV1Api;
  private readonly leaseDurationSeconds: number;
  private readonly retryPeriodMs: number;
  private readonly renewDeadlineMs: number;
  private readonly log: (msg: string, err?: unknown) => void;
  private readonly now: () => number;
  private running = false;
  private leading = false;
  private lastRenewMs = 0;
  private timer: NodeJS.Timeout | undefined;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private onStopped: (() => void) | undefined;

  constructor(
    kc: KubeConfig,
    private readonly opts: LeaderElectorOptions,
  ) {
    this.api = kc.makeApiClient(CoordinationV1Api);
    this.identity = opts.identity ?? `${hostname()}_${process.pid}`;
    this.leaseDurationSeconds = opts.leaseDurationSeconds ?? 15;
    this.retryPeriodMs = opts.retryPeriodMs ?? 2000;
    this.renewDeadlineMs = opts.renewDeadlineMs ?? 10_000;
    this.log = opts.log ?? ((msg, err) => console.warn(msg, err ?? ''));
    this.now = opts.now ?? Date.now;
  }

  get isLeader(): boolean {
    return this.leading;
  }

  /** Starts campaigning; the callbacks fire on each transition (leadership can be lost and regained). */
  start(onStartedLeading: () => void, onStoppedLeading: () => void): void {
    if (this.running) return;
    this.running = true;
    this.onStopped = onStoppedLeading;
    this.loop = this.run(onStartedLeading, onStoppedLeading);
  }

  /** Stops campaigning and, if leading, releases the lease so another replica takes over at once. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearTimeout(this.timer);
    this.wake?.();
    await this.loop;
    if (this.leading) {
      try {
        await this.release();
      } catch (e) {
        // Not fatal: the lease then simply expires after leaseDurationSeconds.
        this.log(`releasing lease ${this.opts.namespace}/${this.opts.name} failed`, e);
      }
      this.leading = false;
      this.onStopped?.();
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(resolve, ms);
    });
  }

  private async run(onStarted: () => void, onStopped: () => void): Promise<void> {
    while (this.running) {
      let delay = this.retryPeriodMs;
      try {
        const r = await this.tryAcquireOrRenew();
        if (r.held) {
          this.lastRenewMs = this.now();
          if (!this.leading && this.running) {
            this.leading = true;
            onStarted();
          }
        } else {
          delay = r.retryInMs ?? delay;
          // Someone else holds the lease (we saw it): we are certainly not the leader any more.
          if (this.leading) this.loseLeadership(onStopped);
        }
      } catch (e) {
        if (httpStatusOf(e) !== 409) this.log(`lease ${this.opts.namespace}/${this.opts.name} update failed`, e);
        // A failed renewal is tolerated until the renew deadline; past it another replica may have
        // taken over, so we must stop acting.
        if (this.leading && leadershipLost(this.lastRenewMs, this.now(), this.renewDeadlineMs)) this.loseLeadership(onStopped);
      }
      if (this.running) await this.sleep(delay);
    }
  }

  private loseLeadership(onStopped: () => void): void {
    this.leading = false;
    onStopped();
  }

  private async read(): Promise<V1Lease | null> {
    try {
      return await this.api.readNamespacedLease({ namespace: this.opts.namespace, name: this.opts.name });
    } catch (e) {
      if (httpStatusOf(e) === 404) return null;
      throw e;
    }
  }

  private async tryAcquireOrRenew(): Promise<{ held: boolean; retryInMs?: number }> {
    const lease = await this.read();
    const nowMs = this.now();
    const action = decideLease(lease ? toView(lease) : null, this.identity, nowMs, this.retryPeriodMs);
    const now = new V1MicroTime(nowMs);
    const { namespace, name } = this.opts;
    switch (action.kind) {
      case 'create':
        // A concurrent create by another candidate makes this a 409 (handled by the caller as "not yet").
        await this.api.createNamespacedLease({
          namespace,
          body: {
            metadata: { name, namespace },
            spec: {
              holderIdentity: this.identity,
              leaseDurationSeconds: this.leaseDurationSeconds,
              acquireTime: now,
              renewTime: now,
              leaseTransitions: 0,
            },
          },
        });
        return { held: true };
      case 'renew':
      case 'acquire': {
        const spec = { ...lease!.spec };
        spec.renewTime = now;
        spec.leaseDurationSeconds = this.leaseDurationSeconds;
        if (action.kind === 'acquire') {
          spec.holderIdentity = this.identity;
          spec.acquireTime = now;
          spec.leaseTransitions = action.transitions;
        }
        // lease!.metadata carries the resourceVersion we read: the replace is conditional on it.
        await this.api.replaceNamespacedLease({ namespace, name, body: { ...lease!, spec } });
        return { held: true };
      }
      case 'wait':
        return { held: false, retryInMs: action.retryInMs };
    }
  }

  private async release(): Promise<void> {
    const lease = await this.read();
    if (!lease || lease.spec?.holderIdentity !== this.identity) return;
    // Clearing the holder (rather than deleting) keeps leaseTransitions history; decideLease treats an empty
    // holder as free, so the next candidate acquires on its next retry instead of waiting for expiry.
    const { holderIdentity: _h, ...spec } = lease.spec;
    await this.api.replaceNamespacedLease({
      namespace: this.opts.namespace,
      name: this.opts.name,
      body: { ...lease, spec: { ...spec, leaseDurationSeconds: 1, renewTime: new V1MicroTime(this.now()) } },
    });
  }
}
