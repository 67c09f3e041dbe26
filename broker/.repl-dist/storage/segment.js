// One log segment: `<20-digit base offset>.log` with its `.index` and `.timeindex`, as Kafka lays them
// out. All I/O is synchronous and positional on file descriptors kept open for the segment's life.
import fs from 'node:fs';
import path from 'node:path';
import { BATCH_LENGTH_OFFSET, LOG_OVERHEAD, MAGIC_OFFSET, MAGIC_V2, RECORD_BATCH_OVERHEAD, lastOffsetOf, readBatchHeader, scanBatches, } from '../records/batch.js';
import { OffsetIndex, TimeIndex, readFully, writeFully } from './index-file.js';
export const LOG_SUFFIX = '.log';
export const INDEX_SUFFIX = '.index';
export const TIME_INDEX_SUFFIX = '.timeindex';
export const SNAPSHOT_SUFFIX = '.snapshot';
export const CLEANED_SUFFIX = '.cleaned';
export const SWAP_SUFFIX = '.swap';
export const DELETED_SUFFIX = '.deleted';
/** Kafka's file name: the base offset zero-padded to 20 digits. */
export function filenamePrefixFromOffset(offset) {
    return String(offset).padStart(20, '0');
}
export function segmentFile(dir, baseOffset, suffix) {
    return path.join(dir, filenamePrefixFromOffset(baseOffset) + suffix);
}
/** Header-walk window: large enough to hold many small batch headers per pread. */
const WALK_WINDOW = 16 * 1024;
/** Recovery reads the log in chunks of this size (grown for larger batches). */
const RECOVERY_CHUNK = 8 * 1024 * 1024;
export class LogSegment {
    dir;
    baseOffset;
    opts;
    /** Bytes in the .log file. */
    size = 0;
    /** Last offset + 1 of the data in this segment (baseOffset when empty). */
    nextOffset;
    /** Largest batch maxTimestamp so far (-1: none) and the last offset of that batch. */
    maxTimestamp = -1;
    offsetOfMaxTimestamp;
    /** Max timestamp of the first batch: Kafka's rollingBasedTimestamp for segment.ms rolls. */
    rollingBasedTimestamp = null;
    /** Wall-clock creation (or load) time of this segment object. */
    created;
    bytesSinceLastIndexEntry = 0;
    fd = null;
    offsetIndex;
    timeIndex;
    logPath;
    constructor(dir, baseOffset, opts, now, suffix = '') {
        this.dir = dir;
        this.baseOffset = baseOffset;
        this.opts = opts;
        this.logPath = segmentFile(dir, baseOffset, LOG_SUFFIX + suffix);
        this.offsetIndex = new OffsetIndex(segmentFile(dir, baseOffset, INDEX_SUFFIX + suffix), baseOffset, opts.maxIndexBytes);
        this.timeIndex = new TimeIndex(segmentFile(dir, baseOffset, TIME_INDEX_SUFFIX + suffix), baseOffset, opts.maxIndexBytes);
        this.nextOffset = baseOffset;
        this.offsetOfMaxTimestamp = baseOffset;
        this.created = now;
    }
    /** A new empty segment (existing files at that name are truncated). `suffix` e.g. '.cleaned'. */
    static create(dir, baseOffset, opts, now, suffix = '') {
        const seg = new LogSegment(dir, baseOffset, opts, now, suffix);
        fs.writeFileSync(seg.logPath, Buffer.alloc(0));
        seg.offsetIndex.reset(true);
        seg.timeIndex.reset(true);
        return seg;
    }
    /**
     * Opens an existing segment without a full recovery: loads the indexes and walks the batch headers after
     * the last index entry to learn nextOffset and the max timestamp. Returns null when the files look
     * inconsistent (torn tail, bad index), in which case the caller must recover() it.
     */
    static open(dir, baseOffset, opts, now, active) {
        const seg = new LogSegment(dir, baseOffset, opts, now);
        seg.size = fs.statSync(seg.logPath).size;
        seg.offsetIndex.load(active);
        seg.timeIndex.load(active);
        const clean = seg.offsetIndex.sane(seg.size) && seg.timeIndex.sane() && seg.loadTail();
        return { segment: seg, clean };
    }
    /** Sets nextOffset/maxTimestamp from the indexes and the batches after the last index entry. */
    loadTail() {
        const last = this.offsetIndex.lastEntry();
        const te = this.timeIndex.lastEntry();
        if (te) {
            this.maxTimestamp = te.timestamp;
            this.offsetOfMaxTimestamp = te.offset;
        }
        if (last.position > this.size)
            return false;
        let lastBatchEnd = last.position;
        const end = this.walk(last.position, (h) => {
            this.nextOffset = lastOffsetOf(h) + 1;
            if (h.maxTimestamp > this.maxTimestamp) {
                this.maxTimestamp = h.maxTimestamp;
                this.offsetOfMaxTimestamp = lastOffsetOf(h);
            }
            lastBatchEnd = h.position + h.size;
            return false;
        });
        this.bytesSinceLastIndexEntry = this.size - last.position;
        if (this.size > 0) {
            const first = this.readHeaderAt(0);
            if (first)
                this.rollingBasedTimestamp = first.maxTimestamp;
        }
        return end === this.size && lastBatchEnd === this.size;
    }
    getFd() {
        // No O_CREAT: a segment whose files were deleted must fail loudly rather than come back empty.
        if (this.fd === null)
            this.fd = fs.openSync(this.logPath, 'r+');
        return this.fd;
    }
    /** A read-only view of a `.log.swap` file, to learn the offset range it covers. */
    static openForSwap(dir, baseOffset, opts, logPath) {
        const seg = new LogSegment(dir, baseOffset, opts, Date.now());
        seg.logPath = logPath;
        seg.size = fs.statSync(logPath).size;
        return seg;
    }
    /** Last offset + 1 by walking every header from the start. */
    nextOffsetByWalk() {
        let next = this.baseOffset;
        this.walk(0, (h) => {
            next = lastOffsetOf(h) + 1;
            return false;
        });
        return next;
    }
    get isEmpty() {
        return this.size === 0;
    }
    /** Largest timestamp for retention: the max batch timestamp, else the file's mtime (as Kafka). */
    largestTimestamp() {
        if (this.maxTimestamp > 0)
            return this.maxTimestamp;
        try {
            return fs.statSync(this.logPath).mtimeMs;
        }
        catch {
            return this.created;
        }
    }
    /** Whether an offset can be stored relative to the base (int32). */
    canConvertToRelativeOffset(offset) {
        const rel = offset - this.baseOffset;
        return rel >= 0 && rel <= 0x7fffffff;
    }
    /**
     * Appends `buf` (whole batches, offsets already assigned) with one positional write. `headers` carry
     * positions relative to buf. Index entries are added in memory (Kafka's rule: one when more than
     * index.interval.bytes were appended since the last entry; it maps the batch's last offset to its start).
     */
    append(buf, headers) {
        if (buf.length === 0)
            return;
        const physical = this.size;
        writeFully(this.getFd(), buf, 0, buf.length, physical);
        if (physical === 0)
            this.rollingBasedTimestamp = headers[0].maxTimestamp;
        for (const h of headers)
            this.indexBatch(h, physical + h.position);
        this.size = physical + buf.length;
    }
    indexBatch(h, filePos) {
        const last = lastOffsetOf(h);
        if (h.maxTimestamp > this.maxTimestamp) {
            this.maxTimestamp = h.maxTimestamp;
            this.offsetOfMaxTimestamp = last;
        }
        if (this.bytesSinceLastIndexEntry > this.opts.indexIntervalBytes) {
            this.offsetIndex.append(last, filePos);
            this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp);
            this.bytesSinceLastIndexEntry = 0;
        }
        this.bytesSinceLastIndexEntry += h.size;
        this.nextOffset = last + 1;
    }
    /**
     * Walks batch headers from `start` (a batch boundary) to the end of the file, with windowed reads.
     * `cb` returns true to stop at that batch. Returns the position where the walk stopped: the position of
     * the batch cb stopped at, the end of the last structurally valid batch, or the file size.
     */
    walk(start, cb, end = this.size) {
        const fd = this.getFd();
        const win = Buffer.allocUnsafe(WALK_WINDOW);
        let winStart = 0;
        let winLen = 0;
        let pos = start;
        while (pos + RECORD_BATCH_OVERHEAD <= end) {
            if (pos < winStart || pos + RECORD_BATCH_OVERHEAD > winStart + winLen) {
                winStart = pos;
                winLen = readFully(fd, win, 0, Math.min(WALK_WINDOW, end - pos), pos);
                if (winLen < RECORD_BATCH_OVERHEAD)
                    break;
            }
            const off = pos - winStart;
            const size = win.readInt32BE(off + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD;
            if (size < RECORD_BATCH_OVERHEAD || pos + size > end || win.readInt8(off + MAGIC_OFFSET) !== MAGIC_V2)
                break;
            const h = readBatchHeader(win, off);
            h.position = pos;
            if (cb(h))
                return pos;
            pos += size;
        }
        return pos;
    }
    readHeaderAt(position) {
        if (position + RECORD_BATCH_OVERHEAD > this.size)
            return null;
        const buf = Buffer.allocUnsafe(RECORD_BATCH_OVERHEAD);
        if (readFully(this.getFd(), buf, 0, RECORD_BATCH_OVERHEAD, position) < RECORD_BATCH_OVERHEAD)
            return null;
        const h = readBatchHeader(buf, 0);
        h.position = position;
        return h;
    }
    /** The first batch with lastOffset >= offset, at or after startingPosition (Kafka's translateOffset). */
    translateOffset(offset, startingPosition = 0) {
        if (offset >= this.nextOffset)
            return null;
        const mapping = this.offsetIndex.lookup(offset);
        let found = null;
        this.walk(Math.max(mapping.position, startingPosition), (h) => {
            if (lastOffsetOf(h) >= offset) {
                found = h;
                return true;
            }
            return false;
        });
        return found;
    }
    /** The first batch with maxTimestamp >= ts and lastOffset >= startingOffset (Kafka's findOffsetByTimestamp). */
    findBatchByTimestamp(ts, startingOffset) {
        const to = this.timeIndex.lookup(ts);
        const position = this.offsetIndex.lookup(Math.max(to.offset, startingOffset)).position;
        let found = null;
        this.walk(position, (h) => {
            if (h.maxTimestamp >= ts && lastOffsetOf(h) >= startingOffset) {
                found = h;
                return true;
            }
            return false;
        });
        return found;
    }
    /** Raw bytes [position, position + length) of the log file. */
    readBytes(position, length) {
        const len = Math.max(0, Math.min(length, this.size - position));
        const buf = Buffer.allocUnsafe(len);
        const n = readFully(this.getFd(), buf, 0, len, position);
        return n === len ? buf : buf.subarray(0, n);
    }
    /**
     * Full recovery (Kafka's LogSegment.recover): re-reads every batch with CRC checks, rebuilds both
     * indexes, and truncates the file after the last valid batch. `onBatch` sees every valid header.
     */
    recover(maxBatchBytes, onBatch) {
        const fd = this.getFd();
        const fileSize = fs.fstatSync(fd).size;
        this.offsetIndex.reset(true);
        this.timeIndex.reset(true);
        this.maxTimestamp = -1;
        this.offsetOfMaxTimestamp = this.baseOffset;
        this.nextOffset = this.baseOffset;
        this.rollingBasedTimestamp = null;
        this.bytesSinceLastIndexEntry = 0;
        let pos = 0;
        let need = RECOVERY_CHUNK;
        let minBase = this.baseOffset;
        let lastIndexEntry = 0;
        while (pos < fileSize) {
            const len = Math.min(Math.max(RECOVERY_CHUNK, need), fileSize - pos);
            const buf = Buffer.allocUnsafe(len);
            const got = readFully(fd, buf, 0, len, pos);
            const chunk = got === len ? buf : buf.subarray(0, got);
            const r = scanBatches(chunk, { base: pos, checkCrc: true, maxBatchBytes, minBaseOffset: minBase });
            let stop = false;
            let validEnd = pos;
            for (const h of r.headers) {
                // A batch whose offsets do not fit the segment's int32 relative offsets cannot be ours: stop there.
                if (!this.canConvertToRelativeOffset(lastOffsetOf(h))) {
                    stop = true;
                    break;
                }
                validEnd = h.position + h.size;
                if (this.rollingBasedTimestamp === null)
                    this.rollingBasedTimestamp = h.maxTimestamp;
                const last = lastOffsetOf(h);
                if (h.maxTimestamp > this.maxTimestamp) {
                    this.maxTimestamp = h.maxTimestamp;
                    this.offsetOfMaxTimestamp = last;
                }
                if (h.position - lastIndexEntry > this.opts.indexIntervalBytes) {
                    this.offsetIndex.append(last, h.position);
                    this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp);
                    lastIndexEntry = h.position;
                }
                this.nextOffset = last + 1;
                minBase = last + 1;
                onBatch?.(h);
            }
            if (stop) {
                pos = validEnd;
                break;
            }
            pos += r.validBytes;
            if (r.validBytes === chunk.length) {
                need = RECOVERY_CHUNK;
                if (chunk.length === 0)
                    break;
                continue;
            }
            const rest = chunk.length - r.validBytes;
            if (pos + rest >= fileSize)
                break; // the chunk reached the end of the file: a torn or corrupt tail
            if (rest < LOG_OVERHEAD) {
                need = RECOVERY_CHUNK;
                continue;
            }
            const size = chunk.readInt32BE(r.validBytes + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD;
            if (size > rest && size >= RECORD_BATCH_OVERHEAD && size <= maxBatchBytes && pos + size <= fileSize) {
                need = size; // the batch straddles the chunk boundary: read it whole
                continue;
            }
            break;
        }
        const truncatedBytes = fileSize - pos;
        if (truncatedBytes > 0)
            fs.ftruncateSync(fd, pos);
        this.size = pos;
        this.bytesSinceLastIndexEntry = pos - lastIndexEntry;
        // Kafka appends the segment's max timestamp on becoming inactive; recovery leaves the entry for later.
        return { validBytes: pos, truncatedBytes };
    }
    /**
     * Removes every batch with lastOffset >= offset (the whole batch containing `offset` goes, as in Kafka).
     * Returns the bytes removed.
     */
    truncateTo(offset) {
        const mapping = this.translateOffset(offset);
        this.offsetIndex.truncateToOffset(offset);
        this.timeIndex.truncateToOffset(offset);
        if (!mapping)
            return 0;
        const removed = this.size - mapping.position;
        fs.ftruncateSync(this.getFd(), mapping.position);
        this.size = mapping.position;
        this.nextOffset = this.baseOffset;
        this.maxTimestamp = -1;
        this.offsetOfMaxTimestamp = this.baseOffset;
        this.rollingBasedTimestamp = null;
        if (!this.loadTail()) {
            // Should not happen on data we wrote; fall back to a full rebuild of the indexes.
            this.recover(0x7fffffff);
        }
        return removed;
    }
    /** Kafka's onBecomeInactiveSegment: final time index entry, indexes written out and dropped from memory. */
    onBecomeInactive() {
        if (this.maxTimestamp >= 0)
            this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp, true);
        this.offsetIndex.makeInactive();
        this.timeIndex.makeInactive();
    }
    /** Writes pending index entries and fsyncs all three files. */
    flush() {
        if (this.fd !== null)
            fs.fsyncSync(this.fd);
        this.offsetIndex.fsync();
        this.timeIndex.fsync();
    }
    /** Writes pending index entries (no fsync). */
    flushIndexes() {
        this.offsetIndex.flush();
        this.timeIndex.flush();
    }
    /** Asynchronous fsync of the .log (used after a roll so the event loop is not blocked). */
    fsyncAsync(cb) {
        this.flushIndexes();
        if (this.fd === null)
            return cb(null);
        fs.fsync(this.fd, (err) => cb(err));
    }
    close() {
        this.offsetIndex.close();
        this.timeIndex.close();
        if (this.fd !== null) {
            fs.closeSync(this.fd);
            this.fd = null;
        }
    }
    deleteFiles() {
        this.close();
        fs.rmSync(this.logPath, { force: true });
        this.offsetIndex.deleteFile();
        this.timeIndex.deleteFile();
    }
    /** Renames the three files by replacing `from` suffix with `to` (e.g. '.cleaned' → '.swap'). */
    changeFileSuffixes(from, to) {
        const swap = (p) => (from ? p.slice(0, -from.length) : p) + to;
        this.offsetIndex.rename(swap(this.offsetIndex.path));
        this.timeIndex.rename(swap(this.timeIndex.path));
        if (this.fd !== null) {
            fs.closeSync(this.fd);
            this.fd = null;
        }
        const next = swap(this.logPath);
        fs.renameSync(this.logPath, next);
        this.logPath = next;
    }
    lastModified() {
        try {
            return fs.statSync(this.logPath).mtimeMs;
        }
        catch {
            return 0;
        }
    }
}
//# sourceMappingURL=segment.js.map