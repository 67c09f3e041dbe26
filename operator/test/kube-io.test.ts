// The operator's API-server I/O (operator/src/kube/{apply,informer,events,lease}.ts) against the real test
// control plane: server-side apply and its field ownership, status subresource patches on the CRD,
// informers turning changes (and owned objects' changes) into queue keys, Events, and Lease leader election.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  type KubernetesObject,
  type V1ConfigMap,
  type V1CustomResourceDefinition,
  loadYaml,
} from '@kubernetes/client-node';
import { startKube, type KubeEnv } from '../../test/helpers/kube.js';
import { waitFor } from '../../test/helpers/util.js';
import { REPO_ROOT } from '../../test/helpers/paths.js';
import { API_VERSION, GROUP, KAFKA_CLUSTER_KIND, KAFKA_CLUSTER_PLURAL, VERSION } from '../src/api/index.js';
import { minimalKafkaCluster } from '../src/api/samples.js';
import { deleteIfExists, patchStatus, serverSideApply } from '../src/kube/apply.js';
import { recordEvent } from '../src/kube/events.js';
import { ResourceInformer } from '../src/kube/informer.js';
import { LeaderElector } from '../src/kube/lease.js';
import { WorkQueue } from '../src/kube/work-queue.js';

const NS = 'kube-io-test';

function cluster(name: string): KubernetesObject {
  return { ...minimalKafkaCluster, metadata: { name, namespace: NS } } as KubernetesObject;
}

/** Drains keys from the queue (marking them done) until `want` has been seen or time runs out. */
async function expectKey(queue: WorkQueue, want: string, timeoutMs = 15_000): Promise<void> {
  // Polls the length instead of racing queue.get() against a timer: an abandoned get() would stay
  // registered as a waiter and swallow a later key.
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    while (queue.length > 0) {
      const key = await queue.get();
      if (key === null) throw new Error('queue shut down');
      queue.done(key);
      if (key === want) return;
    }
    await sleep(50);
  }
  throw new Error(`key ${want} not enqueued`);
}

describe('kube I/O against a real control plane', () => {
  let kube: KubeEnv;
  let core: CoreV1Api;

  beforeAll(async () => {
    kube = await startKube({ name: 'kube-io' });
    core = kube.kubeConfig.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: NS } } });
    const ext = kube.kubeConfig.makeApiClient(ApiextensionsV1Api);
    const crd = loadYaml<V1CustomResourceDefinition>(readFileSync(join(REPO_ROOT, 'crds/kafkacluster.yaml'), 'utf8'));
    await ext.createCustomResourceDefinition({ body: crd });
    await waitFor(
      async () => {
        const got = await ext.readCustomResourceDefinition({ name: crd.metadata!.name! });
        return got.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
      },
      { timeoutMs: 30_000, what: 'KafkaCluster CRD Established' },
    );
    // Discovery of a just-established CRD can lag a moment behind the condition.
    await waitFor(
      () =>
        kube.kubeConfig
          .makeApiClient(CustomObjectsApi)
          .listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: NS, plural: KAFKA_CLUSTER_PLURAL })
          .then(() => true),
      { timeoutMs: 15_000, what: 'kafkaclusters served' },
    );
  }, 180_000);

  afterAll(async () => {
    await kube?.stop();
  }, 60_000);

  it('server-side applies a ConfigMap (create, then update) as gregor-operator; deleteIfExists is idempotent', async () => {
    const cm = (data: Record<string, string>): V1ConfigMap & KubernetesObject => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'ssa', namespace: NS },
      data,
    });
    const created = await serverSideApply(kube.kubeConfig, cm({ a: '1', b: '2' }));
    expect(created.metadata?.uid).toBeTruthy();
    const updated = (await serverSideApply(kube.kubeConfig, cm({ a: '10', b: '2' }))) as V1ConfigMap;
    expect(updated.metadata?.uid).toBe(created.metadata?.uid);

    const read = await core.readNamespacedConfigMap({ namespace: NS, name: 'ssa' });
    expect(read.data).toEqual({ a: '10', b: '2' });
    const mf = read.metadata?.managedFields ?? [];
    expect(mf.some((f) => f.manager === 'gregor-operator' && f.operation === 'Apply')).toBe(true);

    // Re-applying what we read back (with managedFields and resourceVersion) works too.
    await serverSideApply(kube.kubeConfig, { apiVersion: 'v1', kind: 'ConfigMap', ...read } as KubernetesObject);

    const ref = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa', namespace: NS } };
    expect(await deleteIfExists(kube.kubeConfig, ref)).toBe(true);
    expect(await deleteIfExists(kube.kubeConfig, ref)).toBe(false);
  });

  it('patches the status subresource of a KafkaCluster', async () => {
    const kc = await serverSideApply(kube.kubeConfig, cluster('status-demo'));
    const conditions = [
      {
        type: 'Ready',
        status: 'False',
        reason: 'Provisioning',
        message: 'brokers starting',
        lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
        observedGeneration: kc.metadata?.generation,
      },
    ];
    await patchStatus(kube.kubeConfig, GROUP, VERSION, KAFKA_CLUSTER_PLURAL, NS, 'status-demo', { conditions, readyBrokers: 0 });
    const got = (await kube.kubeConfig.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: NS,
      plural: KAFKA_CLUSTER_PLURAL,
      name: 'status-demo',
    })) as { status?: { conditions?: unknown[]; readyBrokers?: number } };
    expect(got.status?.conditions).toEqual(conditions);
    expect(got.status?.readyBrokers).toBe(0);
  });

  it('informs on KafkaClusters (create/update/delete) and on owned ConfigMaps (owner key)', async () => {
    const queue = new WorkQueue();
    const clusters = new ResourceInformer(kube.kubeConfig, queue, {
      apiVersion: API_VERSION,
      kind: KAFKA_CLUSTER_KIND,
      plural: KAFKA_CLUSTER_PLURAL,
      namespace: NS,
    });
    const ownedQueue = new WorkQueue();
    const configMaps = new ResourceInformer(kube.kubeConfig, ownedQueue, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      plural: 'configmaps',
      namespace: NS,
      ownerKind: KAFKA_CLUSTER_KIND,
    });
    try {
      await clusters.start();
      await configMaps.start();

      const kc = await serverSideApply(kube.kubeConfig, cluster('informed'));
      await expectKey(queue, `${NS}/informed`);
      await waitFor(() => clusters.get(NS, 'informed'), { timeoutMs: 5000, what: 'cached cluster' });
      expect(clusters.list().some((o) => o.metadata?.name === 'informed')).toBe(true);

      await serverSideApply(kube.kubeConfig, {
        ...cluster('informed'),
        metadata: { name: 'informed', namespace: NS, labels: { touched: 'yes' } },
      });
      await expectKey(queue, `${NS}/informed`);
      await waitFor(() => clusters.get(NS, 'informed')?.metadata?.labels?.touched === 'yes', { timeoutMs: 5000 });

      await serverSideApply(kube.kubeConfig, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: 'informed-config',
          namespace: NS,
          ownerReferences: [
            {
              apiVersion: API_VERSION,
              kind: KAFKA_CLUSTER_KIND,
              name: 'informed',
              uid: kc.metadata!.uid!,
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
        data: { x: '1' },
      } as KubernetesObject);
      await expectKey(ownedQueue, `${NS}/informed`);
      // An unowned ConfigMap enqueues nothing (kube-root-ca.crt already exists unowned in the namespace).
      await serverSideApply(kube.kubeConfig, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'loose', namespace: NS } } as KubernetesObject);
      await sleep(500);
      expect(ownedQueue.length).toBe(0);

      // Deleting an owned object enqueues its owner (explicit delete: the garbage collector only picks up a
      // new CRD's objects after its periodic discovery resync, too slow for a test).
      await deleteIfExists(kube.kubeConfig, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'informed-config', namespace: NS } });
      await expectKey(ownedQueue, `${NS}/informed`);

      await deleteIfExists(kube.kubeConfig, cluster('informed'));
      await expectKey(queue, `${NS}/informed`);
      await waitFor(() => clusters.get(NS, 'informed') === undefined, { timeoutMs: 5000, what: 'cluster gone from cache' });
    } finally {
      await clusters.stop();
      await configMaps.stop();
      queue.shutdown();
      ownedQueue.shutdown();
    }
  }, 60_000);

  it('records an Event about a KafkaCluster', async () => {
    const kc = await serverSideApply(kube.kubeConfig, cluster('evented'));
    const ev = await recordEvent(kube.kubeConfig, kc, 'Warning', 'ScaleDownBlocked', 'partitions still on broker 2');
    expect(ev?.metadata?.name).toMatch(/^evented\./);
    const events = await core.listNamespacedEvent({ namespace: NS, fieldSelector: 'involvedObject.name=evented' });
    expect(events.items).toHaveLength(1);
    expect(events.items[0]).toMatchObject({
      type: 'Warning',
      reason: 'ScaleDownBlocked',
      message: 'partitions still on broker 2',
      reportingComponent: 'gregor-operator',
      involvedObject: { kind: KAFKA_CLUSTER_KIND, uid: kc.metadata?.uid },
    });
    // Never throws: an involved object in a namespace that does not exist is logged and returns null.
    const logged: string[] = [];
    const none = await recordEvent(
      kube.kubeConfig,
      { ...kc, metadata: { ...kc.metadata, namespace: 'no-such-namespace' } },
      'Normal',
      'X',
      'y',
      { log: (m) => logged.push(m) },
    );
    expect(none).toBeNull();
    expect(logged).toHaveLength(1);
  });

  it('elects exactly one leader among two electors and fails over when it stops', async () => {
    const leading = new Set<string>();
    const overlaps: string[] = [];
    const mk = (id: string) =>
      new LeaderElector(kube.kubeConfig, {
        namespace: NS,
        name: 'gregor-operator',
        identity: id,
        leaseDurationSeconds: 3,
        retryPeriodMs: 300,
        renewDeadlineMs: 2000,
      });
    const a = mk('a');
    const b = mk('b');
    const cb = (id: string) =>
      [
        () => {
          leading.add(id);
          if (leading.size > 1) overlaps.push([...leading].join(','));
        },
        () => leading.delete(id),
      ] as const;
    a.start(...cb('a'));
    b.start(...cb('b'));
    try {
      await waitFor(() => leading.size === 1, { timeoutMs: 10_000, what: 'a leader' });
      // Stays stable over several renew periods (renewals keep the other waiting).
      await sleep(2000);
      expect(leading.size).toBe(1);
      const first = [...leading][0]!;
      const [leader, other] = first === 'a' ? [a, b] : [b, a];
      expect(leader.isLeader).toBe(true);
      expect(other.isLeader).toBe(false);

      const t0 = Date.now();
      await leader.stop();
      expect(leader.isLeader).toBe(false);
      await waitFor(() => other.isLeader, { timeoutMs: 5000, what: 'takeover' });
      console.log(`[kube-io] takeover after ${Date.now() - t0} ms`);
      expect([...leading]).toEqual([other.identity]);
      expect(overlaps).toEqual([]);
    } finally {
      await a.stop();
      await b.stop();
    }
  }, 30_000);
});
