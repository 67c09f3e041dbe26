/**
 * Kafka's rack-unaware replica placement (AdminUtils.assignReplicasToBrokers): the first replica of each
 * partition walks the broker list round-robin from a random start; followers are shifted by a per-round
 * offset so that the replicas of consecutive partitions do not all land on the same neighbours.
 */
export function assignReplicas(
  brokerIds: number[],
  numPartitions: number,
  replicationFactor: number,
  opts: { startIndex?: number; replicaShift?: number; firstPartitionId?: number } = {},
): number[][] {
  const brokers = [...brokerIds].sort((a, b) => a - b);
  const n = brokers.length;
  if (replicationFactor <= 0) throw new RangeError('replication factor must be larger than 0');
  if (replicationFactor > n) {
    throw new RangeError(`replication factor: ${replicationFactor} larger than available brokers: ${n}`);
  }
  const start = opts.startIndex ?? Math.floor(Math.random() * n);
  let shift = opts.replicaShift ?? Math.floor(Math.random() * n);
  const firstPartition = opts.firstPartitionId ?? 0;
  let current = firstPartition;
  const result: number[][] = [];
  for (let i = 0; i < numPartitions; i++) {
    if (current > 0 && current % n === 0) shift += 1;
    const first = (current + start) % n;
    const replicas = [brokers[first]!];
    for (let j = 0; j < replicationFactor - 1; j++) {
      const idx = n === 1 ? first : (first + 1 + ((shift + j) % (n - 1))) % n;
      replicas.push(brokers[idx]!);
    }
    result.push(replicas);
    current += 1;
  }
  return result;
}
