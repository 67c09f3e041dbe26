/**
 * The controller's in-memory view of the cluster (Kafka's ControllerContext): live brokers with their
 * epochs, topics, full replica assignments (RS/AR/RR of reassignments), leader/ISR state of every partition
 * with the zkVersion of its state znode, and the sets of partitions being reassigned and topics being deleted.
 * Only the controller's event queue touches it.
 */
import type { BrokerEndpoint } from '../metadata/store.js';

export interface TopicPartition {
  topic: string;
  partition: number;
}

export function tpKey(tp: TopicPartition): string {
  return `${tp.topic}-${tp.partition}`;
}

/** Kafka's LeaderAndIsr plus the controller epoch that wrote it and the znode's version (= partition epoch). */
export interface LeaderIsr {
  leader: number;
  leaderEpoch: number;
  isr: number[];
  leaderRecoveryState: number;
  controllerEpoch: number;
  /** The state znode's version: the partition epoch in LeaderAndIsr and AlterPartition. */
  zkVersion: number;
}

export const NO_LEADER = -1;
/** UpdateMetadata marks the partitions of a topic being deleted with this leader (LeaderAndIsr.LeaderDuringDelete). */
export const LEADER_DURING_DELETE = -2;
/** StopReplica's leader epoch for a deletion (LeaderAndIsr.EpochDuringDelete). */
export const EPOCH_DURING_DELETE = -2;

/**
 * Kafka's ReplicaAssignment. While a reassignment runs, replicas (RS) = target (TRS) + origin (ORS) without
 * duplicates, addingReplicas = TRS - ORS, removingReplicas = ORS - TRS.
 */
export class ReplicaAssignment {
  constructor(
    readonly replicas: readonly number[],
    readonly addingReplicas: readonly number[] = [],
    readonly removingReplicas: readonly number[] = [],
  ) {}

  static fromOldAndNew(oldReplicas: readonly number[], newReplicas: readonly number[]): ReplicaAssignment {
    const full = [...new Set([...newReplicas, ...oldReplicas])];
    return new ReplicaAssignment(
      full,
      full.filter((r) => !oldReplicas.includes(r)),
      full.filter((r) => !newReplicas.includes(r)),
    );
  }

  get originReplicas(): number[] {
    return this.replicas.filter((r) => !this.addingReplicas.includes(r));
  }

  get targetReplicas(): number[] {
    return this.replicas.filter((r) => !this.removingReplicas.includes(r));
  }

  get isBeingReassigned(): boolean {
    return this.addingReplicas.length > 0 || this.removingReplicas.length > 0;
  }

  reassignTo(target: readonly number[]): ReplicaAssignment {
    return ReplicaAssignment.fromOldAndNew(this.originReplicas, target);
  }

  equals(o: ReplicaAssignment): boolean {
    return (
      sameList(this.replicas, o.replicas) &&
      sameList(this.addingReplicas, o.addingReplicas) &&
      sameList(this.removingReplicas, o.removingReplicas)
    );
  }
}

export function sameList(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export function sameSet(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  const s = new Set(a);
  return b.every((x) => s.has(x));
}

export interface LiveBroker {
  id: number;
  rack: string | null;
  endpoints: BrokerEndpoint[];
  /** czxid of /brokers/ids/<id>: bumps on every registration, so a bounced broker is detected. */
  epoch: number;
}

export class ControllerContext {
  epoch = 0;
  epochZkVersion = 0;
  private liveOrShuttingDown = new Map<number, LiveBroker>();
  readonly shuttingDownBrokerIds = new Set<number>();
  readonly topicIds = new Map<string, string>();
  readonly assignments = new Map<string, Map<number, ReplicaAssignment>>();
  /** zkVersion of each topic's assignment znode, for conditional assignment writes. */
  readonly assignmentZkVersions = new Map<string, number>();
  readonly leadership = new Map<string, LeaderIsr>();
  readonly partitionsBeingReassigned = new Set<string>();
  readonly topicsToBeDeleted = new Set<string>();
  /** Topics whose deletion waits (replicas offline, reassignment running, StopReplica failed). */
  readonly topicsIneligibleForDeletion = new Set<string>();

  reset(): void {
    this.epoch = 0;
    this.epochZkVersion = 0;
    this.liveOrShuttingDown = new Map();
    this.shuttingDownBrokerIds.clear();
    this.topicIds.clear();
    this.assignments.clear();
    this.assignmentZkVersions.clear();
    this.leadership.clear();
    this.partitionsBeingReassigned.clear();
    this.topicsToBeDeleted.clear();
    this.topicsIneligibleForDeletion.clear();
  }

  setLiveBrokers(brokers: LiveBroker[]): void {
    this.liveOrShuttingDown = new Map(brokers.map((b) => [b.id, b]));
  }

  addLiveBroker(b: LiveBroker): void {
    this.liveOrShuttingDown.set(b.id, b);
  }

  removeLiveBroker(id: number): void {
    this.liveOrShuttingDown.delete(id);
    this.shuttingDownBrokerIds.delete(id);
  }

  /** Live and not shutting down: eligible for leadership and ISR membership. */
  liveBrokerIds(): number[] {
    return [...this.liveOrShuttingDown.keys()].filter((id) => !this.shuttingDownBrokerIds.has(id)).sort((a, b) => a - b);
  }

  liveOrShuttingDownBrokerIds(): number[] {
    return [...this.liveOrShuttingDown.keys()].sort((a, b) => a - b);
  }

  liveOrShuttingDownBrokers(): LiveBroker[] {
    return [...this.liveOrShuttingDown.values()].sort((a, b) => a.id - b.id);
  }

  broker(id: number): LiveBroker | undefined {
    return this.liveOrShuttingDown.get(id);
  }

  brokerEpoch(id: number): number | undefined {
    return this.liveOrShuttingDown.get(id)?.epoch;
  }

  isReplicaOnline(brokerId: number, includeShuttingDown = false): boolean {
    if (!this.liveOrShuttingDown.has(brokerId)) return false;
    return includeShuttingDown || !this.shuttingDownBrokerIds.has(brokerId);
  }

  allTopics(): string[] {
    return [...this.assignments.keys()];
  }

  allPartitions(): TopicPartition[] {
    const out: TopicPartition[] = [];
    for (const [topic, parts] of this.assignments) {
      for (const partition of [...parts.keys()].sort((a, b) => a - b)) out.push({ topic, partition });
    }
    return out;
  }

  partitionsForTopic(topic: string): TopicPartition[] {
    const parts = this.assignments.get(topic);
    if (!parts) return [];
    return [...parts.keys()].sort((a, b) => a - b).map((partition) => ({ topic, partition }));
  }

  assignment(tp: TopicPartition): ReplicaAssignment | undefined {
    return this.assignments.get(tp.topic)?.get(tp.partition);
  }

  replicas(tp: TopicPartition): readonly number[] {
    return this.assignment(tp)?.replicas ?? [];
  }

  setAssignment(tp: TopicPartition, a: ReplicaAssignment): void {
    let parts = this.assignments.get(tp.topic);
    if (!parts) {
      parts = new Map();
      this.assignments.set(tp.topic, parts);
    }
    parts.set(tp.partition, a);
  }

  leaderIsr(tp: TopicPartition): LeaderIsr | undefined {
    return this.leadership.get(tpKey(tp));
  }

  setLeaderIsr(tp: TopicPartition, l: LeaderIsr): void {
    this.leadership.set(tpKey(tp), l);
  }

  partitionsOnBroker(brokerId: number): TopicPartition[] {
    return this.allPartitions().filter((tp) => this.replicas(tp).includes(brokerId));
  }

  partitionsLedBy(brokerId: number): TopicPartition[] {
    return this.allPartitions().filter((tp) => this.leaderIsr(tp)?.leader === brokerId);
  }

  isTopicQueuedForDeletion(topic: string): boolean {
    return this.topicsToBeDeleted.has(topic);
  }

  removeTopic(topic: string): void {
    for (const tp of this.partitionsForTopic(topic)) {
      this.leadership.delete(tpKey(tp));
      this.partitionsBeingReassigned.delete(tpKey(tp));
    }
    this.assignments.delete(topic);
    this.assignmentZkVersions.delete(topic);
    this.topicIds.delete(topic);
    this.topicsToBeDeleted.delete(topic);
    this.topicsIneligibleForDeletion.delete(topic);
  }
}
