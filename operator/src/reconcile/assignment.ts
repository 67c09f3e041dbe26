// Partition replica placement for scaling (pure): given the current assignment of every topic and the brokers
// the partitions should live on, compute a balanced assignment that moves as few replicas as possible.
//
// The result is a local optimum of an explicit objective, reached by strictly improving steps, so it is
// deterministic (inputs are sorted first; the Map's insertion order and the broker list's order do not matter)
// and idempotent: balanceAssignment(balanceAssignment(x, b), b) deep-equals balanceAssignment(x, b), because on
// its own output no step improves anything. The scaler relies on that fixed point to know that it is done.
//
// Replica placement, objective in lexicographic order:
//   A. rack violations (only when every broker has a rack): per partition, min(rf, #racks) − #distinct racks;
//   B. the spread of replicas per broker, Σ total[b]²;
//   C. the spread of replicas per broker within each topic, Σ_t Σ_b count[t][b]².
// Steps: replicas on brokers that are not allowed (or duplicated) are placed first (they must move); then one
// pass fixes rack violations; then single moves (one replica to another broker) and swaps (a replica of topic t
// from x to y and one of another topic u from y to x) while they improve (B, C). Without racks the end state has
// totals within 1 and every topic within 1 (a single improving move always exists otherwise: a broker with two
// more replicas than another has a partition the other is not in; if the totals forbid it, a swap with a topic
// that is heavier on the other broker exists). Among moves equally good for the totals, those that copy no
// extra data come first (a replica added by this run moves again, or one goes back to where it was), then the
// better one for the topic's spread, then followers before the preferred leader. Moves always go from the
// fullest broker to the emptiest one, so a scale-up moves about (new brokers / all brokers) of the replicas.
//
// Order: replicas that stay keep their current relative order, new ones are appended; then preferred leaders
// (first replica) are spread by moving another replica of the same partition to the front, with objective
//   L1. Σ_b leaders[b]² (cluster-wide): augmenting paths — partition p led by x0 gets x1, a partition led by x1
//       gets x2, ... — from any broker to one with 2 fewer leaders; with none left the spread is optimal
//       (optimal semi-matching), so leader counts differ by at most 1 whenever the replica sets allow it;
//   L2. Σ_t Σ_b leaders[t][b]² (per topic), never at the expense of L1: a path of leader changes within the
//       topic, where L1 would get worse followed by a path back through other topics' partitions, kept only if
//       L2 improves. A local optimum: over random shapes ~98% of topics end within 1, the rest within 2.

export interface BrokerMeta {
  id: number;
  rack: string | null;
}

/** topic → replicas per partition (index = partition id) */
export type Assignment = Map<string, number[][]>;

interface Part {
  /** Index of the topic in the sorted topic list. */
  t: number;
  topic: string;
  partition: number;
  /** Current replicas (broker indexes, unique, valid) as given. */
  orig: number[];
  /** Working replica set (broker indexes); order: originals first, added ones in the order they were added. */
  reps: number[];
}

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Lexicographic compare of number tuples. */
function cmpKey(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/**
 * A balanced assignment of every partition of `current` over `brokers` (see the file comment for the exact
 * objective). Throws when a partition's replication factor exceeds the number of brokers, or when a partition
 * has replicas but no broker is given.
 */
export function balanceAssignment(current: Assignment, brokers: BrokerMeta[]): Assignment {
  // ------------------------------------------------------------------------------------------------ brokers
  const byId = new Map<number, BrokerMeta>();
  for (const b of brokers) {
    if (!Number.isInteger(b.id) || b.id < 0) throw new Error(`invalid broker id ${String(b.id)}`);
    if (!byId.has(b.id)) byId.set(b.id, b);
  }
  const ids = [...byId.keys()].sort((a, b) => a - b);
  const n = ids.length;
  const index = new Map<number, number>(ids.map((id, i) => [id, i]));
  const rackAware = n > 0 && ids.every((id) => byId.get(id)!.rack !== null && byId.get(id)!.rack !== undefined);
  const rackNames = rackAware ? [...new Set(ids.map((id) => byId.get(id)!.rack!))].sort(cmpStr) : [];
  const R = rackNames.length;
  const rackOf: number[] = ids.map((id) => (rackAware ? rackNames.indexOf(byId.get(id)!.rack!) : 0));

  // ------------------------------------------------------------------------------------------------ partitions
  const topics = [...current.keys()].sort(cmpStr);
  const parts: Part[] = [];
  const partsOfTopic: number[][] = topics.map(() => []);
  topics.forEach((topic, t) => {
    const list = current.get(topic)!;
    list.forEach((replicas, partition) => {
      const rf = replicas.length;
      if (rf > n) {
        throw new Error(
          `cannot place ${topic}-${partition}: replication factor ${rf} but ${n} broker${n === 1 ? '' : 's'} (${ids.join(', ') || 'none'})`,
        );
      }
      const orig: number[] = [];
      for (const id of replicas) {
        const i = index.get(id);
        if (i !== undefined && !orig.includes(i)) orig.push(i);
      }
      partsOfTopic[t]!.push(parts.length);
      parts.push({ t, topic, partition, orig, reps: [...orig] });
    });
  });
  const rfOf = (p: Part): number => current.get(p.topic)![p.partition]!.length;

  const total = new Array<number>(n).fill(0);
  const tc: number[][] = topics.map(() => new Array<number>(n).fill(0));
  /** Partition indexes with a replica on each broker. */
  const on: Set<number>[] = ids.map(() => new Set<number>());
  parts.forEach((p, pi) => {
    for (const b of p.reps) {
      total[b]!++;
      tc[p.t]![b]!++;
      on[b]!.add(pi);
    }
  });
  const wasThere = (p: Part, b: number): number => (p.orig.includes(b) ? 1 : 0);

  const addReplica = (pi: number, b: number): void => {
    const p = parts[pi]!;
    p.reps.push(b);
    total[b]!++;
    tc[p.t]![b]!++;
    on[b]!.add(pi);
  };
  const moveReplica = (pi: number, x: number, y: number): void => {
    const p = parts[pi]!;
    p.reps.splice(p.reps.indexOf(x), 1);
    total[x]!--;
    tc[p.t]![x]!--;
    on[x]!.delete(pi);
    addReplica(pi, y);
  };

  /** Number of distinct racks of a replica list. */
  const distinctRacks = (reps: number[]): number => new Set(reps.map((b) => rackOf[b]!)).size;
  /** Change of the distinct rack count of p when x is replaced by y (>= 0: no worse). 0 without racks. */
  const rackGain = (p: Part, x: number, y: number): number => {
    if (!rackAware || rackOf[x] === rackOf[y]) return 0;
    let xShared = false;
    let yPresent = false;
    for (const b of p.reps) {
      if (b === x) continue;
      if (rackOf[b] === rackOf[x]) xShared = true;
      if (rackOf[b] === rackOf[y]) yPresent = true;
    }
    return (yPresent ? 0 : 1) - (xShared ? 0 : 1);
  };

  // ----------------------------------------------------------------- 1. replicas that must move: place them
  parts.forEach((p, pi) => {
    const rf = rfOf(p);
    while (p.reps.length < rf) {
      const racks = new Set(p.reps.map((b) => rackOf[b]!));
      let best = -1;
      let bestKey: number[] = [];
      for (let b = 0; b < n; b++) {
        if (p.reps.includes(b)) continue;
        const key = [rackAware && racks.has(rackOf[b]!) ? 1 : 0, tc[p.t]![b]!, total[b]!, b];
        if (best < 0 || cmpKey(key, bestKey) < 0) {
          best = b;
          bestKey = key;
        }
      }
      addReplica(pi, best);
    }
  });

  // ------------------------------------------------------------------------------- 2. rack violations (A)
  if (rackAware) {
    parts.forEach((p, pi) => {
      const ideal = Math.min(p.reps.length, R);
      while (distinctRacks(p.reps) < ideal) {
        const count = new Map<number, number>();
        for (const b of p.reps) count.set(rackOf[b]!, (count.get(rackOf[b]!) ?? 0) + 1);
        // The last replica on a doubled rack (keeps the preferred leader and originals where possible).
        let x = -1;
        let xKey: number[] = [];
        p.reps.forEach((b, pos) => {
          if (count.get(rackOf[b]!)! < 2) return;
          const key = [wasThere(p, b), -pos];
          if (x < 0 || cmpKey(key, xKey) < 0) {
            x = b;
            xKey = key;
          }
        });
        let y = -1;
        let yKey: number[] = [];
        for (let b = 0; b < n; b++) {
          if (count.has(rackOf[b]!)) continue;
          const key = [tc[p.t]![b]!, total[b]!, -wasThere(p, b), b];
          if (y < 0 || cmpKey(key, yKey) < 0) {
            y = b;
            yKey = key;
          }
        }
        moveReplica(pi, x, y);
      }
    });
  }

  // ------------------------------------------------------------------- 3. balance by improving moves (B, C)
  const byLoadDesc = (): number[] => [...ids.keys()].sort((a, b) => total[b]! - total[a]! || a - b);

  /** Best move of a replica of a partition in `candidates` from x to y that keeps the racks; null if none. */
  const bestMove = (candidates: Iterable<number>, x: number, y: number, topic: number | null): { pi: number; key: number[] } | null => {
    let best: { pi: number; key: number[] } | null = null;
    for (const pi of candidates) {
      const p = parts[pi]!;
      if (topic !== null && p.t !== topic) continue;
      if (p.reps.includes(y) || !p.reps.includes(x)) continue;
      if (rackGain(p, x, y) < 0) continue;
      const key = [wasThere(p, x) - wasThere(p, y), tc[p.t]![y]! - tc[p.t]![x]!, p.reps[0] === x ? 1 : 0, pi];
      if (best === null || cmpKey(key, best.key) < 0) best = { pi, key };
    }
    return best;
  };

  /** B: a replica from a broker with at least 2 more replicas to the emptier one (steepest first). */
  const improveTotal = (): boolean => {
    const desc = byLoadDesc();
    const asc = [...desc].reverse();
    const pairs: [number, number][] = [];
    for (const x of desc) for (const y of asc) if (total[x]! - total[y]! >= 2) pairs.push([x, y]);
    pairs.sort((a, b) => total[b[0]]! - total[b[1]]! - (total[a[0]]! - total[a[1]]!) || a[0] - b[0] || a[1] - b[1]);
    for (const [x, y] of pairs) {
      const m = bestMove(on[x]!, x, y, null);
      if (m) {
        moveReplica(m.pi, x, y);
        return true;
      }
    }
    return false;
  };

  /** C with B unchanged: a single move inside a topic, or a swap with another topic. */
  const improveTopics = (): boolean => {
    for (let t = 0; t < topics.length; t++) {
      const c = tc[t]!;
      let max = -Infinity;
      let min = Infinity;
      for (const v of c) {
        max = Math.max(max, v);
        min = Math.min(min, v);
      }
      if (max - min < 2) continue;
      const pairs: [number, number][] = [];
      for (let x = 0; x < n; x++) for (let y = 0; y < n; y++) if (c[x]! - c[y]! >= 2) pairs.push([x, y]);
      pairs.sort((a, b) => c[b[0]]! - c[b[1]]! - (c[a[0]]! - c[a[1]]!) || a[0] - b[0] || a[1] - b[1]);
      for (const [x, y] of pairs) {
        const single = total[x]! - total[y]! >= 1 ? bestMove(partsOfTopic[t]!, x, y, null) : null;
        if (single) {
          moveReplica(single.pi, x, y);
          return true;
        }
        // Swap: t's replica x → y and another topic's replica y → x; totals unchanged.
        const m = bestMove(partsOfTopic[t]!, x, y, null);
        if (!m) continue;
        let back: { pi: number; key: number[] } | null = null;
        const gainT = 2 * (c[y]! - c[x]! + 1);
        for (const qi of on[y]!) {
          const q = parts[qi]!;
          if (q.t === t || q.reps.includes(x) || rackGain(q, y, x) < 0) continue;
          const d = gainT + 2 * (tc[q.t]![x]! - tc[q.t]![y]! + 1);
          if (d >= 0) continue;
          const key = [d, wasThere(q, y) - wasThere(q, x), q.reps[0] === y ? 1 : 0, qi];
          if (back === null || cmpKey(key, back.key) < 0) back = { pi: qi, key };
        }
        if (back) {
          moveReplica(m.pi, x, y);
          moveReplica(back.pi, y, x);
          return true;
        }
      }
    }
    return false;
  };

  const replicaCount = parts.reduce((s, p) => s + p.reps.length, 0);
  const maxSteps = 20 * (replicaCount + parts.length) + 1000;
  for (let step = 0; step < maxSteps; step++) {
    if (improveTotal()) continue;
    if (improveTopics()) continue;
    break;
  }

  // ------------------------------------------------------------------- 4. order: staying replicas keep theirs
  const order: number[][] = parts.map((p) => [...p.orig.filter((b) => p.reps.includes(b)), ...p.reps.filter((b) => !p.orig.includes(b))]);

  // ------------------------------------------------------------------------------- 5. preferred leaders (L)
  const L = new Array<number>(n).fill(0);
  const Lt: number[][] = topics.map(() => new Array<number>(n).fill(0));
  order.forEach((o, pi) => {
    if (o.length === 0) return;
    L[o[0]!]!++;
    Lt[parts[pi]!.t]![o[0]!]!++;
  });
  const countLeader = (pi: number, b: number, d: number): void => {
    L[b]! += d;
    Lt[parts[pi]!.t]![b]! += d;
  };
  /** Makes y the preferred leader of partition pi (the rest keep their order). */
  const setLeader = (pi: number, y: number): void => {
    const o = order[pi]!;
    countLeader(pi, o[0]!, -1);
    o.splice(o.indexOf(y), 1);
    o.unshift(y);
    countLeader(pi, y, 1);
  };
  type Changes = [number, number][];
  const apply = (changes: Changes): number[][] => {
    const saved = changes.map(([pi]) => [...order[pi]!]);
    for (const [pi, b] of changes) setLeader(pi, b);
    return saved;
  };
  const revert = (changes: Changes, saved: number[][]): void => {
    for (let i = changes.length - 1; i >= 0; i--) {
      const pi = changes[i]![0];
      countLeader(pi, order[pi]![0]!, -1);
      order[pi] = saved[i]!;
      countLeader(pi, order[pi]![0]!, 1);
    }
  };
  /** Σ_b leaders[t][b]² of the topics of the given partitions. */
  const topicLeaderCost = (pis: number[]): number => {
    let sum = 0;
    for (const t of new Set(pis.map((pi) => parts[pi]!.t))) for (const v of Lt[t]!) sum += v * v;
    return sum;
  };

  /**
   * BFS over leader changes from `src` using the partitions `candidates` (index order): a broker b is reached
   * through a partition led by an already reached broker that has b as a replica. Returns the brokers in the
   * order reached and, per broker, [partition, previous broker].
   */
  const allParts = parts.map((_, pi) => pi);
  const leaderTree = (src: number, candidates: number[], stop?: (b: number) => boolean): { reached: number[]; via: Map<number, [number, number]> } => {
    const ledBy: number[][] = ids.map(() => []);
    for (const pi of candidates) {
      const o = order[pi]!;
      if (o.length > 1) ledBy[o[0]!]!.push(pi);
    }
    const via = new Map<number, [number, number]>();
    const reached: number[] = [];
    const seen = new Set<number>([src]);
    let frontier = [src];
    while (frontier.length > 0) {
      const next: number[] = [];
      for (const a of frontier) {
        for (const pi of ledBy[a]!) {
          for (const b of order[pi]!) {
            if (seen.has(b)) continue;
            seen.add(b);
            via.set(b, [pi, a]);
            reached.push(b);
            if (stop?.(b)) return { reached, via };
            next.push(b);
          }
        }
      }
      frontier = next;
    }
    return { reached, via };
  };
  /** The leader changes along the tree from its source to `to`: [partition, new leader], source side first. */
  const pathTo = (via: Map<number, [number, number]>, src: number, to: number): Changes => {
    const path: Changes = [];
    for (let cur = to; cur !== src; ) {
      const [pi, prev] = via.get(cur)!;
      path.push([pi, cur]);
      cur = prev;
    }
    return path.reverse();
  };

  /** L1: an augmenting path from a broker to one with at least 2 fewer leaders. */
  const improveLeaders = (): boolean => {
    const minL = Math.min(...L);
    const srcs = [...ids.keys()].filter((b) => L[b]! >= minL + 2).sort((a, b) => L[b]! - L[a]! || a - b);
    for (const src of srcs) {
      const isTarget = (b: number): boolean => L[b]! <= L[src]! - 2;
      const { reached, via } = leaderTree(src, allParts, isTarget);
      const y = reached.find(isTarget);
      if (y !== undefined) {
        apply(pathTo(via, src, y));
        return true;
      }
    }
    return false;
  };

  /**
   * L2 with L1 not worse, for one topic t with a broker x that leads 2 more of t's partitions than a broker y:
   * a path of leader changes within t from x to y when x leads at least one more partition than y overall;
   * otherwise the same path plus a path back from y to x through other topics' partitions (L1 unchanged),
   * kept only if it improves L2. At most MAX_COMPENSATED_TARGETS targets per source get a path back (bounds
   * the work on large clusters).
   */
  const MAX_COMPENSATED_TARGETS = 4;
  const improveTopicLeaders = (t: number): boolean => {
    const c = Lt[t]!;
    const minC = Math.min(...c);
    if (Math.max(...c) - minC < 2) return false;
    const srcs = [...ids.keys()].filter((b) => c[b]! >= minC + 2).sort((a, b) => c[b]! - c[a]! || a - b);
    let others: number[] | null = null;
    for (const x of srcs) {
      const { reached, via } = leaderTree(x, partsOfTopic[t]!);
      const targets = reached.filter((y) => c[y]! <= c[x]! - 2);
      const direct = targets.find((y) => L[x]! >= L[y]! + 1);
      if (direct !== undefined) {
        apply(pathTo(via, x, direct));
        return true;
      }
      for (const y of targets.slice(0, MAX_COMPENSATED_TARGETS)) {
        others ??= allParts.filter((pi) => parts[pi]!.t !== t);
        const back = leaderTree(y, others, (b) => b === x);
        if (!back.via.has(x)) continue;
        const changes = [...pathTo(via, x, y), ...pathTo(back.via, y, x)];
        const pis = changes.map(([pi]) => pi);
        const before = topicLeaderCost(pis);
        const saved = apply(changes);
        if (topicLeaderCost(pis) < before) return true;
        revert(changes, saved);
      }
    }
    return false;
  };

  // L1 first, to its optimum; then passes over the topics until one changes nothing. L2 steps never make L1
  // worse, so the end state has no improving step of either kind: a second run changes nothing.
  let leaderSteps = 20 * parts.length + 1000;
  while (leaderSteps-- > 0 && improveLeaders());
  for (let pass = 0, changed = true; changed && pass < 100; pass++) {
    changed = false;
    for (let t = 0; t < topics.length; t++) {
      while (leaderSteps-- > 0 && improveTopicLeaders(t)) changed = true;
    }
  }

  // ------------------------------------------------------------------------------------------------ result
  const out: Assignment = new Map();
  for (const topic of current.keys()) out.set(topic, []);
  parts.forEach((p, pi) => {
    out.get(p.topic)![p.partition] = order[pi]!.map((b) => ids[b]!);
  });
  return out;
}

/**
 * The partitions whose replica list (order included: the first replica is the preferred leader) differs
 * between `current` and `target`, sorted by topic and partition; `replicas` is the target's.
 */
export function assignmentDiff(
  current: Assignment,
  target: Assignment,
): { topic: string; partition: number; replicas: number[] }[] {
  const out: { topic: string; partition: number; replicas: number[] }[] = [];
  for (const topic of [...target.keys()].sort(cmpStr)) {
    const cur = current.get(topic) ?? [];
    target.get(topic)!.forEach((replicas, partition) => {
      const was = cur[partition];
      if (was === undefined || was.length !== replicas.length || was.some((b, i) => b !== replicas[i])) {
        out.push({ topic, partition, replicas: [...replicas] });
      }
    });
  }
  return out;
}

/** Replicas that `target` places on a broker the partition does not have in `current` (data to copy). */
export function movedReplicaCount(current: Assignment, target: Assignment): number {
  let moved = 0;
  for (const [topic, parts] of target) {
    const cur = current.get(topic) ?? [];
    parts.forEach((replicas, partition) => {
      const was = new Set(cur[partition] ?? []);
      for (const b of replicas) if (!was.has(b)) moved++;
    });
  }
  return moved;
}
