// The records inside a RecordBatch v2 (Kafka's DefaultRecord), for the few places that need individual
// records: internal topics (__consumer_offsets, transaction markers), compaction, tests. The produce and
// fetch paths never come here; they work on batch headers only (batch.ts).
//
// Record layout (all integers zig-zag varints unless noted):
//   length, attributes (int8, unused), timestampDelta (varlong), offsetDelta, keyLength (-1 = null), key,
//   valueLength (-1 = null), value, headerCount, then per header: keyLength, key (UTF-8), valueLength
//   (-1 = null), value.
import { ErrorCode, KafkaError } from '../protocol/errors.js';
import { decompress } from './compression.js';
// Header positions (the same as batch.ts's constants; repeated so this file reads on its own and does not
// depend on a module written in parallel).
const BASE_OFFSET = 0;
const BATCH_LENGTH = 8;
const MAGIC = 16;
const ATTRIBUTES = 21;
const BASE_TIMESTAMP = 27;
const MAX_TIMESTAMP = 35;
const RECORDS_COUNT = 57;
const RECORDS = 61;
const LOG_OVERHEAD = 12;
const COMPRESSION_MASK = 0x07;
const LOG_APPEND_TIME_FLAG = 0x08;
function corrupt(message) {
    return new KafkaError(ErrorCode.CORRUPT_MESSAGE, message);
}
function readInt64(buf, pos) {
    // Exact up to 2^53, which covers offsets, timestamps and producer ids in practice.
    return buf.readInt32BE(pos) * 4294967296 + buf.readUInt32BE(pos + 4);
}
/**
 * Decodes every record of one whole RecordBatch v2 (header + records), decompressing as its attributes say.
 * The CRC is not checked here (validateBatches does that where bytes enter the broker).
 * key/value/header values are views into `batch` (uncompressed) or into the decompressed buffer: copy them
 * if `batch` is going to be reused.
 * Throws KafkaError(CORRUPT_MESSAGE) on any inconsistency (CompressionError, a KafkaError too, from codecs).
 */
export function readRecords(batch) {
    if (batch.length < RECORDS)
        throw corrupt(`Record batch of ${batch.length} bytes is shorter than its ${RECORDS}-byte header`);
    const magic = batch.readInt8(MAGIC);
    if (magic !== 2)
        throw corrupt(`Unsupported record batch magic ${magic} (only v2 is readable)`);
    const size = batch.readInt32BE(BATCH_LENGTH) + LOG_OVERHEAD;
    if (size < RECORDS || size > batch.length) {
        throw corrupt(`Record batch declares ${size} bytes but ${batch.length} are available`);
    }
    const attributes = batch.readInt16BE(ATTRIBUTES);
    const baseOffset = readInt64(batch, BASE_OFFSET);
    const logAppendTime = (attributes & LOG_APPEND_TIME_FLAG) !== 0;
    const baseTimestamp = readInt64(batch, BASE_TIMESTAMP);
    const maxTimestamp = readInt64(batch, MAX_TIMESTAMP);
    const count = batch.readInt32BE(RECORDS_COUNT);
    if (count < 0)
        throw corrupt(`Invalid record count ${count}`);
    const section = decompress(attributes & COMPRESSION_MASK, batch.subarray(RECORDS, size));
    // Each record takes at least 7 bytes; refusing a larger count up front avoids a huge array for a lying header.
    if (count > section.length)
        throw corrupt(`Record count ${count} cannot fit in ${section.length} bytes`);
    const r = new Reader(section);
    const records = new Array(count);
    for (let i = 0; i < count; i++) {
        const length = r.varint();
        const start = r.pos;
        if (length < 0 || length > section.length - start)
            throw corrupt(`Invalid record length ${length} for record ${i}`);
        r.end = start + length;
        r.pos += 1; // attributes: unused in v2
        const timestampDelta = r.varlong();
        const offsetDelta = r.varint();
        const key = r.bytes();
        const value = r.bytes();
        const headerCount = r.varint();
        if (headerCount < 0 || headerCount > r.end - r.pos)
            throw corrupt(`Invalid header count ${headerCount} in record ${i}`);
        const headers = new Array(headerCount);
        for (let h = 0; h < headerCount; h++) {
            const hk = r.bytes();
            if (hk === null)
                throw corrupt(`Null header key in record ${i}`);
            headers[h] = { key: hk.toString('utf8'), value: r.bytes() };
        }
        if (r.pos !== r.end) {
            throw corrupt(`Invalid record size: expected ${length} bytes in record ${i}, read ${r.pos - start}`);
        }
        r.end = section.length;
        records[i] = {
            offset: baseOffset + offsetDelta,
            timestamp: logAppendTime ? maxTimestamp : baseTimestamp + timestampDelta,
            key,
            value,
            headers,
        };
    }
    if (r.pos !== section.length) {
        throw corrupt(`${section.length - r.pos} bytes left over after ${count} records`);
    }
    return records;
}
/** Bounds-checked cursor over a records section; `end` narrows to the current record while inside it. */
class Reader {
    buf;
    pos = 0;
    end;
    constructor(buf) {
        this.buf = buf;
        this.end = buf.length;
    }
    byte() {
        if (this.pos >= this.end)
            throw corrupt('Record truncated');
        return this.buf[this.pos++];
    }
    /** Zig-zag varint, at most 5 bytes (int32). */
    varint() {
        let raw = 0;
        for (let shift = 0; shift < 35; shift += 7) {
            const b = this.byte();
            raw |= (b & 0x7f) << shift;
            if ((b & 0x80) === 0)
                return (raw >>> 1) ^ -(raw & 1);
        }
        throw corrupt('Varint longer than 5 bytes');
    }
    /** Zig-zag varlong, at most 10 bytes; exact while |value| < 2^53. */
    varlong() {
        let raw = 0;
        let mul = 1;
        for (let i = 0; i < 10; i++) {
            const b = this.byte();
            raw += (b & 0x7f) * mul;
            mul *= 128;
            if ((b & 0x80) === 0)
                return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
        }
        throw corrupt('Varlong longer than 10 bytes');
    }
    /** varint length + bytes; -1 means null. */
    bytes() {
        const len = this.varint();
        if (len === -1)
            return null;
        if (len < 0 || len > this.end - this.pos)
            throw corrupt(`Invalid field length ${len}`);
        const out = this.buf.subarray(this.pos, this.pos + len);
        this.pos += len;
        return out;
    }
}
// ------------------------------------------------------------------------------------------ encoding
/** Size of the zig-zag varint encoding of an int32. */
function varintSize(v) {
    let u = ((v << 1) ^ (v >> 31)) >>> 0;
    let n = 1;
    while (u >= 0x80) {
        u >>>= 7;
        n++;
    }
    return n;
}
function zigzag64(v) {
    return v >= 0 ? v * 2 : -v * 2 - 1;
}
function varlongSize(v) {
    let u = zigzag64(v);
    let n = 1;
    while (u >= 128) {
        u = Math.floor(u / 128);
        n++;
    }
    return n;
}
function writeVarint(buf, pos, v) {
    let u = ((v << 1) ^ (v >> 31)) >>> 0;
    while (u >= 0x80) {
        buf[pos++] = (u & 0x7f) | 0x80;
        u >>>= 7;
    }
    buf[pos++] = u;
    return pos;
}
function writeVarlong(buf, pos, v) {
    let u = zigzag64(v);
    while (u >= 128) {
        buf[pos++] = (u % 128) | 0x80;
        u = Math.floor(u / 128);
    }
    buf[pos++] = u;
    return pos;
}
function bytesSize(b) {
    return b == null ? 1 : varintSize(b.length) + b.length;
}
function writeBytes(buf, pos, b) {
    if (b == null)
        return writeVarint(buf, pos, -1);
    pos = writeVarint(buf, pos, b.length);
    b.copy(buf, pos);
    return pos + b.length;
}
/** Serialises records into an (uncompressed) records section, in the order given. */
export function encodeRecords(records) {
    // Two passes (sizes, then bytes) so the section is written into one allocation.
    const bodySizes = new Array(records.length);
    const headerKeys = new Array(records.length);
    let total = 0;
    for (let i = 0; i < records.length; i++) {
        const rec = records[i];
        const keys = (rec.headers ?? []).map((h) => Buffer.from(h.key, 'utf8'));
        headerKeys[i] = keys;
        let body = 1 + varlongSize(rec.timestampDelta) + varintSize(rec.offsetDelta) + bytesSize(rec.key) + bytesSize(rec.value);
        body += varintSize(keys.length);
        const headers = rec.headers ?? [];
        for (let h = 0; h < headers.length; h++)
            body += bytesSize(keys[h]) + bytesSize(headers[h].value);
        bodySizes[i] = body;
        total += varintSize(body) + body;
    }
    const out = Buffer.allocUnsafe(total);
    let pos = 0;
    for (let i = 0; i < records.length; i++) {
        const rec = records[i];
        pos = writeVarint(out, pos, bodySizes[i]);
        out[pos++] = 0; // attributes
        pos = writeVarlong(out, pos, rec.timestampDelta);
        pos = writeVarint(out, pos, rec.offsetDelta);
        pos = writeBytes(out, pos, rec.key);
        pos = writeBytes(out, pos, rec.value);
        const keys = headerKeys[i];
        pos = writeVarint(out, pos, keys.length);
        const headers = rec.headers ?? [];
        for (let h = 0; h < keys.length; h++) {
            pos = writeBytes(out, pos, keys[h]);
            pos = writeBytes(out, pos, headers[h].value);
        }
    }
    if (pos !== total)
        throw new Error(`encodeRecords size mismatch: wrote ${pos} of ${total}`); // internal bug guard
    return out;
}
//# sourceMappingURL=record.js.map