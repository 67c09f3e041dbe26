// Day-2 operations of the operator on real broker and ZooKeeper processes: a real control plane (etcd +
// kube-apiserver + kube-controller-manager), the operator process with the chart's RBAC, and the test's pod
// runner playing kubelet (the pods the StatefulSet controller creates run as local processes, their data in
// per-claim directories that survive restarts). Under an idempotent acks=all producer: scale 3 → 5 with
// reassignment, a restart-requiring config change rolled one broker at a time without ever dropping a
// partition below min.insync.replicas, scale 5 → 3 with the leaving brokers drained first, an impossible
// scale-down refused; then every acknowledged record is read exactly once, in order per partition.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  PatchStrategy,
  loadAllYaml,
  setHeaderOptions,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { AdminClient, type TopicDescription } from '../broker/src/client/index.js';
import { startKube, type KubeEnv } from './helpers/kube.js';
import { installOperator, OPERATOR_NAMESPACE, startOperator, type TestOperator } from './helpers/operator.js';
import { PodRunner } from './helpers/pod-runner.js';
import { NumberedProducer, dumpTopic, verifyAcked } from './helpers/java-clients.js';
import { kafkaTool } from './helpers/kafka-tools.js';
import { REPO_ROOT } from './helpers/paths.js';
import { waitFor } from './helpers/util.js';

const NS = 'day2';
const GROUP = 'kafka.gregor.dev';
const VERSION = 'v1alpha1';
const CLUSTER = 'events';
const TOPICS = ['orders', 'payments', 'audit'];
const PARTITIONS = 6;
const MIN_ISR = 2;

type Obj = KubernetesObject & { spec?: any; status?: any };
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/** What the samplers saw while the cluster changed underneath the producer. */
interface Samples {
  count: number;
  underMinIsr: string[];
  twoDown: string[];
}

describe('operator day-2 on real brokers: scale up, rolling restart, scale down, topics', () => {
  let kube: KubeEnv;
  let runner: PodRunner;
  let operator: TestOperator;
  let custom: CustomObjectsApi;
  let core: CoreV1Api;
  let apps: AppsV1Api;
  let admin: AdminClient | undefined;

  const getCluster = () => custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, plural: 'kafkaclusters', namespace: NS, name: CLUSTER }) as Promise<Obj>;
  const patchCluster = (body: unknown) =>
    custom.patchNamespacedCustomObject({ group: GROUP, version: VERSION, plural: 'kafkaclusters', namespace: NS, name: CLUSTER, body }, mergePatch);
  const patchTopic = (name: string, body: unknown) =>
    custom.patchNamespacedCustomObject({ group: GROUP, version: VERSION, plural: 'kafkatopics', namespace: NS, name, body }, mergePatch);
  const condition = (o: Obj, type: string) => (o.status?.conditions ?? []).find((c: { type: string }) => c.type === type);
  const brokerSts = () => apps.readNamespacedStatefulSet({ namespace: NS, name: `${CLUSTER}-broker` });
  const bootstrap = () => runner.bootstrap(CLUSTER);
  const adminClient = () => {
    // Brokers advertise 127.0.0.1:<port> under the pod runner, so any live broker bootstraps the client.
    admin ??= new AdminClient({ bootstrap: bootstrap(), requestTimeoutMs: 10_000 });
    return admin;
  };
  const describe3 = async (): Promise<Map<string, TopicDescription>> => adminClient().describeTopics(TOPICS);

  /** Samples min-ISR and broker availability every 300 ms until stopped. */
  function startSampler(): { stop: () => Promise<Samples> } {
    const samples: Samples = { count: 0, underMinIsr: [], twoDown: [] };
    let running = true;
    const loop = (async () => {
      while (running) {
        try {
          for (const [name, t] of await describe3()) {
            for (const p of t.partitions) {
              if (p.isr.length < MIN_ISR) samples.underMinIsr.push(`${new Date().toISOString()} ${name}-${p.partition} isr [${p.isr}] replicas [${p.replicas}]`);
            }
          }
          const pods = await core.listNamespacedPod({ namespace: NS, labelSelector: `app.kubernetes.io/instance=${CLUSTER},app.kubernetes.io/component=broker` });
          const down = pods.items.filter(
            (p) => p.metadata?.deletionTimestamp || !(p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
          );
          if (down.length > 1) samples.twoDown.push(`${new Date().toISOString()} ${down.map((p) => p.metadata?.name).join(',')}`);
          samples.count++;
        } catch {
          // A sample that cannot be taken (broker restarting under the admin client) is skipped, not counted.
        }
        await sleep(300);
      }
    })();
    return {
      stop: async () => {
        running = false;
        await loop;
        return samples;
      },
    };
  }

  beforeAll(async () => {
    kube = await startKube({ name: 'operator-day2' });
    custom = kube.kubeConfig.makeApiClient(CustomObjectsApi);
    core = kube.kubeConfig.makeApiClient(CoreV1Api);
    apps = kube.kubeConfig.makeApiClient(AppsV1Api);
    const { kubeconfigPath } = await installOperator(kube);
    await core.createNamespace({ body: { metadata: { name: NS } } });
    const addressMapFile = join(mkdtempSync(join(tmpdir(), 'gregor-day2-')), 'address-map.json');
    runner = await PodRunner.start({ kubeConfig: kube.kubeConfig, namespace: NS, addressMapFile });
    operator = await startOperator({
      name: 'day2',
      kubeconfigPath,
      namespace: OPERATOR_NAMESPACE,
      addressMapFile,
      env: { GREGOR_TOPIC_RESYNC_SECONDS: '5' },
    });
  }, 240_000);

  afterAll(async () => {
    await admin?.close();
    await operator?.stop();
    await runner?.stop();
    await kube?.stop();
  }, 180_000);

  it('a 3+3 cluster and three rf-3 topics become Ready; a real client produces and consumes through the bootstrap', async () => {
    const objects = KubernetesObjectApi.makeApiClient(kube.kubeConfig);
    const [cluster] = loadAllYaml(readFileSync(join(REPO_ROOT, 'deploy/examples/kafkacluster-3+3.yaml'), 'utf8')) as Obj[];
    cluster!.metadata = { ...cluster!.metadata, name: CLUSTER, namespace: NS };
    // The pod runner runs brokers and ZooKeeper only; Kafka-UI would stay Pending (it does not gate Ready).
    cluster!.spec.ui = { enabled: false };
    cluster!.spec.brokers.config = { ...(cluster!.spec.brokers.config ?? {}), 'min.insync.replicas': String(MIN_ISR), 'group.initial.rebalance.delay.ms': '0' };
    // Left to the operator's size-dependent default (3 from 3 brokers up), so the refused scale-down to 2 below is
    // refused for the topics' sake (ScaleDownBlocked), not as a spec whose own default.replication.factor is too big.
    delete cluster!.spec.brokers.config['default.replication.factor'];
    await objects.create(cluster!);
    for (const name of TOPICS) {
      await objects.create({
        apiVersion: `${GROUP}/${VERSION}`,
        kind: 'KafkaTopic',
        metadata: { name, namespace: NS, labels: { 'kafka.gregor.dev/cluster': CLUSTER } },
        spec: { partitions: PARTITIONS, replicationFactor: 3, config: { 'min.insync.replicas': String(MIN_ISR) } },
      } as Obj);
    }
    const ready = await waitFor(async () => {
      const c = await getCluster();
      return condition(c, 'Ready')?.status === 'True' ? c : null;
    }, { what: 'events Ready', timeoutMs: 180_000, intervalMs: 1000 });
    expect(ready.status.brokerIds).toEqual([0, 1, 2]);
    expect(ready.status.readyBrokers).toBe(3);
    for (const name of TOPICS) {
      await waitFor(async () => {
        const t = (await custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, plural: 'kafkatopics', namespace: NS, name })) as Obj;
        return condition(t, 'Ready')?.status === 'True';
      }, { what: `topic ${name} Ready`, timeoutMs: 60_000 });
    }
    const produced = await kafkaTool('kafka-console-producer', ['--bootstrap-server', bootstrap(), '--topic', 'audit', '--producer-property', 'acks=all'], {
      input: 'one\ntwo\nthree\n',
    });
    expect(produced.code).toBe(0);
    const consumed = await kafkaTool('kafka-console-consumer', [
      '--bootstrap-server',
      bootstrap(),
      '--topic',
      'audit',
      '--from-beginning',
      '--max-messages',
      '3',
      '--timeout-ms',
      '60000',
    ]);
    expect(consumed.stdout.split('\n').filter(Boolean).sort()).toEqual(['one', 'three', 'two']);
  });

  it('under an idempotent acks=all producer: scale 3 → 5, roll a config change, scale 5 → 3, refuse 3 → 2; no record lost or duplicated', async () => {
    const t0 = Date.now();
    let last = t0;
    const phase = (name: string) => {
      const now = Date.now();
      console.log(`[day2] +${Math.round((now - t0) / 1000)} s (${Math.round((now - last) / 1000)} s since the last phase): ${name}; ${producer.acked} acked`);
      last = now;
    };
    const producer = NumberedProducer.start(bootstrap(), 'orders', { ratePerSec: 200 });
    try {
      await producer.waitForMoreAcks(200);

      phase('scale up 3 -> 5');
      // ---- scale up 3 → 5: new brokers register, partitions spread to all five, leaders rebalanced.
      let sampler = startSampler();
      await patchCluster({ spec: { brokers: { replicas: 5 } } });
      const scaledUp = await waitFor(async () => {
        const c = await getCluster();
        return c.status?.balancedBrokerIds?.length === 5 && c.status?.reassignment?.inProgress === false && condition(c, 'Ready')?.status === 'True' ? c : null;
      }, { what: 'scale-up reassignment done', timeoutMs: 240_000, intervalMs: 1000 });
      expect(scaledUp.status.reassignment).toMatchObject({ reason: 'ScaleUp', targetBrokerIds: [0, 1, 2, 3, 4] });
      expect(scaledUp.status.reassignment.partitionsMoved).toBe(scaledUp.status.reassignment.partitionsTotal);
      const afterUp = await describe3();
      const holding = new Set<number>();
      for (const t of afterUp.values()) for (const p of t.partitions) for (const r of p.replicas) holding.add(r);
      expect([...holding].sort()).toEqual([0, 1, 2, 3, 4]);
      let samples = await sampler.stop();
      expect(samples.count).toBeGreaterThan(5);
      expect(samples.underMinIsr).toEqual([]);

      phase('rolling restart');
      // ---- a restart-requiring config change: every broker restarted exactly once, one at a time.
      await producer.waitForMoreAcks(100);
      const historyStart = runner.history.length;
      sampler = startSampler();
      const hashBefore = (await brokerSts()).spec!.template.metadata!.annotations!['kafka.gregor.dev/config-hash'];
      await patchCluster({ spec: { brokers: { config: { 'replica.lag.time.max.ms': '20000' } } } });
      const revisionBefore = (await brokerSts()).status?.updateRevision;
      await waitFor(async () => (await brokerSts()).spec!.template.metadata!.annotations!['kafka.gregor.dev/config-hash'] !== hashBefore, { what: 'new config hash' });
      // The StatefulSet controller must have computed the new revision, else the old pods look current.
      await waitFor(async () => {
        const sts = await brokerSts();
        return (sts.status?.observedGeneration ?? 0) >= (sts.metadata?.generation ?? 1) && sts.status?.updateRevision !== revisionBefore;
      }, { what: 'new broker revision', timeoutMs: 30_000 });
      await waitFor(async () => {
        const [c, sts] = await Promise.all([getCluster(), brokerSts()]);
        const pods = await core.listNamespacedPod({ namespace: NS, labelSelector: `app.kubernetes.io/instance=${CLUSTER},app.kubernetes.io/component=broker` });
        const current = pods.items.every((p) => p.metadata?.labels?.['controller-revision-hash'] === sts.status?.updateRevision && !p.metadata?.deletionTimestamp);
        return current && pods.items.length === 5 && !c.status?.roll && condition(c, 'Ready')?.status === 'True';
      }, { what: 'rolling restart done', timeoutMs: 300_000, intervalMs: 1000 });
      samples = await sampler.stop();
      const restarts = runner.history.slice(historyStart).filter((h) => h.event === 'terminating' && h.pod.startsWith(`${CLUSTER}-broker-`));
      expect(restarts.map((h) => h.pod).sort()).toEqual([0, 1, 2, 3, 4].map((i) => `${CLUSTER}-broker-${i}`));
      expect(samples.underMinIsr).toEqual([]);
      expect(samples.twoDown).toEqual([]);
      const props = (await core.readNamespacedConfigMap({ namespace: NS, name: `${CLUSTER}-broker-config` })).data!['server.properties']!;
      expect(props).toContain('replica.lag.time.max.ms=20000');

      phase('scale down 5 -> 3');
      // ---- scale down 5 → 3: brokers 3 and 4 drained first, then removed.
      await producer.waitForMoreAcks(100);
      sampler = startSampler();
      await patchCluster({ spec: { brokers: { replicas: 3 } } });
      await waitFor(async () => {
        const c = await getCluster();
        const sts = await brokerSts();
        return sts.spec!.replicas === 3 && c.status?.balancedBrokerIds?.length === 3 && condition(c, 'Ready')?.status === 'True';
      }, { what: 'scale-down done', timeoutMs: 300_000, intervalMs: 1000 });
      samples = await sampler.stop();
      expect(samples.underMinIsr).toEqual([]);
      const afterDown = await describe3();
      for (const t of afterDown.values()) for (const p of t.partitions) expect(p.replicas.every((r) => r <= 2), `${t.name}-${p.partition} [${p.replicas}]`).toBe(true);
      // The leaving brokers' pods were deleted only after they held nothing: their last stop came after the drain.
      await waitFor(async () => (await core.listNamespacedPod({ namespace: NS, labelSelector: `app.kubernetes.io/instance=${CLUSTER},app.kubernetes.io/component=broker` })).items.length === 3, {
        what: 'pods 3 and 4 gone',
        timeoutMs: 60_000,
      });

      phase('impossible scale-down 3 -> 2');
      // ---- impossible: rf-3 topics cannot live on 2 brokers. Warning, nothing removed.
      await patchCluster({ spec: { brokers: { replicas: 2 } } });
      const blocked = await waitFor(async () => {
        const c = await getCluster();
        return condition(c, 'Warning')?.reason === 'ScaleDownBlocked' ? c : null;
      }, { what: 'ScaleDownBlocked', timeoutMs: 60_000 });
      expect(condition(blocked, 'Warning').message).toMatch(/replication factor 3/);
      await sleep(5000);
      expect((await brokerSts()).spec!.replicas).toBe(3);
      expect(runner.processFor(`${CLUSTER}-broker-2`)?.alive).toBe(true);
      await patchCluster({ spec: { brokers: { replicas: 3 } } });
      await waitFor(async () => {
        const c = await getCluster();
        return !condition(c, 'Warning') && condition(c, 'Ready')?.status === 'True';
      }, { what: 'warning cleared', timeoutMs: 60_000 });

      await producer.waitForMoreAcks(100);
      phase('done');
    } finally {
      const summary = await producer.stop();
      expect(summary.failed, producer.errors.slice(-5).join(' | ')).toBe(0);
    }
    const dump = await dumpTopic(bootstrap(), 'orders');
    expect(verifyAcked(producer.acks, dump)).toEqual([]);
    expect(producer.acks.length).toBeGreaterThan(500);
  }, 1_200_000);

  it('a dynamic broker config change is applied without restarting any broker', async () => {
    const historyStart = runner.history.length;
    const hashBefore = (await brokerSts()).spec!.template.metadata!.annotations!['kafka.gregor.dev/config-hash'];
    const defaults = async () =>
      (await kafkaTool('kafka-configs', ['--bootstrap-server', bootstrap(), '--describe', '--entity-type', 'brokers', '--entity-default'])).stdout;
    await patchCluster({ spec: { brokers: { config: { 'min.insync.replicas': '1' } } } });
    await waitFor(async () => (await defaults()).includes('min.insync.replicas=1'), { what: 'cluster default min.insync.replicas=1', timeoutMs: 60_000 });
    const events = await core.listNamespacedEvent({ namespace: NS, fieldSelector: `involvedObject.name=${CLUSTER}` });
    expect(events.items.map((e) => e.reason)).toContain('DynamicConfigUpdated');
    await patchCluster({ spec: { brokers: { config: { 'min.insync.replicas': String(MIN_ISR) } } } });
    await waitFor(async () => (await defaults()).includes(`min.insync.replicas=${MIN_ISR}`), { what: 'back to 2', timeoutMs: 60_000 });
    await sleep(3000);
    expect((await brokerSts()).spec!.template.metadata!.annotations!['kafka.gregor.dev/config-hash']).toBe(hashBefore);
    expect(runner.history.slice(historyStart).filter((h) => h.event === 'terminating')).toEqual([]);
  }, 180_000);

  it('a ZooKeeper template change rolls the ensemble one node at a time, keeping quorum', async () => {
    const zkPods = () => core.listNamespacedPod({ namespace: NS, labelSelector: `app.kubernetes.io/instance=${CLUSTER},app.kubernetes.io/component=zookeeper` });
    const zkSts = () => apps.readNamespacedStatefulSet({ namespace: NS, name: `${CLUSTER}-zookeeper` });
    const historyStart = runner.history.length;
    const twoDown: string[] = [];
    let running = true;
    const sampler = (async () => {
      while (running) {
        try {
          const down = (await zkPods()).items.filter(
            (p) => p.metadata?.deletionTimestamp || !(p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
          );
          if (down.length > 1) twoDown.push(`${new Date().toISOString()} ${down.map((p) => p.metadata?.name).join(',')}`);
        } catch {
          /* skipped sample */
        }
        await sleep(300);
      }
    })();
    try {
      const before = await zkSts();
      await patchCluster({ spec: { zookeeper: { resources: { requests: { cpu: '100m', memory: '600Mi' } } } } });
      // The operator applies the new template (a new generation), then the StatefulSet controller rolls it.
      await waitFor(async () => ((await zkSts()).metadata?.generation ?? 0) > (before.metadata?.generation ?? 0), { what: 'new ZooKeeper template', timeoutMs: 30_000 });
      await waitFor(
        async () => {
          const sts = await zkSts();
          const pods = (await zkPods()).items;
          return (
            (sts.status?.observedGeneration ?? 0) >= (sts.metadata?.generation ?? 1) &&
            sts.status?.updateRevision !== undefined &&
            sts.status.updateRevision === sts.status.currentRevision &&
            pods.length === 3 &&
            pods.every((p) => p.metadata?.labels?.['controller-revision-hash'] === sts.status!.updateRevision && (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'))
          );
        },
        { what: 'ZooKeeper rolled', timeoutMs: 240_000, intervalMs: 1000 },
      );
    } finally {
      running = false;
      await sampler;
    }
    const restarted = runner.history.slice(historyStart).filter((h) => h.event === 'terminating' && h.pod.startsWith(`${CLUSTER}-zookeeper-`));
    expect(restarted.map((h) => h.pod).sort()).toEqual([0, 1, 2].map((i) => `${CLUSTER}-zookeeper-${i}`));
    expect(twoDown).toEqual([]);
    // The brokers kept (or regained) their sessions: all registered, topics still served.
    const c = await waitFor(async () => {
      const cl = await getCluster();
      return condition(cl, 'Ready')?.status === 'True' ? cl : null;
    }, { what: 'cluster Ready after the ZooKeeper roll', timeoutMs: 60_000 });
    expect(c.status.brokerIds).toEqual([0, 1, 2]);
    const produced = await kafkaTool('kafka-console-producer', ['--bootstrap-server', bootstrap(), '--topic', 'audit', '--producer-property', 'acks=all'], {
      input: 'after-zk-roll\n',
    });
    expect(produced.code).toBe(0);
  }, 300_000);

  it('KafkaTopic changes are visible with kafka-topics: partitions increased, config changed, deleted', async () => {
    const topicsTool = (...args: string[]) => kafkaTool('kafka-topics', ['--bootstrap-server', bootstrap(), ...args]);
    await patchTopic('payments', { spec: { partitions: 9, config: { 'min.insync.replicas': String(MIN_ISR), 'retention.ms': '7200000' } } });
    await waitFor(async () => /PartitionCount: 9\s/.test((await topicsTool('--describe', '--topic', 'payments')).stdout), { what: '9 partitions', timeoutMs: 60_000 });
    const configs = await waitFor(
      async () => {
        const out = (await topicsTool('--describe', '--topic', 'payments')).stdout;
        return out.includes('retention.ms=7200000') ? out : null;
      },
      { what: 'retention.ms in describe', timeoutMs: 60_000 },
    );
    expect(configs).toContain('min.insync.replicas=2');
    await custom.deleteNamespacedCustomObject({ group: GROUP, version: VERSION, plural: 'kafkatopics', namespace: NS, name: 'payments' });
    await waitFor(async () => !(await topicsTool('--list')).stdout.split('\n').includes('payments'), { what: 'payments deleted', timeoutMs: 60_000 });
  });
});
