/**
 * The classic consumer group coordinator: Kafka 3.9's GroupCoordinator + GroupMetadataManager for
 * `group.protocol=classic`, in one place.
 *
 * Concurrency: every operation on a group runs through `run(groupId, fn)`, a per-group FIFO queue, so
 * state changes and the `__consumer_offsets` appends they wait for never interleave (Kafka's group lock,
 * extended over the append: we keep the lock while the write is in flight instead of re-validating in a
 * callback). Long waits (JoinGroup until the rebalance completes, SyncGroup followers until the leader's
 * assignment is stored) are callbacks resolved later, never awaited inside the queue, so nothing deadlocks.
 * Timers (session, join, pending-sync, retention) also enter through the queue.
 *
 * Persistence: OffsetCommit answers only after its records are appended; group metadata is written when
 * a generation's assignment is stored (SyncGroup from the leader), when a group becomes empty, and when a
 * static member is replaced; deletions write tombstones first and change memory after.
 *
 * Ownership, as Kafka's GroupMetadataManager: a group lives in `__consumer_offsets` partition
 * `offsetsPartitionFor(groupId)`, and this coordinator serves it only while it leads that partition.
 * `onElection(p, epoch)` replays the partition into memory (its groups answer COORDINATOR_LOAD_IN_PROGRESS
 * meanwhile), `onResignation(p, epoch)` drops its groups (parked JoinGroup/SyncGroup answered
 * NOT_COORDINATOR, timers cancelled). Groups of partitions we do not own answer NOT_COORDINATOR, which
 * sends clients back to FindCoordinator. Leader epochs fence callbacks that arrive out of order.
 * `load()` (single-node compatibility) elects every partition at once.
 */
import { randomUUID } from 'node:crypto';
import { childLogger } from '../log.js';
import { ErrorCode, KafkaError } from '../protocol/errors.js';
import { buildBatch } from '../records/builder.js';
import { readRecords } from '../records/record.js';
import { systemClock, type CoordinatorClock, type TimerHandle } from './clock.js';
import {
  ClassicGroup,
  EMPTY_BYTES,
  MemberMetadata,
  joinError,
  syncError,
  type CommittedOffset,
  type GroupProtocol,
  type GroupState,
  type JoinGroupResult,
  type SyncGroupResult,
} from './group.js';
import {
  decodeOffsetsTopicRecord,
  groupMetadataKey,
  groupMetadataValue,
  isControlBatch,
  offsetCommitKey,
  offsetCommitValue,
  splitBatches,
  type GroupMetadataValue,
  type OffsetsTopicStore,
} from './offsets-topic.js';
import { offsetsPartitionFor } from './partitioning.js';

export type { GroupState, JoinGroupResult, JoinGroupResultMember, SyncGroupResult } from './group.js';
export type { OffsetsTopicStore } from './offsets-topic.js';
export { OFFSETS_TOPIC_NAME } from './offsets-topic.js';

const log = childLogger('group-coordinator');

export interface GroupCoordinatorOptions {
  store: OffsetsTopicStore;
  /** Creates `__consumer_offsets` if missing (compacted, offsets.topic.num.partitions, ...). Called before the first write and by FindCoordinator. */
  ensureOffsetsTopic: () => Promise<void>;
  /**
   * The real partition count of `__consumer_offsets` when it exists, else offsets.topic.num.partitions
   * (default 50), the count it will be created with. See `setOffsetsTopicNumPartitions`.
   */
  offsetsTopicNumPartitions?: number;
  /** group.initial.rebalance.delay.ms (default 3000). */
  groupInitialRebalanceDelayMs?: number;
  /** group.min.session.timeout.ms (default 6000). */
  groupMinSessionTimeoutMs?: number;
  /** group.max.session.timeout.ms (default 1800000). */
  groupMaxSessionTimeoutMs?: number;
  /** group.max.size (default Int.MaxValue). */
  groupMaxSize?: number;
  /** offsets.retention.minutes (default 10080 = 7 days). */
  offsetsRetentionMinutes?: number;
  /** The same retention in milliseconds; wins over offsetsRetentionMinutes when both are given. */
  offsetsRetentionMs?: number;
  /** offsets.retention.check.interval.ms (default 600000). */
  offsetsRetentionCheckIntervalMs?: number;
  /** offset.metadata.max.bytes (default 4096). */
  offsetMetadataMaxBytes?: number;
  /** How long a new member's pending JoinGroup may wait (Kafka's NewMemberJoinTimeoutMs, 5 minutes). */
  newMemberJoinTimeoutMs?: number;
  clock?: CoordinatorClock;
  /** Member id suffixes; tests may make them deterministic. */
  uuid?: () => string;
  /** Delay before retrying a partition load whose read failed (default 5000). */
  loadRetryBackoffMs?: number;
}

export interface JoinGroupParams {
  groupId: string;
  /** '' for a first join. */
  memberId: string;
  groupInstanceId: string | null;
  /** JoinGroup v4+ for dynamic members: answer a first join with MEMBER_ID_REQUIRED. */
  requireKnownMemberId: boolean;
  /** JoinGroup v9+: a rejoining static leader may skip running the assignor. */
  supportSkippingAssignment: boolean;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  protocolType: string;
  protocols: GroupProtocol[];
  reason?: string | null;
}

export interface SyncGroupParams {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  /** v5+; null when not sent. */
  protocolType: string | null;
  protocolName: string | null;
  assignments: { memberId: string; assignment: Buffer }[];
}

export interface HeartbeatParams {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
}

export interface LeavingMember {
  memberId: string;
  groupInstanceId: string | null;
  reason?: string | null;
}

export interface LeaveGroupResult {
  errorCode: number;
  members: { memberId: string; groupInstanceId: string | null; errorCode: number }[];
}

export interface OffsetCommitParams {
  groupId: string;
  memberId: string;
  groupInstanceId: string | null;
  generationId: number;
  /** OffsetCommit v2-v4 retention; -1 = broker default. */
  retentionTimeMs?: number;
  offsets: {
    topic: string;
    partition: number;
    offset: number;
    leaderEpoch: number;
    metadata: string | null;
    /** OffsetCommit v1 explicit commit time; -1 = now. */
    commitTimestamp?: number;
  }[];
}

export interface TopicPartitionError {
  topic: string;
  partition: number;
  errorCode: number;
}

export interface FetchedOffset {
  topic: string;
  partition: number;
  /** -1 when nothing is committed. */
  offset: number;
  leaderEpoch: number;
  metadata: string;
  errorCode: number;
}

export interface OffsetFetchResult {
  errorCode: number;
  offsets: FetchedOffset[];
}

export interface GroupOverview {
  groupId: string;
  protocolType: string;
  state: GroupState;
  groupType: 'classic';
}

export interface MemberDescription {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  metadata: Buffer;
  assignment: Buffer;
}

export interface GroupDescription {
  errorCode: number;
  groupId: string;
  /** A GroupState, or '' when the group could not be looked at (error). */
  state: GroupState | '';
  protocolType: string;
  protocol: string;
  members: MemberDescription[];
}

type Api = 'join' | 'sync' | 'heartbeat' | 'leave' | 'commit' | 'fetch' | 'describe' | 'delete' | 'offsetDelete' | 'list';

/** APIs that accept the empty group id (Kafka keeps it valid for offset storage, for old clients). */
const EMPTY_ID_OK: ReadonlySet<Api> = new Set<Api>(['commit', 'fetch', 'describe', 'delete']);

type Tp = { topic: string; partition: number };

/** An owned `__consumer_offsets` partition: being replayed, or served. */
interface OwnedPartition {
  state: 'loading' | 'active';
  /** Resolves when the load ends (served, or abandoned after a resignation / shutdown). */
  loaded: Promise<void>;
  /** Ends the backoff of a failed load early, so an abandoned load does not linger until its timer. */
  wake: (() => void) | null;
}

/** What one partition's replay produced, installed in one step once the load is known to be current. */
interface PartitionReplay {
  groups: ClassicGroup[];
  records: number;
}

export class GroupCoordinator {
  private numPartitionsValue: number;
  private readonly store: OffsetsTopicStore;
  private readonly ensureTopicHook: () => Promise<void>;
  private readonly initialDelayMs: number;
  private readonly minSessionTimeoutMs: number;
  private readonly maxSessionTimeoutMs: number;
  private readonly maxSize: number;
  private readonly retentionMs: number;
  private readonly retentionCheckMs: number;
  private readonly metadataMaxBytes: number;
  private readonly newMemberJoinTimeoutMs: number;
  private readonly clock: CoordinatorClock;
  private readonly uuid: () => string;
  private readonly loadRetryBackoffMs: number;

  /** Only groups of owned, loaded partitions are here. */
  private readonly groups = new Map<string, ClassicGroup>();
  private readonly queues = new Map<string, Promise<void>>();
  /** Appends per group are issued one after another, so fire-and-forget writes keep their order. */
  private readonly writeChains = new Map<string, Promise<unknown>>();
  /** Partitions we lead; an entry is replaced (not mutated back) when the partition is re-elected after a resignation. */
  private readonly owned = new Map<number, OwnedPartition>();
  /**
   * Highest leader epoch seen per partition, kept across resignations (Kafka's epochForPartitionId), so a
   * late callback of an older term can neither load nor unload.
   */
  private readonly epochs = new Map<number, number>();
  private shuttingDown = false;
  private topicReady: Promise<void> | null = null;
  private retentionTimer: TimerHandle | null = null;

  constructor(opts: GroupCoordinatorOptions) {
    this.store = opts.store;
    this.ensureTopicHook = opts.ensureOffsetsTopic;
    this.numPartitionsValue = opts.offsetsTopicNumPartitions ?? 50;
    this.initialDelayMs = opts.groupInitialRebalanceDelayMs ?? 3000;
    this.minSessionTimeoutMs = opts.groupMinSessionTimeoutMs ?? 6000;
    this.maxSessionTimeoutMs = opts.groupMaxSessionTimeoutMs ?? 1_800_000;
    this.maxSize = opts.groupMaxSize ?? 2147483647;
    this.retentionMs = opts.offsetsRetentionMs ?? (opts.offsetsRetentionMinutes ?? 10080) * 60_000;
    this.retentionCheckMs = opts.offsetsRetentionCheckIntervalMs ?? 600_000;
    this.metadataMaxBytes = opts.offsetMetadataMaxBytes ?? 4096;
    this.newMemberJoinTimeoutMs = opts.newMemberJoinTimeoutMs ?? 300_000;
    this.clock = opts.clock ?? systemClock;
    this.uuid = opts.uuid ?? randomUUID;
    this.loadRetryBackoffMs = opts.loadRetryBackoffMs ?? 5000;
  }

  // ---------------------------------------------------------------------------------------------------
  // Lifecycle

  /** The partition count groups are hashed over. */
  get numPartitions(): number {
    return this.numPartitionsValue;
  }

  /**
   * Sets the partition count once `__consumer_offsets` exists with a count other than the one given at
   * construction (another broker created it with its own offsets.topic.num.partitions). Call it before the
   * new topic's partitions are elected: a group is only ever found in the partition this count hashes it to.
   */
  setOffsetsTopicNumPartitions(n: number): void {
    if (!Number.isInteger(n) || n <= 0) throw new Error(`invalid __consumer_offsets partition count ${n}`);
    if (n === this.numPartitionsValue) return;
    if (this.owned.size > 0) {
      // Kafka reads the count once at startup; changing it under owned partitions would move groups.
      log.warn({ from: this.numPartitionsValue, to: n, owned: [...this.owned.keys()] }, '__consumer_offsets partition count changed while partitions are owned');
    }
    log.info({ from: this.numPartitionsValue, to: n }, '__consumer_offsets partition count set');
    this.numPartitionsValue = n;
  }

  /** The `__consumer_offsets` partition of a group. */
  partitionFor(groupId: string): number {
    return offsetsPartitionFor(groupId, this.numPartitionsValue);
  }

  /** Whether this coordinator serves (or is loading) the partition. */
  ownsPartition(partition: number): boolean {
    return this.owned.has(partition);
  }

  /** Creates the offsets topic once (retried after a failure). */
  ensureOffsetsTopic(): Promise<void> {
    if (!this.topicReady) {
      this.topicReady = this.ensureTopicHook().catch((err: unknown) => {
        this.topicReady = null;
        throw err;
      });
    }
    return this.topicReady;
  }

  /**
   * Single-node compatibility: takes every partition (leader epoch 0) and resolves once all are loaded.
   * A broker wired to ReplicaManager's leadership callbacks does not call it.
   */
  async load(): Promise<void> {
    const all: Promise<void>[] = [];
    for (let p = 0; p < this.numPartitionsValue; p++) all.push(this.onElection(p, 0));
    await Promise.all(all);
  }

  /**
   * This broker became leader of `__consumer_offsets` partition `partition` at `leaderEpoch`: replays it
   * (last value per key wins, tombstones delete) and then serves its groups; until then they answer
   * COORDINATOR_LOAD_IN_PROGRESS. Ignored for an epoch older than one already seen, and when the partition
   * is already owned (a new epoch of a leadership we never lost keeps the in-memory state, as Kafka does).
   * Resolves when the load ends; a failed read is retried after `loadRetryBackoffMs` while still leader.
   */
  onElection(partition: number, leaderEpoch: number): Promise<void> {
    if (this.shuttingDown) return Promise.resolve();
    if (!this.updateEpoch(partition, leaderEpoch)) {
      log.info({ partition, leaderEpoch, current: this.epochs.get(partition) }, 'ignoring election with a stale leader epoch');
      return Promise.resolve();
    }
    const current = this.owned.get(partition);
    if (current) return current.loaded;
    if (partition >= this.numPartitionsValue) {
      log.warn({ partition, numPartitions: this.numPartitionsValue }, 'elected for a __consumer_offsets partition beyond the known partition count');
    }
    const entry: OwnedPartition = { state: 'loading', loaded: Promise.resolve(), wake: null };
    this.owned.set(partition, entry);
    entry.loaded = this.loadPartition(partition, leaderEpoch, entry);
    // The retention check runs from the first owned partition on (it only looks at loaded groups).
    if (!this.retentionTimer) this.scheduleRetentionCheck();
    return entry.loaded;
  }

  /**
   * This broker stopped leading the partition (became follower, or the replica was stopped): its groups
   * leave memory, parked JoinGroup/SyncGroup get NOT_COORDINATOR, their timers stop. A load in progress is
   * abandoned. Ignored when `leaderEpoch` is older than the epoch we were elected with.
   */
  onResignation(partition: number, leaderEpoch?: number): void {
    if (leaderEpoch !== undefined && !this.updateEpoch(partition, leaderEpoch)) {
      log.info({ partition, leaderEpoch, current: this.epochs.get(partition) }, 'ignoring resignation with a stale leader epoch');
      return;
    }
    const entry = this.owned.get(partition);
    this.owned.delete(partition);
    entry?.wake?.();
    let unloaded = 0;
    for (const g of [...this.groups.values()]) {
      if (this.partitionFor(g.groupId) !== partition) continue;
      this.unloadGroup(g);
      unloaded++;
    }
    if (entry || unloaded > 0) log.info({ partition, leaderEpoch, groups: unloaded }, 'unloaded __consumer_offsets partition');
  }

  /** Stops timers and answers every waiting JoinGroup/SyncGroup with NOT_COORDINATOR. */
  shutdown(): void {
    this.shuttingDown = true;
    if (this.retentionTimer) this.clock.clearTimeout(this.retentionTimer);
    this.retentionTimer = null;
    const entries = [...this.owned.values()];
    this.owned.clear();
    for (const e of entries) e.wake?.();
    for (const g of [...this.groups.values()]) this.unloadGroup(g);
  }

  /** Kafka's maybeUpdateCoordinatorEpoch: records a newer epoch; false when `epoch` is older than the one known. */
  private updateEpoch(partition: number, epoch: number): boolean {
    const current = this.epochs.get(partition);
    if (current !== undefined && epoch < current) return false;
    this.epochs.set(partition, epoch);
    return true;
  }

  private async loadPartition(partition: number, leaderEpoch: number, entry: OwnedPartition): Promise<void> {
    const stillCurrent = () => !this.shuttingDown && this.owned.get(partition) === entry;
    // Appends of the previous term still in flight (a commit that passed validation before a resignation)
    // must land before we read, or the replay would miss them.
    const inFlight = [...this.writeChains].filter(([groupId]) => this.partitionFor(groupId) === partition).map(([, w]) => w);
    if (inFlight.length > 0) await Promise.all(inFlight);
    for (;;) {
      if (!stillCurrent()) return;
      const started = this.clock.now();
      let replay: PartitionReplay;
      try {
        replay = await this.readPartition(partition);
      } catch (err) {
        log.error({ err, partition, leaderEpoch }, 'failed to load __consumer_offsets partition; will retry');
        // Serving without the partition's data would hand out missing offsets (consumers would reset):
        // keep answering COORDINATOR_LOAD_IN_PROGRESS and retry.
        await new Promise<void>((resolve) => {
          const t = this.clock.setTimeout(() => {
            entry.wake = null;
            resolve();
          }, this.loadRetryBackoffMs);
          entry.wake = () => {
            this.clock.clearTimeout(t);
            entry.wake = null;
            resolve();
          };
        });
        continue;
      }
      if (!stillCurrent()) {
        log.info({ partition, leaderEpoch }, 'discarding load of a partition resigned meanwhile');
        return;
      }
      this.installReplay(replay);
      entry.state = 'active';
      log.info({ partition, leaderEpoch, groups: replay.groups.length, records: replay.records, ms: this.clock.now() - started },
        'loaded groups and offsets from __consumer_offsets');
      return;
    }
  }

  /** Reads one partition into group values and offsets; nothing is installed yet. */
  private async readPartition(partition: number): Promise<PartitionReplay> {
    const groupValues = new Map<string, GroupMetadataValue | null>();
    const offsetValues = new Map<string, Map<string, { topic: string; partition: number; value: CommittedOffset }>>();
    let records = 0;
    for await (const chunk of this.store.readAll(partition)) {
      for (const batch of splitBatches(chunk)) {
        if (isControlBatch(batch)) continue;
        for (const rec of readRecords(batch)) {
          if (rec.key === null) continue;
          records++;
          try {
            const r = decodeOffsetsTopicRecord(rec.key, rec.value);
            if (r.type === 'offset') {
              const k = `${r.topic}\u0000${r.partition}`;
              let m = offsetValues.get(r.group);
              if (r.value === null) {
                m?.delete(k);
                continue;
              }
              if (!m) offsetValues.set(r.group, (m = new Map()));
              m.set(k, {
                topic: r.topic,
                partition: r.partition,
                value: {
                  offset: r.value.offset,
                  leaderEpoch: r.value.leaderEpoch,
                  metadata: r.value.metadata,
                  commitTimestamp: r.value.commitTimestamp,
                  expireTimestamp: r.value.expireTimestamp,
                },
              });
            } else if (r.type === 'group') {
              groupValues.set(r.group, r.value);
            }
          } catch (err) {
            log.warn({ err, partition, offset: rec.offset }, 'skipping undecodable __consumer_offsets record');
          }
        }
      }
    }
    const groups: ClassicGroup[] = [];
    const byId = new Map<string, ClassicGroup>();
    for (const [groupId, value] of groupValues) {
      if (value === null) continue;
      const g = groupFromValue(groupId, value);
      byId.set(groupId, g);
      groups.push(g);
    }
    for (const [groupId, offsets] of offsetValues) {
      if (offsets.size === 0) continue;
      let g = byId.get(groupId);
      if (!g) {
        // Offsets without group metadata: a "simple" group that only stores offsets.
        g = new ClassicGroup(groupId, 'Empty');
        byId.set(groupId, g);
        groups.push(g);
      }
      for (const o of offsets.values()) g.setOffset(o.topic, o.partition, o.value);
    }
    return { groups, records };
  }

  private installReplay(replay: PartitionReplay): void {
    for (const g of replay.groups) {
      // Nothing of a loading partition can be in memory (its requests are refused until now), but a
      // leftover would keep timers running: drop it properly.
      const stale = this.groups.get(g.groupId);
      if (stale) this.unloadGroup(stale);
      this.groups.set(g.groupId, g);
    }
    for (const g of replay.groups) {
      // Members restored from the log get a fresh session to heartbeat in.
      for (const m of g.members.values()) this.scheduleHeartbeat(g, m);
      if (g.size > this.maxSize) this.prepareRebalance(g, `freshly-loaded group is over capacity (${g.size} > ${this.maxSize})`);
    }
  }

  /** Kafka's onGroupUnloaded: the group object dies (in-flight operations holding it see Dead), memory forgets it. */
  private unloadGroup(group: ClassicGroup): void {
    this.clearGroupTimers(group);
    if (!group.is('Dead')) group.transitionTo('Dead', this.clock.now());
    for (const m of group.members.values()) {
      group.maybeInvokeJoinCallback(m, joinError(m.memberId, ErrorCode.NOT_COORDINATOR));
      group.maybeInvokeSyncCallback(m, syncError(ErrorCode.NOT_COORDINATOR));
    }
    if (this.groups.get(group.groupId) === group) this.groups.delete(group.groupId);
  }

  // ---------------------------------------------------------------------------------------------------
  // JoinGroup

  joinGroup(p: JoinGroupParams): Promise<JoinGroupResult> {
    const err = this.validateGroupStatus(p.groupId, 'join');
    if (err !== null) return Promise.resolve(joinError(p.memberId, err));
    if (p.sessionTimeoutMs < this.minSessionTimeoutMs || p.sessionTimeoutMs > this.maxSessionTimeoutMs) {
      return Promise.resolve(joinError(p.memberId, ErrorCode.INVALID_SESSION_TIMEOUT));
    }
    // Request bytes may be views into a connection's frame buffer; members outlive the request.
    p = { ...p, protocols: p.protocols.map((x) => ({ name: x.name, metadata: Buffer.from(x.metadata) })) };
    return new Promise<JoinGroupResult>((resolve) => {
      let answered = false;
      const cb = (r: JoinGroupResult) => {
        answered = true;
        resolve(r);
      };
      this.run(p.groupId, () => {
        // Ownership may have changed while this request waited for the group's queue.
        const qerr = this.validateGroupStatus(p.groupId, 'join');
        if (qerr !== null) return cb(joinError(p.memberId, qerr));
        return this.doJoinGroup(p, cb);
      }).catch((e: unknown) => {
        log.error({ err: e, groupId: p.groupId }, 'JoinGroup failed');
        if (!answered) resolve(joinError(p.memberId, ErrorCode.UNKNOWN_SERVER_ERROR));
      });
    });
  }

  private async doJoinGroup(p: JoinGroupParams, cb: (r: JoinGroupResult) => void): Promise<void> {
    const isUnknownMember = p.memberId === '';
    let group = this.groups.get(p.groupId);
    if (!group) {
      // A group is created by a first join only; a member id for a group we do not know is stale.
      if (!isUnknownMember) return cb(joinError(p.memberId, ErrorCode.UNKNOWN_MEMBER_ID));
      group = new ClassicGroup(p.groupId, 'Empty');
      this.groups.set(p.groupId, group);
    }
    if (!this.acceptJoiningMember(group, p.memberId)) {
      const m = group.members.get(p.memberId);
      if (m) {
        this.cancelHeartbeat(m);
        group.remove(p.memberId);
      }
      cb(joinError('', ErrorCode.GROUP_MAX_SIZE_REACHED));
    } else if (isUnknownMember) {
      await this.doNewMemberJoinGroup(group, p, cb);
    } else {
      this.doCurrentMemberJoinGroup(group, p, cb);
    }
    if (group.is('PreparingRebalance')) this.tryCompleteJoin(group);
  }

  private acceptJoiningMember(group: ClassicGroup, memberId: string): boolean {
    switch (group.state) {
      case 'Empty':
      case 'Dead':
        return true;
      // Counting awaiting members (not the size) lets a shrunk group.max.size kick the last rejoiners.
      case 'PreparingRebalance':
        return (group.has(memberId) && group.get(memberId).isAwaitingJoin) || group.numMembersAwaitingJoin < this.maxSize;
      case 'CompletingRebalance':
      case 'Stable':
        return group.has(memberId) || group.size < this.maxSize;
    }
  }

  private async doNewMemberJoinGroup(group: ClassicGroup, p: JoinGroupParams, cb: (r: JoinGroupResult) => void): Promise<void> {
    if (group.is('Dead')) return cb(joinError('', ErrorCode.COORDINATOR_NOT_AVAILABLE));
    if (!group.supportsProtocols(p.protocolType, p.protocols)) return cb(joinError('', ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    const newMemberId = `${p.groupInstanceId ?? p.clientId}-${this.uuid()}`;
    if (p.groupInstanceId !== null) {
      const oldMemberId = group.currentStaticMemberId(p.groupInstanceId);
      if (oldMemberId !== undefined) {
        log.info({ groupId: group.groupId, groupInstanceId: p.groupInstanceId, oldMemberId, newMemberId, state: group.state },
          'static member rejoins with unknown member id; replacing the previous member id');
        await this.updateStaticMemberAndRebalance(group, oldMemberId, newMemberId, p, cb);
      } else {
        this.addMemberAndRebalance(group, p, newMemberId, cb);
      }
    } else if (p.requireKnownMemberId) {
      // v4+: hand out the id first, so a client that times out and retries does not leave ghost members.
      this.addPendingMember(group, newMemberId, p.sessionTimeoutMs);
      cb(joinError(newMemberId, ErrorCode.MEMBER_ID_REQUIRED));
    } else {
      this.addMemberAndRebalance(group, p, newMemberId, cb);
    }
  }

  private doCurrentMemberJoinGroup(group: ClassicGroup, p: JoinGroupParams, cb: (r: JoinGroupResult) => void): void {
    const memberId = p.memberId;
    if (group.is('Dead')) return cb(joinError(memberId, ErrorCode.COORDINATOR_NOT_AVAILABLE));
    if (!group.supportsProtocols(p.protocolType, p.protocols)) return cb(joinError(memberId, ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    if (group.isPendingMember(memberId)) {
      // Pending ids are only handed to dynamic members; Kafka treats a static one here as a server error.
      if (p.groupInstanceId !== null) return cb(joinError(memberId, ErrorCode.UNKNOWN_SERVER_ERROR));
      this.addMemberAndRebalance(group, p, memberId, cb);
      return;
    }
    const err = validateCurrentMember(group, memberId, p.groupInstanceId);
    if (err !== null) return cb(joinError(memberId, err));
    const member = group.get(memberId);
    switch (group.state) {
      case 'PreparingRebalance':
        this.updateMemberAndRebalance(group, member, p, cb, `member ${memberId} rejoins during PreparingRebalance`);
        return;
      case 'CompletingRebalance':
        if (member.matches(p.protocols)) {
          // Same metadata: it most likely missed the JoinGroup response; answer with the current generation.
          cb(this.currentGenerationResult(group, memberId, group.isLeader(memberId)));
        } else {
          this.updateMemberAndRebalance(group, member, p, cb, `updating metadata for member ${memberId} during CompletingRebalance`);
        }
        return;
      case 'Stable':
        if (group.isLeader(memberId)) {
          // A leader's rejoin forces a rebalance: how it learns of changes that do not change member metadata (new partitions).
          this.updateMemberAndRebalance(group, member, p, cb, `leader ${memberId} re-joining group during Stable`);
        } else if (!member.matches(p.protocols)) {
          this.updateMemberAndRebalance(group, member, p, cb, `updating metadata for member ${memberId} during Stable`);
        } else {
          cb(this.currentGenerationResult(group, memberId, false));
        }
        return;
      case 'Empty':
      case 'Dead':
        log.warn({ groupId: group.groupId, memberId, state: group.state }, 'rejoining member in unexpected group state');
        cb(joinError(memberId, ErrorCode.UNKNOWN_MEMBER_ID));
    }
  }

  private currentGenerationResult(group: ClassicGroup, memberId: string, withMembers: boolean): JoinGroupResult {
    return {
      errorCode: ErrorCode.NONE,
      memberId,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leaderId: group.leaderId ?? '',
      skipAssignment: false,
      members: withMembers ? group.currentMemberMetadata() : [],
    };
  }

  private addMemberAndRebalance(group: ClassicGroup, p: JoinGroupParams, memberId: string, cb: (r: JoinGroupResult) => void): void {
    const member = new MemberMetadata(memberId, p.groupInstanceId, p.clientId, p.clientHost, p.rebalanceTimeoutMs,
      p.sessionTimeoutMs, p.protocolType, p.protocols);
    member.isNew = true;
    // The initial delay may be extended while new members keep arriving to a brand-new group.
    if (group.is('PreparingRebalance') && group.generationId === 0) group.newMemberAdded = true;
    const pending = group.pendingJoinMembers.get(memberId);
    if (pending) {
      this.clock.clearTimeout(pending);
      group.pendingJoinMembers.delete(memberId);
    }
    group.add(member, cb);
    // New members cannot heartbeat while their JoinGroup is parked, and a client that gave up would leave
    // a ghost member for the whole rebalance; so a new member's join expires after a fixed time instead.
    this.scheduleHeartbeat(group, member, this.newMemberJoinTimeoutMs);
    this.maybePrepareRebalance(group, `adding new member ${memberId} with group instance id ${p.groupInstanceId}; client reason: ${p.reason ?? 'not provided'}`);
  }

  private updateMemberAndRebalance(group: ClassicGroup, member: MemberMetadata, p: JoinGroupParams, cb: (r: JoinGroupResult) => void, reason: string): void {
    // A duplicate JoinGroup (from another connection) supersedes the parked one; answer the old one so
    // its connection is not left waiting forever.
    group.maybeInvokeJoinCallback(member, joinError(member.memberId, ErrorCode.REBALANCE_IN_PROGRESS));
    group.updateMember(member, p.protocols, p.rebalanceTimeoutMs, p.sessionTimeoutMs, cb);
    this.maybePrepareRebalance(group, reason);
  }

  private async updateStaticMemberAndRebalance(
    group: ClassicGroup,
    oldMemberId: string,
    newMemberId: string,
    p: JoinGroupParams,
    cb: (r: JoinGroupResult) => void,
  ): Promise<void> {
    const instanceId = p.groupInstanceId!;
    const currentLeader = group.leaderId ?? '';
    const member = group.replaceStaticMember(instanceId, oldMemberId, newMemberId, ErrorCode.FENCED_INSTANCE_ID);
    // The old id's session timer dies with it; the new id gets a fresh one.
    this.scheduleHeartbeat(group, member);
    const oldProtocols = member.supportedProtocols;
    const oldRebalanceTimeoutMs = member.rebalanceTimeoutMs;
    const oldSessionTimeoutMs = member.sessionTimeoutMs;
    group.updateMember(member, p.protocols, p.rebalanceTimeoutMs, p.sessionTimeoutMs, cb);

    switch (group.state) {
      case 'Stable': {
        // Same selected protocol: the member restarted, keep its assignment and skip the rebalance; only
        // the new member id must be persisted.
        if (group.protocolName === group.selectProtocol()) {
          const assignment = new Map<string, Buffer>();
          for (const m of group.members.values()) assignment.set(m.memberId, m.assignment);
          const err = await this.storeGroup(group, assignment);
          if (err !== ErrorCode.NONE) {
            log.warn({ groupId: group.groupId, err }, 'failed to persist the replaced static member; reverting');
            group.updateMember(member, oldProtocols, oldRebalanceTimeoutMs, oldSessionTimeoutMs, null);
            const oldMember = group.replaceStaticMember(instanceId, newMemberId, oldMemberId, ErrorCode.FENCED_INSTANCE_ID);
            this.scheduleHeartbeat(group, oldMember);
            cb({
              errorCode: err,
              memberId: '',
              generationId: group.generationId,
              protocolType: group.protocolType,
              protocolName: group.protocolName,
              leaderId: currentLeader,
              skipAssignment: false,
              members: [],
            });
          } else if (p.supportSkippingAssignment) {
            // v9+: tell a static leader it leads, but that it must not run the assignor (the group is stable).
            const isLeader = group.isLeader(newMemberId);
            group.maybeInvokeJoinCallback(member, {
              errorCode: ErrorCode.NONE,
              memberId: newMemberId,
              generationId: group.generationId,
              protocolType: group.protocolType,
              protocolName: group.protocolName,
              leaderId: group.leaderId ?? '',
              skipAssignment: isLeader,
              members: isLeader ? group.currentMemberMetadata() : [],
            });
          } else {
            // Before v9, answer with the old leader id so a restarted leader does not think it leads and
            // compute an assignment a stable group would ignore.
            group.maybeInvokeJoinCallback(member, {
              errorCode: ErrorCode.NONE,
              memberId: newMemberId,
              generationId: group.generationId,
              protocolType: group.protocolType,
              protocolName: group.protocolName,
              leaderId: currentLeader,
              skipAssignment: false,
              members: [],
            });
          }
        } else {
          this.maybePrepareRebalance(group, `group's selected protocol will change because static member ${newMemberId} with instance id ${instanceId} joined with a change of protocol`);
        }
        return;
      }
      case 'CompletingRebalance':
        // The leader may already be computing an assignment for the old id: start over.
        this.prepareRebalance(group, `updating metadata for static member ${newMemberId} with instance id ${instanceId}`);
        return;
      case 'PreparingRebalance':
        return;
      case 'Empty':
      case 'Dead':
        throw new Error(`group ${group.groupId} in state ${group.state} cannot have static member ${instanceId}`);
    }
  }

  private addPendingMember(group: ClassicGroup, memberId: string, sessionTimeoutMs: number): void {
    const handle: TimerHandle = this.clock.setTimeout(() => {
      void this.run(group.groupId, () => {
        if (group.pendingJoinMembers.get(memberId) !== handle) return;
        log.info({ groupId: group.groupId, memberId }, 'pending member removed after session timeout');
        this.removePendingMemberAndUpdateGroup(group, memberId);
      });
    }, sessionTimeoutMs);
    group.pendingJoinMembers.set(memberId, handle);
  }

  private removePendingMemberAndUpdateGroup(group: ClassicGroup, memberId: string): void {
    const t = group.pendingJoinMembers.get(memberId);
    if (t) this.clock.clearTimeout(t);
    group.pendingJoinMembers.delete(memberId);
    group.remove(memberId);
    if (group.is('PreparingRebalance')) this.tryCompleteJoin(group);
  }

  // ---------------------------------------------------------------------------------------------------
  // Rebalance machinery

  private maybePrepareRebalance(group: ClassicGroup, reason: string): void {
    if (group.is('Stable') || group.is('CompletingRebalance') || group.is('Empty')) this.prepareRebalance(group, reason);
  }

  private prepareRebalance(group: ClassicGroup, reason: string): void {
    // Members waiting for an assignment must rejoin instead.
    if (group.is('CompletingRebalance')) this.resetAndPropagateAssignmentError(group, ErrorCode.REBALANCE_IN_PROGRESS);
    this.cancelSyncTimer(group);
    const wasEmpty = group.is('Empty');
    group.transitionTo('PreparingRebalance', this.clock.now());
    log.info({ groupId: group.groupId, generationId: group.generationId, reason }, 'preparing to rebalance group');
    if (wasEmpty && this.initialDelayMs > 0) {
      // group.initial.rebalance.delay.ms: let the first few consumers of a new group arrive together.
      this.scheduleJoin(group, this.initialDelayMs, true, Math.max(group.rebalanceTimeoutMs - this.initialDelayMs, 0));
    } else {
      this.scheduleJoin(group, group.rebalanceTimeoutMs, false, 0);
      this.tryCompleteJoin(group);
    }
  }

  private scheduleJoin(group: ClassicGroup, delayMs: number, initial: boolean, remainingMs: number): void {
    if (group.joinTimer) this.clock.clearTimeout(group.joinTimer);
    group.joinTimerIsInitialDelay = initial;
    const handle: TimerHandle = this.clock.setTimeout(() => {
      void this.run(group.groupId, () => {
        if (group.joinTimer !== handle) return;
        group.joinTimer = null;
        if (!group.is('PreparingRebalance')) return;
        if (initial && group.newMemberAdded && remainingMs !== 0) {
          group.newMemberAdded = false;
          const delay = Math.min(this.initialDelayMs, remainingMs);
          this.scheduleJoin(group, delay, true, Math.max(remainingMs - delay, 0));
        } else {
          this.onCompleteJoin(group);
        }
      });
    }, delayMs);
    group.joinTimer = handle;
  }

  /** Completes the join phase early once every member has rejoined (never during the initial delay). */
  private tryCompleteJoin(group: ClassicGroup): void {
    if (!group.is('PreparingRebalance') || group.joinTimerIsInitialDelay || !group.hasAllMembersJoined) return;
    if (group.joinTimer) this.clock.clearTimeout(group.joinTimer);
    group.joinTimer = null;
    this.onCompleteJoin(group);
  }

  private onCompleteJoin(group: ClassicGroup): void {
    // Dynamic members that did not rejoin in time are gone; static ones keep their place (they may be restarting).
    for (const m of group.notYetRejoinedMembers()) {
      if (m.isStaticMember) continue;
      this.cancelHeartbeat(m);
      group.remove(m.memberId);
    }
    if (group.is('Dead')) return;
    if (!group.maybeElectNewJoinedLeader() && group.size > 0) {
      // Only non-rejoined static members remain: wait another rebalance timeout for them.
      log.error({ groupId: group.groupId }, 'could not complete rebalance because no members rejoined');
      this.scheduleJoin(group, group.rebalanceTimeoutMs, false, 0);
      return;
    }
    group.newMemberAdded = false;
    group.initNextGeneration(this.clock.now());
    if (group.is('Empty')) {
      log.info({ groupId: group.groupId, generationId: group.generationId, partition: this.partitionFor(group.groupId) }, 'group is now empty');
      // Persist the empty generation; on failure the previous generation would come back after a restart,
      // harmless since nobody is in it any more.
      void this.storeGroup(group, new Map()).then((err) => {
        if (err !== ErrorCode.NONE) log.warn({ groupId: group.groupId, err }, 'failed to write empty group metadata');
      });
      return;
    }
    log.info({ groupId: group.groupId, generationId: group.generationId, members: group.size, protocol: group.protocolName }, 'stabilized group');
    for (const m of group.members.values()) {
      const isLeader = group.isLeader(m.memberId);
      group.maybeInvokeJoinCallback(m, {
        errorCode: ErrorCode.NONE,
        memberId: m.memberId,
        generationId: group.generationId,
        protocolType: group.protocolType,
        protocolName: group.protocolName,
        leaderId: group.leaderId ?? '',
        skipAssignment: false,
        members: isLeader ? group.currentMemberMetadata() : [],
      });
      this.scheduleHeartbeat(group, m);
      m.isNew = false;
      group.pendingSyncMembers.add(m.memberId);
    }
    this.schedulePendingSync(group);
  }

  /** Members that got the JoinGroup response but never send SyncGroup are removed after the rebalance timeout. */
  private schedulePendingSync(group: ClassicGroup): void {
    this.cancelSyncTimer(group);
    const generationId = group.generationId;
    const handle: TimerHandle = this.clock.setTimeout(() => {
      void this.run(group.groupId, () => {
        if (group.syncTimer !== handle) return;
        group.syncTimer = null;
        if (generationId !== group.generationId) return;
        if (!group.is('CompletingRebalance') && !group.is('Stable')) return;
        if (group.pendingSyncMembers.size === 0) return;
        const missing = [...group.pendingSyncMembers];
        log.info({ groupId: group.groupId, members: missing }, 'removing members who have not sent their SyncGroup');
        for (const id of missing) {
          const m = group.members.get(id);
          if (m) this.cancelHeartbeat(m);
          group.remove(id);
        }
        this.maybePrepareRebalance(group, `removing members ${missing.join(',')} on pending sync request expiration`);
      });
    }, group.rebalanceTimeoutMs);
    group.syncTimer = handle;
  }

  private cancelSyncTimer(group: ClassicGroup): void {
    if (group.syncTimer) this.clock.clearTimeout(group.syncTimer);
    group.syncTimer = null;
  }

  private removePendingSyncMember(group: ClassicGroup, memberId: string): void {
    group.pendingSyncMembers.delete(memberId);
    if (group.pendingSyncMembers.size === 0) this.cancelSyncTimer(group);
  }

  private resetAndPropagateAssignmentError(group: ClassicGroup, errorCode: number): void {
    for (const m of group.members.values()) m.assignment = EMPTY_BYTES;
    this.propagateAssignment(group, errorCode);
  }

  private propagateAssignment(group: ClassicGroup, errorCode: number): void {
    const ok = errorCode === ErrorCode.NONE;
    for (const m of group.members.values()) {
      const delivered = group.maybeInvokeSyncCallback(m, {
        errorCode,
        protocolType: ok ? group.protocolType : null,
        protocolName: ok ? group.protocolName : null,
        assignment: m.assignment,
      });
      // A member awaiting sync was exempt from session expiry; its session starts again now.
      if (delivered) this.scheduleHeartbeat(group, m);
    }
  }

  // ---------------------------------------------------------------------------------------------------
  // Sessions

  /** Kafka's completeAndScheduleNextHeartbeatExpiration: (re)starts the member's session timer. */
  private scheduleHeartbeat(group: ClassicGroup, member: MemberMetadata, timeoutMs = member.sessionTimeoutMs): void {
    if (member.heartbeatTimer) this.clock.clearTimeout(member.heartbeatTimer);
    const handle: TimerHandle = this.clock.setTimeout(() => {
      void this.run(group.groupId, () => this.onExpireHeartbeat(group, member, handle));
    }, timeoutMs);
    member.heartbeatTimer = handle;
  }

  private cancelHeartbeat(member: MemberMetadata): void {
    if (member.heartbeatTimer) this.clock.clearTimeout(member.heartbeatTimer);
    member.heartbeatTimer = null;
  }

  private onExpireHeartbeat(group: ClassicGroup, member: MemberMetadata, handle: TimerHandle): void {
    if (member.heartbeatTimer !== handle) return;
    member.heartbeatTimer = null;
    if (group.is('Dead') || this.groups.get(group.groupId) !== group) return;
    if (group.members.get(member.memberId) !== member) return;
    // Members parked in JoinGroup/SyncGroup cannot heartbeat and are covered by the rebalance timeout,
    // except new members, whose join itself expires.
    if (!member.isNew && (member.isAwaitingJoin || member.isAwaitingSync)) return;
    log.info({ groupId: group.groupId, memberId: member.memberId }, 'member session expired; removing it from the group');
    this.removeMemberAndUpdateGroup(group, member, `removing member ${member.memberId} on heartbeat expiration`);
  }

  private removeMemberAndUpdateGroup(group: ClassicGroup, member: MemberMetadata, reason: string): void {
    // A new member may time out while its JoinGroup is parked: answer it so the client retries.
    group.maybeInvokeJoinCallback(member, joinError('', ErrorCode.UNKNOWN_MEMBER_ID));
    group.maybeInvokeSyncCallback(member, syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    this.cancelHeartbeat(member);
    group.remove(member.memberId);
    switch (group.state) {
      case 'Dead':
      case 'Empty':
        return;
      case 'Stable':
      case 'CompletingRebalance':
        this.maybePrepareRebalance(group, reason);
        return;
      case 'PreparingRebalance':
        this.tryCompleteJoin(group);
    }
  }

  // ---------------------------------------------------------------------------------------------------
  // SyncGroup

  syncGroup(p: SyncGroupParams): Promise<SyncGroupResult> {
    const err = this.syncStatusError(p.groupId);
    if (err !== null) return Promise.resolve(syncError(err));
    p = { ...p, assignments: p.assignments.map((a) => ({ memberId: a.memberId, assignment: Buffer.from(a.assignment) })) };
    return new Promise<SyncGroupResult>((resolve) => {
      let answered = false;
      const cb = (r: SyncGroupResult) => {
        answered = true;
        resolve(r);
      };
      this.run(p.groupId, () => {
        const qerr = this.syncStatusError(p.groupId);
        if (qerr !== null) return cb(syncError(qerr));
        return this.doSyncGroup(p, cb);
      }).catch((e: unknown) => {
        log.error({ err: e, groupId: p.groupId }, 'SyncGroup failed');
        if (!answered) resolve(syncError(ErrorCode.UNKNOWN_SERVER_ERROR));
      });
    });
  }

  private syncStatusError(groupId: string): number | null {
    const err = this.validateGroupStatus(groupId, 'sync');
    // While loading, the rebalance state is lost: REBALANCE_IN_PROGRESS makes the member rejoin without
    // rediscovering the coordinator (older clients do not expect COORDINATOR_LOAD_IN_PROGRESS here).
    return err === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS ? ErrorCode.REBALANCE_IN_PROGRESS : err;
  }

  private async doSyncGroup(p: SyncGroupParams, cb: (r: SyncGroupResult) => void): Promise<void> {
    const group = this.groups.get(p.groupId);
    if (!group) return cb(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    if (group.is('Dead')) return cb(syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE));
    const memberErr = validateCurrentMember(group, p.memberId, p.groupInstanceId);
    if (memberErr !== null) return cb(syncError(memberErr));
    if (p.generationId !== group.generationId) return cb(syncError(ErrorCode.ILLEGAL_GENERATION));
    if (p.protocolType !== null && p.protocolType !== group.protocolType) return cb(syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    if (p.protocolName !== null && p.protocolName !== group.protocolName) return cb(syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL));

    switch (group.state) {
      case 'Empty':
        return cb(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
      case 'PreparingRebalance':
        return cb(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
      case 'Dead':
        return cb(syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE));
      case 'Stable': {
        this.removePendingSyncMember(group, p.memberId);
        const member = group.get(p.memberId);
        cb({ errorCode: ErrorCode.NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment: member.assignment });
        this.scheduleHeartbeat(group, member);
        return;
      }
      case 'CompletingRebalance': {
        const member = group.get(p.memberId);
        // A duplicate SyncGroup from another connection supersedes the parked one.
        group.maybeInvokeSyncCallback(member, syncError(ErrorCode.REBALANCE_IN_PROGRESS));
        member.awaitingSyncCallback = cb;
        this.removePendingSyncMember(group, p.memberId);
        if (!group.isLeader(p.memberId)) return;

        log.info({ groupId: group.groupId, generationId: group.generationId, members: group.size }, 'assignment received from leader');
        const assignment = new Map<string, Buffer>();
        for (const a of p.assignments) assignment.set(a.memberId, a.assignment);
        const missing = [...group.members.keys()].filter((id) => !assignment.has(id));
        if (missing.length > 0) log.warn({ groupId: group.groupId, missing }, 'setting empty assignments for members the leader left out');
        for (const id of missing) assignment.set(id, EMPTY_BYTES);
        const generationId = group.generationId;
        const err = await this.storeGroup(group, assignment);
        // We held the group's queue during the write; the checks guard against a bug more than a race.
        if (group.is('CompletingRebalance') && generationId === group.generationId) {
          if (err !== ErrorCode.NONE) {
            this.resetAndPropagateAssignmentError(group, err);
            this.maybePrepareRebalance(group, `error when storing group assignment during SyncGroup (member ${p.memberId})`);
          } else {
            for (const m of group.members.values()) m.assignment = assignment.get(m.memberId) ?? EMPTY_BYTES;
            this.propagateAssignment(group, ErrorCode.NONE);
            group.transitionTo('Stable', this.clock.now());
          }
        }
        return;
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------
  // Heartbeat

  async heartbeat(p: HeartbeatParams): Promise<number> {
    const err = this.heartbeatStatusError(p.groupId);
    if (err !== null) return err;
    return this.run(p.groupId, () => {
      const qerr = this.heartbeatStatusError(p.groupId);
      if (qerr !== null) return qerr;
      const group = this.groups.get(p.groupId);
      if (!group) return ErrorCode.UNKNOWN_MEMBER_ID;
      if (group.is('Dead')) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
      const memberErr = validateCurrentMember(group, p.memberId, p.groupInstanceId);
      if (memberErr !== null) return memberErr;
      const member = group.get(p.memberId);
      switch (group.state) {
        case 'Empty':
          return ErrorCode.UNKNOWN_MEMBER_ID;
        case 'CompletingRebalance':
          // Consumers may heartbeat between the JoinGroup response and SyncGroup.
          this.scheduleHeartbeat(group, member);
          return ErrorCode.NONE;
        case 'PreparingRebalance':
          this.scheduleHeartbeat(group, member);
          return ErrorCode.REBALANCE_IN_PROGRESS;
        case 'Stable':
          if (p.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
          this.scheduleHeartbeat(group, member);
          return ErrorCode.NONE;
        case 'Dead':
          return ErrorCode.COORDINATOR_NOT_AVAILABLE;
      }
    });
  }

  private heartbeatStatusError(groupId: string): number | null {
    const err = this.validateGroupStatus(groupId, 'heartbeat');
    // While loading, answer blindly: the member will learn the truth after the load.
    return err === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS ? ErrorCode.NONE : err;
  }

  // ---------------------------------------------------------------------------------------------------
  // LeaveGroup

  async leaveGroup(groupId: string, leaving: LeavingMember[]): Promise<LeaveGroupResult> {
    const err = this.validateGroupStatus(groupId, 'leave');
    if (err !== null) return { errorCode: err, members: [] };
    const answer = (m: LeavingMember, errorCode: number) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, errorCode });
    return this.run(groupId, () => {
      const qerr = this.validateGroupStatus(groupId, 'leave');
      if (qerr !== null) return { errorCode: qerr, members: [] };
      const group = this.groups.get(groupId);
      if (!group) return { errorCode: ErrorCode.NONE, members: leaving.map((m) => answer(m, ErrorCode.UNKNOWN_MEMBER_ID)) };
      if (group.is('Dead')) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] };
      const members = leaving.map((m) => {
        const reason = m.reason ?? 'not provided';
        if (m.memberId === '') {
          // Administrative removal of a static member by instance id (AdminClient.removeMembersFromConsumerGroup).
          const current = m.groupInstanceId !== null ? group.currentStaticMemberId(m.groupInstanceId) : undefined;
          if (current === undefined) return answer(m, ErrorCode.UNKNOWN_MEMBER_ID);
          this.removeMemberAndUpdateGroup(group, group.get(current), `removing member ${current} on LeaveGroup; client reason: ${reason}`);
          return answer(m, ErrorCode.NONE);
        }
        if (group.isPendingMember(m.memberId)) {
          this.removePendingMemberAndUpdateGroup(group, m.memberId);
          log.info({ groupId, memberId: m.memberId }, 'pending member left the group');
          return answer(m, ErrorCode.NONE);
        }
        const memberErr = validateCurrentMember(group, m.memberId, m.groupInstanceId);
        if (memberErr !== null) return answer(m, memberErr);
        log.info({ groupId, memberId: m.memberId, reason }, 'member left the group');
        this.removeMemberAndUpdateGroup(group, group.get(m.memberId), `removing member ${m.memberId} on LeaveGroup; client reason: ${reason}`);
        return answer(m, ErrorCode.NONE);
      });
      return { errorCode: ErrorCode.NONE, members };
    });
  }

  // ---------------------------------------------------------------------------------------------------
  // Offsets

  /** Results in the order of `p.offsets`; resolves only after the commit is appended to the log. */
  async commitOffsets(p: OffsetCommitParams): Promise<TopicPartitionError[]> {
    const all = (errorCode: number) => p.offsets.map((o) => ({ topic: o.topic, partition: o.partition, errorCode }));
    const err = this.validateGroupStatus(p.groupId, 'commit');
    if (err !== null) return all(err);
    return this.run(p.groupId, async () => {
      // Checked again in the queue: a group of a partition resigned meanwhile must not be re-created here.
      const qerr = this.validateGroupStatus(p.groupId, 'commit');
      if (qerr !== null) return all(qerr);
      let group = this.groups.get(p.groupId);
      if (!group) {
        // Generation -1: a client using Kafka only for offset storage (no group management); allowed.
        if (p.generationId >= 0) return all(ErrorCode.ILLEGAL_GENERATION);
        group = new ClassicGroup(p.groupId, 'Empty');
        this.groups.set(p.groupId, group);
      }
      const verr = validateOffsetCommit(group, p.generationId, p.memberId, p.groupInstanceId);
      if (verr !== null) return all(verr);
      switch (group.state) {
        case 'Empty':
          return this.storeOffsets(group, p);
        case 'Stable':
        case 'PreparingRebalance': {
          // Commits are allowed while preparing: the member learns of the rebalance from its heartbeat.
          const member = group.members.get(p.memberId);
          if (member) this.scheduleHeartbeat(group, member);
          return this.storeOffsets(group, p);
        }
        case 'CompletingRebalance':
          // The member has the new generation from JoinGroup but no assignment yet.
          return all(ErrorCode.REBALANCE_IN_PROGRESS);
        case 'Dead':
          return all(ErrorCode.COORDINATOR_NOT_AVAILABLE);
      }
    });
  }

  private async storeOffsets(group: ClassicGroup, p: OffsetCommitParams): Promise<TopicPartitionError[]> {
    const now = this.clock.now();
    const results: TopicPartitionError[] = p.offsets.map((o) => ({ topic: o.topic, partition: o.partition, errorCode: ErrorCode.NONE }));
    const toStore: { index: number; topic: string; partition: number; value: CommittedOffset }[] = [];
    p.offsets.forEach((o, index) => {
      const metadata = o.metadata ?? '';
      // Kafka compares String.length() (UTF-16 units), which is what JS length counts too.
      if (metadata.length > this.metadataMaxBytes) {
        results[index]!.errorCode = ErrorCode.OFFSET_METADATA_TOO_LARGE;
        return;
      }
      const commitTimestamp = o.commitTimestamp !== undefined && o.commitTimestamp !== -1 ? o.commitTimestamp : now;
      const retention = p.retentionTimeMs ?? -1;
      toStore.push({
        index,
        topic: o.topic,
        partition: o.partition,
        value: {
          offset: o.offset,
          leaderEpoch: o.leaderEpoch,
          metadata,
          commitTimestamp,
          expireTimestamp: retention === -1 ? -1 : now + retention,
        },
      });
    });
    if (toStore.length === 0) return results;
    const records = toStore.map((s) => ({
      key: offsetCommitKey(group.groupId, s.topic, s.partition),
      value: offsetCommitValue(s.value),
    }));
    const err = await this.append(group.groupId, records, mapCommitAppendError);
    for (const s of toStore) {
      if (err === ErrorCode.NONE) group.setOffset(s.topic, s.partition, s.value);
      else results[s.index]!.errorCode = err;
    }
    return results;
  }

  /**
   * Committed offsets of a group: the given partitions (-1 for those without a commit), or all of them
   * when `partitions` is null. Answered regardless of group state, since simple consumers have no state.
   */
  fetchOffsets(groupId: string, partitions: Tp[] | null): OffsetFetchResult {
    const err = this.validateGroupStatus(groupId, 'fetch');
    if (err !== null) return { errorCode: err, offsets: [] };
    const none = (tp: Tp): FetchedOffset => ({ topic: tp.topic, partition: tp.partition, offset: -1, leaderEpoch: -1, metadata: '', errorCode: ErrorCode.NONE });
    const group = this.groups.get(groupId);
    if (!group || group.is('Dead')) return { errorCode: ErrorCode.NONE, offsets: (partitions ?? []).map(none) };
    const wanted = partitions ?? group.allOffsets().map(({ topic, partition }) => ({ topic, partition }));
    return {
      errorCode: ErrorCode.NONE,
      offsets: wanted.map((tp) => {
        const o = group.offset(tp.topic, tp.partition);
        if (!o) return none(tp);
        return { topic: tp.topic, partition: tp.partition, offset: o.offset, leaderEpoch: o.leaderEpoch, metadata: o.metadata, errorCode: ErrorCode.NONE };
      }),
    };
  }

  /** OffsetDelete: removes committed offsets of partitions the group does not consume. */
  async deleteOffsets(groupId: string, partitions: Tp[]): Promise<{ errorCode: number; partitions: TopicPartitionError[] }> {
    const err = this.validateGroupStatus(groupId, 'offsetDelete');
    if (err !== null) return { errorCode: err, partitions: [] };
    return this.run(groupId, async () => {
      const qerr = this.validateGroupStatus(groupId, 'offsetDelete');
      if (qerr !== null) return { errorCode: qerr, partitions: [] };
      const group = this.groups.get(groupId);
      if (!group || group.is('Dead')) return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, partitions: [] };
      let eligible: Tp[];
      const results = new Map<string, number>();
      const key = (tp: Tp) => `${tp.topic}\u0000${tp.partition}`;
      if (group.is('Empty')) {
        eligible = partitions;
      } else if (group.isConsumerGroup) {
        eligible = [];
        for (const tp of partitions) {
          if (group.isSubscribedToTopic(tp.topic)) results.set(key(tp), ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC);
          else eligible.push(tp);
        }
      } else {
        return { errorCode: ErrorCode.NON_EMPTY_GROUP, partitions: [] };
      }
      if (eligible.length > 0) {
        const werr = await this.cleanupGroupMetadata(group, eligible.filter((tp) => group.offset(tp.topic, tp.partition) !== undefined));
        for (const tp of eligible) results.set(key(tp), werr);
      }
      return {
        errorCode: ErrorCode.NONE,
        partitions: partitions.map((tp) => ({ topic: tp.topic, partition: tp.partition, errorCode: results.get(key(tp)) ?? ErrorCode.NONE })),
      };
    });
  }

  /**
   * Offset retention (offsets.retention.minutes), as Kafka 2.1+ (KIP-211): an empty group's offsets expire
   * once the retention has passed since it became empty; a simple group's (no protocol type) per offset
   * since its commit; a stable consumer group's only for topics it no longer subscribes to. Offsets committed
   * with an explicit retention (v1-v4) keep their own expire timestamp. Empty groups left without offsets are
   * removed. Runs every offsets.retention.check.interval.ms; tests call it directly.
   */
  async expireOffsets(): Promise<number> {
    let removed = 0;
    const now = this.clock.now();
    for (const groupId of [...this.groups.keys()]) {
      removed += await this.run(groupId, async () => {
        const group = this.groups.get(groupId);
        if (!group || group.is('Dead')) return 0;
        const expired = this.expiredOffsets(group, now);
        const err = await this.cleanupGroupMetadata(group, expired);
        if (err !== ErrorCode.NONE) log.warn({ groupId, err }, 'failed to write tombstones for expired offsets');
        else if (expired.length > 0) log.info({ groupId, count: expired.length }, 'expired offsets');
        return err === ErrorCode.NONE ? expired.length : 0;
      });
    }
    return removed;
  }

  private expiredOffsets(group: ClassicGroup, now: number): Tp[] {
    const pick = (base: (o: CommittedOffset) => number, subscribed: Set<string> | null): Tp[] =>
      group
        .allOffsets()
        .filter(({ topic, offset }) => {
          if (subscribed?.has(topic)) return false;
          return offset.expireTimestamp >= 0 ? now >= offset.expireTimestamp : now - base(offset) >= this.retentionMs;
        })
        .map(({ topic, partition }) => ({ topic, partition }));
    if (group.protocolType !== null && group.is('Empty')) {
      const since = group.currentStateTimestamp;
      return pick((o) => since ?? o.commitTimestamp, null);
    }
    if (group.isConsumerGroup && group.subscribedTopics !== null && group.is('Stable')) {
      return pick((o) => o.commitTimestamp, group.subscribedTopics);
    }
    if (group.protocolType === null) return pick((o) => o.commitTimestamp, null);
    return [];
  }

  /** Drops committed offsets of deleted topics (Kafka's handleDeletedPartitions); the lead calls it on topic deletion. */
  async removeOffsetsForTopics(topics: Iterable<string>): Promise<void> {
    const gone = new Set(topics);
    for (const groupId of [...this.groups.keys()]) {
      await this.run(groupId, async () => {
        const group = this.groups.get(groupId);
        if (!group || group.is('Dead')) return;
        const doomed = group.allOffsets().filter((o) => gone.has(o.topic)).map(({ topic, partition }) => ({ topic, partition }));
        if (doomed.length > 0) await this.cleanupGroupMetadata(group, doomed);
      });
    }
  }

  /**
   * Writes tombstones for `offsets`, and removes the group itself when it is Empty and would be left
   * without offsets; memory changes only once the tombstones are appended.
   */
  private async cleanupGroupMetadata(group: ClassicGroup, offsets: Tp[]): Promise<number> {
    const records: { key: Buffer; value: Buffer | null }[] = offsets.map((tp) => ({ key: offsetCommitKey(group.groupId, tp.topic, tp.partition), value: null }));
    const remaining = group.allOffsets().length - offsets.length;
    const removeGroup = group.is('Empty') && remaining <= 0;
    // A generation-0 group only ever stored offsets and has no metadata record to delete.
    if (removeGroup && group.generationId > 0) records.push({ key: groupMetadataKey(group.groupId), value: null });
    if (records.length > 0) {
      const err = await this.append(group.groupId, records, mapGroupAppendError);
      if (err !== ErrorCode.NONE) return err;
    }
    for (const tp of offsets) group.removeOffset(tp.topic, tp.partition);
    if (removeGroup) this.markDead(group);
    return ErrorCode.NONE;
  }

  private markDead(group: ClassicGroup): void {
    group.transitionTo('Dead', this.clock.now());
    this.clearGroupTimers(group);
    if (this.groups.get(group.groupId) === group) this.groups.delete(group.groupId);
  }

  // ---------------------------------------------------------------------------------------------------
  // Admin: ListGroups, DescribeGroups, DeleteGroups

  /** Groups of owned partitions in the given states (case-insensitive; empty = all) and types (only "classic" exists here). */
  listGroups(statesFilter: string[] = [], typesFilter: string[] = []): { errorCode: number; groups: GroupOverview[] } {
    const err = this.validateGroupStatus(null, 'list');
    if (err !== null) return { errorCode: err, groups: [] };
    // As Kafka: the groups of loaded partitions, with COORDINATOR_LOAD_IN_PROGRESS while any partition is
    // still loading so the admin client retries for a complete list.
    const loading = [...this.owned.values()].some((o) => o.state === 'loading');
    const states = new Set(statesFilter.map((s) => s.toLowerCase()));
    const types = new Set(typesFilter.map((s) => s.toLowerCase()));
    if (types.size > 0 && !types.has('classic')) return { errorCode: loading ? ErrorCode.COORDINATOR_LOAD_IN_PROGRESS : ErrorCode.NONE, groups: [] };
    const groups: GroupOverview[] = [];
    for (const g of this.groups.values()) {
      if (g.is('Dead')) continue;
      if (states.size > 0 && !states.has(g.state.toLowerCase())) continue;
      groups.push({ groupId: g.groupId, protocolType: g.protocolType ?? '', state: g.state, groupType: 'classic' });
    }
    return { errorCode: loading ? ErrorCode.COORDINATOR_LOAD_IN_PROGRESS : ErrorCode.NONE, groups };
  }

  /** Kafka's GroupSummary; an unknown group is reported as Dead with no error. Metadata only when Stable. */
  describeGroup(groupId: string): GroupDescription {
    const err = this.validateGroupStatus(groupId, 'describe');
    const dead = (errorCode: number): GroupDescription => ({ errorCode, groupId, state: 'Dead', protocolType: '', protocol: '', members: [] });
    // Kafka answers errors with its EmptyGroup summary: no state, no protocol, no members.
    if (err !== null) return { ...dead(err), state: '' };
    const group = this.groups.get(groupId);
    if (!group) return dead(ErrorCode.NONE);
    const stable = group.is('Stable');
    const protocol = stable ? (group.protocolName ?? '') : '';
    return {
      errorCode: ErrorCode.NONE,
      groupId,
      state: group.state,
      protocolType: group.protocolType ?? '',
      protocol,
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        metadata: stable ? m.metadata(protocol) : EMPTY_BYTES,
        assignment: stable ? m.assignment : EMPTY_BYTES,
      })),
    };
  }

  /** DeleteGroups: only empty groups; their offsets and metadata are tombstoned before the group goes. */
  async deleteGroups(groupIds: string[]): Promise<{ groupId: string; errorCode: number }[]> {
    return Promise.all(
      groupIds.map(async (groupId) => {
        const err = this.validateGroupStatus(groupId, 'delete');
        if (err !== null) return { groupId, errorCode: err };
        const errorCode = await this.run(groupId, async () => {
          const qerr = this.validateGroupStatus(groupId, 'delete');
          if (qerr !== null) return qerr;
          const group = this.groups.get(groupId);
          if (!group || group.is('Dead')) return ErrorCode.GROUP_ID_NOT_FOUND;
          if (!group.is('Empty')) return ErrorCode.NON_EMPTY_GROUP;
          const all = group.allOffsets().map(({ topic, partition }) => ({ topic, partition }));
          const records: { key: Buffer; value: Buffer | null }[] = all.map((tp) => ({ key: offsetCommitKey(groupId, tp.topic, tp.partition), value: null }));
          records.push({ key: groupMetadataKey(groupId), value: null });
          const werr = await this.append(groupId, records, mapGroupAppendError);
          if (werr !== ErrorCode.NONE) return werr;
          for (const tp of all) group.removeOffset(tp.topic, tp.partition);
          this.markDead(group);
          log.info({ groupId }, 'deleted group');
          return ErrorCode.NONE;
        });
        return { groupId, errorCode };
      }),
    );
  }

  // ---------------------------------------------------------------------------------------------------
  // Internals

  private validateGroupStatus(groupId: string | null, api: Api): number | null {
    if (api !== 'list' && (groupId === null || (groupId === '' && !EMPTY_ID_OK.has(api)))) return ErrorCode.INVALID_GROUP_ID;
    if (this.shuttingDown) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    // ListGroups (no group id) folds partition states into its own answer.
    if (groupId === null) return null;
    // Kafka's order: loading before ownership (a loading partition is owned).
    const owned = this.owned.get(this.partitionFor(groupId));
    if (!owned) return ErrorCode.NOT_COORDINATOR;
    if (owned.state === 'loading') return ErrorCode.COORDINATOR_LOAD_IN_PROGRESS;
    return null;
  }

  /** Runs `fn` after every earlier operation on the same group has finished (the group "lock"). */
  private run<T>(groupId: string, fn: () => T | Promise<T>): Promise<T> {
    const prev = this.queues.get(groupId) ?? Promise.resolve();
    const result = prev.then(fn);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(groupId, tail);
    void tail.then(() => {
      if (this.queues.get(groupId) === tail) this.queues.delete(groupId);
    });
    return result;
  }

  private async storeGroup(group: ClassicGroup, assignment: Map<string, Buffer>): Promise<number> {
    const protocol = group.protocolName;
    const value: GroupMetadataValue = {
      protocolType: group.protocolType ?? '',
      generation: group.generationId,
      protocol,
      leader: group.leaderId,
      currentStateTimestamp: group.currentStateTimestamp ?? -1,
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        rebalanceTimeout: m.rebalanceTimeoutMs,
        sessionTimeout: m.sessionTimeoutMs,
        subscription: protocol !== null ? m.metadata(protocol) : EMPTY_BYTES,
        assignment: assignment.get(m.memberId) ?? EMPTY_BYTES,
      })),
    };
    return this.append(group.groupId, [{ key: groupMetadataKey(group.groupId), value: groupMetadataValue(value) }], mapGroupAppendError);
  }

  /** Appends records for a group to its partition, in order with the group's earlier writes; returns an error code. */
  private append(groupId: string, records: { key: Buffer; value: Buffer | null }[], mapError: (code: number) => number): Promise<number> {
    const prev = this.writeChains.get(groupId) ?? Promise.resolve();
    const result = prev.then(async () => {
      const partition = this.partitionFor(groupId);
      if (this.owned.get(partition)?.state !== 'active') {
        // Resigned since the operation was validated: the write belongs to the new leader now, and a
        // late write here could land after that leader's replay.
        log.info({ groupId, partition }, 'not writing to a __consumer_offsets partition we no longer lead');
        return mapError(ErrorCode.NOT_LEADER_OR_FOLLOWER);
      }
      try {
        await this.ensureOffsetsTopic();
      } catch (err) {
        log.warn({ err, groupId }, 'offsets topic is not available');
        return ErrorCode.COORDINATOR_NOT_AVAILABLE;
      }
      try {
        const timestamp = this.clock.now();
        const batch = buildBatch({ baseOffset: 0, records: records.map((r) => ({ key: r.key, value: r.value, timestamp })) });
        await this.store.append(partition, batch);
        return ErrorCode.NONE;
      } catch (err) {
        const code = err instanceof KafkaError ? err.code : ErrorCode.UNKNOWN_SERVER_ERROR;
        log.warn({ err, groupId }, 'append to __consumer_offsets failed');
        return mapError(code);
      }
    });
    this.writeChains.set(groupId, result);
    void result.then(() => {
      if (this.writeChains.get(groupId) === result) this.writeChains.delete(groupId);
    });
    return result;
  }

  private clearGroupTimers(group: ClassicGroup): void {
    if (group.joinTimer) this.clock.clearTimeout(group.joinTimer);
    group.joinTimer = null;
    this.cancelSyncTimer(group);
    for (const t of group.pendingJoinMembers.values()) this.clock.clearTimeout(t);
    group.pendingJoinMembers.clear();
    for (const m of group.members.values()) this.cancelHeartbeat(m);
  }

  private scheduleRetentionCheck(): void {
    if (this.retentionTimer) this.clock.clearTimeout(this.retentionTimer);
    this.retentionTimer = this.clock.setTimeout(() => {
      this.retentionTimer = null;
      if (this.shuttingDown) return;
      void this.expireOffsets()
        .catch((err: unknown) => log.error({ err }, 'offset expiration failed'))
        .finally(() => {
          if (!this.shuttingDown && !this.retentionTimer) this.scheduleRetentionCheck();
        });
    }, this.retentionCheckMs);
  }

  /** Test/diagnostic view of a group's state (undefined when unknown). */
  groupState(groupId: string): GroupState | undefined {
    return this.groups.get(groupId)?.state;
  }
}

/** A member id (and instance id, when given) must name a current member; a stale id of an instance is fenced. */
function validateCurrentMember(group: ClassicGroup, memberId: string, groupInstanceId: string | null): number | null {
  if (groupInstanceId !== null) {
    const current = group.currentStaticMemberId(groupInstanceId);
    if (current === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (current !== memberId) {
      log.info({ groupId: group.groupId, memberId, groupInstanceId, current }, 'request from a fenced static member id');
      return ErrorCode.FENCED_INSTANCE_ID;
    }
  }
  return group.has(memberId) ? null : ErrorCode.UNKNOWN_MEMBER_ID;
}

function validateOffsetCommit(group: ClassicGroup, generationId: number, memberId: string, groupInstanceId: string | null): number | null {
  if (group.is('Dead')) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
  if (generationId >= 0 || memberId !== '' || groupInstanceId !== null) {
    const err = validateCurrentMember(group, memberId, groupInstanceId);
    if (err !== null) return err;
    return generationId !== group.generationId ? ErrorCode.ILLEGAL_GENERATION : null;
  }
  // Anonymous commits (no member, generation -1) are for groups nobody manages: only when Empty.
  return group.is('Empty') ? null : ErrorCode.UNKNOWN_MEMBER_ID;
}

function mapCommitAppendError(code: number): number {
  switch (code) {
    case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION:
    case ErrorCode.NOT_ENOUGH_REPLICAS:
    case ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND:
    case ErrorCode.REQUEST_TIMED_OUT:
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    case ErrorCode.NOT_LEADER_OR_FOLLOWER:
    case ErrorCode.KAFKA_STORAGE_ERROR:
      return ErrorCode.NOT_COORDINATOR;
    case ErrorCode.MESSAGE_TOO_LARGE:
    case ErrorCode.RECORD_LIST_TOO_LARGE:
    case ErrorCode.INVALID_FETCH_SIZE:
      return ErrorCode.INVALID_COMMIT_OFFSET_SIZE;
    default:
      return code;
  }
}

function mapGroupAppendError(code: number): number {
  switch (code) {
    case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION:
    case ErrorCode.NOT_ENOUGH_REPLICAS:
    case ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND:
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    case ErrorCode.NOT_LEADER_OR_FOLLOWER:
    case ErrorCode.KAFKA_STORAGE_ERROR:
      return ErrorCode.NOT_COORDINATOR;
    case ErrorCode.REQUEST_TIMED_OUT:
      return ErrorCode.REBALANCE_IN_PROGRESS;
    case ErrorCode.MESSAGE_TOO_LARGE:
    case ErrorCode.RECORD_LIST_TOO_LARGE:
    case ErrorCode.INVALID_FETCH_SIZE:
      return ErrorCode.UNKNOWN_SERVER_ERROR;
    default:
      return code;
  }
}

/** A group as its last GroupMetadataValue describes it: Stable with its members, or Empty. */
function groupFromValue(groupId: string, v: GroupMetadataValue): ClassicGroup {
  const g = new ClassicGroup(groupId, v.members.length === 0 ? 'Empty' : 'Stable');
  g.generationId = v.generation;
  g.protocolType = v.protocolType === '' ? null : v.protocolType;
  g.protocolName = v.protocol;
  g.currentStateTimestamp = v.currentStateTimestamp === -1 ? null : v.currentStateTimestamp;
  for (const m of v.members) {
    // The record bytes may be views into a reused read buffer: copy what we keep.
    const protocols = v.protocol !== null ? [{ name: v.protocol, metadata: Buffer.from(m.subscription) }] : [];
    const member = new MemberMetadata(m.memberId, m.groupInstanceId, m.clientId, m.clientHost,
      m.rebalanceTimeout === -1 ? m.sessionTimeout : m.rebalanceTimeout, m.sessionTimeout, v.protocolType, protocols);
    member.assignment = Buffer.from(m.assignment);
    g.add(member, null);
  }
  g.leaderId = v.leader;
  g.subscribedTopics = g.computeSubscribedTopics();
  return g;
}
