import { describe, expect, it } from 'vitest';
import { javaStringHashCode, kafkaAbs, offsetsPartitionFor } from '../src/coordinator/partitioning.js';
import {
  decodeOffsetsTopicRecord,
  groupMetadataKey,
  groupMetadataValue,
  offsetCommitKey,
  offsetCommitValue,
  splitBatches,
} from '../src/coordinator/offsets-topic.js';
import { subscriptionTopics } from '../src/coordinator/group.js';
import { buildBatch } from '../src/records/builder.js';
import { subscription } from './coordinator-fixtures.js';

describe('group -> __consumer_offsets partition (Java String.hashCode)', () => {
  it('matches Java for known strings', () => {
    // "a".hashCode() = 97; "ab" = 97*31+98 = 3105.
    expect(javaStringHashCode('a')).toBe(97);
    expect(javaStringHashCode('ab')).toBe(3105);
    expect(javaStringHashCode('')).toBe(0);
    // "my-group": computed independently (int32 wraparound of sum c_i*31^(n-1-i)).
    expect(javaStringHashCode('my-group')).toBe(-1906497762);
    expect(offsetsPartitionFor('my-group', 50)).toBe(12);
    expect(offsetsPartitionFor('test-group', 50)).toBe(12);
    expect(offsetsPartitionFor('console-consumer-12345', 50)).toBe(6);
    // Surrogate pairs hash as two UTF-16 code units, as in Java.
    expect(javaStringHashCode('\u{1F600}grp')).toBe(1276929186);
    // The famous string whose hashCode is Integer.MIN_VALUE: Utils.abs maps it to 0.
    expect(javaStringHashCode('polygenelubricants')).toBe(-2147483648);
    expect(kafkaAbs(-2147483648)).toBe(0);
    expect(offsetsPartitionFor('polygenelubricants', 50)).toBe(0);
  });
});

describe('record formats (Kafka 3.9 byte layout)', () => {
  it('OffsetCommitKey v1 and OffsetCommitValue v3 / v1', () => {
    expect(offsetCommitKey('g', 't', 3).toString('hex')).toBe('0001' + '0001' + '67' + '0001' + '74' + '00000003');
    const v3 = offsetCommitValue({ offset: 5, leaderEpoch: 2, metadata: 'm', commitTimestamp: 1000, expireTimestamp: -1 });
    expect(v3.toString('hex')).toBe('0003' + '0000000000000005' + '00000002' + '0001' + '6d' + '00000000000003e8');
    const v1 = offsetCommitValue({ offset: 5, leaderEpoch: 2, metadata: '', commitTimestamp: 1000, expireTimestamp: 2000 });
    expect(v1.toString('hex')).toBe('0001' + '0000000000000005' + '0000' + '00000000000003e8' + '00000000000007d0');
    expect(decodeOffsetsTopicRecord(offsetCommitKey('g', 't', 3), v3)).toEqual({
      type: 'offset', group: 'g', topic: 't', partition: 3,
      value: { offset: 5, leaderEpoch: 2, metadata: 'm', commitTimestamp: 1000, expireTimestamp: -1 },
    });
    // A v0 value as written by old Kafka versions still loads.
    const v0 = Buffer.from('0000' + '0000000000000009' + '0000' + '0000000000000001', 'hex');
    expect(decodeOffsetsTopicRecord(offsetCommitKey('g', 't', 3), v0)).toMatchObject({ value: { offset: 9, leaderEpoch: -1, commitTimestamp: 1 } });
    expect(decodeOffsetsTopicRecord(offsetCommitKey('g', 't', 3), null)).toMatchObject({ type: 'offset', value: null });
  });

  it('GroupMetadataKey v2 and GroupMetadataValue v3', () => {
    expect(groupMetadataKey('g').toString('hex')).toBe('0002' + '0001' + '67');
    const value = groupMetadataValue({
      protocolType: 'consumer',
      generation: 4,
      protocol: 'range',
      leader: 'm1',
      currentStateTimestamp: 16,
      members: [
        { memberId: 'm1', groupInstanceId: null, clientId: 'c', clientHost: '/h', rebalanceTimeout: 300, sessionTimeout: 100, subscription: Buffer.from([1, 2]), assignment: Buffer.from([3]) },
      ],
    });
    const s = (x: string) => Buffer.byteLength(x).toString(16).padStart(4, '0') + Buffer.from(x).toString('hex');
    expect(value.toString('hex')).toBe(
      '0003' + s('consumer') + '00000004' + s('range') + s('m1') + '0000000000000010' + '00000001' +
        s('m1') + 'ffff' + s('c') + s('/h') + '0000012c' + '00000064' + '00000002' + '0102' + '00000001' + '03',
    );
    const decoded = decodeOffsetsTopicRecord(groupMetadataKey('g'), value);
    expect(decoded).toMatchObject({ type: 'group', group: 'g', value: { generation: 4, protocol: 'range', leader: 'm1' } });
    expect(decodeOffsetsTopicRecord(Buffer.from('0003000167', 'hex'), null)).toEqual({ type: 'other', keyVersion: 3 });
  });

  it('splits concatenated batches', () => {
    const b1 = buildBatch({ records: [{ key: Buffer.from('k'), value: null }] });
    const b2 = buildBatch({ records: [{ key: Buffer.from('k2'), value: Buffer.from('v') }] });
    expect(splitBatches(Buffer.concat([b1, b2, b1.subarray(0, 20)])).map((b) => b.length)).toEqual([b1.length, b2.length]);
  });

  it('reads the topics of a consumer subscription', () => {
    expect(subscriptionTopics(subscription(['a', 'bb']))).toEqual(['a', 'bb']);
    expect(subscriptionTopics(Buffer.from([0, 1]))).toBeNull();
  });
});
