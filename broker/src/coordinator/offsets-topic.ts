/**
 * The `__consumer_offsets` record formats, byte-compatible with Kafka 3.9 so Kafka's
 * `OffsetsMessageFormatter` / `GroupMetadataMessageFormatter` (kafka-console-consumer) can read what we
 * write, and so a log written by Kafka loads here. Key and value are each an int16 version followed by
 * the struct at that version (non-flexible up to the versions we write). The key version tells the record
 * type: 0/1 offset commit, 2 group metadata; 3+ are KIP-848 records that the classic coordinator ignores.
 */
import { Reader } from '../protocol/primitives.js';
import { decodeMessage, encode } from '../protocol/codec.js';
import {
  GroupMetadataKeySpec,
  GroupMetadataValueSpec,
  OffsetCommitKeySpec,
  OffsetCommitValueSpec,
  type GroupMetadataValue,
  type OffsetCommitValue,
} from '../protocol/messages/consumer-protocol.js';
import type { MessageSpec } from '../protocol/schema.js';

export type { GroupMetadataValue, OffsetCommitValue } from '../protocol/messages/consumer-protocol.js';

/** Kafka's Topic.GROUP_METADATA_TOPIC_NAME. */
export const OFFSETS_TOPIC_NAME = '__consumer_offsets';

/**
 * What the coordinator needs from the log of `__consumer_offsets`. The lead wires it to the real
 * partition logs; tests use an in-memory fake.
 */
export interface OffsetsTopicStore {
  /**
   * Appends one record batch (built here, offsets assigned by the log); resolves once it is durable per
   * acks=all. Rejects with a KafkaError carrying the produce error (NOT_LEADER_OR_FOLLOWER,
   * NOT_ENOUGH_REPLICAS, NOT_ENOUGH_REPLICAS_AFTER_APPEND, REQUEST_TIMED_OUT, KAFKA_STORAGE_ERROR,
   * MESSAGE_TOO_LARGE, ...); the coordinator maps it to the group API's error as Kafka does.
   */
  append(partition: number, batch: Buffer): Promise<void>;
  /**
   * Every record batch of the partition, oldest first (a Buffer may hold several consecutive batches).
   * Empty when the partition does not exist yet.
   */
  readAll(partition: number): Iterable<Buffer> | AsyncIterable<Buffer>;
}

/** The key versions Kafka 3.9 writes. */
export const OFFSET_COMMIT_KEY_VERSION = 1;
export const GROUP_METADATA_KEY_VERSION = 2;
/** Kafka writes OffsetCommitValue v3, or v1 when the commit carries an explicit expire timestamp. */
export const OFFSET_COMMIT_VALUE_VERSION = 3;
export const OFFSET_COMMIT_VALUE_VERSION_WITH_EXPIRE = 1;
export const GROUP_METADATA_VALUE_VERSION = 3;

const MAX_OFFSET_COMMIT_VALUE_VERSION = 4;
const MAX_GROUP_METADATA_VALUE_VERSION = 4;

function versioned(version: number, spec: MessageSpec, value: object): Buffer {
  const head = Buffer.allocUnsafe(2);
  head.writeInt16BE(version, 0);
  return Buffer.concat([head, ...encode(spec, version, value)]);
}

export function offsetCommitKey(group: string, topic: string, partition: number): Buffer {
  return versioned(OFFSET_COMMIT_KEY_VERSION, OffsetCommitKeySpec, { group, topic, partition });
}

export function offsetCommitValue(v: OffsetCommitValue): Buffer {
  const version = v.expireTimestamp >= 0 ? OFFSET_COMMIT_VALUE_VERSION_WITH_EXPIRE : OFFSET_COMMIT_VALUE_VERSION;
  return versioned(version, OffsetCommitValueSpec, v);
}

export function groupMetadataKey(group: string): Buffer {
  return versioned(GROUP_METADATA_KEY_VERSION, GroupMetadataKeySpec, { group });
}

export function groupMetadataValue(v: GroupMetadataValue): Buffer {
  return versioned(GROUP_METADATA_VALUE_VERSION, GroupMetadataValueSpec, v);
}

export type OffsetsTopicRecord =
  | { type: 'offset'; group: string; topic: string; partition: number; value: OffsetCommitValue | null }
  | { type: 'group'; group: string; value: GroupMetadataValue | null }
  | { type: 'other'; keyVersion: number };

/**
 * Decodes one record of the topic. Values newer than we know are read with our newest format and trailing
 * (appended) fields ignored, the compatibility rule Kafka's own schemas follow.
 */
export function decodeOffsetsTopicRecord(key: Buffer, value: Buffer | null): OffsetsTopicRecord {
  const kr = new Reader(key);
  const keyVersion = kr.int16();
  if (keyVersion === 0 || keyVersion === 1) {
    const k = decodeMessage<{ group: string; topic: string; partition: number }>(OffsetCommitKeySpec, keyVersion, kr);
    if (value === null) return { type: 'offset', group: k.group, topic: k.topic, partition: k.partition, value: null };
    const vr = new Reader(value);
    const vv = Math.min(vr.int16(), MAX_OFFSET_COMMIT_VALUE_VERSION);
    const v = decodeMessage<OffsetCommitValue>(OffsetCommitValueSpec, vv, vr);
    return { type: 'offset', group: k.group, topic: k.topic, partition: k.partition, value: v };
  }
  if (keyVersion === 2) {
    const k = decodeMessage<{ group: string }>(GroupMetadataKeySpec, keyVersion, kr);
    if (value === null) return { type: 'group', group: k.group, value: null };
    const vr = new Reader(value);
    const vv = Math.min(vr.int16(), MAX_GROUP_METADATA_VALUE_VERSION);
    const v = decodeMessage<GroupMetadataValue>(GroupMetadataValueSpec, vv, vr);
    return { type: 'group', group: k.group, value: v };
  }
  return { type: 'other', keyVersion };
}

/**
 * Splits a buffer of consecutive record batches (each `baseOffset int64, batchLength int32, ...`, total
 * size batchLength + 12) into single batches; a torn tail is dropped.
 */
export function splitBatches(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let pos = 0;
  while (pos + 12 <= buf.length) {
    const size = buf.readInt32BE(pos + 8) + 12;
    if (size < 12 || pos + size > buf.length) break;
    out.push(buf.subarray(pos, pos + size));
    pos += size;
  }
  return out;
}

/** Attributes bit 5: control batch (transaction markers), which carries no offsets-topic records. */
export function isControlBatch(batch: Buffer): boolean {
  return batch.length > 22 && (batch.readInt16BE(21) & 0x20) !== 0;
}
