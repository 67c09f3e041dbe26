/**
 * The inter-broker and reassignment/election messages of ZooKeeper cluster mode: round trips at every
 * supported version (these schemas change shape across versions more than the client APIs do: ungrouped
 * v0/v1 partition lists, commonStructs, topic ids replacing names), hand-written bytes for the two
 * messages the controller sends most, and the header rules for the new keys.
 */
import { describe, expect, it } from 'vitest';
import { API_BY_KEY, ApiKey, INTER_BROKER_KEYS, advertisedApis, advertisedApiVersions } from '../src/protocol/apis.js';
import { decode, encode } from '../src/protocol/codec.js';
import { encodeRequestHeader, readRequestHeader, requestHeaderVersion, responseHeaderVersion } from '../src/protocol/headers.js';
import {
  ControlledShutdownRequestSpec,
  LeaderAndIsrRequestSpec,
  LeaderAndIsrResponseSpec,
  UpdateMetadataRequestSpec,
} from '../src/protocol/messages/index.js';
import type { LeaderAndIsrRequest, LeaderAndIsrResponse, UpdateMetadataRequest } from '../src/protocol/messages/index.js';
import { Reader, Writer } from '../src/protocol/primitives.js';
import type { MessageSpec } from '../src/protocol/schema.js';
import { sampleMessage } from './protocol-sample.js';

const EXPECTED_RANGES: Record<string, [number, number]> = {
  LeaderAndIsr: [0, 7],
  StopReplica: [0, 4],
  UpdateMetadata: [0, 8],
  ControlledShutdown: [0, 3],
  ElectLeaders: [0, 2],
  AlterPartitionReassignments: [0, 0],
  ListPartitionReassignments: [0, 0],
  AlterPartition: [0, 3],
};

/** Hex with spaces and `'text'` runs (UTF-8) for readability. */
function bytes(layout: string): Buffer {
  const parts: Buffer[] = [];
  for (const m of layout.matchAll(/'([^']*)'|([0-9a-fA-F\s]+)/g)) {
    if (m[1] !== undefined) parts.push(Buffer.from(m[1], 'utf8'));
    else parts.push(Buffer.from(m[2]!.replace(/\s+/g, ''), 'hex'));
  }
  return Buffer.concat(parts);
}

function check(spec: MessageSpec, version: number, value: object, layout: string): void {
  const expected = bytes(layout);
  expect(Buffer.concat(encode(spec, version, value)).toString('hex')).toBe(expected.toString('hex'));
  expect(decode(spec, version, expected)).toEqual(value);
}

describe('inter-broker registry', () => {
  it('registers every inter-broker API with the supported range', () => {
    for (const [name, [min, max]] of Object.entries(EXPECTED_RANGES)) {
      const key = ApiKey[name as keyof typeof ApiKey];
      expect(INTER_BROKER_KEYS.has(key), name).toBe(true);
      const api = API_BY_KEY.get(key)!;
      expect(api.name).toBe(name);
      expect([api.minVersion, api.maxVersion], name).toEqual([min, max]);
    }
    expect(INTER_BROKER_KEYS.size).toBe(Object.keys(EXPECTED_RANGES).length);
  });

  it('advertises only the keys with a handler', () => {
    const clientOnly = advertisedApiVersions();
    expect(clientOnly.some((a) => INTER_BROKER_KEYS.has(a.apiKey))).toBe(false);
    const all = advertisedApis(() => true);
    expect(all).toHaveLength(API_BY_KEY.size);
    expect(all.find((a) => a.apiKey === 6)).toEqual({ apiKey: 6, minVersion: 0, maxVersion: 8 });
    const some = advertisedApis((k) => k === 4 || k === 18);
    expect(some.map((a) => a.apiKey)).toEqual([4, 18]);
  });
});

describe('inter-broker round trips', () => {
  for (const name of Object.keys(EXPECTED_RANGES)) {
    const api = API_BY_KEY.get(ApiKey[name as keyof typeof ApiKey])!;
    for (const spec of [api.request, api.response]) {
      it(`${spec.name} v${api.minVersion}-${api.maxVersion}`, () => {
        for (let v = api.minVersion; v <= api.maxVersion; v++) {
          for (let seed = 1; seed <= 12; seed++) {
            const value = sampleMessage(spec, v, seed * 7919 + v);
            const wire = Buffer.concat(encode(spec, v, value));
            const back = decode(spec, v, wire);
            expect(back, `${spec.name} v${v} seed ${seed}`).toEqual(value);
            expect(Buffer.concat(encode(spec, v, back)).equals(wire)).toBe(true);
          }
        }
      });
    }
  }

  it('uses the shared partition-state struct in v0-1 (ungrouped) and v2+ (by topic)', () => {
    const state = {
      topicName: 't',
      partitionIndex: 3,
      controllerEpoch: 1,
      leader: 2,
      leaderEpoch: 5,
      isr: [2],
      partitionEpoch: 9,
      replicas: [2],
      addingReplicas: [],
      removingReplicas: [],
      isNew: true,
      leaderRecoveryState: 0,
    };
    const v1 = decode<LeaderAndIsrRequest>(
      LeaderAndIsrRequestSpec,
      1,
      Buffer.concat(encode(LeaderAndIsrRequestSpec, 1, { controllerId: 1, controllerEpoch: 1, ungroupedPartitionStates: [state], liveLeaders: [] })),
    );
    expect(v1.ungroupedPartitionStates).toEqual([state]);
    expect(v1.topicStates).toEqual([]);
    // From v2 the topic name lives on the topic, not the partition.
    const v2 = decode<LeaderAndIsrRequest>(
      LeaderAndIsrRequestSpec,
      2,
      Buffer.concat(
        encode(LeaderAndIsrRequestSpec, 2, {
          controllerId: 1,
          controllerEpoch: 1,
          topicStates: [{ topicName: 't', partitionStates: [state] }],
          liveLeaders: [],
        }),
      ),
    );
    expect(v2.topicStates[0]!.partitionStates[0]).toEqual({ ...state, topicName: '' });
  });
});

describe('inter-broker known bytes', () => {
  const topicId = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex').toString('base64url');

  it('UpdateMetadata v7 request', () => {
    const value: UpdateMetadataRequest = {
      controllerId: 1,
      isKRaftController: false,
      type: 0,
      controllerEpoch: 2,
      brokerEpoch: 256,
      ungroupedPartitionStates: [],
      topicStates: [
        {
          topicName: 'foo',
          topicId,
          partitionStates: [
            {
              topicName: '',
              partitionIndex: 0,
              controllerEpoch: 2,
              leader: 1,
              leaderEpoch: 3,
              isr: [1, 2],
              zkVersion: 4,
              replicas: [1, 2],
              offlineReplicas: [],
            },
          ],
        },
      ],
      liveBrokers: [
        {
          id: 1,
          v0Host: '',
          v0Port: 0,
          endpoints: [{ port: 9092, host: 'h1', listener: 'PLAINTEXT', securityProtocol: 0 }],
          rack: null,
        },
      ],
    };
    check(
      UpdateMetadataRequestSpec,
      7,
      value,
      `00000001 00000002 0000000000000100
       02
         04 'foo' 000102030405060708090a0b0c0d0e0f
         02
           00000000 00000002 00000001 00000003
           03 00000001 00000002
           00000004
           03 00000001 00000002
           01
           00
         00
       02
         00000001
         02 00002384 03 'h1' 0a 'PLAINTEXT' 0000 00
         00
         00
       00`,
    );
  });

  it('LeaderAndIsr v5 request and response', () => {
    const req: LeaderAndIsrRequest = {
      controllerId: 1,
      isKRaftController: false,
      controllerEpoch: 7,
      brokerEpoch: 4294967296,
      type: 2,
      ungroupedPartitionStates: [],
      topicStates: [
        {
          topicName: 't',
          topicId,
          partitionStates: [
            {
              topicName: '',
              partitionIndex: 1,
              controllerEpoch: 7,
              leader: 2,
              leaderEpoch: 0,
              isr: [2],
              partitionEpoch: 0,
              replicas: [2, 3],
              addingReplicas: [3],
              removingReplicas: [],
              isNew: true,
              leaderRecoveryState: 0,
            },
          ],
        },
      ],
      liveLeaders: [{ brokerId: 2, hostName: 'b2', port: 9093 }],
    };
    check(
      LeaderAndIsrRequestSpec,
      5,
      req,
      `00000001 00000007 0000000100000000 02
       02
         02 't' 000102030405060708090a0b0c0d0e0f
         02
           00000001 00000007 00000002 00000000
           02 00000002
           00000000
           03 00000002 00000003
           02 00000003
           01
           01
           00
         00
       02
         00000002 03 'b2' 00002385 00
       00`,
    );
    const resp: LeaderAndIsrResponse = {
      errorCode: 0,
      partitionErrors: [],
      topics: [{ topicId, partitionErrors: [{ topicName: '', partitionIndex: 1, errorCode: 6 }] }],
    };
    check(
      LeaderAndIsrResponseSpec,
      5,
      resp,
      `0000
       02
         000102030405060708090a0b0c0d0e0f
         02 00000001 0006 00
         00
       00`,
    );
  });
});

describe('inter-broker headers', () => {
  it('chooses header versions for the new keys', () => {
    expect(requestHeaderVersion(ApiKey.LeaderAndIsr, 3)).toBe(1);
    expect(requestHeaderVersion(ApiKey.LeaderAndIsr, 4)).toBe(2);
    expect(responseHeaderVersion(ApiKey.LeaderAndIsr, 4)).toBe(1);
    expect(requestHeaderVersion(ApiKey.UpdateMetadata, 5)).toBe(1);
    expect(requestHeaderVersion(ApiKey.UpdateMetadata, 6)).toBe(2);
    expect(requestHeaderVersion(ApiKey.StopReplica, 2)).toBe(2);
    expect(requestHeaderVersion(ApiKey.ControlledShutdown, 0)).toBe(0);
    expect(requestHeaderVersion(ApiKey.ControlledShutdown, 2)).toBe(1);
    expect(requestHeaderVersion(ApiKey.ControlledShutdown, 3)).toBe(2);
    expect(responseHeaderVersion(ApiKey.ControlledShutdown, 3)).toBe(1);
    expect(requestHeaderVersion(ApiKey.AlterPartition, 0)).toBe(2);
    expect(requestHeaderVersion(ApiKey.ElectLeaders, 1)).toBe(1);
    expect(requestHeaderVersion(ApiKey.ElectLeaders, 2)).toBe(2);
    expect(requestHeaderVersion(ApiKey.AlterPartitionReassignments, 0)).toBe(2);
    expect(requestHeaderVersion(ApiKey.ListPartitionReassignments, 0)).toBe(2);
  });

  it('ControlledShutdown v0 has no client id in its header', () => {
    const w = new Writer();
    encodeRequestHeader(w, { apiKey: 7, apiVersion: 0, correlationId: 5, clientId: 'ignored' });
    const body = encode(ControlledShutdownRequestSpec, 0, { brokerId: 3 });
    const frame = Buffer.concat([...w.finish(), ...body]);
    expect(frame.toString('hex')).toBe('0007' + '0000' + '00000005' + '00000003');
    const r = new Reader(frame);
    expect(readRequestHeader(r)).toEqual({ apiKey: 7, apiVersion: 0, correlationId: 5, clientId: null, headerVersion: 0 });
    expect(decode(ControlledShutdownRequestSpec, 0, frame.subarray(r.pos))).toEqual({ brokerId: 3, brokerEpoch: -1 });
  });
});
