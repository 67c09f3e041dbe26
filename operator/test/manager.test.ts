// The controller runtime (operator/src/manager.ts) against a real kube-apiserver: ConfigMap watches feed a
// recording reconciler (a real Reconciler, not a stand-in for a peer); leader election uses real Leases.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiextensionsV1Api,
  CoordinationV1Api,
  CoreV1Api,
  V1MicroTime,
  type V1CustomResourceDefinition,
  loadYaml,
} from '@kubernetes/client-node';
import { startKube, type KubeEnv } from '../../test/helpers/kube.js';
import { REPO_ROOT } from '../../test/helpers/paths.js';
import { waitFor } from '../../test/helpers/util.js';
import { readinessOf } from '../src/http.js';
import { childLogger } from '../src/log.js';
import { ControllerManager, type ControllerManagerOptions } from '../src/manager.js';
import { OperatorMetrics } from '../src/metrics.js';
import type { ReconcileResult, Reconciler, WatchSpec } from '../src/reconcile/types.js';

const NS = 'manager-test';
const NS2 = 'manager-test-2';

interface Call {
  key: string;
  at: number;
  n: number;
}

/** Records every reconcile; `behave` decides what the n-th call (0-based, per key) does. */
class RecordingReconciler implements Reconciler {
  readonly calls: Call[] = [];
  constructor(private readonly behave: (key: string, n: number) => Promise<ReconcileResult | void> | ReconcileResult | void = () => {}) {}

  async reconcile(key: string): Promise<ReconcileResult | void> {
    const n = this.count(key);
    this.calls.push({ key, at: Date.now(), n });
    return this.behave(key, n);
  }

  count(key: string): number {
    return this.calls.filter((c) => c.key === key).length;
  }

  times(key: string): number[] {
    return this.calls.filter((c) => c.key === key).map((c) => c.at);
  }
}

function configMapWatch(label: string): WatchSpec {
  return { apiVersion: 'v1', kind: 'ConfigMap', plural: 'configmaps', labelSelector: `manager-test=${label}` };
}

function counterValue(text: string, line: string): number {
  const m = text.split('\n').find((l) => l.startsWith(`${line} `));
  return m ? Number(m.slice(line.length + 1)) : 0;
}

describe('ControllerManager against a real control plane', () => {
  let kube: KubeEnv;
  let core: CoreV1Api;
  let leases: CoordinationV1Api;
  const managers: ControllerManager[] = [];
  let labelSeq = 0;

  beforeAll(async () => {
    // No controller-manager: ConfigMaps and Leases need none, and the start is faster.
    kube = await startKube({ name: 'manager', controllerManager: false });
    core = kube.kubeConfig.makeApiClient(CoreV1Api);
    leases = kube.kubeConfig.makeApiClient(CoordinationV1Api);
    await core.createNamespace({ body: { metadata: { name: NS } } });
    await core.createNamespace({ body: { metadata: { name: NS2 } } });
  }, 180_000);

  afterAll(async () => {
    await kube?.stop();
  });

  afterEach(async () => {
    await Promise.all(managers.splice(0).map((m) => m.stop()));
  });

  function newManager(
    reconciler: Reconciler,
    label: string,
    opts: Partial<ControllerManagerOptions> & { lease?: string; identity?: string; watches?: WatchSpec[] } = {},
  ): ControllerManager {
    const { lease, identity, watches, ...rest } = opts;
    const m = new ControllerManager(
      kube.kubeConfig,
      [{ name: 'configmap', reconciler, watches: watches ?? [configMapWatch(label)], workers: 2 }],
      {
        namespaces: [NS],
        leaderElection: lease
          ? {
              namespace: NS,
              name: lease,
              identity: identity ?? `id-${label}`,
              // Long enough that a fast takeover proves the Lease was released, not that it expired.
              leaseDurationSeconds: 15,
              retryPeriodMs: 300,
              renewDeadlineMs: 5000,
            }
          : null,
        log: childLogger('manager-test', { label }),
        queue: { baseDelayMs: 100, maxDelayMs: 5000 },
        informerBackoff: { minBackoffMs: 200, maxBackoffMs: 1000 },
        onLeadershipLost: () => {
          throw new Error('unexpected leadership loss');
        },
        ...rest,
      },
    );
    managers.push(m);
    return m;
  }

  function label(): string {
    return `l${++labelSeq}`;
  }

  async function createCm(name: string, lbl: string, namespace = NS, data: Record<string, string> = { v: '0' }): Promise<void> {
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name, namespace, labels: { 'manager-test': lbl } }, data } });
  }

  async function updateCm(name: string, data: Record<string, string>, namespace = NS): Promise<void> {
    const cm = await core.readNamespacedConfigMap({ name, namespace });
    await core.replaceNamespacedConfigMap({ name, namespace, body: { ...cm, data } });
  }

  async function holder(lease: string): Promise<string | undefined> {
    return (await leases.readNamespacedLease({ name: lease, namespace: NS })).spec?.holderIdentity;
  }

  it('turns add, update and delete events into deduplicated keys', async () => {
    const l = label();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const rec = new RecordingReconciler(async (key, n) => {
      if (key === `${NS}/a` && n === 0) await gate;
    });
    await createCm('a', l); // exists before start: comes from the initial list
    const metrics = new OperatorMetrics({ defaultMetrics: false });
    const m = newManager(rec, l, { metrics });
    expect(readinessOf(m).ready).toBe(false); // not started
    m.start();
    expect(m.isLeader).toBe(true); // no leader election: acts at once
    await waitFor(() => rec.count(`${NS}/a`) === 1, { timeoutMs: 10_000, what: 'initial reconcile of a' });
    await waitFor(() => m.ready, { timeoutMs: 10_000, what: 'informers synced' });
    expect(readinessOf(m)).toMatchObject({ ready: true });

    // Five updates while the first reconcile of "a" is still running, plus a new object "b".
    for (let i = 1; i <= 5; i++) await updateCm('a', { v: String(i) });
    await createCm('b', l);
    await waitFor(() => rec.count(`${NS}/b`) === 1, { timeoutMs: 10_000, what: 'b reconciled while a is busy' });
    await sleep(500); // let the watch deliver everything
    expect(rec.count(`${NS}/a`)).toBe(1); // never concurrently
    release();
    // All five updates collapse into one more reconcile.
    await waitFor(() => rec.count(`${NS}/a`) === 2, { timeoutMs: 10_000, what: 'second reconcile of a' });
    await sleep(700);
    expect(rec.count(`${NS}/a`)).toBe(2);

    await core.deleteNamespacedConfigMap({ name: 'a', namespace: NS });
    await waitFor(() => rec.count(`${NS}/a`) === 3, { timeoutMs: 10_000, what: 'reconcile after delete' });
    expect(rec.count(`${NS}/b`)).toBe(1);
    expect(new Set(rec.calls.map((c) => c.key))).toEqual(new Set([`${NS}/a`, `${NS}/b`]));

    const text = await metrics.text();
    expect(counterValue(text, 'gregor_operator_reconcile_total{controller="configmap",result="success"}')).toBe(4);
    expect(text).toMatch(/^gregor_operator_leader 1$/m);
    expect(text).toContain('gregor_operator_workqueue_depth{controller="configmap"} 0');
  }, 40_000);

  it('watches only the listed namespaces, or all of them', async () => {
    const l = label();
    const inFirst = new RecordingReconciler();
    const inAll = new RecordingReconciler();
    newManager(inFirst, l, { namespaces: [NS] }).start();
    newManager(inAll, l, { namespaces: null }).start();
    await createCm('n1', l, NS);
    await createCm('n2', l, NS2);
    await waitFor(() => inAll.count(`${NS}/n1`) === 1 && inAll.count(`${NS2}/n2`) === 1, { timeoutMs: 10_000, what: 'both keys' });
    await waitFor(() => inFirst.count(`${NS}/n1`) === 1, { timeoutMs: 10_000, what: 'n1' });
    await sleep(300);
    expect(inFirst.count(`${NS2}/n2`)).toBe(0);
  }, 30_000);

  it('retries a failing reconcile with exponential backoff, then forgets the failures', async () => {
    const l = label();
    const rec = new RecordingReconciler((_key, n) => {
      if (n < 3) throw new Error(`failure ${n}`);
    });
    const metrics = new OperatorMetrics({ defaultMetrics: false });
    newManager(rec, l, { metrics }).start();
    await createCm('flaky', l);
    const key = `${NS}/flaky`;
    await waitFor(() => rec.count(key) === 4, { timeoutMs: 10_000, what: 'four attempts' });
    const t = rec.times(key);
    const gaps = [t[1]! - t[0]!, t[2]! - t[1]!, t[3]! - t[2]!];
    // baseDelayMs 100: 100, 200, 400 ms (timers fire late, never early).
    expect(gaps[0]).toBeGreaterThanOrEqual(95);
    expect(gaps[1]).toBeGreaterThanOrEqual(195);
    expect(gaps[2]).toBeGreaterThanOrEqual(395);
    expect(gaps[2]!).toBeGreaterThan(gaps[0]!);
    await sleep(800);
    expect(rec.count(key)).toBe(4); // success: no more retries

    const text = await metrics.text();
    expect(counterValue(text, 'gregor_operator_reconcile_total{controller="configmap",result="error"}')).toBe(3);
    expect(counterValue(text, 'gregor_operator_reconcile_total{controller="configmap",result="success"}')).toBe(1);
    expect(counterValue(text, 'gregor_operator_workqueue_retries_total{controller="configmap"}')).toBe(3);
    expect(counterValue(text, 'gregor_operator_reconcile_duration_seconds_count{controller="configmap"}')).toBe(4);
  }, 30_000);

  it('reconciles again after requeueAfterMs without any change', async () => {
    const l = label();
    const rec = new RecordingReconciler((_key, n) => (n < 3 ? { requeueAfterMs: 300 } : undefined));
    const metrics = new OperatorMetrics({ defaultMetrics: false });
    newManager(rec, l, { metrics }).start();
    await createCm('poll', l);
    const key = `${NS}/poll`;
    await waitFor(() => rec.count(key) === 4, { timeoutMs: 10_000, what: 'four reconciles' });
    const t = rec.times(key);
    for (let i = 1; i < 4; i++) expect(t[i]! - t[i - 1]!).toBeGreaterThanOrEqual(295);
    await sleep(700);
    expect(rec.count(key)).toBe(4);
    const text = await metrics.text();
    expect(counterValue(text, 'gregor_operator_reconcile_total{controller="configmap",result="requeue"}')).toBe(3);
    expect(counterValue(text, 'gregor_operator_workqueue_retries_total{controller="configmap"}')).toBe(0);
  }, 30_000);

  it('runs only the leader; a standby takes over within seconds when the leader stops', async () => {
    const l = label();
    const lease = `lease-${l}`;
    const rec1 = new RecordingReconciler();
    const rec2 = new RecordingReconciler();
    const m1 = newManager(rec1, l, { lease, identity: 'one' });
    const m2 = newManager(rec2, l, { lease, identity: 'two' });
    await createCm('x', l);
    m1.start();
    await waitFor(() => m1.isLeader, { timeoutMs: 10_000, what: 'm1 leading' });
    m2.start();
    await waitFor(() => rec1.count(`${NS}/x`) === 1, { timeoutMs: 10_000, what: 'leader reconciles x' });
    await waitFor(() => m1.ready, { timeoutMs: 10_000, what: 'leader synced' });
    await createCm('y', l);
    await waitFor(() => rec1.count(`${NS}/y`) === 1, { timeoutMs: 10_000, what: 'leader reconciles y' });
    await sleep(1000); // the standby has retried the Lease a few times meanwhile
    expect(m2.isLeader).toBe(false);
    expect(m2.ready).toBe(false);
    expect(rec2.calls).toEqual([]);
    expect(await holder(lease)).toBe('one');
    // /readyz: both replicas ready, the standby as standby.
    expect(readinessOf(m1)).toMatchObject({ ready: true });
    expect(readinessOf(m2).ready).toBe(true);
    expect(readinessOf(m2).reason).toMatch(/standby/);

    const t0 = Date.now();
    await m1.stop(); // releases the Lease
    expect(readinessOf(m1)).toMatchObject({ ready: false, reason: 'shutting down' });
    await waitFor(() => m2.isLeader, { timeoutMs: 5000, intervalMs: 50, what: 'takeover' });
    expect(Date.now() - t0).toBeLessThan(3000); // far below the 15 s lease duration: it was released
    expect(await holder(lease)).toBe('two');
    // The new leader lists and reconciles everything; the old one reconciles nothing more.
    await waitFor(() => rec2.count(`${NS}/x`) === 1 && rec2.count(`${NS}/y`) === 1, { timeoutMs: 10_000, what: 'new leader resync' });
    const before = rec1.calls.length;
    await updateCm('x', { v: 'after-failover' });
    await waitFor(() => rec2.count(`${NS}/x`) === 2, { timeoutMs: 10_000, what: 'new leader sees the update' });
    await sleep(300);
    expect(rec1.calls.length).toBe(before);
  }, 40_000);

  it('stops everything and calls onLeadershipLost when another holder takes the Lease', async () => {
    const l = label();
    const lease = `lease-${l}`;
    const rec = new RecordingReconciler();
    let lostAt = 0;
    const m = newManager(rec, l, { lease, identity: 'victim', onLeadershipLost: () => (lostAt = Date.now()) });
    m.start();
    await createCm('z', l);
    await waitFor(() => rec.count(`${NS}/z`) === 1, { timeoutMs: 10_000, what: 'leader reconciles z' });

    // Someone else takes the Lease over (e.g. after this replica was partitioned past the renew deadline).
    const current = await leases.readNamespacedLease({ name: lease, namespace: NS });
    await leases.replaceNamespacedLease({
      name: lease,
      namespace: NS,
      body: { ...current, spec: { ...current.spec, holderIdentity: 'intruder', renewTime: new V1MicroTime(), leaseDurationSeconds: 60 } },
    });
    await waitFor(() => lostAt > 0, { timeoutMs: 5000, intervalMs: 50, what: 'onLeadershipLost' });
    expect(m.isLeader).toBe(false);
    expect(m.shuttingDown).toBe(true);
    expect(readinessOf(m).ready).toBe(false);

    await updateCm('z', { v: 'after-loss' });
    await sleep(800);
    expect(rec.count(`${NS}/z`)).toBe(1);
    // It stopped campaigning too: a free Lease stays free.
    const taken = await leases.readNamespacedLease({ name: lease, namespace: NS });
    const { holderIdentity: _h, ...spec } = taken.spec!;
    await leases.replaceNamespacedLease({ name: lease, namespace: NS, body: { ...taken, spec } });
    await sleep(1000);
    expect(await holder(lease)).toBeUndefined();
    expect(rec.count(`${NS}/z`)).toBe(1);
  }, 30_000);

  it('lets an in-flight reconcile finish on stop, bounded by the shutdown timeout, then reconciles nothing', async () => {
    const l = label();
    let finished = 0;
    const rec = new RecordingReconciler(async (key) => {
      if (key === `${NS}/slow`) {
        await sleep(700);
        finished++;
      }
      if (key === `${NS}/stuck`) await new Promise(() => {});
    });
    const m = newManager(rec, l);
    m.start();
    await createCm('slow', l);
    await waitFor(() => rec.count(`${NS}/slow`) === 1, { timeoutMs: 10_000, intervalMs: 20, what: 'slow reconcile started' });
    await m.stop();
    expect(finished).toBe(1);
    await createCm('late', l);
    await updateCm('slow', { v: 'late' });
    await sleep(800);
    expect(rec.count(`${NS}/late`)).toBe(0);
    expect(rec.count(`${NS}/slow`)).toBe(1);

    const l2 = label();
    const rec2 = new RecordingReconciler(async () => {
      await new Promise(() => {});
    });
    const m2 = newManager(rec2, l2, { shutdownTimeoutMs: 300 });
    m2.start();
    await createCm('stuck', l2);
    await waitFor(() => rec2.count(`${NS}/stuck`) === 1, { timeoutMs: 10_000, what: 'stuck reconcile started' });
    const t0 = Date.now();
    await m2.stop();
    expect(Date.now() - t0).toBeLessThan(3000);
  }, 30_000);

  it('is ready only once an informer could list (a CRD installed later)', async () => {
    const l = label();
    const rec = new RecordingReconciler();
    const metrics = new OperatorMetrics({ defaultMetrics: false });
    const m = newManager(rec, l, {
      metrics,
      watches: [
        configMapWatch(l),
        { apiVersion: 'kafka.gregor.dev/v1alpha1', kind: 'KafkaTopic', plural: 'kafkatopics', minBackoffMs: 200, maxBackoffMs: 500 },
      ],
    });
    m.start();
    await createCm('c', l);
    // The ConfigMap side works even though the KafkaTopic watch cannot list yet.
    await waitFor(() => rec.count(`${NS}/c`) === 1, { timeoutMs: 10_000, what: 'configmap reconciled' });
    expect(m.ready).toBe(false);
    expect(readinessOf(m)).toMatchObject({ ready: false });
    expect(counterValue(await metrics.text(), 'gregor_operator_informer_errors_total{resource="kafkatopics"}')).toBeGreaterThan(0);

    const ext = kube.kubeConfig.makeApiClient(ApiextensionsV1Api);
    const crd = loadYaml<V1CustomResourceDefinition>(readFileSync(join(REPO_ROOT, 'crds/kafkatopic.yaml'), 'utf8'));
    await ext.createCustomResourceDefinition({ body: crd });
    await waitFor(() => m.ready, { timeoutMs: 20_000, what: 'synced after the CRD appeared' });
    expect(readinessOf(m)).toMatchObject({ ready: true });
  }, 40_000);
});
