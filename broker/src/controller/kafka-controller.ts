/**
 * ZooKeeper-mode controller, after Kafka's KafkaController (2.8–3.9). Every broker runs one; the one that
 * creates /controller is active: it bumps /controller_epoch, loads brokers, topics, partition states and
 * reassignments, watches the znodes that carry admin intent, and pushes UpdateMetadata / LeaderAndIsr /
 * StopReplica to brokers through the ControllerChannel. Everything runs as events on one serialized queue.
 *
 * Simplifications against Kafka, all deliberate:
 * - partition and replica states are derived from the context instead of kept as explicit state machines;
 * - no log-dir failure handling (offline replicas on a live broker), no /isr_change_notification (every
 *   Gregor broker uses AlterPartition), no broker-modification (endpoint change) handler;
 * - LeaderAndIsr error responses are only logged.
 */
import type { Logger } from 'pino';
import { childLogger } from '../log.js';
import { ControllerMovedError, ZkPaths, type KafkaZkClient } from '../metadata/kafka-zk-client.js';
import { encodeReassignment } from '../metadata/zk-json.js';
import { newTopicId } from '../server/topic-names.js';
import { ErrorCode, KafkaError } from '../protocol/errors.js';
import type {
  AlterPartitionRequest,
  AlterPartitionResponse,
  AlterPartitionResponsePartitionData,
  AlterPartitionResponseTopicData,
} from '../protocol/messages/56_alter_partition.js';
import type { StopReplicaRequest, StopReplicaResponse } from '../protocol/messages/05_stop_replica.js';
import { ControllerChannel, type ControllerNetwork } from './controller-channel.js';
import {
  ControllerContext,
  EPOCH_DURING_DELETE,
  ReplicaAssignment,
  sameList,
  tpKey,
  type LeaderIsr,
  type LiveBroker,
  type TopicPartition,
} from './controller-context.js';
import { ControllerEventManager } from './event-manager.js';
import { LEADER_RECOVERY_RECOVERED, LEADER_RECOVERY_RECOVERING, preferredReplicaLeader, type ElectionStrategy } from './leader-election.js';
import { PartitionStateMachine, StaleControllerError, type ElectionOutcome } from './partition-state-machine.js';
import { RequestBatch } from './request-batch.js';

export interface KafkaControllerConfig {
  /** unclean.leader.election.enable (broker default; a topic override wins). */
  uncleanLeaderElectionEnable: boolean;
  /** auto.leader.rebalance.enable */
  autoLeaderRebalanceEnable: boolean;
  /** leader.imbalance.check.interval.seconds */
  leaderImbalanceCheckIntervalSeconds: number;
  /** leader.imbalance.per.broker.percentage */
  leaderImbalancePerBrokerPercentage: number;
  /** delete.topic.enable: when false, deletion requests in /admin/delete_topics are discarded, as Kafka. Default true. */
  deleteTopicEnable?: boolean;
  /** controller.socket.timeout.ms: per-request timeout of controller requests. Default 30000. */
  controllerSocketTimeoutMs?: number;
  /** Backoff between retries of a controller request. Default 100 ms. */
  retryBackoffMs?: number;
  /** Delay of the first auto-rebalance check after winning the election (Kafka: 5 s). */
  initialLeaderImbalanceCheckDelayMs?: number;
}

export type NetworkFactory = (resolve: (brokerId: number) => { host: string; port: number } | undefined) => ControllerNetwork;

export interface KafkaControllerOptions {
  zk: KafkaZkClient;
  brokerId: number;
  /**
   * Connections to brokers. A factory is preferred: it is handed a resolver that finds brokers through
   * /brokers/ids (the controller must reach a broker before any UpdateMetadata has told anyone about it).
   */
  network: ControllerNetwork | NetworkFactory;
  /** inter.broker.listener.name: the endpoint the controller connects to and announces as liveLeaders. */
  interBrokerListenerName: string;
  config: KafkaControllerConfig;
  log?: Logger;
}

/** Raised to requests queued when the controller resigns or shuts down: answered as NOT_CONTROLLER. */
export class NotControllerError extends KafkaError {
  constructor(message = 'This is not the correct controller for this cluster.') {
    super(ErrorCode.NOT_CONTROLLER, message);
  }
}

export const ELECTION_PREFERRED = 0;
export const ELECTION_UNCLEAN = 1;

export interface PartitionResult {
  errorCode: number;
  errorMessage: string | null;
}

export interface ReassignmentView {
  topic: string;
  partition: number;
  replicas: number[];
  addingReplicas: number[];
  removingReplicas: number[];
}

type Watch = () => void;

/** Delay before a topic deletion whose StopReplica failed is tried again. */
const DELETION_RETRY_MS = 5000;


export class KafkaController {
  private readonly zk: KafkaZkClient;
  private readonly brokerId: number;
  private readonly config: KafkaControllerConfig;
  private readonly interBrokerListenerName: string;
  private readonly log: Logger;
  private readonly events: ControllerEventManager;
  private readonly ctx = new ControllerContext();
  private readonly network: ControllerNetwork;
  private readonly ownsNetwork: boolean;
  private readonly psm: PartitionStateMachine;
  private channel: ControllerChannel | null = null;
  private currentBatch: RequestBatch;
  private activeControllerId = -1;
  /** Bumped on every failover and resignation: watch callbacks armed by an earlier term are ignored. */
  private term = 0;
  private rebalanceTimer: NodeJS.Timeout | null = null;
  private started = false;
  private stopped = false;
  /** Topic deletion: replicas whose StopReplica(delete) is outstanding, per topic. */
  private readonly deletionPending = new Map<string, Set<string>>();
  private readonly sessionListener = (): void => this.onNewSession();

  constructor(opts: KafkaControllerOptions) {
    this.zk = opts.zk;
    this.brokerId = opts.brokerId;
    this.config = opts.config;
    this.interBrokerListenerName = opts.interBrokerListenerName;
    this.log = (opts.log ?? childLogger('controller')).child({ controllerId: opts.brokerId });
    this.events = new ControllerEventManager(this.log);
    if (typeof opts.network === 'function') {
      this.network = opts.network((id) => this.resolveBroker(id));
      this.ownsNetwork = true;
    } else {
      this.network = opts.network;
      this.ownsNetwork = false;
    }
    this.currentBatch = this.newBatch();
    this.psm = new PartitionStateMachine({
      ctx: this.ctx,
      zk: this.zk,
      batch: () => this.currentBatch,
      log: this.log,
      uncleanEnabled: (topic) => this.topicUncleanEnabled(topic),
    });
  }

  // ---------------------------------------------------------------- lifecycle

  /** Starts competing for /controller. Resolves once the first election attempt has been processed. */
  async startup(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.zk.on('newSession', this.sessionListener);
    await this.events.call('Startup', () => this.elect(), () => new NotControllerError());
  }

  /** Resigns (deleting /controller if it is ours, so another broker takes over at once) and stops. */
  async shutdown(): Promise<void> {
    if (this.stopped) return;
    // Whether /controller is ours must be known before `stopped` makes isActive() false.
    const wasActive = this.isActive();
    this.stopped = true;
    this.zk.off('newSession', this.sessionListener);
    await this.events.close();
    this.onControllerResignation();
    this.activeControllerId = -1;
    if (wasActive) {
      try {
        await this.zk.resignController(this.brokerId);
      } catch (err) {
        this.log.warn({ err }, 'could not delete /controller on shutdown');
      }
    }
    if (this.ownsNetwork) await Promise.resolve(this.network.close()).catch(() => undefined);
  }

  isActive(): boolean {
    return !this.stopped && this.activeControllerId === this.brokerId;
  }

  /** The controller epoch of this controller's term (0 when not active). */
  epoch(): number {
    return this.isActive() ? this.ctx.epoch : 0;
  }

  /** The controller id last seen in /controller (-1 if none). */
  activeController(): number {
    return this.activeControllerId;
  }

  /** Resolves when no controller event is queued or running (tests). */
  idle(): Promise<void> {
    return this.events.idle();
  }

  // ---------------------------------------------------------------- request entry points

  alterPartition(req: AlterPartitionRequest, version: number): Promise<AlterPartitionResponse> {
    return this.request('AlterPartition', () => this.processAlterPartition(req, version));
  }

  /** Returns the partitions the broker still leads (the broker retries until none are left). */
  controlledShutdown(brokerId: number, brokerEpoch: number): Promise<TopicPartition[]> {
    return this.request('ControlledShutdown', () => this.processControlledShutdown(brokerId, brokerEpoch));
  }

  /** `partitions` null = every partition. Results keyed by tpKey. */
  electLeaders(electionType: number, partitions: TopicPartition[] | null): Promise<Map<string, PartitionResult & TopicPartition>> {
    return this.request('ElectLeaders', () => this.processElectLeaders(electionType, partitions, 'admin'));
  }

  /** `replicas` null cancels a pending reassignment. Results keyed by tpKey. */
  alterPartitionReassignments(
    reassignments: { topic: string; partition: number; replicas: number[] | null }[],
  ): Promise<Map<string, PartitionResult & TopicPartition>> {
    return this.request('AlterPartitionReassignments', () => this.processApiReassignment(reassignments));
  }

  /** `partitions` null = all ongoing reassignments. */
  listPartitionReassignments(partitions: TopicPartition[] | null): Promise<ReassignmentView[]> {
    return this.request('ListPartitionReassignments', async () => {
      const wanted = partitions ?? [...this.ctx.partitionsBeingReassigned].map((k) => this.tpFromKey(k)).filter((tp) => tp !== undefined);
      const out: ReassignmentView[] = [];
      for (const tp of wanted) {
        if (!this.ctx.partitionsBeingReassigned.has(tpKey(tp))) continue;
        const a = this.ctx.assignment(tp);
        if (!a) continue;
        out.push({ ...tp, replicas: [...a.replicas], addingReplicas: [...a.addingReplicas], removingReplicas: [...a.removingReplicas] });
      }
      return out.sort((x, y) => (x.topic === y.topic ? x.partition - y.partition : x.topic < y.topic ? -1 : 1));
    });
  }

  private request<T>(name: string, fn: () => Promise<T>): Promise<T> {
    if (!this.isActive()) return Promise.reject(new NotControllerError());
    return this.events.call(
      name,
      async () => {
        if (!this.isActive()) throw new NotControllerError();
        try {
          return await fn();
        } catch (err) {
          if (isControllerMoved(err)) {
            await this.maybeResign();
            throw new NotControllerError();
          }
          throw err;
        }
      },
      () => new NotControllerError(),
    );
  }

  /** Enqueues a background event; events of an earlier term are dropped. */
  private put(name: string, fn: () => Promise<void>, opts: { requireActive?: boolean } = {}): void {
    const term = this.term;
    const requireActive = opts.requireActive ?? true;
    this.events.put({
      name,
      process: async () => {
        if (requireActive && (!this.isActive() || term !== this.term)) return;
        try {
          await fn();
        } catch (err) {
          if (isControllerMoved(err)) {
            this.log.info({ event: name }, 'controller moved while processing an event');
            await this.maybeResign();
            return;
          }
          throw err;
        }
      },
    });
  }

  /** A one-shot ZooKeeper watch that enqueues `name` if it fires in the same term. */
  private watch(name: string, fn: () => Promise<void>): Watch {
    const term = this.term;
    return () => {
      if (term !== this.term || this.stopped) return;
      this.put(name, fn);
    };
  }

  // ---------------------------------------------------------------- election

  private controllerWatch: Watch = () => {
    if (this.stopped) return;
    this.put('ControllerChange', () => this.processControllerChange(), { requireActive: false });
  };

  private async elect(): Promise<void> {
    if (this.stopped) return;
    this.activeControllerId = await this.zk.getControllerId(this.controllerWatch);
    if (this.activeControllerId !== -1) {
      this.log.debug({ activeControllerId: this.activeControllerId }, 'another broker is the controller');
      return;
    }
    let r: { elected: boolean; epoch: number; epochZkVersion: number };
    try {
      r = await this.zk.tryElectController(this.brokerId);
    } catch (err) {
      this.log.warn({ err }, 'controller election failed');
      this.activeControllerId = await this.zk.getControllerId(this.controllerWatch);
      return;
    }
    if (!r.elected) {
      this.activeControllerId = await this.zk.getControllerId(this.controllerWatch);
      return;
    }
    this.activeControllerId = this.brokerId;
    this.ctx.epoch = r.epoch;
    this.ctx.epochZkVersion = r.epochZkVersion;
    // Watch /controller again: the election created it after our last read.
    await this.zk.getControllerId(this.controllerWatch);
    try {
      await this.onControllerFailover();
    } catch (err) {
      if (isControllerMoved(err)) {
        this.log.info('controller moved during failover');
        await this.maybeResign();
        return;
      }
      this.log.error({ err }, 'controller failover failed; resigning');
      await this.triggerControllerMove();
    }
  }

  private async processControllerChange(): Promise<void> {
    const wasActive = this.isActive();
    this.activeControllerId = await this.zk.getControllerId(this.controllerWatch);
    if (wasActive && !this.isActive()) this.onControllerResignation();
    if (this.activeControllerId === -1) await this.elect();
  }

  private async maybeResign(): Promise<void> {
    const wasActive = this.isActive();
    this.activeControllerId = await this.zk.getControllerId(this.controllerWatch);
    if (wasActive && !this.isActive()) this.onControllerResignation();
    else if (wasActive && this.isActive()) {
      // Still the owner of /controller, yet fenced by /controller_epoch: give up the znode so someone re-elects.
      await this.triggerControllerMove();
    }
  }

  private async triggerControllerMove(): Promise<void> {
    this.onControllerResignation();
    this.activeControllerId = -1;
    try {
      await this.zk.resignController(this.brokerId);
    } catch (err) {
      this.log.warn({ err }, 'could not delete /controller');
    }
  }

  private onNewSession(): void {
    if (this.stopped) return;
    // Kafka's Expire + RegisterBrokerAndReelect: the old session's ephemerals (and our /controller) are gone.
    this.events.clearAndPut({
      name: 'Expire',
      process: async () => {
        if (this.isActive()) this.onControllerResignation();
        this.activeControllerId = -1;
        await this.elect();
      },
      preempt: undefined,
    });
  }

  private onControllerResignation(): void {
    if (this.term > 0 || this.channel) this.log.info({ epoch: this.ctx.epoch }, 'resigning as controller');
    this.term += 1;
    if (this.rebalanceTimer) clearTimeout(this.rebalanceTimer);
    this.rebalanceTimer = null;
    this.channel?.close();
    this.channel = null;
    this.deletionPending.clear();
    this.ctx.reset();
    this.currentBatch = this.newBatch();
  }

  // ---------------------------------------------------------------- failover

  private async onControllerFailover(): Promise<void> {
    this.term += 1;
    this.log.info({ epoch: this.ctx.epoch, epochZkVersion: this.ctx.epochZkVersion }, 'elected as controller');
    this.channel = new ControllerChannel(this.network, this.log, {
      requestTimeoutMs: this.config.controllerSocketTimeoutMs,
      retryBackoffMs: this.config.retryBackoffMs,
    });
    this.currentBatch = this.newBatch();

    // Watches first, then reads: a change between the two is seen again by the watch's event. The session
    // answers requests in the order they were sent, so issuing them together keeps that order while the
    // round trips overlap (a failover with many topics waits for one round of reads, not one per topic).
    const brokerWatch = this.zk.getBrokerIds(this.watch('BrokerChange', () => this.processBrokerChange()));
    const brokersRead = this.zk.getAllBrokers();
    const topicsRead = this.zk.getAllTopics(this.watch('TopicChange', () => this.processTopicChange()));
    const deletionsRead = this.zk.getTopicDeletions(this.watch('TopicDeletion', () => this.processTopicDeletion()));
    const [, brokers, topics, deletions] = await Promise.all([brokerWatch, brokersRead, topicsRead, deletionsRead]);
    const liveBrokers = brokers.map((b) => toLiveBroker(b));
    this.ctx.setLiveBrokers(liveBrokers);
    for (const b of liveBrokers) this.channel.addBroker(b.id);

    await Promise.all(topics.map((topic) => this.loadTopic(topic)));
    await this.psm.refreshFromZk(this.ctx.allPartitions());
    for (const tp of this.ctx.allPartitions()) {
      if (this.ctx.assignment(tp)?.isBeingReassigned) this.ctx.partitionsBeingReassigned.add(tpKey(tp));
    }

    // Brokers need the live brokers before they can act on LeaderAndIsr (Kafka sends UpdateMetadata first).
    this.currentBatch.addUpdateMetadata(this.ctx.liveOrShuttingDownBrokerIds(), this.ctx.allPartitions());
    this.sendBatch();

    // ReplicaStateMachine.startup: LeaderAndIsr for every online replica; offline replicas leave ISRs.
    for (const tp of this.ctx.allPartitions()) {
      const online = this.ctx.replicas(tp).filter((r) => this.ctx.isReplicaOnline(r, true));
      if (this.ctx.leaderIsr(tp)) this.currentBatch.addLeaderAndIsr(online, tp, false);
    }
    this.sendBatch();
    await this.removeOfflineReplicasFromIsr();
    // PartitionStateMachine.startup: elect leaders for new and offline partitions.
    await this.psm.triggerOnlinePartitionStateChange();
    this.sendBatch();

    await this.initTopicDeletions(deletions);
    await this.initializePartitionReassignments();
    await this.tryTopicDeletion();
    const preferred = await this.readPreferredReplicaElection();
    if (preferred) await this.processElectLeaders(ELECTION_PREFERRED, preferred, 'zk');
    if (this.config.autoLeaderRebalanceEnable) this.scheduleAutoLeaderRebalance(this.config.initialLeaderImbalanceCheckDelayMs ?? 5000);
    this.log.info({ epoch: this.ctx.epoch, brokers: this.ctx.liveBrokerIds(), topics: topics.length }, 'ready to serve as the controller');
  }

  private async loadTopic(topic: string): Promise<boolean> {
    const a = await this.zk.getTopicAssignment(topic, this.partitionModificationsWatch(topic));
    if (!a) return false;
    this.ctx.assignmentZkVersions.set(topic, a.zkVersion);
    let topicId = a.topicId;
    if (topicId === null) {
      // A topic created by a pre-2.8 tool has no id: Kafka's controller assigns one (processTopicIds).
      topicId = newTopicId();
      const v = await this.zk.setTopicAssignment(topic, topicId, a.partitions, a.adding, a.removing, a.zkVersion, this.ctx.epochZkVersion);
      this.ctx.assignmentZkVersions.set(topic, v);
      this.log.info({ topic, topicId }, 'assigned a topic id');
    }
    this.ctx.topicIds.set(topic, topicId);
    for (const [partition, replicas] of a.partitions) {
      this.ctx.setAssignment(
        { topic, partition },
        new ReplicaAssignment(replicas, a.adding.get(partition) ?? [], a.removing.get(partition) ?? []),
      );
    }
    return true;
  }

  private partitionModificationsWatch(topic: string): Watch {
    return this.watch(`PartitionModifications(${topic})`, () => this.processPartitionModifications(topic));
  }

  /** OfflineReplica for every replica on a broker that is not registered (ReplicaStateMachine.startup). */
  private async removeOfflineReplicasFromIsr(): Promise<void> {
    const byBroker = new Map<number, TopicPartition[]>();
    for (const tp of this.ctx.allPartitions()) {
      if (this.ctx.isTopicQueuedForDeletion(tp.topic)) continue;
      for (const r of this.ctx.replicas(tp)) {
        if (this.ctx.isReplicaOnline(r, true)) continue;
        const list = byBroker.get(r) ?? [];
        list.push(tp);
        byBroker.set(r, list);
      }
    }
    for (const [replica, tps] of byBroker) await this.psm.removeReplicaFromIsr(replica, tps);
    this.sendBatch();
  }

  // ---------------------------------------------------------------- brokers

  private async processBrokerChange(): Promise<void> {
    await this.zk.getBrokerIds(this.watch('BrokerChange', () => this.processBrokerChange()));
    const current = (await this.zk.getAllBrokers()).map((b) => toLiveBroker(b));
    const curIds = new Set(current.map((b) => b.id));
    const known = new Set(this.ctx.liveOrShuttingDownBrokerIds());
    const newBrokers = current.filter((b) => !known.has(b.id));
    const bounced = current.filter((b) => known.has(b.id) && this.ctx.brokerEpoch(b.id) !== b.epoch);
    const dead = [...known].filter((id) => !curIds.has(id)).sort((a, b) => a - b);
    if (newBrokers.length === 0 && bounced.length === 0 && dead.length === 0) return;
    this.log.info(
      { newBrokers: newBrokers.map((b) => b.id), bounced: bounced.map((b) => b.id), dead },
      'broker change',
    );
    const channel = this.channel!;
    for (const b of newBrokers) channel.addBroker(b.id);
    for (const b of bounced) {
      channel.removeBroker(b.id);
      channel.addBroker(b.id);
    }
    for (const id of dead) channel.removeBroker(id);

    if (newBrokers.length > 0) {
      for (const b of newBrokers) this.ctx.addLiveBroker(b);
      await this.onBrokerStartup(newBrokers.map((b) => b.id));
    }
    if (bounced.length > 0) {
      for (const b of bounced) this.ctx.removeLiveBroker(b.id);
      await this.onBrokerFailure(bounced.map((b) => b.id));
      for (const b of bounced) this.ctx.addLiveBroker(b);
      await this.onBrokerStartup(bounced.map((b) => b.id));
    }
    if (dead.length > 0) {
      for (const id of dead) this.ctx.removeLiveBroker(id);
      await this.onBrokerFailure(dead);
    }
  }

  /**
   * Kafka's onBrokerStartup: the others learn the new broker list, the new brokers get every partition's
   * state and LeaderAndIsr for their replicas; offline partitions may now elect; reassignments and
   * deletions waiting for these brokers resume.
   */
  private async onBrokerStartup(newBrokers: number[]): Promise<void> {
    const isNew = new Set(newBrokers);
    this.currentBatch.addUpdateMetadata(
      this.ctx.liveOrShuttingDownBrokerIds().filter((id) => !isNew.has(id)),
      [],
    );
    this.currentBatch.addUpdateMetadata(newBrokers, this.ctx.allPartitions());
    this.sendBatch();
    // Replicas on the new brokers → OnlineReplica.
    for (const id of newBrokers) {
      for (const tp of this.ctx.partitionsOnBroker(id)) {
        if (this.ctx.isTopicQueuedForDeletion(tp.topic)) continue;
        if (this.ctx.leaderIsr(tp)) this.currentBatch.addLeaderAndIsr([id], tp, false);
      }
    }
    this.sendBatch();
    await this.psm.triggerOnlinePartitionStateChange();
    this.sendBatch();
    for (const key of [...this.ctx.partitionsBeingReassigned]) {
      const tp = this.tpFromKey(key);
      const a = tp && this.ctx.assignment(tp);
      if (tp && a && a.targetReplicas.some((r) => isNew.has(r))) await this.onPartitionReassignment(tp, a);
    }
    const resumable = [...this.ctx.topicsToBeDeleted].filter((t) =>
      this.ctx.partitionsForTopic(t).some((tp) => this.ctx.replicas(tp).some((r) => isNew.has(r))),
    );
    for (const t of resumable) this.ctx.topicsIneligibleForDeletion.delete(t);
    if (resumable.length > 0) await this.tryTopicDeletion();
  }

  /**
   * Kafka's onBrokerFailure / onReplicasBecomeOffline: partitions the dead brokers led elect a new leader
   * from the live ISR (unclean only where allowed), the dead replicas leave every ISR, and everyone learns.
   */
  private async onBrokerFailure(deadBrokers: number[]): Promise<void> {
    const results = await this.psm.triggerOnlinePartitionStateChange();
    let isrChanged = false;
    for (const id of deadBrokers) {
      const tps = this.ctx.partitionsOnBroker(id).filter((tp) => !this.ctx.isTopicQueuedForDeletion(tp.topic));
      const before = tps.filter((tp) => this.ctx.leaderIsr(tp)?.isr.includes(id)).length;
      if (before > 0) isrChanged = true;
      await this.psm.removeReplicaFromIsr(id, tps);
    }
    for (const t of this.ctx.topicsToBeDeleted) {
      if (this.ctx.partitionsForTopic(t).some((tp) => this.ctx.replicas(tp).some((r) => deadBrokers.includes(r)))) {
        // Kafka's failReplicaDeletion: a deletion waiting on a dead replica resumes when it returns.
        this.ctx.topicsIneligibleForDeletion.add(t);
        this.deletionPending.delete(t);
      }
    }
    const anyElected = [...results.values()].some((r) => r.ok);
    if (!isrChanged && !anyElected) {
      // No partition changed, so no UpdateMetadata went out: brokers still must learn the broker is gone.
      this.currentBatch.addUpdateMetadata(this.ctx.liveOrShuttingDownBrokerIds(), []);
    }
    this.sendBatch();
  }

  // ---------------------------------------------------------------- topics

  private async processTopicChange(): Promise<void> {
    const topics = new Set(await this.zk.getAllTopics(this.watch('TopicChange', () => this.processTopicChange())));
    const known = new Set(this.ctx.allTopics());
    const added = [...topics].filter((t) => !known.has(t)).sort();
    const deleted = [...known].filter((t) => !topics.has(t));
    for (const t of deleted) this.ctx.removeTopic(t);
    const newPartitions: TopicPartition[] = [];
    for (const t of added) {
      if (await this.loadTopic(t)) newPartitions.push(...this.ctx.partitionsForTopic(t));
    }
    if (added.length > 0 || deleted.length > 0) this.log.info({ added, deleted }, 'topic change');
    if (newPartitions.length > 0) await this.onNewPartitionCreation(newPartitions);
  }

  private async processPartitionModifications(topic: string): Promise<void> {
    if (!this.ctx.assignments.has(topic)) return;
    const a = await this.zk.getTopicAssignment(topic, this.partitionModificationsWatch(topic));
    if (!a) return; // topic deleted: TopicChange handles it
    this.ctx.assignmentZkVersions.set(topic, a.zkVersion);
    const added = [...a.partitions.keys()].filter((p) => !this.ctx.assignment({ topic, partition: p })).sort((x, y) => x - y);
    if (added.length === 0) return;
    if (this.ctx.isTopicQueuedForDeletion(topic)) {
      // Kafka restores the assignment in this case; not adding the partitions has the same effect here.
      this.log.warn({ topic, added }, 'ignoring partitions added to a topic being deleted');
      return;
    }
    const tps = added.map((partition) => ({ topic, partition }));
    for (const tp of tps) {
      this.ctx.setAssignment(tp, new ReplicaAssignment(a.partitions.get(tp.partition)!, a.adding.get(tp.partition) ?? [], a.removing.get(tp.partition) ?? []));
    }
    this.log.info({ topic, added }, 'partitions added');
    await this.onNewPartitionCreation(tps);
  }

  /** NewPartition → OnlinePartition: state znodes with the first live replica as leader, LeaderAndIsr isNew. */
  private async onNewPartitionCreation(tps: TopicPartition[]): Promise<void> {
    await this.psm.initializeNewPartitions(tps);
    this.sendBatch();
  }

  // ---------------------------------------------------------------- AlterPartition

  private async processAlterPartition(req: AlterPartitionRequest, version: number): Promise<AlterPartitionResponse> {
    const top = (code: number): AlterPartitionResponse => ({ throttleTimeMs: 0, errorCode: code, topics: [] });
    const cachedEpoch = this.ctx.brokerEpoch(req.brokerId);
    if (cachedEpoch === undefined || cachedEpoch !== req.brokerEpoch) {
      this.log.info({ brokerId: req.brokerId, brokerEpoch: req.brokerEpoch, cachedEpoch }, 'AlterPartition from a stale broker epoch');
      return top(ErrorCode.STALE_BROKER_EPOCH);
    }
    const ineligibleCode = version > 1 ? ErrorCode.INELIGIBLE_REPLICA : ErrorCode.OPERATION_NOT_ATTEMPTED;
    const topicsOut: AlterPartitionResponseTopicData[] = [];
    type Accepted = { tp: TopicPartition; out: AlterPartitionResponsePartitionData; next: Omit<LeaderIsr, 'controllerEpoch'> };
    const accepted: Accepted[] = [];
    for (const t of req.topics) {
      const name = version >= 2 ? this.topicNameById(t.topicId) : t.topicName;
      const outTopic: AlterPartitionResponseTopicData = { topicName: t.topicName, topicId: t.topicId, partitions: [] };
      topicsOut.push(outTopic);
      for (const p of t.partitions) {
        const out: AlterPartitionResponsePartitionData = {
          partitionIndex: p.partitionIndex,
          errorCode: ErrorCode.NONE,
          leaderId: -1,
          leaderEpoch: -1,
          isr: [],
          leaderRecoveryState: 0,
          partitionEpoch: -1,
        };
        outTopic.partitions.push(out);
        if (name === undefined) {
          out.errorCode = ErrorCode.UNKNOWN_TOPIC_ID;
          continue;
        }
        const tp = { topic: name, partition: p.partitionIndex };
        const cur = this.ctx.leaderIsr(tp);
        if (!cur || this.ctx.isTopicQueuedForDeletion(name)) {
          out.errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
          continue;
        }
        const newIsr = version >= 3 ? p.newIsrWithEpochs.map((b) => b.brokerId) : p.newIsr;
        const recovery = version >= 1 ? p.leaderRecoveryState : LEADER_RECOVERY_RECOVERED;
        const fill = (s: LeaderIsr): void => {
          out.leaderId = s.leader;
          out.leaderEpoch = s.leaderEpoch;
          out.isr = [...s.isr];
          out.leaderRecoveryState = s.leaderRecoveryState;
          out.partitionEpoch = s.zkVersion;
        };
        if (p.partitionEpoch > cur.zkVersion || p.leaderEpoch > cur.leaderEpoch) {
          // The leader has seen a newer state than ours: we are likely not the controller anymore.
          out.errorCode = ErrorCode.NOT_CONTROLLER;
        } else if (p.leaderEpoch < cur.leaderEpoch) {
          out.errorCode = ErrorCode.FENCED_LEADER_EPOCH;
        } else if (cur.leader === req.brokerId && sameList(cur.isr, newIsr) && cur.leaderRecoveryState === recovery) {
          // Already in the requested state (a retry): answer with it, before the partition-epoch fence.
          fill(cur);
        } else if (p.partitionEpoch < cur.zkVersion) {
          out.errorCode = ErrorCode.INVALID_UPDATE_VERSION;
        } else if (cur.leader !== req.brokerId) {
          out.errorCode = ErrorCode.NOT_LEADER_OR_FOLLOWER;
        } else if (recovery === LEADER_RECOVERY_RECOVERING && newIsr.length > 1) {
          out.errorCode = ErrorCode.INVALID_REQUEST;
        } else if (cur.leaderRecoveryState === LEADER_RECOVERY_RECOVERED && recovery === LEADER_RECOVERY_RECOVERING) {
          out.errorCode = ErrorCode.INVALID_REQUEST;
        } else {
          const epochs = version >= 3 ? new Map(p.newIsrWithEpochs.map((b) => [b.brokerId, b.brokerEpoch])) : new Map<number, number>();
          const ineligible = newIsr.filter((r) => {
            if (!this.ctx.isReplicaOnline(r)) return true;
            const e = epochs.get(r);
            return e !== undefined && e !== -1 && e !== this.ctx.brokerEpoch(r);
          });
          if (ineligible.length > 0) {
            this.log.info({ topic: name, partition: p.partitionIndex, ineligible }, 'AlterPartition names ineligible replicas');
            out.errorCode = ineligibleCode;
          } else {
            accepted.push({
              tp,
              out,
              next: { leader: req.brokerId, leaderEpoch: cur.leaderEpoch, isr: [...newIsr], leaderRecoveryState: recovery, zkVersion: cur.zkVersion },
            });
          }
        }
        if (out.errorCode !== ErrorCode.NONE) this.log.debug({ topic: name, partition: p.partitionIndex, errorCode: out.errorCode }, 'AlterPartition rejected');
      }
    }

    const results = new Map<string, ElectionOutcome>();
    const conflicts = await this.psm.write(accepted, results, () => undefined);
    const changed: TopicPartition[] = [];
    for (const a of accepted) {
      const r = results.get(tpKey(a.tp));
      if (r?.ok) {
        a.out.leaderId = r.state.leader;
        a.out.leaderEpoch = r.state.leaderEpoch;
        a.out.isr = [...r.state.isr];
        a.out.leaderRecoveryState = r.state.leaderRecoveryState;
        a.out.partitionEpoch = r.state.zkVersion;
        changed.push(a.tp);
      } else if (conflicts.some((c) => tpKey(c) === tpKey(a.tp))) {
        a.out.errorCode = ErrorCode.INVALID_UPDATE_VERSION;
        // Our cached version is behind ZooKeeper: refresh so the next attempt is judged on the truth.
        await this.psm.refreshFromZk([a.tp]);
      }
    }
    if (changed.length > 0) {
      this.currentBatch.addUpdateMetadata(this.ctx.liveOrShuttingDownBrokerIds(), changed);
      this.sendBatch();
      for (const tp of changed) {
        if (this.ctx.partitionsBeingReassigned.has(tpKey(tp))) {
          this.put(`PartitionReassignmentIsrChange(${tpKey(tp)})`, () => this.processPartitionReassignmentIsrChange(tp));
        }
      }
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, topics: topicsOut };
  }

  // ---------------------------------------------------------------- controlled shutdown

  private async processControlledShutdown(id: number, brokerEpoch: number): Promise<TopicPartition[]> {
    if (brokerEpoch !== -1) {
      const cached = this.ctx.brokerEpoch(id);
      if (cached !== undefined && brokerEpoch < cached) {
        throw new KafkaError(
          ErrorCode.STALE_BROKER_EPOCH,
          `Received controlled shutdown request from an old broker epoch ${brokerEpoch} for broker ${id}. Current broker epoch is ${cached}.`,
        );
      }
    }
    if (!this.ctx.broker(id)) throw new KafkaError(ErrorCode.BROKER_NOT_AVAILABLE, `Broker id ${id} does not exist.`);
    this.log.info({ brokerId: id }, 'controlled shutdown');
    this.ctx.shuttingDownBrokerIds.add(id);
    const toActOn = this.ctx
      .partitionsOnBroker(id)
      .filter((tp) => this.ctx.replicas(tp).length > 1 && this.ctx.leaderIsr(tp) && !this.ctx.isTopicQueuedForDeletion(tp.topic));
    const led = toActOn.filter((tp) => this.ctx.leaderIsr(tp)!.leader === id);
    const followed = toActOn.filter((tp) => this.ctx.leaderIsr(tp)!.leader !== id);
    await this.psm.electLeaders(led, { kind: 'controlledShutdown' });
    this.sendBatch();
    for (const tp of followed) this.currentBatch.addStopReplica([id], tp, false);
    this.sendBatch();
    await this.psm.removeReplicaFromIsr(id, followed);
    this.sendBatch();
    // As Kafka: single-replica partitions have nowhere to move, so they never hold the shutdown back.
    return this.ctx.partitionsLedBy(id).filter((tp) => this.ctx.replicas(tp).length > 1);
  }

  // ---------------------------------------------------------------- leader elections

  private async processElectLeaders(
    electionType: number,
    partitions: TopicPartition[] | null,
    trigger: 'admin' | 'zk' | 'auto',
  ): Promise<Map<string, PartitionResult & TopicPartition>> {
    const out = new Map<string, PartitionResult & TopicPartition>();
    try {
      const wanted = partitions ?? this.ctx.allPartitions();
      const electable: TopicPartition[] = [];
      for (const tp of wanted) {
        const set = (errorCode: number, errorMessage: string | null): void => {
          out.set(tpKey(tp), { ...tp, errorCode, errorMessage });
        };
        const l = this.ctx.leaderIsr(tp);
        const a = this.ctx.assignment(tp);
        if (!a || !l) {
          set(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'The partition does not exist.');
        } else if (this.ctx.isTopicQueuedForDeletion(tp.topic)) {
          set(ErrorCode.INVALID_TOPIC_EXCEPTION, 'The topic is being deleted');
        } else if (electionType === ELECTION_PREFERRED ? l.leader === a.replicas[0] : l.leader !== -1 && this.ctx.isReplicaOnline(l.leader)) {
          set(ErrorCode.ELECTION_NOT_NEEDED, null);
        } else {
          electable.push(tp);
        }
      }
      const strategy: ElectionStrategy =
        electionType === ELECTION_PREFERRED ? { kind: 'preferred' } : { kind: 'offline', allowUnclean: trigger === 'admin' };
      const results = await this.psm.electLeaders(electable, strategy);
      this.sendBatch();
      for (const tp of electable) {
        const r = results.get(tpKey(tp));
        if (r?.ok) out.set(tpKey(tp), { ...tp, errorCode: ErrorCode.NONE, errorMessage: null });
        else {
          const code = electionType === ELECTION_PREFERRED ? ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE : ErrorCode.ELIGIBLE_LEADERS_NOT_AVAILABLE;
          out.set(tpKey(tp), { ...tp, errorCode: code, errorMessage: r && !r.ok ? r.reason : null });
        }
      }
    } finally {
      if (trigger === 'zk') {
        try {
          await this.zk.deletePreferredReplicaElection(this.ctx.epochZkVersion);
        } catch (err) {
          this.log.warn({ err }, 'could not delete /admin/preferred_replica_election');
        }
      }
    }
    return out;
  }

  private async readPreferredReplicaElection(): Promise<TopicPartition[] | null> {
    const w = this.watch('PreferredReplicaElection', async () => {
      const partitions = await this.readPreferredReplicaElection();
      if (partitions) await this.processElectLeaders(ELECTION_PREFERRED, partitions, 'zk');
    });
    const partitions = await this.zk.getPreferredReplicaElection(w);
    return partitions === null ? null : partitions.map((p) => ({ topic: p.topic, partition: p.partition }));
  }

  private scheduleAutoLeaderRebalance(delayMs: number): void {
    if (this.rebalanceTimer) clearTimeout(this.rebalanceTimer);
    const term = this.term;
    this.rebalanceTimer = setTimeout(() => {
      this.rebalanceTimer = null;
      if (term !== this.term) return;
      this.put('AutoPreferredReplicaLeaderElection', async () => {
        try {
          await this.checkAndTriggerAutoLeaderRebalance();
        } finally {
          if (term === this.term) this.scheduleAutoLeaderRebalance(this.config.leaderImbalanceCheckIntervalSeconds * 1000);
        }
      });
    }, delayMs);
    this.rebalanceTimer.unref?.();
  }

  /**
   * Kafka's checkAndTriggerAutoLeaderRebalance: per preferred broker, the share of its partitions led by
   * someone else; above leader.imbalance.per.broker.percentage, elect the preferred replica where it can lead.
   */
  private async checkAndTriggerAutoLeaderRebalance(): Promise<void> {
    const byPreferred = new Map<number, TopicPartition[]>();
    for (const tp of this.ctx.allPartitions()) {
      if (this.ctx.isTopicQueuedForDeletion(tp.topic)) continue;
      const preferred = this.ctx.replicas(tp)[0];
      if (preferred === undefined) continue;
      const list = byPreferred.get(preferred) ?? [];
      list.push(tp);
      byPreferred.set(preferred, list);
    }
    const live = new Set(this.ctx.liveBrokerIds());
    for (const [broker, tps] of byPreferred) {
      const notPreferred = tps.filter((tp) => {
        const l = this.ctx.leaderIsr(tp);
        return l !== undefined && l.leader !== broker;
      });
      const ratio = notPreferred.length / tps.length;
      if (ratio <= this.config.leaderImbalancePerBrokerPercentage / 100) continue;
      const candidates = notPreferred.filter((tp) => {
        if (this.ctx.partitionsBeingReassigned.has(tpKey(tp))) return false;
        const l = this.ctx.leaderIsr(tp)!;
        return preferredReplicaLeader(this.ctx.replicas(tp), l.isr, live) !== undefined;
      });
      if (candidates.length === 0) continue;
      this.log.info({ broker, ratio, partitions: candidates.length }, 'auto preferred leader election');
      await this.psm.electLeaders(candidates, { kind: 'preferred' });
      this.sendBatch();
    }
  }

  // ---------------------------------------------------------------- reassignment

  private async initializePartitionReassignments(): Promise<void> {
    // Reassignments submitted through ZooKeeper while no controller was active take precedence.
    const zkResumed = await this.processZkPartitionReassignment();
    for (const key of [...this.ctx.partitionsBeingReassigned]) {
      if (zkResumed.has(key)) continue;
      const tp = this.tpFromKey(key);
      const a = tp && this.ctx.assignment(tp);
      if (tp && a) await this.onPartitionReassignment(tp, a);
    }
  }

  private async processApiReassignment(
    reassignments: { topic: string; partition: number; replicas: number[] | null }[],
  ): Promise<Map<string, PartitionResult & TopicPartition>> {
    const out = new Map<string, PartitionResult & TopicPartition>();
    const toReassign = new Map<string, { tp: TopicPartition; target: ReplicaAssignment }>();
    for (const r of reassignments) {
      const tp = { topic: r.topic, partition: r.partition };
      const set = (errorCode: number, errorMessage: string | null): void => {
        out.set(tpKey(tp), { ...tp, errorCode, errorMessage });
      };
      const current = this.ctx.assignment(tp);
      if (!current || this.ctx.isTopicQueuedForDeletion(tp.topic)) {
        set(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'The partition does not exist.');
        continue;
      }
      if (r.replicas !== null) {
        const err = this.validateReplicas(current, r.replicas);
        if (err) {
          set(ErrorCode.INVALID_REPLICA_ASSIGNMENT, err);
          continue;
        }
      }
      const target = this.buildReassignment(current, r.replicas);
      if (!target) {
        set(ErrorCode.NO_REASSIGNMENT_IN_PROGRESS, null);
        continue;
      }
      toReassign.set(tpKey(tp), { tp, target });
    }
    // The latest request wins over a reassignment submitted through /admin/reassign_partitions.
    await this.maybeRemoveFromZkReassignment((tp) => toReassign.has(tpKey(tp)));
    for (const [key, { tp, target }] of toReassign) {
      out.set(key, { ...tp, ...(await this.triggerReassignment(tp, target)) });
    }
    return out;
  }

  private validateReplicas(current: ReplicaAssignment, replicas: number[]): string | null {
    if (replicas.length === 0) return 'Empty replica list specified in partition reassignment.';
    if (new Set(replicas).size !== replicas.length) {
      return `Duplicate replica ids in partition reassignment replica list: [${replicas.join(', ')}]`;
    }
    if (replicas.some((r) => r < 0)) return `Invalid broker id in replica list: [${replicas.join(', ')}]`;
    const adding = current.reassignTo(replicas).addingReplicas;
    const live = new Set(this.ctx.liveBrokerIds());
    if (!adding.every((r) => live.has(r))) {
      return (
        `Replica assignment has brokers that are not alive. Replica list: [${adding.join(', ')}], ` +
        `live broker list: [${[...live].join(', ')}]`
      );
    }
    return null;
  }

  /** Kafka's maybeBuildReassignment: null target cancels (back to the origin replicas) if one is running. */
  private buildReassignment(current: ReplicaAssignment, target: number[] | null): ReplicaAssignment | undefined {
    if (current.isBeingReassigned) return current.reassignTo(target ?? current.originReplicas);
    return target === null ? undefined : current.reassignTo(target);
  }

  private async triggerReassignment(tp: TopicPartition, target: ReplicaAssignment): Promise<PartitionResult> {
    if (this.ctx.isTopicQueuedForDeletion(tp.topic) || !this.ctx.assignment(tp)) {
      return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: 'The partition does not exist.' };
    }
    try {
      await this.onPartitionReassignment(tp, target);
      return { errorCode: ErrorCode.NONE, errorMessage: null };
    } catch (err) {
      if (isControllerMoved(err)) throw err;
      this.log.error({ err, topic: tp.topic, partition: tp.partition }, 'reassignment failed');
      return { errorCode: ErrorCode.UNKNOWN_SERVER_ERROR, errorMessage: String(err) };
    }
  }

  /** The /admin/reassign_partitions znode (Kafka 3.9 still honours it). Returns the partitions it started. */
  private async processZkPartitionReassignment(): Promise<Set<string>> {
    const started = new Set<string>();
    const entries = await this.zk.getPartitionReassignment(
      this.watch('ZkPartitionReassignment', async () => {
        await this.processZkPartitionReassignment();
      }),
    );
    if (!entries || entries.length === 0) return started;
    const failed = new Set<string>();
    for (const e of entries) {
      const tp = { topic: e.topic, partition: e.partition };
      const current = this.ctx.assignment(tp);
      const target = current && this.buildReassignment(current, e.replicas);
      if (!current || !target) {
        failed.add(tpKey(tp));
        continue;
      }
      const r = await this.triggerReassignment(tp, target);
      if (r.errorCode === ErrorCode.NONE) started.add(tpKey(tp));
      else failed.add(tpKey(tp));
    }
    if (failed.size > 0) {
      this.log.warn({ partitions: [...failed] }, 'failed reassignments through ZooKeeper');
      await this.maybeRemoveFromZkReassignment((tp) => failed.has(tpKey(tp)));
    }
    return started;
  }

  private async processPartitionReassignmentIsrChange(tp: TopicPartition): Promise<void> {
    if (!this.ctx.partitionsBeingReassigned.has(tpKey(tp))) return;
    const a = this.ctx.assignment(tp);
    if (a && this.isReassignmentComplete(tp, a)) await this.onPartitionReassignment(tp, a);
  }

  private isReassignmentComplete(tp: TopicPartition, a: ReplicaAssignment): boolean {
    if (!a.isBeingReassigned) return true;
    const isr = this.ctx.leaderIsr(tp)?.isr ?? [];
    return a.targetReplicas.every((r) => isr.includes(r));
  }

  /**
   * Kafka's onPartitionReassignment. Phase A (TRS not yet in the ISR): RS = ORS + TRS with adding/removing
   * in the assignment znode, leader epoch bumped, LeaderAndIsr to every replica (new ones with isNew).
   * Phase B (TRS ⊆ ISR): RS = TRS; a leader outside TRS (or dead) is replaced from TRS, otherwise the epoch is
   * bumped; removed replicas leave the ISR and get StopReplica(delete); the znodes are updated and the
   * partition leaves /admin/reassign_partitions.
   */
  private async onPartitionReassignment(tp: TopicPartition, reassignment: ReplicaAssignment): Promise<void> {
    this.ctx.topicsIneligibleForDeletion.add(tp.topic);
    await this.updateCurrentReassignment(tp, reassignment);
    if (!this.isReassignmentComplete(tp, reassignment)) {
      const l = await this.psm.bumpLeaderEpoch(tp);
      if (!l) {
        this.log.error({ topic: tp.topic, partition: tp.partition }, 'could not bump the leader epoch for a reassignment');
        return;
      }
      this.currentBatch.addLeaderAndIsr(reassignment.originReplicas, tp, false);
      this.currentBatch.addLeaderAndIsr(reassignment.addingReplicas, tp, true);
      this.sendBatch();
      this.log.info({ topic: tp.topic, partition: tp.partition, replicas: reassignment.replicas, adding: reassignment.addingReplicas, removing: reassignment.removingReplicas }, 'reassignment started');
      return;
    }
    const completed = new ReplicaAssignment(reassignment.targetReplicas);
    this.ctx.setAssignment(tp, completed);
    await this.moveReassignedPartitionLeaderIfRequired(tp, completed);
    await this.stopRemovedReplicas(tp, reassignment.removingReplicas);
    await this.writeAssignment(tp.topic);
    this.ctx.partitionsBeingReassigned.delete(tpKey(tp));
    await this.maybeRemoveFromZkReassignment((x, replicas) => tpKey(x) === tpKey(tp) && sameList(replicas, completed.replicas));
    this.currentBatch.addUpdateMetadata(this.ctx.liveOrShuttingDownBrokerIds(), [tp]);
    this.sendBatch();
    this.log.info({ topic: tp.topic, partition: tp.partition, replicas: completed.replicas }, 'reassignment completed');
    if (![...this.ctx.partitionsBeingReassigned].some((k) => this.tpFromKey(k)?.topic === tp.topic)) {
      this.ctx.topicsIneligibleForDeletion.delete(tp.topic);
      if (this.ctx.isTopicQueuedForDeletion(tp.topic)) await this.tryTopicDeletion();
    }
  }

  private async updateCurrentReassignment(tp: TopicPartition, reassignment: ReplicaAssignment): Promise<void> {
    const current = this.ctx.assignment(tp)!;
    if (!current.equals(reassignment)) {
      this.ctx.setAssignment(tp, reassignment);
      await this.writeAssignment(tp.topic);
      // Replicas added by an earlier, overridden reassignment that the new one does not keep.
      const unneeded = current.replicas.filter((r) => !reassignment.replicas.includes(r));
      if (unneeded.length > 0) await this.stopRemovedReplicas(tp, unneeded);
    }
    this.ctx.partitionsBeingReassigned.add(tpKey(tp));
  }

  private async moveReassignedPartitionLeaderIfRequired(tp: TopicPartition, a: ReplicaAssignment): Promise<void> {
    const l = this.ctx.leaderIsr(tp);
    if (!l) return;
    if (!a.replicas.includes(l.leader) || !this.ctx.isReplicaOnline(l.leader)) {
      const r = await this.psm.electLeaders([tp], { kind: 'reassign' });
      if (!r.get(tpKey(tp))?.ok) this.log.warn({ topic: tp.topic, partition: tp.partition }, 'no leader in the target replicas of a reassignment');
    } else {
      // The replica set shrank: a new leader epoch makes the leader take the new replica set.
      if (await this.psm.bumpLeaderEpoch(tp)) this.currentBatch.addLeaderAndIsr(a.replicas, tp, false);
    }
    this.sendBatch();
  }

  /** OfflineReplica (StopReplica without delete, leave the ISR) then StopReplica with delete. */
  private async stopRemovedReplicas(tp: TopicPartition, removed: readonly number[]): Promise<void> {
    if (removed.length === 0) return;
    for (const r of removed) this.currentBatch.addStopReplica([r], tp, false);
    this.sendBatch();
    for (const r of removed) await this.psm.removeReplicaFromIsr(r, [tp]);
    this.sendBatch();
    for (const r of removed) this.currentBatch.addStopReplica([r], tp, true);
    this.sendBatch();
  }

  /** Writes the topic's assignment znode from the context (RS, adding and removing per partition). */
  private async writeAssignment(topic: string): Promise<void> {
    const partitions = new Map<number, number[]>();
    const adding = new Map<number, number[]>();
    const removing = new Map<number, number[]>();
    for (const tp of this.ctx.partitionsForTopic(topic)) {
      const a = this.ctx.assignment(tp)!;
      partitions.set(tp.partition, [...a.replicas]);
      if (a.addingReplicas.length > 0) adding.set(tp.partition, [...a.addingReplicas]);
      if (a.removingReplicas.length > 0) removing.set(tp.partition, [...a.removingReplicas]);
    }
    const topicId = this.ctx.topicIds.get(topic)!;
    for (let attempt = 0; ; attempt++) {
      try {
        const v = await this.zk.setTopicAssignment(
          topic,
          topicId,
          partitions,
          adding,
          removing,
          this.ctx.assignmentZkVersions.get(topic) ?? -1,
          this.ctx.epochZkVersion,
        );
        this.ctx.assignmentZkVersions.set(topic, v);
        return;
      } catch (err) {
        if (attempt >= 3 || isControllerMoved(err)) throw err;
        // Someone else (CreatePartitions) wrote the znode: take its version and partitions we do not know yet.
        const now = await this.zk.getTopicAssignment(topic);
        if (!now) throw err;
        this.ctx.assignmentZkVersions.set(topic, now.zkVersion);
        for (const [p, replicas] of now.partitions) if (!partitions.has(p)) partitions.set(p, replicas);
      }
    }
  }

  /** Removes matching entries from /admin/reassign_partitions (the znode goes when it would be empty). */
  private async maybeRemoveFromZkReassignment(shouldRemove: (tp: TopicPartition, replicas: number[]) => boolean): Promise<void> {
    const entries = await this.zk.getPartitionReassignment();
    if (!entries || entries.length === 0) return;
    const keep = entries.filter((e) => !shouldRemove({ topic: e.topic, partition: e.partition }, e.replicas));
    if (keep.length === entries.length) return;
    if (keep.length === 0) await this.zk.deletePartitionReassignment(this.ctx.epochZkVersion);
    else await this.zk.setData(ZkPaths.reassignPartitions, encodeReassignment(keep));
  }

  // ---------------------------------------------------------------- topic deletion

  private async initTopicDeletions(topics: string[]): Promise<void> {
    for (const t of topics) await this.enqueueTopicDeletion(t);
  }

  private async processTopicDeletion(): Promise<void> {
    const topics = await this.zk.getTopicDeletions(this.watch('TopicDeletion', () => this.processTopicDeletion()));
    let any = false;
    for (const t of topics) {
      if (this.ctx.isTopicQueuedForDeletion(t)) continue;
      if (await this.enqueueTopicDeletion(t)) any = true;
    }
    if (any) await this.tryTopicDeletion();
  }

  private async enqueueTopicDeletion(topic: string): Promise<boolean> {
    if (!this.ctx.assignments.has(topic)) {
      // Not (or no longer) a topic: Kafka drops the request.
      await this.zk.removeTopicDeletion(topic, this.ctx.epochZkVersion);
      return false;
    }
    if (this.config.deleteTopicEnable === false) {
      this.log.info({ topic }, 'delete.topic.enable is false: discarding the deletion request');
      await this.zk.removeTopicDeletion(topic, this.ctx.epochZkVersion);
      return false;
    }
    this.log.info({ topic }, 'topic queued for deletion');
    this.ctx.topicsToBeDeleted.add(topic);
    if (this.ctx.partitionsForTopic(topic).some((tp) => this.ctx.partitionsBeingReassigned.has(tpKey(tp)))) {
      this.ctx.topicsIneligibleForDeletion.add(topic);
    }
    return true;
  }

  /**
   * Kafka's TopicDeletionManager: brokers first learn the topic is going (UpdateMetadata with leader -2),
   * every replica gets StopReplica(delete); once all replicas have answered without error the znodes go.
   * A topic with a replica on a dead broker waits until that broker is back.
   */
  private async tryTopicDeletion(): Promise<void> {
    for (const topic of [...this.ctx.topicsToBeDeleted]) {
      if (this.deletionPending.has(topic)) continue;
      const tps = this.ctx.partitionsForTopic(topic);
      const reassigning = tps.some((tp) => this.ctx.partitionsBeingReassigned.has(tpKey(tp)));
      const offline = tps.some((tp) => this.ctx.replicas(tp).some((r) => !this.ctx.isReplicaOnline(r, true)));
      if (reassigning || offline) {
        this.ctx.topicsIneligibleForDeletion.add(topic);
        continue;
      }
      this.ctx.topicsIneligibleForDeletion.delete(topic);
      const pending = new Set<string>();
      this.currentBatch.addUpdateMetadata(this.ctx.liveOrShuttingDownBrokerIds(), tps);
      for (const tp of tps) {
        for (const r of this.ctx.replicas(tp)) {
          pending.add(`${r}:${tp.partition}`);
          this.currentBatch.addStopReplica([r], tp, true, EPOCH_DURING_DELETE);
        }
      }
      if (pending.size === 0) {
        await this.completeDeleteTopic(topic);
        continue;
      }
      this.deletionPending.set(topic, pending);
      this.log.info({ topic, replicas: pending.size }, 'deleting topic replicas');
      this.sendBatch();
    }
  }

  private onStopReplicaResponse(brokerId: number, resp: StopReplicaResponse, req: StopReplicaRequest): void {
    const term = this.term;
    this.put('TopicDeletionStopReplicaResponseReceived', async () => {
      if (term !== this.term) return;
      const failed = new Set<string>();
      const touched = new Set<string>();
      if (resp.errorCode !== ErrorCode.NONE) {
        // The whole request was refused (e.g. a stale controller epoch on the broker's side).
        for (const t of req.topicStates) {
          if (t.partitionStates.some((p) => p.deletePartition)) failed.add(t.topicName);
        }
      }
      for (const p of resp.partitionErrors) {
        const pending = this.deletionPending.get(p.topicName);
        if (!pending) continue;
        if (p.errorCode !== ErrorCode.NONE) {
          failed.add(p.topicName);
          continue;
        }
        pending.delete(`${brokerId}:${p.partitionIndex}`);
        touched.add(p.topicName);
      }
      for (const topic of failed) {
        if (!this.deletionPending.has(topic)) continue;
        this.log.warn({ topic, brokerId, errorCode: resp.errorCode }, 'replica deletion failed; retrying later');
        this.deletionPending.delete(topic);
        this.ctx.topicsIneligibleForDeletion.add(topic);
        this.retryTopicDeletionLater(topic);
      }
      for (const topic of touched) {
        if (!failed.has(topic) && this.deletionPending.get(topic)?.size === 0) await this.completeDeleteTopic(topic);
      }
    });
  }

  /** Kafka retries a failed replica deletion when something changes; a timer also covers a broker that just refused. */
  private retryTopicDeletionLater(topic: string): void {
    const term = this.term;
    const t = setTimeout(() => {
      if (term !== this.term) return;
      this.put(`RetryTopicDeletion(${topic})`, async () => {
        if (!this.ctx.isTopicQueuedForDeletion(topic) || this.deletionPending.has(topic)) return;
        this.ctx.topicsIneligibleForDeletion.delete(topic);
        await this.tryTopicDeletion();
      });
    }, DELETION_RETRY_MS);
    t.unref?.();
  }

  private async completeDeleteTopic(topic: string): Promise<void> {
    this.deletionPending.delete(topic);
    await this.zk.deleteTopicZNodes(topic, this.ctx.epochZkVersion);
    await this.zk.removeTopicDeletion(topic, this.ctx.epochZkVersion);
    this.ctx.removeTopic(topic);
    this.log.info({ topic }, 'topic deleted');
  }

  // ---------------------------------------------------------------- helpers

  private newBatch(): RequestBatch {
    return new RequestBatch(this.ctx, this.brokerId, this.interBrokerListenerName);
  }

  private sendBatch(): void {
    if (!this.channel) return;
    if (this.currentBatch.isEmpty()) return;
    this.currentBatch.send(this.channel, (brokerId, resp, req) => this.onStopReplicaResponse(brokerId, resp, req));
  }

  private resolveBroker(id: number): { host: string; port: number } | undefined {
    const b = this.ctx.broker(id);
    const ep = b?.endpoints.find((e) => e.name === this.interBrokerListenerName);
    return ep ? { host: ep.host, port: ep.port } : undefined;
  }

  private topicNameById(topicId: string): string | undefined {
    for (const [name, id] of this.ctx.topicIds) if (id === topicId) return name;
    return undefined;
  }

  private tpFromKey(key: string): TopicPartition | undefined {
    const i = key.lastIndexOf('-');
    if (i < 0) return undefined;
    return { topic: key.slice(0, i), partition: Number(key.slice(i + 1)) };
  }

  private async topicUncleanEnabled(topic: string): Promise<boolean> {
    try {
      const configs = await this.zk.getEntityConfigs('topics', topic);
      const v = configs['unclean.leader.election.enable'];
      if (v !== undefined) return v.trim().toLowerCase() === 'true';
    } catch (err) {
      this.log.warn({ err, topic }, 'could not read topic config');
    }
    return this.config.uncleanLeaderElectionEnable;
  }
}

function toLiveBroker(b: { info: { id: number; rack: string | null; endpoints: LiveBroker['endpoints'] }; epoch: number }): LiveBroker {
  return { id: b.info.id, rack: b.info.rack, endpoints: b.info.endpoints, epoch: b.epoch };
}

/** A write fenced by /controller_epoch, or state written by a newer controller. */
export function isControllerMoved(err: unknown): boolean {
  if (err instanceof StaleControllerError) return true;
  return err instanceof ControllerMovedError;
}

