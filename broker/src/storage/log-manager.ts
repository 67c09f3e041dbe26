// LogManager: every partition log under log.dirs, Kafka's per-dir files (meta.properties and the offset
// checkpoints), and the background work: retention (time, bytes, log start), roll by segment.ms,
// flush.ms, compaction, producer id expiry, periodic checkpoints.
import { parseProperties } from '../config.js';
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { childLogger } from '../log.js';
import type { LogConfig } from './log-config.js';
import { PartitionLog, parsePartitionDirName, partitionDirName } from './log.js';
import { readOffsetCheckpoint, writeFileAtomic, writeOffsetCheckpoint, writeOffsetCheckpointAsync } from './checkpoint.js';
import { cleanLog } from './cleaner.js';

const log = childLogger('log-manager');

export const RECOVERY_POINT_CHECKPOINT = 'recovery-point-offset-checkpoint';
export const LOG_START_OFFSET_CHECKPOINT = 'log-start-offset-checkpoint';
export const REPLICATION_OFFSET_CHECKPOINT = 'replication-offset-checkpoint';
export const CLEANER_OFFSET_CHECKPOINT = 'cleaner-offset-checkpoint';
export const META_PROPERTIES = 'meta.properties';
export const DELETE_DIR_SUFFIX = '-delete';

/** The per-dir checkpoints written together (the cleaner's is written by the cleaner). */
const CHECKPOINTS: ReadonlyArray<readonly [string, (p: PartitionLog) => number | undefined]> = [
  [RECOVERY_POINT_CHECKPOINT, (p) => p.recoveryPoint],
  [LOG_START_OFFSET_CHECKPOINT, (p) => p.logStartOffset],
  [REPLICATION_OFFSET_CHECKPOINT, (p) => p.highWatermark],
];

export interface LogManagerOptions {
  brokerId: number;
  clusterId: string;
  /** log.retention.check.interval.ms (Kafka default 5 minutes); <= 0 disables the internal timer. */
  retentionCheckIntervalMs?: number;
  /** log.flush.offset.checkpoint.interval.ms (Kafka default 60 s). */
  checkpointIntervalMs?: number;
  /** producer.id.expiration.ms (Kafka default 1 day). */
  producerIdExpirationMs?: number;
  /** log.cleaner.enable (default true). */
  cleanerEnabled?: boolean;
  defaultConfig: LogConfig;
  /** The effective config of a topic (broker defaults + overrides); used when a log is opened at startup. */
  topicConfig?: (topic: string) => LogConfig;
}

interface DirState {
  dir: string;
  cleanerOffsets: Map<string, number>;
}

export class LogManager {
  private readonly logs = new Map<string, PartitionLog>();
  private readonly logDir = new Map<string, DirState>();
  private readonly dirs: DirState[];
  private timers: NodeJS.Timeout[] = [];
  private lastCheckpoint = 0;
  /** The periodic checkpoint write in flight (scheduleCheckpoint), awaited by shutdown. */
  private checkpointChain: Promise<void> = Promise.resolve();
  private checkpointQueued = false;
  private checkpointInFlight = false;
  private started = false;
  private stopped = false;

  constructor(
    logDirs: string[],
    private readonly opts: LogManagerOptions,
  ) {
    if (logDirs.length === 0) throw new Error('LogManager needs at least one log dir');
    this.dirs = logDirs.map((d) => ({ dir: path.resolve(d), cleanerOffsets: new Map() }));
  }

  /** Creates/validates the dirs and meta.properties, loads every partition log, starts the timer. */
  async startup(): Promise<void> {
    if (this.started) return;
    for (const d of this.dirs) {
      fs.mkdirSync(d.dir, { recursive: true });
      this.checkMetaProperties(d.dir);
      const recovery = this.readCheckpointSafe(d.dir, RECOVERY_POINT_CHECKPOINT);
      const logStart = this.readCheckpointSafe(d.dir, LOG_START_OFFSET_CHECKPOINT);
      const hw = this.readCheckpointSafe(d.dir, REPLICATION_OFFSET_CHECKPOINT);
      d.cleanerOffsets = this.readCheckpointSafe(d.dir, CLEANER_OFFSET_CHECKPOINT);
      for (const name of fs.readdirSync(d.dir)) {
        const full = path.join(d.dir, name);
        let isDir = false;
        try {
          isDir = fs.statSync(full).isDirectory();
        } catch {
          continue;
        }
        if (!isDir) continue;
        if (name.endsWith(DELETE_DIR_SUFFIX)) {
          // A deletion interrupted by a crash: finish it.
          fs.rmSync(full, { recursive: true, force: true });
          continue;
        }
        const tp = parsePartitionDirName(name);
        if (!tp) continue; // unknown directories (e.g. -future, -stray, other tools) are left alone
        const key = partitionDirName(tp.topic, tp.partition);
        if (this.logs.has(key)) {
          log.error({ dir: full }, 'duplicate log directory for a partition; ignoring this one');
          continue;
        }
        const config = this.opts.topicConfig?.(tp.topic) ?? this.opts.defaultConfig;
        const started = Date.now();
        const plog = PartitionLog.open(d.dir, tp.topic, tp.partition, config, {
          recoveryPoint: recovery.get(key),
          logStartOffset: logStart.get(key),
          highWatermark: hw.get(key),
        });
        this.logs.set(key, plog);
        this.logDir.set(key, d);
        log.debug({ partition: key, ms: Date.now() - started, leo: plog.logEndOffset }, 'loaded log');
      }
    }
    log.info({ logs: this.logs.size, dirs: this.dirs.map((d) => d.dir) }, 'logs loaded');
    this.lastCheckpoint = Date.now();
    this.checkpointAll();
    const interval = this.opts.retentionCheckIntervalMs ?? 300_000;
    if (interval > 0) {
      this.timers.push(setInterval(() => this.safely(() => this.tick(Date.now())), interval));
      const cp = this.opts.checkpointIntervalMs ?? 60_000;
      this.timers.push(setInterval(() => this.safely(() => this.periodicFlushAndCheckpoint(Date.now())), cp));
      for (const t of this.timers) t.unref();
    }
    this.started = true;
  }

  /** Kafka ZooKeeper-mode meta.properties (version 0): written when absent, checked when present. */
  private checkMetaProperties(dir: string): void {
    const file = path.join(dir, META_PROPERTIES);
    if (fs.existsSync(file)) {
      const props = parseProperties(fs.readFileSync(file, 'utf8'));
      const brokerId = props.get('broker.id');
      if (brokerId !== undefined && Number(brokerId) !== this.opts.brokerId) {
        throw new Error(`Stored broker.id ${brokerId} in ${file} does not match configured broker.id ${this.opts.brokerId}`);
      }
      const clusterId = props.get('cluster.id');
      if (clusterId && this.opts.clusterId && clusterId !== this.opts.clusterId) {
        throw new Error(`The cluster id ${this.opts.clusterId} does not match the stored cluster.id ${clusterId} in ${file}`);
      }
      if (clusterId) return;
    }
    const text = `#\n#${new Date().toString()}\nbroker.id=${this.opts.brokerId}\nversion=0\ncluster.id=${this.opts.clusterId}\n`;
    writeFileAtomic(file, text);
  }

  private readCheckpointSafe(dir: string, name: string): Map<string, number> {
    try {
      return readOffsetCheckpoint(path.join(dir, name));
    } catch (err) {
      // Kafka treats a corrupt checkpoint as missing (full recovery), logging it.
      log.warn({ err, file: path.join(dir, name) }, 'ignoring unreadable checkpoint file');
      return new Map();
    }
  }

  // ------------------------------------------------------------------ logs

  getLog(topic: string, partition: number): PartitionLog | undefined {
    return this.logs.get(partitionDirName(topic, partition));
  }

  /** The partition's log, created in the log dir holding the fewest partitions when it does not exist. */
  getOrCreateLog(topic: string, partition: number, config?: LogConfig): PartitionLog {
    const key = partitionDirName(topic, partition);
    const existing = this.logs.get(key);
    if (existing) {
      if (config) existing.updateConfig(config);
      return existing;
    }
    const counts = new Map<DirState, number>(this.dirs.map((d) => [d, 0]));
    for (const d of this.logDir.values()) counts.set(d, (counts.get(d) ?? 0) + 1);
    let target = this.dirs[0];
    for (const d of this.dirs) if (counts.get(d)! < counts.get(target)!) target = d;
    const plog = PartitionLog.open(target.dir, topic, partition, config ?? this.opts.topicConfig?.(topic) ?? this.opts.defaultConfig);
    this.logs.set(key, plog);
    this.logDir.set(key, target);
    log.info({ partition: key, dir: target.dir }, 'created log');
    return plog;
  }

  /** Kafka's way: rename to `<topic>-<p>.<uuid>-delete`, forget it, then remove the files. */
  deleteLog(topic: string, partition: number): boolean {
    const key = partitionDirName(topic, partition);
    const plog = this.logs.get(key);
    if (!plog) return false;
    this.logs.delete(key);
    const d = this.logDir.get(key)!;
    this.logDir.delete(key);
    d.cleanerOffsets.delete(key);
    plog.closeWithoutFlush();
    const renamed = path.join(d.dir, `${key}.${randomUUID().replace(/-/g, '')}${DELETE_DIR_SUFFIX}`);
    try {
      fs.renameSync(plog.dir, renamed);
      fs.rmSync(renamed, { recursive: true, force: true });
    } catch (err) {
      log.warn({ err, partition: key }, 'failed to delete log directory');
    }
    // The deleted partition's entries must go before a log of the same name can be created again (stale offsets
    // would be read for it after a crash). With no periodic write in flight, write now; otherwise the files are
    // being written and the follow-up write queued here replaces them as soon as that one is done.
    if (this.checkpointInFlight) void this.scheduleCheckpoint();
    else this.checkpointAll();
    return true;
  }

  allLogs(): PartitionLog[] {
    return [...this.logs.values()];
  }

  /** Applies a topic's new effective config to all its open logs. */
  updateConfig(topic: string, config: LogConfig): void {
    for (const plog of this.logs.values()) if (plog.topic === topic) plog.updateConfig(config);
  }

  // ------------------------------------------------------------------ background work

  /**
   * One round of maintenance, also run by the internal timer: retention, roll by segment.ms, flush.ms,
   * compaction, producer id expiry, and the checkpoints when due.
   */
  tick(now = Date.now()): void {
    if (this.stopped) return;
    for (const [key, plog] of this.logs) {
      if (plog.isClosed) continue;
      try {
        plog.maybeRollByTime(now);
        const deleted = plog.deleteOldSegmentsByRetention(now);
        if (deleted > 0) log.info({ partition: key, deleted, logStartOffset: plog.logStartOffset }, 'deleted segments by retention');
        plog.producerState.removeExpired(now, this.opts.producerIdExpirationMs ?? 86_400_000);
        if (plog.config.cleanupPolicy.compact && this.opts.cleanerEnabled !== false) this.compact(key, plog, now);
      } catch (err) {
        log.error({ err, partition: key }, 'log maintenance failed for partition');
      }
    }
    this.periodicFlushAndCheckpoint(now);
  }

  /** flush.ms for every log, then the checkpoints when log.flush.offset.checkpoint.interval.ms passed. */
  private periodicFlushAndCheckpoint(now: number): void {
    if (this.stopped) return;
    for (const [key, plog] of this.logs) {
      try {
        if (!plog.isClosed) plog.maybeFlushByTime(now);
      } catch (err) {
        log.error({ err, partition: key }, 'flush failed');
      }
    }
    if (now - this.lastCheckpoint >= (this.opts.checkpointIntervalMs ?? 60_000)) {
      this.lastCheckpoint = now;
      void this.scheduleCheckpoint();
    }
  }

  /**
   * Writes the recovery point, log start offset and high watermark checkpoints off the event loop (Kafka writes
   * them from its scheduler thread, never from a request handler). Serialised: one write at a time, and calls
   * made while one is waiting share it; the offsets are taken when the write starts. Never rejects.
   */
  scheduleCheckpoint(): Promise<void> {
    if (this.checkpointQueued) return this.checkpointChain;
    this.checkpointQueued = true;
    this.checkpointChain = this.checkpointChain.then(async () => {
      this.checkpointQueued = false;
      if (this.stopped) return; // shutdown writes the final checkpoints itself
      this.checkpointInFlight = true;
      try {
        for (const d of this.dirs) {
          try {
            for (const [name, value] of CHECKPOINTS) await writeOffsetCheckpointAsync(path.join(d.dir, name), this.checkpointEntries(d, value));
          } catch (err) {
            log.error({ err, dir: d.dir }, 'failed to write checkpoints');
          }
        }
      } finally {
        this.checkpointInFlight = false;
      }
    });
    return this.checkpointChain;
  }

  private safely(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      log.error({ err }, 'log maintenance failed');
    }
  }

  /** Runs a cleaning pass on one log (exposed for tests and admin use). */
  compact(key: string, plog: PartitionLog, now = Date.now(), force = false): void {
    const d = this.logDir.get(key);
    if (!d) return;
    const res = cleanLog(plog, { now, firstDirtyOffset: d.cleanerOffsets.get(key), force });
    if (!res) return;
    d.cleanerOffsets.set(key, res.cleanedUpTo);
    this.writeCheckpoint(d, CLEANER_OFFSET_CHECKPOINT, (p) => d.cleanerOffsets.get(partitionDirName(p.topic, p.partition)));
    log.info({ partition: key, ...res }, 'cleaned log');
  }

  /** Writes the recovery point, log start offset and high watermark checkpoints of every dir. */
  checkpointAll(): void {
    for (const d of this.dirs) {
      try {
        for (const [name, value] of CHECKPOINTS) this.writeCheckpoint(d, name, value);
      } catch (err) {
        log.error({ err, dir: d.dir }, 'failed to write checkpoints');
      }
    }
  }

  private checkpointEntries(d: DirState, value: (p: PartitionLog) => number | undefined): { topic: string; partition: number; offset: number }[] {
    const entries: { topic: string; partition: number; offset: number }[] = [];
    for (const [key, plog] of this.logs) {
      if (this.logDir.get(key) !== d) continue;
      const v = value(plog);
      if (v !== undefined) entries.push({ topic: plog.topic, partition: plog.partition, offset: v });
    }
    return entries;
  }

  private writeCheckpoint(d: DirState, name: string, value: (p: PartitionLog) => number | undefined): void {
    writeOffsetCheckpoint(path.join(d.dir, name), this.checkpointEntries(d, value));
  }

  /** Stops the timer, flushes and closes every log, writes final checkpoints (recovery point = LEO). */
  async shutdown(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await Promise.all([...this.logs.values()].map((l) => l.whenFlushed()));
    await this.checkpointChain;
    for (const [key, plog] of this.logs) {
      try {
        plog.close();
      } catch (err) {
        log.error({ err, partition: key }, 'failed to close log');
      }
    }
    this.checkpointAll();
    for (const d of this.dirs) {
      try {
        this.writeCheckpoint(d, CLEANER_OFFSET_CHECKPOINT, (p) => d.cleanerOffsets.get(partitionDirName(p.topic, p.partition)));
      } catch (err) {
        log.error({ err, dir: d.dir }, 'failed to write cleaner checkpoint');
      }
    }
    log.info('log manager shut down');
  }
}
