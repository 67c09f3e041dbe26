// A test-side kubelet for the operator's pods: lets end-to-end tests run REAL brokers and ZooKeeper under the
// REAL operator and kube-controller-manager (test/helpers/kube.ts has no kubelet and no scheduler).
//
//   const runner = await PodRunner.start({ kubeConfig: kube.kubeConfig, namespace: 'e2e', addressMapFile });
//   ... apply a KafkaCluster (or its rendered objects); the StatefulSet controller creates pods; the runner
//   binds them to its Node and runs each as a local process ...
//   runner.bootstrap('dev')   // "127.0.0.1:p0,127.0.0.1:p1" for test clients
//   await runner.stop();
//
// What it does, like a kubelet as far as these tests need:
// - Registers a Node (Ready, generous capacity, address 127.0.0.1) and keeps it alive with a Lease in
//   kube-node-lease (and status heartbeats), so the node lifecycle controller never taints or evicts: tests run
//   kube-controller-manager with all its default controllers (see pod-runner/node.ts).
// - Watches pods of one namespace (an informer: list + watch with resourceVersion, restarted with backoff).
//   A pod matching the selector and of a known component (app.kubernetes.io/component = broker | zookeeper)
//   without spec.nodeName is bound (pods/binding) to the Node, then run. Other pods (Kafka-UI) stay Pending.
// - Volumes: configMap → files in a per-pod dir, re-read at every container start; persistentVolumeClaim
//   (the StatefulSet's volumeClaimTemplates, claim <template>-<pod>) → <dir>/pvc/<claim>, which survives pod
//   deletion and re-creation; emptyDir → fresh per pod. Container paths are rewritten to local ones in args,
//   env values and materialized config files (one pass, longest mount path first).
// - Env: value, fieldRef (metadata.name/namespace/uid, labels['..'], annotations['..'], spec.nodeName,
//   status.podIP/hostIP → 127.0.0.1), configMapKeyRef, secretKeyRef, envFrom; $(VAR) expansion in env values
//   and args as the kubelet does.
// - Broker (component=broker): `node broker/dist/gregor-broker.cjs <pod args>` + overrides: listeners and
//   advertised.listeners on 127.0.0.1 and a local port that is stable per pod name, gregor.metrics.port=0 and
//   zookeeper.connect → the local client ports of the cluster's ZooKeeper pods (from its ZooKeeper StatefulSet).
// - ZooKeeper (component=zookeeper): real ZooKeeper (QuorumPeerMain, the JVM flags of helpers/zookeeper.ts),
//   zoo.cfg from the pod's ConfigMap with dataDir → the PVC dir and clientPort / every server.N → local ports
//   stable per pod name; myid = ordinal + 1 (what the image's start script derives). 1 and 3 members.
// - Readiness: the container's readinessProbe every 500 ms (initialDelaySeconds/periodSeconds are not honoured;
//   failureThreshold is): tcpSocket/httpGet on the local port of the (named) container port; the operator's
//   bash /dev/tcp exec probes (ZooKeeper `srvr` + `^Mode: `) are parsed and run as the same four-letter word
//   locally; any other exec probe counts as ready while the process runs. Liveness and startup probes are not
//   run. Pod status via the status subresource, only when it changed.
// - Exits: restartPolicy Always with backoff 1 s, 2 s, 4 s … 10 s (CrashLoopBackOff, restartCount).
// - Deletion: SIGTERM, SIGKILL after the grace period, then the kubelet's final delete (grace 0, uid
//   precondition). A re-created pod with the same name (new uid) starts only after the old process is gone,
//   with the same PVC dir and ports.
// - Logs: $GREGOR_TEST_LOG_DIR/pod-<ns>-<pod>-<stamp>.log per pod (all its starts), pod-runner-<ns>-<stamp>.log
//   for the runner itself. The address map file ({"<advertised host>:<port>": "127.0.0.1:<local>"}) for the
//   operator's --address-map is rewritten atomically whenever broker pods start, stop or change readiness.
import { spawn, type ChildProcess } from 'node:child_process';
import {
  appendFileSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AppsV1Api,
  CoreV1Api,
  makeInformer,
  type Informer,
  type KubeConfig,
  type KubernetesListObject,
  type ObjectCache,
  type V1Container,
  type V1ContainerState,
  type V1ContainerStatus,
  type V1Pod,
  type V1PodCondition,
  type V1PodStatus,
} from '@kubernetes/client-node';
import { freePort } from './broker.js';
import { BROKER_MAIN, TEST_LOG_DIR, requireJavaLibs } from './paths.js';
import { describeError, httpStatusOf, mergePatch } from './pod-runner/kube-util.js';
import { NodeAgent } from './pod-runner/node.js';
import { httpProbe, tcpProbe, wordProbe } from './pod-runner/probe.js';
import {
  containerPortOf,
  expandVars,
  fieldRefValue,
  parseTcpWordProbe,
  parseZkConnect,
  pathRewriter,
  podOrdinal,
  propertyValue,
  rewriteZooCfg,
  zooCfgPortNeeds,
  type Mount,
} from './pod-runner/spec.js';
import { liveChildren } from './children.js';
import { zookeeperJavaArgs } from './zookeeper.js';

export interface PodRunnerOptions {
  /** Admin credentials. */
  kubeConfig: KubeConfig;
  /** Only pods in this namespace. */
  namespace: string;
  /** Default "gregor-test-node". */
  nodeName?: string;
  /**
   * Only pods with these labels are run (e.g. {'app.kubernetes.io/managed-by': 'gregor-operator'}); and only
   * components it knows: app.kubernetes.io/component = broker | zookeeper. Others (Kafka-UI) stay Pending.
   */
  selector?: Record<string, string>;
  /** Where per-pod dirs, data ("PVCs", keyed by PVC name <volume>-<pod>) go. Default: a temp dir, removed by stop(). */
  dir?: string;
  /**
   * File the runner keeps up to date: JSON {"<advertised host>:<port>": "127.0.0.1:<local port>", ...} for every
   * running broker pod (pod DNS name <pod>.<headless svc>.<ns>.svc:<port>) and each cluster's bootstrap service
   * "<cluster>-bootstrap.<ns>.svc:<port>" → a ready broker. The operator reads it (--address-map).
   */
  addressMapFile: string;
}

export type PodEvent = 'started' | 'ready' | 'terminating' | 'exited' | 'deleted';

export interface PodHistoryEntry {
  pod: string;
  uid: string;
  event: PodEvent;
  at: number;
  detail?: string;
}

export const COMPONENT_LABEL = 'app.kubernetes.io/component';
export const INSTANCE_LABEL = 'app.kubernetes.io/instance';
const KNOWN_COMPONENTS = new Set(['broker', 'zookeeper']);
const PROBE_INTERVAL_MS = 500;
const BACKOFF_MAX_MS = 10_000;
/** A container that ran this long before exiting starts its back-off from 1 s again. */
const BACKOFF_RESET_AFTER_MS = 30_000;

const live = liveChildren;

/** A reason to wait before the container can start (kubelet: ContainerCreating), retried every second. */
class NotYet extends Error {}

interface Launch {
  cmd: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
}

type ContainerRunState =
  | { kind: 'waiting'; reason: string; message?: string }
  | { kind: 'running'; startedAt: Date }
  | { kind: 'terminated'; t: Termination };

interface Termination {
  exitCode: number;
  signal?: number;
  reason: string;
  startedAt: Date;
  finishedAt: Date;
  containerID: string;
}

const SIGNAL_NUMBERS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGABRT: 6, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGTERM: 15 };

function stamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-');
}

function selectorString(sel: Record<string, string>): string {
  return Object.entries(sel)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** The environment processes inherit from us: no GREGOR_* config (GREGOR_LOG_LEVEL passes), no test runner noise. */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined) continue;
    if (k.startsWith('GREGOR_') && k !== 'GREGOR_LOG_LEVEL') continue;
    if (k === 'KUBECONFIG' || k === 'NODE_OPTIONS' || k.startsWith('VITEST') || k.startsWith('npm_')) continue;
    env[k] = v;
  }
  return env;
}

export class PodRunner {
  /** Pod lifecycle log for assertions: every start/stop with pod name, uid, time, reason (exit code/signal). */
  readonly history: PodHistoryEntry[] = [];
  readonly namespace: string;
  readonly nodeName: string;
  /** Root of per-pod dirs (<dir>/pods/<pod>-<uid>) and "PVCs" (<dir>/pvc/<claim>). */
  readonly dir: string;
  /** The runner's own log. */
  readonly logFile: string;
  readonly addressMapFile: string;
  /** @internal */ stopped = false;
  /** @internal */ readonly core: CoreV1Api;
  private readonly apps: AppsV1Api;
  private readonly ownsDir: boolean;
  private readonly selector: Record<string, string>;
  private readonly stamp = stamp();
  private informer!: Informer<V1Pod> & ObjectCache<V1Pod>;
  private node!: NodeAgent;
  /** Every pod instance by uid (kept after it finished: small, and keeps processFor/pids answerable). */
  private readonly instances = new Map<string, PodInstance>();
  /** The latest instance per pod name. */
  private readonly current = new Map<string, PodInstance>();
  private readonly ports = new Map<string, Map<number, number>>();
  private readonly usedPorts = new Set<number>();
  private portChain: Promise<unknown> = Promise.resolve();
  private readonly reconciling = new Map<string, { running: boolean; again: boolean }>();
  private readonly podLogFiles = new Map<string, string>();
  private readonly bindInFlight = new Set<string>();
  private readonly boundUids = new Set<string>();
  private resyncTimer: NodeJS.Timeout | undefined;
  private informerRestart: NodeJS.Timeout | undefined;
  private informerBackoffMs = 500;
  private lastAddressMap = '';

  private constructor(private readonly opts: PodRunnerOptions) {
    this.namespace = opts.namespace;
    this.nodeName = opts.nodeName ?? 'gregor-test-node';
    this.selector = opts.selector ?? {};
    this.addressMapFile = opts.addressMapFile;
    this.ownsDir = opts.dir === undefined;
    this.dir = opts.dir ?? mkdtempSync(join(tmpdir(), `gregor-pods-${opts.namespace}-`));
    mkdirSync(join(this.dir, 'pods'), { recursive: true });
    mkdirSync(join(this.dir, 'pvc'), { recursive: true });
    mkdirSync(TEST_LOG_DIR, { recursive: true });
    this.logFile = join(TEST_LOG_DIR, `pod-runner-${opts.namespace}-${this.stamp}-${process.pid}.log`);
    this.core = opts.kubeConfig.makeApiClient(CoreV1Api);
    this.apps = opts.kubeConfig.makeApiClient(AppsV1Api);
  }

  static async start(opts: PodRunnerOptions): Promise<PodRunner> {
    const r = new PodRunner(opts);
    r.log(`start: namespace ${r.namespace}, node ${r.nodeName}, selector ${JSON.stringify(r.selector)}, dir ${r.dir}`);
    try {
      r.writeAddressMap({});
      r.node = new NodeAgent(opts.kubeConfig, r.nodeName, (m) => r.log(m));
      await r.node.start();
      await r.startInformer();
      r.resyncTimer = setInterval(() => r.resync(), 3000);
      r.resyncTimer.unref?.();
    } catch (e) {
      await r.stop().catch(() => {});
      throw e;
    }
    return r;
  }

  // ------------------------------------------------------------------------------------------- public API

  /**
   * Kills every process (SIGTERM — brokers first, then ZooKeeper — and SIGKILL for what has not exited after
   * `graceMs`), stops the watch and the node heartbeats, empties the address map. Pods stay in the apiserver.
   */
  async stop(graceMs = 5000): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.log('stop');
    clearInterval(this.resyncTimer);
    clearTimeout(this.informerRestart);
    this.node?.stop();
    try {
      await this.informer?.stop();
    } catch (e) {
      this.log(`informer stop: ${String(e)}`);
    }
    const all = [...this.instances.values()];
    // Brokers before ZooKeeper, as a cluster is taken down: a broker's controlled shutdown needs ZooKeeper.
    for (const group of [all.filter((i) => i.component !== 'zookeeper'), all.filter((i) => i.component === 'zookeeper')]) {
      for (const i of group) i.signal('SIGTERM', 'runner stop');
      const exited = Promise.all(group.map((i) => i.processExited()));
      const graceful = await Promise.race([exited.then(() => true), sleep(graceMs).then(() => false)]);
      if (!graceful) for (const i of group) i.signal('SIGKILL', `runner stop: no exit ${graceMs} ms after SIGTERM`);
      await Promise.race([exited, sleep(5000)]);
    }
    for (const i of all) i.signal('SIGKILL', 'runner stop: still alive');
    for (const i of all) i.wake();
    await Promise.race([Promise.all(all.map((i) => i.done)), sleep(5000)]);
    this.writeAddressMap({});
    if (this.ownsDir && process.env.GREGOR_KEEP_TEST_DIRS !== '1') rmSync(this.dir, { recursive: true, force: true });
  }

  /** Local address of a running broker pod, e.g. for test clients: "127.0.0.1:port". */
  brokerAddress(podName: string): string | undefined {
    const i = this.current.get(podName);
    if (!i || i.component !== 'broker' || !i.alive || i.kafkaLocalPort === undefined) return undefined;
    return `127.0.0.1:${i.kafkaLocalPort}`;
  }

  /** Bootstrap for test clients: all running broker pods of a cluster, comma-separated. */
  bootstrap(cluster: string): string {
    return this.runningBrokers()
      .filter((i) => i.cluster === cluster)
      .map((i) => `127.0.0.1:${i.kafkaLocalPort}`)
      .join(',');
  }

  processFor(podName: string): { pid: number | undefined; alive: boolean } | undefined {
    const i = this.current.get(podName);
    if (!i) return undefined;
    return { pid: i.pid, alive: i.alive };
  }

  /** kill -9 the process of a pod (the runner then restarts it like a kubelet with restartPolicy Always, with backoff). */
  crash(podName: string): void {
    const i = this.current.get(podName);
    if (!i) throw new Error(`no pod ${podName} runs here`);
    this.log(`crash(${podName}): SIGKILL pid ${i.pid}`);
    i.signal('SIGKILL', 'crash() by the test');
  }

  /** The local dir standing in for a PersistentVolumeClaim ("data-dev-broker-0"). */
  pvcDir(claimName: string): string {
    return join(this.dir, 'pvc', claimName);
  }

  /** The log file of a pod's processes (all its instances and restarts). */
  podLogFile(podName: string): string {
    let f = this.podLogFiles.get(podName);
    if (!f) {
      f = join(TEST_LOG_DIR, `pod-${this.namespace}-${podName}-${this.stamp}-${process.pid}.log`);
      this.podLogFiles.set(podName, f);
    }
    return f;
  }

  /** The local port standing in for a container port of a pod, once assigned. */
  localPortOf(podName: string, containerPort: number): number | undefined {
    return this.ports.get(podName)?.get(containerPort);
  }

  /** The last `lines` lines of the runner's log (for assertion messages). */
  logTail(lines = 60): string {
    try {
      return readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '(no runner log)';
    }
  }

  // ------------------------------------------------------------------------------------------- internals

  /** @internal */
  log(msg: string): void {
    try {
      appendFileSync(this.logFile, `${new Date().toISOString()} ${msg}\n`);
    } catch {
      /* logging must never throw */
    }
  }

  /** @internal */
  record(pod: string, uid: string, event: PodEvent, detail?: string): void {
    this.history.push({ pod, uid, event, at: Date.now(), ...(detail !== undefined ? { detail } : {}) });
    this.log(`[${pod} ${uid.slice(0, 8)}] ${event}${detail !== undefined ? ` ${detail}` : ''}`);
  }

  /** @internal Local port for (pod, container port), allocated once per pod name and reused forever after. */
  localPort(pod: string, containerPort: number): Promise<number> {
    const run = this.portChain.then(async () => {
      let m = this.ports.get(pod);
      if (!m) {
        m = new Map();
        this.ports.set(pod, m);
      }
      let p = m.get(containerPort);
      if (p === undefined) {
        for (let attempt = 0; attempt < 50 && p === undefined; attempt++) {
          const c = await freePort();
          if (!this.usedPorts.has(c)) p = c;
        }
        if (p === undefined) throw new Error('no distinct free port found');
        this.usedPorts.add(p);
        m.set(containerPort, p);
        this.log(`port ${pod}:${containerPort} → 127.0.0.1:${p}`);
      }
      return p;
    });
    this.portChain = run.catch(() => {});
    return run;
  }

  /** @internal The ZooKeeper pod names of a cluster: from its ZooKeeper StatefulSet(s), plus pods seen. */
  async zookeeperPodsOf(cluster: string): Promise<string[]> {
    const names = new Set<string>();
    try {
      const list = await this.apps.listNamespacedStatefulSet({
        namespace: this.namespace,
        labelSelector: `${INSTANCE_LABEL}=${cluster},${COMPONENT_LABEL}=zookeeper`,
      });
      for (const s of list.items) {
        for (let i = 0; i < (s.spec?.replicas ?? 1); i++) names.add(`${s.metadata!.name}-${i}`);
      }
    } catch (e) {
      this.log(`list ZooKeeper StatefulSets of ${cluster}: ${describeError(e)}`);
    }
    for (const p of this.informer.list(this.namespace)) {
      const l = p.metadata?.labels ?? {};
      if (l[INSTANCE_LABEL] === cluster && l[COMPONENT_LABEL] === 'zookeeper' && p.metadata?.name) names.add(p.metadata.name);
    }
    return [...names].sort((a, b) => (podOrdinal(a) ?? 0) - (podOrdinal(b) ?? 0) || a.localeCompare(b));
  }

  private runningBrokers(): PodInstance[] {
    return [...this.current.values()]
      .filter((i) => i.component === 'broker' && i.alive && i.kafkaLocalPort !== undefined)
      .sort((a, b) => a.cluster.localeCompare(b.cluster) || (podOrdinal(a.name) ?? 0) - (podOrdinal(b.name) ?? 0));
  }

  /** @internal Rewrites the address map file from the running broker pods (only when its content changes). */
  updateAddressMap(): void {
    try {
      const map: Record<string, string> = {};
      const brokers = this.runningBrokers();
      for (const b of brokers) {
        const host = b.podDnsName();
        if (host && b.kafkaContainerPort !== undefined) map[`${host}:${b.kafkaContainerPort}`] = `127.0.0.1:${b.kafkaLocalPort}`;
      }
      for (const cluster of new Set(brokers.map((b) => b.cluster))) {
        const ready = brokers.find((b) => b.cluster === cluster && b.ready);
        if (ready && ready.kafkaContainerPort !== undefined) {
          map[`${cluster}-bootstrap.${this.namespace}.svc:${ready.kafkaContainerPort}`] = `127.0.0.1:${ready.kafkaLocalPort}`;
        }
      }
      this.writeAddressMap(map);
    } catch (e) {
      this.log(`address map update failed: ${String(e)}`);
    }
  }

  private writeAddressMap(map: Record<string, string>): void {
    const sorted = Object.fromEntries(Object.entries(map).sort(([a], [b]) => a.localeCompare(b)));
    const text = `${JSON.stringify(sorted, null, 2)}\n`;
    if (text === this.lastAddressMap) return;
    mkdirSync(dirname(this.addressMapFile), { recursive: true });
    const tmp = `${this.addressMapFile}.tmp-${process.pid}`;
    writeFileSync(tmp, text);
    renameSync(tmp, this.addressMapFile);
    this.lastAddressMap = text;
    this.log(`address map: ${JSON.stringify(sorted)}`);
  }

  private async startInformer(): Promise<void> {
    const labelSelector = selectorString(this.selector);
    const path = `/api/v1/namespaces/${this.namespace}/pods`;
    const listFn = () =>
      this.core.listNamespacedPod({
        namespace: this.namespace,
        ...(labelSelector ? { labelSelector } : {}),
      }) as Promise<KubernetesListObject<V1Pod>>;
    this.informer = makeInformer<V1Pod>(this.opts.kubeConfig, path, listFn, labelSelector || undefined);
    const onObj = (pod: V1Pod) => {
      this.informerBackoffMs = 500;
      const name = pod?.metadata?.name;
      if (name) this.enqueue(name);
    };
    this.informer.on('add', onObj);
    this.informer.on('update', onObj);
    this.informer.on('delete', onObj);
    this.informer.on('error', (err: unknown) => {
      if (this.stopped) return;
      const delay = this.informerBackoffMs;
      this.informerBackoffMs = Math.min(10_000, delay * 2);
      this.log(`pod watch failed (${describeError(err)}); restarting in ${delay} ms`);
      clearTimeout(this.informerRestart);
      this.informerRestart = setTimeout(() => {
        if (this.stopped) return;
        this.informer
          .start()
          .then(() => (this.stopped ? this.informer.stop() : undefined))
          .catch((e: unknown) => this.log(`pod watch restart failed: ${describeError(e)}`));
      }, delay);
      this.informerRestart.unref?.();
    });
    await this.informer.start();
  }

  /** Level-triggered safety net: every pod known to the cache or to us is reconciled every few seconds. */
  private resync(): void {
    if (this.stopped) return;
    try {
      const names = new Set<string>(this.current.keys());
      for (const p of this.informer.list(this.namespace)) if (p.metadata?.name) names.add(p.metadata.name);
      for (const n of names) this.enqueue(n);
    } catch (e) {
      this.log(`resync: ${String(e)}`);
    }
  }

  /** @internal One reconcile per pod name at a time; a request during a run makes it run once more. */
  enqueue(name: string): void {
    if (this.stopped) return;
    let st = this.reconciling.get(name);
    if (!st) {
      st = { running: false, again: false };
      this.reconciling.set(name, st);
    }
    if (st.running) {
      st.again = true;
      return;
    }
    st.running = true;
    const state = st;
    void (async () => {
      do {
        state.again = false;
        try {
          await this.reconcile(name);
        } catch (e) {
          this.log(`[${name}] reconcile failed: ${describeError(e)}`);
        }
      } while (state.again && !this.stopped);
      state.running = false;
    })();
  }

  private wants(pod: V1Pod): boolean {
    const labels = pod.metadata?.labels ?? {};
    for (const [k, v] of Object.entries(this.selector)) if (labels[k] !== v) return false;
    return KNOWN_COMPONENTS.has(labels[COMPONENT_LABEL] ?? '');
  }

  private async reconcile(name: string): Promise<void> {
    if (this.stopped) return;
    const pod = this.informer.get(name, this.namespace);
    const inst = this.current.get(name);
    const uid = pod?.metadata?.uid;
    // The pod object this instance runs for is gone (finalized, force-deleted) or replaced by a new one.
    if (inst && (!pod || uid !== inst.uid)) inst.podGone();
    if (!pod || !uid || !this.wants(pod)) return;

    if (!pod.spec?.nodeName) {
      // Bound already (the watch has not delivered it yet), or being bound: nothing to do.
      if (pod.metadata?.deletionTimestamp || this.bindInFlight.has(uid) || this.boundUids.has(uid)) return;
      this.bindInFlight.add(uid);
      try {
        await this.core.createNamespacedBinding({
          namespace: this.namespace,
          body: {
            apiVersion: 'v1',
            kind: 'Binding',
            metadata: { name, namespace: this.namespace, uid },
            target: { apiVersion: 'v1', kind: 'Node', name: this.nodeName },
          },
        });
        this.boundUids.add(uid);
        this.log(`[${name} ${uid.slice(0, 8)}] bound to ${this.nodeName}`);
      } catch (e) {
        this.log(`[${name} ${uid.slice(0, 8)}] binding failed: ${describeError(e)}`);
      } finally {
        this.bindInFlight.delete(uid);
      }
      return; // the watch delivers the bound pod
    }
    if (pod.spec.nodeName !== this.nodeName) return;

    const mine = this.instances.get(uid);
    if (mine) {
      mine.update(pod);
      return;
    }
    if (pod.metadata?.deletionTimestamp) {
      // Bound here but never started by this runner (e.g. a previous runner's): confirm the deletion.
      await finalizePod(this, name, uid);
      return;
    }
    const created = new PodInstance(this, pod, inst);
    this.instances.set(uid, created);
    this.current.set(name, created);
    created.update(pod);
  }
}

/** The kubelet's last word on a pod: delete with grace 0, only this uid (never a re-created pod of that name). */
async function finalizePod(r: PodRunner, name: string, uid: string): Promise<void> {
  for (let attempt = 1; attempt <= 5; attempt++) {
    try {
      await r.core.deleteNamespacedPod({
        name,
        namespace: r.namespace,
        gracePeriodSeconds: 0,
        body: { gracePeriodSeconds: 0, preconditions: { uid } },
      });
      r.log(`[${name} ${uid.slice(0, 8)}] deletion confirmed (grace 0)`);
      return;
    } catch (e) {
      const s = httpStatusOf(e);
      if (s === 404 || s === 409) return; // gone, or the name belongs to a new pod already
      r.log(`[${name} ${uid.slice(0, 8)}] final delete attempt ${attempt} failed: ${describeError(e)}`);
      await sleep(500 * attempt);
    }
  }
}

/** One pod object (one uid) on this node: its container's process, restarts, probes and status. */
class PodInstance {
  readonly uid: string;
  readonly name: string;
  readonly component: 'broker' | 'zookeeper';
  readonly cluster: string;
  readonly podDir: string;
  readonly logFile: string;
  readonly done: Promise<void>;
  kafkaContainerPort: number | undefined;
  kafkaLocalPort: number | undefined;
  ready = false;
  private pod: V1Pod;
  private readonly container: V1Container;
  private proc: ChildProcess | null = null;
  private exitPromise: Promise<void> = Promise.resolve();
  private lastPid: number | undefined;
  private containerSeq = 0;
  private restartCount = 0;
  private crashStreak = 0;
  private state: ContainerRunState = { kind: 'waiting', reason: 'ContainerCreating' };
  private lastState: Termination | undefined;
  private everStarted = false;
  private terminating = false;
  private gone = false;
  private finished = false;
  private killTimer: NodeJS.Timeout | undefined;
  private killDeadline = Infinity;
  private wakeUp: (() => void) | null = null;
  private probeTimer: NodeJS.Timeout | undefined;
  private probing = false;
  private probeFailures = 0;
  private readonly warned = new Set<string>();
  private readonly startTime = new Date();
  private readonly condTimes = new Map<string, { status: string; time: Date }>();
  private lastStatusJson = '';
  private statusChain: Promise<void> = Promise.resolve();
  private resolveDone!: () => void;

  constructor(
    private readonly r: PodRunner,
    pod: V1Pod,
    previous: PodInstance | undefined,
  ) {
    this.pod = pod;
    this.uid = pod.metadata!.uid!;
    this.name = pod.metadata!.name!;
    const labels = pod.metadata?.labels ?? {};
    this.component = labels[COMPONENT_LABEL] as 'broker' | 'zookeeper';
    this.cluster = labels[INSTANCE_LABEL] ?? '';
    const containers = pod.spec?.containers ?? [];
    this.container = containers.find((c) => c.name === this.component) ?? containers[0]!;
    if (containers.length > 1) this.warnOnce('containers', `pod has ${containers.length} containers; only ${this.container.name} runs`);
    if ((pod.spec?.initContainers ?? []).length > 0) this.warnOnce('init', 'init containers are not run by the test pod runner');
    this.podDir = join(r.dir, 'pods', `${this.name}-${this.uid.slice(0, 8)}`);
    this.logFile = r.podLogFile(this.name);
    for (const c of pod.status?.conditions ?? []) {
      if (c.type && c.status && c.lastTransitionTime) this.condTimes.set(c.type, { status: c.status, time: new Date(c.lastTransitionTime) });
    }
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    void this.run(previous);
  }

  get pid(): number | undefined {
    return this.proc?.pid ?? this.lastPid;
  }

  get alive(): boolean {
    return this.proc !== null && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** <hostname>.<subdomain>.<ns>.svc, the name a StatefulSet pod has through its headless service. */
  podDnsName(): string | undefined {
    const sub = this.pod.spec?.subdomain;
    if (!sub) return undefined;
    return `${this.pod.spec?.hostname ?? this.name}.${sub}.${this.r.namespace}.svc`;
  }

  /** A newer version of the pod object from the watch. */
  update(pod: V1Pod): void {
    this.pod = pod;
    if (pod.metadata?.deletionTimestamp) {
      const grace = pod.metadata.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
      this.requestTermination(grace);
    }
  }

  /** The pod object no longer exists (or the name now belongs to another uid): stop the process quickly. */
  podGone(): void {
    if (this.gone) return;
    this.gone = true;
    this.r.record(this.name, this.uid, 'deleted');
    if (!this.terminating) this.requestTermination(2);
    else if (this.killDeadline > Date.now() + 2000) this.scheduleKill(2);
  }

  signal(sig: NodeJS.Signals, why: string): void {
    if (!this.alive) return;
    this.mark(`${sig} (${why})`);
    try {
      this.proc!.kill(sig);
    } catch {
      /* exited meanwhile */
    }
  }

  processExited(): Promise<void> {
    return this.exitPromise;
  }

  wake(): void {
    this.wakeUp?.();
  }

  private requestTermination(graceSeconds: number): void {
    if (!this.terminating) {
      this.terminating = true;
      this.r.record(this.name, this.uid, 'terminating', `grace=${graceSeconds}s`);
      this.ready = false;
      this.stopProbing();
      this.r.updateAddressMap();
      this.writeStatus();
      this.wake();
      this.signal('SIGTERM', `pod deletion, grace ${graceSeconds}s`);
      this.scheduleKill(graceSeconds);
    } else if (Date.now() + graceSeconds * 1000 < this.killDeadline) {
      this.scheduleKill(graceSeconds); // a shorter grace period wins, as in the kubelet
    }
  }

  private scheduleKill(graceSeconds: number): void {
    clearTimeout(this.killTimer);
    this.killDeadline = Date.now() + graceSeconds * 1000;
    this.killTimer = setTimeout(() => this.signal('SIGKILL', `grace period of ${graceSeconds}s over`), graceSeconds * 1000);
    this.killTimer.unref?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.wakeUp = null;
        resolve();
      }, ms);
      this.wakeUp = () => {
        clearTimeout(t);
        this.wakeUp = null;
        resolve();
      };
    });
  }

  private mark(msg: string): void {
    try {
      const fd = openSync(this.logFile, 'a');
      writeSync(fd, `\n===== [pod runner ${new Date().toISOString()}] ${this.name} uid=${this.uid}: ${msg} =====\n`);
      closeSync(fd);
    } catch {
      /* never throw from logging */
    }
  }

  private warnOnce(key: string, msg: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.r.log(`[${this.name} ${this.uid.slice(0, 8)}] ${msg}`);
  }

  private get stopping(): boolean {
    return this.terminating || this.r.stopped;
  }

  private async run(previous: PodInstance | undefined): Promise<void> {
    try {
      if (previous && !previous.finished) {
        this.r.log(`[${this.name} ${this.uid.slice(0, 8)}] waits for the previous pod ${previous.uid.slice(0, 8)} to stop`);
        await previous.done;
      }
      this.writeStatus();
      while (!this.stopping) {
        let launch: Launch;
        try {
          launch = await this.prepare();
        } catch (e) {
          const message = e instanceof Error ? e.message : String(e);
          const reason = e instanceof NotYet ? 'ContainerCreating' : 'CreateContainerConfigError';
          if (this.state.kind !== 'waiting' || this.state.message !== message) {
            this.r.log(`[${this.name} ${this.uid.slice(0, 8)}] cannot start yet (${reason}): ${message}`);
          }
          this.state = { kind: 'waiting', reason, message };
          this.writeStatus();
          await this.sleep(1000);
          continue;
        }
        if (this.stopping) break;
        const ranMs = await this.runContainer(launch);
        if (this.stopping) break;
        // restartPolicy Always: back off and start again.
        this.restartCount++;
        this.crashStreak = ranMs >= BACKOFF_RESET_AFTER_MS ? 1 : this.crashStreak + 1;
        const delay = Math.min(BACKOFF_MAX_MS, 1000 * 2 ** (this.crashStreak - 1));
        this.state = {
          kind: 'waiting',
          reason: 'CrashLoopBackOff',
          message: `back-off ${delay / 1000}s restarting failed container=${this.container.name} pod=${this.name}_${this.r.namespace}(${this.uid})`,
        };
        this.r.log(`[${this.name} ${this.uid.slice(0, 8)}] restart #${this.restartCount} in ${delay} ms`);
        this.writeStatus();
        await this.sleep(delay);
      }
    } catch (e) {
      this.r.log(`[${this.name} ${this.uid.slice(0, 8)}] pod loop failed: ${String((e as Error)?.stack ?? e)}`);
    } finally {
      this.stopProbing();
      clearTimeout(this.killTimer);
      this.finished = true;
      if (this.terminating && !this.gone && !this.r.stopped) {
        await this.statusChain;
        await finalizePod(this.r, this.name, this.uid);
      }
      this.resolveDone();
      this.r.enqueue(this.name);
    }
  }

  /** Starts the process, probes it until it exits; returns how long it ran. */
  private async runContainer(launch: Launch): Promise<number> {
    this.containerSeq++;
    const containerID = `pod-runner://${this.uid.slice(0, 8)}-${this.containerSeq}`;
    this.mark(`start #${this.containerSeq} (restartCount ${this.restartCount}): ${launch.cmd} ${launch.args.join(' ')}`);
    const fd = openSync(this.logFile, 'a');
    let proc: ChildProcess;
    try {
      proc = spawn(launch.cmd, launch.args, { cwd: launch.cwd, env: launch.env, stdio: ['ignore', fd, fd] });
    } finally {
      closeSync(fd);
    }
    this.proc = proc;
    this.lastPid = proc.pid;
    live.add(proc);
    const startedAt = new Date();
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: string }>((resolve) => {
      proc.once('exit', (code, signal) => resolve({ code, signal }));
      proc.once('error', (e) => resolve({ code: 128, signal: null, error: e.message }));
    });
    this.exitPromise = exited.then(() => undefined);
    this.everStarted = true;
    this.state = { kind: 'running', startedAt };
    this.probeFailures = 0;
    this.r.record(this.name, this.uid, 'started', `pid=${proc.pid} restartCount=${this.restartCount}`);
    this.r.updateAddressMap();
    this.writeStatus();
    this.startProbing();
    // A deletion that raced with the start: the new process gets its SIGTERM too.
    if (this.terminating) this.signal('SIGTERM', 'pod deletion (during start)');

    const ex = await exited;
    live.delete(proc);
    this.stopProbing();
    this.ready = false;
    const finishedAt = new Date();
    const signalNo = ex.signal ? SIGNAL_NUMBERS[ex.signal] ?? 0 : undefined;
    const exitCode = ex.code ?? 128 + (signalNo ?? 0);
    const detail = `code=${ex.code} signal=${ex.signal}${ex.error ? ` error=${ex.error}` : ''}`;
    this.mark(`exit ${detail}`);
    this.r.record(this.name, this.uid, 'exited', detail);
    const t: Termination = {
      exitCode,
      ...(signalNo !== undefined ? { signal: signalNo } : {}),
      reason: exitCode === 0 ? 'Completed' : 'Error',
      startedAt,
      finishedAt,
      containerID,
    };
    this.lastState = t;
    this.state = { kind: 'terminated', t };
    this.r.updateAddressMap();
    this.writeStatus();
    return finishedAt.getTime() - startedAt.getTime();
  }

  // ------------------------------------------------------------------------------------ probes and status

  private startProbing(): void {
    this.stopProbing();
    this.probeTimer = setInterval(() => void this.probeOnce(), PROBE_INTERVAL_MS);
    this.probeTimer.unref?.();
    void this.probeOnce();
  }

  private stopProbing(): void {
    clearInterval(this.probeTimer);
    this.probeTimer = undefined;
  }

  private async probeOnce(): Promise<void> {
    if (this.probing || !this.alive || this.terminating) return;
    this.probing = true;
    const proc = this.proc;
    try {
      const ok = await this.readinessProbe();
      if (this.proc !== proc || !this.alive || this.terminating) return;
      if (ok) {
        this.probeFailures = 0;
        if (!this.ready) {
          this.ready = true;
          this.r.record(this.name, this.uid, 'ready');
          this.r.updateAddressMap();
        }
      } else {
        this.probeFailures++;
        const threshold = this.container.readinessProbe?.failureThreshold ?? 3;
        if (this.ready && this.probeFailures >= threshold) {
          this.ready = false;
          this.r.log(`[${this.name} ${this.uid.slice(0, 8)}] not ready: ${this.probeFailures} readiness probe failures`);
          this.r.updateAddressMap();
        }
      }
      this.writeStatus();
    } catch (e) {
      this.r.log(`[${this.name} ${this.uid.slice(0, 8)}] probe error: ${String(e)}`);
    } finally {
      this.probing = false;
    }
  }

  private probeLocalPort(port: number | string | undefined): number | undefined {
    const cp = containerPortOf(this.container, port);
    const lp = cp === undefined ? undefined : this.r.localPortOf(this.name, cp);
    if (lp === undefined) this.warnOnce(`probe-port-${String(port)}`, `probe port ${String(port)} has no local port; probe fails`);
    return lp;
  }

  private async readinessProbe(): Promise<boolean> {
    const p = this.container.readinessProbe;
    if (!p) return true;
    const timeoutMs = Math.min(3000, (p.timeoutSeconds ?? 1) * 1000);
    if (p.tcpSocket) {
      const lp = this.probeLocalPort(p.tcpSocket.port);
      return lp !== undefined && tcpProbe(lp, timeoutMs);
    }
    if (p.httpGet) {
      const lp = this.probeLocalPort(p.httpGet.port);
      return lp !== undefined && httpProbe(lp, p.httpGet.path ?? '/', timeoutMs);
    }
    if (p.exec) {
      const parsed = parseTcpWordProbe(p.exec.command ?? []);
      if (parsed) {
        const lp = this.probeLocalPort(parsed.port);
        if (lp === undefined) return false;
        const answer = await wordProbe(lp, parsed.word, timeoutMs);
        return answer !== null && parsed.pattern.test(answer);
      }
      this.warnOnce('exec-probe', `exec probe ${JSON.stringify(p.exec.command)} cannot run locally: ready while running`);
      return true;
    }
    return true;
  }

  private condition(type: string, ok: boolean, reason?: string): V1PodCondition {
    const status = ok ? 'True' : 'False';
    const prev = this.condTimes.get(type);
    let time = prev?.time;
    if (!prev || prev.status !== status) {
      time = new Date();
      this.condTimes.set(type, { status, time });
    }
    return { type, status, lastTransitionTime: time!, ...(!ok && reason ? { reason } : {}) };
  }

  private containerState(): V1ContainerState {
    const s = this.state;
    if (s.kind === 'running') return { running: { startedAt: s.startedAt } };
    if (s.kind === 'waiting') return { waiting: { reason: s.reason, ...(s.message ? { message: s.message } : {}) } };
    return { terminated: terminatedState(s.t) };
  }

  private computeStatus(): V1PodStatus {
    const c = this.container;
    // lastState: the termination before the current container (the current one's own is `state` when terminated).
    const last = this.state.kind === 'terminated' ? undefined : this.lastState;
    const running = this.state.kind === 'running';
    const cs: V1ContainerStatus = {
      name: c.name,
      image: c.image ?? '',
      imageID: '',
      ...(this.containerSeq > 0 ? { containerID: `pod-runner://${this.uid.slice(0, 8)}-${this.containerSeq}` } : {}),
      ready: this.ready,
      started: running,
      restartCount: this.restartCount,
      state: this.containerState(),
      lastState: last ? { terminated: terminatedState(last) } : {},
    };
    return {
      phase: this.everStarted ? 'Running' : 'Pending',
      conditions: [
        this.condition('PodReadyToStartContainers', true),
        this.condition('Initialized', true),
        this.condition('Ready', this.ready, 'ContainersNotReady'),
        this.condition('ContainersReady', this.ready, 'ContainersNotReady'),
        this.condition('PodScheduled', true),
      ],
      hostIP: '127.0.0.1',
      hostIPs: [{ ip: '127.0.0.1' }],
      podIP: '127.0.0.1',
      podIPs: [{ ip: '127.0.0.1' }],
      startTime: this.startTime,
      containerStatuses: [cs],
    };
  }

  /** Patches the pod's status subresource when it differs from what was last written. Never throws. */
  private writeStatus(): void {
    if (this.gone || this.r.stopped) return;
    let status: V1PodStatus;
    try {
      status = this.computeStatus();
    } catch (e) {
      this.r.log(`[${this.name}] status: ${String(e)}`);
      return;
    }
    const json = JSON.stringify(status);
    if (json === this.lastStatusJson) return;
    this.lastStatusJson = json;
    this.statusChain = this.statusChain.then(async () => {
      if (this.gone || this.r.stopped) return;
      try {
        await this.r.core.patchNamespacedPodStatus({ name: this.name, namespace: this.r.namespace, body: { status } }, mergePatch);
      } catch (e) {
        if (httpStatusOf(e) === 404) return;
        this.r.log(`[${this.name} ${this.uid.slice(0, 8)}] status update failed: ${describeError(e)}`);
        if (this.lastStatusJson === json) this.lastStatusJson = ''; // retried with the next change or probe
      }
    });
  }

  // ------------------------------------------------------------------------------------ container setup

  /** Volumes, env, args and the command line for the next start of the container (re-read every start). */
  private async prepare(): Promise<Launch> {
    const pod = this.pod;
    const c = this.container;
    mkdirSync(this.podDir, { recursive: true });

    // Volumes → local dirs. ConfigMaps/Secrets are written after the path rewriter exists (contents are rewritten).
    const volLocal = new Map<string, string>();
    const fileVolumes: { name: string; dir: string; kind: 'configMap' | 'secret'; source: string; optional: boolean; items?: { key: string; path: string }[] }[] = [];
    for (const v of pod.spec?.volumes ?? []) {
      const dir = join(this.podDir, 'volumes', v.name);
      if (v.persistentVolumeClaim) {
        const d = this.r.pvcDir(v.persistentVolumeClaim.claimName);
        mkdirSync(d, { recursive: true });
        volLocal.set(v.name, d);
      } else if (v.emptyDir) {
        mkdirSync(dir, { recursive: true }); // fresh per pod (per uid), kept across container restarts
        volLocal.set(v.name, dir);
      } else if (v.configMap) {
        volLocal.set(v.name, dir);
        fileVolumes.push({ name: v.name, dir, kind: 'configMap', source: v.configMap.name ?? '', optional: !!v.configMap.optional, ...(v.configMap.items ? { items: v.configMap.items } : {}) });
      } else if (v.secret) {
        volLocal.set(v.name, dir);
        fileVolumes.push({ name: v.name, dir, kind: 'secret', source: v.secret.secretName ?? '', optional: !!v.secret.optional, ...(v.secret.items ? { items: v.secret.items } : {}) });
      } else if (v.hostPath) {
        volLocal.set(v.name, v.hostPath.path);
      } else {
        mkdirSync(dir, { recursive: true });
        volLocal.set(v.name, dir);
        this.warnOnce(`vol-${v.name}`, `volume ${v.name}: type not supported, an empty dir instead`);
      }
    }
    const mounts: Mount[] = [];
    for (const m of c.volumeMounts ?? []) {
      const base = volLocal.get(m.name);
      if (base === undefined) throw new Error(`volumeMount ${m.name}: no such volume`);
      mounts.push({ mountPath: m.mountPath, local: m.subPath ? join(base, m.subPath) : base });
    }
    const rewrite = pathRewriter(mounts);
    for (const fv of fileVolumes) await this.materialize(fv, rewrite);

    const env = await this.resolveEnv(c, rewrite);
    const expand = (s: string) => rewrite(expandVars(s, (n) => env.get(n)));
    const args = (c.args ?? []).map(expand);
    const command = (c.command ?? []).map(expand);

    const procEnv: Record<string, string> = { ...baseEnv(), ...Object.fromEntries(env) };
    const tmpMount = mounts.find((m) => m.mountPath.replace(/\/+$/, '') === '/tmp');
    if (tmpMount) procEnv.TMPDIR = tmpMount.local;

    if (this.component === 'broker') return this.brokerLaunch(command, args, procEnv);
    return this.zookeeperLaunch(mounts, procEnv);
  }

  private async materialize(
    fv: { name: string; dir: string; kind: 'configMap' | 'secret'; source: string; optional: boolean; items?: { key: string; path: string }[] },
    rewrite: (s: string) => string,
  ): Promise<void> {
    let data: Record<string, Buffer> = {};
    try {
      if (fv.kind === 'configMap') {
        const cm = await this.r.core.readNamespacedConfigMap({ name: fv.source, namespace: this.r.namespace });
        for (const [k, v] of Object.entries(cm.data ?? {})) data[k] = Buffer.from(rewrite(v), 'utf8');
        for (const [k, v] of Object.entries(cm.binaryData ?? {})) data[k] = Buffer.from(v, 'base64');
      } else {
        const s = await this.r.core.readNamespacedSecret({ name: fv.source, namespace: this.r.namespace });
        for (const [k, v] of Object.entries(s.data ?? {})) data[k] = Buffer.from(v, 'base64');
      }
    } catch (e) {
      if (httpStatusOf(e) === 404 && fv.optional) data = {};
      else throw new NotYet(`volume ${fv.name}: ${fv.kind} "${fv.source}": ${describeError(e)}`);
    }
    rmSync(fv.dir, { recursive: true, force: true });
    mkdirSync(fv.dir, { recursive: true });
    const files = fv.items ? fv.items.map((i) => [i.key, i.path] as const) : Object.keys(data).map((k) => [k, k] as const);
    for (const [key, path] of files) {
      const content = data[key];
      if (content === undefined) {
        if (fv.optional) continue;
        throw new Error(`volume ${fv.name}: ${fv.kind} "${fv.source}" has no key ${key}`);
      }
      const file = join(fv.dir, path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
    }
  }

  private async resolveEnv(c: V1Container, rewrite: (s: string) => string): Promise<Map<string, string>> {
    const env = new Map<string, string>();
    const ns = this.r.namespace;
    const readCm = async (name: string) => (await this.r.core.readNamespacedConfigMap({ name, namespace: ns })).data ?? {};
    const readSecret = async (name: string) => {
      const d = (await this.r.core.readNamespacedSecret({ name, namespace: ns })).data ?? {};
      return Object.fromEntries(Object.entries(d).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
    };
    for (const ef of c.envFrom ?? []) {
      try {
        const data = ef.configMapRef ? await readCm(ef.configMapRef.name ?? '') : ef.secretRef ? await readSecret(ef.secretRef.name ?? '') : {};
        for (const [k, v] of Object.entries(data)) env.set(`${ef.prefix ?? ''}${k}`, rewrite(v));
      } catch (e) {
        if (!(ef.configMapRef?.optional || ef.secretRef?.optional)) throw new NotYet(`envFrom: ${describeError(e)}`);
      }
    }
    for (const e of c.env ?? []) {
      let v = '';
      const from = e.valueFrom;
      if (e.value !== undefined) {
        v = expandVars(e.value, (n) => env.get(n));
      } else if (from?.fieldRef) {
        const fv = fieldRefValue(this.pod, from.fieldRef.fieldPath, this.r.nodeName);
        if (fv === undefined) this.warnOnce(`field-${from.fieldRef.fieldPath}`, `env ${e.name}: fieldRef ${from.fieldRef.fieldPath} unsupported, empty`);
        v = fv ?? '';
      } else if (from?.configMapKeyRef) {
        const ref = from.configMapKeyRef;
        try {
          const val = (await readCm(ref.name ?? ''))[ref.key];
          if (val === undefined && !ref.optional) throw new Error(`no key ${ref.key}`);
          v = val ?? '';
        } catch (err) {
          if (!ref.optional) throw new NotYet(`env ${e.name}: configMap ${ref.name}: ${describeError(err)}`);
        }
      } else if (from?.secretKeyRef) {
        const ref = from.secretKeyRef;
        try {
          const val = (await readSecret(ref.name ?? ''))[ref.key];
          if (val === undefined && !ref.optional) throw new Error(`no key ${ref.key}`);
          v = val ?? '';
        } catch (err) {
          if (!ref.optional) throw new NotYet(`env ${e.name}: secret ${ref.name}: ${describeError(err)}`);
        }
      } else if (from?.resourceFieldRef) {
        v = '0';
        this.warnOnce(`res-${e.name}`, `env ${e.name}: resourceFieldRef not supported, "0"`);
      }
      env.set(e.name, rewrite(v));
    }
    return env;
  }

  private async brokerLaunch(command: string[], args: string[], env: Record<string, string>): Promise<Launch> {
    if (command.length > 0) this.warnOnce('broker-command', `container command ${JSON.stringify(command)} ignored: the broker entry point runs with the args`);
    const c = this.container;
    const containerPort = containerPortOf(c, 'kafka') ?? c.ports?.[0]?.containerPort ?? 9092;
    this.kafkaContainerPort = containerPort;
    const local = await this.r.localPort(this.name, containerPort);
    this.kafkaLocalPort = local;

    // The listener name the pod advertises (advertised.listeners=NAME://host:port), PLAINTEXT by default.
    const overrideOf = (key: string): string | undefined => {
      let found: string | undefined;
      for (let i = 0; i < args.length; i++) {
        const a = args[i]!;
        const v = a === '--override' ? args[i + 1] : a.startsWith('--override=') ? a.slice('--override='.length) : undefined;
        if (v !== undefined && v.startsWith(`${key}=`)) found = v.slice(key.length + 1);
      }
      return found;
    };
    const configIdx = args.findIndex((a) => a === '--config' || a.startsWith('--config='));
    const configPath = configIdx < 0 ? undefined : args[configIdx] === '--config' ? args[configIdx + 1] : args[configIdx]!.slice('--config='.length);
    let configText = '';
    if (configPath) {
      if (!isAbsolute(configPath) || !existsSync(configPath)) throw new NotYet(`config file ${configPath} does not exist`);
      configText = readFileSync(configPath, 'utf8');
    }
    const advertised = overrideOf('advertised.listeners') ?? propertyValue(configText, 'advertised.listeners') ?? propertyValue(configText, 'listeners') ?? '';
    const listenerName = /^([A-Za-z0-9_]+):\/\//.exec(advertised)?.[1] ?? 'PLAINTEXT';

    const extra = [
      '--override',
      `listeners=${listenerName}://127.0.0.1:${local}`,
      '--override',
      `advertised.listeners=${listenerName}://127.0.0.1:${local}`,
      '--override',
      'gregor.metrics.port=0',
    ];
    const zk = overrideOf('zookeeper.connect') ?? propertyValue(configText, 'zookeeper.connect');
    if (zk) {
      const { hosts, chroot } = parseZkConnect(zk);
      const local127 = hosts.every((h) => h.host === '127.0.0.1' || h.host === 'localhost');
      if (!local127) {
        if (!this.cluster) throw new Error(`zookeeper.connect=${zk} but the pod has no ${INSTANCE_LABEL} label`);
        const zkPods = await this.r.zookeeperPodsOf(this.cluster);
        if (zkPods.length === 0) throw new NotYet(`no ZooKeeper pods of cluster ${this.cluster} yet (zookeeper.connect=${zk})`);
        const clientPort = hosts[0]?.port ?? 2181;
        const ports = [];
        for (const p of zkPods) ports.push(await this.r.localPort(p, clientPort));
        extra.push('--override', `zookeeper.connect=${ports.map((p) => `127.0.0.1:${p}`).join(',')}${chroot}`);
      }
    }
    return { cmd: process.execPath, args: [BROKER_MAIN, ...args, ...extra], env, cwd: this.podDir };
  }

  private async zookeeperLaunch(mounts: Mount[], env: Record<string, string>): Promise<Launch> {
    requireJavaLibs();
    const cfgMount = mounts.find((m) => /\/zoo\.cfg$/.test(m.mountPath)) ?? mounts.find((m) => existsSync(join(m.local, 'zoo.cfg')));
    const source = cfgMount ? (/\/zoo\.cfg$/.test(cfgMount.mountPath) ? cfgMount.local : join(cfgMount.local, 'zoo.cfg')) : undefined;
    if (!source || !existsSync(source)) throw new NotYet('no zoo.cfg among the mounted volumes');
    const text = readFileSync(source, 'utf8'); // paths already rewritten when the ConfigMap was materialized
    for (const [pod, cp] of zooCfgPortNeeds(text, this.name)) await this.r.localPort(pod, cp);
    const cfg = rewriteZooCfg(
      text,
      this.name,
      {
        port: (pod, cp) => {
          const p = this.r.localPortOf(pod, cp);
          if (p === undefined) throw new Error(`no local port for ${pod}:${cp}`);
          return p;
        },
      },
      (s) => s,
    );
    const dataDir = propertyValue(cfg, 'dataDir');
    if (!dataDir || !isAbsolute(dataDir)) throw new Error(`zoo.cfg has no absolute dataDir (${dataDir})`);
    mkdirSync(dataDir, { recursive: true });
    const ordinal = podOrdinal(this.name);
    if (ordinal === undefined) throw new Error(`pod name ${this.name} has no ordinal`);
    // What the operator's start script derives (ZOO_MY_ID = ordinal + 1) and the image's entrypoint writes.
    writeFileSync(join(dataDir, 'myid'), `${ordinal + 1}\n`);
    const cfgFile = join(this.podDir, 'zoo.cfg');
    writeFileSync(cfgFile, cfg);
    const args = zookeeperJavaArgs(cfgFile);
    return { cmd: 'java', args, env, cwd: this.podDir };
  }
}

function terminatedState(t: Termination) {
  return {
    exitCode: t.exitCode,
    ...(t.signal !== undefined ? { signal: t.signal } : {}),
    reason: t.reason,
    startedAt: t.startedAt,
    finishedAt: t.finishedAt,
    containerID: t.containerID,
  };
}
