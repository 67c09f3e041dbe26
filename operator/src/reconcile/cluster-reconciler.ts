// KafkaCluster reconciler: reads the cluster, validates it, server-side applies every desired object in
// order (ZooKeeper, brokers, UI), deletes what the spec no longer wants, observes the StatefulSets and the
// brokers' registrations, and writes status. Level-triggered and idempotent: a restart at any point converges
// to the same state because every step is recomputed from the spec and the world.
import { AppsV1Api, RbacAuthorizationV1Api, type V1StatefulSet } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { GROUP, KAFKA_CLUSTER_PLURAL, VERSION, type KafkaCluster, type KafkaClusterStatus } from '../api/types.js';
import { validateKafkaCluster } from '../api/validate.js';
import { deleteIfExists, httpStatusOf, patchStatus, serverSideApply } from '../kube/apply.js';
import { getCustomObject, hasFinalizer, setFinalizers, withFinalizer, withoutFinalizer } from '../kube/custom-objects.js';
import {
  bootstrapServers,
  brokerRackClusterRoleBindingName,
  clusterModel,
  desiredObjects,
  dynamicBrokerConfig,
  ignoredBrokerConfigKeys,
  obsoleteObjects,
  resourceNames,
  zookeeperConnect,
  NAMESPACE_LABEL,
} from '../resources/index.js';
import { CLUSTER_LABEL } from '../api/types.js';
import { clusterStatus, sameJson, type ClusterObservation, type WorkloadObservation } from './cluster-status.js';
import { syncDynamicBrokerConfig } from './dynamic-config-sync.js';
import { reconcileRoll } from './roller.js';
import { reconcileScale } from './scaler.js';
import type { OperatorContext, ReconcileResult, Reconciler } from './types.js';

/** Held while the cluster has a rack ClusterRoleBinding: cluster-scoped, it cannot be garbage collected by owner. */
export const CLUSTER_FINALIZER = 'kafka.gregor.dev/rack-binding-cleanup';

/** Poll period while pods are coming up (StatefulSet status changes also wake us through the watch). */
const NOT_READY_REQUEUE_MS = 10_000;
/** Periodic resync of a ready cluster: re-applies (a no-op when nothing drifted) and refreshes brokerIds. */
const READY_REQUEUE_MS = 120_000;
const ADMIN_PROBE_TIMEOUT_MS = 5_000;

export function splitKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  if (i <= 0) throw new Error(`bad key "${key}": expected namespace/name`);
  return { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

export class KafkaClusterReconciler implements Reconciler {
  private readonly log: Logger;

  constructor(private readonly ctx: OperatorContext) {
    this.log = ctx.log.child({ controller: 'kafkacluster' });
  }

  async reconcile(key: string): Promise<ReconcileResult | void> {
    const { namespace, name } = splitKey(key);
    const ref = { group: GROUP, version: VERSION, plural: KAFKA_CLUSTER_PLURAL, namespace, name };
    const cluster = await getCustomObject<KafkaCluster>(this.ctx.kc, ref);
    if (!cluster) {
      await this.ctx.admin.close(key);
      return;
    }
    const log = this.log.child({ cluster: key, generation: cluster.metadata.generation });

    if (cluster.metadata.deletionTimestamp) {
      await this.finalize(cluster, ref, key);
      return;
    }

    const invalid = validateKafkaCluster(cluster);
    if (invalid.length > 0) {
      const status = clusterStatus({ generation: cluster.metadata.generation, previous: cluster.status, invalid, warnings: [] });
      if (await this.writeStatus(cluster, status)) {
        await this.ctx.event(cluster, 'Warning', 'InvalidSpec', invalid.map((e) => `${e.field}: ${e.message}`).join('; '));
      }
      log.warn({ invalid }, 'invalid KafkaCluster spec; nothing applied');
      return;
    }

    const model = clusterModel(cluster, this.ctx.defaults);
    const wantsRack = !!model.spec.brokers.rack;
    if (wantsRack && !hasFinalizer(cluster, CLUSTER_FINALIZER)) {
      await setFinalizers(this.ctx.kc, ref, cluster, withFinalizer(cluster, CLUSTER_FINALIZER));
    }
    const names = resourceNames(name);
    const event = (type: 'Normal' | 'Warning', reason: string, message: string) => this.ctx.event(cluster, type, reason, message);

    // Scaling decides the broker StatefulSet's size: a scale-down keeps it until the leaving brokers are drained.
    const brokerStsBefore = await this.readStatefulSet(namespace, names.brokerStatefulSet);
    let admin = (brokerStsBefore?.status?.readyReplicas ?? 0) > 0 ? this.ctx.admin.forCluster(cluster) : null;
    const scale = await reconcileScale({
      cluster,
      desiredBrokers: model.spec.brokers.replicas,
      currentReplicas: brokerStsBefore?.spec?.replicas ?? null,
      admin,
      log,
    });
    const previousWarning = cluster.status?.conditions?.find((c) => c.type === 'Warning');
    for (const e of scale.events) {
      // A blocked scale-down is re-evaluated every reconcile; tell the user once per distinct reason.
      if (e.reason === 'ScaleDownBlocked' && previousWarning?.message.includes(e.message)) continue;
      await event(e.type, e.reason, e.message);
    }

    for (const obj of desiredObjects(cluster, this.ctx.defaults, { brokerStatefulSetReplicas: scale.statefulSetReplicas })) {
      try {
        await serverSideApply(this.ctx.kc, obj);
      } catch (e) {
        const what = `${obj.kind}/${obj.metadata?.name}`;
        await event('Warning', 'ApplyFailed', `applying ${what} failed: ${errorText(e)}`);
        throw new Error(`applying ${what} failed: ${errorText(e)}`, { cause: e });
      }
    }
    for (const obsolete of obsoleteObjects(cluster, this.ctx.defaults)) {
      const gone = await deleteIfExists(this.ctx.kc, {
        apiVersion: obsolete.apiVersion,
        kind: obsolete.kind,
        metadata: { name: obsolete.name, namespace: obsolete.namespace },
      });
      if (gone) {
        log.info({ kind: obsolete.kind, name: obsolete.name }, 'deleted an object the spec no longer wants');
        await event('Normal', 'Deleted', `deleted ${obsolete.kind}/${obsolete.name}: no longer in the spec`);
      }
    }
    if (!wantsRack && hasFinalizer(cluster, CLUSTER_FINALIZER)) {
      await setFinalizers(this.ctx.kc, ref, cluster, withoutFinalizer(cluster, CLUSTER_FINALIZER));
    }

    const [zkSts, brokerSts] = await Promise.all([
      this.readStatefulSet(namespace, names.zookeeperStatefulSet),
      this.readStatefulSet(namespace, names.brokerStatefulSet),
    ]);
    const zookeeper = observe(zkSts, model.spec.zookeeper.replicas);
    const brokers = observe(brokerSts, model.spec.brokers.replicas);

    const warnings: ClusterObservation['warnings'] = [];
    if (scale.warning) warnings.push(scale.warning);
    const ignored = ignoredBrokerConfigKeys(model);
    if (ignored.length > 0) {
      warnings.push({
        reason: 'ConfigKeysIgnored',
        message: `spec.brokers.config: ${ignored.join(', ')} ${ignored.length === 1 ? 'is' : 'are'} set by the operator and ignored`,
      });
    }
    let brokerIds: number[] | undefined;
    // A broker may have become ready since the first read.
    if (!admin && brokers.ready > 0) admin = this.ctx.admin.forCluster(cluster);
    if (admin) {
      try {
        const description = await withTimeout(admin.describeCluster(), ADMIN_PROBE_TIMEOUT_MS, 'Metadata from the brokers');
        brokerIds = description.brokers.map((b) => b.nodeId);
      } catch (e) {
        log.debug({ err: errorText(e) }, 'could not read broker registrations');
      }
      // Keys Kafka can change on a running cluster: set as cluster-wide defaults, no restart.
      try {
        const { changed } = await syncDynamicBrokerConfig(admin, dynamicBrokerConfig(model), log);
        if (changed.length > 0) await event('Normal', 'DynamicConfigUpdated', `broker config changed without restarts: ${changed.join(', ')}`);
      } catch (e) {
        warnings.push({ reason: 'DynamicConfigFailed', message: `could not apply dynamic broker config: ${errorText(e)}` });
      }
    }

    // Restarts for config or image changes, one broker at a time, never below min.insync.replicas.
    const roll = await reconcileRoll({ kc: this.ctx.kc, model, brokerStatefulSet: brokerSts, admin, log, event, previous: cluster.status?.roll });

    const status = clusterStatus({
      generation: cluster.metadata.generation,
      previous: cluster.status,
      invalid: [],
      warnings,
      zookeeper,
      brokers,
      bootstrapServers: bootstrapServers(cluster, this.ctx.defaults),
      zookeeperConnect: zookeeperConnect(cluster, this.ctx.defaults),
      brokerIds,
      progress: scale.progress ?? roll.progress,
    });
    if (scale.reassignment) status.reassignment = scale.reassignment;
    else if (cluster.status?.reassignment) status.reassignment = cluster.status.reassignment;
    const balanced = scale.balancedBrokerIds ?? cluster.status?.balancedBrokerIds;
    if (balanced) status.balancedBrokerIds = [...balanced].sort((a, b) => a - b);
    if (roll.roll) status.roll = roll.roll;

    const wasReady = cluster.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
    const isReady = status.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
    if (await this.writeStatus(cluster, status)) {
      if (isReady && !wasReady) await event('Normal', 'ClusterReady', status.conditions!.find((c) => c.type === 'Ready')!.message);
      if (!isReady && wasReady) await event('Normal', 'ClusterNotReady', status.conditions!.find((c) => c.type === 'Ready')!.message);
      log.info({ ready: isReady, readyBrokers: status.readyBrokers, brokerIds: status.brokerIds, roll: status.roll, reassignment: status.reassignment }, 'status updated');
    }
    const requeues = [isReady ? READY_REQUEUE_MS : NOT_READY_REQUEUE_MS, scale.requeueAfterMs, roll.requeueAfterMs].filter(
      (v): v is number => typeof v === 'number' && v > 0,
    );
    return { requeueAfterMs: Math.min(...requeues) };
  }

  /** Deletion: the owned objects go by garbage collection; only the unowned rack binding is ours to delete. */
  private async finalize(cluster: KafkaCluster, ref: Parameters<typeof getCustomObject>[1], key: string): Promise<void> {
    await this.ctx.admin.close(key);
    if (!hasFinalizer(cluster, CLUSTER_FINALIZER)) return;
    await deleteRackBindings(this.ctx, cluster);
    await setFinalizers(this.ctx.kc, ref, cluster, withoutFinalizer(cluster, CLUSTER_FINALIZER));
    this.log.info({ cluster: key }, 'finalizer done: rack ClusterRoleBinding deleted');
  }

  private async readStatefulSet(namespace: string, name: string): Promise<V1StatefulSet | null> {
    try {
      return await this.ctx.kc.makeApiClient(AppsV1Api).readNamespacedStatefulSet({ namespace, name });
    } catch (e) {
      if (httpStatusOf(e) === 404) return null;
      throw e;
    }
  }

  /** Patches status when it changed; returns whether it wrote. */
  private async writeStatus(cluster: KafkaCluster, status: KafkaClusterStatus): Promise<boolean> {
    if (sameJson(cluster.status ?? {}, status)) return false;
    // A merge patch keeps keys it does not mention: removed fields (a finished roll) must be sent as null.
    const body: Record<string, unknown> = { ...status };
    for (const key of Object.keys(cluster.status ?? {})) if ((status as Record<string, unknown>)[key] === undefined) body[key] = null;
    await patchStatus(this.ctx.kc, GROUP, VERSION, KAFKA_CLUSTER_PLURAL, cluster.metadata.namespace!, cluster.metadata.name!, body);
    return true;
  }
}

/** The rack binding by its name, plus any labelled for this cluster (a rename of the naming scheme leaves none behind). */
async function deleteRackBindings(ctx: OperatorContext, cluster: KafkaCluster): Promise<void> {
  const namespace = cluster.metadata.namespace!;
  const name = cluster.metadata.name!;
  const rbac = ctx.kc.makeApiClient(RbacAuthorizationV1Api);
  const listed = await rbac.listClusterRoleBinding({ labelSelector: `${CLUSTER_LABEL}=${name},${NAMESPACE_LABEL}=${namespace}` });
  const names = new Set(listed.items.map((b) => b.metadata?.name).filter((n): n is string => !!n));
  names.add(brokerRackClusterRoleBindingName(clusterModel(cluster, ctx.defaults)));
  for (const n of names) {
    await deleteIfExists(ctx.kc, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: n } });
  }
}

function observe(sts: V1StatefulSet | null, desired: number): WorkloadObservation {
  if (!sts) return { desired, ready: 0, observed: false };
  const generation = sts.metadata?.generation ?? 0;
  return {
    desired,
    ready: sts.status?.readyReplicas ?? 0,
    observed: (sts.status?.observedGeneration ?? 0) >= generation && (sts.spec?.replicas ?? 0) === desired,
  };
}

export function errorText(e: unknown): string {
  const body = (e as { body?: unknown } | null)?.body;
  if (typeof body === 'string') {
    try {
      const parsed = JSON.parse(body) as { message?: string };
      if (parsed.message) return parsed.message;
    } catch {
      /* not JSON */
    }
  }
  return e instanceof Error ? e.message : String(e);
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

