/**
 * Leader and ISR changes of partitions, written to ZooKeeper conditionally (expected state-znode version,
 * plus the controller-epoch check every controller write carries) and then announced through the request
 * batch. Kafka keeps explicit partition states (New/Online/Offline/NonExistent); here they are derived:
 * New = no state znode yet, Offline = no leader or a leader that is not registered, Online otherwise.
 * Also holds the replica-side transitions that touch partition state (Kafka's ReplicaStateMachine
 * OfflineReplica: removing a replica from the ISR).
 */
import type { Logger } from 'pino';
import type { KafkaZkClient } from '../metadata/kafka-zk-client.js';
import { recordLeaderElection } from '../metrics.js';
import { elect, type ElectionStrategy, type NewLeaderIsr } from './leader-election.js';
import { NO_LEADER, tpKey, type ControllerContext, type LeaderIsr, type TopicPartition } from './controller-context.js';
import type { RequestBatch } from './request-batch.js';

export type ElectionOutcome = { ok: true; state: LeaderIsr } | { ok: false; reason: string };

/** How many times a conditional write is re-read and retried after a version conflict. */
const MAX_CONFLICT_RETRIES = 5;

export interface PartitionStateMachineDeps {
  ctx: ControllerContext;
  zk: KafkaZkClient;
  batch: () => RequestBatch;
  log: Logger;
  /** unclean.leader.election.enable of a topic (its override, else the broker default). */
  uncleanEnabled: (topic: string) => Promise<boolean>;
}

export class PartitionStateMachine {
  constructor(private readonly d: PartitionStateMachineDeps) {}

  private get ctx(): ControllerContext {
    return this.d.ctx;
  }

  isOffline(tp: TopicPartition): boolean {
    const l = this.ctx.leaderIsr(tp);
    if (!l) return true;
    return l.leader === NO_LEADER || !this.ctx.isReplicaOnline(l.leader, true);
  }

  /**
   * New → Online (Kafka's initializeLeaderAndIsrForPartitions): leader = first live replica, ISR = live
   * replicas, epoch 0; LeaderAndIsr with isNew to the live replicas. Partitions without a live replica stay
   * New and are retried when a broker starts.
   */
  async initializeNewPartitions(tps: TopicPartition[]): Promise<void> {
    const toCreate: { tp: TopicPartition; state: LeaderIsr; live: number[] }[] = [];
    for (const tp of tps) {
      const replicas = this.ctx.replicas(tp);
      const live = replicas.filter((r) => this.ctx.isReplicaOnline(r));
      if (live.length === 0) {
        this.d.log.warn({ topic: tp.topic, partition: tp.partition, replicas }, 'no live replica to lead a new partition; it stays offline');
        continue;
      }
      toCreate.push({
        tp,
        live,
        state: { leader: live[0]!, leaderEpoch: 0, isr: live, leaderRecoveryState: 0, controllerEpoch: this.ctx.epoch, zkVersion: 0 },
      });
    }
    if (toCreate.length === 0) return;
    const results = await this.d.zk.createPartitionStates(
      toCreate.map(({ tp, state }) => ({ topic: tp.topic, partition: tp.partition, state: stateForZk(state) })),
      this.ctx.epochZkVersion,
    );
    const existing: TopicPartition[] = [];
    for (const c of toCreate) {
      const r = results.get(tpKey(c.tp));
      if (!r || !r.ok) {
        if (r && r.conflict) existing.push(c.tp);
        else this.d.log.error({ topic: c.tp.topic, partition: c.tp.partition, err: r && !r.conflict ? r.error : undefined }, 'could not create partition state');
        continue;
      }
      this.ctx.setLeaderIsr(c.tp, { ...c.state, zkVersion: r.newZkVersion });
      this.d.batch().addLeaderAndIsr(c.live, c.tp, true);
    }
    if (existing.length > 0) {
      // A state znode left behind (an earlier controller died half-way): adopt it, elect if it is offline.
      await this.refreshFromZk(existing);
      const offline = existing.filter((tp) => this.ctx.leaderIsr(tp) && this.isOffline(tp));
      for (const tp of existing) {
        if (!offline.includes(tp) && this.ctx.leaderIsr(tp)) {
          this.d.batch().addLeaderAndIsr(this.ctx.replicas(tp).filter((r) => this.ctx.isReplicaOnline(r)), tp, true);
        }
      }
      await this.electLeaders(offline, { kind: 'offline', allowUnclean: false });
    }
  }

  /** Kafka's triggerOnlinePartitionStateChange: every New or Offline partition of a topic not being deleted. */
  async triggerOnlinePartitionStateChange(): Promise<Map<string, ElectionOutcome>> {
    const fresh: TopicPartition[] = [];
    const offline: TopicPartition[] = [];
    for (const tp of this.ctx.allPartitions()) {
      if (this.ctx.isTopicQueuedForDeletion(tp.topic)) continue;
      if (!this.ctx.leaderIsr(tp)) fresh.push(tp);
      else if (this.isOffline(tp)) offline.push(tp);
    }
    if (fresh.length > 0) await this.initializeNewPartitions(fresh);
    return this.electLeaders(offline, { kind: 'offline', allowUnclean: false });
  }

  /**
   * Elects leaders with a strategy and writes them. For the offline strategy without `allowUnclean`, a
   * topic whose unclean.leader.election.enable is true may still elect an out-of-sync replica, as Kafka
   * reads the topic config for partitions that have no live ISR member.
   */
  async electLeaders(tps: TopicPartition[], strategy: ElectionStrategy): Promise<Map<string, ElectionOutcome>> {
    const results = new Map<string, ElectionOutcome>();
    let pending = tps.filter((tp) => {
      if (this.ctx.leaderIsr(tp)) return true;
      results.set(tpKey(tp), { ok: false, reason: `partition ${tpKey(tp)} has no leader and ISR state` });
      return false;
    });
    for (let attempt = 0; pending.length > 0; attempt++) {
      const updates: { tp: TopicPartition; next: NewLeaderIsr; recipients: number[] }[] = [];
      for (const tp of pending) {
        const elected = await this.electOne(tp, strategy);
        if (!elected) {
          results.set(tpKey(tp), { ok: false, reason: this.failureReason(tp, strategy) });
          continue;
        }
        updates.push({ tp, ...elected });
      }
      const conflicts = await this.write(updates, results, (u, state) => this.d.batch().addLeaderAndIsr(u.recipients, u.tp, false));
      const written = updates.length - conflicts.length;
      if (written > 0) recordLeaderElection(strategy.kind === 'offline' && strategy.allowUnclean ? 'unclean' : strategy.kind, written);
      if (conflicts.length === 0) break;
      if (attempt >= MAX_CONFLICT_RETRIES) {
        for (const tp of conflicts) results.set(tpKey(tp), { ok: false, reason: 'partition state changed concurrently' });
        break;
      }
      await this.refreshFromZk(conflicts);
      pending = conflicts;
    }
    return results;
  }

  private async electOne(tp: TopicPartition, strategy: ElectionStrategy): Promise<{ next: NewLeaderIsr; recipients: number[] } | undefined> {
    const current = this.ctx.leaderIsr(tp)!;
    const a = this.ctx.assignment(tp)!;
    const input = {
      current,
      assignment: a.replicas,
      targetReplicas: a.targetReplicas,
      live: new Set(this.ctx.liveBrokerIds()),
      liveOrShuttingDown: new Set(this.ctx.liveOrShuttingDownBrokerIds()),
      shuttingDown: new Set(this.ctx.shuttingDownBrokerIds),
    };
    const result = elect(strategy, input);
    if (result || strategy.kind !== 'offline' || strategy.allowUnclean) return result;
    // No live ISR member: only the topic's own unclean.leader.election.enable can still elect.
    const hasLiveIsr = current.isr.some((r) => input.live.has(r));
    if (hasLiveIsr || !a.replicas.some((r) => input.live.has(r))) return undefined;
    if (!(await this.d.uncleanEnabled(tp.topic))) return undefined;
    this.d.log.warn({ topic: tp.topic, partition: tp.partition }, 'unclean leader election');
    return elect({ kind: 'offline', allowUnclean: true }, input);
  }

  private failureReason(tp: TopicPartition, strategy: ElectionStrategy): string {
    const l = this.ctx.leaderIsr(tp);
    const live = this.ctx.replicas(tp).filter((r) => this.ctx.isReplicaOnline(r));
    return (
      `Failed to elect leader for partition ${tpKey(tp)} under strategy ${strategy.kind}: ` +
      `live replicas [${live.join(',')}], ISR [${l?.isr.join(',') ?? ''}]`
    );
  }

  /**
   * Kafka's doRemoveReplicasFromIsr (OfflineReplica): the replica leaves the ISR (unless it is the last
   * member, which is kept so a later clean election knows who has the data), a leader that leaves makes
   * the partition leaderless, the leader epoch is bumped and the remaining replicas get LeaderAndIsr.
   */
  async removeReplicaFromIsr(replicaId: number, tps: TopicPartition[]): Promise<void> {
    let pending = tps.filter((tp) => this.ctx.leaderIsr(tp)?.isr.includes(replicaId));
    const results = new Map<string, ElectionOutcome>();
    for (let attempt = 0; pending.length > 0 && attempt <= MAX_CONFLICT_RETRIES; attempt++) {
      const updates = pending.map((tp) => {
        const cur = this.ctx.leaderIsr(tp)!;
        const next: NewLeaderIsr = {
          leader: cur.leader === replicaId ? NO_LEADER : cur.leader,
          leaderEpoch: cur.leaderEpoch + 1,
          isr: cur.isr.length === 1 ? [...cur.isr] : cur.isr.filter((r) => r !== replicaId),
          leaderRecoveryState: cur.leaderRecoveryState,
          zkVersion: cur.zkVersion,
        };
        return { tp, next, recipients: this.ctx.replicas(tp).filter((r) => r !== replicaId) };
      });
      const conflicts = await this.write(updates, results, (u) => {
        if (!this.ctx.isTopicQueuedForDeletion(u.tp.topic)) this.d.batch().addLeaderAndIsr(u.recipients, u.tp, false);
      });
      if (conflicts.length === 0) return;
      await this.refreshFromZk(conflicts);
      pending = conflicts.filter((tp) => this.ctx.leaderIsr(tp)?.isr.includes(replicaId));
    }
    for (const tp of pending) this.d.log.error({ topic: tp.topic, partition: tp.partition, replicaId }, 'could not remove replica from ISR');
  }

  /** Bumps only the leader epoch (reassignment: replicas changed, leader and ISR did not). */
  async bumpLeaderEpoch(tp: TopicPartition): Promise<LeaderIsr | undefined> {
    for (let attempt = 0; attempt <= MAX_CONFLICT_RETRIES; attempt++) {
      const cur = this.ctx.leaderIsr(tp);
      if (!cur) return undefined;
      const results = new Map<string, ElectionOutcome>();
      const conflicts = await this.write([{ tp, next: { ...cur, leaderEpoch: cur.leaderEpoch + 1 }, recipients: [] }], results, () => undefined);
      if (conflicts.length === 0) {
        const r = results.get(tpKey(tp));
        return r?.ok ? r.state : undefined;
      }
      await this.refreshFromZk(conflicts);
    }
    return undefined;
  }

  /** Writes new states conditionally; returns the partitions whose znode version had moved on. */
  async write<U extends { tp: TopicPartition; next: NewLeaderIsr }>(
    updates: U[],
    results: Map<string, ElectionOutcome>,
    onSuccess: (u: U, state: LeaderIsr) => void,
  ): Promise<TopicPartition[]> {
    if (updates.length === 0) return [];
    const epoch = this.ctx.epoch;
    const res = await this.d.zk.updatePartitionStates(
      updates.map((u) => ({
        topic: u.tp.topic,
        partition: u.tp.partition,
        state: stateForZk({ ...u.next, controllerEpoch: epoch }),
        expectedZkVersion: u.next.zkVersion,
      })),
      this.ctx.epochZkVersion,
    );
    const conflicts: TopicPartition[] = [];
    for (const u of updates) {
      const r = res.get(tpKey(u.tp));
      if (!r || !r.ok) {
        if (!r || r.conflict) conflicts.push(u.tp);
        else {
          this.d.log.error({ topic: u.tp.topic, partition: u.tp.partition, err: r.error }, 'partition state write failed');
          results.set(tpKey(u.tp), { ok: false, reason: `partition state write failed: ${r.error.message}` });
        }
        continue;
      }
      const state: LeaderIsr = { ...u.next, controllerEpoch: epoch, zkVersion: r.newZkVersion };
      this.ctx.setLeaderIsr(u.tp, state);
      results.set(tpKey(u.tp), { ok: true, state });
      onSuccess(u, state);
    }
    return conflicts;
  }

  /** Re-reads state znodes into the context (after a conflict, or at failover). */
  async refreshFromZk(tps: TopicPartition[]): Promise<void> {
    if (tps.length === 0) return;
    const states = await this.d.zk.getPartitionStates(tps);
    for (const tp of tps) {
      const s = states.get(tpKey(tp));
      if (!s) continue;
      if (s.controllerEpoch > this.ctx.epoch) {
        throw new StaleControllerError(`partition ${tpKey(tp)} was written by controller epoch ${s.controllerEpoch} > ${this.ctx.epoch}`);
      }
      this.ctx.setLeaderIsr(tp, fromZk(s));
    }
  }
}

/** A newer controller has written state: this one must resign (Kafka's ControllerMovedException). */
export class StaleControllerError extends Error {
  override readonly name = 'StaleControllerError';
}

export function stateForZk(s: Omit<LeaderIsr, 'zkVersion'>): {
  leader: number;
  leaderEpoch: number;
  isr: number[];
  controllerEpoch: number;
  leaderRecoveryState: number;
} {
  return {
    leader: s.leader,
    leaderEpoch: s.leaderEpoch,
    isr: [...s.isr],
    controllerEpoch: s.controllerEpoch,
    leaderRecoveryState: s.leaderRecoveryState,
  };
}

export function fromZk(s: {
  leader: number;
  leaderEpoch: number;
  isr: number[];
  controllerEpoch: number;
  leaderRecoveryState?: number;
  zkVersion: number;
}): LeaderIsr {
  return {
    leader: s.leader,
    leaderEpoch: s.leaderEpoch,
    isr: [...s.isr],
    controllerEpoch: s.controllerEpoch,
    leaderRecoveryState: s.leaderRecoveryState ?? 0,
    zkVersion: s.zkVersion,
  };
}
