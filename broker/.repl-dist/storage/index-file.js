// Kafka's sparse segment indexes, in Kafka's byte format so kafka-dump-log reads them:
//   .index      8-byte entries: relative offset int32, physical position int32
//   .timeindex 12-byte entries: timestamp int64, relative offset int32
// Files are written exactly sized (not preallocated like Kafka's mmaps); Kafka accepts that on load.
// The active segment keeps all its entries in memory and writes new ones to the file in bulk (flush(),
// roll, close, or every FLUSH_EVERY entries), so an append costs no syscall for its index entry.
// Inactive segments drop the memory copy and binary-search the file with small preads.
import fs from 'node:fs';
import { readInt64BE, writeInt64BE } from '../records/batch.js';
const FLUSH_EVERY = 512;
class IndexFile {
    path;
    baseOffset;
    entrySize;
    maxEntries;
    entries = 0;
    /** Full copy of the entries while the segment is active; null once inactive. */
    mem = null;
    /** Entries already written to the file. */
    persisted = 0;
    fd = null;
    scratch;
    constructor(path, baseOffset, entrySize, maxEntries) {
        this.path = path;
        this.baseOffset = baseOffset;
        this.entrySize = entrySize;
        this.maxEntries = maxEntries;
        this.scratch = Buffer.allocUnsafe(entrySize);
    }
    /** Loads entries from an existing file (size rounded down to whole entries); `inMemory` keeps a copy. */
    load(inMemory) {
        let size = 0;
        try {
            size = fs.statSync(this.path).size;
        }
        catch {
            size = 0;
        }
        this.entries = Math.floor(size / this.entrySize);
        if (size !== this.entries * this.entrySize)
            fs.truncateSync(this.path, this.entries * this.entrySize);
        this.persisted = this.entries;
        this.mem = null;
        if (inMemory)
            this.loadIntoMemory();
    }
    /** Starts empty, truncating any existing file. */
    reset(inMemory) {
        fs.writeFileSync(this.path, Buffer.alloc(0));
        this.closeFd();
        this.entries = 0;
        this.persisted = 0;
        this.mem = inMemory ? Buffer.allocUnsafe(64 * this.entrySize) : null;
    }
    loadIntoMemory() {
        if (this.mem)
            return;
        const cap = Math.max(64, this.entries * 2) * this.entrySize;
        const mem = Buffer.allocUnsafe(cap);
        if (this.persisted > 0) {
            const fd = this.getFd();
            readFully(fd, mem, 0, this.persisted * this.entrySize, 0);
        }
        this.mem = mem;
    }
    get isFull() {
        return this.entries >= this.maxEntries;
    }
    get sizeInBytes() {
        return this.entries * this.entrySize;
    }
    /** Bytes of entry i (a view into memory or into a scratch buffer valid until the next call). */
    entry(i) {
        const size = this.entrySize;
        if (this.mem)
            return this.mem.subarray(i * size, i * size + size);
        readFully(this.getFd(), this.scratch, 0, size, i * size);
        return this.scratch;
    }
    appendEntry() {
        if (!this.mem)
            this.loadIntoMemory();
        const size = this.entrySize;
        let mem = this.mem;
        if ((this.entries + 1) * size > mem.length) {
            const grown = Buffer.allocUnsafe(mem.length * 2);
            mem.copy(grown, 0, 0, this.entries * size);
            this.mem = mem = grown;
        }
        const view = mem.subarray(this.entries * size, (this.entries + 1) * size);
        this.entries++;
        return view;
    }
    afterAppend() {
        if (this.entries - this.persisted >= FLUSH_EVERY)
            this.flush();
    }
    /** Writes entries not yet in the file with one write. */
    flush() {
        if (this.persisted >= this.entries || !this.mem)
            return;
        const size = this.entrySize;
        const fd = this.getFd();
        writeFully(fd, this.mem, this.persisted * size, (this.entries - this.persisted) * size, this.persisted * size);
        this.persisted = this.entries;
    }
    fsync() {
        this.flush();
        if (this.fd !== null)
            fs.fsyncSync(this.fd);
    }
    /** Keeps the first n entries. */
    truncateEntries(n) {
        if (n >= this.entries)
            return;
        this.entries = n;
        if (this.persisted > n) {
            this.persisted = n;
            fs.truncateSync(this.path, n * this.entrySize);
        }
    }
    /** Writes the tail and drops the in-memory copy (segment became inactive). */
    makeInactive() {
        this.flush();
        this.mem = null;
    }
    /** Largest i with key(i) <= target, or -1. */
    floorSearch(target, key) {
        let lo = 0;
        let hi = this.entries - 1;
        if (hi < 0 || key(0) > target)
            return -1;
        while (lo < hi) {
            const mid = (lo + hi + 1) >>> 1;
            if (key(mid) <= target)
                lo = mid;
            else
                hi = mid - 1;
        }
        return lo;
    }
    getFd() {
        if (this.fd === null)
            this.fd = fs.openSync(this.path, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o644);
        return this.fd;
    }
    closeFd() {
        if (this.fd !== null) {
            fs.closeSync(this.fd);
            this.fd = null;
        }
    }
    close() {
        this.flush();
        this.closeFd();
    }
    rename(newPath) {
        this.flush();
        this.closeFd();
        if (fs.existsSync(this.path))
            fs.renameSync(this.path, newPath);
        this.path = newPath;
    }
    deleteFile() {
        this.closeFd();
        this.mem = null;
        fs.rmSync(this.path, { force: true });
    }
}
export class OffsetIndex extends IndexFile {
    constructor(path, baseOffset, maxIndexBytes) {
        super(path, baseOffset, 8, Math.max(1, Math.floor(maxIndexBytes / 8)));
    }
    lastOffset() {
        if (this.entries === 0)
            return this.baseOffset;
        return this.baseOffset + this.entry(this.entries - 1).readInt32BE(0);
    }
    lastEntry() {
        if (this.entries === 0)
            return { offset: this.baseOffset, position: 0 };
        const e = this.entry(this.entries - 1);
        return { offset: this.baseOffset + e.readInt32BE(0), position: e.readInt32BE(4) };
    }
    entryAt(i) {
        const e = this.entry(i);
        return { offset: this.baseOffset + e.readInt32BE(0), position: e.readInt32BE(4) };
    }
    /** Kafka appends only strictly increasing offsets. */
    append(offset, position) {
        const rel = offset - this.baseOffset;
        if (this.entries > 0 && rel <= this.entry(this.entries - 1).readInt32BE(0))
            return;
        const e = this.appendEntry();
        e.writeInt32BE(rel, 0);
        e.writeInt32BE(position, 4);
        this.afterAppend();
    }
    /** The entry with the largest offset <= target, or (baseOffset, 0). */
    lookup(offset) {
        const rel = offset - this.baseOffset;
        const i = this.floorSearch(rel, (k) => this.entry(k).readInt32BE(0));
        if (i < 0)
            return { offset: this.baseOffset, position: 0 };
        return this.entryAt(i);
    }
    /** Drops entries for offsets >= offset. */
    truncateToOffset(offset) {
        const i = this.floorSearch(offset - this.baseOffset - 1, (k) => this.entry(k).readInt32BE(0));
        this.truncateEntries(i + 1);
    }
    /** Cheap consistency check of a file loaded without recovery. */
    sane(logSize) {
        if (this.entries === 0)
            return true;
        const first = this.entryAt(0);
        const last = this.lastEntry();
        return first.offset >= this.baseOffset && last.offset >= first.offset && last.position < Math.max(logSize, 1) && last.position >= first.position;
    }
}
export class TimeIndex extends IndexFile {
    constructor(path, baseOffset, maxIndexBytes) {
        super(path, baseOffset, 12, Math.max(1, Math.floor(maxIndexBytes / 12)));
    }
    entryAt(i) {
        const e = this.entry(i);
        return { timestamp: readInt64BE(e, 0), offset: this.baseOffset + e.readInt32BE(8) };
    }
    lastEntry() {
        return this.entries === 0 ? null : this.entryAt(this.entries - 1);
    }
    /** Appends when the timestamp grows (Kafka's TimeIndex.maybeAppend); `force` ignores fullness. */
    maybeAppend(timestamp, offset, force = false) {
        if (!force && this.isFull)
            return;
        if (this.entries > 0) {
            const last = this.entryAt(this.entries - 1);
            if (timestamp <= last.timestamp || offset < last.offset)
                return;
        }
        const e = this.appendEntry();
        writeInt64BE(e, 0, timestamp);
        e.writeInt32BE(offset - this.baseOffset, 8);
        this.afterAppend();
    }
    /** The entry with the largest timestamp <= ts, or (-1, baseOffset). */
    lookup(ts) {
        const i = this.floorSearch(ts, (k) => readInt64BE(this.entry(k), 0));
        if (i < 0)
            return { timestamp: -1, offset: this.baseOffset };
        return this.entryAt(i);
    }
    /** Drops entries pointing at offsets >= offset. */
    truncateToOffset(offset) {
        let n = this.entries;
        while (n > 0 && this.entryAt(n - 1).offset >= offset)
            n--;
        this.truncateEntries(n);
    }
    sane() {
        if (this.entries === 0)
            return true;
        const first = this.entryAt(0);
        const last = this.entryAt(this.entries - 1);
        return first.offset >= this.baseOffset && last.timestamp >= first.timestamp && last.offset >= first.offset;
    }
}
export function readFully(fd, buf, off, len, position) {
    let done = 0;
    while (done < len) {
        const n = fs.readSync(fd, buf, off + done, len - done, position + done);
        if (n === 0)
            break;
        done += n;
    }
    return done;
}
export function writeFully(fd, buf, off, len, position) {
    let done = 0;
    while (done < len)
        done += fs.writeSync(fd, buf, off + done, len - done, position + done);
}
//# sourceMappingURL=index-file.js.map