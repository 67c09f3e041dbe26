import { describe, expect, it } from 'vitest';
import { API_BY_KEY, advertisedApiVersions, precompileAll } from '../src/protocol/apis.js';
import { camelCase, decode, decodeMessage, defaultMessage, encode, encodeMessage, parseVersions } from '../src/protocol/codec.js';
import { FetchResponseSpec, MetadataRequestSpec, ProduceRequestSpec } from '../src/protocol/messages/index.js';
import type { FetchResponse, MetadataRequest, ProduceRequest } from '../src/protocol/messages/index.js';
import { EncodeError, ProtocolError, Reader, Writer } from '../src/protocol/primitives.js';
import type { MessageSpec } from '../src/protocol/schema.js';
import { interestingVersions, sampleMessage } from './protocol-sample.js';

const concat = (chunks: Buffer[]): Buffer => Buffer.concat(chunks);

describe('codec round trips', () => {
  for (const api of [...API_BY_KEY.values()].sort((a, b) => a.key - b.key)) {
    for (const spec of [api.request, api.response]) {
      const versions = interestingVersions(api.minVersion, api.maxVersion, spec.flexibleVersions);
      it(`${spec.name} v${versions.join(',')}`, () => {
        for (const v of versions) {
          for (let seed = 1; seed <= 8; seed++) {
            const value = sampleMessage(spec, v, seed * 1000 + v);
            const bytes = concat(encode(spec, v, value));
            const back = decode(spec, v, bytes);
            expect(back, `${spec.name} v${v} seed ${seed}`).toEqual(value);
            // Decoded output re-encodes to the same bytes.
            expect(concat(encode(spec, v, back)).equals(bytes)).toBe(true);
          }
        }
      });
    }
  }

  it('compiles every supported version of every API', () => {
    expect(() => precompileAll()).not.toThrow();
  });
});

describe('codec semantics', () => {
  it('parses Kafka version ranges', () => {
    expect(parseVersions('3+')).toEqual({ min: 3, max: Infinity });
    expect(parseVersions('0-4')).toEqual({ min: 0, max: 4 });
    expect(parseVersions('5')).toEqual({ min: 5, max: 5 });
    const none = parseVersions('none');
    expect(none.min > none.max).toBe(true);
    expect(camelCase('PartitionIndex')).toBe('partitionIndex');
  });

  it('fills fields absent at the version with their defaults', () => {
    const req = decode<MetadataRequest>(MetadataRequestSpec, 0, Buffer.from('00000000', 'hex'));
    expect(req).toEqual({
      topics: [],
      allowAutoTopicCreation: true,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    });
    const fetch = defaultMessage<FetchResponse>(FetchResponseSpec, 4);
    expect(fetch).toEqual({ throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses: [], nodeEndpoints: [] });
  });

  it('rejects null in a non-nullable field with a clear error', () => {
    // Metadata v0 topics are not nullable (null means "all topics" only from v1).
    expect(() => encode(MetadataRequestSpec, 0, { topics: null })).toThrow(EncodeError);
    expect(() => encode(MetadataRequestSpec, 0, { topics: null })).toThrow(/Topics.*not nullable/);
    expect(concat(encode(MetadataRequestSpec, 1, { topics: null })).toString('hex')).toBe('ffffffff');
    // A null array where the wire format does not allow it is malformed input.
    expect(() => decode(MetadataRequestSpec, 0, Buffer.from('ffffffff', 'hex'))).toThrow(ProtocolError);
  });

  it('uses defaults for missing properties and drops fields absent at the version', () => {
    const bytes = concat(encode(ProduceRequestSpec, 3, { acks: -1, timeoutMs: 1000, topicData: [] }));
    expect(bytes.toString('hex')).toBe('ffff' + 'ffff' + '000003e8' + '00000000');
    // TransactionalId does not exist in v2: even a non-default value is silently skipped.
    const v2 = concat(encode(ProduceRequestSpec, 2, { transactionalId: 'tx', acks: 1, timeoutMs: 5, topicData: [] }));
    expect(v2.toString('hex')).toBe('0001' + '00000005' + '00000000');
  });

  it('writes records given as several chunks without copying them', () => {
    const a = Buffer.alloc(5000, 1);
    const b = Buffer.alloc(3, 2);
    const value: FetchResponse = {
      throttleTimeMs: 0,
      errorCode: 0,
      sessionId: 0,
      responses: [
        {
          topic: 't',
          topicId: 'AAAAAAAAAAAAAAAAAAAAAA',
          partitions: [
            {
              partitionIndex: 0,
              errorCode: 0,
              highWatermark: 10,
              lastStableOffset: 10,
              logStartOffset: 0,
              divergingEpoch: { epoch: -1, endOffset: -1 },
              currentLeader: { leaderId: -1, leaderEpoch: -1 },
              snapshotId: { endOffset: -1, epoch: -1 },
              abortedTransactions: null,
              preferredReadReplica: -1,
              records: [a, b],
            },
          ],
        },
      ],
      nodeEndpoints: [],
    };
    for (const v of [4, 12, 16]) {
      const chunks = encode(FetchResponseSpec, v, value);
      expect(chunks.includes(a)).toBe(true);
      const back = decode<FetchResponse>(FetchResponseSpec, v, concat(chunks));
      expect(back.responses[0]!.partitions[0]!.records).toEqual(Buffer.concat([a, b]));
    }
  });

  it('decodes records as a slice of the request frame', () => {
    const records = Buffer.alloc(100, 7);
    const value: ProduceRequest = {
      transactionalId: null,
      acks: 1,
      timeoutMs: 30000,
      topicData: [{ name: 'x', partitionData: [{ index: 0, records }] }],
    };
    for (const v of [3, 9, 11]) {
      const frame = concat(encode(ProduceRequestSpec, v, value));
      const req = decode<ProduceRequest>(ProduceRequestSpec, v, frame);
      const got = req.topicData[0]!.partitionData[0]!.records!;
      expect(got.equals(records)).toBe(true);
      expect(got.buffer).toBe(frame.buffer);
    }
  });

  it('skips unknown tagged fields', () => {
    // MetadataRequest v9: topics=null, allowAutoTopicCreation=true, includeCluster/TopicAuthorizedOperations
    // false, and unknown tag 7 (3 bytes) in the top-level tagged section.
    const bytes = Buffer.from('00' + '01' + '00' + '00' + '01' + '07' + '03' + 'aabbcc', 'hex');
    const req = decode<MetadataRequest>(MetadataRequestSpec, 9, bytes);
    expect(req.topics).toBeNull();
    expect(req.allowAutoTopicCreation).toBe(true);
    // A tagged field claiming more bytes than remain is malformed.
    expect(() => decode(MetadataRequestSpec, 9, Buffer.from('0001000001070aaabbcc', 'hex'))).toThrow(ProtocolError);
  });

  it('rejects versions outside validVersions', () => {
    expect(() => decode(ProduceRequestSpec, 99, Buffer.alloc(0))).toThrow(ProtocolError);
    expect(() => encode(ProduceRequestSpec, 99, {})).toThrow(EncodeError);
  });

  it('supports nullable structs, commonStructs and uint16/float64 through a synthetic spec', () => {
    const spec: MessageSpec = {
      type: 'data',
      name: 'Synthetic',
      validVersions: '0-2',
      flexibleVersions: '2+',
      fields: [
        { name: 'Port', type: 'uint16', versions: '0+' },
        { name: 'Ratio', type: 'float64', versions: '0+' },
        { name: 'Inner', type: 'Common', versions: '1+', nullableVersions: '1+', default: 'null' },
        { name: 'Items', type: '[]Common', versions: '0+' },
        { name: 'Tagged', type: 'Common', versions: '2+', taggedVersions: '2+', tag: 5 },
        { name: 'TaggedStr', type: 'string', versions: '2+', nullableVersions: '2+', taggedVersions: '2+', tag: 1, default: 'null' },
      ],
      commonStructs: [{ name: 'Common', versions: '0+', fields: [{ name: 'A', type: 'int32', versions: '0+', default: 7 }] }],
    };
    const v0 = { port: 65535, ratio: 0.25, inner: null, items: [{ a: 1 }], tagged: { a: 7 }, taggedStr: null };
    expect(decode(spec, 0, concat(encode(spec, 0, v0)))).toEqual(v0);
    const v1 = { ...v0, inner: { a: 3 } };
    const b1 = concat(encode(spec, 1, v1));
    expect(b1.toString('hex')).toBe('ffff' + '3fd0000000000000' + '01' + '00000003' + '00000001' + '00000001');
    expect(decode(spec, 1, b1)).toEqual(v1);
    const v2 = { ...v1, inner: null, tagged: { a: 9 }, taggedStr: 'hi' };
    const b2 = concat(encode(spec, 2, v2));
    // Tagged fields in tag order: 1 (string) then 5 (struct with its own empty tagged section).
    expect(b2.toString('hex')).toBe(
      'ffff' + '3fd0000000000000' + 'ff' + '02' + '00000001' + '00' + '02' + '01' + '03' + '036869' + '05' + '05' + '00000009' + '00',
    );
    expect(decode(spec, 2, b2)).toEqual(v2);
  });

  it('honours a field-level flexibleVersions "none" (a string that is never compact)', () => {
    const spec: MessageSpec = {
      type: 'header',
      name: 'HeaderLike',
      validVersions: '1-2',
      flexibleVersions: '2+',
      fields: [
        { name: 'CorrelationId', type: 'int32', versions: '1+' },
        { name: 'ClientId', type: 'string', versions: '1+', nullableVersions: '1+', flexibleVersions: 'none' },
      ],
    };
    const value = { correlationId: 1, clientId: 'ab' };
    expect(concat(encode(spec, 1, value)).toString('hex')).toBe('00000001' + '0002' + '6162');
    expect(concat(encode(spec, 2, value)).toString('hex')).toBe('00000001' + '0002' + '6162' + '00');
    expect(decode(spec, 2, Buffer.from('00000001ffff00', 'hex'))).toEqual({ correlationId: 1, clientId: null });
  });

  it('decodeMessage leaves the reader after the message and encodeMessage appends', () => {
    const w = new Writer();
    w.int16(42);
    encodeMessage(MetadataRequestSpec, 1, { topics: [{ name: 'a' }] }, w);
    w.int16(43);
    const r = new Reader(w.finishSingle());
    expect(r.int16()).toBe(42);
    expect(decodeMessage<MetadataRequest>(MetadataRequestSpec, 1, r).topics).toEqual([
      { topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: 'a' },
    ]);
    expect(r.int16()).toBe(43);
  });

  it('advertises the supported ranges', () => {
    const adv = advertisedApiVersions();
    expect(adv.find((a) => a.apiKey === 0)).toEqual({ apiKey: 0, minVersion: 0, maxVersion: 11 });
    expect(adv.find((a) => a.apiKey === 1)).toEqual({ apiKey: 1, minVersion: 4, maxVersion: 16 });
    expect(adv.find((a) => a.apiKey === 18)).toEqual({ apiKey: 18, minVersion: 0, maxVersion: 3 });
    expect(adv).toHaveLength(27);
    expect(API_BY_KEY.get(0)!.minServedVersion).toBe(3);
  });
});
