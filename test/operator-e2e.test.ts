// The operator end to end on a real control plane (etcd + kube-apiserver + kube-controller-manager built from
// Go modules): the chart's CRDs and RBAC installed from deploy/operator.yaml, the operator process running with
// its ServiceAccount's token (so least-privilege RBAC is exercised for real), the deploy/examples applied.
// There is no kubelet: pods stay Pending unless the test marks them ready. Topics are reconciled against a
// real Gregor broker process, reached through the operator's address map (the in-cluster bootstrap name
// does not resolve here).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AppsV1Api,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  loadAllYaml,
  PatchStrategy,
  PolicyV1Api,
  RbacAuthorizationV1Api,
  setHeaderOptions,
  type KubernetesObject,
  type V1Pod,
} from '@kubernetes/client-node';
import { startKube, type KubeEnv } from './helpers/kube.js';
import { startBroker, type TestBroker } from './helpers/broker.js';
import { startOperator, type TestOperator } from './helpers/operator.js';
import { kafkaTool } from './helpers/kafka-tools.js';
import { REPO_ROOT } from './helpers/paths.js';
import { waitFor } from './helpers/util.js';

const OPERATOR_NS = 'gregor-system';
const NS = 'e2e';
const GROUP = 'kafka.gregor.dev';
const VERSION = 'v1alpha1';

type Obj = KubernetesObject & { spec?: any; status?: any; data?: Record<string, string> };

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

// client-node's loadAllYaml, not js-yaml: KubernetesObjectApi serializes through the typed models, which
// know `enum` and `x-kubernetes-validations` only under their TypeScript names (_enum, x_kubernetes_validations);
// a plain parse would silently drop the CRDs' validation.
function loadYamlDocs(file: string): Obj[] {
  return (loadAllYaml(readFileSync(join(REPO_ROOT, file), 'utf8')) as (Obj | null)[]).filter((d): d is Obj => !!d);
}

function errorBody(e: unknown): string {
  const body = (e as { body?: unknown }).body;
  return typeof body === 'string' ? body : JSON.stringify(body ?? String(e));
}

describe('operator end to end (real apiserver + controller-manager, chart RBAC, real broker for topics)', () => {
  let kube: KubeEnv;
  let broker: TestBroker;
  let operatorKubeconfig: string;
  let addressMap: string;
  let opA: TestOperator;
  let opB: TestOperator | undefined;
  let custom: CustomObjectsApi;
  let core: CoreV1Api;
  let apps: AppsV1Api;
  let objects: KubernetesObjectApi;

  const getCluster = (name: string) => custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, plural: 'kafkaclusters', namespace: NS, name }) as Promise<Obj>;
  const getTopic = (name: string) => custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, plural: 'kafkatopics', namespace: NS, name }) as Promise<Obj>;
  const patchCR = (plural: string, name: string, body: unknown) =>
    custom.patchNamespacedCustomObject({ group: GROUP, version: VERSION, plural, namespace: NS, name, body }, mergePatch) as Promise<Obj>;
  const condition = (o: Obj, type: string) => (o.status?.conditions ?? []).find((c: { type: string }) => c.type === type);
  const topicsTool = (...args: string[]) => kafkaTool('kafka-topics', ['--bootstrap-server', broker.bootstrap, ...args]);
  const configsTool = (...args: string[]) => kafkaTool('kafka-configs', ['--bootstrap-server', broker.bootstrap, ...args]);

  async function applyExample(file: string, mutate?: (o: Obj) => void): Promise<Obj> {
    const [doc] = loadYamlDocs(file);
    doc!.metadata = { ...doc!.metadata, namespace: NS };
    mutate?.(doc!);
    return (await objects.create(doc!)) as Obj;
  }

  async function markPodsReady(selector: string): Promise<number> {
    const pods = await core.listNamespacedPod({ namespace: NS, labelSelector: selector });
    const now = new Date();
    for (const pod of pods.items) {
      await core.patchNamespacedPodStatus(
        {
          namespace: NS,
          name: pod.metadata!.name!,
          body: {
            status: {
              phase: 'Running',
              conditions: [
                { type: 'Ready', status: 'True', lastTransitionTime: now },
                { type: 'ContainersReady', status: 'True', lastTransitionTime: now },
              ],
            },
          },
        },
        mergePatch,
      );
    }
    return pods.items.length;
  }

  beforeAll(async () => {
    kube = await startKube({ name: 'operator-e2e' });
    custom = kube.kubeConfig.makeApiClient(CustomObjectsApi);
    core = kube.kubeConfig.makeApiClient(CoreV1Api);
    apps = kube.kubeConfig.makeApiClient(AppsV1Api);
    objects = KubernetesObjectApi.makeApiClient(kube.kubeConfig);

    // Everything deploy/operator.yaml installs except the Deployment (no kubelet to run it): the operator
    // runs here as a process with the ServiceAccount's token instead.
    for (const doc of loadYamlDocs('deploy/operator.yaml')) {
      if (doc.kind === 'Deployment') continue;
      await objects.create(doc);
    }
    await waitFor(
      async () => {
        for (const plural of ['kafkaclusters', 'kafkatopics']) {
          await custom.listNamespacedCustomObject({ group: GROUP, version: VERSION, plural, namespace: 'default' });
        }
        return true;
      },
      { what: 'CRDs served', timeoutMs: 30_000 },
    );
    await core.createNamespace({ body: { metadata: { name: NS } } });
    const token = await core.createNamespacedServiceAccountToken({
      namespace: OPERATOR_NS,
      name: 'gregor-operator',
      body: { spec: { expirationSeconds: 7200, audiences: [] } },
    });
    operatorKubeconfig = kube.configForToken(token.status!.token!, 'gregor-operator').kubeconfigPath;

    broker = await startBroker({ name: 'operator-e2e', brokerId: 0 });
    addressMap = join(mkdtempSync(join(tmpdir(), 'gregor-e2e-map-')), 'address-map.json');
    writeFileSync(addressMap, JSON.stringify({ [`dev-bootstrap.${NS}.svc:9092`]: broker.bootstrap }));

    opA = await startOperator({
      name: 'op-a',
      kubeconfigPath: operatorKubeconfig,
      namespace: OPERATOR_NS,
      addressMapFile: addressMap,
      env: { GREGOR_TOPIC_RESYNC_SECONDS: '2' },
    });
  }, 240_000);

  afterAll(async () => {
    await opB?.stop();
    await opA?.stop();
    await broker?.stop();
    await kube?.stop();
  }, 120_000);

  it('the operator leads through its Lease and reports ready', async () => {
    const leases = kube.kubeConfig.makeApiClient(CoordinationV1Api);
    await waitFor(async () => (await leases.readNamespacedLease({ namespace: OPERATOR_NS, name: 'gregor-operator' })).spec?.holderIdentity === 'op-a', {
      what: 'op-a holds the Lease',
      timeoutMs: 30_000,
    });
    await waitFor(async () => (await opA.httpStatus('health', '/readyz')) === 200, { what: '/readyz 200' });
    expect(await opA.metrics()).toContain('gregor_operator_leader 1');
  });

  it('1+1 example: owned objects with labels and owner references, server.properties, PDB, services, status', async () => {
    const created = await applyExample('deploy/examples/kafkacluster-1+1.yaml');
    const uid = created.metadata!.uid!;
    const brokerSts = await waitFor(() => apps.readNamespacedStatefulSet({ namespace: NS, name: 'dev-broker' }), { what: 'broker StatefulSet', timeoutMs: 30_000 });
    const zkSts = await apps.readNamespacedStatefulSet({ namespace: NS, name: 'dev-zookeeper' });

    const owned: KubernetesObject[] = [
      brokerSts,
      zkSts,
      await core.readNamespacedConfigMap({ namespace: NS, name: 'dev-broker-config' }),
      await core.readNamespacedConfigMap({ namespace: NS, name: 'dev-zookeeper-config' }),
      await core.readNamespacedService({ namespace: NS, name: 'dev-broker-headless' }),
      await core.readNamespacedService({ namespace: NS, name: 'dev-bootstrap' }),
      await core.readNamespacedService({ namespace: NS, name: 'dev-zookeeper' }),
      await core.readNamespacedService({ namespace: NS, name: 'dev-zookeeper-headless' }),
      await kube.kubeConfig.makeApiClient(PolicyV1Api).readNamespacedPodDisruptionBudget({ namespace: NS, name: 'dev-broker' }),
      await core.readNamespacedServiceAccount({ namespace: NS, name: 'dev-broker' }),
    ];
    for (const o of owned) {
      const what = `${o.kind ?? ''} ${o.metadata?.name}`;
      expect(o.metadata?.ownerReferences, what).toEqual([
        { apiVersion: `${GROUP}/${VERSION}`, kind: 'KafkaCluster', name: 'dev', uid, controller: true, blockOwnerDeletion: true },
      ]);
      expect(o.metadata?.labels, what).toMatchObject({
        'app.kubernetes.io/name': 'gregor',
        'app.kubernetes.io/instance': 'dev',
        'app.kubernetes.io/managed-by': 'gregor-operator',
        'kafka.gregor.dev/cluster': 'dev',
      });
    }

    const props = (await core.readNamespacedConfigMap({ namespace: NS, name: 'dev-broker-config' })).data!['server.properties']!;
    expect(props).toContain('num.partitions=3');
    expect(props).toContain('auto.create.topics.enable=false');
    expect(props).toContain(`zookeeper.connect=dev-zookeeper.${NS}.svc:2181`);
    expect(props).toContain('offsets.topic.replication.factor=1');
    expect(brokerSts.spec!.updateStrategy!.type).toBe('OnDelete');
    expect(brokerSts.spec!.replicas).toBe(1);
    expect(brokerSts.spec!.volumeClaimTemplates![0]!.spec!.resources!.requests!['storage']).toBe('1Gi');
    const container = brokerSts.spec!.template.spec!.containers[0]!;
    const probePort = container.readinessProbe?.tcpSocket?.port;
    const resolved = typeof probePort === 'number' ? probePort : container.ports?.find((p) => p.name === probePort)?.containerPort;
    expect(resolved).toBe(9092);
    expect(brokerSts.spec!.template.spec!.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(60);
    const pdb = owned[8] as { spec?: { maxUnavailable?: number | string } };
    expect(pdb.spec!.maxUnavailable).toBe(1);
    expect((owned[4] as { spec?: { clusterIP?: string } }).spec!.clusterIP).toBe('None');

    const cluster = await waitFor(async () => {
      const c = await getCluster('dev');
      return c.status?.observedGeneration === 1 && c.status?.bootstrapServers ? c : null;
    }, { what: 'dev status', timeoutMs: 30_000 });
    expect(cluster.status.bootstrapServers).toBe(`dev-bootstrap.${NS}.svc:9092`);
    expect(cluster.status.zookeeperConnect).toBe(`dev-zookeeper.${NS}.svc:2181`);
    expect(condition(cluster, 'Ready')).toMatchObject({ status: 'False' });
    expect(condition(cluster, 'Reconciling')).toMatchObject({ status: 'True' });
    expect(cluster.status.readyBrokers).toBe(0);
  });

  it('ready pods make the cluster Ready, with the broker ids the brokers report', async () => {
    // The StatefulSet controller (kube-controller-manager) creates the pods; the test plays kubelet.
    await waitFor(async () => (await markPodsReady('app.kubernetes.io/instance=dev')) === 2, { what: 'dev pods created', timeoutMs: 30_000 });
    const cluster = await waitFor(async () => {
      const c = await getCluster('dev');
      return condition(c, 'Ready')?.status === 'True' ? c : null;
    }, { what: 'dev Ready', timeoutMs: 60_000 });
    expect(condition(cluster, 'Ready').reason).toBe('ClusterReady');
    expect(condition(cluster, 'Reconciling')).toMatchObject({ status: 'False' });
    expect(cluster.status.readyBrokers).toBe(1);
    expect(cluster.status.brokerIds).toEqual([0]);
    const events = await core.listNamespacedEvent({ namespace: NS, fieldSelector: 'involvedObject.name=dev' });
    expect(events.items.map((e) => e.reason)).toContain('ClusterReady');
  });

  it('KafkaTopic: created, partitions increased, config altered, drift reverted, impossible changes reported, deleted', async () => {
    await applyExample('deploy/examples/kafkatopic.yaml');
    const ready = await waitFor(async () => {
      const t = await getTopic('test');
      return condition(t, 'Ready')?.status === 'True' ? t : null;
    }, { what: 'topic test Ready', timeoutMs: 60_000 });
    expect(ready.metadata!.finalizers).toContain('kafka.gregor.dev/topic-deletion');
    const described = (await topicsTool('--describe', '--topic', 'test')).stdout;
    expect(described).toContain(`TopicId: ${ready.status.topicId}`);
    expect(described).toMatch(/PartitionCount: 3\s/);
    expect(ready.status).toMatchObject({ partitions: 3, replicationFactor: 1 });
    const configs = (await configsTool('--describe', '--entity-type', 'topics', '--entity-name', 'test')).stdout;
    expect(configs).toContain('retention.ms=604800000');
    expect(configs).toContain('cleanup.policy=delete');

    // Spec changes: more partitions, one config changed, one added, one removed.
    await patchCR('kafkatopics', 'test', { spec: { partitions: 5, config: { 'retention.ms': '3600000', 'segment.ms': '600000', 'cleanup.policy': null } } });
    await waitFor(async () => /PartitionCount: 5\s/.test((await topicsTool('--describe', '--topic', 'test')).stdout), { what: '5 partitions', timeoutMs: 60_000 });
    await waitFor(
      async () => {
        const out = (await configsTool('--describe', '--entity-type', 'topics', '--entity-name', 'test')).stdout;
        return out.includes('retention.ms=3600000') && out.includes('segment.ms=600000') && !out.includes('cleanup.policy=') ? out : null;
      },
      { what: 'config altered', timeoutMs: 60_000 },
    );
    await waitFor(async () => (await getTopic('test')).status?.partitions === 5, { what: 'status.partitions 5' });

    // Out-of-band change: reverted within the resync period, reported in status and as an Event.
    await configsTool('--alter', '--entity-type', 'topics', '--entity-name', 'test', '--add-config', 'retention.ms=1000');
    await waitFor(async () => (await configsTool('--describe', '--entity-type', 'topics', '--entity-name', 'test')).stdout.includes('retention.ms=3600000'), {
      what: 'drift reverted',
      timeoutMs: 60_000,
    });
    const drifted = await waitFor(async () => {
      const t = await getTopic('test');
      return condition(t, 'Warning')?.reason === 'OutOfBandChangeReverted' ? t : null;
    }, { what: 'drift reported' });
    expect(condition(drifted, 'Warning').message).toContain('retention.ms: 1000 → 3600000');
    expect(condition(drifted, 'Ready').status).toBe('True');
    const events = await core.listNamespacedEvent({ namespace: NS, fieldSelector: 'involvedObject.name=test' });
    expect(events.items.map((e) => e.reason)).toEqual(expect.arrayContaining(['TopicCreated', 'PartitionsIncreased', 'OutOfBandChangeReverted']));

    // The apiserver refuses what the CRD forbids, naming the field.
    const refused = await patchCR('kafkatopics', 'test', { spec: { partitions: 2 } }).then(
      () => 'accepted',
      (e: unknown) => errorBody(e),
    );
    expect(refused).toContain('spec.partitions');
    expect(refused).toContain('partitions may not decrease');
    const rfRefused = await patchCR('kafkatopics', 'test', { spec: { replicationFactor: 2 } }).then(
      () => 'accepted',
      (e: unknown) => errorBody(e),
    );
    expect(rfRefused).toContain('spec.replicationFactor');

    // Partitions added out of band cannot be taken back: a condition says so, nothing is hidden.
    await topicsTool('--alter', '--topic', 'test', '--partitions', '7');
    const blocked = await waitFor(async () => {
      const t = await getTopic('test');
      return condition(t, 'Ready')?.reason === 'PartitionsCannotDecrease' ? t : null;
    }, { what: 'PartitionsCannotDecrease', timeoutMs: 30_000 });
    expect(condition(blocked, 'Ready').status).toBe('False');
    expect(condition(blocked, 'Warning').message).toContain('spec.partitions is 5 but the topic has 7 partitions');
    await patchCR('kafkatopics', 'test', { spec: { partitions: 7 } });
    await waitFor(async () => condition(await getTopic('test'), 'Ready')?.status === 'True', { what: 'Ready after spec caught up' });

    // Deleting the KafkaTopic deletes the topic (finalizer), then the object goes.
    await custom.deleteNamespacedCustomObject({ group: GROUP, version: VERSION, plural: 'kafkatopics', namespace: NS, name: 'test' });
    await waitFor(async () => !(await topicsTool('--list')).stdout.split('\n').includes('test'), { what: 'topic deleted from Kafka', timeoutMs: 60_000 });
    await waitFor(
      () =>
        getTopic('test').then(
          () => false,
          (e: { code?: number }) => e.code === 404,
        ),
      { what: 'KafkaTopic gone' },
    );
  });

  it('bad specs: the apiserver rejects what the schema forbids, naming the field; the rest is a Warning naming it', async () => {
    const refusal = await applyExample('deploy/examples/kafkacluster-1+1.yaml', (o) => {
      o.metadata!.name = 'bad-zk';
      o.spec.zookeeper.replicas = 2;
    }).then(
      () => 'accepted',
      (e: unknown) => errorBody(e),
    );
    expect(refusal).toContain('spec.zookeeper.replicas');
    const ownedKey = await applyExample('deploy/examples/kafkacluster-1+1.yaml', (o) => {
      o.metadata!.name = 'bad-config';
      o.spec.brokers.config['broker.id'] = '7';
    }).then(
      () => 'accepted',
      (e: unknown) => errorBody(e),
    );
    expect(ownedKey).toContain('spec.brokers.config');

    // A topic whose replication factor exceeds the cluster's brokers: only the operator can know.
    await applyExample('deploy/examples/kafkatopic.yaml', (o) => {
      o.metadata!.name = 'too-many-replicas';
      o.spec.replicationFactor = 3;
    });
    const warned = await waitFor(async () => {
      const t = await getTopic('too-many-replicas');
      return condition(t, 'Warning')?.reason === 'InvalidSpec' ? t : null;
    }, { what: 'InvalidSpec warning', timeoutMs: 30_000 });
    expect(condition(warned, 'Warning').message).toContain('spec.replicationFactor: 3 is more than the 1 broker(s)');
    expect(condition(warned, 'Ready').status).toBe('False');
    expect((await topicsTool('--list')).stdout.split('\n')).not.toContain('too-many-replicas');
    await custom.deleteNamespacedCustomObject({ group: GROUP, version: VERSION, plural: 'kafkatopics', namespace: NS, name: 'too-many-replicas' });
  });

  it('spec edits are followed: broker config, image and replicas', async () => {
    const before = await apps.readNamespacedStatefulSet({ namespace: NS, name: 'dev-broker' });
    const hashBefore = before.spec!.template.metadata!.annotations!['kafka.gregor.dev/config-hash'];
    await patchCR('kafkaclusters', 'dev', { spec: { brokers: { config: { 'log.retention.hours': '24' } } } });
    await waitFor(
      async () => (await core.readNamespacedConfigMap({ namespace: NS, name: 'dev-broker-config' })).data!['server.properties']!.includes('log.retention.hours=24'),
      { what: 'ConfigMap follows config', timeoutMs: 30_000 },
    );
    const afterConfig = await waitFor(async () => {
      const s = await apps.readNamespacedStatefulSet({ namespace: NS, name: 'dev-broker' });
      return s.spec!.template.metadata!.annotations!['kafka.gregor.dev/config-hash'] !== hashBefore ? s : null;
    }, { what: 'config hash changes' });
    expect(afterConfig.spec!.template.spec!.containers[0]!.image).toBe(before.spec!.template.spec!.containers[0]!.image);

    await patchCR('kafkaclusters', 'dev', { spec: { brokers: { image: 'registry.example/gregor-broker:9.9.9' } } });
    await waitFor(
      async () => (await apps.readNamespacedStatefulSet({ namespace: NS, name: 'dev-broker' })).spec!.template.spec!.containers[0]!.image === 'registry.example/gregor-broker:9.9.9',
      { what: 'image follows', timeoutMs: 30_000 },
    );

    await patchCR('kafkaclusters', 'dev', { spec: { brokers: { replicas: 2 } } });
    await waitFor(async () => (await apps.readNamespacedStatefulSet({ namespace: NS, name: 'dev-broker' })).spec!.replicas === 2, { what: 'replicas follow', timeoutMs: 30_000 });
    const props = (await core.readNamespacedConfigMap({ namespace: NS, name: 'dev-broker-config' })).data!['server.properties']!;
    expect(props).toContain('default.replication.factor=2');
    const notReady = await waitFor(async () => {
      const c = await getCluster('dev');
      return c.status?.observedGeneration === c.metadata!.generation && condition(c, 'Ready')?.status === 'False' ? c : null;
    }, { what: 'dev not Ready while broker 1 is pending', timeoutMs: 30_000 });
    // The scaler reports the new broker until it registers (and partitions are balanced onto it).
    expect(condition(notReady, 'Ready').reason).toBe('ScalingUp');
    expect(condition(notReady, 'Reconciling').status).toBe('True');
  });

  it('an operator killed mid-reconcile converges to the same state after restart', async () => {
    await applyExample('deploy/examples/kafkacluster-3+3.yaml');
    // Kill as soon as the first object exists: the reconcile is cut in the middle of its applies.
    await waitFor(() => core.readNamespacedConfigMap({ namespace: NS, name: 'events-zookeeper-config' }), { what: 'first object', intervalMs: 20, timeoutMs: 30_000 });
    await opA.kill();
    await opA.launch();
    const names = ['events-zookeeper', 'events-broker'];
    const sts = await waitFor(async () => Promise.all(names.map((name) => apps.readNamespacedStatefulSet({ namespace: NS, name }))), {
      what: 'events StatefulSets',
      timeoutMs: 60_000,
    });
    expect(sts.map((s) => s.spec!.replicas)).toEqual([3, 3]);
    await waitFor(() => apps.readNamespacedDeployment({ namespace: NS, name: 'events-ui' }), { what: 'Kafka-UI deployment' });
    await waitFor(async () => (await getCluster('events')).status?.observedGeneration === 1, { what: 'events status' });

    // Converged means stable: another full reconcile (any change to the cluster wakes it) rewrites nothing.
    const snapshot = async () => {
      const list = await Promise.all([
        ...names.map((name) => apps.readNamespacedStatefulSet({ namespace: NS, name })),
        core.readNamespacedConfigMap({ namespace: NS, name: 'events-broker-config' }),
        core.readNamespacedConfigMap({ namespace: NS, name: 'events-zookeeper-config' }),
        core.readNamespacedService({ namespace: NS, name: 'events-bootstrap' }),
        apps.readNamespacedDeployment({ namespace: NS, name: 'events-ui' }),
      ]);
      return list.map((o) => `${o.kind ?? ''}/${o.metadata!.name}@${o.metadata!.generation ?? ''}:${JSON.stringify((o as Obj).spec ?? (o as Obj).data)}`);
    };
    const first = await snapshot();
    await patchCR('kafkaclusters', 'events', { metadata: { annotations: { 'e2e/poke': String(Date.now()) } } });
    await sleep(3000);
    expect(await snapshot()).toEqual(first);
  });

  it('two operator replicas never both act; the standby takes over when the leader stops', async () => {
    opB = await startOperator({
      name: 'op-b',
      kubeconfigPath: operatorKubeconfig,
      namespace: OPERATOR_NS,
      addressMapFile: addressMap,
      env: { GREGOR_TOPIC_RESYNC_SECONDS: '2' },
    });
    await waitFor(async () => (await opB!.httpStatus('health', '/readyz')) === 200, { what: 'standby /readyz 200' });
    // While A leads, B reconciles nothing even as the clusters change.
    await patchCR('kafkaclusters', 'dev', { spec: { brokers: { config: { 'log.retention.hours': '48' } } } });
    await waitFor(
      async () => (await core.readNamespacedConfigMap({ namespace: NS, name: 'dev-broker-config' })).data!['server.properties']!.includes('log.retention.hours=48'),
      { what: 'A applies the change' },
    );
    await sleep(2000);
    expect(await opB.counter('gregor_operator_reconcile_total')).toBe(0);
    expect(await opB.metrics()).toContain('gregor_operator_leader 0');

    // A stops (SIGTERM: releases the Lease); B takes over and acts on the next change.
    expect(await opA.stop()).toBe(0);
    const leases = kube.kubeConfig.makeApiClient(CoordinationV1Api);
    await waitFor(async () => (await leases.readNamespacedLease({ namespace: OPERATOR_NS, name: 'gregor-operator' })).spec?.holderIdentity === 'op-b', {
      what: 'op-b holds the Lease',
      timeoutMs: 20_000,
    });
    await patchCR('kafkaclusters', 'dev', { spec: { brokers: { config: { 'log.retention.hours': '72' } } } });
    await waitFor(
      async () => (await core.readNamespacedConfigMap({ namespace: NS, name: 'dev-broker-config' })).data!['server.properties']!.includes('log.retention.hours=72'),
      { what: 'B applies the change', timeoutMs: 30_000 },
    );
    // Counted when the reconcile ends, a moment after its writes.
    await waitFor(async () => (await opB!.counter('gregor_operator_reconcile_total')) > 0, { what: 'B counts reconciles' });
    await opA.launch(); // back as the standby, for the remaining tests and afterAll
  });

  it('deleting a cluster garbage-collects what it owns; a rack cluster also loses its ClusterRoleBinding', async () => {
    await applyExample('deploy/examples/kafkacluster-1+1.yaml', (o) => {
      o.metadata!.name = 'racked';
      o.spec.brokers.rack = { topologyKey: 'topology.kubernetes.io/zone' };
    });
    const rbac = kube.kubeConfig.makeApiClient(RbacAuthorizationV1Api);
    const bindingName = `gregor:${NS}:racked:broker-rack`;
    await waitFor(() => rbac.readClusterRoleBinding({ name: bindingName }), { what: 'rack ClusterRoleBinding', timeoutMs: 30_000 });
    expect((await getCluster('racked')).metadata!.finalizers).toContain('kafka.gregor.dev/rack-binding-cleanup');

    for (const name of ['dev', 'racked']) {
      await custom.deleteNamespacedCustomObject({ group: GROUP, version: VERSION, plural: 'kafkaclusters', namespace: NS, name });
    }
    const gone = (p: Promise<unknown>) =>
      p.then(
        () => false,
        (e: { code?: number }) => e.code === 404,
      );
    await waitFor(
      async () =>
        (await gone(apps.readNamespacedStatefulSet({ namespace: NS, name: 'dev-broker' }))) &&
        (await gone(apps.readNamespacedStatefulSet({ namespace: NS, name: 'dev-zookeeper' }))) &&
        (await gone(core.readNamespacedConfigMap({ namespace: NS, name: 'dev-broker-config' }))) &&
        (await gone(core.readNamespacedService({ namespace: NS, name: 'dev-bootstrap' }))) &&
        (await gone(apps.readNamespacedStatefulSet({ namespace: NS, name: 'racked-broker' }))) &&
        (await gone(rbac.readClusterRoleBinding({ name: bindingName }))) &&
        (await gone(getCluster('racked'))),
      { what: 'garbage collection', timeoutMs: 90_000 },
    );
    const pods = await core.listNamespacedPod({ namespace: NS, labelSelector: 'app.kubernetes.io/instance=dev' });
    await waitFor(async () => (await core.listNamespacedPod({ namespace: NS, labelSelector: 'app.kubernetes.io/instance=dev' })).items.length === 0, {
      what: 'dev pods gone',
      timeoutMs: 60_000,
    }).catch(() => {
      throw new Error(`pods left: ${pods.items.map((p: V1Pod) => p.metadata?.name).join(', ')}`);
    });
  });
});
