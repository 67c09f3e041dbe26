// Builds RecordBatch v2 bytes from record objects: for the broker's own writers (__consumer_offsets,
// transaction markers) and for tests. Clients' batches are never rebuilt; they are stored as sent.
import { crc32c } from './crc32c.js';
import { CompressionType, compress } from './compression.js';
import { encodeRecords } from './record.js';
const HEADER_SIZE = 61;
const LOG_OVERHEAD = 12;
const CRC_OFFSET = 17;
const CRC_START = 21;
function writeInt64(buf, pos, v) {
    const hi = Math.floor(v / 4294967296);
    buf.writeInt32BE(hi | 0, pos);
    buf.writeUInt32BE(v - hi * 4294967296, pos + 4);
}
/** A complete RecordBatch v2 (magic 2) with its CRC32C; offsets are baseOffset + index. */
export function buildBatch(opts) {
    const { records } = opts;
    // Kafka accepts empty batches only as compaction leftovers; nothing in the broker builds one.
    if (records.length === 0)
        throw new Error('buildBatch: a batch needs at least one record');
    const compression = opts.compression ?? CompressionType.NONE;
    const now = Date.now();
    // Like Java's MemoryRecordsBuilder: the base timestamp is the first record's, deltas are relative to it.
    const baseTimestamp = records[0].timestamp ?? now;
    let maxTimestamp = -Infinity;
    const encodable = new Array(records.length);
    for (let i = 0; i < records.length; i++) {
        const r = records[i];
        const ts = r.timestamp ?? now;
        if (ts > maxTimestamp)
            maxTimestamp = ts;
        encodable[i] = { key: r.key, value: r.value, headers: r.headers, timestampDelta: ts - baseTimestamp, offsetDelta: i };
    }
    const section = compress(compression, encodeRecords(encodable));
    const batch = Buffer.allocUnsafe(HEADER_SIZE + section.length);
    writeInt64(batch, 0, opts.baseOffset ?? 0);
    batch.writeInt32BE(batch.length - LOG_OVERHEAD, 8); // batchLength
    batch.writeInt32BE(opts.partitionLeaderEpoch ?? -1, 12);
    batch.writeInt8(2, 16); // magic
    let attributes = compression & 0x07;
    if (opts.timestampType === 'LogAppendTime')
        attributes |= 0x08;
    if (opts.isTransactional)
        attributes |= 0x10;
    if (opts.isControl)
        attributes |= 0x20;
    batch.writeInt16BE(attributes, 21);
    batch.writeInt32BE(records.length - 1, 23); // lastOffsetDelta
    writeInt64(batch, 27, baseTimestamp);
    writeInt64(batch, 35, maxTimestamp);
    writeInt64(batch, 43, opts.producerId ?? -1);
    batch.writeInt16BE(opts.producerEpoch ?? -1, 51);
    batch.writeInt32BE(opts.baseSequence ?? -1, 53);
    batch.writeInt32BE(records.length, 57);
    section.copy(batch, HEADER_SIZE);
    batch.writeUInt32BE(crc32c(batch, CRC_START, batch.length), CRC_OFFSET);
    return batch;
}
//# sourceMappingURL=builder.js.map