// PartitionLog: one `<logDir>/<topic>-<partition>/` directory of segments, with recovery, append, read,
// offset/timestamp lookups, truncation and retention primitives. Everything is synchronous: appends land
// in the page cache in request order on the one event loop; only post-roll fsyncs run in the background.
import fs from 'node:fs';
import path from 'node:path';
import {
  type BatchHeader,
  BASE_OFFSET_OFFSET,
  BATCH_LENGTH_OFFSET,
  LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD,
  RECORD_BATCH_OVERHEAD,
  TimestampType,
  lastOffsetOf,
  readInt64BE,
  setBaseOffset,
  setLogAppendTime,
  setPartitionLeaderEpoch,
  validateBatches,
} from '../records/batch.js';
import { readRecords } from '../records/record.js';
import { ErrorCode, KafkaError } from '../protocol/errors.js';
import { childLogger } from '../log.js';
import type { LogConfig } from './log-config.js';
import { LeaderEpochCache } from './leader-epoch-cache.js';
import { type AppendOrigin, ProducerStateManager } from './producer-state.js';
import { writeFileAtomic } from './checkpoint.js';
import {
  CLEANED_SUFFIX,
  DELETED_SUFFIX,
  INDEX_SUFFIX,
  LOG_SUFFIX,
  LogSegment,
  SWAP_SUFFIX,
  TIME_INDEX_SUFFIX,
  type SegmentOptions,
  segmentFile,
} from './segment.js';

const log = childLogger('log');

/** ListOffsets special timestamps. */
export const LATEST_TIMESTAMP = -1;
export const EARLIEST_TIMESTAMP = -2;
export const MAX_TIMESTAMP = -3;

export interface AppendOptions {
  leaderEpoch: number;
  /** Leader appends rewrite base offsets to the log end; replica appends keep the leader's offsets. */
  assignOffsets: boolean;
  now?: number;
  /** Defaults to 'client' when assignOffsets, else 'replication'. */
  origin?: AppendOrigin;
}

export interface AppendInfo {
  firstOffset: number;
  lastOffset: number;
  /** The append time for LogAppendTime topics, -1 for CreateTime. */
  logAppendTime: number;
  maxTimestamp: number;
  offsetOfMaxTimestamp: number;
  logStartOffset: number;
  recordCount: number;
  batchCount: number;
  validBytes: number;
  /** A retried idempotent batch: nothing was appended, the offsets are those of the original. */
  duplicate: boolean;
}

export interface ReadOptions {
  /** Exclusive upper bound: batches starting at or after it are not returned (e.g. the high watermark). */
  maxOffset?: number;
  /** Return the first batch even when it is larger than maxBytes (Kafka's minOneMessage). */
  minOneMessage: boolean;
}

export interface ReadResult {
  /** Whole batches as stored, in order; one buffer per contiguous file range. */
  records: Buffer[];
  sizeInBytes: number;
  /** Base offset of the first batch returned (may be below fetchOffset), or fetchOffset when empty. */
  firstOffset: number;
  /** Last offset returned + 1, or fetchOffset when empty. */
  nextOffset: number;
  logStartOffset: number;
  logEndOffset: number;
  highWatermark: number;
}

export interface OpenOptions {
  /** Offset below which data is known flushed: segments from its segment on are fully recovered. */
  recoveryPoint?: number;
  logStartOffset?: number;
  highWatermark?: number;
  now?: number;
}

export interface TimestampAndOffset {
  timestamp: number;
  offset: number;
}

/** `<topic>-<partition>` directory name. */
export function partitionDirName(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

/** Parses `<topic>-<partition>`; null for anything else (including `-delete`/`-future` dirs). */
export function parsePartitionDirName(name: string): { topic: string; partition: number } | null {
  const i = name.lastIndexOf('-');
  if (i <= 0) return null;
  const p = name.slice(i + 1);
  if (!/^\d+$/.test(p)) return null;
  return { topic: name.slice(0, i), partition: Number(p) };
}

const READ_CACHE_MAX = 1024;
export const PARTITION_METADATA_FILE = 'partition.metadata';

export class PartitionLog {
  readonly dir: string;
  private segments: LogSegment[] = [];
  private _logStartOffset = 0;
  private _highWatermark = 0;
  private nextOffset = 0;
  /** All data below this offset is fsynced. */
  recoveryPoint = 0;
  readonly leaderEpochCache: LeaderEpochCache;
  readonly producerState: ProducerStateManager;
  private unflushedMessages = 0;
  lastFlushTime: number;
  /** Next offset → (segment, position) after recent reads: sequential fetches skip the index lookup. */
  private readCache = new Map<number, { seg: LogSegment; pos: number; gen: number }>();
  /** Bumped whenever segments are removed, truncated or replaced: invalidates readCache entries. */
  private generation = 0;
  private flushChain: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(
    readonly topic: string,
    readonly partition: number,
    dir: string,
    public config: LogConfig,
    now: number,
  ) {
    this.dir = dir;
    this.leaderEpochCache = new LeaderEpochCache(dir);
    this.producerState = new ProducerStateManager(dir);
    this.lastFlushTime = now;
  }

  private get segmentOptions(): SegmentOptions {
    return { indexIntervalBytes: this.config.indexIntervalBytes, maxIndexBytes: this.config.segmentIndexBytes };
  }

  // ------------------------------------------------------------------ open / recovery

  /** Opens (creating if needed) `<dir>/<topic>-<partition>` and recovers it. */
  static open(dir: string, topic: string, partition: number, config: LogConfig, opts: OpenOptions = {}): PartitionLog {
    const now = opts.now ?? Date.now();
    const partDir = path.join(dir, partitionDirName(topic, partition));
    fs.mkdirSync(partDir, { recursive: true });
    const plog = new PartitionLog(topic, partition, partDir, config, now);
    plog.load(opts, now);
    return plog;
  }

  private load(opts: OpenOptions, now: number): void {
    this.completeSwapsAndCleanUp();
    const bases = fs
      .readdirSync(this.dir)
      .filter((n) => /^\d{20}\.log$/.test(n))
      .map((n) => Number(n.slice(0, 20)))
      .sort((a, b) => a - b);
    const recoveryPoint = opts.recoveryPoint ?? 0;
    const rebuildEpochs = this.leaderEpochCache.isEmpty;
    let recoveredAny = false;
    for (let i = 0; i < bases.length; i++) {
      const base = bases[i];
      const isLast = i === bases.length - 1;
      const indexesPresent =
        fs.existsSync(segmentFile(this.dir, base, INDEX_SUFFIX)) && fs.existsSync(segmentFile(this.dir, base, TIME_INDEX_SUFFIX));
      const { segment, clean } = LogSegment.open(this.dir, base, this.segmentOptions, now, isLast);
      // Kafka recovers the segments holding data at or above the recovery point (everything after a crash
      // without checkpoint); a clean shutdown checkpoints the log end, so nothing is re-read then.
      const needsRecovery = segment.nextOffset > recoveryPoint || !clean || (!indexesPresent && segment.size > 0);
      this.segments.push(segment);
      if (!needsRecovery) {
        if (!isLast) segment.onBecomeInactive();
        continue;
      }
      recoveredAny = true;
      const res = segment.recover(0x7fffffff, (h) => {
        if (rebuildEpochs && h.partitionLeaderEpoch >= 0) this.leaderEpochCache.assign(h.partitionLeaderEpoch, h.baseOffset, false);
      });
      if (res.truncatedBytes > 0) {
        log.warn({ topic: this.topic, partition: this.partition, segment: base, truncatedBytes: res.truncatedBytes },
          'truncated invalid bytes at the end of a segment during recovery');
        // Everything after corruption is untrustworthy: Kafka deletes the following segments.
        for (const later of bases.slice(i + 1)) {
          const { segment: s } = LogSegment.open(this.dir, later, this.segmentOptions, now, false);
          s.deleteFiles();
        }
        break;
      }
      // Recovery rewrote indexes and maybe truncated: make that durable before the recovery point moves.
      segment.flush();
      if (!isLast) segment.onBecomeInactive();
    }
    // Empty segments in the middle carry nothing; an empty last one is kept as the active segment.
    if (this.segments.length === 0) {
      const start = Math.max(0, opts.logStartOffset ?? 0);
      this.segments.push(LogSegment.create(this.dir, start, this.segmentOptions, now));
    }
    const active = this.activeSegment;
    active.offsetIndex.loadIntoMemory();
    active.timeIndex.loadIntoMemory();
    this.nextOffset = active.nextOffset;
    this._logStartOffset = Math.min(Math.max(opts.logStartOffset ?? 0, this.segments[0].baseOffset), this.nextOffset);
    this.recoveryPoint = Math.min(recoveryPoint, this.nextOffset);
    if (recoveredAny) this.recoveryPoint = this.nextOffset; // recovered data is what is on disk now
    this.leaderEpochCache.truncateFromEnd(this.nextOffset, false);
    this.leaderEpochCache.truncateFromStart(this._logStartOffset, false);
    this.leaderEpochCache.flush();
    this.rebuildProducerState();
    this._highWatermark = Math.min(Math.max(opts.highWatermark ?? this._logStartOffset, this._logStartOffset), this.nextOffset);
  }

  /**
   * Crash leftovers of compaction and deletion (Kafka's scheme): `.cleaned` files were never committed and
   * are deleted; a `.log.swap` is a committed replacement: segments it covers are deleted and the swap files
   * renamed into place; `.deleted` files are deleted.
   */
  private completeSwapsAndCleanUp(): void {
    const names = fs.readdirSync(this.dir);
    for (const n of names) {
      if (n.endsWith(CLEANED_SUFFIX) || n.endsWith(DELETED_SUFFIX) || n.endsWith('.tmp')) {
        fs.rmSync(path.join(this.dir, n), { force: true });
      }
    }
    const swaps = names.filter((n) => /^\d{20}\.log\.swap$/.test(n)).map((n) => Number(n.slice(0, 20))).sort((a, b) => a - b);
    for (const n of names) {
      // Index swaps without their log swap were not committed.
      if (/^\d{20}\.(index|timeindex)\.swap$/.test(n) && !swaps.includes(Number(n.slice(0, 20)))) {
        fs.rmSync(path.join(this.dir, n), { force: true });
      }
    }
    for (const base of swaps) {
      const swapLog = segmentFile(this.dir, base, LOG_SUFFIX + SWAP_SUFFIX);
      // The range the swap replaces: up to its last offset (header walk; it was fully written before the rename).
      const tmp = LogSegment.openForSwap(this.dir, base, this.segmentOptions, swapLog);
      const end = tmp.nextOffsetByWalk();
      tmp.close();
      const existing = fs.readdirSync(this.dir).filter((n) => /^\d{20}\.log$/.test(n)).map((n) => Number(n.slice(0, 20)));
      for (const b of existing) {
        if (b >= base && (b < end || b === base)) {
          for (const suffix of [LOG_SUFFIX, INDEX_SUFFIX, TIME_INDEX_SUFFIX]) fs.rmSync(segmentFile(this.dir, b, suffix), { force: true });
        }
      }
      for (const suffix of [LOG_SUFFIX, INDEX_SUFFIX, TIME_INDEX_SUFFIX]) {
        const from = segmentFile(this.dir, base, suffix + SWAP_SUFFIX);
        if (fs.existsSync(from)) fs.renameSync(from, segmentFile(this.dir, base, suffix));
        // A missing index is rebuilt by recovery (the .log without its indexes forces it).
      }
      log.info({ topic: this.topic, partition: this.partition, base }, 'completed an interrupted segment swap');
    }
  }

  /**
   * Producer state: the newest snapshot at or below the log end, then a replay of batch headers after it.
   * Without a snapshot only the last two segments are replayed (as Kafka does for a log without snapshots).
   */
  private rebuildProducerState(): void {
    const ps = this.producerState;
    ps.deleteSnapshotsAfter(this.nextOffset);
    let from = -1;
    for (const o of ps.listSnapshots().reverse()) {
      if (o >= this._logStartOffset && ps.loadSnapshot(o)) {
        from = o;
        break;
      }
    }
    if (from < 0) {
      ps.clear();
      const n = this.segments.length;
      from = Math.max(this._logStartOffset, this.segments[Math.max(0, n - 2)].baseOffset);
    }
    this.replayHeaders(from, (h) => ps.update(h));
  }

  /** Walks batch headers of all batches with lastOffset >= from. */
  private replayHeaders(from: number, cb: (h: BatchHeader) => void): void {
    for (const seg of this.segments) {
      if (seg.nextOffset <= from || seg.isEmpty) continue;
      const start = seg.baseOffset >= from ? 0 : seg.offsetIndex.lookup(from).position;
      seg.walk(start, (h) => {
        if (lastOffsetOf(h) >= from) cb(h);
        return false;
      });
    }
  }

  // ------------------------------------------------------------------ accessors

  get topicPartition(): string {
    return partitionDirName(this.topic, this.partition);
  }

  get logStartOffset(): number {
    return this._logStartOffset;
  }

  get logEndOffset(): number {
    return this.nextOffset;
  }

  get highWatermark(): number {
    return this._highWatermark;
  }

  /** Set by the partition's owner (leader: ISR progress; follower: leader's HW); clamped to [logStart, LEO]. */
  set highWatermark(hw: number) {
    this._highWatermark = Math.min(Math.max(hw, this._logStartOffset), this.nextOffset);
  }

  get sizeInBytes(): number {
    let s = 0;
    for (const seg of this.segments) s += seg.size;
    return s;
  }

  get numberOfSegments(): number {
    return this.segments.length;
  }

  get activeSegment(): LogSegment {
    return this.segments[this.segments.length - 1];
  }

  /** The segments, oldest first (a copy; for the log manager and the cleaner). */
  segmentList(): LogSegment[] {
    return this.segments.slice();
  }

  // ------------------------------------------------------------------ append

  /**
   * Appends a records buffer (one or more whole batches, e.g. a produce request's slice). Validates batch
   * headers and CRCs, checks idempotent producer state, assigns offsets in place (baseOffset and
   * partitionLeaderEpoch are outside the CRC; LogAppendTime topics also get maxTimestamp and a re-CRC),
   * and writes the buffer to the active segment with one write. `records` is modified.
   */
  append(records: Buffer, opts: AppendOptions): AppendInfo {
    this.ensureOpen();
    const now = opts.now ?? Date.now();
    const origin: AppendOrigin = opts.origin ?? (opts.assignOffsets ? 'client' : 'replication');
    if (records.length === 0 && origin === 'replication') {
      return this.emptyAppendInfo();
    }
    const headers = validateBatches(records, origin === 'replication' ? 0x7fffffff : this.config.maxMessageBytes, origin === 'client');
    if (origin === 'client' && this.config.cleanupPolicy.compact) this.checkKeysForCompaction(records, headers);
    const duplicate = this.producerState.check(headers, origin);
    if (duplicate) {
      return {
        firstOffset: duplicate.firstOffset,
        lastOffset: duplicate.lastOffset,
        logAppendTime: this.config.messageTimestampType === 'LogAppendTime' ? duplicate.timestamp : -1,
        maxTimestamp: duplicate.timestamp,
        offsetOfMaxTimestamp: duplicate.lastOffset,
        logStartOffset: this._logStartOffset,
        recordCount: 0,
        batchCount: 0,
        validBytes: 0,
        duplicate: true,
      };
    }
    const logAppendTime = this.config.messageTimestampType === 'LogAppendTime' && opts.assignOffsets;
    let recordCount = 0;
    let maxTimestamp = -1;
    let offsetOfMaxTimestamp = -1;
    if (opts.assignOffsets) {
      let offset = this.nextOffset;
      for (const h of headers) {
        setBaseOffset(records, h.position, offset);
        setPartitionLeaderEpoch(records, h.position, opts.leaderEpoch);
        h.baseOffset = offset;
        h.partitionLeaderEpoch = opts.leaderEpoch;
        if (logAppendTime) {
          setLogAppendTime(records, h.position, now);
          h.maxTimestamp = now;
          h.timestampType = TimestampType.LogAppendTime;
        }
        offset += h.lastOffsetDelta + 1;
      }
    } else {
      let expected = this.nextOffset;
      for (const h of headers) {
        if (h.baseOffset < expected) {
          throw new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR,
            `Unexpected append offset ${h.baseOffset} in ${this.topicPartition}: expected at least ${expected}`);
        }
        expected = lastOffsetOf(h) + 1;
      }
    }
    for (const h of headers) {
      recordCount += h.recordCount;
      if (h.maxTimestamp > maxTimestamp) {
        maxTimestamp = h.maxTimestamp;
        offsetOfMaxTimestamp = lastOffsetOf(h);
      }
    }
    const firstOffset = headers[0].baseOffset;
    const lastOffset = lastOffsetOf(headers[headers.length - 1]);
    const segment = this.maybeRoll(records.length, maxTimestamp, firstOffset, lastOffset, now);
    segment.append(records, headers);
    this.nextOffset = lastOffset + 1;
    for (const h of headers) {
      this.producerState.update(h);
      if (h.partitionLeaderEpoch > this.leaderEpochCache.latestEpoch()) {
        this.leaderEpochCache.assign(h.partitionLeaderEpoch, h.baseOffset);
      }
    }
    this.unflushedMessages += recordCount;
    if (this.unflushedMessages >= this.config.flushMessages) this.flush();
    return {
      firstOffset,
      lastOffset,
      logAppendTime: logAppendTime ? now : -1,
      maxTimestamp,
      offsetOfMaxTimestamp,
      logStartOffset: this._logStartOffset,
      recordCount,
      batchCount: headers.length,
      validBytes: records.length,
      duplicate: false,
    };
  }

  /**
   * Kafka's LogValidator rejects keyless records on compacted topics. This is the one per-record check on
   * the produce path, and it only runs for compacted topics (internal ones mostly).
   */
  private checkKeysForCompaction(records: Buffer, headers: BatchHeader[]): void {
    for (const h of headers) {
      for (const r of readRecords(records.subarray(h.position, h.position + h.size))) {
        if (r.key === null) {
          throw new KafkaError(ErrorCode.INVALID_RECORD, `Compacted topic cannot accept message without key in ${this.topicPartition}`);
        }
      }
    }
  }

  /** Kafka's `partition.metadata` file (topic id), written by the owner once the topic id is known. */
  writePartitionMetadata(topicId: string): void {
    writeFileAtomic(path.join(this.dir, PARTITION_METADATA_FILE), `version: 0\ntopic_id: ${topicId}\n`);
  }

  /** The topic id recorded in `partition.metadata`, if any. */
  readPartitionMetadata(): string | null {
    try {
      const m = /topic_id:\s*(\S+)/.exec(fs.readFileSync(path.join(this.dir, PARTITION_METADATA_FILE), 'utf8'));
      return m ? m[1] : null;
    } catch {
      return null;
    }
  }

  private emptyAppendInfo(): AppendInfo {
    return {
      firstOffset: -1, lastOffset: -1, logAppendTime: -1, maxTimestamp: -1, offsetOfMaxTimestamp: -1,
      logStartOffset: this._logStartOffset, recordCount: 0, batchCount: 0, validBytes: 0, duplicate: false,
    };
  }

  /** Kafka's maybeRoll: size, segment.ms (by record timestamps), full indexes, relative offset overflow. */
  private maybeRoll(messagesSize: number, maxTimestampInMessages: number, firstOffset: number, maxOffset: number, now: number): LogSegment {
    const seg = this.activeSegment;
    if (seg.isEmpty) {
      // An empty active segment is reused unless the offsets cannot be relative to it (replica gap).
      if (!seg.canConvertToRelativeOffset(maxOffset) || firstOffset < seg.baseOffset) {
        this.replaceEmptyActive(firstOffset, now);
      }
      return this.activeSegment;
    }
    const rolling = seg.rollingBasedTimestamp;
    const waited = rolling !== null && rolling >= 0 ? maxTimestampInMessages - rolling : now - seg.created;
    if (
      seg.size > this.config.segmentBytes - messagesSize ||
      waited > this.config.segmentMs ||
      seg.offsetIndex.isFull ||
      seg.timeIndex.isFull ||
      !seg.canConvertToRelativeOffset(maxOffset)
    ) {
      return this.roll(firstOffset, now);
    }
    return seg;
  }

  private replaceEmptyActive(base: number, now: number): void {
    const old = this.segments.pop()!;
    old.deleteFiles();
    this.segments.push(LogSegment.create(this.dir, base, this.segmentOptions, now));
    this.generation++;
  }

  /**
   * Closes the active segment for writes and starts a new one at the log end (or `expectedNextOffset` if
   * higher). A producer state snapshot is taken at the new base, and the old segment is fsynced in the
   * background, after which the recovery point moves past it. An empty active segment is kept as is.
   */
  roll(expectedNextOffset?: number, now = Date.now()): LogSegment {
    this.ensureOpen();
    const old = this.activeSegment;
    if (old.isEmpty) return old;
    const newBase = Math.max(expectedNextOffset ?? this.nextOffset, this.nextOffset);
    old.onBecomeInactive();
    this.producerState.takeSnapshot(newBase);
    this.producerState.retainSnapshots(3);
    const seg = LogSegment.create(this.dir, newBase, this.segmentOptions, now);
    this.segments.push(seg);
    const flushedUpTo = newBase;
    this.flushChain = this.flushChain.then(
      () =>
        new Promise<void>((resolve) => {
          if (this.closed) return resolve();
          try {
            old.fsyncAsync((err) => {
              if (err) log.warn({ err, topic: this.topic, partition: this.partition }, 'fsync of rolled segment failed');
              else if (!this.closed) this.recoveryPoint = Math.max(this.recoveryPoint, Math.min(flushedUpTo, this.nextOffset));
              resolve();
            });
          } catch (err) {
            // The segment may have been deleted (retention) before its turn came.
            resolve();
          }
        }),
    );
    return seg;
  }

  /** Resolves when background fsyncs queued so far are done (tests, shutdown). */
  whenFlushed(): Promise<void> {
    return this.flushChain;
  }

  // ------------------------------------------------------------------ read

  private floorSegmentIndex(offset: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    if (this.segments[0].baseOffset > offset) return -1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.segments[mid].baseOffset <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /**
   * Reads whole batches from fetchOffset (the batch containing it comes whole, as in Kafka), up to maxBytes
   * (the first batch regardless with minOneMessage) and below maxOffset. Bytes come straight from the
   * segment files, not re-encoded. OFFSET_OUT_OF_RANGE when fetchOffset is outside [logStart, LEO].
   */
  read(fetchOffset: number, maxBytes: number, opts: ReadOptions = { minOneMessage: true }): ReadResult {
    this.ensureOpen();
    if (fetchOffset < this._logStartOffset || fetchOffset > this.nextOffset) {
      throw new KafkaError(ErrorCode.OFFSET_OUT_OF_RANGE,
        `Offset ${fetchOffset} is out of range for ${this.topicPartition}: [${this._logStartOffset}, ${this.nextOffset}]`);
    }
    const result: ReadResult = {
      records: [], sizeInBytes: 0, firstOffset: fetchOffset, nextOffset: fetchOffset,
      logStartOffset: this._logStartOffset, logEndOffset: this.nextOffset, highWatermark: this._highWatermark,
    };
    const limit = Math.min(opts.maxOffset ?? this.nextOffset, this.nextOffset);
    if (fetchOffset >= limit) return result;

    // Starting point: the read cache (sequential consumers) or the segment index.
    let segIdx = -1;
    let pos = 0;
    const cached = this.readCache.get(fetchOffset);
    if (cached && cached.gen === this.generation) {
      segIdx = this.segments.indexOf(cached.seg, Math.max(0, this.segments.length - 4));
      if (segIdx < 0) segIdx = this.segments.indexOf(cached.seg);
      pos = cached.pos;
    }
    let firstHeaderSize = -1;
    if (segIdx < 0) {
      segIdx = Math.max(0, this.floorSegmentIndex(fetchOffset));
      for (;;) {
        const h = this.segments[segIdx].translateOffset(fetchOffset);
        if (h) {
          pos = h.position;
          firstHeaderSize = h.size;
          break;
        }
        if (++segIdx >= this.segments.length) return result;
        // The offset fell in a gap (compaction) or past a segment's end: start of the next segment.
        pos = 0;
        const next = this.segments[segIdx].readHeaderAt(0);
        if (next) {
          firstHeaderSize = next.size;
          break;
        }
      }
    }

    let remaining = maxBytes;
    let first = true;
    let lastSeg: LogSegment | null = null;
    let lastEnd = 0;
    while (segIdx < this.segments.length) {
      const seg = this.segments[segIdx];
      if (pos >= seg.size) {
        segIdx++;
        pos = 0;
        continue;
      }
      let want = Math.min(Math.max(remaining, 0), seg.size - pos);
      if (first && opts.minOneMessage) {
        if (firstHeaderSize < 0) firstHeaderSize = seg.readHeaderAt(pos)?.size ?? 0;
        want = Math.max(want, Math.min(firstHeaderSize, seg.size - pos));
      }
      if (want < RECORD_BATCH_OVERHEAD) break;
      const buf = seg.readBytes(pos, want);
      let used = 0;
      let stop = false;
      while (used + RECORD_BATCH_OVERHEAD <= buf.length) {
        const size = buf.readInt32BE(used + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD;
        if (size < RECORD_BATCH_OVERHEAD || used + size > buf.length) break;
        const base = readInt64BE(buf, used + BASE_OFFSET_OFFSET);
        if (base >= limit) {
          stop = true;
          break;
        }
        if (first) {
          result.firstOffset = base;
          first = false;
        }
        result.nextOffset = base + buf.readInt32BE(used + LAST_OFFSET_DELTA_OFFSET) + 1;
        used += size;
      }
      if (used > 0) {
        result.records.push(used === buf.length ? buf : buf.subarray(0, used));
        result.sizeInBytes += used;
        remaining -= used;
        lastSeg = seg;
        lastEnd = pos + used;
      }
      if (stop || used < buf.length || remaining <= 0 || first) break;
      segIdx++;
      pos = 0;
    }
    if (lastSeg && result.nextOffset > fetchOffset) {
      if (this.readCache.size >= READ_CACHE_MAX) this.readCache.clear();
      this.readCache.set(result.nextOffset, { seg: lastSeg, pos: lastEnd, gen: this.generation });
    }
    return result;
  }

  /** Reads the whole batch whose header is `h` from `seg`. */
  private readBatch(seg: LogSegment, h: BatchHeader): Buffer {
    return seg.readBytes(h.position, h.size);
  }

  // ------------------------------------------------------------------ offsets by time / epoch

  /**
   * ListOffsets: the first record with timestamp >= ts (offset and its timestamp), or null when none.
   * Accepts the special values LATEST (-1), EARLIEST (-2) and MAX_TIMESTAMP (-3).
   */
  offsetForTimestamp(ts: number): TimestampAndOffset | null {
    this.ensureOpen();
    if (ts === LATEST_TIMESTAMP) return { timestamp: -1, offset: this.nextOffset };
    if (ts === EARLIEST_TIMESTAMP) return { timestamp: -1, offset: this._logStartOffset };
    if (ts === MAX_TIMESTAMP) return this.maxTimestampAndOffset();
    for (const seg of this.segments) {
      if (seg.isEmpty || seg.maxTimestamp < ts || seg.nextOffset <= this._logStartOffset) continue;
      const h = seg.findBatchByTimestamp(ts, this._logStartOffset);
      if (!h) continue;
      for (const r of readRecords(this.readBatch(seg, h))) {
        if (r.timestamp >= ts && r.offset >= this._logStartOffset) return { timestamp: r.timestamp, offset: r.offset };
      }
    }
    return null;
  }

  /** ListOffsets -3: the largest timestamp in the log and the offset of the (first) record carrying it. */
  maxTimestampAndOffset(): TimestampAndOffset {
    let best: LogSegment | null = null;
    for (const seg of this.segments) {
      if (!seg.isEmpty && seg.maxTimestamp >= 0 && (!best || seg.maxTimestamp > best.maxTimestamp)) best = seg;
    }
    if (!best) return { timestamp: -1, offset: -1 };
    const h = best.translateOffset(best.offsetOfMaxTimestamp);
    if (h) {
      for (const r of readRecords(this.readBatch(best, h))) {
        if (r.timestamp === best.maxTimestamp) return { timestamp: r.timestamp, offset: r.offset };
      }
    }
    return { timestamp: best.maxTimestamp, offset: best.offsetOfMaxTimestamp };
  }

  /** OffsetForLeaderEpoch from the leader epoch cache. */
  endOffsetForEpoch(epoch: number): { epoch: number; endOffset: number } {
    return this.leaderEpochCache.endOffsetFor(epoch, this.nextOffset);
  }

  // ------------------------------------------------------------------ truncation, deletion, retention

  /**
   * Removes everything at and after `offset` (follower truncation). The batch containing `offset` goes
   * whole. Returns false when there was nothing to truncate.
   */
  truncateTo(offset: number, now = Date.now()): boolean {
    this.ensureOpen();
    if (offset >= this.nextOffset) {
      // Kafka's UnifiedLog.truncateTo: no data goes, but an epoch entry starting at the log end does. It is
      // left by a leader that assigned the epoch's start offset and appended nothing before another leader
      // was elected; kept, it would be this follower's lastFetchedEpoch and diverge from the new leader's
      // history on every fetch.
      this.leaderEpochCache.truncateFromEnd(this.nextOffset);
      return false;
    }
    this.generation++;
    this.readCache.clear();
    if (offset <= this.segments[0].baseOffset) {
      this.truncateFullyAndStartAt(Math.max(offset, 0), now);
      return true;
    }
    while (this.segments.length > 1 && this.activeSegment.baseOffset >= offset) {
      this.segments.pop()!.deleteFiles();
    }
    const active = this.activeSegment;
    active.truncateTo(offset);
    active.offsetIndex.loadIntoMemory();
    active.timeIndex.loadIntoMemory();
    this.nextOffset = active.nextOffset;
    this.afterTruncation();
    return true;
  }

  /** Deletes all data and restarts the log at `offset` (Kafka's truncateFullyAndStartAt). */
  truncateFullyAndStartAt(offset: number, now = Date.now()): void {
    this.ensureOpen();
    this.generation++;
    this.readCache.clear();
    for (const seg of this.segments) seg.deleteFiles();
    this.segments = [LogSegment.create(this.dir, offset, this.segmentOptions, now)];
    this.nextOffset = offset;
    this._logStartOffset = offset;
    this.leaderEpochCache.clear();
    this.producerState.deleteAllSnapshots();
    this.afterTruncation();
  }

  private afterTruncation(): void {
    this._highWatermark = Math.min(this._highWatermark, this.nextOffset);
    this._logStartOffset = Math.min(this._logStartOffset, this.nextOffset);
    this.recoveryPoint = Math.min(this.recoveryPoint, this.nextOffset);
    this.leaderEpochCache.truncateFromEnd(this.nextOffset);
    this.rebuildProducerState();
  }

  /**
   * DeleteRecords: moves the log start offset to `offset` (at most the high watermark) and deletes the
   * segments entirely below it. Returns the new log start offset.
   */
  deleteRecordsBefore(offset: number): number {
    this.ensureOpen();
    if (offset > this._highWatermark) {
      throw new KafkaError(ErrorCode.OFFSET_OUT_OF_RANGE,
        `Cannot increment the log start offset of ${this.topicPartition} to ${offset}: above the high watermark ${this._highWatermark}`);
    }
    this.maybeIncrementLogStartOffset(offset);
    this.deleteLogStartOffsetBreachedSegments();
    return this._logStartOffset;
  }

  private maybeIncrementLogStartOffset(offset: number): void {
    if (offset <= this._logStartOffset) return;
    this._logStartOffset = offset;
    this.leaderEpochCache.truncateFromStart(offset);
    for (const [pid, e] of this.producerState.producers) {
      const last = e.batches[e.batches.length - 1];
      if (last && last.lastOffset < offset) this.producerState.producers.delete(pid);
    }
  }

  /**
   * Kafka's deleteOldSegments: deletes the oldest segments while `predicate` holds, only segments entirely
   * below the high watermark; if every segment qualifies the active one is rolled first so the log keeps
   * an (empty) active segment. Returns the number deleted.
   */
  private deleteOldSegments(predicate: (seg: LogSegment, next: LogSegment | undefined) => boolean, now: number): number {
    const deletable: LogSegment[] = [];
    for (let i = 0; i < this.segments.length; i++) {
      const seg = this.segments[i];
      const next = this.segments[i + 1];
      const upper = next ? next.baseOffset : this.nextOffset;
      const lastAndEmpty = !next && seg.isEmpty;
      if (this._highWatermark >= upper && !lastAndEmpty && predicate(seg, next)) deletable.push(seg);
      else break;
    }
    if (deletable.length === 0) return 0;
    if (deletable.length === this.segments.length) this.roll(undefined, now);
    this.generation++;
    this.readCache.clear();
    this.segments.splice(0, deletable.length);
    for (const seg of deletable) seg.deleteFiles();
    this.maybeIncrementLogStartOffset(this.segments[0].baseOffset);
    return deletable.length;
  }

  /** Segments whose largest timestamp is older than retention.ms. */
  deleteRetentionMsBreachedSegments(now = Date.now()): number {
    const retentionMs = this.config.retentionMs;
    if (retentionMs < 0 || !this.config.cleanupPolicy.delete) return 0;
    return this.deleteOldSegments((seg) => now - seg.largestTimestamp() > retentionMs, now);
  }

  /** Oldest segments while the log exceeds retention.bytes by at least their size. */
  deleteRetentionSizeBreachedSegments(now = Date.now()): number {
    const retentionBytes = this.config.retentionBytes;
    if (retentionBytes < 0 || !this.config.cleanupPolicy.delete) return 0;
    let diff = this.sizeInBytes - retentionBytes;
    if (diff <= 0) return 0;
    return this.deleteOldSegments((seg) => {
      if (diff - seg.size >= 0) {
        diff -= seg.size;
        return true;
      }
      return false;
    }, now);
  }

  /** Segments entirely below the log start offset (after DeleteRecords). */
  deleteLogStartOffsetBreachedSegments(now = Date.now()): number {
    return this.deleteOldSegments((_seg, next) => next !== undefined && next.baseOffset <= this._logStartOffset, now);
  }

  /** All retention rules; returns the number of segments deleted. */
  deleteOldSegmentsByRetention(now = Date.now()): number {
    return (
      this.deleteRetentionMsBreachedSegments(now) +
      this.deleteRetentionSizeBreachedSegments(now) +
      this.deleteLogStartOffsetBreachedSegments(now)
    );
  }

  /** Background roll by segment.ms of wall-clock age (the append path also rolls by record timestamps). */
  maybeRollByTime(now = Date.now()): boolean {
    const seg = this.activeSegment;
    if (seg.isEmpty || now - seg.created <= this.config.segmentMs) return false;
    this.roll(undefined, now);
    return true;
  }

  // ------------------------------------------------------------------ compaction support

  /**
   * Replaces `old` (consecutive non-active segments) by `replacement`, which was written with the
   * `.cleaned` suffix: Kafka's swap protocol (rename to .swap, delete the old files, rename into place), so
   * a crash at any step is completed or rolled back by the next open.
   */
  replaceSegments(replacement: LogSegment, old: LogSegment[]): void {
    this.ensureOpen();
    replacement.flush();
    replacement.onBecomeInactive();
    // Index swaps first; the .log rename to .swap is the commit point.
    replacement.changeFileSuffixes(CLEANED_SUFFIX, SWAP_SUFFIX);
    const first = this.segments.indexOf(old[0]);
    if (first < 0) throw new Error('replaceSegments: segments are not part of this log');
    this.generation++;
    this.readCache.clear();
    for (const seg of old) seg.deleteFiles();
    replacement.changeFileSuffixes(SWAP_SUFFIX, '');
    this.segments.splice(first, old.length, replacement);
  }

  // ------------------------------------------------------------------ flush, close, delete

  /** fsyncs everything and moves the recovery point to the log end. */
  flush(): void {
    this.ensureOpen();
    for (const seg of this.segments) {
      if (seg.nextOffset > this.recoveryPoint || seg === this.activeSegment) seg.flush();
    }
    this.recoveryPoint = this.nextOffset;
    this.unflushedMessages = 0;
    this.lastFlushTime = Date.now();
  }

  /** flush.ms: flushes when the last flush is older than that. */
  maybeFlushByTime(now = Date.now()): void {
    if (now - this.lastFlushTime >= this.config.flushMs && this.unflushedMessages > 0) this.flush();
  }

  updateConfig(config: LogConfig): void {
    this.config = config;
  }

  /** Flushes, writes a producer snapshot at the log end, closes files. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.producerState.takeSnapshot(this.nextOffset);
    this.producerState.retainSnapshots(3);
    this.leaderEpochCache.flush();
    for (const seg of this.segments) seg.close();
    this.closed = true;
  }

  /** Closes without flushing (for tests simulating a crash, and for delete()). */
  closeWithoutFlush(): void {
    if (this.closed) return;
    for (const seg of this.segments) seg.close();
    this.closed = true;
  }

  /** Removes the whole partition directory. */
  delete(): void {
    this.closeWithoutFlush();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private ensureOpen(): void {
    if (this.closed) throw new KafkaError(ErrorCode.KAFKA_STORAGE_ERROR, `Log ${this.topicPartition} is closed`);
  }
}
