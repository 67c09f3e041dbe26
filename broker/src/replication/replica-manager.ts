import type { Logger } from 'pino';
import type { BrokerConfig } from '../config.js';
import { resolveLogConfig } from '../config.js';
import { childLogger } from '../log.js';
import type { MetadataStore, TopicRecord } from '../metadata/store.js';
import type { LogManager } from '../storage/log-manager.js';
import type { PartitionLog } from '../storage/log.js';
import { ErrorCode, KafkaError, errorName } from '../protocol/errors.js';
import { API_BY_KEY, ApiKey } from '../protocol/apis.js';
import type { LeaderAndIsrPartitionState, LeaderAndIsrRequest, LeaderAndIsrResponse } from '../protocol/messages/04_leader_and_isr.js';
import type { StopReplicaRequest, StopReplicaResponse } from '../protocol/messages/05_stop_replica.js';
import type { AlterPartitionRequest, AlterPartitionResponse } from '../protocol/messages/56_alter_partition.js';
import { NetworkClient } from '../client/network-client.js';
import { recordIsrExpand, recordIsrShrink, setPartitionProvider, type PartitionCounts } from '../metrics.js';
import { Partition, partitionKey } from './partition.js';
import { DelayedProduceQueue } from './delayed-produce.js';
import { type InterBrokerClient, type FetcherHost, ReplicaFetcherManager } from './replica-fetcher.js';
import { type EpochEndOffset, canJoinIsr, divergingEpoch, outOfSyncReplicas, updateFetchState } from './isr.js';
import { ReplicationQuotaManager } from './replication-quota.js';

export { Partition, partitionKey } from './partition.js';

const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';
/** LeaderAndIsr/StopReplica leader epoch sentinels (Kafka's LeaderAndIsr.EpochDuringDelete / NoEpoch). */
const EPOCH_DURING_DELETE = -2;
const NO_EPOCH = -1;
const ALTER_PARTITION_RETRY_MS = 100;
const ALTER_PARTITION_RETRY_MAX_MS = 2000;

export interface AppendResult {
  baseOffset: number;
  lastOffset: number;
  logAppendTime: number;
  logStartOffset: number;
}

export type LeadershipListener = (topic: string, partition: number, isLeader: boolean, leaderEpoch: number) => void;

/** The parts of the MetadataCache replication reads: where the controller and the leaders are. */
export interface ClusterView {
  controllerId(): number;
  brokerEndpoint(id: number, listenerName: string): { host: string; port: number } | undefined;
}

/** ZooKeeper cluster mode. Without it the manager runs the embedded single-node mode. */
export interface ClusterOptions {
  /** Filled by UpdateMetadata; gives the controller id and brokers' inter-broker endpoints. */
  metadataCache: ClusterView;
  /** This broker's epoch (czxid of its /brokers/ids registration); -1 while unknown. */
  brokerEpoch: () => number;
  /** Connections for fetchers and AlterPartition; default a NetworkClient resolving through metadataCache. */
  clientFactory?: (clientId: string, resolve: (brokerId: number) => { host: string; port: number } | undefined) => InterBrokerClient;
}

export interface ReplicaManagerOptions {
  config: BrokerConfig;
  metadata: MetadataStore;
  logs: LogManager;
  log?: Logger;
  cluster?: ClusterOptions;
  /** Register the partition gauges (leaders, under-replicated) with metrics.ts; default true. */
  registerMetrics?: boolean;
}

type Waiter = { keys: string[]; resolve: () => void; timer: NodeJS.Timeout };

/** One normalized LeaderAndIsr partition entry. */
interface LeaderAndIsrEntry {
  topic: string;
  topicId: string;
  state: LeaderAndIsrPartitionState;
}

interface AlterItem {
  partition: Partition;
  leaderEpoch: number;
  pending: NonNullable<Partition['pendingIsr']>;
}

/**
 * Owns the partitions hosted here and their replication.
 *
 * Single-node mode (no `cluster` option): partitions follow the metadata store (create, grow, delete,
 * reconfigure logs), every hosted partition is led here with an ISR of this broker alone, so the HW is
 * the log end after every append.
 *
 * ZooKeeper mode: partitions are created, led and followed only as the controller says through
 * LeaderAndIsr and StopReplica. Leaders track their followers' fetch positions, keep the HW at the
 * smallest LEO of the ISR, hold acks=all produces until the HW covers them, and change the ISR through
 * AlterPartition to the controller. Followers replicate through one ReplicaFetcher per leader broker.
 */
export class ReplicaManager implements FetcherHost {
  readonly config: BrokerConfig;
  private readonly metadata: MetadataStore;
  private readonly logs: LogManager;
  private readonly log: Logger;
  private readonly cluster: ClusterOptions | undefined;
  private readonly registerMetrics: boolean;
  private readonly partitions = new Map<string, Partition>();
  private waiters = new Set<Waiter>();
  private readonly delayedProduce = new DelayedProduceQueue();
  private readonly listeners = new Set<LeadershipListener>();
  private readonly fetchers: ReplicaFetcherManager | null = null;
  /** Inter-broker endpoints of leaders from LeaderAndIsr's liveLeaders, a fallback for the MetadataCache. */
  private readonly liveLeaders = new Map<number, { host: string; port: number }>();
  private controllerEpoch = -1;
  private isrTimer: NodeJS.Timeout | null = null;
  private alterClient: InterBrokerClient | null = null;
  private readonly alterQueue = new Map<string, AlterItem>();
  private alterInFlight = false;
  private alterRetryTimer: NodeJS.Timeout | null = null;
  private alterFailures = 0;
  private stopped = false;
  /** KIP-73 leader side: bytes served to followers for partitions in leader.replication.throttled.replicas. */
  readonly leaderQuota: ReplicationQuotaManager;
  /** KIP-73 follower side (FetcherHost): bytes fetched for partitions in follower.replication.throttled.replicas. */
  readonly followerQuota: ReplicationQuotaManager;

  constructor(options: ReplicaManagerOptions);
  /** The single-node form used before cluster mode existed. */
  constructor(config: BrokerConfig, metadata: MetadataStore, logs: LogManager, log: Logger);
  constructor(a: ReplicaManagerOptions | BrokerConfig, metadata?: MetadataStore, logs?: LogManager, log?: Logger) {
    const opts: ReplicaManagerOptions = metadata === undefined ? (a as ReplicaManagerOptions) : { config: a as BrokerConfig, metadata, logs: logs!, log };
    this.config = opts.config;
    this.metadata = opts.metadata;
    this.logs = opts.logs;
    this.log = opts.log ?? childLogger('replicas');
    this.cluster = opts.cluster;
    this.registerMetrics = opts.registerMetrics ?? true;
    const quota = (type: 'leader' | 'follower'): ReplicationQuotaManager =>
      new ReplicationQuotaManager({
        type,
        brokerId: this.config.brokerId,
        numSamples: this.config.replicationQuotaWindowNum,
        windowSizeSeconds: this.config.replicationQuotaWindowSizeSeconds,
        // Read on every check: a dynamic broker config change (applyDynamicBrokerConfigs) applies at once.
        bound: type === 'leader' ? () => this.config.leaderReplicationThrottledRate : () => this.config.followerReplicationThrottledRate,
        throttledReplicas: (topic) => this.metadata.topic(topic)?.configs[`${type}.replication.throttled.replicas`],
      });
    this.leaderQuota = quota('leader');
    this.followerQuota = quota('follower');
    if (this.cluster) {
      const factory = this.cluster.clientFactory ?? ((clientId, resolve) => new NetworkClient(clientId, resolve));
      const resolve = (id: number): { host: string; port: number } | undefined => this.brokerAddress(id);
      this.fetchers = new ReplicaFetcherManager(this, (clientId) => factory(clientId, resolve), this.log.child({ component: 'replica-fetcher' }));
      this.alterClient = factory(`broker-${this.config.brokerId}-alter-partition`, resolve);
    }
  }

  /** FetcherHost. */
  get localBrokerId(): number {
    return this.config.brokerId;
  }

  /** True in ZooKeeper mode (partitions driven by the controller). */
  get isClusterMode(): boolean {
    return this.cluster !== undefined;
  }

  private brokerAddress(id: number): { host: string; port: number } | undefined {
    return this.cluster?.metadataCache.brokerEndpoint(id, this.config.listenerName) ?? this.liveLeaders.get(id);
  }

  // ------------------------------------------------------------------------------------------ lifecycle

  startup(): void {
    if (this.registerMetrics) setPartitionProvider(() => this.partitionCounts());
    if (this.cluster) {
      // Logs on disk wait for the controller's LeaderAndIsr; only topic configs come from the store. A
      // LeaderAndIsr can create a log before the topic (and its config overrides) reached the store, so
      // its appearance re-applies the config too.
      this.metadata.on((event) => {
        if (event.type === 'topicDeleted') {
          this.leaderQuota.invalidate(event.topic, true);
          this.followerQuota.invalidate(event.topic, true);
          return;
        }
        if (event.type !== 'topicConfigChanged' && event.type !== 'topicCreated' && event.type !== 'partitionsAdded') return;
        // The throttled-replicas lists are re-read from the topic's configs on next use.
        this.leaderQuota.invalidate(event.topic);
        this.followerQuota.invalidate(event.topic);
        try {
          const t = this.metadata.topic(event.topic);
          if (t) this.logs.updateConfig(t.name, resolveLogConfig(this.config, t.configs));
        } catch (err) {
          this.log.error({ err, event }, 'failed to apply a topic config change to local logs');
        }
      });
      const interval = Math.max(100, Math.floor(this.config.replicaLagTimeMaxMs / 2));
      this.isrTimer = setInterval(() => this.maybeShrinkIsr(Date.now()), interval);
      this.isrTimer.unref();
      return;
    }
    for (const topic of this.metadata.topics()) this.syncTopic(topic);
    for (const log of this.logs.allLogs()) {
      // Kept, not deleted: a lost metadata file must never turn into lost data.
      if (!this.partitions.has(partitionKey(log.topic, log.partition))) {
        this.log.warn({ partition: log.topicPartition }, 'log directory has no topic in the metadata; leaving it untouched');
      }
    }
    this.metadata.on((event) => {
      try {
        switch (event.type) {
          case 'topicCreated':
          case 'partitionsAdded': {
            const t = this.metadata.topic(event.topic);
            if (t) this.syncTopic(t);
            break;
          }
          case 'topicDeleted':
            this.leaderQuota.invalidate(event.topic, true);
            this.followerQuota.invalidate(event.topic, true);
            this.dropTopic(event.topic);
            break;
          case 'topicConfigChanged': {
            this.leaderQuota.invalidate(event.topic);
            this.followerQuota.invalidate(event.topic);
            const t = this.metadata.topic(event.topic);
            if (t) this.logs.updateConfig(t.name, resolveLogConfig(this.config, t.configs));
            break;
          }
          case 'brokerConfigChanged':
            break;
        }
      } catch (err) {
        this.log.error({ err, event }, 'failed to apply metadata change to local logs');
      }
    });
  }

  /** Stops fetchers and timers; acks=all waiters are answered NOT_LEADER_OR_FOLLOWER. Logs are the LogManager's. */
  async shutdown(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.isrTimer) clearInterval(this.isrTimer);
    if (this.alterRetryTimer) clearTimeout(this.alterRetryTimer);
    this.isrTimer = null;
    this.alterRetryTimer = null;
    for (const w of [...this.waiters]) w.resolve();
    this.delayedProduce.failAll(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    this.alterClient?.close();
    await this.fetchers?.shutdown();
  }

  // ------------------------------------------------------------------------------------------ single-node mode

  /** Single-node: opens (creating if needed) the log of every partition of the topic assigned to this broker. */
  syncTopic(topic: TopicRecord): void {
    const logConfig = resolveLogConfig(this.config, topic.configs);
    const self = this.config.brokerId;
    for (const p of topic.partitions) {
      if (!p.replicas.includes(self)) continue;
      const key = partitionKey(topic.name, p.partition);
      if (this.partitions.has(key)) continue;
      let log = this.logs.getOrCreateLog(topic.name, p.partition, logConfig);
      const storedId = log.readPartitionMetadata();
      if (storedId !== null && storedId !== topic.topicId) {
        // A directory left by a deleted topic of the same name (crash between the metadata write and the
        // log deletion): its data belongs to the old topic id and must not resurface in the new one.
        this.log.warn({ topic: topic.name, partition: p.partition, storedId, topicId: topic.topicId }, 'removing stale log of a deleted topic');
        this.logs.deleteLog(topic.name, p.partition);
        log = this.logs.getOrCreateLog(topic.name, p.partition, logConfig);
      }
      if (storedId !== topic.topicId) log.writePartitionMetadata(topic.topicId);
      // A lone replica's committed data is everything it has.
      log.highWatermark = log.logEndOffset;
      const partition = new Partition(topic.name, p.partition, topic.topicId, log, self, {
        leaderId: self,
        leaderEpoch: p.leaderEpoch,
        isr: [self],
        replicas: [self],
      });
      partition.partitionEpoch = p.partitionEpoch;
      this.partitions.set(key, partition);
      this.fireLeadership(partition, true);
    }
  }

  private dropTopic(topic: string): void {
    for (const [key, p] of this.partitions) {
      if (p.topic !== topic) continue;
      this.partitions.delete(key);
      p.leaderId = -1;
      this.logs.deleteLog(topic, p.index);
      this.afterStateChange(p);
      this.fireLeadership(p, false);
    }
  }

  // ------------------------------------------------------------------------------------------ lookups

  partition(topic: string, index: number): Partition | undefined {
    return this.partitions.get(partitionKey(topic, index));
  }

  /** The partition if this broker leads it, else a KafkaError with the code Kafka would return. */
  leaderPartition(topic: string, index: number): Partition {
    const p = this.partitions.get(partitionKey(topic, index));
    if (p?.isLeader) return p;
    if (!p) {
      const t = this.metadata.topic(topic);
      if (!t || index < 0 || index >= t.partitions.length) {
        throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `unknown topic-partition ${topic}-${index}`);
      }
    }
    throw new KafkaError(ErrorCode.NOT_LEADER_OR_FOLLOWER, `this broker does not lead ${topic}-${index}`);
  }

  allPartitions(): IterableIterator<Partition> {
    return this.partitions.values();
  }

  /** For metrics.ts: hosted, led, under-replicated (led with ISR < replicas), offline (hosted, no leader). */
  partitionCounts(): PartitionCounts {
    const counts: PartitionCounts = { partitions: 0, leaders: 0, underReplicated: 0, offline: 0 };
    for (const p of this.partitions.values()) {
      counts.partitions++;
      if (p.isLeader) counts.leaders++;
      if (p.underReplicated) counts.underReplicated++;
      if (p.leaderId < 0) counts.offline++;
    }
    return counts;
  }

  /** Which leader a follower partition fetches from and in which phase (tests, diagnostics). */
  fetchState(topic: string, index: number): { leader: number; phase: string } | undefined {
    return this.fetchers?.fetchStateOf(partitionKey(topic, index));
  }

  // ------------------------------------------------------------------------------------------ leadership listeners

  /**
   * Called on every leadership change of a hosted partition: became leader, became follower, stopped or
   * deleted (isLeader false). Single-node: "leader" for every partition as it is opened. Returns an
   * unsubscribe function.
   */
  onLeadershipChange(cb: LeadershipListener): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  private fireLeadership(p: Partition, isLeader: boolean): void {
    for (const cb of this.listeners) {
      try {
        cb(p.topic, p.index, isLeader, p.leaderEpoch);
      } catch (err) {
        this.log.error({ err, partition: p.key }, 'leadership listener failed');
      }
    }
  }

  // ------------------------------------------------------------------------------------------ leader writes

  /**
   * Appends validated client batches as leader: assigns offsets, stamps the leader epoch, and moves the
   * HW as far as the ISR allows (to the log end when this broker is the whole ISR).
   */
  appendAsLeader(p: Partition, records: Buffer): AppendResult {
    if (!p.isLeader) throw new KafkaError(ErrorCode.NOT_LEADER_OR_FOLLOWER, `this broker does not lead ${p.key}`);
    const info = p.log.append(records, { leaderEpoch: p.leaderEpoch, assignOffsets: true });
    if (!this.cluster) {
      p.log.highWatermark = p.log.logEndOffset;
    } else if (p.maybeIncrementHighWatermark()) {
      this.delayedProduce.check(p);
    }
    this.notify(p.key);
    return { baseOffset: info.firstOffset, lastOffset: info.lastOffset, logAppendTime: info.logAppendTime, logStartOffset: p.log.logStartOffset };
  }

  /**
   * acks=all: resolves with NONE once the HW reaches requiredOffset (last offset + 1), REQUEST_TIMED_OUT
   * after timeoutMs, NOT_ENOUGH_REPLICAS_AFTER_APPEND when the HW got there with the ISR below
   * min.insync.replicas, NOT_LEADER_OR_FOLLOWER when leadership moved meanwhile. Never rejects.
   */
  waitForReplication(p: Partition, requiredOffset: number, timeoutMs: number): Promise<number> {
    return this.delayedProduce.wait(p, requiredOffset, timeoutMs);
  }

  /** Resolves when any of the partitions gets new data (or a new HW, or a leadership change), or after timeoutMs. */
  waitForData(keys: string[], timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const waiter: Waiter = {
        keys,
        resolve: () => {
          clearTimeout(waiter.timer);
          this.waiters.delete(waiter);
          resolve();
        },
        timer: setTimeout(() => waiter.resolve(), timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  private notify(key: string): void {
    if (this.waiters.size === 0) return;
    for (const w of [...this.waiters]) if (w.keys.includes(key)) w.resolve();
  }

  /** After any change that may complete delayed operations on the partition. */
  private afterStateChange(p: Partition): void {
    this.delayedProduce.check(p);
    this.notify(p.key);
  }

  /** FetcherHost: a follower appended or truncated. */
  onFollowerProgress(p: Partition): void {
    this.notify(p.key);
  }

  // ------------------------------------------------------------------------------------------ leader: follower fetches

  /**
   * Kafka's shouldLeaderThrottle (KIP-73): a follower's fetch of this partition gets no records this round
   * when the partition is in leader.replication.throttled.replicas for this broker, the leader quota is
   * exceeded, and the follower is not in the ISR ("to avoid ISR thrashing").
   */
  shouldLeaderThrottle(p: Partition, replicaId: number): boolean {
    if (p.isr.includes(replicaId) || !this.leaderQuota.isThrottled(p.topic, p.index)) return false;
    return this.leaderQuota.isQuotaExceeded();
  }

  /**
   * Leader side of a follower Fetch (KIP-595): where the follower's last fetched epoch really ends when
   * its log has diverged from ours, else null. Checked before recordFollowerFetch, which a diverging
   * fetch must not reach (its fetch offset is not a valid LEO of ours).
   */
  followerDivergence(p: Partition, lastFetchedEpoch: number, fetchOffset: number): EpochEndOffset | null {
    const d = divergingEpoch(lastFetchedEpoch, fetchOffset, (e) => p.log.endOffsetForEpoch(e));
    // Without any epoch at or below the follower's there is nothing to point it at; let the fetch proceed.
    return d && d.endOffset >= 0 ? d : null;
  }

  /**
   * Records a follower's fetch position as its LEO (Kafka's updateFollowerFetchState): catch-up time,
   * ISR expansion, and the HW, completing acks=all produces and consumer fetches it unblocks.
   */
  recordFollowerFetch(p: Partition, replicaId: number, fetchOffset: number, followerLogStartOffset: number, nowMs = Date.now()): void {
    if (!p.isLeader) throw new KafkaError(ErrorCode.NOT_LEADER_OR_FOLLOWER, `this broker does not lead ${p.key}`);
    const state = p.followers.get(replicaId);
    if (!state) {
      throw new KafkaError(ErrorCode.NOT_LEADER_OR_FOLLOWER, `replica ${replicaId} is not a replica of ${p.key} (${p.replicas.join(',')})`);
    }
    updateFetchState(state, fetchOffset, followerLogStartOffset, nowMs, p.log.logEndOffset);
    this.maybeExpandIsr(p, replicaId);
    if (p.maybeIncrementHighWatermark()) this.afterStateChange(p);
  }

  private maybeExpandIsr(p: Partition, replicaId: number): void {
    if (!this.cluster || p.pendingIsr) return;
    const state = p.followers.get(replicaId);
    if (!state || !canJoinIsr(state, p.maximalIsr, p.replicas, p.log.highWatermark, p.leaderEpochStartOffset)) return;
    const newIsr = [...p.isr, replicaId];
    this.log.info({ partition: p.key, isr: p.isr, newIsr, leo: state.logEndOffset, hw: p.log.highWatermark }, 'expanding ISR');
    this.proposeIsr(p, 'expand', newIsr);
  }

  /** The periodic ISR check (every replica.lag.time.max.ms / 2, as Kafka's isr-expiration task). */
  maybeShrinkIsr(nowMs = Date.now()): void {
    if (!this.cluster || this.stopped) return;
    for (const p of this.partitions.values()) {
      if (!p.isLeader || p.pendingIsr) continue;
      const out = outOfSyncReplicas(this.localBrokerId, p.log.logEndOffset, p.isr, p.followers, nowMs, this.config.replicaLagTimeMaxMs);
      if (out.length === 0) continue;
      const newIsr = p.isr.filter((id) => !out.includes(id));
      this.log.info(
        {
          partition: p.key,
          isr: p.isr,
          newIsr,
          outOfSync: out.map((id) => ({ id, leo: p.followers.get(id)?.logEndOffset, lastCaughtUpMs: p.followers.get(id)?.lastCaughtUpTimeMs })),
          leo: p.log.logEndOffset,
          hw: p.log.highWatermark,
        },
        'shrinking ISR',
      );
      this.proposeIsr(p, 'shrink', newIsr);
    }
  }

  // ------------------------------------------------------------------------------------------ AlterPartition

  private proposeIsr(p: Partition, kind: 'expand' | 'shrink', newIsr: number[]): void {
    const pending = { kind, newIsr, failed: false };
    p.pendingIsr = pending;
    // An expansion counts the joiner for the HW at once (maximal ISR), which never moves the HW up;
    // a shrink changes nothing until the controller commits it.
    this.alterQueue.set(p.key, { partition: p, leaderEpoch: p.leaderEpoch, pending });
    this.sendAlterPartitions();
  }

  private scheduleAlterRetry(): void {
    if (this.alterRetryTimer || this.stopped) return;
    this.alterFailures++;
    const delay = Math.min(ALTER_PARTITION_RETRY_MAX_MS, ALTER_PARTITION_RETRY_MS * 2 ** Math.min(this.alterFailures - 1, 10));
    this.alterRetryTimer = setTimeout(() => {
      this.alterRetryTimer = null;
      this.sendAlterPartitions();
    }, delay);
    this.alterRetryTimer.unref();
  }

  /** Still worth sending / applying: same leadership, same proposal. */
  private alterStillValid(item: AlterItem): boolean {
    const p = item.partition;
    return this.partitions.get(p.key) === p && p.isLeader && p.leaderEpoch === item.leaderEpoch && p.pendingIsr === item.pending && !item.pending.failed;
  }

  /**
   * Sends every queued ISR change in one AlterPartition to the controller (Kafka's AlterPartitionManager:
   * one request in flight; failures other than per-partition rejections are retried with backoff).
   */
  private sendAlterPartitions(): void {
    if (this.alterInFlight || this.stopped || !this.cluster || !this.alterClient) return;
    for (const [key, item] of this.alterQueue) if (!this.alterStillValid(item)) this.alterQueue.delete(key);
    if (this.alterQueue.size === 0) return;
    const controller = this.cluster.metadataCache.controllerId();
    if (controller < 0) {
      this.scheduleAlterRetry();
      return;
    }
    const items = [...this.alterQueue.values()];
    this.alterQueue.clear();
    const version = API_BY_KEY.get(ApiKey.AlterPartition)?.maxVersion ?? 2;
    const brokerEpoch = this.cluster.brokerEpoch();
    const byTopic = new Map<string, AlterPartitionRequest['topics'][number]>();
    for (const item of items) {
      const p = item.partition;
      let t = byTopic.get(p.topic);
      if (!t) byTopic.set(p.topic, (t = { topicName: p.topic, topicId: p.topicId, partitions: [] }));
      t.partitions.push({
        partitionIndex: p.index,
        leaderEpoch: p.leaderEpoch,
        newIsr: item.pending.newIsr,
        // Followers' broker epochs are unknown to a ZK-mode leader (Fetch v12 carries none): -1 = unchecked.
        newIsrWithEpochs: item.pending.newIsr.map((id) => ({ brokerId: id, brokerEpoch: id === this.localBrokerId ? brokerEpoch : -1 })),
        leaderRecoveryState: 0,
        partitionEpoch: p.partitionEpoch,
      });
    }
    const req: AlterPartitionRequest = { brokerId: this.localBrokerId, brokerEpoch, topics: [...byTopic.values()] };
    this.alterInFlight = true;
    const requeue = (): void => {
      for (const item of items) if (this.alterStillValid(item) && !this.alterQueue.has(item.partition.key)) this.alterQueue.set(item.partition.key, item);
    };
    this.alterClient
      .send<AlterPartitionResponse>(controller, ApiKey.AlterPartition, version, req, { timeoutMs: this.config.requestTimeoutMs })
      .then(
        (resp) => {
          this.alterInFlight = false;
          if (resp.errorCode !== ErrorCode.NONE) {
            this.log.warn({ controller, error: errorName(resp.errorCode) }, 'AlterPartition rejected; retrying');
            requeue();
            this.scheduleAlterRetry();
            return;
          }
          this.alterFailures = 0;
          this.applyAlterPartitionResponse(items, resp, version);
          this.sendAlterPartitions();
        },
        (err: unknown) => {
          this.alterInFlight = false;
          this.log.warn({ controller, err: err instanceof Error ? err.message : err }, 'AlterPartition failed; retrying');
          requeue();
          this.scheduleAlterRetry();
        },
      );
  }

  private applyAlterPartitionResponse(items: AlterItem[], resp: AlterPartitionResponse, version: number): void {
    const byKey = new Map<string, AlterItem>(items.map((i) => [i.partition.key, i]));
    const byTopicId = new Map<string, string>(items.map((i) => [i.partition.topicId, i.partition.topic]));
    for (const t of resp.topics) {
      const topic = version >= 2 ? byTopicId.get(t.topicId) : t.topicName;
      if (topic === undefined) continue;
      for (const r of t.partitions) {
        const item = byKey.get(partitionKey(topic, r.partitionIndex));
        if (!item) continue;
        byKey.delete(item.partition.key);
        const p = item.partition;
        if (!this.alterStillValid(item)) continue;
        if (r.errorCode !== ErrorCode.NONE) {
          this.handleAlterPartitionError(item, r.errorCode);
          continue;
        }
        if (r.leaderEpoch !== p.leaderEpoch || r.partitionEpoch < p.partitionEpoch) {
          // The controller's answer is about another leadership; the LeaderAndIsr for it is coming.
          this.log.info({ partition: p.key, respEpoch: r.leaderEpoch, epoch: p.leaderEpoch }, 'ignoring AlterPartition result for another leader epoch');
          item.pending.failed = true;
          continue;
        }
        const before = p.isr;
        p.isr = r.isr.slice();
        p.partitionEpoch = r.partitionEpoch;
        p.pendingIsr = null;
        if (p.isr.length < before.length) recordIsrShrink();
        else if (p.isr.length > before.length) recordIsrExpand();
        this.log.info({ partition: p.key, isr: p.isr, partitionEpoch: p.partitionEpoch }, 'ISR updated');
        p.maybeIncrementHighWatermark();
        this.afterStateChange(p);
      }
    }
    // Partitions the controller did not answer for: try again.
    for (const item of byKey.values()) if (this.alterStillValid(item)) this.alterQueue.set(item.partition.key, item);
  }

  private handleAlterPartitionError(item: AlterItem, code: number): void {
    const p = item.partition;
    switch (code) {
      case ErrorCode.OPERATION_NOT_ATTEMPTED:
      case ErrorCode.INELIGIBLE_REPLICA:
        // Not applied: back to the committed ISR; the next fetch or ISR check proposes again.
        this.log.info({ partition: p.key, error: errorName(code) }, 'AlterPartition not applied');
        p.pendingIsr = null;
        break;
      default:
        // FENCED_LEADER_EPOCH, INVALID_UPDATE_VERSION, UNKNOWN_TOPIC_OR_PARTITION, NEW_LEADER_ELECTED...: our
        // view is stale. No more ISR changes until the controller's next LeaderAndIsr resets the state.
        this.log.warn({ partition: p.key, error: errorName(code), partitionEpoch: p.partitionEpoch }, 'AlterPartition rejected; waiting for LeaderAndIsr');
        item.pending.failed = true;
    }
    this.afterStateChange(p);
  }

  // ------------------------------------------------------------------------------------------ LeaderAndIsr

  /**
   * Applies a LeaderAndIsr from the controller (Kafka's ReplicaManager.becomeLeaderOrFollower): stale
   * controller and broker epochs reject the whole request; per partition a lower leader epoch is ignored
   * (STALE_CONTROLLER_EPOCH, as Kafka answers), partitions not assigned here get UNKNOWN_TOPIC_OR_PARTITION.
   */
  becomeLeaderOrFollower(req: LeaderAndIsrRequest, version: number): LeaderAndIsrResponse {
    const entries: LeaderAndIsrEntry[] = [];
    for (const s of req.ungroupedPartitionStates) {
      entries.push({ topic: s.topicName, topicId: this.metadata.topic(s.topicName)?.topicId ?? ZERO_UUID, state: s });
    }
    for (const t of req.topicStates) {
      const topicId = version >= 5 && t.topicId !== ZERO_UUID ? t.topicId : (this.metadata.topic(t.topicName)?.topicId ?? ZERO_UUID);
      for (const s of t.partitionStates) entries.push({ topic: t.topicName, topicId, state: s });
    }
    const results = new Map<LeaderAndIsrEntry, number>();
    const respond = (topLevel: number): LeaderAndIsrResponse => {
      const partitionErrors = entries.map((e) => ({ topicName: e.topic, partitionIndex: e.state.partitionIndex, errorCode: topLevel || (results.get(e) ?? ErrorCode.NONE) }));
      const topics = new Map<string, LeaderAndIsrResponse['topics'][number]>();
      entries.forEach((e, i) => {
        let t = topics.get(e.topic);
        if (!t) topics.set(e.topic, (t = { topicId: e.topicId, partitionErrors: [] }));
        t.partitionErrors.push(partitionErrors[i]!);
      });
      return { errorCode: topLevel, partitionErrors, topics: [...topics.values()] };
    };
    if (!this.cluster) {
      this.log.warn({ controllerId: req.controllerId }, 'LeaderAndIsr received in single-node mode; ignoring');
      return respond(ErrorCode.INVALID_REQUEST);
    }
    const ourEpoch = this.cluster.brokerEpoch();
    // -1: a sender that does not know broker epochs; a larger one: the controller saw our registration first.
    if (req.brokerEpoch !== -1 && ourEpoch !== -1 && req.brokerEpoch < ourEpoch) {
      this.log.warn({ requestBrokerEpoch: req.brokerEpoch, brokerEpoch: ourEpoch }, 'LeaderAndIsr with a stale broker epoch');
      return respond(ErrorCode.STALE_BROKER_EPOCH);
    }
    if (req.controllerEpoch < this.controllerEpoch) {
      this.log.warn({ controllerId: req.controllerId, epoch: req.controllerEpoch, current: this.controllerEpoch }, 'LeaderAndIsr from a stale controller');
      return respond(ErrorCode.STALE_CONTROLLER_EPOCH);
    }
    this.controllerEpoch = req.controllerEpoch;
    for (const l of req.liveLeaders) this.liveLeaders.set(l.brokerId, { host: l.hostName, port: l.port });

    const self = this.localBrokerId;
    const now = Date.now();
    const toFollow: Partition[] = [];
    const events: [Partition, boolean][] = [];
    for (const e of entries) {
      const st = e.state;
      const key = partitionKey(e.topic, st.partitionIndex);
      try {
        if (!st.replicas.includes(self)) {
          this.log.warn({ partition: key, replicas: st.replicas }, 'ignoring LeaderAndIsr for a partition not assigned here');
          results.set(e, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
          continue;
        }
        let p = this.partitions.get(key);
        if (p && e.topicId !== ZERO_UUID && p.topicId !== ZERO_UUID && p.topicId !== e.topicId) {
          results.set(e, ErrorCode.INCONSISTENT_TOPIC_ID);
          continue;
        }
        if (p && st.leaderEpoch < p.leaderEpoch) {
          this.log.info({ partition: key, requestEpoch: st.leaderEpoch, epoch: p.leaderEpoch }, 'ignoring LeaderAndIsr with an older leader epoch');
          results.set(e, ErrorCode.STALE_CONTROLLER_EPOCH);
          continue;
        }
        if (p && st.leaderEpoch === p.leaderEpoch && st.partitionEpoch < p.partitionEpoch) {
          results.set(e, ErrorCode.STALE_CONTROLLER_EPOCH);
          continue;
        }
        const created = !p;
        if (!p) {
          const made = this.createPartition(e);
          if (typeof made === 'number') {
            results.set(e, made);
            continue;
          }
          p = made;
        }
        p.controllerEpoch = st.controllerEpoch;
        if (st.leader === self) {
          if (this.makeLeader(p, st, now, created)) events.push([p, true]);
        } else {
          const r = this.makeFollower(p, st, created);
          if (r.follow) toFollow.push(p);
          if (r.changed) events.push([p, false]);
        }
        results.set(e, ErrorCode.NONE);
      } catch (err) {
        this.log.error({ err, partition: key }, 'failed to apply LeaderAndIsr for partition');
        results.set(e, err instanceof KafkaError ? err.code : ErrorCode.KAFKA_STORAGE_ERROR);
      }
    }
    if (toFollow.length > 0 && !this.stopped) this.fetchers!.addFetcherForPartitions(toFollow);
    this.fetchers!.shutdownIdleFetchers();
    for (const [p, isLeader] of events) this.fireLeadership(p, isLeader);
    return respond(ErrorCode.NONE);
  }

  /** Opens the log for a partition the controller assigned here; an error code when its dir belongs to another topic id. */
  private createPartition(e: LeaderAndIsrEntry): Partition | number {
    const st = e.state;
    const t = this.metadata.topic(e.topic);
    const log: PartitionLog = this.logs.getOrCreateLog(e.topic, st.partitionIndex, resolveLogConfig(this.config, t?.configs ?? {}));
    const stored = log.readPartitionMetadata();
    if (stored !== null && e.topicId !== ZERO_UUID && stored !== e.topicId) {
      // As Kafka: never mix data of two topic incarnations; the controller's StopReplica(delete) cleans up.
      this.log.error({ partition: log.topicPartition, stored, topicId: e.topicId }, 'log directory belongs to another topic id');
      return ErrorCode.INCONSISTENT_TOPIC_ID;
    }
    if (e.topicId !== ZERO_UUID && stored !== e.topicId) log.writePartitionMetadata(e.topicId);
    const p = new Partition(e.topic, st.partitionIndex, e.topicId !== ZERO_UUID ? e.topicId : (stored ?? ZERO_UUID), log, this.localBrokerId, {
      leaderId: -1,
      leaderEpoch: -1,
      isr: st.isr.slice(),
      replicas: st.replicas.slice(),
    });
    this.partitions.set(p.key, p);
    return p;
  }

  private applyAssignment(p: Partition, st: LeaderAndIsrPartitionState): void {
    p.replicas = st.replicas.slice();
    p.isr = st.isr.slice();
    p.addingReplicas = st.addingReplicas?.slice() ?? [];
    p.removingReplicas = st.removingReplicas?.slice() ?? [];
    p.partitionEpoch = st.partitionEpoch;
    // The controller's state supersedes any ISR change we proposed (Kafka resets to the committed state).
    p.pendingIsr = null;
    this.alterQueue.delete(p.key);
  }

  /** Kafka's Partition.makeLeader; true when this is a new leadership (epoch) worth announcing. */
  private makeLeader(p: Partition, st: LeaderAndIsrPartitionState, now: number, created: boolean): boolean {
    const isNewEpoch = created || !p.isLeader || st.leaderEpoch > p.leaderEpoch;
    this.fetchers!.removeFetcherForPartitions([p.key]);
    this.applyAssignment(p, st);
    if (isNewEpoch) {
      p.leaderId = this.localBrokerId;
      p.leaderEpoch = st.leaderEpoch;
      const leo = p.log.logEndOffset;
      // The epoch starts at our log end: followers truncate to it, OffsetForLeaderEpoch answers from it.
      p.log.leaderEpochCache.assign(st.leaderEpoch, leo);
      p.leaderEpochStartOffset = leo;
      p.resetFollowerStates(now);
      this.log.info({ partition: p.key, leaderEpoch: p.leaderEpoch, isr: p.isr, replicas: p.replicas, leo, hw: p.log.highWatermark }, 'became leader');
    } else {
      // Same epoch, newer partition epoch (e.g. a reassignment step): keep follower progress, add/drop states.
      for (const id of [...p.followers.keys()]) if (!p.replicas.includes(id)) p.followers.delete(id);
      for (const id of p.replicas) {
        if (id !== this.localBrokerId && !p.followers.has(id)) {
          p.followers.set(id, { brokerId: id, logEndOffset: -1, logStartOffset: -1, lastCaughtUpTimeMs: p.isr.includes(id) ? now : 0, lastFetchLeaderLogEndOffset: -1, lastFetchTimeMs: 0 });
        }
      }
    }
    p.maybeIncrementHighWatermark();
    this.afterStateChange(p);
    return isNewEpoch;
  }

  /** Kafka's Partition.makeFollower: whether to (re)start fetching and whether to announce it. */
  private makeFollower(p: Partition, st: LeaderAndIsrPartitionState, created: boolean): { follow: boolean; changed: boolean } {
    const wasLeader = p.isLeader;
    const isNewEpoch = st.leaderEpoch > p.leaderEpoch;
    const leaderChanged = p.leaderId !== st.leader;
    this.applyAssignment(p, st);
    p.leaderId = st.leader;
    p.leaderEpoch = st.leaderEpoch;
    p.followers.clear();
    const fetching = this.fetchers!.fetchStateOf(p.key) !== undefined;
    const follow = st.leader >= 0 && (created || wasLeader || isNewEpoch || leaderChanged || !fetching);
    if (st.leader < 0) this.fetchers!.removeFetcherForPartitions([p.key]);
    if (follow || wasLeader) {
      this.log.info({ partition: p.key, leader: st.leader, leaderEpoch: st.leaderEpoch, leo: p.log.logEndOffset, hw: p.log.highWatermark }, 'became follower');
    }
    // acks=all waiters of a former leadership fail now; long-polling fetches re-check and fail too.
    this.afterStateChange(p);
    return { follow, changed: created || wasLeader || isNewEpoch || leaderChanged };
  }

  // ------------------------------------------------------------------------------------------ StopReplica

  /**
   * Kafka's ReplicaManager.stopReplicas: stops fetching, and with deletePartition removes the partition and
   * its log. v3+ carries per-partition leader epochs: an older one than ours is FENCED_LEADER_EPOCH
   * (-2 = topic deletion and -1 = unknown bypass the check).
   */
  stopReplicas(req: StopReplicaRequest, version: number): StopReplicaResponse {
    const entries: { topic: string; index: number; leaderEpoch: number; del: boolean }[] = [];
    if (version === 0) {
      for (const p of req.ungroupedPartitions) entries.push({ topic: p.topicName, index: p.partitionIndex, leaderEpoch: NO_EPOCH, del: req.deletePartitions });
    } else if (version <= 2) {
      for (const t of req.topics) for (const i of t.partitionIndexes) entries.push({ topic: t.name, index: i, leaderEpoch: NO_EPOCH, del: req.deletePartitions });
    } else {
      for (const t of req.topicStates) {
        for (const s of t.partitionStates) entries.push({ topic: t.topicName, index: s.partitionIndex, leaderEpoch: s.leaderEpoch, del: s.deletePartition });
      }
    }
    const respond = (topLevel: number, codes?: number[]): StopReplicaResponse => ({
      errorCode: topLevel,
      partitionErrors: entries.map((e, i) => ({ topicName: e.topic, partitionIndex: e.index, errorCode: topLevel || (codes?.[i] ?? ErrorCode.NONE) })),
    });
    if (!this.cluster) {
      this.log.warn({ controllerId: req.controllerId }, 'StopReplica received in single-node mode; ignoring');
      return respond(ErrorCode.INVALID_REQUEST);
    }
    const ourEpoch = this.cluster.brokerEpoch();
    if (req.brokerEpoch !== -1 && ourEpoch !== -1 && req.brokerEpoch < ourEpoch) return respond(ErrorCode.STALE_BROKER_EPOCH);
    if (req.controllerEpoch < this.controllerEpoch) return respond(ErrorCode.STALE_CONTROLLER_EPOCH);
    this.controllerEpoch = req.controllerEpoch;

    const codes: number[] = [];
    const stop: { e: (typeof entries)[number]; p: Partition | undefined }[] = [];
    for (const e of entries) {
      const p = this.partitions.get(partitionKey(e.topic, e.index));
      if (p && e.leaderEpoch !== EPOCH_DURING_DELETE && e.leaderEpoch !== NO_EPOCH && e.leaderEpoch < p.leaderEpoch) {
        this.log.info({ partition: p.key, requestEpoch: e.leaderEpoch, epoch: p.leaderEpoch }, 'ignoring StopReplica with an older leader epoch');
        codes.push(ErrorCode.FENCED_LEADER_EPOCH);
        continue;
      }
      codes.push(ErrorCode.NONE);
      stop.push({ e, p });
    }
    // Fetchers first: they must not append to a log that is about to go.
    this.fetchers!.removeFetcherForPartitions(stop.map(({ e }) => partitionKey(e.topic, e.index)));
    const events: Partition[] = [];
    for (const { e, p } of stop) {
      const key = partitionKey(e.topic, e.index);
      if (p) {
        p.leaderId = -1;
        p.pendingIsr = null;
        p.followers.clear();
        this.alterQueue.delete(key);
        if (e.del) this.partitions.delete(key);
        this.afterStateChange(p);
        events.push(p);
      }
      if (e.del) {
        try {
          if (this.logs.deleteLog(e.topic, e.index)) this.log.info({ partition: key }, 'deleted replica log');
        } catch (err) {
          this.log.error({ err, partition: key }, 'failed to delete replica log');
          codes[entries.indexOf(e)] = ErrorCode.KAFKA_STORAGE_ERROR;
        }
      } else if (p) {
        this.log.info({ partition: key }, 'stopped replica');
      }
    }
    this.fetchers!.shutdownIdleFetchers();
    for (const p of events) this.fireLeadership(p, false);
    return respond(ErrorCode.NONE, codes);
  }
}
