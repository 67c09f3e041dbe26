import type { OffsetsTopicStore } from '../coordinator/group-coordinator.js';
import type { ReplicaManager } from '../replication/replica-manager.js';
import { readBatchHeader } from '../records/batch.js';

export const OFFSETS_TOPIC = '__consumer_offsets';

const READ_CHUNK = 8 * 1024 * 1024;

/** The group coordinator's view of `__consumer_offsets`: append a batch, or replay a partition. */
export class PartitionLogOffsetsStore implements OffsetsTopicStore {
  constructor(private readonly replicas: ReplicaManager) {}

  async append(partition: number, batch: Buffer): Promise<void> {
    const p = this.replicas.leaderPartition(OFFSETS_TOPIC, partition);
    this.replicas.appendAsLeader(p, batch);
  }

  *readAll(partition: number): Iterable<Buffer> {
    const p = this.replicas.partition(OFFSETS_TOPIC, partition);
    if (!p) return;
    const log = p.log;
    let offset = log.logStartOffset;
    while (offset < log.logEndOffset) {
      const { records } = log.read(offset, READ_CHUNK, { maxOffset: log.logEndOffset, minOneMessage: true });
      if (records.length === 0) break;
      let next = offset;
      for (const chunk of records) {
        for (let pos = 0; pos + 61 <= chunk.length; ) {
          const h = readBatchHeader(chunk, pos);
          const end = pos + h.batchLength + 12;
          if (end > chunk.length) break;
          if (h.baseOffset + h.lastOffsetDelta >= offset) yield chunk.subarray(pos, end);
          next = Math.max(next, h.baseOffset + h.lastOffsetDelta + 1);
          pos = end;
        }
      }
      if (next <= offset) break;
      offset = next;
    }
  }
}
