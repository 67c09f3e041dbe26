/**
 * NetworkClient against real in-process Gregor brokers: lazy connects, one shared connection per broker,
 * reconnect after the server drops the connection, re-resolving a broker that moved, unknown brokers,
 * close().
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetworkError, type BrokerAddress } from '../src/client/broker-connection.js';
import { NetworkClient } from '../src/client/network-client.js';
import { ApiKey } from '../src/protocol/apis.js';
import type { CreateTopicsResponse, DescribeClusterResponse, FetchResponse, MetadataResponse, ProduceResponse } from '../src/protocol/messages/index.js';
import { fetchRequest, produceRequest, recordValues, startBroker, type TestBroker } from './client-fixtures.js';

let b0: TestBroker;
let b1: TestBroker;
const addresses = new Map<number, BrokerAddress>();
const clients: NetworkClient[] = [];

function client(): NetworkClient {
  const c = new NetworkClient('network-client-test', (id) => addresses.get(id), { reconnectBackoffMs: 10, reconnectBackoffMaxMs: 50 });
  clients.push(c);
  return c;
}

beforeAll(async () => {
  [b0, b1] = await Promise.all([startBroker(0), startBroker(1)]);
});

afterAll(async () => {
  for (const c of clients) c.close();
  await Promise.all([b0?.stop(), b1?.stop()]);
});

describe('NetworkClient', () => {
  it('connects lazily and reuses one connection per broker', async () => {
    addresses.set(0, b0.address);
    const nc = client();
    expect(nc.isConnected(0)).toBe(false);
    const [m1, m2] = await Promise.all([
      nc.send<MetadataResponse>(0, ApiKey.Metadata, 12, { topics: null }),
      nc.send<MetadataResponse>(0, ApiKey.Metadata, 12, { topics: null }),
    ]);
    expect(m1.controllerId).toBe(0);
    expect(m2.brokers[0]!.port).toBe(b0.address.port);
    expect(nc.isConnected(0)).toBe(true);
    const nv = await nc.negotiateVersions(0);
    expect(nv.max.get(ApiKey.Metadata)).toBe(12);
    expect(nv.peer.get(ApiKey.Produce)).toEqual({ apiKey: 0, minVersion: 0, maxVersion: 11 });
  });

  it('round-trips CreateTopics, Produce and Fetch', async () => {
    addresses.set(0, b0.address);
    const nc = client();
    const created = await nc.send<CreateTopicsResponse>(0, ApiKey.CreateTopics, 7, {
      topics: [{ name: 'nc-topic', numPartitions: 1, replicationFactor: 1 }],
      timeoutMs: 5000,
    });
    expect(created.topics[0]).toMatchObject({ name: 'nc-topic', errorCode: 0 });
    const produced = await nc.send<ProduceResponse>(0, ApiKey.Produce, 11, produceRequest('nc-topic', ['x', 'y']));
    expect(produced.responses[0]!.partitionResponses[0]).toMatchObject({ errorCode: 0, baseOffset: 0 });
    const fetched = await nc.send<FetchResponse>(0, ApiKey.Fetch, 12, fetchRequest('nc-topic', 0));
    expect(recordValues(fetched.responses[0]!.partitions[0]!.records)).toEqual(['x', 'y']);
  });

  it('reconnects after the server closes the connection', async () => {
    addresses.set(0, b0.address);
    const nc = client();
    await nc.send(0, ApiKey.Metadata, 12, { topics: null });
    // Fetch v3 is below Gregor's served range: the broker closes the connection.
    await expect(nc.send(0, ApiKey.Fetch, 3, fetchRequest('nc-topic', 0))).rejects.toBeInstanceOf(NetworkError);
    expect(nc.isConnected(0)).toBe(false);
    const md = await nc.send<MetadataResponse>(0, ApiKey.Metadata, 12, { topics: null });
    expect(md.controllerId).toBe(0);
    expect(nc.isConnected(0)).toBe(true);
  });

  it('re-resolves the address when a broker moves', async () => {
    addresses.set(5, b0.address);
    const nc = client();
    const before = await nc.send<DescribeClusterResponse>(5, ApiKey.DescribeCluster, 0, {});
    expect(before.brokers.map((b) => b.brokerId)).toEqual([0]);
    // "Broker 5" re-registers elsewhere: the next request goes to the new address.
    addresses.set(5, b1.address);
    const after = await nc.send<DescribeClusterResponse>(5, ApiKey.DescribeCluster, 0, {});
    expect(after.brokers.map((b) => b.brokerId)).toEqual([1]);
  });

  it('rejects unknown brokers and unreachable addresses with NetworkError, then recovers', async () => {
    const nc = client();
    const unknown = await nc.send(42, ApiKey.Metadata, 12, { topics: null }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(NetworkError);
    expect((unknown as NetworkError).brokerId).toBe(42);

    // Nothing listens on port 1 of localhost.
    addresses.set(43, { host: '127.0.0.1', port: 1 });
    await expect(nc.send(43, ApiKey.Metadata, 12, { topics: null })).rejects.toBeInstanceOf(NetworkError);
    // After the backoff the next attempt resolves the (now correct) address again.
    addresses.set(43, b1.address);
    const md = await nc.send<MetadataResponse>(43, ApiKey.Metadata, 12, { topics: null });
    expect(md.controllerId).toBe(1);
  });

  it('close(brokerId) fails in-flight requests; close() refuses further sends', async () => {
    addresses.set(0, b0.address);
    addresses.set(1, b1.address);
    const nc = client();
    await nc.send(0, ApiKey.Metadata, 12, { topics: null });
    const inFlight = nc.send(0, ApiKey.Fetch, 12, fetchRequest('nc-topic', 2, 2000, 1 << 20));
    await new Promise((r) => setTimeout(r, 20));
    nc.close(0);
    await expect(inFlight).rejects.toBeInstanceOf(NetworkError);
    // A closed broker connection is reopened on demand.
    await expect(nc.send<MetadataResponse>(0, ApiKey.Metadata, 12, { topics: null })).resolves.toMatchObject({ controllerId: 0 });
    nc.close();
    expect(nc.isConnected(0)).toBe(false);
    await expect(nc.send(1, ApiKey.Metadata, 12, { topics: null })).rejects.toThrow(/closed/);
  });
});
