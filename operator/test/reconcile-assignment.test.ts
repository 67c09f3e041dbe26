// balanceAssignment / assignmentDiff: the scaler's pure placement. Example scenarios (scale up, scale down,
// racks, leaders, order) and randomized property tests with a fixed seed over many cluster shapes: validity,
// replication factors, balance of replicas (total and per topic) and preferred leaders, rack spread, movement
// close to the lower bound, determinism and the fixed point the scaler relies on.
import { describe, expect, it } from 'vitest';
import { rng } from '../../broker/test/protocol-sample.js';
import { assignmentDiff, balanceAssignment, movedReplicaCount, type Assignment, type BrokerMeta } from '../src/reconcile/assignment.js';

// ---------------------------------------------------------------------------------------------------- helpers

/** mulberry32, shared with the broker's protocol fuzz samples: every run checks the same shapes. */
const prng = rng;

const brokersOf = (ids: number[], rack?: (id: number) => string): BrokerMeta[] => ids.map((id) => ({ id, rack: rack ? rack(id) : null }));
const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

/** Round-robin placement (no racks) of a topic on `ids`: partition p on ids[p+offset], ids[p+offset+1], ... */
function roundRobin(partitions: number, rf: number, ids: number[], offset = 0): number[][] {
  return range(0, partitions).map((p) => range(0, rf).map((r) => ids[(p + offset + r) % ids.length]!));
}

function counts(a: Assignment, ids: number[]): { total: Map<number, number>; leaders: Map<number, number>; perTopic: Map<string, Map<number, number>>; leadersPerTopic: Map<string, Map<number, number>> } {
  const zero = (): Map<number, number> => new Map(ids.map((id) => [id, 0]));
  const total = zero();
  const leaders = zero();
  const perTopic = new Map<string, Map<number, number>>();
  const leadersPerTopic = new Map<string, Map<number, number>>();
  for (const [topic, parts] of a) {
    const tc = zero();
    const lc = zero();
    for (const reps of parts) {
      for (const b of reps) {
        total.set(b, (total.get(b) ?? 0) + 1);
        tc.set(b, (tc.get(b) ?? 0) + 1);
      }
      if (reps.length > 0) {
        leaders.set(reps[0]!, (leaders.get(reps[0]!) ?? 0) + 1);
        lc.set(reps[0]!, (lc.get(reps[0]!) ?? 0) + 1);
      }
    }
    perTopic.set(topic, tc);
    leadersPerTopic.set(topic, lc);
  }
  return { total, leaders, perTopic, leadersPerTopic };
}

const spread = (m: Map<number, number>): number => Math.max(...m.values()) - Math.min(...m.values());

/**
 * Independent optimality check of the preferred leaders: no chain of leader changes (partition led by x0 gets
 * x1, one led by x1 gets x2, ...) from a broker to one with 2 fewer leaders. By the semi-matching optimality
 * theorem the leader counts are then as even as the replica sets allow.
 */
function leaderImprovingPath(a: Assignment, ids: number[]): string | null {
  const { leaders } = counts(a, ids);
  const edges = new Map<number, Set<number>>(ids.map((id) => [id, new Set<number>()]));
  for (const parts of a.values()) for (const reps of parts) for (const b of reps.slice(1)) edges.get(reps[0]!)!.add(b);
  for (const x of ids) {
    const seen = new Set([x]);
    const stack = [x];
    while (stack.length > 0) {
      const v = stack.pop()!;
      for (const w of edges.get(v)!) {
        if (seen.has(w)) continue;
        if (leaders.get(w)! <= leaders.get(x)! - 2) return `leaders can move from ${x} (${leaders.get(x)}) to ${w} (${leaders.get(w)})`;
        seen.add(w);
        stack.push(w);
      }
    }
  }
  return null;
}

/** Lower bound of moved replicas: replicas off the allowed brokers + excess above the balanced share. */
function movementLowerBound(current: Assignment, ids: number[]): number {
  const allowed = new Set(ids);
  const n = ids.length;
  let total = 0;
  let invalid = 0;
  let perTopicBound = 0;
  const valid = new Map(ids.map((id) => [id, 0]));
  for (const parts of current.values()) {
    const tv = new Map(ids.map((id) => [id, 0]));
    let tTotal = 0;
    let tInvalid = 0;
    for (const reps of parts) {
      const seen = new Set<number>();
      for (const b of reps) {
        tTotal++;
        if (!allowed.has(b) || seen.has(b)) tInvalid++;
        else {
          tv.set(b, tv.get(b)! + 1);
          valid.set(b, valid.get(b)! + 1);
        }
        seen.add(b);
      }
    }
    total += tTotal;
    invalid += tInvalid;
    const cap = Math.ceil(tTotal / n);
    perTopicBound += tInvalid + [...tv.values()].reduce((s, v) => s + Math.max(0, v - cap), 0);
  }
  const cap = Math.ceil(total / n);
  const totalBound = invalid + [...valid.values()].reduce((s, v) => s + Math.max(0, v - cap), 0);
  return Math.max(totalBound, perTopicBound);
}

function assertValid(current: Assignment, brokers: BrokerMeta[], out: Assignment): void {
  const ids = new Set(brokers.map((b) => b.id));
  expect([...out.keys()].sort()).toEqual([...current.keys()].sort());
  const rackOf = new Map(brokers.map((b) => [b.id, b.rack]));
  const racks = new Set(brokers.map((b) => b.rack));
  const rackAware = brokers.every((b) => b.rack !== null);
  for (const [topic, parts] of current) {
    const got = out.get(topic)!;
    expect(got.length, `${topic} partitions`).toBe(parts.length);
    parts.forEach((reps, p) => {
      const g = got[p]!;
      expect(g.length, `${topic}-${p} replication factor`).toBe(reps.length);
      expect(new Set(g).size, `${topic}-${p} duplicates in ${g}`).toBe(g.length);
      for (const b of g) expect(ids.has(b), `${topic}-${p} replica on broker ${b}`).toBe(true);
      if (rackAware) {
        expect(new Set(g.map((b) => rackOf.get(b))).size, `${topic}-${p} racks of ${g}`).toBe(Math.min(g.length, racks.size));
      }
    });
  }
}

function shuffled<T>(list: T[], rnd: () => number): T[] {
  const a = [...list];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

// ------------------------------------------------------------------------------------------------- examples

describe('balanceAssignment: scaling scenarios', () => {
  it('scale 3 → 5, 30 partitions rf 3: exactly the minimum (2/5 of the replicas) moves; everything balanced', () => {
    const current: Assignment = new Map([['t', roundRobin(30, 3, [0, 1, 2])]]);
    const brokers = brokersOf(range(0, 5));
    const out = balanceAssignment(current, brokers);
    assertValid(current, brokers, out);
    const moved = movedReplicaCount(current, out);
    expect(moved).toBe(36); // 90 replicas, 18 per broker: 18 to each new broker
    const c = counts(out, range(0, 5));
    expect([...c.total.values()]).toEqual([18, 18, 18, 18, 18]);
    expect([...c.leaders.values()]).toEqual([6, 6, 6, 6, 6]);
    // only 12 leaders change (6 per new broker): the rest keep their preferred leader
    const leaderChanges = out.get('t')!.filter((r, p) => r[0] !== current.get('t')![p]![0]).length;
    expect(leaderChanges).toBe(12);
    expect(balanceAssignment(out, brokers)).toEqual(out);
  });

  it('scale 5 → 3: everything leaves brokers 3 and 4, nothing else moves beyond balance', () => {
    const current: Assignment = new Map([
      ['a', roundRobin(20, 3, range(0, 5))],
      ['b', roundRobin(7, 2, range(0, 5), 2)],
      ['__consumer_offsets', roundRobin(50, 3, range(0, 5), 1)],
    ]);
    const brokers = brokersOf([0, 1, 2]);
    const out = balanceAssignment(current, brokers);
    assertValid(current, brokers, out);
    const onLeaving = [...current.values()].flat().flat().filter((b) => b >= 3).length;
    const moved = movedReplicaCount(current, out);
    expect(moved).toBeGreaterThanOrEqual(onLeaving);
    expect(moved).toBeLessThanOrEqual(movementLowerBound(current, [0, 1, 2]) + 2);
    const c = counts(out, [0, 1, 2]);
    expect(spread(c.total)).toBeLessThanOrEqual(1);
    for (const tc of c.perTopic.values()) expect(spread(tc)).toBeLessThanOrEqual(1);
    expect(spread(c.leaders)).toBeLessThanOrEqual(1);
    expect(balanceAssignment(out, brokers)).toEqual(out);
  });

  it('a balanced assignment is left exactly as it is (order included)', () => {
    const current: Assignment = new Map([
      ['x', [[0, 1], [1, 2], [2, 0]]],
      ['y', [[2, 1, 0], [0, 2, 1], [1, 0, 2]]],
    ]);
    expect(balanceAssignment(current, brokersOf([0, 1, 2]))).toEqual(current);
    expect(assignmentDiff(current, balanceAssignment(current, brokersOf([0, 1, 2])))).toEqual([]);
  });

  it('keeps the order of staying replicas and appends new ones', () => {
    // all on 0,1,2 in a scrambled order; broker 3 added: whatever stays keeps its relative order
    const current: Assignment = new Map([['t', range(0, 8).map((p) => [[2, 0, 1], [1, 2, 0], [0, 1, 2]][p % 3]!)]]);
    const out = balanceAssignment(current, brokersOf(range(0, 4)));
    out.get('t')!.forEach((reps, p) => {
      const staying = reps.filter((b) => current.get('t')![p]!.includes(b));
      const before = current.get('t')![p]!.filter((b) => staying.includes(b));
      // the preferred leader may have been moved to the front; apart from that the order is the old one
      const rest = staying.filter((b) => b !== reps[0]);
      expect(rest, `partition ${p}: ${reps} from ${current.get('t')![p]}`).toEqual(before.filter((b) => b !== reps[0]));
    });
  });

  it('replaces replicas on unknown brokers and duplicates, keeping the replication factor', () => {
    const current: Assignment = new Map([['t', [[7, 0], [0, 0], [1, 9, 8]]]]);
    const brokers = brokersOf([0, 1, 2]);
    const out = balanceAssignment(current, brokers);
    assertValid(current, brokers, out);
    // the valid replicas stay (leaders may be spread onto others)
    expect(out.get('t')![0]).toContain(0);
    expect(out.get('t')![1]).toContain(0);
    expect(out.get('t')![2]).toContain(1);
    expect(movedReplicaCount(current, out)).toBe(4);
  });

  it('rejects a replication factor above the broker count, naming the partition', () => {
    const current: Assignment = new Map([['events-a', [[0, 1, 2]]]]);
    expect(() => balanceAssignment(current, brokersOf([0, 1]))).toThrow(/events-a-0: replication factor 3 but 2 brokers/);
    expect(() => balanceAssignment(current, [])).toThrow(/replication factor 3 but 0 brokers/);
  });

  it('handles empty input, empty topics and brokers given twice or unsorted', () => {
    expect(balanceAssignment(new Map(), brokersOf([0, 1]))).toEqual(new Map());
    const current: Assignment = new Map([['empty', []], ['one', [[1]]]]);
    const out = balanceAssignment(current, [...brokersOf([1, 0]), { id: 0, rack: null }]);
    expect(out.get('empty')).toEqual([]);
    expect(out.get('one')).toEqual([[1]]);
  });

  it('rack-aware: replicas of a partition on distinct racks, balanced', () => {
    // 6 brokers, 3 racks; the topic was created without racks: 0,1 are rack a, 2,3 rack b, 4,5 rack c
    const rack = (id: number): string => `zone-${'abc'[Math.floor(id / 2)]}`;
    const current: Assignment = new Map([['t', range(0, 12).map((p) => [p % 6, (p + 1) % 6, (p + 2) % 6])]]);
    const brokers = brokersOf(range(0, 6), rack);
    const out = balanceAssignment(current, brokers);
    assertValid(current, brokers, out);
    const c = counts(out, range(0, 6));
    expect(spread(c.total)).toBeLessThanOrEqual(1);
    expect(spread(c.leaders)).toBeLessThanOrEqual(1);
    expect(balanceAssignment(out, brokers)).toEqual(out);
  });

  it('rack-aware with more replicas than racks: every rack is used', () => {
    const rack = (id: number): string => (id % 2 === 0 ? 'even' : 'odd');
    const current: Assignment = new Map([['t', range(0, 10).map(() => [0, 2, 4])]]);
    const brokers = brokersOf(range(0, 6), rack);
    const out = balanceAssignment(current, brokers);
    assertValid(current, brokers, out); // 2 distinct racks per partition
    expect(spread(counts(out, range(0, 6)).total)).toBeLessThanOrEqual(1);
  });

  it('ignores racks unless every broker has one', () => {
    const brokers: BrokerMeta[] = [{ id: 0, rack: 'a' }, { id: 1, rack: 'a' }, { id: 2, rack: null }];
    const current: Assignment = new Map([['t', [[0, 1]]]]);
    expect(balanceAssignment(current, brokers)).toEqual(current);
  });

  it('spreads leaders when the replica sets are already balanced', () => {
    const current: Assignment = new Map([['t', range(0, 9).map((p) => [0, 1, 2].map((_, i) => [0, 1, 2][(p + i) % 3]!))]]);
    current.get('t')!.forEach((r) => r.sort()); // every leader on 0
    const out = balanceAssignment(current, brokersOf([0, 1, 2]));
    expect(movedReplicaCount(current, out)).toBe(0);
    expect([...counts(out, [0, 1, 2]).leaders.values()]).toEqual([3, 3, 3]);
  });
});

describe('assignmentDiff', () => {
  it('lists partitions whose replica list or order changed, sorted, with the target replicas', () => {
    const current: Assignment = new Map([
      ['b', [[0, 1], [1, 2]]],
      ['a', [[0, 1]]],
    ]);
    const target: Assignment = new Map([
      ['b', [[0, 1], [2, 1]]],
      ['a', [[2, 1]]],
      ['c', [[0]]],
    ]);
    expect(assignmentDiff(current, target)).toEqual([
      { topic: 'a', partition: 0, replicas: [2, 1] },
      { topic: 'b', partition: 1, replicas: [2, 1] },
      { topic: 'c', partition: 0, replicas: [0] },
    ]);
    expect(assignmentDiff(target, target)).toEqual([]);
  });
});

// --------------------------------------------------------------------------------------------- properties

interface Shape {
  current: Assignment;
  brokers: BrokerMeta[];
  racks: boolean;
  label: string;
}

/** A random cluster: topics placed (round robin or skewed) on some broker set, then a new broker set. */
function randomShape(rnd: () => number, i: number): Shape {
  const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
  const before = int(1, 8);
  const kind = rnd();
  // after: scale up, scale down, same size, or a different id set
  const after = kind < 0.4 ? before + int(1, 4) : kind < 0.75 ? Math.max(1, before - int(1, 3)) : kind < 0.9 ? before : int(1, 9);
  const racks = rnd() < 0.3 && after >= 2;
  const rackCount = racks ? int(2, Math.min(4, after)) : 0;
  const beforeIds = range(0, before);
  const minBrokers = Math.min(before, after);
  const topics = int(0, 6);
  const current: Assignment = new Map();
  for (let t = 0; t < topics; t++) {
    const partitions = int(0, 24);
    const rf = int(1, Math.min(3, minBrokers));
    const skewed = rnd() < 0.3;
    const ids = skewed ? beforeIds.slice(0, Math.max(rf, int(rf, before))) : beforeIds;
    current.set(`topic-${t}`, roundRobin(partitions, rf, shuffled(ids, rnd), int(0, 5)));
  }
  if (rnd() < 0.5 && minBrokers >= 1) current.set('__consumer_offsets', roundRobin(int(1, 50), Math.min(3, minBrokers), beforeIds));
  const brokers = brokersOf(range(0, after), racks ? (id) => `r${id % rackCount}` : undefined);
  return { current, brokers, racks, label: `#${i}: ${before}→${after} brokers, ${current.size} topics${racks ? `, ${rackCount} racks` : ''}` };
}

describe('balanceAssignment: properties over random shapes (fixed seed)', () => {
  const shapes = Array.from({ length: 400 }, (_, i) => i).map((i) => randomShape(prng(1000 + i), i));

  it('valid, balanced, near-minimal movement, deterministic and a fixed point', () => {
    let moved = 0;
    let bound = 0;
    let worst = { ratio: 0, label: '' };
    const topicLeaderSpreads: number[] = [];
    for (const s of shapes) {
      const ids = s.brokers.map((b) => b.id);
      const out = balanceAssignment(s.current, s.brokers);
      assertValid(s.current, s.brokers, out);

      const c = counts(out, ids);
      if (!s.racks) {
        expect(spread(c.total), `${s.label}: total replicas per broker ${[...c.total]}`).toBeLessThanOrEqual(1);
        for (const [t, tc] of c.perTopic) expect(spread(tc), `${s.label}: ${t} per broker ${[...tc]}`).toBeLessThanOrEqual(1);
        // per topic, leaders are spread by local search (not always optimal): within 2, mostly within 1
        for (const [t, lc] of c.leadersPerTopic) {
          expect(spread(lc), `${s.label}: ${t} leaders per broker ${[...lc]}`).toBeLessThanOrEqual(2);
          topicLeaderSpreads.push(spread(lc));
        }
      }
      expect(leaderImprovingPath(out, ids), s.label).toBeNull();

      // fixed point (the scaler's "done"), and no diff against itself
      const again = balanceAssignment(out, s.brokers);
      expect(again, s.label).toEqual(out);
      expect(assignmentDiff(out, again)).toEqual([]);

      // deterministic: independent of the Map's and the broker list's order
      const rnd = prng(7);
      const reordered: Assignment = new Map(shuffled([...s.current.entries()], rnd));
      expect(balanceAssignment(reordered, shuffled(s.brokers, rnd)), s.label).toEqual(out);

      const m = movedReplicaCount(s.current, out);
      const lb = movementLowerBound(s.current, ids);
      moved += m;
      bound += lb;
      if (!s.racks) {
        const replicas = [...s.current.values()].flat().flat().length;
        // near-minimal: at most a few replicas (or 10% of them) above the lower bound
        expect(m, `${s.label}: moved ${m}, lower bound ${lb}`).toBeLessThanOrEqual(lb + Math.max(3, Math.ceil(replicas * 0.1)));
        if (lb > 0 && m / lb > worst.ratio) worst = { ratio: m / lb, label: `${s.label}: ${m} vs ${lb}` };
      }
    }
    console.log(`[assignment] moved ${moved} replicas in total, lower bound ${bound} (+${(((moved - bound) / Math.max(1, bound)) * 100).toFixed(1)}%); worst ${worst.ratio.toFixed(2)} (${worst.label})`);
    const within1 = topicLeaderSpreads.filter((x) => x <= 1).length / topicLeaderSpreads.length;
    console.log(`[assignment] topics with leaders within 1 of each other: ${(within1 * 100).toFixed(1)}% of ${topicLeaderSpreads.length}`);
    expect(within1).toBeGreaterThan(0.95);
    expect(moved).toBeLessThanOrEqual(bound * 1.1);
  });

  it('rack-aware shapes with equally sized racks are also balanced', () => {
    for (let i = 0; i < 60; i++) {
      const rnd = prng(5000 + i);
      const racks = 2 + Math.floor(rnd() * 3);
      const perRack = 1 + Math.floor(rnd() * 3);
      const n = racks * perRack;
      const before = Math.max(1, n - 1 - Math.floor(rnd() * 2));
      const current: Assignment = new Map();
      for (let t = 0; t < 4; t++) {
        const rf = 1 + Math.floor(rnd() * Math.min(3, before));
        current.set(`t${t}`, roundRobin(Math.floor(rnd() * 20), rf, range(0, before), t));
      }
      const brokers = brokersOf(range(0, n), (id) => `zone-${id % racks}`);
      const out = balanceAssignment(current, brokers);
      assertValid(current, brokers, out);
      const c = counts(out, range(0, n));
      expect(spread(c.total), `seed ${i}: ${[...c.total]}`).toBeLessThanOrEqual(1);
      expect(leaderImprovingPath(out, range(0, n))).toBeNull();
      expect(balanceAssignment(out, brokers)).toEqual(out);
    }
  });

  it('is fast enough for a large cluster (3000 partitions, 12 brokers)', () => {
    const current: Assignment = new Map();
    for (let t = 0; t < 60; t++) current.set(`t${t}`, roundRobin(50, 3, range(0, 9), t));
    const t0 = Date.now();
    const out = balanceAssignment(current, brokersOf(range(0, 12)));
    const ms = Date.now() - t0;
    const t1 = Date.now();
    expect(balanceAssignment(out, brokersOf(range(0, 12)))).toEqual(out);
    console.log(`[assignment] 3000 partitions 9→12 brokers: ${ms} ms (fixed-point check ${Date.now() - t1} ms), moved ${movedReplicaCount(current, out)} of 9000, lower bound ${movementLowerBound(current, range(0, 12))}`);
    expect(ms).toBeLessThan(10_000);
  });
});
