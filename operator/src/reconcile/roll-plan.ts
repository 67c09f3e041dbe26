// Pure: the next step of a rolling restart of the brokers, from what the roller observed (pods, the
// StatefulSet's update revision, the brokers' partitions). The broker StatefulSet uses updateStrategy
// OnDelete, so a changed pod template restarts nothing by itself: the roller deletes one outdated pod at a
// time and the StatefulSet controller recreates it from the new template. Level-triggered: no memory between
// calls, every decision is derived from the observation alone.
//
// Rules, in order:
// 0. No pending pod (every pod's controller-revision-hash equals the update revision) → idle. An unknown
//    update revision (the StatefulSet controller has not computed it yet) → wait.
// 1. A pending pod that is not ready or is crash-looping is restarted first, without any ISR check: it
//    serves nothing, and a roll must never get stuck behind a broken pod.
// 2. Any broker pod terminating, not ready, missing (fewer pods than expected) or not registered with the
//    cluster → wait: one broker down at a time, never two.
// 3. Brokers unreachable (no partition view) → wait.
// 4. Any partition under-replicated (ISR ⊉ replicas) → wait: the broker restarted last (or anything else)
//    has not caught up yet, and restarting another broker could take that partition below its min ISR.
// 5. Candidates: pending pods by ascending broker id, the active controller last (one controller failover
//    per roll). The first candidate b for which every partition with b in its replicas keeps
//    |ISR \ {b}| ≥ min.insync.replicas is restarted; if none passes → wait, naming the partition, ISR and min.
//    Exception: a single-replica partition (rf 1) never blocks. It has no redundancy to protect, its
//    downtime during the restart cannot be avoided by waiting, and Kafka never shrinks an ISR to empty (it
//    stays [b] while b is down); blocking on it would make every 1-broker cluster and every cluster with an
//    rf-1 topic impossible to roll. A partition with 2 ≤ rf ≤ min.insync.replicas does block (every restart
//    of one of its replicas stops acks=all writes to it): the message says that waiting cannot help and
//    what to change.

export interface BrokerPodView {
  name: string;
  brokerId: number;
  /** Label controller-revision-hash. */
  revision: string | undefined;
  ready: boolean;
  terminating: boolean;
  /** A container waiting in CrashLoopBackOff, or terminated with an error after restarts. */
  crashLooping: boolean;
}

export interface PartitionView {
  topic: string;
  partition: number;
  replicas: number[];
  isr: number[];
  /** The topic's effective min.insync.replicas. */
  minIsr: number;
}

/** Why a roll waits (for the requeue policy and tests); the reason text is for humans. */
export type RollWaitCause = 'revision' | 'pods' | 'unreachable' | 'under-replicated' | 'min-isr';

export type RollStep =
  | { kind: 'idle' }
  /** Delete this pod now; `reason` says why this one (the broker and pod are in the other fields). */
  | { kind: 'restart'; brokerId: number; pod: string; reason: string }
  | { kind: 'wait'; reason: string; retryAfterMs: number; cause?: RollWaitCause };

export interface RollPlanInput {
  pods: BrokerPodView[];
  /** status.updateRevision of the broker StatefulSet; undefined while not (yet) trustworthy. */
  updateRevision: string | undefined;
  /** The active controller's broker id; null when unknown. */
  controllerId: number | null;
  /** Every partition of the cluster; null = brokers unreachable. */
  partitions: PartitionView[] | null;
  /** Pods the StatefulSet should have (spec.replicas); fewer listed → a pod is missing → wait. Optional. */
  expectedPods?: number;
  /** Broker ids registered with the cluster (Metadata); a ready pod not among them → wait. null/omitted = unknown. */
  registeredBrokers?: number[] | null;
}

export const ROLL_RETRY_MS = {
  revision: 2_000,
  pods: 5_000,
  unreachable: 10_000,
  underReplicated: 5_000,
  minIsr: 5_000,
} as const;

/** How many partitions a message names before "and N more". */
const MAX_NAMED = 3;

function list(ids: number[]): string {
  return `[${ids.join(',')}]`;
}

function tp(p: PartitionView): string {
  return `${p.topic}-${p.partition}`;
}

function more(n: number): string {
  return n > 0 ? ` (and ${n} more)` : '';
}

function isPending(pod: BrokerPodView, updateRevision: string): boolean {
  return pod.revision !== updateRevision;
}

/** Pending pods in restart order: ascending broker id, the active controller last. */
function restartOrder(pods: BrokerPodView[], controllerId: number | null): BrokerPodView[] {
  return [...pods].sort((a, b) => {
    const ac = a.brokerId === controllerId ? 1 : 0;
    const bc = b.brokerId === controllerId ? 1 : 0;
    return ac - bc || a.brokerId - b.brokerId || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  });
}

/** Partitions whose ISR does not contain every replica. */
export function underReplicated(partitions: PartitionView[]): PartitionView[] {
  return partitions.filter((p) => p.replicas.some((r) => !p.isr.includes(r)));
}

/**
 * Partitions that restarting broker b would take below min.insync.replicas (see rule 5 above for the rf-1
 * exception), sorted by topic and partition.
 */
export function minIsrViolations(partitions: PartitionView[], brokerId: number): PartitionView[] {
  return partitions
    .filter((p) => p.replicas.includes(brokerId) && p.replicas.length > 1)
    .filter((p) => p.isr.filter((r) => r !== brokerId).length < p.minIsr)
    .sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
}

function minIsrReason(brokerId: number, violations: PartitionView[]): string {
  const first = violations[0]!;
  const base = `restarting broker ${brokerId}: partition ${tp(first)} would fall below min.insync.replicas ${first.minIsr} (isr ${list(first.isr)})`;
  const hopeless =
    first.replicas.length <= first.minIsr
      ? `; it has only ${first.replicas.length} replicas, so waiting cannot help: raise its replication factor or lower min.insync.replicas`
      : '';
  return `${base}${more(violations.length - 1)}${hopeless}`;
}

export function planRoll(input: RollPlanInput): RollStep {
  const { pods, updateRevision, controllerId, partitions } = input;
  if (pods.length === 0) return { kind: 'idle' };
  if (updateRevision === undefined) {
    return {
      kind: 'wait',
      reason: 'the StatefulSet controller has not computed the update revision of the broker pods yet',
      retryAfterMs: ROLL_RETRY_MS.revision,
      cause: 'revision',
    };
  }
  const pending = pods.filter((p) => isPending(p, updateRevision));
  if (pending.length === 0) return { kind: 'idle' };

  // (1) A broken outdated pod serves nothing: restart it whatever else is going on.
  const broken = restartOrder(
    pending.filter((p) => !p.terminating && (!p.ready || p.crashLooping)),
    controllerId,
  )[0];
  if (broken) {
    return {
      kind: 'restart',
      brokerId: broken.brokerId,
      pod: broken.name,
      reason: `outdated revision, and the pod is ${broken.crashLooping ? 'crash-looping' : 'not ready'} (restarted without the ISR check)`,
    };
  }

  // (2) One broker down at a time.
  const waitPods = (reason: string): RollStep => ({ kind: 'wait', reason, retryAfterMs: ROLL_RETRY_MS.pods, cause: 'pods' });
  const byId = [...pods].sort((a, b) => a.brokerId - b.brokerId);
  const terminating = byId.find((p) => p.terminating);
  if (terminating) return waitPods(`broker ${terminating.brokerId} (pod ${terminating.name}) is terminating`);
  const notReady = byId.find((p) => !p.ready);
  if (notReady) return waitPods(`broker ${notReady.brokerId} (pod ${notReady.name}) is not ready`);
  if (input.expectedPods !== undefined && pods.length < input.expectedPods) {
    return waitPods(`${input.expectedPods - pods.length} of ${input.expectedPods} broker pods do not exist (being recreated?)`);
  }
  if (input.registeredBrokers) {
    const registered = new Set(input.registeredBrokers);
    const unregistered = byId.find((p) => !registered.has(p.brokerId));
    if (unregistered) {
      return waitPods(`broker ${unregistered.brokerId} (pod ${unregistered.name}) is ready but not registered with the cluster yet`);
    }
  }

  // (3) Without the brokers' view of the partitions nothing can be checked.
  if (partitions === null) {
    return { kind: 'wait', reason: 'the brokers cannot be reached to check partition replicas', retryAfterMs: ROLL_RETRY_MS.unreachable, cause: 'unreachable' };
  }

  // (4) Every replica back in sync before the next restart.
  const under = underReplicated(partitions).sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
  if (under.length > 0) {
    const first = under[0]!;
    return {
      kind: 'wait',
      reason: `partition ${tp(first)} is under-replicated (replicas ${list(first.replicas)}, isr ${list(first.isr)})${more(under.length - 1)}`,
      retryAfterMs: ROLL_RETRY_MS.underReplicated,
      cause: 'under-replicated',
    };
  }

  // (5) The first candidate whose restart keeps every partition at or above min ISR.
  const candidates = restartOrder(pending, controllerId);
  const blocked: string[] = [];
  for (const c of candidates) {
    const violations = minIsrViolations(partitions, c.brokerId);
    if (violations.length === 0) {
      const skipped = blocked.length > 0 ? `; skipped: ${blocked.join('; ')}` : '';
      return {
        kind: 'restart',
        brokerId: c.brokerId,
        pod: c.name,
        reason: `outdated revision${c.brokerId === controllerId ? ' (the active controller, restarted last)' : ''}${skipped}`,
      };
    }
    blocked.push(minIsrReason(c.brokerId, violations));
  }
  return { kind: 'wait', reason: blocked[0]!, retryAfterMs: ROLL_RETRY_MS.minIsr, cause: 'min-isr' };
}
