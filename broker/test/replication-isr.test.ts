// Pure replication decisions: follower fetch state, HW, ISR shrink/expand, truncation, divergence,
// and the acks=all completion rule.
import { describe, expect, it } from 'vitest';
import {
  type EpochEndOffset,
  type ReplicaState,
  UNKNOWN_OFFSET,
  canJoinIsr,
  computeHighWatermark,
  divergingEpoch,
  newReplicaState,
  outOfSyncReplicas,
  truncationOffset,
  updateFetchState,
} from '../src/replication/isr.js';
import { wholeBatches } from '../src/replication/replica-fetcher.js';
import { buildBatch } from '../src/records/builder.js';

function states(...list: ReplicaState[]): Map<number, ReplicaState> {
  return new Map(list.map((s) => [s.brokerId, s]));
}

function at(id: number, leo: number, caughtUp = 0): ReplicaState {
  return { brokerId: id, logEndOffset: leo, logStartOffset: 0, lastCaughtUpTimeMs: caughtUp, lastFetchLeaderLogEndOffset: -1, lastFetchTimeMs: 0 };
}

/** A leader-epoch history as LeaderEpochCache.endOffsetFor answers it. */
function epochs(entries: [number, number][], leo: number): (e: number) => EpochEndOffset {
  return (requested) => {
    if (entries.length === 0 || requested < 0) return { epoch: -1, endOffset: -1 };
    const latest = entries[entries.length - 1]![0];
    if (requested === latest) return { epoch: requested, endOffset: leo };
    const higher = entries.findIndex(([e]) => e > requested);
    if (higher < 0) return { epoch: -1, endOffset: -1 };
    if (higher === 0) return { epoch: requested, endOffset: entries[0]![1] };
    return { epoch: entries[higher - 1]![0], endOffset: entries[higher]![1] };
  };
}

describe('follower fetch state', () => {
  it('a new leader treats ISR members as caught up now and others as never', () => {
    expect(newReplicaState(2, 1000, true)).toMatchObject({ logEndOffset: UNKNOWN_OFFSET, lastCaughtUpTimeMs: 1000 });
    expect(newReplicaState(3, 1000, false).lastCaughtUpTimeMs).toBe(0);
  });

  it('a fetch at the leader LEO is caught up now; at the previous fetch-time LEO, caught up then', () => {
    const s = newReplicaState(2, 0, false);
    updateFetchState(s, 5, 0, 100, 10); // behind
    expect(s.lastCaughtUpTimeMs).toBe(0);
    expect(s.logEndOffset).toBe(5);
    updateFetchState(s, 10, 0, 200, 15); // reached what the leader had at t=100
    expect(s.lastCaughtUpTimeMs).toBe(100);
    updateFetchState(s, 15, 0, 300, 15); // at the leader's end
    expect(s.lastCaughtUpTimeMs).toBe(300);
    expect(s.lastFetchLeaderLogEndOffset).toBe(15);
  });
});

describe('high watermark', () => {
  it('is the smallest LEO over the leader and the ISR', () => {
    const st = states(at(2, 7), at(3, 4));
    expect(computeHighWatermark(1, 10, [1, 2, 3], st)).toBe(4);
    expect(computeHighWatermark(1, 10, [1, 2], st)).toBe(7);
    expect(computeHighWatermark(1, 10, [1], st)).toBe(10);
  });

  it('an ISR member not heard from yet holds it at unknown (never moves it)', () => {
    expect(computeHighWatermark(1, 10, [1, 2], states(newReplicaState(2, 0, true)))).toBe(UNKNOWN_OFFSET);
    expect(computeHighWatermark(1, 10, [1, 2], new Map())).toBe(UNKNOWN_OFFSET);
  });

  it('ignores replicas outside the ISR however far behind', () => {
    expect(computeHighWatermark(1, 10, [1, 2], states(at(2, 10), at(3, 0)))).toBe(10);
  });
});

describe('ISR shrink', () => {
  it('drops followers behind the leader LEO for longer than the lag time', () => {
    const st = states(at(2, 10, 0), at(3, 8, 0), at(4, 8, 29_000));
    expect(outOfSyncReplicas(1, 10, [1, 2, 3, 4], st, 30_001, 30_000)).toEqual([3]);
  });

  it('never drops the leader, nor a follower at the LEO however old its catch-up time', () => {
    const st = states(at(2, 10, 0));
    expect(outOfSyncReplicas(1, 10, [1, 2], st, 1_000_000, 30_000)).toEqual([]);
  });

  it('a member never heard from counts from time zero', () => {
    expect(outOfSyncReplicas(1, 10, [1, 2], new Map(), 30_001, 30_000)).toEqual([2]);
    expect(outOfSyncReplicas(1, 10, [1, 2], new Map(), 29_000, 30_000)).toEqual([]);
  });
});

describe('ISR expand', () => {
  it('an assigned replica outside the ISR joins at the HW and within the current leader epoch', () => {
    expect(canJoinIsr(at(3, 10), [1, 2], [1, 2, 3], 10, 5)).toBe(true);
    expect(canJoinIsr(at(3, 9), [1, 2], [1, 2, 3], 10, 5)).toBe(false); // below the HW
    expect(canJoinIsr(at(3, 10), [1, 2], [1, 2, 3], 8, 12)).toBe(false); // epoch started after its LEO
    expect(canJoinIsr(at(3, 10), [1, 2, 3], [1, 2, 3], 10, 5)).toBe(false); // already in
    expect(canJoinIsr(at(4, 10), [1, 2], [1, 2, 3], 10, 5)).toBe(false); // not assigned
  });
});

describe('follower truncation', () => {
  it('same epoch: truncates to the smaller of the two end offsets', () => {
    // Follower has epochs 0@0, 1@50 and LEO 120; the leader says epoch 1 ends at 100.
    const local = epochs([[0, 0], [1, 50]], 120);
    expect(truncationOffset({ epoch: 1, endOffset: 100 }, local, 120, 90)).toEqual({ offset: 100, completed: true });
    // A leader ahead of us: nothing to cut.
    expect(truncationOffset({ epoch: 1, endOffset: 150 }, local, 120, 90)).toEqual({ offset: 120, completed: true });
  });

  it('the leader only knows an older epoch: cut where our copy of that epoch ends, and ask again', () => {
    // Follower wrote epoch 2 from 80 (as a deposed leader); the new leader never saw epoch 2 and
    // answers for our latest epoch 2 with its largest epoch below it: epoch 1 ending at 90.
    const local = epochs([[0, 0], [1, 50], [2, 80]], 120);
    expect(truncationOffset({ epoch: 1, endOffset: 90 }, local, 120, 60)).toEqual({ offset: 80, completed: true });
    // Our epoch 1 ended at 80 too, so the decision was final. If we did not have the leader's epoch at
    // all but an older one, the cut is not final.
    const older = epochs([[0, 0], [3, 80]], 120);
    expect(truncationOffset({ epoch: 2, endOffset: 90 }, older, 120, 60)).toEqual({ offset: 80, completed: false });
  });

  it('no usable answer from the leader: the high watermark', () => {
    const local = epochs([[0, 0]], 120);
    expect(truncationOffset({ epoch: -1, endOffset: -1 }, local, 120, 70)).toEqual({ offset: 70, completed: true });
  });

  it('no local epoch at or below the leader: the leader end offset', () => {
    const local = epochs([[5, 0]], 40);
    expect(truncationOffset({ epoch: 2, endOffset: 30 }, () => ({ epoch: -1, endOffset: -1 }), 40, 10)).toEqual({ offset: 30, completed: true });
    expect(local(5).endOffset).toBe(40);
  });
});

describe('leader-side divergence (KIP-595)', () => {
  const leader = epochs([[0, 0], [1, 50], [3, 100]], 150);
  it('a follower whose last epoch ends where ours does, or later, fetches normally', () => {
    expect(divergingEpoch(3, 120, leader)).toBeNull();
    expect(divergingEpoch(1, 100, leader)).toBeNull();
    expect(divergingEpoch(-1, 500, leader)).toBeNull(); // pre-v12 follower: no check
  });

  it('a follower ahead of where its epoch ends here is told the real end', () => {
    expect(divergingEpoch(1, 110, leader)).toEqual({ epoch: 1, endOffset: 100 });
    // An epoch we never had (2): our largest below it (1) and where it ends.
    expect(divergingEpoch(2, 105, leader)).toEqual({ epoch: 1, endOffset: 100 });
  });
});

describe('wholeBatches', () => {
  it('splits a records buffer and drops a torn trailing batch', () => {
    const a = buildBatch({ baseOffset: 10, records: [{ key: null, value: Buffer.from('a') }, { key: null, value: Buffer.from('b') }] });
    const b = buildBatch({ baseOffset: 12, records: [{ key: null, value: Buffer.from('c') }] });
    const all = Buffer.concat([a, b]);
    expect(wholeBatches(all).map((x) => [x.base, x.last])).toEqual([[10, 11], [12, 12]]);
    expect(wholeBatches(all.subarray(0, all.length - 3)).map((x) => x.base)).toEqual([10]);
    expect(wholeBatches(Buffer.alloc(0))).toEqual([]);
  });
});
