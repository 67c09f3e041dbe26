// A follower that led an epoch without appending anything (its leader epoch cache got the epoch's start offset at
// the log end when it became leader, then another leader was elected) must drop that epoch when it truncates, as
// Kafka's UnifiedLog.truncateTo does even when there is no data to remove. Otherwise it keeps sending the empty
// epoch as lastFetchedEpoch, the leader answers a diverging epoch on every fetch, and the follower never gets
// recorded as fetching (it falls out of the ISR and never rejoins). Found by test/cluster-operations.test.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configFromProperties } from '../src/config.js';
import { childLogger } from '../src/log.js';
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

function batch(base: number, epoch: number, n = 1): Buffer {
  return buildBatch({ baseOffset: base, partitionLeaderEpoch: epoch, records: Array.from({ length: n }, (_, i) => ({ key: null, value: Buffer.from(`v${base + i}`) })) });
}

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
