/**
 * Kafka's rack-unaware replica placement (AdminUtils.assignReplicasToBrokers): the first replica of each
 * partition walks the broker list round-robin from a random start; followers are shifted by a per-round
 * offset so that the replicas of consecutive partitions do not all land on the same neighbours.
 */
export function assignReplicas(brokerIds, numPartitions, replicationFactor, opts = {}) {
    const brokers = [...brokerIds].sort((a, b) => a - b);
    const n = brokers.length;
    if (replicationFactor <= 0)
        throw new RangeError('replication factor must be larger than 0');
    if (replicationFactor > n) {
        throw new RangeError(`replication factor: ${replicationFactor} larger than available brokers: ${n}`);
    }
    const start = opts.startIndex ?? Math.floor(Math.random() * n);
    let shift = opts.replicaShift ?? Math.floor(Math.random() * n);
    const firstPartition = opts.firstPartitionId ?? 0;
    let current = firstPartition;
    const result = [];
    for (let i = 0; i < numPartitions; i++) {
        if (current > 0 && current % n === 0)
            shift += 1;
        const first = (current + start) % n;
        const replicas = [brokers[first]];
        for (let j = 0; j < replicationFactor - 1; j++) {
            const idx = n === 1 ? first : (first + 1 + ((shift + j) % (n - 1))) % n;
            replicas.push(brokers[idx]);
        }
        result.push(replicas);
        current += 1;
    }
    return result;
}
/**
 * Kafka's rack-aware replica placement (AdminUtils.assignReplicasToBrokersRackAware). The brokers are laid out
 * rack-alternated (racks sorted by name, brokers sorted by id within a rack: r1b0, r2b3, r3b6, r1b1, ...), so a
 * plain round-robin over that list spreads leaders evenly over brokers and racks. Followers walk the same list
 * from the leader with a per-round shift (multiplied by the number of racks), skipping a broker while some
 * rack has no replica of the partition yet or while some broker has none: every partition spans
 * min(rf, racks) racks. Without any rack information this is exactly `assignReplicas`.
 */
export function assignReplicasRackAware(brokers, numPartitions, replicationFactor, opts = {}) {
    if (numPartitions <= 0)
        throw new RangeError('Number of partitions must be larger than 0.');
    if (replicationFactor <= 0)
        throw new RangeError('Replication factor must be larger than 0.');
    if (replicationFactor > brokers.length) {
        throw new RangeError(`Replication factor: ${replicationFactor} larger than available brokers: ${brokers.length}.`);
    }
    const mode = opts.mode ?? 'enforced';
    const withRack = brokers.filter((b) => b.rack !== null);
    const ids = brokers.map((b) => b.id);
    if (mode === 'disabled' || withRack.length === 0)
        return assignReplicas(ids, numPartitions, replicationFactor, opts);
    if (withRack.length !== brokers.length) {
        if (mode === 'safe')
            return assignReplicas(ids, numPartitions, replicationFactor, opts);
        throw new RackAssignmentError('Not all brokers have rack information for replica rack aware assignment.');
    }
    const rackOf = new Map(brokers.map((b) => [b.id, b.rack]));
    const arranged = rackAlternatedBrokerList(rackOf);
    const n = arranged.length;
    const numRacks = new Set(rackOf.values()).size;
    const startIndex = opts.startIndex ?? Math.floor(Math.random() * n);
    let shift = opts.replicaShift ?? Math.floor(Math.random() * n);
    let current = Math.max(0, opts.firstPartitionId ?? 0);
    const result = [];
    for (let i = 0; i < numPartitions; i++) {
        if (current > 0 && current % n === 0)
            shift += 1;
        const first = (current + startIndex) % n;
        const leader = arranged[first];
        const replicas = [leader];
        const racksWithReplicas = new Set([rackOf.get(leader)]);
        const brokersWithReplicas = new Set([leader]);
        let k = 0;
        for (let j = 0; j < replicationFactor - 1; j++) {
            for (;;) {
                const broker = arranged[replicaIndex(first, shift * numRacks, k, n)];
                const rack = rackOf.get(broker);
                k += 1;
                // Kafka's skip rule: a rack that already holds a replica is skipped while some rack holds none, and a
                // broker that already holds one is skipped while some broker holds none.
                const rackOk = !racksWithReplicas.has(rack) || racksWithReplicas.size === numRacks;
                const brokerOk = !brokersWithReplicas.has(broker) || brokersWithReplicas.size === n;
                if (rackOk && brokerOk) {
                    replicas.push(broker);
                    racksWithReplicas.add(rack);
                    brokersWithReplicas.add(broker);
                    break;
                }
            }
        }
        result.push(replicas);
        current += 1;
    }
    return result;
}
/** Thrown when racks are required but only some brokers have one (Kafka's AdminOperationException). */
export class RackAssignmentError extends Error {
    name = 'RackAssignmentError';
}
function replicaIndex(firstReplicaIndex, secondReplicaShift, index, nBrokers) {
    const shift = 1 + ((secondReplicaShift + index) % (nBrokers - 1));
    return (firstReplicaIndex + shift) % nBrokers;
}
/** Racks sorted by name, brokers sorted by id inside each rack, then taken one per rack in turn. */
export function rackAlternatedBrokerList(rackOf) {
    const byRack = new Map();
    for (const [id, rack] of rackOf) {
        const list = byRack.get(rack) ?? [];
        list.push(id);
        byRack.set(rack, list);
    }
    const racks = [...byRack.keys()].sort();
    for (const r of racks)
        byRack.get(r).sort((a, b) => a - b);
    const cursors = new Map(racks.map((r) => [r, 0]));
    const result = [];
    let rackIndex = 0;
    while (result.length < rackOf.size) {
        const rack = racks[rackIndex];
        const list = byRack.get(rack);
        const c = cursors.get(rack);
        if (c < list.length) {
            result.push(list[c]);
            cursors.set(rack, c + 1);
        }
        rackIndex = (rackIndex + 1) % racks.length;
    }
    return result;
}
//# sourceMappingURL=replica-assignment.js.map