/**
 * Replication throttling (KIP-73), as Kafka's ReplicationQuotaManager: one manager for the leader side
 * (bytes this broker serves to followers) and one for the follower side (bytes this broker's fetchers
 * receive). Each measures a byte rate over a sliding window of samples (Kafka's SampledStat + SimpleRate,
 * `replication.quota.window.num` samples of `replication.quota.window.size.seconds`), compares it with
 * the live bound (`leader.replication.throttled.rate` / `follower.replication.throttled.rate`, read from
 * BrokerConfig on every check, so dynamic broker config changes apply at once), and knows which
 * partitions are throttled on this broker from the topic configs `leader.replication.throttled.replicas` /
 * `follower.replication.throttled.replicas` (entries `partition:broker` naming this broker, or `*`).
 *
 * Who decides what (callers, as Kafka): the leader returns no records for a throttled partition while its
 * quota is exceeded, unless the fetching follower is in the ISR, and records the bytes served for all
 * throttled partitions (in-sync followers included); the follower leaves throttled partitions out of its
 * fetch requests while its quota is exceeded, unless the replica is caught up with the leader's HW, and
 * records the bytes it receives for throttled partitions.
 */
import { throttledPartitionsOn } from '../config.js';

/** What fetch paths need from a quota (tests may pass their own). */
export interface ReplicaQuota {
  isThrottled(topic: string, partition: number): boolean;
  isQuotaExceeded(): boolean;
  record(bytes: number): void;
  /** Diagnostics: a partition's data was held back this round. */
  noteHeldBack?(topic: string, partition: number): void;
}

interface Sample {
  /** Start of the sample's window (Kafka's lastWindowMs). */
  start: number;
  value: number;
  events: number;
}

/**
 * A byte rate over `numSamples` windows of `windowMs` (Kafka's SampledStat with SimpleRate): samples are
 * created lazily as values are recorded, a sample older than numSamples × windowMs is reset, and the rate
 * is the sum of the live samples divided by the time since the oldest sample began (at least one window).
 */
export class SampledRate {
  private readonly samples: Sample[] = [];
  private current = 0;

  constructor(
    readonly numSamples: number,
    readonly windowMs: number,
  ) {
    if (numSamples < 1 || windowMs < 1) throw new Error('a sampled rate needs at least one sample of at least 1 ms');
  }

  record(value: number, nowMs: number): void {
    let s = this.currentSample(nowMs);
    if (nowMs - s.start >= this.windowMs) {
      // The new window starts on the grid of the previous one (Kafka 3.x), so idle gaps are skipped whole.
      const prevEnd = s.start + this.windowMs;
      s = this.advance(nowMs - ((nowMs - prevEnd) % this.windowMs));
    }
    s.value += value;
    s.events++;
  }

  /** Units per second at nowMs. */
  measure(nowMs: number): number {
    this.purgeObsolete(nowMs);
    let total = 0;
    for (const s of this.samples) total += s.value;
    // SimpleRate.windowSize: elapsed since the oldest sample started, never less than one window.
    const elapsed = nowMs - this.oldest(nowMs).start;
    return total / (Math.max(elapsed, this.windowMs) / 1000);
  }

  /** Sum over the live samples (diagnostics, tests). */
  total(nowMs: number): number {
    this.purgeObsolete(nowMs);
    let total = 0;
    for (const s of this.samples) total += s.value;
    return total;
  }

  private currentSample(nowMs: number): Sample {
    if (this.samples.length === 0) this.samples.push({ start: nowMs, value: 0, events: 0 });
    return this.samples[this.current]!;
  }

  private advance(start: number): Sample {
    this.current = (this.current + 1) % this.numSamples;
    if (this.current >= this.samples.length) {
      const s = { start, value: 0, events: 0 };
      this.samples.push(s);
      return s;
    }
    const s = this.samples[this.current]!;
    s.start = start;
    s.value = 0;
    s.events = 0;
    return s;
  }

  private oldest(nowMs: number): Sample {
    if (this.samples.length === 0) this.samples.push({ start: nowMs, value: 0, events: 0 });
    let oldest = this.samples[0]!;
    for (const s of this.samples) if (s.start < oldest.start) oldest = s;
    return oldest;
  }

  private purgeObsolete(nowMs: number): void {
    const expireAge = this.numSamples * this.windowMs;
    for (const s of this.samples) {
      if (nowMs - s.start >= expireAge) {
        s.start = nowMs;
        s.value = 0;
        s.events = 0;
      }
    }
  }
}

export type ReplicationType = 'leader' | 'follower';

export interface ReplicationQuotaOptions {
  type: ReplicationType;
  /** This broker: `partition:broker` entries naming another broker are not ours to throttle. */
  brokerId: number;
  /** replication.quota.window.num (Kafka: 11). */
  numSamples: number;
  /** replication.quota.window.size.seconds (Kafka: 1). */
  windowSizeSeconds: number;
  /** The bound in bytes/s, read on every check (dynamic config). */
  bound: () => number;
  /** The raw `*.replication.throttled.replicas` value of a topic (undefined: unset or unknown topic). */
  throttledReplicas: (topic: string) => string | undefined;
  now?: () => number;
}

/** Kafka's ReplicationQuotaManager (one per side). */
export class ReplicationQuotaManager implements ReplicaQuota {
  readonly type: ReplicationType;
  private readonly rate: SampledRate;
  private readonly opts: ReplicationQuotaOptions;
  private readonly now: () => number;
  /** Parsed throttled partitions per topic; dropped when the topic's config changes (invalidate). */
  private readonly throttled = new Map<string, '*' | Set<number>>();
  /** Rounds in which a partition's data was held back (diagnostics, tests), by `topic-partition`. */
  private readonly heldBack = new Map<string, number>();

  constructor(opts: ReplicationQuotaOptions) {
    this.opts = opts;
    this.type = opts.type;
    this.now = opts.now ?? Date.now;
    this.rate = new SampledRate(opts.numSamples, opts.windowSizeSeconds * 1000);
  }

  /** The current bound, bytes/s (MAX_SAFE_INTEGER: unthrottled). */
  upperBound(): number {
    return this.opts.bound();
  }

  /** Whether the partition's replica on this broker is listed for this side (Kafka's isThrottled). */
  isThrottled(topic: string, partition: number): boolean {
    let parts = this.throttled.get(topic);
    if (parts === undefined) {
      parts = throttledPartitionsOn(this.opts.throttledReplicas(topic), this.opts.brokerId);
      this.throttled.set(topic, parts);
    }
    return parts === '*' || parts.has(partition);
  }

  /** Forgets the parsed list of a topic (all topics without an argument) after a config change or deletion. */
  invalidate(topic?: string, deleted = false): void {
    if (topic === undefined) {
      this.throttled.clear();
      return;
    }
    this.throttled.delete(topic);
    if (deleted) for (const key of [...this.heldBack.keys()]) if (key.slice(0, key.lastIndexOf('-')) === topic) this.heldBack.delete(key);
  }

  /** The measured rate is above the bound (Kafka's sensor.checkQuotas failing). */
  isQuotaExceeded(nowMs = this.now()): boolean {
    return this.rate.measure(nowMs) > this.opts.bound();
  }

  /** Bytes replicated for throttled partitions (recorded whatever the quota says, as Kafka). */
  record(bytes: number, nowMs = this.now()): void {
    this.rate.record(bytes, nowMs);
  }

  /** The measured rate, bytes/s (Kafka's `byte-rate` metric of the LeaderReplication/FollowerReplication sensor). */
  byteRate(nowMs = this.now()): number {
    return this.rate.measure(nowMs);
  }

  /** Bytes recorded within the current window of samples (diagnostics, tests). */
  recordedBytes(nowMs = this.now()): number {
    return this.rate.total(nowMs);
  }

  /** Notes that a partition's data was held back this round (diagnostics). */
  noteHeldBack(topic: string, partition: number): void {
    const key = `${topic}-${partition}`;
    this.heldBack.set(key, (this.heldBack.get(key) ?? 0) + 1);
  }

  /** How many rounds a partition's data was held back by this quota since startup. */
  heldBackRounds(topic: string, partition: number): number {
    return this.heldBack.get(`${topic}-${partition}`) ?? 0;
  }
}
