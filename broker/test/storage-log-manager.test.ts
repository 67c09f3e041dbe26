import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildBatch, type BuildRecord } from '../src/records/builder.js';
import { CompressionType } from '../src/records/compression.js';
import { readRecords } from '../src/records/record.js';
import { readBatchHeader } from '../src/records/batch.js';
import { DEFAULT_LOG_CONFIG, type LogConfig } from '../src/storage/log-config.js';
import { LogManager } from '../src/storage/log-manager.js';
import { parseProperties } from '../src/config.js';
import type { PartitionLog } from '../src/storage/log.js';
import { cleanLog } from '../src/storage/cleaner.js';

let root: string;
let dirs: string[];
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'gregor-lm-'));
  dirs = [path.join(root, 'd1'), path.join(root, 'd2')];
});
afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

function manager(config: Partial<LogConfig> = {}, logDirs = dirs): LogManager {
  return new LogManager(logDirs, {
    brokerId: 3,
    clusterId: 'abcdefghijklmnopqrstuv',
    retentionCheckIntervalMs: 0,
    defaultConfig: { ...DEFAULT_LOG_CONFIG, ...config },
  });
}

function mk(records: BuildRecord[], compression = CompressionType.NONE): Buffer {
  return buildBatch({ records, compression });
}

function recordsOf(log: PartitionLog) {
  const out: { offset: number; key: string | null; value: string | null }[] = [];
  if (log.logEndOffset === log.logStartOffset) return out;
  for (const buf of log.read(log.logStartOffset, 1 << 30, { minOneMessage: true }).records) {
    let pos = 0;
    while (pos < buf.length) {
      const h = readBatchHeader(buf, pos);
      for (const r of readRecords(buf.subarray(pos, pos + h.size))) {
        out.push({ offset: r.offset, key: r.key?.toString() ?? null, value: r.value?.toString() ?? null });
      }
      pos += h.size;
    }
  }
  return out;
}

const A = { leaderEpoch: 0, assignOffsets: true };

describe('LogManager', () => {
  it('writes meta.properties and Kafka-format checkpoints, and reloads logs across dirs', async () => {
    const lm = manager();
    await lm.startup();
    const props = parseProperties(fs.readFileSync(path.join(dirs[0], 'meta.properties'), 'utf8'));
    expect(props.get('version')).toBe('0');
    expect(props.get('broker.id')).toBe('3');
    expect(props.get('cluster.id')).toBe('abcdefghijklmnopqrstuv');

    const a = lm.getOrCreateLog('alpha', 0);
    const b = lm.getOrCreateLog('alpha', 1);
    const c = lm.getOrCreateLog('beta.topic-x', 2);
    expect(lm.getOrCreateLog('alpha', 0)).toBe(a);
    // Spread over the dirs.
    expect(new Set([a, b, c].map((l) => path.dirname(l.dir))).size).toBe(2);
    for (let i = 0; i < 5; i++) a.append(mk([{ value: Buffer.from(`a${i}`) }]), A);
    for (let i = 0; i < 3; i++) c.append(mk([{ value: Buffer.from(`c${i}`) }]), A);
    a.highWatermark = 4;
    c.highWatermark = 3;
    // Unknown files and dirs are ignored.
    fs.writeFileSync(path.join(dirs[0], 'random.txt'), 'x');
    fs.mkdirSync(path.join(dirs[0], 'not_a_partition'));
    await lm.shutdown();

    const aDir = path.dirname(a.dir);
    const rp = fs.readFileSync(path.join(aDir, 'recovery-point-offset-checkpoint'), 'utf8');
    const lines = rp.trim().split('\n');
    expect(lines[0]).toBe('0');
    expect(Number(lines[1])).toBe(lines.length - 2);
    expect(lines).toContain('alpha 0 5');
    const hwFile = fs.readFileSync(path.join(aDir, 'replication-offset-checkpoint'), 'utf8');
    expect(hwFile.split('\n')).toContain('alpha 0 4');
    const lso = fs.readFileSync(path.join(aDir, 'log-start-offset-checkpoint'), 'utf8');
    expect(lso.split('\n')).toContain('alpha 0 0');

    const lm2 = manager();
    await lm2.startup();
    expect(lm2.allLogs().map((l) => `${l.topic}-${l.partition}`).sort()).toEqual(['alpha-0', 'alpha-1', 'beta.topic-x-2']);
    const a2 = lm2.getLog('alpha', 0)!;
    expect(a2.logEndOffset).toBe(5);
    expect(a2.highWatermark).toBe(4);
    expect(lm2.getLog('beta.topic-x', 2)!.logEndOffset).toBe(3);
    expect(recordsOf(a2).map((r) => r.value)).toEqual(['a0', 'a1', 'a2', 'a3', 'a4']);
    await lm2.shutdown();
  });

  it('refuses a log dir that belongs to another broker id', async () => {
    const lm = manager();
    await lm.startup();
    await lm.shutdown();
    const other = new LogManager(dirs, { brokerId: 4, clusterId: 'abcdefghijklmnopqrstuv', retentionCheckIntervalMs: 0, defaultConfig: DEFAULT_LOG_CONFIG });
    await expect(other.startup()).rejects.toThrow(/broker.id/);
  });

  it('deletes logs (rename to -delete, then remove) and finishes interrupted deletions at startup', async () => {
    const lm = manager({}, [dirs[0]]);
    await lm.startup();
    const l = lm.getOrCreateLog('gone', 0);
    l.append(mk([{ value: Buffer.from('x') }]), A);
    expect(lm.deleteLog('gone', 0)).toBe(true);
    expect(lm.getLog('gone', 0)).toBeUndefined();
    expect(fs.readdirSync(dirs[0]).filter((n) => n.startsWith('gone'))).toEqual([]);
    expect(fs.readFileSync(path.join(dirs[0], 'recovery-point-offset-checkpoint'), 'utf8')).toBe('0\n0\n');
    await lm.shutdown();
    fs.mkdirSync(path.join(dirs[0], 'old-0.0123456789abcdef0123456789abcdef-delete'));
    const lm2 = manager({}, [dirs[0]]);
    await lm2.startup();
    expect(fs.readdirSync(dirs[0]).some((n) => n.endsWith('-delete'))).toBe(false);
    expect(lm2.allLogs()).toHaveLength(0);
    await lm2.shutdown();
  });

  it('writes periodic checkpoints off the event loop; a deletion during one is in the files once it is done', async () => {
    const lm = manager({}, [dirs[0]]);
    await lm.startup();
    const keep = lm.getOrCreateLog('keep', 0);
    const gone = lm.getOrCreateLog('gone', 0);
    for (let i = 0; i < 3; i++) keep.append(mk([{ value: Buffer.from(`k${i}`) }]), A);
    gone.append(mk([{ value: Buffer.from('g') }]), A);
    keep.highWatermark = 3;
    gone.highWatermark = 1;
    const hwFile = path.join(dirs[0], 'replication-offset-checkpoint');

    // The write is asynchronous: nothing has changed on disk when scheduleCheckpoint returns.
    const before = fs.readFileSync(hwFile, 'utf8');
    const written = lm.scheduleCheckpoint();
    expect(fs.readFileSync(hwFile, 'utf8')).toBe(before);
    // A second call while the first is queued shares it.
    expect(lm.scheduleCheckpoint()).toBe(written);
    await written;
    expect(fs.readFileSync(hwFile, 'utf8').split('\n')).toEqual(expect.arrayContaining(['keep 0 3', 'gone 0 1']));

    // Deleting while a periodic write is in flight: that write may still list the partition, the follow-up must not.
    keep.highWatermark = 2;
    const inFlight = lm.scheduleCheckpoint();
    await new Promise((r) => setImmediate(r)); // the write has started
    expect(lm.deleteLog('gone', 0)).toBe(true);
    await inFlight;
    await lm.scheduleCheckpoint(); // whatever the deletion queued has run by the time a later one has
    const lines = fs.readFileSync(hwFile, 'utf8').split('\n');
    expect(lines).toContain('keep 0 2');
    expect(lines.some((l) => l.startsWith('gone '))).toBe(false);
    expect(fs.readdirSync(dirs[0]).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    await lm.shutdown();
  });

  it('applies retention by time and bytes in tick(), never deleting the active segment of a live log', async () => {
    const lm = manager({ segmentBytes: 400, retentionMs: 60_000 });
    await lm.startup();
    const log = lm.getOrCreateLog('ret', 0);
    const now = Date.now();
    for (let i = 0; i < 20; i++) log.append(mk([{ value: Buffer.from(`old-${i}`), timestamp: now - 3_600_000 }]), A);
    for (let i = 0; i < 3; i++) log.append(mk([{ value: Buffer.from(`new-${i}`), timestamp: now }]), A);
    log.highWatermark = log.logEndOffset;
    expect(log.numberOfSegments).toBeGreaterThan(3);
    lm.tick(now);
    expect(log.logStartOffset).toBeGreaterThan(0);
    expect(recordsOf(log).filter((r) => r.value!.startsWith('new'))).toHaveLength(3);
    expect(log.numberOfSegments).toBeGreaterThanOrEqual(1);

    const sized = lm.getOrCreateLog('sized', 0, { ...DEFAULT_LOG_CONFIG, segmentBytes: 400, retentionBytes: 800 });
    for (let i = 0; i < 40; i++) sized.append(mk([{ value: Buffer.from(`v-${i}`), timestamp: now }]), A);
    sized.highWatermark = sized.logEndOffset;
    lm.tick(now);
    expect(sized.sizeInBytes).toBeLessThanOrEqual(800 + 400);
    expect(sized.logEndOffset).toBe(40);
    await lm.shutdown();
    // log-start-offset survives a restart.
    const lm2 = manager({ segmentBytes: 400, retentionMs: 60_000 });
    await lm2.startup();
    expect(lm2.getLog('ret', 0)!.logStartOffset).toBe(log.logStartOffset);
    await lm2.shutdown();
  });

  it('compacts: latest value per key, offsets preserved, tombstones removed after delete.retention.ms', async () => {
    const cfg: Partial<LogConfig> = {
      segmentBytes: 350,
      cleanupPolicy: { delete: false, compact: true },
      deleteRetentionMs: 1000,
      minCleanableDirtyRatio: 0.01,
    };
    const lm = manager(cfg, [dirs[0]]);
    await lm.startup();
    const log = lm.getOrCreateLog('__compacted', 0);
    const now = Date.now();
    const old = now - 10_000;
    // Offsets: k0..k4 = v0 (0-4), k0..k4 = v1 (5-9) in gzip batches of 5, then k2 tombstone (10), then k1=v2 (11).
    log.append(mk([0, 1, 2, 3, 4].map((k) => ({ key: Buffer.from(`k${k}`), value: Buffer.from(`k${k}v0`), timestamp: old }))), A);
    log.append(mk([0, 1, 2, 3, 4].map((k) => ({ key: Buffer.from(`k${k}`), value: Buffer.from(`k${k}v1`), timestamp: old })), CompressionType.GZIP), A);
    log.append(mk([{ key: Buffer.from('k2'), value: null, timestamp: old }]), A);
    log.append(mk([{ key: Buffer.from('k1'), value: Buffer.from('k1v2'), timestamp: old }]), A);
    log.roll();
    log.append(mk([{ key: Buffer.from('k3'), value: Buffer.from('k3v-active'), timestamp: now }]), A); // active: untouched
    log.highWatermark = log.logEndOffset;
    const segsBefore = log.numberOfSegments;

    lm.tick(now);
    const recs = recordsOf(log);
    expect(recs).toEqual([
      { offset: 5, key: 'k0', value: 'k0v1' },
      { offset: 8, key: 'k3', value: 'k3v1' },
      { offset: 9, key: 'k4', value: 'k4v1' },
      { offset: 11, key: 'k1', value: 'k1v2' },
      { offset: 12, key: 'k3', value: 'k3v-active' },
    ]);
    expect(log.numberOfSegments).toBeLessThanOrEqual(segsBefore);
    expect(log.logEndOffset).toBe(13);
    // Rebuilt batches keep their codec and stay valid; the rewritten gzip batch still says gzip.
    const all = log.read(0, 1 << 20, { minOneMessage: true }).records;
    const gz = readBatchHeader(all[0], 0);
    expect(gz.compression).toBe(CompressionType.GZIP);
    expect(gz.baseOffset).toBe(5);
    expect(gz.recordCount).toBe(3);
    // No leftovers of the swap protocol; the cleaner checkpoint is written.
    expect(fs.readdirSync(log.dir).some((n) => n.endsWith('.cleaned') || n.endsWith('.swap'))).toBe(false);
    expect(fs.readFileSync(path.join(dirs[0], 'cleaner-offset-checkpoint'), 'utf8')).toBe('0\n1\n__compacted 0 12\n');
    // Reading by offset still works in the compacted range (gaps skip to the next batch).
    expect(log.read(1, 1 << 20, { minOneMessage: true }).firstOffset).toBe(5);
    expect(log.read(10, 1 << 20, { minOneMessage: true }).firstOffset).toBe(11);

    await lm.shutdown();
    // Reopen: the compacted segments recover cleanly.
    const lm2 = manager(cfg, [dirs[0]]);
    await lm2.startup();
    expect(recordsOf(lm2.getLog('__compacted', 0)!)).toEqual(recs);
    await lm2.shutdown();
  });

  it('rejects keyless records on compacted topics', async () => {
    const lm = manager({ cleanupPolicy: { delete: false, compact: true } }, [dirs[0]]);
    await lm.startup();
    const log = lm.getOrCreateLog('ck', 0);
    expect(() => log.append(mk([{ key: Buffer.from('a'), value: Buffer.from('1') }, { value: Buffer.from('2') }]), A)).toThrow(/without key/);
    expect(log.append(mk([{ key: Buffer.from('a'), value: null }]), A).firstOffset).toBe(0);
    log.writePartitionMetadata('AAAAAAAAAAAAAAAAAAAAAA');
    expect(fs.readFileSync(path.join(log.dir, 'partition.metadata'), 'utf8')).toBe('version: 0\ntopic_id: AAAAAAAAAAAAAAAAAAAAAA\n');
    expect(log.readPartitionMetadata()).toBe('AAAAAAAAAAAAAAAAAAAAAA');
    await lm.shutdown();
  });

  it('keeps recent tombstones and honours the dirty ratio', async () => {
    const lm = manager({ segmentBytes: 10_000, cleanupPolicy: { delete: false, compact: true }, deleteRetentionMs: 3_600_000 }, [dirs[0]]);
    await lm.startup();
    const log = lm.getOrCreateLog('c', 0);
    const now = Date.now();
    log.append(mk([{ key: Buffer.from('a'), value: Buffer.from('1'), timestamp: now }]), A);
    log.append(mk([{ key: Buffer.from('a'), value: null, timestamp: now }]), A);
    log.roll();
    log.append(mk([{ key: Buffer.from('b'), value: Buffer.from('x'), timestamp: now }]), A);
    log.highWatermark = log.logEndOffset;
    const res = cleanLog(log, { now });
    expect(res).not.toBeNull();
    expect(recordsOf(log)).toEqual([
      { offset: 1, key: 'a', value: null },
      { offset: 2, key: 'b', value: 'x' },
    ]);
    // Everything below the active segment is clean now: nothing to do.
    expect(cleanLog(log, { now, firstDirtyOffset: res!.cleanedUpTo })).toBeNull();
    await lm.shutdown();
  });
});
