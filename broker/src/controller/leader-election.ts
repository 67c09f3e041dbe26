/**
 * Kafka's PartitionLeaderElectionAlgorithms and the new leader/ISR each election strategy produces
 * (PartitionStateMachine's leaderForOffline / leaderForReassign / leaderForPreferredReplica /
 * leaderForControlledShutdown). Pure functions: the state machine supplies liveness.
 */
import type { LeaderIsr } from './controller-context.js';

export type ElectionStrategy =
  | { kind: 'offline'; allowUnclean: boolean }
  | { kind: 'reassign' }
  | { kind: 'preferred' }
  | { kind: 'controlledShutdown' };

/** Leader recovery state after an unclean election (KIP-704): the leader must recover before widening the ISR. */
export const LEADER_RECOVERY_RECOVERED = 0;
export const LEADER_RECOVERY_RECOVERING = 1;

export function offlinePartitionLeader(
  assignment: readonly number[],
  isr: readonly number[],
  live: ReadonlySet<number>,
  uncleanEnabled: boolean,
): number | undefined {
  const clean = assignment.find((id) => live.has(id) && isr.includes(id));
  if (clean !== undefined) return clean;
  return uncleanEnabled ? assignment.find((id) => live.has(id)) : undefined;
}

export function reassignPartitionLeader(
  targetReplicas: readonly number[],
  isr: readonly number[],
  live: ReadonlySet<number>,
): number | undefined {
  return targetReplicas.find((id) => live.has(id) && isr.includes(id));
}

export function preferredReplicaLeader(
  assignment: readonly number[],
  isr: readonly number[],
  live: ReadonlySet<number>,
): number | undefined {
  const preferred = assignment[0];
  return preferred !== undefined && live.has(preferred) && isr.includes(preferred) ? preferred : undefined;
}

export function controlledShutdownLeader(
  assignment: readonly number[],
  isr: readonly number[],
  live: ReadonlySet<number>,
  shuttingDown: ReadonlySet<number>,
): number | undefined {
  return assignment.find((id) => live.has(id) && isr.includes(id) && !shuttingDown.has(id));
}

/** A new leader and ISR to write, with the leader epoch bumped; zkVersion is the one the write expects. */
export type NewLeaderIsr = Omit<LeaderIsr, 'controllerEpoch'>;

export interface ElectionInput {
  current: LeaderIsr;
  /** Full replica set (RS). */
  assignment: readonly number[];
  /** TRS for reassignment elections. */
  targetReplicas: readonly number[];
  /** Live brokers, not shutting down. */
  live: ReadonlySet<number>;
  /** Live brokers including those shutting down. */
  liveOrShuttingDown: ReadonlySet<number>;
  shuttingDown: ReadonlySet<number>;
}

/** Returns the new state and the brokers that must receive LeaderAndIsr, or undefined when no leader can be chosen. */
export function elect(strategy: ElectionStrategy, input: ElectionInput): { next: NewLeaderIsr; recipients: number[] } | undefined {
  const { current, assignment } = input;
  const isr = current.isr;
  const liveReplicas = assignment.filter((r) => input.live.has(r));
  const bump = (leader: number, newIsr: number[], recovery = current.leaderRecoveryState): NewLeaderIsr => ({
    leader,
    leaderEpoch: current.leaderEpoch + 1,
    isr: newIsr,
    leaderRecoveryState: recovery,
    zkVersion: current.zkVersion,
  });
  switch (strategy.kind) {
    case 'offline': {
      const leader = offlinePartitionLeader(assignment, isr, input.live, strategy.allowUnclean);
      if (leader === undefined) return undefined;
      if (isr.includes(leader)) return { next: bump(leader, isr.filter((r) => input.live.has(r))), recipients: liveReplicas };
      // Unclean: the ISR restarts from the new leader alone, which is marked RECOVERING.
      return { next: bump(leader, [leader], LEADER_RECOVERY_RECOVERING), recipients: liveReplicas };
    }
    case 'reassign': {
      const leader = reassignPartitionLeader(input.targetReplicas, isr, input.live);
      if (leader === undefined) return undefined;
      return { next: bump(leader, [...isr]), recipients: liveReplicas };
    }
    case 'preferred': {
      const leader = preferredReplicaLeader(assignment, isr, input.live);
      if (leader === undefined) return undefined;
      return { next: bump(leader, [...isr]), recipients: liveReplicas };
    }
    case 'controlledShutdown': {
      const liveOrShutting = assignment.filter((r) => input.liveOrShuttingDown.has(r));
      const leader = controlledShutdownLeader(assignment, isr, input.liveOrShuttingDown, input.shuttingDown);
      if (leader === undefined) return undefined;
      return { next: bump(leader, isr.filter((r) => !input.shuttingDown.has(r))), recipients: liveOrShutting };
    }
  }
}
