// KafkaTopic reconciler: the KafkaTopic is the source of truth for its Kafka topic. Creates it, adds
// partitions, sets and removes config overrides incrementally, deletes the topic through a finalizer, and
// re-checks periodically, because a change made out of band (kafka-configs, another admin client) produces
// no Kubernetes event. Such a change is reverted and reported (Event + Warning condition), never fought
// silently; a difference the operator must not resolve (fewer partitions, another replication factor) is a
// condition, never ignored.
import type { Logger } from 'pino';
import type { AdminClient } from '@gregor/broker/client';
import { topicNameOf } from '../api/defaults.js';
import {
  CLUSTER_LABEL,
  GROUP,
  KAFKA_CLUSTER_PLURAL,
  KAFKA_TOPIC_PLURAL,
  VERSION,
  type Condition,
  type KafkaCluster,
  type KafkaTopic,
  type KafkaTopicStatus,
} from '../api/types.js';
import { validateKafkaTopic } from '../api/validate.js';
import { patchStatus } from '../kube/apply.js';
import {
  getCustomObject,
  hasFinalizer,
  listCustomObjects,
  setFinalizers,
  withFinalizer,
  withoutFinalizer,
  type CustomResourceRef,
} from '../kube/custom-objects.js';
import { errorText, splitKey } from './cluster-reconciler.js';
import { sameJson } from './cluster-status.js';
import { removeCondition, setCondition } from './conditions.js';
import { DYNAMIC_TOPIC_CONFIG, planTopic, type ObservedTopic } from './topic-plan.js';
import type { OperatorContext, ReconcileResult, Reconciler } from './types.js';

export const TOPIC_FINALIZER = 'kafka.gregor.dev/topic-deletion';

export interface TopicReconcilerOptions {
  /** How often a topic is re-read from Kafka to catch out-of-band changes. Default 60 s. */
  resyncMs?: number;
  /** Retry period while the cluster is missing or unreachable. Default 10 s. */
  retryMs?: number;
}

const DRIFT_REASON = 'OutOfBandChangeReverted';

export class KafkaTopicReconciler implements Reconciler {
  private readonly log: Logger;
  private readonly resyncMs: number;
  private readonly retryMs: number;

  constructor(
    private readonly ctx: OperatorContext,
    opts: TopicReconcilerOptions = {},
  ) {
    this.log = ctx.log.child({ controller: 'kafkatopic' });
    this.resyncMs = opts.resyncMs ?? 60_000;
    this.retryMs = opts.retryMs ?? 10_000;
  }

  async reconcile(key: string): Promise<ReconcileResult | void> {
    const { namespace, name } = splitKey(key);
    const ref: CustomResourceRef = { group: GROUP, version: VERSION, plural: KAFKA_TOPIC_PLURAL, namespace, name };
    const topic = await getCustomObject<KafkaTopic>(this.ctx.kc, ref);
    if (!topic) return;
    const topicName = topicNameOf(topic.spec, name);
    const clusterName = topic.metadata.labels?.[CLUSTER_LABEL];
    const log = this.log.child({ topic: key, kafkaTopic: topicName, cluster: clusterName });
    const cluster = clusterName
      ? await getCustomObject<KafkaCluster>(this.ctx.kc, { group: GROUP, version: VERSION, plural: KAFKA_CLUSTER_PLURAL, namespace, name: clusterName })
      : null;

    if (topic.metadata.deletionTimestamp) {
      if (!hasFinalizer(topic, TOPIC_FINALIZER)) return;
      // With the cluster gone (or going) there is nothing to delete the topic from.
      if (cluster && !cluster.metadata.deletionTimestamp && !(await this.claimedByOther(topic, topicName, clusterName!))) {
        await this.ctx.admin.forCluster(cluster).deleteTopics([topicName]);
        log.info('deleted the Kafka topic');
        await this.ctx.event(topic, 'Normal', 'TopicDeleted', `deleted topic ${topicName} from cluster ${clusterName}`);
      }
      await setFinalizers(this.ctx.kc, ref, topic, withoutFinalizer(topic, TOPIC_FINALIZER));
      return;
    }

    // The brokers there are: a refused scale-down (spec below what runs) must not invalidate existing topics.
    const brokerReplicas = cluster ? Math.max(cluster.spec.brokers.replicas, cluster.status?.brokerIds?.length ?? 0) : undefined;
    const invalid = validateKafkaTopic(topic, brokerReplicas !== undefined ? { brokerReplicas } : {});
    if (invalid.length > 0) {
      const message = invalid.map((e) => `${e.field}: ${e.message}`).join('; ');
      if (await this.failed(topic, 'InvalidSpec', `the spec is invalid, nothing was changed: ${message}`, true)) {
        await this.ctx.event(topic, 'Warning', 'InvalidSpec', message);
      }
      return;
    }
    if (!cluster) {
      await this.failed(topic, 'ClusterNotFound', `KafkaCluster ${namespace}/${clusterName} does not exist`);
      return { requeueAfterMs: this.retryMs };
    }
    if (await this.claimedByOther(topic, topicName, clusterName!)) {
      const message = `another KafkaTopic in ${namespace} already manages topic ${topicName} on cluster ${clusterName}`;
      if (await this.failed(topic, 'TopicNameConflict', message, true)) await this.ctx.event(topic, 'Warning', 'TopicNameConflict', message);
      return { requeueAfterMs: this.resyncMs };
    }
    if (!hasFinalizer(topic, TOPIC_FINALIZER)) {
      const updated = await setFinalizers(this.ctx.kc, ref, topic, withFinalizer(topic, TOPIC_FINALIZER));
      if (updated?.metadata?.resourceVersion) topic.metadata.resourceVersion = updated.metadata.resourceVersion;
    }

    const admin = this.ctx.admin.forCluster(cluster);
    try {
      return await this.converge(topic, topicName, admin, log);
    } catch (e) {
      if (isNetworkError(e)) {
        await this.failed(topic, 'ClusterUnreachable', `cannot reach the brokers of ${clusterName}: ${errorText(e)}`);
        return { requeueAfterMs: this.retryMs };
      }
      const message = errorText(e);
      if (await this.failed(topic, 'KafkaError', message)) await this.ctx.event(topic, 'Warning', 'KafkaError', message);
      throw e;
    }
  }

  private async converge(topic: KafkaTopic, topicName: string, admin: AdminClient, log: Logger): Promise<ReconcileResult> {
    const generation = topic.metadata.generation;
    let description = (await admin.describeTopics([topicName])).get(topicName);
    if (!description) {
      await admin.createTopic({
        name: topicName,
        partitions: topic.spec.partitions,
        replicationFactor: topic.spec.replicationFactor,
        configs: topic.spec.config ?? {},
      });
      log.info({ partitions: topic.spec.partitions, replicationFactor: topic.spec.replicationFactor }, 'created the Kafka topic');
      await this.ctx.event(
        topic,
        'Normal',
        'TopicCreated',
        `created topic ${topicName}: ${topic.spec.partitions} partitions, replication factor ${topic.spec.replicationFactor}`,
      );
      description = (await admin.describeTopics([topicName])).get(topicName);
      if (!description) throw new Error(`topic ${topicName} was created but is not in the metadata yet`);
    }

    const configs = await admin.describeTopicConfigs(topicName);
    const overrides: Record<string, string | null> = {};
    for (const [k, entry] of configs) if (entry.source === DYNAMIC_TOPIC_CONFIG) overrides[k] = entry.value;
    const observed: ObservedTopic = {
      partitions: description.partitions.length,
      replicationFactors: description.partitions.map((p) => p.replicas.length),
      overrides,
    };
    const plan = planTopic(topic.spec, observed);

    // The spec was already applied at this generation, so a difference now was made behind our back.
    const previouslyConverged =
      topic.status?.observedGeneration === generation && topic.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
    let drift: string | undefined;

    if (plan.increasePartitionsTo !== undefined) {
      await admin.createPartitions(topicName, plan.increasePartitionsTo);
      log.info({ from: observed.partitions, to: plan.increasePartitionsTo }, 'increased partitions');
      await this.ctx.event(topic, 'Normal', 'PartitionsIncreased', `topic ${topicName}: ${observed.partitions} → ${plan.increasePartitionsTo} partitions`);
      observed.partitions = plan.increasePartitionsTo;
    }
    if (plan.configOps.length > 0) {
      await admin.incrementalAlterTopicConfigs(topicName, plan.configOps);
      const changes = plan.configChanges.join(', ');
      if (previouslyConverged) {
        drift = `config of topic ${topicName} was changed outside the KafkaTopic and has been reverted: ${changes}`;
        log.warn({ changes: plan.configChanges }, 'reverted an out-of-band config change');
        await this.ctx.event(topic, 'Warning', DRIFT_REASON, drift);
      } else {
        log.info({ changes: plan.configChanges }, 'altered topic config');
        await this.ctx.event(topic, 'Normal', 'ConfigUpdated', `topic ${topicName}: ${changes}`);
      }
    }

    let conditions = (topic.status?.conditions ?? []) as Condition[];
    const set = (type: Condition['type'], status: Condition['status'], reason: string, message: string) => {
      conditions = setCondition(conditions, { type, status, reason, message }, generation) as Condition[];
    };
    const rf = mostCommon(observed.replicationFactors) ?? topic.spec.replicationFactor;
    if (plan.problems.length > 0) {
      set('Ready', 'False', plan.problems[0]!.reason, plan.problems.map((p) => p.message).join('; '));
      set('Warning', 'True', plan.problems[0]!.reason, plan.problems.map((p) => p.message).join('; '));
    } else {
      set('Ready', 'True', 'TopicReady', `topic ${topicName}: ${observed.partitions} partitions, replication factor ${rf}`);
      const previousWarning = conditions.find((c) => c.type === 'Warning');
      if (drift) set('Warning', 'True', DRIFT_REASON, drift);
      // A drift report stays until the spec changes, so it can be seen after the fact.
      else if (!(previousWarning?.reason === DRIFT_REASON && previousWarning.observedGeneration === generation)) {
        conditions = removeCondition(conditions, 'Warning') as Condition[];
      }
    }
    set('Reconciling', 'False', 'Reconciled', plan.problems.length > 0 ? 'waiting for a spec the operator can apply' : 'the topic matches its spec');
    const status: KafkaTopicStatus = {
      observedGeneration: generation,
      conditions,
      topicId: description.topicId ?? undefined,
      partitions: observed.partitions,
      replicationFactor: rf,
    };
    if (problemsChanged(topic.status?.conditions, conditions)) {
      for (const p of plan.problems) await this.ctx.event(topic, 'Warning', p.reason, p.message);
    }
    await this.writeStatus(topic, status);
    return { requeueAfterMs: this.resyncMs };
  }

  /** True when an older KafkaTopic (same namespace and cluster, not being deleted) names the same Kafka topic. */
  private async claimedByOther(topic: KafkaTopic, topicName: string, clusterName: string): Promise<boolean> {
    const all = await listCustomObjects<KafkaTopic>(
      this.ctx.kc,
      { group: GROUP, version: VERSION, plural: KAFKA_TOPIC_PLURAL, namespace: topic.metadata.namespace! },
      `${CLUSTER_LABEL}=${clusterName}`,
    );
    const mine = ageKey(topic);
    return all.some(
      (other) =>
        other.metadata.uid !== topic.metadata.uid &&
        !other.metadata.deletionTimestamp &&
        topicNameOf(other.spec, other.metadata.name ?? '') === topicName &&
        ageKey(other) < mine,
    );
  }

  /** Sets Ready=False (and Warning when `warn`); returns whether status changed. */
  private async failed(topic: KafkaTopic, reason: string, message: string, warn = false): Promise<boolean> {
    const generation = topic.metadata.generation;
    let conditions = setCondition(topic.status?.conditions, { type: 'Ready', status: 'False', reason, message }, generation);
    conditions = setCondition(conditions, { type: 'Reconciling', status: warn ? 'False' : 'True', reason, message }, generation);
    if (warn) conditions = setCondition(conditions, { type: 'Warning', status: 'True', reason, message }, generation);
    return this.writeStatus(topic, { ...(topic.status ?? {}), observedGeneration: generation, conditions: conditions as Condition[] });
  }

  private async writeStatus(topic: KafkaTopic, status: KafkaTopicStatus): Promise<boolean> {
    if (sameJson(topic.status ?? {}, status)) return false;
    await patchStatus(this.ctx.kc, GROUP, VERSION, KAFKA_TOPIC_PLURAL, topic.metadata.namespace!, topic.metadata.name!, status);
    return true;
  }
}

function ageKey(t: KafkaTopic): string {
  const created = t.metadata.creationTimestamp ? new Date(t.metadata.creationTimestamp).toISOString() : '9999';
  return `${created}/${t.metadata.name}`;
}

function mostCommon(values: number[]): number | undefined {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: number | undefined;
  for (const [v, n] of counts) if (best === undefined || n > counts.get(best)!) best = v;
  return best;
}

function problemsChanged(before: readonly Condition[] | undefined, after: readonly Condition[]): boolean {
  const w = (list: readonly Condition[] | undefined) => list?.find((c) => c.type === 'Warning');
  const a = w(before);
  const b = w(after);
  return !!b && b.reason !== DRIFT_REASON && (a?.reason !== b.reason || a?.message !== b.message);
}

function isNetworkError(e: unknown): boolean {
  return e instanceof Error && (e.name === 'NetworkError' || e.name === 'RequestTimeoutError' || /no answer within|ECONNREFUSED|ENOTFOUND|EAI_AGAIN/.test(e.message));
}
