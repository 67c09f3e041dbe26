// RecordBatch v2 as bytes: header layout, parsing, validation and the few in-place rewrites the broker
// does (offsets, leader epoch, LogAppendTime). Nothing here looks at individual records: the produce and
// fetch paths only ever touch the 61-byte batch headers.
import { crc32c } from './crc32c.js';
import { ErrorCode, KafkaError } from '../protocol/errors.js';
// Byte offsets of the v2 header fields (Kafka's DefaultRecordBatch).
export const BASE_OFFSET_OFFSET = 0;
export const BATCH_LENGTH_OFFSET = 8;
export const PARTITION_LEADER_EPOCH_OFFSET = 12;
export const MAGIC_OFFSET = 16;
export const CRC_OFFSET = 17;
export const ATTRIBUTES_OFFSET = 21;
export const LAST_OFFSET_DELTA_OFFSET = 23;
export const BASE_TIMESTAMP_OFFSET = 27;
export const MAX_TIMESTAMP_OFFSET = 35;
export const PRODUCER_ID_OFFSET = 43;
export const PRODUCER_EPOCH_OFFSET = 51;
export const BASE_SEQUENCE_OFFSET = 53;
export const RECORDS_COUNT_OFFSET = 57;
export const RECORDS_OFFSET = 61;
/** baseOffset + batchLength: the part of a batch not counted by batchLength. */
export const LOG_OVERHEAD = 12;
export const RECORD_BATCH_OVERHEAD = RECORDS_OFFSET;
/** The CRC covers attributes..end of the batch. */
export const CRC_START = ATTRIBUTES_OFFSET;
export const MAGIC_V2 = 2;
export const COMPRESSION_CODEC_MASK = 0x07;
export const TIMESTAMP_TYPE_MASK = 0x08;
export const TRANSACTIONAL_FLAG_MASK = 0x10;
export const CONTROL_FLAG_MASK = 0x20;
export const DELETE_HORIZON_FLAG_MASK = 0x40;
export const NO_PRODUCER_ID = -1;
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;
export const NO_TIMESTAMP = -1;
export const NO_PARTITION_LEADER_EPOCH = -1;
export var TimestampType;
(function (TimestampType) {
    TimestampType[TimestampType["CreateTime"] = 0] = "CreateTime";
    TimestampType[TimestampType["LogAppendTime"] = 1] = "LogAppendTime";
})(TimestampType || (TimestampType = {}));
function readInt64(buf, pos) {
    // hi * 2^32 + lo: exact up to 2^53, precision loss (never an exception) beyond, per the architecture.
    return buf.readInt32BE(pos) * 4294967296 + buf.readUInt32BE(pos + 4);
}
function writeInt64(buf, pos, v) {
    const hi = Math.floor(v / 4294967296);
    buf.writeInt32BE(hi | 0, pos);
    buf.writeUInt32BE(v - hi * 4294967296, pos + 4);
}
export { readInt64 as readInt64BE, writeInt64 as writeInt64BE };
/** Parses the header of the batch at `pos`; the caller guarantees 61 bytes are there. */
export function readBatchHeader(buf, pos) {
    const attributes = buf.readInt16BE(pos + ATTRIBUTES_OFFSET);
    const batchLength = buf.readInt32BE(pos + BATCH_LENGTH_OFFSET);
    return {
        baseOffset: readInt64(buf, pos + BASE_OFFSET_OFFSET),
        batchLength,
        partitionLeaderEpoch: buf.readInt32BE(pos + PARTITION_LEADER_EPOCH_OFFSET),
        magic: buf.readInt8(pos + MAGIC_OFFSET),
        crc: buf.readUInt32BE(pos + CRC_OFFSET),
        attributes,
        lastOffsetDelta: buf.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET),
        baseTimestamp: readInt64(buf, pos + BASE_TIMESTAMP_OFFSET),
        maxTimestamp: readInt64(buf, pos + MAX_TIMESTAMP_OFFSET),
        producerId: readInt64(buf, pos + PRODUCER_ID_OFFSET),
        producerEpoch: buf.readInt16BE(pos + PRODUCER_EPOCH_OFFSET),
        baseSequence: buf.readInt32BE(pos + BASE_SEQUENCE_OFFSET),
        recordCount: buf.readInt32BE(pos + RECORDS_COUNT_OFFSET),
        compression: attributes & COMPRESSION_CODEC_MASK,
        timestampType: attributes & TIMESTAMP_TYPE_MASK ? TimestampType.LogAppendTime : TimestampType.CreateTime,
        isTransactional: (attributes & TRANSACTIONAL_FLAG_MASK) !== 0,
        isControl: (attributes & CONTROL_FLAG_MASK) !== 0,
        position: pos,
        size: batchLength + LOG_OVERHEAD,
    };
}
/** Last offset of a batch (baseOffset + lastOffsetDelta). */
export function lastOffsetOf(h) {
    return h.baseOffset + h.lastOffsetDelta;
}
/** Kafka's DefaultRecordBatch.incrementSequence: sequences wrap from Int32 max to 0. */
export function incrementSequence(sequence, increment) {
    if (sequence > 0x7fffffff - increment)
        return increment - (0x7fffffff - sequence) - 1;
    return sequence + increment;
}
/** Last sequence number of a batch, wrapping at Int32 max like Kafka. */
export function lastSequenceOf(h) {
    if (h.baseSequence === NO_SEQUENCE)
        return NO_SEQUENCE;
    return incrementSequence(h.baseSequence, h.lastOffsetDelta);
}
/** CRC32C of the batch at `pos` as stored vs. computed. */
export function isCrcValid(buf, pos, size) {
    return buf.readUInt32BE(pos + CRC_OFFSET) === crc32c(buf, pos + CRC_START, pos + size);
}
/**
 * Validates a produce request's records, batch by batch, with the checks Kafka does cheaply on headers
 * (ByteBufferLogInputStream, DefaultRecordBatch.ensureValid, LogValidator.validateBatch):
 * size sane and inside the buffer, magic 2, CRC32C, recordCount > 0 and equal to lastOffsetDelta + 1,
 * no control batches from clients, idempotent batches carry a sequence. No per-record work.
 * Unlike Kafka (which silently trims a trailing partial batch) trailing bytes are rejected: a client never
 * sends them, and the whole buffer is appended in one write.
 * Errors: CORRUPT_MESSAGE (sizes, CRC, unknown magic), UNSUPPORTED_FOR_MESSAGE_FORMAT (magic 0/1),
 * INVALID_RECORD (empty, counts, control batches, sequences), MESSAGE_TOO_LARGE (batch > maxBatchBytes).
 */
export function validateBatches(buf, maxBatchBytes = Number.MAX_SAFE_INTEGER, fromClient = true) {
    const headers = [];
    let pos = 0;
    const end = buf.length;
    if (end === 0)
        throw new KafkaError(ErrorCode.INVALID_RECORD, 'Produce request must contain at least one record batch');
    while (pos < end) {
        if (end - pos < LOG_OVERHEAD + 5) {
            throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, `Truncated record batch header at position ${pos}`);
        }
        const batchLength = buf.readInt32BE(pos + BATCH_LENGTH_OFFSET);
        const magic = buf.readInt8(pos + MAGIC_OFFSET);
        if (magic === 0 || magic === 1) {
            throw new KafkaError(ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT, `Record batch magic ${magic} is not supported, only magic 2`);
        }
        if (magic !== MAGIC_V2) {
            throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, `Invalid record batch magic ${magic} at position ${pos}`);
        }
        const size = batchLength + LOG_OVERHEAD;
        if (size < RECORD_BATCH_OVERHEAD) {
            throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, `Record batch size ${size} is less than the batch overhead ${RECORD_BATCH_OVERHEAD}`);
        }
        if (size > maxBatchBytes) {
            throw new KafkaError(ErrorCode.MESSAGE_TOO_LARGE, `Record batch of ${size} bytes exceeds the maximum of ${maxBatchBytes}`);
        }
        if (pos + size > end) {
            throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, `Record batch of ${size} bytes at position ${pos} exceeds the buffer (${end} bytes)`);
        }
        if (!isCrcValid(buf, pos, size)) {
            throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, `Record batch at position ${pos} is corrupt (CRC mismatch)`);
        }
        const h = readBatchHeader(buf, pos);
        if (fromClient) {
            if (h.lastOffsetDelta < 0) {
                throw new KafkaError(ErrorCode.INVALID_RECORD, `Batch has an invalid offset range (lastOffsetDelta ${h.lastOffsetDelta})`);
            }
            if (h.recordCount <= 0) {
                throw new KafkaError(ErrorCode.INVALID_RECORD, `Invalid reported count for record batch: ${h.recordCount}`);
            }
            if (h.recordCount !== h.lastOffsetDelta + 1) {
                throw new KafkaError(ErrorCode.INVALID_RECORD, `Inconsistent batch offset range (lastOffsetDelta ${h.lastOffsetDelta}) and record count ${h.recordCount}`);
            }
            if (h.isControl)
                throw new KafkaError(ErrorCode.INVALID_RECORD, 'Clients are not allowed to write control records');
            if (h.producerId >= 0 && h.baseSequence < 0) {
                throw new KafkaError(ErrorCode.INVALID_RECORD, `Invalid sequence number ${h.baseSequence} for producer ${h.producerId}`);
            }
        }
        else if (h.lastOffsetDelta < 0 || h.recordCount < 0) {
            throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, `Invalid record batch counts at position ${pos}`);
        }
        headers.push(h);
        pos += size;
    }
    return headers;
}
/** Rewrites baseOffset (outside the CRC'd range, so no re-CRC). */
export function setBaseOffset(buf, pos, offset) {
    writeInt64(buf, pos + BASE_OFFSET_OFFSET, offset);
}
/** Rewrites partitionLeaderEpoch (outside the CRC'd range). */
export function setPartitionLeaderEpoch(buf, pos, epoch) {
    buf.writeInt32BE(epoch, pos + PARTITION_LEADER_EPOCH_OFFSET);
}
/** Recomputes and stores the CRC of the batch at pos (size = whole batch size). */
export function updateCrc(buf, pos, size) {
    buf.writeUInt32BE(crc32c(buf, pos + CRC_START, pos + size), pos + CRC_OFFSET);
}
/**
 * For LogAppendTime topics: sets maxTimestamp to `ts`, sets the timestamp-type bit, and re-CRCs, as
 * Kafka's DefaultRecordBatch.setMaxTimestamp(LOG_APPEND_TIME, ts). Readers then take every record's
 * timestamp from maxTimestamp, so the records themselves are not touched.
 */
export function setLogAppendTime(buf, pos, ts) {
    const size = buf.readInt32BE(pos + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD;
    const attrs = buf.readInt16BE(pos + ATTRIBUTES_OFFSET);
    buf.writeInt16BE(attrs | TIMESTAMP_TYPE_MASK, pos + ATTRIBUTES_OFFSET);
    writeInt64(buf, pos + MAX_TIMESTAMP_OFFSET, ts);
    updateCrc(buf, pos, size);
}
/** Architecture.md's name for setLogAppendTime. */
export const setMaxTimestampAndLogAppendTime = setLogAppendTime;
/**
 * Tolerant walk for recovery: stops at the first batch that is truncated, has a bad size or magic, a CRC
 * mismatch (when checkCrc), or an offset going backwards; returns the valid prefix. Never throws.
 * `base` is added to every header position (position of buf inside a file); batches must start at
 * minBaseOffset or later.
 */
export function scanBatches(buf, opts = {}) {
    const checkCrc = opts.checkCrc ?? true;
    const base = opts.base ?? 0;
    const maxBatchBytes = opts.maxBatchBytes ?? 0x7fffffff;
    const headers = [];
    let pos = 0;
    // Offsets must grow from batch to batch (and start at minBaseOffset, e.g. the segment's base).
    let lastOffset = (opts.minBaseOffset ?? 0) - 1;
    while (buf.length - pos >= RECORD_BATCH_OVERHEAD) {
        const batchLength = buf.readInt32BE(pos + BATCH_LENGTH_OFFSET);
        const size = batchLength + LOG_OVERHEAD;
        if (size < RECORD_BATCH_OVERHEAD || size > maxBatchBytes || pos + size > buf.length)
            break;
        if (buf.readInt8(pos + MAGIC_OFFSET) !== MAGIC_V2)
            break;
        if (checkCrc && !isCrcValid(buf, pos, size))
            break;
        const h = readBatchHeader(buf, pos);
        if (h.lastOffsetDelta < 0 || h.recordCount < 0 || h.baseOffset <= lastOffset)
            break;
        lastOffset = h.baseOffset + h.lastOffsetDelta;
        h.position = base + pos;
        headers.push(h);
        pos += size;
    }
    return { headers, validBytes: pos };
}
//# sourceMappingURL=batch.js.map