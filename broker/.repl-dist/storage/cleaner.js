// Log compaction (cleanup.policy=compact), after Kafka's LogCleaner: build key → latest offset over the
// dirty section, then rewrite the cleanable segments (never the active one, never above the high
// watermark or inside min.compaction.lag.ms) keeping only the latest record per key, dropping tombstones
// older than delete.retention.ms. Offsets are preserved; a batch that loses records is rebuilt with its
// original base offset, producer id/epoch/sequence, attributes and codec. Small neighbouring segments are
// merged. Files go through Kafka's `.cleaned` → `.swap` → final rename protocol (PartitionLog.replaceSegments).
import { CRC_OFFSET, CRC_START, LOG_OVERHEAD, RECORDS_OFFSET, TimestampType, lastOffsetOf, readBatchHeader, writeInt64BE, } from '../records/batch.js';
import { crc32c } from '../records/crc32c.js';
import { compress } from '../records/compression.js';
import { encodeRecords, readRecords } from '../records/record.js';
import { CLEANED_SUFFIX, LogSegment } from './segment.js';
/** Bytes written to the cleaned segment per write. */
const WRITE_CHUNK = 1024 * 1024;
/** The non-active segments eligible for cleaning, and the offset where cleaning must stop. */
export function cleanableSegments(log, now) {
    const all = log.segmentList();
    const out = [];
    const lag = log.config.minCompactionLagMs;
    for (let i = 0; i < all.length - 1; i++) {
        const seg = all[i];
        const upper = all[i + 1].baseOffset;
        if (upper > log.highWatermark)
            break;
        if (lag > 0 && seg.largestTimestamp() > now - lag)
            break;
        out.push(seg);
    }
    const firstUncleanable = out.length ? all[out.length].baseOffset : all[0].baseOffset;
    return { segments: out, firstUncleanable };
}
/** Dirty bytes / total cleanable bytes, given where the last cleaning stopped. */
export function dirtyRatio(segments, firstDirtyOffset) {
    let total = 0;
    let dirty = 0;
    for (const seg of segments) {
        total += seg.size;
        if (seg.nextOffset > firstDirtyOffset)
            dirty += seg.size;
    }
    return total === 0 ? 0 : dirty / total;
}
/** Batches of a segment with their bytes, one pread per batch. */
function* batchesOf(seg) {
    const headers = [];
    seg.walk(0, (h) => {
        headers.push(h);
        return false;
    });
    for (const h of headers)
        yield { h, bytes: seg.readBytes(h.position, h.size) };
}
function keyString(key) {
    return key.toString('latin1'); // 1:1 bytes → string, so binary keys compare exactly
}
/**
 * One cleaning pass. Returns null when there is nothing to do (no cleanable segments, nothing dirty, or
 * a dirty ratio below min.cleanable.dirty.ratio without `force`).
 */
export function cleanLog(log, opts = {}) {
    const now = opts.now ?? Date.now();
    const config = log.config;
    const { segments, firstUncleanable } = cleanableSegments(log, now);
    if (segments.length === 0)
        return null;
    const firstDirty = Math.max(opts.firstDirtyOffset ?? log.logStartOffset, log.logStartOffset);
    if (firstDirty >= firstUncleanable && !opts.force)
        return null;
    if (!opts.force && dirtyRatio(segments, firstDirty) < config.minCleanableDirtyRatio)
        return null;
    // 1. key → latest offset over the dirty section.
    const latest = new Map();
    for (const seg of segments) {
        if (seg.nextOffset <= firstDirty)
            continue;
        for (const { h, bytes } of batchesOf(seg)) {
            if (h.isControl || lastOffsetOf(h) < firstDirty)
                continue;
            for (const r of readRecords(bytes)) {
                if (r.key && r.offset >= firstDirty)
                    latest.set(keyString(r.key), r.offset);
            }
        }
    }
    // 2. Group consecutive segments so a group's output fits one segment (sizes before cleaning, as Kafka).
    const groups = [];
    let cur = [];
    let curSize = 0;
    for (const seg of segments) {
        const span = cur.length ? seg.nextOffset - cur[0].baseOffset : 0;
        if (cur.length && (curSize + seg.size > config.segmentBytes || span > 0x7fffffff)) {
            groups.push(cur);
            cur = [];
            curSize = 0;
        }
        cur.push(seg);
        curSize += seg.size;
    }
    if (cur.length)
        groups.push(cur);
    // 3. Rewrite each group into a `.cleaned` segment and swap it in.
    const result = {
        cleanedUpTo: firstUncleanable,
        segmentsBefore: segments.length,
        segmentsAfter: groups.length,
        bytesBefore: 0,
        bytesAfter: 0,
        recordsRemoved: 0,
    };
    const segOpts = { indexIntervalBytes: config.indexIntervalBytes, maxIndexBytes: config.segmentIndexBytes };
    for (const group of groups) {
        const cleaned = LogSegment.create(log.dir, group[0].baseOffset, segOpts, now, CLEANED_SUFFIX);
        let pending = [];
        let pendingHeaders = [];
        let pendingSize = 0;
        const flushPending = () => {
            if (!pending.length)
                return;
            cleaned.append(pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingSize), pendingHeaders);
            pending = [];
            pendingHeaders = [];
            pendingSize = 0;
        };
        const add = (bytes) => {
            const h = readBatchHeader(bytes, 0);
            h.position = pendingSize;
            pending.push(bytes);
            pendingHeaders.push(h);
            pendingSize += bytes.length;
            if (pendingSize >= WRITE_CHUNK)
                flushPending();
        };
        try {
            for (const seg of group) {
                result.bytesBefore += seg.size;
                // Tombstones stay visible for delete.retention.ms after the segment's newest record.
                const retainDeletes = seg.largestTimestamp() > now - config.deleteRetentionMs;
                for (const { h, bytes } of batchesOf(seg)) {
                    if (h.isControl) {
                        add(bytes);
                        continue;
                    }
                    const records = readRecords(bytes);
                    const kept = records.filter((r) => {
                        if (!r.key)
                            return false; // a compacted topic cannot hold keyless records (Kafka discards them too)
                        const l = latest.get(keyString(r.key));
                        if (l !== undefined && l > r.offset)
                            return false;
                        if (r.value === null && !retainDeletes)
                            return false;
                        return true;
                    });
                    result.recordsRemoved += records.length - kept.length;
                    if (kept.length === records.length)
                        add(bytes);
                    else if (kept.length > 0)
                        add(rebuildBatch(h, bytes, kept));
                }
            }
            flushPending();
        }
        catch (err) {
            cleaned.deleteFiles();
            throw err;
        }
        result.bytesAfter += cleaned.size;
        log.replaceSegments(cleaned, group);
    }
    return result;
}
/** A batch with a subset of its records: same base offset, producer fields, attributes and codec. */
export function rebuildBatch(h, original, kept) {
    const logAppendTime = h.timestampType === TimestampType.LogAppendTime;
    const baseTimestamp = logAppendTime ? h.baseTimestamp : kept[0].timestamp;
    let maxTimestamp = logAppendTime ? h.maxTimestamp : -1;
    if (!logAppendTime)
        for (const r of kept)
            if (r.timestamp > maxTimestamp)
                maxTimestamp = r.timestamp;
    const section = compress(h.compression, encodeRecords(kept.map((r) => ({
        key: r.key,
        value: r.value,
        headers: r.headers,
        timestampDelta: logAppendTime ? 0 : r.timestamp - baseTimestamp,
        offsetDelta: r.offset - h.baseOffset,
    }))));
    const out = Buffer.allocUnsafe(RECORDS_OFFSET + section.length);
    // Fields 0..27 (baseOffset, length, epoch, magic, crc, attributes, lastOffsetDelta) come from the
    // original and are then overwritten where they change; producer fields 43..61 likewise.
    original.copy(out, 0, 0, RECORDS_OFFSET);
    out.writeInt32BE(out.length - LOG_OVERHEAD, 8);
    out.writeInt32BE(kept[kept.length - 1].offset - h.baseOffset, 23);
    writeInt64BE(out, 27, baseTimestamp);
    writeInt64BE(out, 35, maxTimestamp);
    out.writeInt32BE(kept.length, 57);
    section.copy(out, RECORDS_OFFSET);
    out.writeUInt32BE(crc32c(out, CRC_START, out.length), CRC_OFFSET);
    return out;
}
//# sourceMappingURL=cleaner.js.map