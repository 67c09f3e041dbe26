/**
 * The Fetch long poll of a consumer connection that still holds a partial answer for another partition
 * (fetch-backlog.ts): FetchBacklog's bookkeeping, then the behaviour on a real in-process broker — a fetch
 * naming only caught-up partitions is answered early while the connection has a backlog elsewhere, and waits
 * maxWaitMs otherwise (another connection, the backlog drained, the backlog partition named).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrokerConnection } from '../src/client/broker-connection.js';
import { BACKLOG_HORIZON_MS, FetchBacklog } from '../src/handlers/fetch-backlog.js';
import { ApiKey } from '../src/protocol/apis.js';
import type { CreateTopicsResponse, FetchRequest, FetchResponse, ProduceResponse } from '../src/protocol/messages/index.js';
import { readBatchHeader } from '../src/records/batch.js';
import { buildBatch } from '../src/records/builder.js';
import { startBroker, type TestBroker } from './client-fixtures.js';

describe('FetchBacklog', () => {
  it('remembers partially served partitions and reports those a request leaves out', () => {
    const b = new FetchBacklog(1000);
    b.served('t-0', true, 0);
    b.served('t-1', false, 0);
    expect(b.size).toBe(1);
    expect(b.elsewhere(new Set(['t-1']), 10)).toBe(true);
    expect(b.elsewhere(new Set(['t-0', 't-1']), 10)).toBe(false);
    // Served to the end later: no backlog any more.
    b.served('t-0', false, 20);
    expect(b.elsewhere(new Set(['t-1']), 30)).toBe(false);
    expect(b.size).toBe(0);
  });

  it('forgets a backlog after the horizon (a paused partition does not shorten long polls for ever)', () => {
    const b = new FetchBacklog(1000);
    b.served('t-0', true, 0);
    expect(b.elsewhere(new Set(['t-1']), 1000)).toBe(true);
    expect(b.elsewhere(new Set(['t-1']), 1001)).toBe(false);
    expect(b.size).toBe(0);
    expect(BACKLOG_HORIZON_MS).toBeGreaterThanOrEqual(500);
  });
});

describe('Fetch long poll with a backlog on the same connection (in-process broker)', () => {
  const TOPIC = 'backlog';
  const BATCHES = 40;
  const VALUE = Buffer.alloc(4000, 'x');
  const MAX_WAIT = 700;
  let tb: TestBroker;
  const open: BrokerConnection[] = [];

  const connect = async () => {
    const c = await BrokerConnection.connect(tb.address, { clientId: 'backlog-test', brokerId: 0 });
    open.push(c);
    return c;
  };

  /** Fetch v12 of (partition, offset) pairs; ~16 KiB per partition, so partition 0's 40 batches come in parts. */
  const fetchReq = (parts: Array<[number, number]>, replicaId = -1): Partial<FetchRequest> => ({
    replicaId,
    maxWaitMs: MAX_WAIT,
    minBytes: 1,
    maxBytes: 1 << 20,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        topic: TOPIC,
        topicId: 'AAAAAAAAAAAAAAAAAAAAAA',
        partitions: parts.map(([partition, fetchOffset]) => ({
          partition,
          currentLeaderEpoch: -1,
          fetchOffset,
          lastFetchedEpoch: -1,
          logStartOffset: -1,
          partitionMaxBytes: 16 * 1024,
          replicaDirectoryId: 'AAAAAAAAAAAAAAAAAAAAAA',
        })),
      },
    ],
    forgottenTopicsData: [],
    rackId: '',
  });

  /** Sends the fetch; returns the response and how long the broker took. */
  async function timedFetch(c: BrokerConnection, parts: Array<[number, number]>, replicaId = -1) {
    const t0 = performance.now();
    const resp = await c.send<FetchResponse>(ApiKey.Fetch, 12, fetchReq(parts, replicaId), { timeoutMs: 10_000 });
    const ms = performance.now() - t0;
    const bytes = resp.responses[0]!.partitions.map((p) => (Array.isArray(p.records) ? p.records : p.records ? [p.records] : []).reduce((n, b) => n + b.length, 0));
    return { resp, ms, bytes };
  }

  beforeAll(async () => {
    tb = await startBroker(0);
    const c = await connect();
    const created = await c.send<CreateTopicsResponse>(ApiKey.CreateTopics, 7, {
      topics: [{ name: TOPIC, numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }],
      timeoutMs: 5000,
    });
    expect(created.topics[0]!.errorCode).toBe(0);
    // Partition 0: 40 batches of one 4 KB record (160 KB); partition 1: one record.
    for (let i = 0; i < BATCHES; i++) {
      const r = await c.send<ProduceResponse>(ApiKey.Produce, 9, {
        transactionalId: null,
        acks: -1,
        timeoutMs: 5000,
        topicData: [{ name: TOPIC, partitionData: [{ index: 0, records: buildBatch({ records: [{ key: null, value: VALUE }] }) }] }],
      });
      expect(r.responses[0]!.partitionResponses[0]!.errorCode).toBe(0);
    }
    const r1 = await c.send<ProduceResponse>(ApiKey.Produce, 9, {
      transactionalId: null,
      acks: -1,
      timeoutMs: 5000,
      topicData: [{ name: TOPIC, partitionData: [{ index: 1, records: buildBatch({ records: [{ key: null, value: Buffer.from('one') }] }) }] }],
    });
    expect(r1.responses[0]!.partitionResponses[0]!.errorCode).toBe(0);
  });

  afterAll(async () => {
    for (const c of open) c.close();
    await tb?.stop();
  });

  it('a fresh connection long-polls a caught-up partition for maxWaitMs', async () => {
    const c = await connect();
    const r = await timedFetch(c, [[1, 1]]);
    expect(r.bytes).toEqual([0]);
    expect(r.ms).toBeGreaterThanOrEqual(MAX_WAIT - 20);
  });

  it('after a partial answer for partition 0, a fetch of only the caught-up partition 1 returns early; the same fetch on another connection waits', async () => {
    const c = await connect();
    const first = await timedFetch(c, [[0, 0], [1, 0]]);
    // Partition 0 came in part (16 KiB of 160 KB), partition 1 whole.
    expect(first.bytes[0]).toBeGreaterThan(0);
    expect(first.bytes[0]).toBeLessThan(BATCHES * VALUE.length);
    expect(first.bytes[1]).toBeGreaterThan(0);

    // The client now "processes" partition 0's data and fetches partition 1 alone, at its end.
    const early = await timedFetch(c, [[1, 1]]);
    expect(early.bytes).toEqual([0]);
    expect(early.resp.responses[0]!.partitions[0]!.errorCode).toBe(0);
    expect(early.ms).toBeLessThan(MAX_WAIT / 2);

    // No backlog on this connection: the full long poll.
    const other = await connect();
    const full = await timedFetch(other, [[1, 1]]);
    expect(full.ms).toBeGreaterThanOrEqual(MAX_WAIT - 20);
  });

  it('once partition 0 has been read to the end, or when the request names it, long polls are full again', async () => {
    const c = await connect();
    let offset = 0;
    const partial = await timedFetch(c, [[0, 0]]);
    expect(partial.bytes[0]).toBeLessThan(BATCHES * VALUE.length);
    // Read partition 0 to its end, naming both partitions each time, as a consumer with nothing buffered does.
    for (;;) {
      const r = await timedFetch(c, [[0, offset], [1, 1]]);
      const hw = Number(r.resp.responses[0]!.partitions[0]!.highWatermark);
      if (r.bytes[0] === 0) {
        // Caught up everywhere and the request named every partition: a full long poll.
        expect(offset).toBe(hw);
        expect(r.ms).toBeGreaterThanOrEqual(MAX_WAIT - 20);
        break;
      }
      offset = lastOffsetPlusOne(r.resp);
    }
    expect(offset).toBe(BATCHES);
    const after = await timedFetch(c, [[1, 1]]);
    expect(after.ms).toBeGreaterThanOrEqual(MAX_WAIT - 20);
  });
});

/** Last offset + 1 of partition 0's records in a Fetch response. */
function lastOffsetPlusOne(resp: FetchResponse): number {
  const p = resp.responses[0]!.partitions[0]!;
  const buf = Buffer.concat(Array.isArray(p.records) ? p.records : p.records ? [p.records] : []);
  let next = -1;
  for (let pos = 0; pos < buf.length; ) {
    const h = readBatchHeader(buf, pos);
    next = h.baseOffset + h.lastOffsetDelta + 1;
    pos += h.size;
  }
  return next;
}
