// ReplicaFetcher against a scripted leader: truncation on OffsetForLeaderEpoch, divergingEpoch,
// fencing, backoff on errors and on network failures, and stale responses after removal.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configFromProperties } from '../src/config.js';
import { childLogger } from '../src/log.js';
import { ErrorCode } from '../src/protocol/errors.js';
import type { FetchRequest, FetchResponse } from '../src/protocol/messages/01_fetch.js';
import type { OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse } from '../src/protocol/messages/23_offset_for_leader_epoch.js';
import { buildBatch } from '../src/records/builder.js';
import { initCompression } from '../src/records/compression.js';
import { Partition } from '../src/replication/partition.js';
import { type FetcherHost, type InterBrokerClient, ReplicaFetcher } from '../src/replication/replica-fetcher.js';
import { PartitionLog } from '../src/storage/log.js';

const config = configFromProperties({ 'broker.id': '2', 'replica.fetch.backoff.ms': '100', 'replica.fetch.wait.max.ms': '50' });
const dirs: string[] = [];
const stops: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const s of stops.splice(0)) await s();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function openLog(): PartitionLog {
  const dir = mkdtempSync(join(tmpdir(), 'gregor-fetcher-'));
  dirs.push(dir);
  return PartitionLog.open(dir, 't', 0, config.defaultLogConfig());
}

function batch(base: number, epoch: number, n = 1): Buffer {
  const b = buildBatch({ baseOffset: base, partitionLeaderEpoch: epoch, records: Array.from({ length: n }, (_, i) => ({ key: null, value: Buffer.from(`v${base + i}`) })) });
  return b;
}

type Script = {
  offsetForLeaderEpoch?: (req: OffsetForLeaderEpochRequest) => OffsetForLeaderEpochResponse['topics'][number]['partitions'][number] | Error;
  fetch: (req: FetchRequest['topics'][number]['partitions'][number]) => Partial<FetchResponse['responses'][number]['partitions'][number]> | Error;
};

function scripted(script: Script): InterBrokerClient & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    send: async <Resp,>(_id: number, apiKey: number, _v: number, body: unknown): Promise<Resp> => {
      await new Promise((r) => setTimeout(r, 5));
      if (apiKey === 23) {
        const req = body as OffsetForLeaderEpochRequest;
        calls.push(`epoch:${req.topics[0]!.partitions[0]!.leaderEpoch}`);
        const r = script.offsetForLeaderEpoch!(req);
        if (r instanceof Error) throw r;
        return { throttleTimeMs: 0, topics: [{ topic: 't', partitions: [r] }] } as Resp;
      }
      if (apiKey === 1) {
        const p = (body as FetchRequest).topics[0]!.partitions[0]!;
        calls.push(`fetch:${p.fetchOffset}/${p.lastFetchedEpoch}`);
        const r = script.fetch(p);
        if (r instanceof Error) throw r;
        const pd = {
          partitionIndex: 0, errorCode: 0, highWatermark: 0, lastStableOffset: 0, logStartOffset: 0,
          divergingEpoch: { epoch: -1, endOffset: -1 }, currentLeader: { leaderId: -1, leaderEpoch: -1 },
          snapshotId: { endOffset: -1, epoch: -1 }, abortedTransactions: null, preferredReadReplica: -1, records: Buffer.alloc(0),
          ...r,
        };
        return { throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses: [{ topic: 't', topicId: '', partitions: [pd] }], nodeEndpoints: [] } as Resp;
      }
      throw new Error(`unexpected api ${apiKey}`);
    },
    close: () => {},
  };
}

async function setup(log: PartitionLog, leaderEpoch: number, client: InterBrokerClient & { calls: string[] }) {
  await initCompression();
  const p = new Partition('t', 0, 'AAAAAAAAAAAAAAAAAAAAAA', log, 2, { leaderId: 1, leaderEpoch, isr: [1, 2], replicas: [1, 2] });
  const progress: number[] = [];
  const host: FetcherHost = { localBrokerId: 2, config, onFollowerProgress: () => progress.push(log.logEndOffset) };
  const f = new ReplicaFetcher(1, client, host, childLogger('test'));
  stops.push(() => f.shutdown());
  f.addPartitions([p]);
  return { p, f, progress };
}

async function until(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('ReplicaFetcher', () => {
  it('truncates after OffsetForLeaderEpoch, then appends with the leader offsets and follows its HW', async () => {
    const log = openLog();
    log.append(batch(0, 0, 3), { leaderEpoch: 0, assignOffsets: false });
    log.append(batch(3, 1, 2), { leaderEpoch: 1, assignOffsets: false }); // epoch 1 tail the leader never had
    const leaderData = Buffer.concat([batch(3, 2), batch(4, 2, 2)]);
    let served = false;
    const client = scripted({
      // Our latest epoch is 1; the leader has only epoch 0 then 2: epoch 0 ends at 3.
      offsetForLeaderEpoch: () => ({ errorCode: 0, partition: 0, leaderEpoch: 0, endOffset: 3 }),
      fetch: (p) => {
        if (!served && p.fetchOffset === 3) {
          served = true;
          return { records: leaderData, highWatermark: 5, logStartOffset: 0 };
        }
        return { highWatermark: 6 };
      },
    });
    const { f } = await setup(log, 2, client);
    await until(() => log.logEndOffset === 6 && log.highWatermark === 6, 'replicated data');
    expect(client.calls[0]).toBe('epoch:1');
    expect(client.calls[1]).toBe('fetch:3/0');
    expect(log.endOffsetForEpoch(2)).toEqual({ epoch: 2, endOffset: 6 });
    expect(log.endOffsetForEpoch(1)).toEqual({ epoch: 0, endOffset: 3 });
    expect(f.phaseOf('t-0')).toBe('fetching');
  });

  it('truncates on divergingEpoch and refetches from there', async () => {
    const log = openLog();
    log.append(batch(0, 0, 2), { leaderEpoch: 0, assignOffsets: false });
    log.append(batch(2, 1, 2), { leaderEpoch: 1, assignOffsets: false });
    const client = scripted({
      // The truncation round finds nothing to cut (the leader claims epoch 1 up to 4)...
      offsetForLeaderEpoch: () => ({ errorCode: 0, partition: 0, leaderEpoch: 1, endOffset: 4 }),
      // ...but the first fetch says epoch 1 really ended at 3.
      fetch: (p) => (p.fetchOffset === 4 ? { divergingEpoch: { epoch: 1, endOffset: 3 }, highWatermark: 2 } : { records: p.fetchOffset === 2 ? batch(2, 1) : Buffer.alloc(0), highWatermark: 3 }),
    });
    await setup(log, 3, client);
    await until(() => client.calls.some((c) => c.startsWith('fetch:2/')) || log.logEndOffset === 3, 'refetch after divergence');
    // The batch 2-3 straddles offset 3, so it goes whole and the leader's copy of 2 comes back.
    await until(() => log.logEndOffset === 3, 're-appended');
    expect(client.calls).toContain('fetch:4/1');
    expect(log.highWatermark).toBe(3);
  });

  it('a fenced epoch parks the partition; NOT_LEADER and network errors back off and retry', async () => {
    const log = openLog();
    let mode: 'notLeader' | 'network' | 'fenced' = 'notLeader';
    const client = scripted({
      fetch: () => {
        if (mode === 'network') return new Error('connection refused');
        return { errorCode: mode === 'fenced' ? ErrorCode.FENCED_LEADER_EPOCH : ErrorCode.NOT_LEADER_OR_FOLLOWER };
      },
    });
    const { f } = await setup(log, 0, client);
    await until(() => client.calls.length >= 3, 'retries');
    const t0 = Date.now();
    const n0 = client.calls.length;
    mode = 'network';
    await until(() => client.calls.length >= n0 + 3, 'network retries');
    // Backoff doubles from 50 ms up to replica.fetch.backoff.ms (100 here): three retries take > 150 ms.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    mode = 'fenced';
    await until(() => f.phaseOf('t-0') === 'fenced', 'fenced');
    const n1 = client.calls.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(client.calls.length).toBe(n1);
  });

  it('a response for a removed partition is discarded', async () => {
    const log = openLog();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const client = scripted({ fetch: () => ({ records: batch(0, 0), highWatermark: 1 }) });
    const slow: InterBrokerClient & { calls: string[] } = {
      calls: client.calls,
      send: async (...args: Parameters<InterBrokerClient['send']>) => {
        await gate;
        return client.send(...args);
      },
      close: () => release(),
    };
    const { f } = await setup(log, 0, slow);
    await new Promise((r) => setTimeout(r, 30));
    f.removePartitions(['t-0']);
    release();
    await new Promise((r) => setTimeout(r, 50));
    expect(log.logEndOffset).toBe(0);
  });
});

// A follower that led an epoch without appending anything (its leader epoch cache got the epoch's start offset at
// the log end when it became leader, then another leader was elected) must drop that epoch when it truncates, as
// Kafka's UnifiedLog.truncateTo does even when there is no data to remove. Otherwise it keeps sending the empty
// epoch as lastFetchedEpoch, the leader answers a diverging epoch on every fetch, and the follower never gets
// recorded as fetching (it falls out of the ISR and never rejoins). Found by test/cluster-operations.test.ts.
describe('ReplicaFetcher: an epoch led without appends', () => {
  it('Log.truncateTo at or beyond the log end drops epoch entries starting at the log end, and only those', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gregor-empty-epoch-'));
    dirs.push(dir);
    const log = PartitionLog.open(dir, 't', 0, config.defaultLogConfig());
    log.append(batch(0, 0, 3), { leaderEpoch: 0, assignOffsets: false });
    log.leaderEpochCache.assign(1, 3); // became leader of epoch 1 at offset 3, wrote nothing
    expect(log.leaderEpochCache.latestEpoch()).toBe(1);
    expect(log.truncateTo(5)).toBe(false);
    expect(log.logEndOffset).toBe(3);
    expect(log.leaderEpochCache.latestEpoch()).toBe(0);
    expect(log.truncateTo(3)).toBe(false);
    expect(log.endOffsetForEpoch(0)).toEqual({ epoch: 0, endOffset: 3 });
    log.close();
  });

  it('after the truncation round it fetches with the last epoch it has data for, and replicates', async () => {
    await initCompression();
    const dir = mkdtempSync(join(tmpdir(), 'gregor-empty-epoch-'));
    dirs.push(dir);
    const log = PartitionLog.open(dir, 't', 0, config.defaultLogConfig());
    log.append(batch(0, 0, 3), { leaderEpoch: 0, assignOffsets: false });
    log.leaderEpochCache.assign(1, 3);
    // The new leader (epoch 2) never saw epoch 1: its epoch 0 ends at 3, where its epoch 2 starts.
    const leaderEndFor = (epoch: number): { epoch: number; endOffset: number } => (epoch >= 2 ? { epoch: 2, endOffset: 5 } : { epoch: 0, endOffset: 3 });
    const calls: string[] = [];
    const client: InterBrokerClient = {
      send: async <Resp,>(_id: number, apiKey: number, _v: number, body: unknown): Promise<Resp> => {
        await new Promise((r) => setTimeout(r, 2));
        if (apiKey === 23) {
          const p = (body as OffsetForLeaderEpochRequest).topics[0]!.partitions[0]!;
          calls.push(`epoch:${p.leaderEpoch}`);
          const e = leaderEndFor(p.leaderEpoch);
          const r = { errorCode: 0, partition: 0, leaderEpoch: e.epoch, endOffset: e.endOffset };
          return { throttleTimeMs: 0, topics: [{ topic: 't', partitions: [r] }] } as OffsetForLeaderEpochResponse as Resp;
        }
        const p = (body as FetchRequest).topics[0]!.partitions[0]!;
        calls.push(`fetch:${p.fetchOffset}/${p.lastFetchedEpoch}`);
        // The leader's KIP-595 check (Kafka's Partition.fetchRecords): the follower's last fetched epoch must end
        // at or after its fetch offset in the leader's history.
        const end = leaderEndFor(p.lastFetchedEpoch);
        const diverging = p.lastFetchedEpoch >= 0 && (end.epoch < p.lastFetchedEpoch || end.endOffset < p.fetchOffset);
        const pd = {
          partitionIndex: 0, errorCode: 0, highWatermark: 5, lastStableOffset: 5, logStartOffset: 0,
          divergingEpoch: diverging ? end : { epoch: -1, endOffset: -1 }, currentLeader: { leaderId: -1, leaderEpoch: -1 },
          snapshotId: { endOffset: -1, epoch: -1 }, abortedTransactions: null, preferredReadReplica: -1,
          records: !diverging && p.fetchOffset === 3 ? batch(3, 2, 2) : Buffer.alloc(0),
        };
        return { throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses: [{ topic: 't', topicId: '', partitions: [pd] }], nodeEndpoints: [] } as FetchResponse as Resp;
      },
      close: () => {},
    };
    const p = new Partition('t', 0, 'AAAAAAAAAAAAAAAAAAAAAA', log, 2, { leaderId: 1, leaderEpoch: 2, isr: [1, 2], replicas: [1, 2] });
    const host: FetcherHost = { localBrokerId: 2, config, onFollowerProgress: () => {} };
    const f = new ReplicaFetcher(1, client, host, childLogger('test'));
    stops.push(() => f.shutdown());
    f.addPartitions([p]);
    const deadline = Date.now() + 5000;
    while (log.logEndOffset < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(calls[0]).toBe('epoch:1');
    expect(calls).toContain('fetch:3/0');
    expect(log.logEndOffset).toBe(5);
    expect(log.leaderEpochCache.latestEpoch()).toBe(2);
  });
});
