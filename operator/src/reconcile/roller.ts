// The rolling restart of the brokers (I/O around the pure planRoll in roll-plan.ts). The broker StatefulSet
// uses updateStrategy OnDelete: after its pod template changes (image, config hash, resources, ...) nothing
// restarts until a pod is deleted, and the StatefulSet controller then recreates it from the new template.
// Called on every KafkaCluster reconcile; level-triggered: pods, the StatefulSet and the brokers are read
// afresh each time and at most one pod is deleted per call.
//
// Requeue: 5 s while waiting for pods or ISR (pod readiness changes also requeue through the StatefulSet's
// status); while the min.insync.replicas check blocks, 5 s the first time and 30 s while the same message
// repeats (status.roll.message of the previous reconcile), because that block is usually a configuration
// problem (rf ≤ min.insync.replicas) that waiting does not fix.
import { CoreV1Api, type KubeConfig, type V1Pod, type V1StatefulSet } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { AdminClient } from '@gregor/broker/client';
import type { RollStatus } from '../api/types.js';
import { brokerIdOf, POD_INDEX_LABEL } from '../resources/brokers.js';
import { resourceNames, selectorLabels, type ClusterModel } from '../resources/common.js';
import { httpStatusOf } from '../kube/apply.js';
import { planRoll, type BrokerPodView, type PartitionView, type RollStep } from './roll-plan.js';

export const REVISION_LABEL = 'controller-revision-hash';
/** Requeue while a restart is in flight (the deleted pod terminating and coming back). */
export const ROLL_REQUEUE_MS = 5_000;
/** Requeue while the same min-ISR block persists. */
export const ROLL_BLOCKED_REQUEUE_MS = 30_000;
/** Bound on the admin calls of one reconcile (the client's own retries can take a minute with brokers down). */
export const ROLL_ADMIN_TIMEOUT_MS = 20_000;
/** Topics per DescribeConfigs request (sent one after another). */
const CONFIG_CHUNK = 200;

export interface RollInput {
  kc: KubeConfig;
  /** From clusterModel(cluster, defaults). */
  model: ClusterModel;
  brokerStatefulSet: V1StatefulSet | null;
  /** null while no broker pod is ready. */
  admin: AdminClient | null;
  log: Logger;
  event(type: 'Normal' | 'Warning', reason: string, message: string): Promise<void>;
  /** status.roll from the last reconcile. */
  previous?: RollStatus;
}

export interface RollDecision {
  /** status.roll to write (undefined = nothing pending → remove). */
  roll?: RollStatus;
  progress?: { reason: 'RollingRestart'; message: string };
  requeueAfterMs?: number;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  p.catch(() => undefined); // a late failure after the timeout is not an unhandled rejection
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Pod condition Ready=True. */
function podReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** A container (init or main) waiting in CrashLoopBackOff, or currently terminated with an error after restarts. */
export function podCrashLooping(pod: V1Pod): boolean {
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  return statuses.some((s) => {
    if (s.state?.waiting?.reason === 'CrashLoopBackOff') return true;
    const t = s.state?.terminated;
    return t !== undefined && (s.restartCount ?? 0) > 0 && (t.reason === 'Error' || (t.exitCode ?? 0) !== 0);
  });
}

/** Broker id of a broker pod: the pod-index label, else the ordinal suffix of its name; undefined if neither. */
export function podBrokerId(pod: V1Pod, statefulSetName: string): number | undefined {
  const label = pod.metadata?.labels?.[POD_INDEX_LABEL];
  if (label !== undefined && /^\d+$/.test(label)) return brokerIdOf(Number(label));
  const name = pod.metadata?.name ?? '';
  const prefix = `${statefulSetName}-`;
  if (name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length))) return brokerIdOf(Number(name.slice(prefix.length)));
  return undefined;
}

export function brokerPodView(pod: V1Pod, statefulSetName: string): BrokerPodView | undefined {
  const brokerId = podBrokerId(pod, statefulSetName);
  if (brokerId === undefined || !pod.metadata?.name) return undefined;
  return {
    name: pod.metadata.name,
    brokerId,
    revision: pod.metadata.labels?.[REVISION_LABEL],
    ready: podReady(pod),
    terminating: !!pod.metadata.deletionTimestamp,
    crashLooping: podCrashLooping(pod),
  };
}

/**
 * status.updateRevision of the StatefulSet, only when the StatefulSet controller has observed its latest spec
 * (status.observedGeneration ≥ metadata.generation): before that it still names the previous template.
 */
export function trustedUpdateRevision(sts: V1StatefulSet): string | undefined {
  const generation = sts.metadata?.generation;
  const observed = sts.status?.observedGeneration;
  if (generation !== undefined && (observed === undefined || observed < generation)) return undefined;
  return sts.status?.updateRevision || undefined;
}

/**
 * Every partition of the cluster (internal topics included) with its topic's effective min.insync.replicas,
 * as planRoll needs them: Metadata for all topics, then DescribeConfigs (min.insync.replicas only) in
 * batches. A topic deleted in between is left out.
 */
export async function partitionViews(admin: AdminClient): Promise<PartitionView[]> {
  const topics = await admin.describeTopics();
  const names = [...topics.keys()].sort();
  const minIsr = new Map<string, number>();
  for (let i = 0; i < names.length; i += CONFIG_CHUNK) {
    const configs = await admin.describeTopicConfigsBatch(names.slice(i, i + CONFIG_CHUNK), ['min.insync.replicas']);
    for (const [topic, entries] of configs) {
      const v = Number(entries.get('min.insync.replicas')?.value);
      // Every Kafka broker reports the key; guessing a value here could make the safety check lenient.
      if (!Number.isInteger(v) || v < 1) throw new Error(`topic ${topic}: no usable min.insync.replicas in DescribeConfigs (${String(entries.get('min.insync.replicas')?.value)})`);
      minIsr.set(topic, v);
    }
  }
  const out: PartitionView[] = [];
  for (const name of names) {
    const m = minIsr.get(name);
    if (m === undefined) continue; // deleted between the two requests
    for (const p of topics.get(name)!.partitions) {
      out.push({ topic: name, partition: p.partition, replicas: [...p.replicas], isr: [...p.isr], minIsr: m });
    }
  }
  return out;
}

function rollStatus(pods: BrokerPodView[], updateRevision: string | undefined, step: RollStep, previous: RollStatus | undefined): RollStatus {
  const pendingBrokers =
    updateRevision === undefined
      ? [...(previous?.pendingBrokers ?? [])]
      : [...new Set(pods.filter((p) => p.revision !== updateRevision).map((p) => p.brokerId))].sort((a, b) => a - b);
  const status: RollStatus = { pendingBrokers };
  if (step.kind === 'restart') {
    status.restartingBroker = step.brokerId;
  } else {
    // The broker being restarted: a pod on its way down or back up while others still wait.
    const inFlight = [...pods].sort((a, b) => a.brokerId - b.brokerId).find((p) => p.terminating || !p.ready);
    if (inFlight) status.restartingBroker = inFlight.brokerId;
  }
  if (step.kind === 'wait') status.message = step.reason;
  else if (step.kind === 'restart') status.message = `restarting broker ${step.brokerId} (pod ${step.pod}): ${step.reason}`;
  return status;
}

export async function reconcileRoll(input: RollInput): Promise<RollDecision> {
  const { kc, model, brokerStatefulSet: sts, log } = input;
  if (sts === null) return {};
  const stsName = resourceNames(model.name).brokerStatefulSet;
  const core = kc.makeApiClient(CoreV1Api);
  const labelSelector = Object.entries(selectorLabels(model.name, 'broker'))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const listed = await core.listNamespacedPod({ namespace: model.namespace, labelSelector });
  const raw = listed.items ?? [];
  const pods: BrokerPodView[] = [];
  const uids = new Map<string, string | undefined>();
  for (const pod of raw) {
    const view = brokerPodView(pod, stsName);
    if (view === undefined) {
      log.warn({ pod: pod.metadata?.name }, 'broker pod without a pod index; ignored by the roller');
      continue;
    }
    pods.push(view);
    uids.set(view.name, pod.metadata?.uid);
  }
  const updateRevision = trustedUpdateRevision(sts);
  const expectedPods = sts.spec?.replicas;
  const base = { pods, updateRevision, expectedPods };

  // What needs no broker: nothing pending, a broken pod to restart, pods to wait for.
  let step = planRoll({ ...base, controllerId: null, partitions: null });
  let failure: string | undefined;
  if (step.kind === 'wait' && step.cause === 'unreachable' && input.admin !== null) {
    let controllerId: number | null = null;
    let registeredBrokers: number[] | null = null;
    let partitions: PartitionView[] | null = null;
    const admin = input.admin;
    try {
      const read = async () => {
        const cluster = await admin.describeCluster();
        return { cluster, views: await partitionViews(admin) };
      };
      const { cluster, views } = await withTimeout(read(), ROLL_ADMIN_TIMEOUT_MS, 'reading partitions from the brokers');
      controllerId = cluster.controllerId >= 0 ? cluster.controllerId : null;
      registeredBrokers = cluster.brokers.map((b) => b.nodeId);
      partitions = views;
    } catch (err) {
      failure = (err as Error).message;
      log.info({ err: failure }, 'roll: cannot read the partitions from the brokers');
    }
    step = planRoll({ ...base, controllerId, partitions, registeredBrokers });
  }
  if (step.kind === 'wait' && step.cause === 'unreachable') {
    step = { ...step, reason: input.admin === null ? `${step.reason} (no broker pod is ready)` : failure ? `${step.reason}: ${failure}` : step.reason };
  }

  if (step.kind === 'idle') return {};
  const roll = rollStatus(pods, updateRevision, step, input.previous);

  if (step.kind === 'wait') {
    const requeueAfterMs =
      step.cause === 'min-isr' && input.previous?.message === step.reason ? Math.max(step.retryAfterMs, ROLL_BLOCKED_REQUEUE_MS) : step.retryAfterMs;
    if (input.previous?.message !== step.reason) {
      log.info({ pending: roll.pendingBrokers, reason: step.reason }, 'roll waiting');
      // Once per distinct block: this one usually needs a human (see the message).
      if (step.cause === 'min-isr') await input.event('Warning', 'RollBlocked', step.reason);
    }
    const pending = roll.pendingBrokers.length > 0 ? `brokers ${roll.pendingBrokers.join(', ')} pending` : 'pending';
    return {
      roll,
      progress: { reason: 'RollingRestart', message: `rolling restart (${pending}): waiting: ${step.reason}` },
      requeueAfterMs,
    };
  }

  // restart
  const uid = uids.get(step.pod);
  try {
    await core.deleteNamespacedPod({
      name: step.pod,
      namespace: model.namespace,
      // Only the pod we looked at: if it was already replaced since the list, the new one is left alone.
      ...(uid ? { body: { preconditions: { uid } } } : {}),
    });
  } catch (err) {
    const code = httpStatusOf(err);
    if (code === 404 || code === 409) {
      log.info({ pod: step.pod, code }, 'roll: pod already gone or replaced');
      return { roll, progress: { reason: 'RollingRestart', message: `rolling restart: ${roll.message}` }, requeueAfterMs: 1_000 };
    }
    throw err;
  }
  const what = `restarting broker ${step.brokerId} (pod ${step.pod}) for a config/image change`;
  log.info({ broker: step.brokerId, pod: step.pod, reason: step.reason }, 'roll: deleted broker pod');
  await input.event('Normal', 'BrokerRestarted', `${what} (${step.reason})`);
  return {
    roll,
    progress: { reason: 'RollingRestart', message: `rolling restart (brokers ${roll.pendingBrokers.join(', ')} pending): ${what}` },
    requeueAfterMs: ROLL_REQUEUE_MS,
  };
}
