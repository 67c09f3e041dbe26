/**
 * BrokerConnection against a real in-process Gregor broker (ApiVersions, Metadata, CreateTopics, Produce,
 * Fetch, pipelining, timeouts) and against tiny misbehaving servers (garbage, unknown correlation ids,
 * abrupt closes): a peer must never be able to crash the client or leave a request hanging.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrokerConnection, NetworkError, RequestTimeoutError, type BrokerAddress } from '../src/client/broker-connection.js';
import { ApiKey } from '../src/protocol/apis.js';
import { ErrorCode } from '../src/protocol/errors.js';
import type {
  ApiVersionsResponse,
  CreateTopicsResponse,
  FetchResponse,
  MetadataResponse,
  ProduceResponse,
} from '../src/protocol/messages/index.js';
import { EncodeError } from '../src/protocol/primitives.js';
import { fetchRequest, produceRequest, recordValues, startBroker, type TestBroker } from './client-fixtures.js';

let tb: TestBroker;
const open: BrokerConnection[] = [];

async function connect(address: BrokerAddress = tb.address, extra: { requestTimeoutMs?: number; closeOnTimeout?: boolean } = {}): Promise<BrokerConnection> {
  const c = await BrokerConnection.connect(address, { clientId: 'client-test', brokerId: 0, ...extra });
  open.push(c);
  return c;
}

beforeAll(async () => {
  tb = await startBroker(0);
});

afterAll(async () => {
  for (const c of open) c.close();
  await tb?.stop();
});

describe('BrokerConnection with a Gregor broker', () => {
  it('negotiates versions with ApiVersions v3', async () => {
    const c = await connect();
    const resp = await c.send<ApiVersionsResponse>(ApiKey.ApiVersions, 3, { clientSoftwareName: 'gregor-test', clientSoftwareVersion: '1' });
    expect(resp.errorCode).toBe(0);
    expect(resp.apiKeys.find((k) => k.apiKey === ApiKey.Metadata)).toEqual({ apiKey: 3, minVersion: 0, maxVersion: 12 });
    const nv = await c.negotiateVersions();
    expect(nv.max.get(ApiKey.Produce)).toBe(11);
    expect(nv.max.get(ApiKey.Fetch)).toBe(16);
    expect(nv.peer.get(ApiKey.Fetch)).toEqual({ apiKey: 1, minVersion: 4, maxVersion: 16 });
    // Cached per connection.
    expect(await c.negotiateVersions()).toBe(nv);
  });

  it('answers Metadata at a non-flexible and a flexible version', async () => {
    const c = await connect();
    const v1 = await c.send<MetadataResponse>(ApiKey.Metadata, 1, { topics: [] });
    expect(v1.brokers).toEqual([{ nodeId: 0, host: '127.0.0.1', port: tb.address.port, rack: null }]);
    const v12 = await c.send<MetadataResponse>(ApiKey.Metadata, 12, { topics: null });
    expect(v12.clusterId).toBeTruthy();
    expect(v12.controllerId).toBe(0);
  });

  it('creates a topic, produces (acks=-1 and acks=0) and fetches the records back', async () => {
    const c = await connect();
    const created = await c.send<CreateTopicsResponse>(ApiKey.CreateTopics, 7, {
      topics: [{ name: 'client-conn', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }],
      timeoutMs: 5000,
    });
    expect(created.topics[0]!.errorCode).toBe(0);

    const produced = await c.send<ProduceResponse>(ApiKey.Produce, 9, produceRequest('client-conn', ['a', 'b', 'c']));
    const p = produced.responses[0]!.partitionResponses[0]!;
    expect(p.errorCode).toBe(0);
    expect(p.baseOffset).toBe(0);

    // acks=0: the broker sends nothing back; the promise resolves once the request is written.
    await expect(c.send(ApiKey.Produce, 9, produceRequest('client-conn', ['d'], 0), { expectResponse: false })).resolves.toBeUndefined();

    // The acks=0 request was handled before this one (one request at a time per connection, in order).
    const fetched = await c.send<FetchResponse>(ApiKey.Fetch, 12, fetchRequest('client-conn', 0));
    const part = fetched.responses[0]!.partitions[0]!;
    expect(part.errorCode).toBe(0);
    expect(part.highWatermark).toBe(4);
    expect(recordValues(part.records)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('pipelines 100 requests on one connection and matches each response to its request', async () => {
    const c = await connect();
    const names = Array.from({ length: 100 }, (_, i) => `missing-${i}`);
    const all = names.map((name, i) =>
      i % 10 === 9
        ? c.send<ApiVersionsResponse>(ApiKey.ApiVersions, 3, { clientSoftwareName: 'x', clientSoftwareVersion: String(i) }).then(() => name)
        : c.send<MetadataResponse>(ApiKey.Metadata, i % 2 === 0 ? 12 : 5, { topics: [{ name }], allowAutoTopicCreation: false }).then((r) => {
            expect(r.topics[0]!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
            return r.topics[0]!.name;
          }),
    );
    expect(c.inFlight).toBeGreaterThan(0);
    expect(await Promise.all(all)).toEqual(names);
    expect(c.inFlight).toBe(0);
  });

  it('times out a request and closes the connection (Kafka behaviour)', async () => {
    const c = await connect();
    await c.send(ApiKey.CreateTopics, 7, {
      topics: [{ name: 'client-idle', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }],
      timeoutMs: 5000,
    });
    const closed = new Promise<NetworkError | null>((r) => c.onClose(r));
    // A long poll on an empty partition: the broker holds it for maxWaitMs.
    const slow = c.send(ApiKey.Fetch, 12, fetchRequest('client-idle', 0, 3000, 1 << 20), { timeoutMs: 150 });
    const behind = c.send(ApiKey.Metadata, 12, { topics: null });
    const err = await slow.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RequestTimeoutError);
    expect(err).toBeInstanceOf(NetworkError);
    expect((err as NetworkError).brokerId).toBe(0);
    expect((err as NetworkError).address).toBe(`127.0.0.1:${tb.address.port}`);
    // Everything pipelined behind it fails too, and the connection is gone.
    await expect(behind).rejects.toBeInstanceOf(NetworkError);
    expect(await closed).toBe(err);
    expect(c.isOpen).toBe(false);
    await expect(c.send(ApiKey.Metadata, 12, { topics: null })).rejects.toBeInstanceOf(NetworkError);
  });

  it('with closeOnTimeout=false only the overdue request fails and its late response is dropped', async () => {
    const c = await connect(tb.address, { closeOnTimeout: false });
    const slow = c.send(ApiKey.Fetch, 12, fetchRequest('client-idle', 0, 400, 1 << 20), { timeoutMs: 100 });
    await expect(slow).rejects.toBeInstanceOf(RequestTimeoutError);
    const md = await c.send<MetadataResponse>(ApiKey.Metadata, 12, { topics: null }, { timeoutMs: 5000 });
    expect(md.controllerId).toBe(0);
    expect(c.isOpen).toBe(true);
  });

  it('rejects bad input from the caller without throwing or closing the connection', async () => {
    const c = await connect();
    let p!: Promise<unknown>;
    expect(() => (p = c.send(9999, 0, {}))).not.toThrow();
    await expect(p).rejects.toThrow(/unknown API key/);
    // Metadata v0 topics are not nullable.
    await expect(c.send(ApiKey.Metadata, 0, { topics: null })).rejects.toBeInstanceOf(EncodeError);
    expect(c.isOpen).toBe(true);
    await expect(c.send<MetadataResponse>(ApiKey.Metadata, 0, { topics: [] })).resolves.toMatchObject({ controllerId: -1 });
  });

  it('fails in-flight requests when the broker closes the connection', async () => {
    const c = await connect();
    // Fetch v3 is in Kafka's schema but below what Gregor serves: the broker closes the connection.
    const err = await c.send(ApiKey.Fetch, 3, fetchRequest('client-conn', 0)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect((err as Error).message).toMatch(/closed by peer|failed/);
    expect(c.isOpen).toBe(false);
  });

  it('rejects a connect to a closed port with NetworkError', async () => {
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as { port: number }).port;
    await new Promise<void>((r) => srv.close(() => r()));
    const err = await BrokerConnection.connect({ host: '127.0.0.1', port }, { clientId: 'x', brokerId: 7 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect((err as NetworkError).brokerId).toBe(7);
    expect((err as NetworkError).address).toBe(`127.0.0.1:${port}`);
  });
});

describe('BrokerConnection with a misbehaving server', () => {
  /** A server that answers every complete request frame with `reply(correlationId)` (or nothing). */
  async function fakeServer(onFrame: (sock: Socket, correlationId: number) => void): Promise<{ server: Server; address: BrokerAddress }> {
    const server = createServer((sock) => {
      let buf = Buffer.alloc(0);
      sock.on('error', () => {});
      sock.on('data', (d) => {
        buf = Buffer.concat([buf, d]);
        while (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
          const frame = buf.subarray(4, 4 + buf.readInt32BE(0));
          buf = buf.subarray(4 + frame.length);
          onFrame(sock, frame.readInt32BE(4));
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return { server, address: { host: '127.0.0.1', port: (server.address() as { port: number }).port } };
  }

  const frameOf = (...parts: Buffer[]): Buffer => {
    const body = Buffer.concat(parts);
    const size = Buffer.alloc(4);
    size.writeInt32BE(body.length);
    return Buffer.concat([size, body]);
  };
  const int32 = (v: number): Buffer => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v);
    return b;
  };

  const cases: [string, (sock: Socket, correlationId: number) => void, RegExp][] = [
    ['a garbage body', (s, id) => s.write(frameOf(int32(id), Buffer.from('ffffffffffffff', 'hex'))), /malformed Metadata v1 response/],
    ['trailing bytes after a valid body', (s, id) => s.write(frameOf(int32(id), int32(0), int32(-1), int32(0), Buffer.from('00'))), /trailing/],
    ['an unknown correlation id', (s, id) => s.write(frameOf(int32(id + 1000), int32(0))), /unknown correlation id/],
    ['a negative frame size', (s) => s.write(Buffer.from('ffffffff00', 'hex')), /corrupt response stream/],
    ['a frame shorter than a header', (s) => s.write(frameOf(Buffer.from('01', 'hex'))), /shorter than a header/],
    ['an abrupt close', (s) => s.destroy(), /closed by peer/],
  ];

  for (const [what, reply, message] of cases) {
    it(`fails the request cleanly on ${what}`, async () => {
      const { server, address } = await fakeServer(reply);
      try {
        const c = await connect(address);
        const closed = new Promise<NetworkError | null>((r) => c.onClose(r));
        const first = c.send(ApiKey.Metadata, 1, { topics: [] }, { timeoutMs: 5000 });
        const err = await first.catch((e: unknown) => e);
        expect(err).toBeInstanceOf(NetworkError);
        expect((err as Error).message).toMatch(message);
        expect(await closed).toBeInstanceOf(NetworkError);
        expect(c.isOpen).toBe(false);
      } finally {
        server.close();
      }
    });
  }

  it('fails every pipelined request when one response is malformed', async () => {
    let n = 0;
    const { server, address } = await fakeServer((s, id) => {
      // The first answer is valid (an empty Metadata v1 body), the second garbage.
      if (n++ === 0) s.write(frameOf(int32(id), int32(0), int32(-1), int32(0)));
      else s.write(frameOf(int32(id), Buffer.from('0000', 'hex')));
    });
    try {
      const c = await connect(address);
      const results = await Promise.allSettled([1, 2, 3].map(() => c.send<MetadataResponse>(ApiKey.Metadata, 1, { topics: [] })));
      expect(results[0]).toMatchObject({ status: 'fulfilled', value: { brokers: [], controllerId: -1, topics: [] } });
      expect(results[1]).toMatchObject({ status: 'rejected' });
      expect(results[2]).toMatchObject({ status: 'rejected' });
      for (const r of results.slice(1)) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(NetworkError);
    } finally {
      server.close();
    }
  });

  it('reads an UNSUPPORTED_VERSION ApiVersions answer as a v0 body', async () => {
    const { server, address } = await fakeServer((s, id) =>
      // v0 body: error 35, one key (Metadata 0-9).
      s.write(frameOf(int32(id), Buffer.from('002300000001000300000009', 'hex'))),
    );
    try {
      const c = await connect(address);
      const resp = await c.send<ApiVersionsResponse>(ApiKey.ApiVersions, 3, { clientSoftwareName: 'a', clientSoftwareVersion: 'b' });
      expect(resp.errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
      expect(resp.apiKeys).toEqual([{ apiKey: 3, minVersion: 0, maxVersion: 9 }]);
      await expect(c.negotiateVersions()).rejects.toBeInstanceOf(NetworkError);
    } finally {
      server.close();
    }
  });
});
