/**
 * The `__consumer_offsets` record formats, byte-compatible with Kafka 3.9 so Kafka's
 * `OffsetsMessageFormatter` / `GroupMetadataMessageFormatter` (kafka-console-consumer) can read what we
 * write, and so a log written by Kafka loads here. Key and value are each an int16 version followed by
 * the struct at that version (non-flexible up to the versions we write). The key version tells the record
 * type: 0/1 offset commit, 2 group metadata; 3+ are KIP-848 records that the classic coordinator ignores.
 */
import { Reader } from '../protocol/primitives.js';
import { decodeMessage, encode } from '../protocol/codec.js';
import { GroupMetadataKeySpec, GroupMetadataValueSpec, OffsetCommitKeySpec, OffsetCommitValueSpec, } from '../protocol/messages/consumer-protocol.js';
/** Kafka's Topic.GROUP_METADATA_TOPIC_NAME. */
export const OFFSETS_TOPIC_NAME = '__consumer_offsets';
/** The key versions Kafka 3.9 writes. */
export const OFFSET_COMMIT_KEY_VERSION = 1;
export const GROUP_METADATA_KEY_VERSION = 2;
/** Kafka writes OffsetCommitValue v3, or v1 when the commit carries an explicit expire timestamp. */
export const OFFSET_COMMIT_VALUE_VERSION = 3;
export const OFFSET_COMMIT_VALUE_VERSION_WITH_EXPIRE = 1;
export const GROUP_METADATA_VALUE_VERSION = 3;
const MAX_OFFSET_COMMIT_VALUE_VERSION = 4;
const MAX_GROUP_METADATA_VALUE_VERSION = 4;
function versioned(version, spec, value) {
    const head = Buffer.allocUnsafe(2);
    head.writeInt16BE(version, 0);
    return Buffer.concat([head, ...encode(spec, version, value)]);
}
export function offsetCommitKey(group, topic, partition) {
    return versioned(OFFSET_COMMIT_KEY_VERSION, OffsetCommitKeySpec, { group, topic, partition });
}
export function offsetCommitValue(v) {
    const version = v.expireTimestamp >= 0 ? OFFSET_COMMIT_VALUE_VERSION_WITH_EXPIRE : OFFSET_COMMIT_VALUE_VERSION;
    return versioned(version, OffsetCommitValueSpec, v);
}
export function groupMetadataKey(group) {
    return versioned(GROUP_METADATA_KEY_VERSION, GroupMetadataKeySpec, { group });
}
export function groupMetadataValue(v) {
    return versioned(GROUP_METADATA_VALUE_VERSION, GroupMetadataValueSpec, v);
}
/**
 * Decodes one record of the topic. Values newer than we know are read with our newest format and trailing
 * (appended) fields ignored, the compatibility rule Kafka's own schemas follow.
 */
export function decodeOffsetsTopicRecord(key, value) {
    const kr = new Reader(key);
    const keyVersion = kr.int16();
    if (keyVersion === 0 || keyVersion === 1) {
        const k = decodeMessage(OffsetCommitKeySpec, keyVersion, kr);
        if (value === null)
            return { type: 'offset', group: k.group, topic: k.topic, partition: k.partition, value: null };
        const vr = new Reader(value);
        const vv = Math.min(vr.int16(), MAX_OFFSET_COMMIT_VALUE_VERSION);
        const v = decodeMessage(OffsetCommitValueSpec, vv, vr);
        return { type: 'offset', group: k.group, topic: k.topic, partition: k.partition, value: v };
    }
    if (keyVersion === 2) {
        const k = decodeMessage(GroupMetadataKeySpec, keyVersion, kr);
        if (value === null)
            return { type: 'group', group: k.group, value: null };
        const vr = new Reader(value);
        const vv = Math.min(vr.int16(), MAX_GROUP_METADATA_VALUE_VERSION);
        const v = decodeMessage(GroupMetadataValueSpec, vv, vr);
        return { type: 'group', group: k.group, value: v };
    }
    return { type: 'other', keyVersion };
}
/**
 * Splits a buffer of consecutive record batches (each `baseOffset int64, batchLength int32, ...`, total
 * size batchLength + 12) into single batches; a torn tail is dropped.
 */
export function splitBatches(buf) {
    const out = [];
    let pos = 0;
    while (pos + 12 <= buf.length) {
        const size = buf.readInt32BE(pos + 8) + 12;
        if (size < 12 || pos + size > buf.length)
            break;
        out.push(buf.subarray(pos, pos + size));
        pos += size;
    }
    return out;
}
/** Attributes bit 5: control batch (transaction markers), which carries no offsets-topic records. */
export function isControlBatch(batch) {
    return batch.length > 22 && (batch.readInt16BE(21) & 0x20) !== 0;
}
//# sourceMappingURL=offsets-topic.js.map