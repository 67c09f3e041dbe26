/**
 * Follower side of replication (Kafka's ReplicaFetcherManager / ReplicaFetcherThread): one fetch loop per
 * source broker, each with its own connection, so a slow leader only delays its own partitions and a
 * long-polling Fetch never queues behind other inter-broker traffic.
 *
 * A partition enters a fetcher in the `truncating` phase: OffsetForLeaderEpoch to the leader with the
 * follower's latest epoch decides how much of the local tail to drop (Kafka's leader-epoch based
 * truncation, KIP-101/279); a follower without any epoch history truncates to its high watermark. Then
 * it is `fetching`: Fetch v12 with replicaId = this broker, appending the leader's batches with their
 * offsets kept, following the leader's HW, and truncating again when the leader reports a diverging
 * epoch (KIP-595). A fenced epoch parks the partition (`fenced`) until the controller's next
 * LeaderAndIsr replaces it; other errors back off and retry.
 *
 * Everything that touches a log runs synchronously after a response arrives, and each response is
 * applied only if the partition's fetch state is still the one the request was built from: a
 * LeaderAndIsr that removed or re-added the partition meanwhile makes the response stale.
 *
 * Replication throttling (KIP-73, Kafka's shouldFollowerThrottle): while the follower quota
 * (`follower.replication.throttled.rate`) is exceeded, partitions listed for this broker in
 * `follower.replication.throttled.replicas` are left out of fetch requests unless they are caught up with
 * the leader's HW (lag 0 after the last fetch with data); with nothing left to fetch the fetcher sleeps
 * replica.fetch.backoff.ms, as Kafka's does. Bytes received for throttled partitions are recorded.
 */
import type { Logger } from 'pino';
import type { BrokerConfig } from '../config.js';
import { ErrorCode, errorName } from '../protocol/errors.js';
import type { FetchRequest, FetchResponse } from '../protocol/messages/01_fetch.js';
import type { ListOffsetsRequest, ListOffsetsResponse } from '../protocol/messages/02_list_offsets.js';
import type { OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse } from '../protocol/messages/23_offset_for_leader_epoch.js';
import { BASE_OFFSET_OFFSET, BATCH_LENGTH_OFFSET, LAST_OFFSET_DELTA_OFFSET, LOG_OVERHEAD, RECORD_BATCH_OVERHEAD, readInt64BE } from '../records/batch.js';
import { truncationOffset } from './isr.js';
import type { Partition } from './partition.js';
import type { ReplicaQuota } from './replication-quota.js';

const FETCH = 1;
const LIST_OFFSETS = 2;
const OFFSET_FOR_LEADER_EPOCH = 23;
/** Topic names (not ids), lastFetchedEpoch and divergingEpoch: all a follower needs. */
const FETCH_VERSION = 12;
const LIST_OFFSETS_VERSION = 5;
const OFFSET_FOR_LEADER_EPOCH_VERSION = 4;
const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';
const LATEST = -1;
const EARLIEST = -2;
/** First retry delay after an error; doubles up to replica.fetch.backoff.ms. */
const MIN_BACKOFF_MS = 50;

/** The part of NetworkClient a fetcher uses (tests may pass their own). */
export interface InterBrokerClient {
  send<Resp = unknown>(brokerId: number, apiKey: number, version: number, body: unknown, options?: { timeoutMs?: number }): Promise<Resp>;
  close(brokerId?: number): void;
}

/** What a fetcher needs from its ReplicaManager. */
export interface FetcherHost {
  readonly localBrokerId: number;
  readonly config: BrokerConfig;
  /** After a follower append or truncation: wake waiters, keep metrics current. */
  onFollowerProgress(p: Partition): void;
  /** KIP-73 follower-side quota; none = never throttled. */
  readonly followerQuota?: ReplicaQuota;
}

export type FetchPhase = 'truncating' | 'fetching' | 'fenced';

interface FetchState {
  readonly partition: Partition;
  /** The leader epoch this follower state was created for (sent as currentLeaderEpoch). */
  readonly leaderEpoch: number;
  phase: FetchPhase;
  /** No request for this partition before this time (backoff). */
  delayedUntil: number;
  failures: number;
  /**
   * Leader HW minus our log end after the last fetch that brought data (Kafka's PartitionFetchState.lag);
   * null until then. 0 = caught up ("in sync" for the follower throttle).
   */
  lag: number | null;
}

/** Splits a records buffer into its whole batches (a trailing partial batch is dropped, as Kafka does). */
export function wholeBatches(buf: Buffer): { base: number; last: number; start: number; end: number }[] {
  const out: { base: number; last: number; start: number; end: number }[] = [];
  let pos = 0;
  while (pos + RECORD_BATCH_OVERHEAD <= buf.length) {
    const size = buf.readInt32BE(pos + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD;
    if (size < RECORD_BATCH_OVERHEAD || pos + size > buf.length) break;
    const base = readInt64BE(buf, pos + BASE_OFFSET_OFFSET);
    out.push({ base, last: base + buf.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET), start: pos, end: pos + size });
    pos += size;
  }
  return out;
}

function asBuffer(records: Buffer | Buffer[] | null): Buffer | null {
  if (records === null) return null;
  return Array.isArray(records) ? Buffer.concat(records) : records;
}

export class ReplicaFetcher {
  private readonly states = new Map<string, FetchState>();
  private running = true;
  private wakeup: (() => void) | null = null;
  private readonly done: Promise<void>;

  constructor(
    readonly sourceBrokerId: number,
    private readonly client: InterBrokerClient,
    private readonly host: FetcherHost,
    private readonly log: Logger,
  ) {
    this.done = this.run();
  }

  get size(): number {
    return this.states.size;
  }

  has(key: string): boolean {
    return this.states.has(key);
  }

  phaseOf(key: string): FetchPhase | undefined {
    return this.states.get(key)?.phase;
  }

  /** Starts (or restarts) following these partitions from this fetcher's broker; truncation first. */
  addPartitions(partitions: Partition[]): void {
    for (const p of partitions) {
      this.states.set(p.key, { partition: p, leaderEpoch: p.leaderEpoch, phase: 'truncating', delayedUntil: 0, failures: 0, lag: null });
    }
    this.wake();
  }

  /** Stops following; a response in flight for them is discarded when it arrives. */
  removePartitions(keys: Iterable<string>): void {
    for (const k of keys) this.states.delete(k);
  }

  async shutdown(): Promise<void> {
    this.running = false;
    this.states.clear();
    this.wake();
    // In-flight requests reject at once, so the loop ends without waiting for a long poll.
    this.client.close();
    await this.done;
  }

  private wake(): void {
    const w = this.wakeup;
    this.wakeup = null;
    w?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wakeup = null;
        resolve();
      }, Math.max(1, ms));
      this.wakeup = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** The state if a response built from it may still be applied. */
  private current(key: string, s: FetchState, phase: FetchPhase): boolean {
    const p = s.partition;
    return this.running && this.states.get(key) === s && s.phase === phase && !p.isLeader && p.leaderEpoch === s.leaderEpoch && !p.log.isClosed;
  }

  private backOff(s: FetchState, reason: string, err?: unknown): void {
    s.failures++;
    const max = Math.max(MIN_BACKOFF_MS, this.host.config.replicaFetchBackoffMs);
    const delay = Math.min(max, MIN_BACKOFF_MS * 2 ** Math.min(s.failures - 1, 16));
    s.delayedUntil = Date.now() + delay;
    const fields = { partition: s.partition.key, leader: this.sourceBrokerId, delayMs: delay, err: err instanceof Error ? err.message : err };
    // The first failure of a run is worth a warning; repeats of the same outage would flood the log.
    if (s.failures === 1) this.log.warn(fields, `replica fetch: ${reason}; backing off`);
    else this.log.debug(fields, `replica fetch: ${reason}; backing off`);
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        const now = Date.now();
        const ready = [...this.states.values()].filter((s) => s.phase !== 'fenced' && s.delayedUntil <= now);
        const truncating = ready.filter((s) => s.phase === 'truncating');
        if (truncating.length > 0) {
          await this.truncatePhase(truncating);
          continue;
        }
        const fetching = ready.filter((s) => s.phase === 'fetching');
        if (fetching.length === 0) {
          let next = Infinity;
          for (const s of this.states.values()) if (s.phase !== 'fenced') next = Math.min(next, s.delayedUntil);
          await this.sleep(next === Infinity ? 1000 : next - now);
          continue;
        }
        const unthrottled = this.withoutThrottled(fetching);
        if (unthrottled.length === 0) {
          // Everything is held back by the follower quota (Kafka: an empty fetch waits fetchBackOffMs).
          await this.sleep(this.host.config.replicaFetchBackoffMs);
          continue;
        }
        await this.fetchPhase(unthrottled);
      } catch (err) {
        // A bug or an unexpected storage failure must not kill replication for every partition.
        this.log.error({ err, leader: this.sourceBrokerId }, 'replica fetcher iteration failed');
        if (this.running) await this.sleep(this.host.config.replicaFetchBackoffMs);
      }
    }
  }

  // ---------------------------------------------------------------------------------------- truncation

  private truncateTo(s: FetchState, offset: number, why: string): void {
    const log = s.partition.log;
    if (offset >= log.logEndOffset) {
      // Nothing to remove, but the log still drops an epoch that starts at its end (see Log.truncateTo).
      log.truncateTo(offset);
      return;
    }
    const target = Math.max(offset, 0);
    if (target < log.highWatermark) {
      this.log.warn({ partition: s.partition.key, offset: target, hw: log.highWatermark }, 'truncating below the high watermark');
    }
    this.log.info({ partition: s.partition.key, from: log.logEndOffset, to: target, why }, 'truncating follower log');
    log.truncateTo(target);
    this.host.onFollowerProgress(s.partition);
  }

  private async truncatePhase(list: FetchState[]): Promise<void> {
    const ask: { s: FetchState; epoch: number }[] = [];
    for (const s of list) {
      const log = s.partition.log;
      const epoch = log.leaderEpochCache.latestEpoch();
      if (epoch < 0) {
        // No epoch history to compare: only the HW is known to be committed.
        this.truncateTo(s, log.highWatermark, 'no leader epoch history');
        s.phase = 'fetching';
      } else {
        ask.push({ s, epoch });
      }
    }
    if (ask.length === 0) return;
    const byTopic = new Map<string, OffsetForLeaderEpochRequest['topics'][number]>();
    for (const { s, epoch } of ask) {
      let t = byTopic.get(s.partition.topic);
      if (!t) byTopic.set(s.partition.topic, (t = { topic: s.partition.topic, partitions: [] }));
      t.partitions.push({ partition: s.partition.index, currentLeaderEpoch: s.leaderEpoch, leaderEpoch: epoch });
    }
    const req: OffsetForLeaderEpochRequest = { replicaId: this.host.localBrokerId, topics: [...byTopic.values()] };
    let resp: OffsetForLeaderEpochResponse;
    try {
      resp = await this.client.send<OffsetForLeaderEpochResponse>(this.sourceBrokerId, OFFSET_FOR_LEADER_EPOCH, OFFSET_FOR_LEADER_EPOCH_VERSION, req, {
        timeoutMs: this.host.config.replicaSocketTimeoutMs,
      });
    } catch (err) {
      for (const { s } of ask) if (this.states.get(s.partition.key) === s) this.backOff(s, 'OffsetForLeaderEpoch failed', err);
      return;
    }
    const byKey = new Map(ask.map((a) => [a.s.partition.key, a]));
    const answered = new Set<string>();
    for (const t of resp.topics) {
      for (const r of t.partitions) {
        const key = `${t.topic}-${r.partition}`;
        const a = byKey.get(key);
        if (!a) continue;
        answered.add(key);
        const s = a.s;
        if (!this.current(key, s, 'truncating')) continue;
        if (r.errorCode === ErrorCode.NONE) {
          const log = s.partition.log;
          const decision = truncationOffset(
            { epoch: r.leaderEpoch, endOffset: r.endOffset },
            (e) => log.endOffsetForEpoch(e),
            log.logEndOffset,
            log.highWatermark,
          );
          this.truncateTo(s, decision.offset, `leader ${this.sourceBrokerId} ends epoch ${a.epoch} at ${r.endOffset} (epoch ${r.leaderEpoch})`);
          s.failures = 0;
          // Not completed: our own epoch at that point differs, so ask again with the now-latest one.
          if (decision.completed) s.phase = 'fetching';
        } else if (r.errorCode === ErrorCode.FENCED_LEADER_EPOCH) {
          this.fence(s, r.errorCode);
        } else {
          this.backOff(s, `OffsetForLeaderEpoch error ${errorName(r.errorCode)}`);
        }
      }
    }
    for (const { s } of ask) {
      if (!answered.has(s.partition.key) && this.current(s.partition.key, s, 'truncating')) this.backOff(s, 'no OffsetForLeaderEpoch answer');
    }
  }

  private fence(s: FetchState, code: number): void {
    s.phase = 'fenced';
    this.log.info({ partition: s.partition.key, leader: this.sourceBrokerId, leaderEpoch: s.leaderEpoch, error: errorName(code) },
      'replica fetch fenced; waiting for the next LeaderAndIsr');
  }

  // ---------------------------------------------------------------------------------------- fetching

  /**
   * Kafka's shouldFollowerThrottle, per partition: not caught up, listed as throttled, quota exceeded
   * ("to avoid ISR thrashing" a caught-up replica is never held back).
   */
  private withoutThrottled(list: FetchState[]): FetchState[] {
    const quota = this.host.followerQuota;
    if (!quota) return list;
    let exceeded: boolean | undefined;
    return list.filter((s) => {
      const p = s.partition;
      if ((s.lag !== null && s.lag <= 0) || !quota.isThrottled(p.topic, p.index)) return true;
      exceeded ??= quota.isQuotaExceeded();
      if (!exceeded) return true;
      quota.noteHeldBack?.(p.topic, p.index);
      return false;
    });
  }

  private async fetchPhase(list: FetchState[]): Promise<void> {
    const cfg = this.host.config;
    const sent = new Map<string, { s: FetchState; offset: number }>();
    const byTopic = new Map<string, FetchRequest['topics'][number]>();
    for (const s of list) {
      const p = s.partition;
      const log = p.log;
      let t = byTopic.get(p.topic);
      if (!t) byTopic.set(p.topic, (t = { topic: p.topic, topicId: p.topicId, partitions: [] }));
      t.partitions.push({
        partition: p.index,
        currentLeaderEpoch: s.leaderEpoch,
        fetchOffset: log.logEndOffset,
        lastFetchedEpoch: log.leaderEpochCache.latestEpoch(),
        logStartOffset: log.logStartOffset,
        partitionMaxBytes: cfg.replicaFetchMaxBytes,
        replicaDirectoryId: ZERO_UUID,
      });
      sent.set(p.key, { s, offset: log.logEndOffset });
    }
    const req: FetchRequest = {
      clusterId: null,
      replicaId: this.host.localBrokerId,
      replicaState: { replicaId: -1, replicaEpoch: -1 },
      maxWaitMs: cfg.replicaFetchWaitMaxMs,
      minBytes: cfg.replicaFetchMinBytes,
      maxBytes: cfg.replicaFetchResponseMaxBytes,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [...byTopic.values()],
      forgottenTopicsData: [],
      rackId: '',
    };
    let resp: FetchResponse;
    try {
      resp = await this.client.send<FetchResponse>(this.sourceBrokerId, FETCH, FETCH_VERSION, req, {
        timeoutMs: cfg.replicaFetchWaitMaxMs + cfg.replicaSocketTimeoutMs,
      });
    } catch (err) {
      for (const { s } of sent.values()) if (this.states.get(s.partition.key) === s) this.backOff(s, 'fetch failed', err);
      return;
    }
    if (resp.errorCode !== ErrorCode.NONE) {
      for (const { s } of sent.values()) if (this.states.get(s.partition.key) === s) this.backOff(s, `fetch error ${errorName(resp.errorCode)}`);
      return;
    }
    const outOfRange: FetchState[] = [];
    for (const t of resp.responses) {
      for (const pd of t.partitions) {
        const key = `${t.topic}-${pd.partitionIndex}`;
        const entry = sent.get(key);
        if (!entry) continue;
        const { s, offset } = entry;
        if (!this.current(key, s, 'fetching') || s.partition.log.logEndOffset !== offset) continue;
        try {
          switch (pd.errorCode) {
            case ErrorCode.NONE:
              this.applyFetchedData(s, pd);
              s.failures = 0;
              break;
            case ErrorCode.OFFSET_OUT_OF_RANGE:
              outOfRange.push(s);
              break;
            case ErrorCode.FENCED_LEADER_EPOCH:
              this.fence(s, pd.errorCode);
              break;
            default:
              // NOT_LEADER_OR_FOLLOWER / UNKNOWN_LEADER_EPOCH: the leader has not applied its own
              // LeaderAndIsr yet (or has moved on, and ours is on its way). Retry after a pause.
              this.backOff(s, `fetch error ${errorName(pd.errorCode)}`);
          }
        } catch (err) {
          this.log.error({ err, partition: key }, 'failed to apply fetched data');
          this.backOff(s, 'append failed', err);
        }
      }
    }
    for (const s of outOfRange) await this.handleOutOfRange(s);
  }

  private applyFetchedData(s: FetchState, pd: FetchResponse['responses'][number]['partitions'][number]): void {
    const p = s.partition;
    const log = p.log;
    if (pd.divergingEpoch.epoch >= 0) {
      const decision = truncationOffset(pd.divergingEpoch, (e) => log.endOffsetForEpoch(e), log.logEndOffset, log.highWatermark);
      this.truncateTo(s, decision.offset, `diverging epoch ${pd.divergingEpoch.epoch} ends at ${pd.divergingEpoch.endOffset}`);
      return;
    }
    const buf = asBuffer(pd.records);
    if (buf && buf.length > 0) {
      const quota = this.host.followerQuota;
      // Kafka records the fetched size of every throttled partition, caught up or not.
      if (quota?.isThrottled(p.topic, p.index)) quota.record(buf.length);
      const batches = wholeBatches(buf).filter((b) => b.last >= log.logEndOffset);
      if (batches.length > 0) {
        // A batch straddling our log end: the leader's batch boundaries differ from ours there, so our
        // partial copy goes and the leader's batch is taken whole.
        if (batches[0]!.base < log.logEndOffset) this.truncateTo(s, batches[0]!.base, 'batch boundary differs from the leader');
        const data = buf.subarray(batches[0]!.start, batches[batches.length - 1]!.end);
        log.append(data, { leaderEpoch: s.leaderEpoch, assignOffsets: false });
        s.lag = Math.max(0, pd.highWatermark - log.logEndOffset);
      }
    }
    // Follower HW: the leader's, but never beyond what we have.
    log.highWatermark = Math.min(pd.highWatermark, log.logEndOffset);
    if (pd.logStartOffset > log.logStartOffset) {
      const target = Math.min(pd.logStartOffset, log.highWatermark);
      if (target > log.logStartOffset) log.deleteRecordsBefore(target);
    }
    this.host.onFollowerProgress(p);
  }

  /**
   * Kafka's fetchOffsetAndTruncate: a leader whose log ends below ours (unclean election) makes us
   * truncate to its end; a leader whose log starts above our end (retention ran while we were away)
   * makes us start over at its log start.
   */
  private async handleOutOfRange(s: FetchState): Promise<void> {
    const key = s.partition.key;
    try {
      const leaderEnd = await this.listOffset(s, LATEST);
      if (!this.current(key, s, 'fetching')) return;
      const log = s.partition.log;
      if (leaderEnd < log.logEndOffset) {
        this.truncateTo(s, leaderEnd, `leader log ends at ${leaderEnd}`);
        return;
      }
      const leaderStart = await this.listOffset(s, EARLIEST);
      if (!this.current(key, s, 'fetching')) return;
      if (leaderStart > log.logEndOffset) {
        this.log.warn({ partition: key, leo: log.logEndOffset, leaderStart }, 'follower is behind the leader log start; restarting the log there');
        log.truncateFullyAndStartAt(leaderStart);
        this.host.onFollowerProgress(s.partition);
      }
    } catch (err) {
      if (this.states.get(key) === s) this.backOff(s, 'offset out of range and the leader offsets are unavailable', err);
    }
  }

  private async listOffset(s: FetchState, timestamp: number): Promise<number> {
    const p = s.partition;
    const req: ListOffsetsRequest = {
      replicaId: this.host.localBrokerId,
      isolationLevel: 0,
      topics: [{ name: p.topic, partitions: [{ partitionIndex: p.index, currentLeaderEpoch: s.leaderEpoch, timestamp, maxNumOffsets: 1 }] }],
      timeoutMs: this.host.config.replicaSocketTimeoutMs,
    };
    const resp = await this.client.send<ListOffsetsResponse>(this.sourceBrokerId, LIST_OFFSETS, LIST_OFFSETS_VERSION, req, {
      timeoutMs: this.host.config.replicaSocketTimeoutMs,
    });
    const r = resp.topics.find((t) => t.name === p.topic)?.partitions.find((x) => x.partitionIndex === p.index);
    if (!r) throw new Error('ListOffsets response without the partition');
    if (r.errorCode !== ErrorCode.NONE) throw new Error(`ListOffsets error ${errorName(r.errorCode)}`);
    return r.offset;
  }
}

/** All fetchers of a broker, one per source broker (num.replica.fetchers is taken as 1). */
export class ReplicaFetcherManager {
  private readonly fetchers = new Map<number, ReplicaFetcher>();
  private closed = false;

  constructor(
    private readonly host: FetcherHost,
    private readonly clientFactory: (clientId: string) => InterBrokerClient,
    private readonly log: Logger,
  ) {}

  /** Follows each partition from its current leader (partition.leaderId), replacing any earlier fetch. */
  addFetcherForPartitions(partitions: Partition[]): void {
    if (this.closed) return;
    this.removeFetcherForPartitions(partitions.map((p) => p.key));
    const byLeader = new Map<number, Partition[]>();
    for (const p of partitions) {
      if (p.leaderId < 0) continue;
      let list = byLeader.get(p.leaderId);
      if (!list) byLeader.set(p.leaderId, (list = []));
      list.push(p);
    }
    for (const [leader, list] of byLeader) {
      let f = this.fetchers.get(leader);
      if (!f) {
        const clientId = `broker-${this.host.localBrokerId}-fetcher-0`;
        f = new ReplicaFetcher(leader, this.clientFactory(clientId), this.host, this.log.child({ leader }));
        this.fetchers.set(leader, f);
        this.log.info({ leader }, 'started replica fetcher');
      }
      f.addPartitions(list);
      this.log.info({ leader, partitions: list.map((p) => `${p.key}@${p.leaderEpoch}`) }, 'added partitions to fetcher');
    }
  }

  removeFetcherForPartitions(keys: string[]): void {
    if (keys.length === 0) return;
    for (const f of this.fetchers.values()) f.removePartitions(keys);
  }

  /** Fetchers left without partitions are stopped (Kafka's shutdownIdleFetcherThreads). */
  shutdownIdleFetchers(): void {
    for (const [id, f] of this.fetchers) {
      if (f.size > 0) continue;
      this.fetchers.delete(id);
      void f.shutdown();
      this.log.info({ leader: id }, 'stopped idle replica fetcher');
    }
  }

  /** Which fetcher follows the partition and in which phase (tests, diagnostics). */
  fetchStateOf(key: string): { leader: number; phase: FetchPhase } | undefined {
    for (const [leader, f] of this.fetchers) {
      const phase = f.phaseOf(key);
      if (phase) return { leader, phase };
    }
    return undefined;
  }

  async shutdown(): Promise<void> {
    this.closed = true;
    const all = [...this.fetchers.values()];
    this.fetchers.clear();
    await Promise.all(all.map((f) => f.shutdown()));
  }
}
