// The scaler: decides the broker StatefulSet's size and moves partitions when the set of brokers changes.
// Called on every KafkaCluster reconcile; level-triggered: everything is derived from the KafkaCluster (its
// annotations and the status it was given) and from the brokers (admin client), nothing is remembered between
// calls, so an operator restart at any point resumes where the cluster is.
//
// Target brokers T = ids 0..desired-1 (broker id = pod ordinal).
// - Scale up: the StatefulSet grows at once; when every broker of T is registered, partitions are reassigned with
//   balanceAssignment over T (all topics, internal ones included) unless status.balancedBrokerIds already is T.
// - Scale down: the StatefulSet keeps its size while replicas are moved off the leaving brokers; it shrinks when
//   no partition has a replica outside T and no reassignment is in progress. A topic whose replication factor
//   exceeds the remaining brokers blocks the scale-down (Warning ScaleDownBlocked, size kept), unless the
//   annotation kafka.gregor.dev/skip-scale-down-check=true is set: then the StatefulSet shrinks at once without
//   any check or drain (as Strimzi's skip-broker-scaledown-check); the partitions left on removed brokers are
//   moved afterwards by the normal rebalance over T (where their replication factor allows).
// - While a reassignment runs (ours or anyone's) nothing new is submitted; ours is tracked in
//   status.reassignment. When it is done (nothing listed, every replica within T): preferred leader election,
//   balancedBrokerIds = T, Event ReassignmentCompleted (and ScaleDownCompleted when the size shrinks).
// - A new reassignment or a ScaleDownBlocked report is based only on a settled snapshot: nothing listed by
//   ListPartitionReassignments, and the partition metadata unchanged when read again SETTLE_MS later (Kafka's
//   Metadata shows old + new replicas for a moment after the controller finished a reassignment).
// - Admin failures never shrink anything: the size stays, the progress message says why, requeue in 5 s.
import { setTimeout as sleep } from 'node:timers/promises';
import type { AdminClient, TopicDescription } from '@gregor/broker/client';
import type { Logger } from 'pino';
import type { KafkaCluster, ReassignmentStatus } from '../api/types.js';
import { assignmentDiff, balanceAssignment, movedReplicaCount, type Assignment, type BrokerMeta } from './assignment.js';

export const SKIP_SCALE_DOWN_CHECK_ANNOTATION = 'kafka.gregor.dev/skip-scale-down-check'; // value "true"

export interface ScaleInput {
  /** metadata.annotations; status.balancedBrokerIds, status.reassignment (previous). */
  cluster: KafkaCluster;
  /** spec.brokers.replicas */
  desiredBrokers: number;
  /** The broker StatefulSet's spec.replicas now (null: no StatefulSet yet). */
  currentReplicas: number | null;
  /** null while no broker pod is ready. */
  admin: AdminClient | null;
  log: Logger;
  now?: Date;
  /**
   * Before acting on the partition metadata (starting a reassignment, reporting a blocked scale-down) it is read
   * again after this long and must be unchanged, with no reassignment listed (default SETTLE_MS). Tests set 0.
   */
  settleMs?: number;
}

export interface ScaleDecision {
  statefulSetReplicas: number;
  /** Shown as Reconciling / Ready=False. */
  progress?: { reason: 'ScalingUp' | 'ScalingDown'; message: string };
  warning?: { reason: 'ScaleDownBlocked'; message: string };
  events: { type: 'Normal' | 'Warning'; reason: string; message: string }[];
  /** status.reassignment to write; undefined = leave it out. */
  reassignment?: ReassignmentStatus;
  /** status.balancedBrokerIds to write. */
  balancedBrokerIds?: number[];
  requeueAfterMs?: number;
}

/** Poll period while waiting for brokers or a reassignment, and after an admin error. */
export const SCALE_REQUEUE_MS = 5_000;
/** Re-check period of a blocked scale-down (the blocking topic may be deleted or shrunk meanwhile). */
export const BLOCKED_REQUEUE_MS = 30_000;
/** Poll period while the partition metadata is still changing after a reassignment. */
export const SETTLE_REQUEUE_MS = 2_000;
/** Bound on each admin call, so a reconcile never hangs on unreachable brokers. */
export const ADMIN_CALL_TIMEOUT_MS = 20_000;
/**
 * Kafka's controller drops a finished reassignment from ListPartitionReassignments before the brokers' metadata
 * shows the new replica set (UpdateMetadata follows asynchronously; ~1 s observed on Kafka 3.9 under a
 * reassignment of a few dozen partitions). Acting on such a snapshot would take the union of old and new replicas
 * for the partition's replicas, i.e. a larger replication factor. So the snapshot is re-read after this long.
 */
export const SETTLE_MS = 1_000;
/** Topics named in a ScaleDownBlocked message before "and N more". */
const MAX_NAMED_TOPICS = 5;

function range(n: number): number[] {
  return Array.from({ length: Math.max(0, n) }, (_, i) => i);
}

function sameSet(a: readonly number[] | undefined, b: readonly number[]): boolean {
  if (a === undefined || a.length !== b.length) return false;
  const s = new Set(a);
  return b.every((x) => s.has(x));
}

function ids(list: readonly number[]): string {
  return [...list].sort((a, b) => a - b).join(', ');
}

/** "broker 3" / "brokers 3, 4" */
function brokersText(list: readonly number[]): string {
  return `${list.length === 1 ? 'broker' : 'brokers'} ${ids(list)}`;
}

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function bounded<T>(what: string, p: Promise<T>, ms = ADMIN_CALL_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Topics with a partition that has more replicas than `brokers`, with that count, sorted by name. */
function tooBigTopics(topics: Map<string, TopicDescription>, brokers: number): [string, number][] {
  const out: [string, number][] = [];
  for (const [name, t] of topics) {
    const rf = Math.max(0, ...t.partitions.map((p) => p.replicas.length));
    if (rf > brokers) out.push([name, rf]);
  }
  return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** Every partition's replica list, for comparing two metadata snapshots. */
function assignmentKey(topics: Map<string, TopicDescription>): string {
  return [...topics]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([name, t]) => `${name}:${t.partitions.map((p) => `${p.partition}=${p.replicas.join(',')}`).join(';')}`)
    .join('\n');
}

function blockedMessage(tooBig: [string, number][], desired: number): string {
  const named = tooBig.slice(0, MAX_NAMED_TOPICS).map(([t, rf]) => `topic ${t} has replication factor ${rf}`);
  const more = tooBig.length > MAX_NAMED_TOPICS ? ` (and ${tooBig.length - MAX_NAMED_TOPICS} more)` : '';
  return `${named.join(', ')}${more}; ${plural(desired, 'broker')} would remain`;
}

/**
 * Decides the broker StatefulSet's size and drives partition reassignment for a change of the broker count.
 * Never throws for broker-side problems: they come back as progress with a requeue.
 */
export async function reconcileScale(input: ScaleInput): Promise<ScaleDecision> {
  const { cluster, admin, log } = input;
  const desired = Math.max(0, input.desiredBrokers);
  const current = input.currentReplicas;
  const now = input.now ?? new Date();
  const prev = cluster.status?.reassignment;
  const balanced = cluster.status?.balancedBrokerIds;
  const T = range(desired);

  if (current === null) return { statefulSetReplicas: desired, events: [] };

  const scalingDown = desired < current;
  const leaving = scalingDown ? range(current).slice(desired) : [];
  const progressReason = scalingDown ? 'ScalingDown' : 'ScalingUp';
  // Whatever is not decided below is written back as it was.
  const carry = {
    ...(prev ? { reassignment: prev } : {}),
    ...(balanced ? { balancedBrokerIds: balanced } : {}),
  };

  if (scalingDown && cluster.metadata.annotations?.[SKIP_SCALE_DOWN_CHECK_ANNOTATION] === 'true') {
    log.warn({ desired, current, leaving }, 'scale-down check skipped by annotation: shrinking without draining');
    return {
      statefulSetReplicas: desired,
      events: [
        {
          type: 'Warning',
          reason: 'ScaleDownCheckSkipped',
          message:
            `${SKIP_SCALE_DOWN_CHECK_ANNOTATION}=true: ${brokersText(leaving)} removed without checking replication ` +
            `factors or moving their replicas first; under-replicated partitions are possible`,
        },
      ],
      ...carry,
    };
  }

  const size = scalingDown ? current : desired;
  const newCluster = balanced === undefined && !scalingDown && !prev?.inProgress;
  const needsWork = scalingDown || prev?.inProgress === true || (balanced !== undefined && !sameSet(balanced, T));
  if (!newCluster && !needsWork) return { statefulSetReplicas: size, events: [], ...carry };

  const waiting = (message: string, requeueAfterMs = SCALE_REQUEUE_MS): ScaleDecision => ({
    statefulSetReplicas: size,
    events: [],
    ...(newCluster ? {} : { progress: { reason: progressReason, message } }),
    requeueAfterMs,
    ...carry,
  });
  if (admin === null) return waiting('waiting for the brokers: no broker is ready');

  try {
    // ------------------------------------------------------------------------------------ registrations
    const description = await bounded('describeCluster', admin.describeCluster());
    const registered = new Map(description.brokers.map((b) => [b.nodeId, b]));
    const missing = T.filter((id) => !registered.has(id));
    if (newCluster) {
      if (missing.length > 0) return waiting('');
      log.info({ brokers: T }, 'all brokers registered: recording them as balanced');
      return { statefulSetReplicas: size, events: [], ...carry, balancedBrokerIds: T };
    }

    if (missing.length > 0) {
      return waiting(`waiting for ${brokersText(missing)} to register`);
    }

    // ------------------------------------------------------------------------------ reassignment running
    const pending = await bounded('listPartitionReassignments', admin.listPartitionReassignments());
    if (pending.length > 0) {
      if (prev?.inProgress) {
        const target = prev.targetBrokerIds;
        const ours = target ? pending.filter((r) => r.replicas.filter((b) => !r.removingReplicas.includes(b)).every((b) => target.includes(b))) : pending;
        const moved = Math.max(0, prev.partitionsTotal - ours.length);
        const foreign = pending.length - ours.length;
        return {
          ...waiting(`moving partitions: ${moved}/${prev.partitionsTotal} done${foreign > 0 ? ` (${plural(foreign, 'other reassignment')} pending)` : ''}`),
          reassignment: { ...prev, partitionsMoved: moved },
        };
      }
      return waiting(`waiting for ${plural(pending.length, 'partition reassignment')} not started by the operator to finish`);
    }

    let topics = await bounded('describeTopics', admin.describeTopics());
    /** Re-reads the metadata after settleMs: null (and the caller waits) unless it is unchanged and nothing is pending. */
    const settled = async (): Promise<Map<string, TopicDescription> | null> => {
      await sleep(input.settleMs ?? SETTLE_MS);
      const again = await bounded('describeTopics', admin.describeTopics());
      const stillPending = await bounded('listPartitionReassignments', admin.listPartitionReassignments());
      if (stillPending.length > 0 || assignmentKey(again) !== assignmentKey(topics)) return null;
      return again;
    };
    const unsettled = (): ScaleDecision => waiting('waiting for the partition metadata to settle', SETTLE_REQUEUE_MS);

    // ------------------------------------------------------------------------------- blocked scale-down
    if (scalingDown && tooBigTopics(topics, desired).length > 0) {
      const again = await settled();
      if (again === null) return unsettled();
      topics = again;
      const tooBig = tooBigTopics(topics, desired);
      if (tooBig.length > 0) {
        const message = blockedMessage(tooBig, desired);
        log.warn({ desired, current, topics: tooBig }, 'scale-down blocked');
        return {
          statefulSetReplicas: current,
          warning: { reason: 'ScaleDownBlocked', message },
          events: [{ type: 'Warning', reason: 'ScaleDownBlocked', message }],
          requeueAfterMs: BLOCKED_REQUEUE_MS,
          ...carry,
        };
      }
    }

    // --------------------------------------------------------------------------------- nothing pending
    const brokers: BrokerMeta[] = T.map((id) => ({ id, rack: registered.get(id)!.rack }));
    /** The assignment of the topics that fit on T (others only exist after a forced shrink; they stay). */
    const placeable = (described: Map<string, TopicDescription>): Assignment => {
      const out: Assignment = new Map();
      for (const [name, t] of described) {
        if (t.partitions.some((p) => p.replicas.length > desired)) continue;
        const parts: number[][] = [];
        for (const p of t.partitions) parts[p.partition] = [...p.replicas];
        out.set(name, parts);
      }
      return out;
    };
    const outsideT = (described: Map<string, TopicDescription>): boolean =>
      [...described.values()].some((t) => t.partitions.some((p) => p.replicas.some((b) => b >= desired || b < 0)));
    const outside = outsideT(topics);

    const finish = async (): Promise<ScaleDecision> => {
      // Never shrink while a leaving broker holds a replica (belt and braces: callers checked the same).
      if (scalingDown && outsideT(topics)) return waiting(`waiting for ${brokersText(leaving)} to be drained`);
      const failures = await bounded('electPreferredLeaders', admin.electPreferredLeaders());
      if (failures.length > 0) {
        log.info({ failures: failures.slice(0, 20), count: failures.length }, 'preferred leader election left some partitions');
      }
      const events: ScaleDecision['events'] = [];
      let reassignment = prev;
      if (prev?.inProgress) {
        reassignment = { ...prev, inProgress: false, partitionsMoved: prev.partitionsTotal };
        const started = prev.startedAt ? Date.parse(prev.startedAt) : NaN;
        const took = Number.isFinite(started) ? ` in ${Math.max(0, Math.round((now.getTime() - started) / 1000))} s` : '';
        events.push({
          type: 'Normal',
          reason: 'ReassignmentCompleted',
          message: `${plural(prev.partitionsTotal, 'partition')} reassigned over brokers ${ids(T)}${took}`,
        });
      }
      if (scalingDown) {
        events.push({ type: 'Normal', reason: 'ScaleDownCompleted', message: `${brokersText(leaving)} drained and removed` });
      }
      log.info({ brokers: T, shrinkTo: scalingDown ? desired : undefined }, 'partitions balanced over the brokers');
      return {
        statefulSetReplicas: desired,
        events,
        ...(reassignment ? { reassignment } : {}),
        balancedBrokerIds: T,
      };
    };

    // Our reassignment has finished: every replica within T is the goal (not the exact fixed point, so a topic
    // created meanwhile or a broker that reorders replicas cannot keep this going forever).
    if (prev?.inProgress && sameSet(prev.targetBrokerIds ?? T, T) && !outside) return await finish();

    let currentAssignment = placeable(topics);
    let target = balanceAssignment(currentAssignment, brokers);
    let diff = assignmentDiff(currentAssignment, target);
    if (diff.length === 0 && !outside) return await finish();
    // Something to move: only on a settled snapshot (see SETTLE_MS).
    const again = await settled();
    if (again === null) return unsettled();
    topics = again;
    currentAssignment = placeable(topics);
    const skipped = tooBigTopics(topics, desired);
    if (skipped.length > 0) {
      log.warn({ topics: skipped, brokers: T }, 'topics with a replication factor above the broker count are left where they are');
    }
    target = balanceAssignment(currentAssignment, brokers);
    diff = assignmentDiff(currentAssignment, target);
    if (diff.length === 0) return await finish();

    const replicas = movedReplicaCount(currentAssignment, target);
    const reason = scalingDown ? 'ScaleDown' : 'ScaleUp';
    log.info({ reason, brokers: T, partitions: diff.length, replicas }, 'starting partition reassignment');
    await bounded('alterPartitionReassignments', admin.alterPartitionReassignments(diff));
    const reassignment: ReassignmentStatus = {
      inProgress: true,
      reason,
      partitionsMoved: 0,
      partitionsTotal: diff.length,
      targetBrokerIds: T,
      startedAt: now.toISOString(),
    };
    const why = scalingDown ? `to drain ${brokersText(leaving)}` : `to balance them over brokers ${ids(T)}`;
    return {
      statefulSetReplicas: size,
      progress: { reason: progressReason, message: `moving partitions: 0/${diff.length} done` },
      events: [
        {
          type: 'Normal',
          reason: 'ReassignmentStarted',
          message: `reassigning ${plural(diff.length, 'partition')} (${plural(replicas, 'replica')} to copy) ${why}`,
        },
      ],
      reassignment,
      ...(balanced ? { balancedBrokerIds: balanced } : {}),
      requeueAfterMs: SCALE_REQUEUE_MS,
    };
  } catch (e) {
    log.warn({ err: errorText(e), desired, current }, 'scaling: the brokers did not answer');
    return waiting(`waiting for the brokers: ${errorText(e)}`);
  }
}
