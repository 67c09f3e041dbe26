// Idempotent-producer state of one partition, as Kafka's ProducerStateManager (3.9): per producer id the
// epoch and the metadata of its last 5 batches. Client appends are checked before they are written:
// a retried batch (same epoch and sequence range as a cached one) is a duplicate answered with the
// original offsets, a stale epoch is INVALID_PRODUCER_EPOCH, a sequence gap OUT_OF_ORDER_SEQUENCE_NUMBER.
// Snapshots use Kafka's `<20-digit offset>.snapshot` format (version 1, CRC32C), so recovery only
// replays batch headers written after the newest snapshot.
import fs from 'node:fs';
import path from 'node:path';
import { NO_PRODUCER_EPOCH, NO_SEQUENCE, lastOffsetOf, lastSequenceOf, readInt64BE, writeInt64BE, } from '../records/batch.js';
import { crc32c } from '../records/crc32c.js';
import { ErrorCode, KafkaError } from '../protocol/errors.js';
import { writeFileAtomic } from './checkpoint.js';
import { SNAPSHOT_SUFFIX, filenamePrefixFromOffset } from './segment.js';
import { childLogger } from '../log.js';
const log = childLogger('producer-state');
export const NUM_BATCHES_TO_RETAIN = 5;
const SNAPSHOT_VERSION = 1;
const SNAPSHOT_ENTRY_SIZE = 8 + 2 + 4 + 8 + 4 + 8 + 4 + 8;
/** Kafka's DefaultRecordBatch.decrementSequence. */
function decrementSequence(sequence, decrement) {
    if (sequence < decrement)
        return 0x7fffffff - (decrement - sequence) + 1;
    return sequence - decrement;
}
function inSequence(lastSeq, nextSeq) {
    return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === 0x7fffffff);
}
export class ProducerStateManager {
    dir;
    producers = new Map();
    constructor(dir) {
        this.dir = dir;
    }
    lastEntry(producerId) {
        return this.producers.get(producerId);
    }
    /**
     * Checks the batches of one append (headers before offset assignment). Returns the cached metadata of a
     * duplicate batch (the caller answers with its offsets and appends nothing), or null; throws KafkaError.
     * Does not change state: call update() for every batch once it is written.
     */
    check(headers, origin) {
        // Staged per-producer view across the batches of this request (Kafka's ProducerAppendInfo).
        let staged = null;
        for (const h of headers) {
            if (h.producerId < 0)
                continue;
            const current = this.producers.get(h.producerId);
            if (origin === 'client' && current && h.producerEpoch === current.producerEpoch) {
                const lastSeq = lastSequenceOf(h);
                const dup = current.batches.find((b) => b.firstSeq === h.baseSequence && b.lastSeq === lastSeq);
                if (dup)
                    return dup;
            }
            if (origin === 'replication' || h.isControl)
                continue;
            staged ??= new Map();
            let u = staged.get(h.producerId);
            if (!u) {
                u = { epoch: current?.producerEpoch ?? NO_PRODUCER_EPOCH, lastSeq: NO_SEQUENCE, hasBatches: false };
                staged.set(h.producerId, u);
            }
            if (h.producerEpoch < u.epoch) {
                throw new KafkaError(ErrorCode.INVALID_PRODUCER_EPOCH, `Epoch of producer ${h.producerId} is ${h.producerEpoch}, which is smaller than the last seen epoch ${u.epoch}`);
            }
            if (origin === 'client') {
                const currentEpoch = current?.producerEpoch ?? NO_PRODUCER_EPOCH;
                if (h.producerEpoch !== u.epoch) {
                    if (h.baseSequence !== 0 && u.epoch !== NO_PRODUCER_EPOCH) {
                        throw new KafkaError(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, `Invalid sequence number for new epoch of producer ${h.producerId}: ${h.producerEpoch} (request epoch), ` +
                            `${h.baseSequence} (seq. number), ${u.epoch} (current producer epoch)`);
                    }
                }
                else {
                    let currentLastSeq = NO_SEQUENCE;
                    if (u.hasBatches)
                        currentLastSeq = u.lastSeq;
                    else if (current && h.producerEpoch === currentEpoch && current.batches.length) {
                        currentLastSeq = current.batches[current.batches.length - 1].lastSeq;
                    }
                    // No known epoch (e.g. the producer's records were all deleted): accept any sequence, as Kafka.
                    if (!(currentEpoch === NO_PRODUCER_EPOCH || inSequence(currentLastSeq, h.baseSequence))) {
                        throw new KafkaError(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, `Out of order sequence number for producer ${h.producerId}: ${h.baseSequence} (incoming seq. number), ` +
                            `${currentLastSeq} (current end sequence number)`);
                    }
                }
            }
            u.epoch = h.producerEpoch;
            u.lastSeq = lastSequenceOf(h);
            u.hasBatches = true;
        }
        return null;
    }
    /** Applies a written batch (offsets final). Used after appends and when replaying the log. */
    update(h) {
        if (h.producerId < 0)
            return;
        let e = this.producers.get(h.producerId);
        if (!e) {
            e = { producerId: h.producerId, producerEpoch: NO_PRODUCER_EPOCH, coordinatorEpoch: -1, lastTimestamp: -1, batches: [] };
            this.producers.set(h.producerId, e);
        }
        if (e.producerEpoch !== h.producerEpoch) {
            e.batches = [];
            e.producerEpoch = h.producerEpoch;
        }
        e.lastTimestamp = h.maxTimestamp;
        if (h.isControl)
            return; // transaction markers carry no data sequence
        if (e.batches.length >= NUM_BATCHES_TO_RETAIN)
            e.batches.shift();
        e.batches.push({
            firstSeq: h.baseSequence,
            lastSeq: lastSequenceOf(h),
            firstOffset: h.baseOffset,
            lastOffset: lastOffsetOf(h),
            timestamp: h.maxTimestamp,
        });
    }
    clear() {
        this.producers.clear();
    }
    /** Drops producers idle for longer than maxAgeMs (producer.id.expiration.ms). */
    removeExpired(now, maxAgeMs) {
        let n = 0;
        for (const [pid, e] of this.producers) {
            if (now - e.lastTimestamp >= maxAgeMs) {
                this.producers.delete(pid);
                n++;
            }
        }
        return n;
    }
    // ---- snapshots ----
    snapshotFile(offset) {
        return path.join(this.dir, filenamePrefixFromOffset(offset) + SNAPSHOT_SUFFIX);
    }
    /** Offsets of the snapshot files present, ascending. */
    listSnapshots() {
        let names = [];
        try {
            names = fs.readdirSync(this.dir);
        }
        catch {
            return [];
        }
        return names
            .filter((n) => n.endsWith(SNAPSHOT_SUFFIX) && /^\d{20}\.snapshot$/.test(n))
            .map((n) => Number(n.slice(0, 20)))
            .sort((a, b) => a - b);
    }
    /** Writes Kafka's snapshot format for the state as of `offset` (all batches below it applied). */
    takeSnapshot(offset) {
        const entries = [...this.producers.values()].filter((e) => e.batches.length > 0 || e.producerEpoch >= 0);
        const buf = Buffer.alloc(2 + 4 + 4 + entries.length * SNAPSHOT_ENTRY_SIZE);
        buf.writeInt16BE(SNAPSHOT_VERSION, 0);
        buf.writeInt32BE(entries.length, 6);
        let p = 10;
        for (const e of entries) {
            const last = e.batches[e.batches.length - 1];
            writeInt64BE(buf, p, e.producerId);
            buf.writeInt16BE(e.producerEpoch, p + 8);
            buf.writeInt32BE(last ? last.lastSeq : NO_SEQUENCE, p + 10);
            writeInt64BE(buf, p + 14, last ? last.lastOffset : -1);
            buf.writeInt32BE(last ? last.lastOffset - last.firstOffset : 0, p + 22);
            writeInt64BE(buf, p + 26, e.lastTimestamp);
            buf.writeInt32BE(e.coordinatorEpoch, p + 34);
            writeInt64BE(buf, p + 38, -1); // currentTxnFirstOffset: no transactions yet
            p += SNAPSHOT_ENTRY_SIZE;
        }
        buf.writeUInt32BE(crc32c(buf, 6), 2);
        writeFileAtomic(this.snapshotFile(offset), buf);
    }
    /** Reads a snapshot file into the state (replacing it); returns false if it is missing or corrupt. */
    loadSnapshot(offset) {
        const file = this.snapshotFile(offset);
        try {
            const buf = fs.readFileSync(file);
            if (buf.length < 10 || buf.readInt16BE(0) !== SNAPSHOT_VERSION)
                throw new Error('unknown snapshot version');
            if (buf.readUInt32BE(2) !== crc32c(buf, 6))
                throw new Error('snapshot CRC mismatch');
            const count = buf.readInt32BE(6);
            if (count < 0 || buf.length !== 10 + count * SNAPSHOT_ENTRY_SIZE)
                throw new Error('snapshot size mismatch');
            this.producers.clear();
            let p = 10;
            for (let i = 0; i < count; i++, p += SNAPSHOT_ENTRY_SIZE) {
                const producerId = readInt64BE(buf, p);
                const lastSeq = buf.readInt32BE(p + 10);
                const lastOffset = readInt64BE(buf, p + 14);
                const offsetDelta = buf.readInt32BE(p + 22);
                const timestamp = readInt64BE(buf, p + 26);
                const batches = lastOffset >= 0
                    ? [{ firstSeq: lastSeq < 0 ? NO_SEQUENCE : decrementSequence(lastSeq, offsetDelta), lastSeq, firstOffset: lastOffset - offsetDelta, lastOffset, timestamp }]
                    : [];
                this.producers.set(producerId, {
                    producerId,
                    producerEpoch: buf.readInt16BE(p + 8),
                    coordinatorEpoch: buf.readInt32BE(p + 34),
                    lastTimestamp: timestamp,
                    batches,
                });
            }
            return true;
        }
        catch (err) {
            if (err.code !== 'ENOENT')
                log.warn({ err, file }, 'ignoring unreadable producer snapshot');
            this.producers.clear();
            return false;
        }
    }
    /** Deletes snapshots with offset > `offset` (log truncated). */
    deleteSnapshotsAfter(offset) {
        for (const o of this.listSnapshots())
            if (o > offset)
                fs.rmSync(this.snapshotFile(o), { force: true });
    }
    /** Keeps the newest `keep` snapshots (and none below minOffset unless among them). */
    retainSnapshots(keep) {
        const all = this.listSnapshots();
        for (const o of all.slice(0, Math.max(0, all.length - keep)))
            fs.rmSync(this.snapshotFile(o), { force: true });
    }
    deleteAllSnapshots() {
        for (const o of this.listSnapshots())
            fs.rmSync(this.snapshotFile(o), { force: true });
    }
}
//# sourceMappingURL=producer-state.js.map