import { describe, expect, it } from 'vitest';
import {
  RackAssignmentError,
  assignReplicas,
  assignReplicasRackAware,
  rackAlternatedBrokerList,
} from '../src/controller/replica-assignment.js';

const racks3x3 = [
  { id: 0, rack: 'rack1' },
  { id: 1, rack: 'rack1' },
  { id: 2, rack: 'rack1' },
  { id: 3, rack: 'rack2' },
  { id: 4, rack: 'rack2' },
  { id: 5, rack: 'rack2' },
  { id: 6, rack: 'rack3' },
  { id: 7, rack: 'rack3' },
  { id: 8, rack: 'rack3' },
];

function rackOf(brokers: { id: number; rack: string | null }[]): Map<number, string> {
  return new Map(brokers.map((b) => [b.id, b.rack!]));
}

function counts(values: number[]): Map<number, number> {
  const m = new Map<number, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return m;
}

describe('rack-aware replica assignment (Kafka AdminUtils)', () => {
  it('alternates brokers by rack as Kafka documents (0, 3, 6, 1, 4, 7, 2, 5, 8)', () => {
    expect(rackAlternatedBrokerList(rackOf(racks3x3))).toEqual([0, 3, 6, 1, 4, 7, 2, 5, 8]);
    // Uneven racks: a rack that runs out is skipped.
    const uneven = new Map<number, string>([
      [0, 'a'],
      [1, 'a'],
      [2, 'a'],
      [3, 'b'],
      [4, 'c'],
    ]);
    expect(rackAlternatedBrokerList(uneven)).toEqual([0, 3, 4, 1, 2]);
  });

  it("matches Kafka's AdminRackAwareTest.testGetRackAlternatedBrokerListAndAssignReplicasToBrokers", () => {
    const brokers = [
      { id: 0, rack: 'rack1' },
      { id: 1, rack: 'rack3' },
      { id: 2, rack: 'rack3' },
      { id: 3, rack: 'rack2' },
      { id: 4, rack: 'rack2' },
      { id: 5, rack: 'rack1' },
    ];
    expect(rackAlternatedBrokerList(rackOf(brokers))).toEqual([0, 3, 1, 5, 4, 2]);
    expect(rackAlternatedBrokerList(rackOf(brokers.filter((b) => b.id !== 5)))).toEqual([0, 3, 1, 4, 2]);
    // Kafka's fixedStartIndex = 0 fixes both the start index and the replica shift.
    expect(assignReplicasRackAware(brokers, 7, 3, { startIndex: 0, replicaShift: 0, firstPartitionId: 0 })).toEqual([
      [0, 3, 1],
      [3, 1, 5],
      [1, 5, 4],
      [5, 4, 2],
      [4, 2, 0],
      [2, 0, 3],
      [0, 4, 2],
    ]);
  });

  it('spreads every partition over min(rf, racks) racks and balances leaders and replicas', () => {
    for (const rf of [1, 2, 3, 4]) {
      for (let start = 0; start < racks3x3.length; start++) {
        const numPartitions = 18;
        const a = assignReplicasRackAware(racks3x3, numPartitions, rf, { startIndex: start, replicaShift: start });
        const rack = rackOf(racks3x3);
        expect(a).toHaveLength(numPartitions);
        for (const replicas of a) {
          expect(replicas).toHaveLength(rf);
          expect(new Set(replicas).size).toBe(rf);
          expect(new Set(replicas.map((r) => rack.get(r))).size).toBe(Math.min(rf, 3));
        }
        // 18 partitions over 9 brokers: every broker leads exactly two, and holds exactly 2 * rf replicas.
        const leaders = counts(a.map((r) => r[0]!));
        expect([...leaders.values()].every((c) => c === 2)).toBe(true);
        expect(leaders.size).toBe(9);
        const all = counts(a.flat());
        expect([...all.values()].every((c) => c === 2 * rf)).toBe(true);
      }
    }
  });

  it('keeps racks distinct with uneven racks and random starts', () => {
    const brokers = [
      { id: 1, rack: 'a' },
      { id: 2, rack: 'a' },
      { id: 3, rack: 'a' },
      { id: 4, rack: 'b' },
      { id: 5, rack: 'c' },
    ];
    const rack = rackOf(brokers);
    for (let i = 0; i < 50; i++) {
      const a = assignReplicasRackAware(brokers, 10, 3);
      for (const replicas of a) expect(new Set(replicas.map((r) => rack.get(r))).size).toBe(3);
    }
  });

  it('continues numbering for added partitions', () => {
    const whole = assignReplicasRackAware(racks3x3, 12, 3, { startIndex: 4, replicaShift: 1 });
    const tail = assignReplicasRackAware(racks3x3, 3, 3, { startIndex: 4, replicaShift: 1, firstPartitionId: 9 });
    expect(tail).toEqual(whole.slice(9, 12));
  });

  it('falls back to the rack-unaware placement without racks, and rejects partial racks', () => {
    const plain = [0, 1, 2, 3].map((id) => ({ id, rack: null }));
    expect(assignReplicasRackAware(plain, 8, 2, { startIndex: 1, replicaShift: 2 })).toEqual(
      assignReplicas([0, 1, 2, 3], 8, 2, { startIndex: 1, replicaShift: 2 }),
    );
    const partial = [
      { id: 0, rack: 'a' },
      { id: 1, rack: null },
    ];
    expect(() => assignReplicasRackAware(partial, 1, 2)).toThrow(RackAssignmentError);
    expect(assignReplicasRackAware(partial, 2, 2, { mode: 'safe', startIndex: 0, replicaShift: 0 })).toEqual(
      assignReplicas([0, 1], 2, 2, { startIndex: 0, replicaShift: 0 }),
    );
    expect(() => assignReplicasRackAware(racks3x3, 1, 10)).toThrow(RangeError);
  });
});
