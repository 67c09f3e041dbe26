/**
 * Encodings checked byte for byte against layouts written out by hand from Kafka's specs: the round-trip
 * tests alone could not catch a codec that is wrong symmetrically.
 */
import { describe, expect, it } from 'vitest';
import { decode, encode } from '../src/protocol/codec.js';
import {
  ApiVersionsRequestSpec,
  ApiVersionsResponseSpec,
  MetadataRequestSpec,
  MetadataResponseSpec,
  ProduceRequestSpec,
  ProduceResponseSpec,
} from '../src/protocol/messages/index.js';
import type { ApiVersionsResponse, MetadataResponse, ProduceResponse } from '../src/protocol/messages/index.js';
import type { MessageSpec } from '../src/protocol/schema.js';

/** Hex with spaces and `'text'` runs (UTF-8) for readability. */
function bytes(layout: string): Buffer {
  const parts: Buffer[] = [];
  const re = /'([^']*)'|([0-9a-fA-F\s]+)/g;
  for (const m of layout.matchAll(re)) {
    if (m[1] !== undefined) parts.push(Buffer.from(m[1], 'utf8'));
    else parts.push(Buffer.from(m[2]!.replace(/\s+/g, ''), 'hex'));
  }
  return Buffer.concat(parts);
}

function check(spec: MessageSpec, version: number, value: Record<string, unknown>, layout: string, decoded = value): void {
  const expected = bytes(layout);
  expect(Buffer.concat(encode(spec, version, value)).toString('hex')).toBe(expected.toString('hex'));
  expect(decode(spec, version, expected)).toEqual(decoded);
}

describe('known bytes', () => {
  it('ApiVersions v0 request is empty', () => {
    check(ApiVersionsRequestSpec, 0, { clientSoftwareName: '', clientSoftwareVersion: '' }, '');
  });

  it('ApiVersions v3 request: compact strings and an empty tagged section', () => {
    check(
      ApiVersionsRequestSpec,
      3,
      { clientSoftwareName: 'librdkafka', clientSoftwareVersion: '2.3.0' },
      `0b 'librdkafka' 06 '2.3.0' 00`,
    );
  });

  const apiKeys = [
    { apiKey: 0, minVersion: 0, maxVersion: 11 },
    { apiKey: 18, minVersion: 0, maxVersion: 3 },
  ];

  it('ApiVersions v0 response', () => {
    const value: ApiVersionsResponse = {
      errorCode: 0,
      apiKeys,
      throttleTimeMs: 0,
      supportedFeatures: [],
      finalizedFeaturesEpoch: -1,
      finalizedFeatures: [],
      zkMigrationReady: false,
    };
    check(ApiVersionsResponseSpec, 0, { ...value }, `0000 00000002 0000 0000 000b 0012 0000 0003`);
    // v1 adds ThrottleTimeMs after the array.
    check(ApiVersionsResponseSpec, 1, { ...value, throttleTimeMs: 7 }, `0000 00000002 0000 0000 000b 0012 0000 0003 00000007`);
  });

  it('ApiVersions v3 response with tagged fields (written in tag order, defaults omitted)', () => {
    const value: ApiVersionsResponse = {
      errorCode: 0,
      apiKeys,
      throttleTimeMs: 0,
      supportedFeatures: [{ name: 'metadata.version', minVersion: 1, maxVersion: 20 }],
      finalizedFeaturesEpoch: 5,
      finalizedFeatures: [],
      zkMigrationReady: false,
    };
    check(
      ApiVersionsResponseSpec,
      3,
      { ...value },
      `0000
       03 0000 0000 000b 00  0012 0000 0003 00
       00000000
       02
         00 17  02 11 'metadata.version' 0001 0014 00
         01 08  0000000000000005`,
    );
    // No tagged field set: an empty tagged section.
    check(
      ApiVersionsResponseSpec,
      3,
      { ...value, supportedFeatures: [], finalizedFeaturesEpoch: -1 },
      `0000 03 0000 0000 000b 00 0012 0000 0003 00 00000000 00`,
    );
    // A known tagged field longer than its type: the spare bytes are skipped.
    expect(
      decode<ApiVersionsResponse>(ApiVersionsResponseSpec, 3, bytes(`0000 01 00000000 01 01 0a 0000000000000009 ffff`))
        .finalizedFeaturesEpoch,
    ).toBe(9);
  });

  it('Metadata v1 request', () => {
    check(MetadataRequestSpec, 1, { topics: [{ name: 'foo' }] }, `00000001 0003 'foo'`, {
      topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: 'foo' }],
      allowAutoTopicCreation: true,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    });
    expect(Buffer.concat(encode(MetadataRequestSpec, 1, { topics: null })).toString('hex')).toBe('ffffffff');
  });

  it('Metadata v1 response', () => {
    const value: MetadataResponse = {
      throttleTimeMs: 0,
      brokers: [{ nodeId: 1, host: 'h', port: 9092, rack: null }],
      clusterId: null,
      controllerId: 1,
      topics: [
        {
          errorCode: 0,
          name: 't',
          topicId: 'AAAAAAAAAAAAAAAAAAAAAA',
          isInternal: false,
          partitions: [
            { errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: -1, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] },
          ],
          topicAuthorizedOperations: -2147483648,
        },
      ],
      clusterAuthorizedOperations: -2147483648,
    };
    check(
      MetadataResponseSpec,
      1,
      { ...value },
      `00000001 00000001 0001 'h' 00002384 ffff
       00000001
       00000001 0000 0001 't' 00
         00000001 0000 00000000 00000001 00000001 00000001 00000001 00000001`,
    );
  });

  it('Produce v3 request and response', () => {
    check(
      ProduceRequestSpec,
      3,
      {
        transactionalId: null,
        acks: -1,
        timeoutMs: 30000,
        topicData: [{ name: 'foo', partitionData: [{ index: 2, records: Buffer.from('0102030405', 'hex') }] }],
      },
      `ffff ffff 00007530 00000001 0003 'foo' 00000001 00000002 00000005 0102030405`,
    );
    const response: ProduceResponse = {
      responses: [
        {
          name: 'foo',
          partitionResponses: [
            {
              index: 2,
              errorCode: 0,
              baseOffset: 100,
              logAppendTimeMs: -1,
              logStartOffset: -1,
              recordErrors: [],
              errorMessage: null,
              currentLeader: { leaderId: -1, leaderEpoch: -1 },
            },
          ],
        },
      ],
      throttleTimeMs: 0,
      nodeEndpoints: [],
    };
    check(
      ProduceResponseSpec,
      3,
      { ...response },
      `00000001 0003 'foo' 00000001 00000002 0000 0000000000000064 ffffffffffffffff 00000000`,
    );
  });

  it('Produce v10 response: tagged struct in a nested struct and a tagged array at the top', () => {
    const value: ProduceResponse = {
      responses: [
        {
          name: 'foo',
          partitionResponses: [
            {
              index: 2,
              errorCode: 6,
              baseOffset: -1,
              logAppendTimeMs: -1,
              logStartOffset: 0,
              recordErrors: [],
              errorMessage: null,
              currentLeader: { leaderId: 1, leaderEpoch: 5 },
            },
          ],
        },
      ],
      throttleTimeMs: 0,
      nodeEndpoints: [{ nodeId: 1, host: 'h', port: 9092, rack: null }],
    };
    check(
      ProduceResponseSpec,
      10,
      { ...value },
      `02 04 'foo'
         02 00000002 0006 ffffffffffffffff ffffffffffffffff 0000000000000000 01 00
            01 00 09 00000001 00000005 00
         00
       00000000
       01 00 0d 02 00000001 02 'h' 00002384 00 00`,
    );
  });
});
