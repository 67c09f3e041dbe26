/**
 * One partition hosted on this broker, as leader or follower: the log plus the replication state Kafka's
 * `Partition` keeps (leader id and epoch, ISR and partition epoch, replica set, the leader's view of its
 * followers, an in-flight ISR change). Changes come from ReplicaManager only; handlers read.
 */
import type { PartitionLog } from '../storage/log.js';
import { type ReplicaState, computeHighWatermark, newReplicaState } from './isr.js';

export function partitionKey(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

/** An ISR change sent to the controller and not answered yet (Kafka's PendingExpandIsr/PendingShrinkIsr). */
export interface PendingIsrChange {
  kind: 'expand' | 'shrink';
  newIsr: number[];
  /** Set when the controller rejected it for good: no more changes until the next LeaderAndIsr. */
  failed: boolean;
}

export class Partition {
  /** -1: no leader known (stopped); else the leading broker (maybe this one). */
  leaderId: number;
  leaderEpoch: number;
  /** The controller's version of the partition's state (ZK zkVersion), echoed in AlterPartition. */
  partitionEpoch = 0;
  /** Committed ISR as last told by the controller (leader: or by an AlterPartition response). */
  isr: number[];
  replicas: number[];
  addingReplicas: number[] = [];
  removingReplicas: number[] = [];
  /** Controller epoch of the last LeaderAndIsr applied. */
  controllerEpoch = -1;
  /** Leader only: the offset its current epoch starts at (a follower below it cannot join the ISR). */
  leaderEpochStartOffset = 0;
  /** Leader only: one entry per other assigned replica. */
  readonly followers = new Map<number, ReplicaState>();
  pendingIsr: PendingIsrChange | null = null;

  constructor(
    readonly topic: string,
    readonly index: number,
    public topicId: string,
    readonly log: PartitionLog,
    private readonly localBrokerId: number,
    init: { leaderId: number; leaderEpoch: number; isr: number[]; replicas: number[] },
  ) {
    this.leaderId = init.leaderId;
    this.leaderEpoch = init.leaderEpoch;
    this.isr = init.isr;
    this.replicas = init.replicas;
  }

  get key(): string {
    return partitionKey(this.topic, this.index);
  }

  get isLeader(): boolean {
    return this.leaderId === this.localBrokerId;
  }

  /**
   * The ISR the HW must respect: during a pending expansion the joining replica already counts (it might
   * be committed any moment, and an HW it has not reached would then be wrong); a pending shrink does not
   * drop anyone until the controller confirms it.
   */
  get maximalIsr(): number[] {
    const p = this.pendingIsr;
    if (p && p.kind === 'expand' && !p.failed) return [...new Set([...this.isr, ...p.newIsr])];
    return this.isr;
  }

  /** Leader: fresh follower states for every other assigned replica (Kafka's makeLeader reset). */
  resetFollowerStates(nowMs: number): void {
    this.followers.clear();
    for (const id of this.replicas) {
      if (id === this.localBrokerId) continue;
      this.followers.set(id, newReplicaState(id, nowMs, this.isr.includes(id)));
    }
  }

  /**
   * Leader: moves the HW up to the smallest LEO over the maximal ISR; never down. Returns true when it
   * moved (delayed produces and consumer fetches may complete).
   */
  maybeIncrementHighWatermark(): boolean {
    if (!this.isLeader) return false;
    const candidate = computeHighWatermark(this.localBrokerId, this.log.logEndOffset, this.maximalIsr, this.followers);
    if (candidate <= this.log.highWatermark) return false;
    this.log.highWatermark = candidate;
    return true;
  }

  /** Under-replicated in Kafka's sense: led here with an ISR smaller than the replica set. */
  get underReplicated(): boolean {
    return this.isLeader && this.isr.length < this.replicas.length;
  }
}
