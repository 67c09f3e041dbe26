import type { OffsetsTopicStore } from '../coordinator/group-coordinator.js';
import type { ReplicaManager } from '../replication/replica-manager.js';
import { readBatchHeader } from '../records/batch.js';
import { ErrorCode, KafkaError } from '../protocol/errors.js';

export const OFFSETS_TOPIC = '__consumer_offsets';

const READ_CHUNK = 8 * 1024 * 1024;

/**
 * The group coordinator's view of `__consumer_offsets`: append a batch, or replay a partition.
 *
 * In cluster mode an append is acknowledged like an acks=all produce (as Kafka's coordinator writes): the
 * ISR must satisfy min.insync.replicas, and the call resolves only once the high watermark covers the
 * batch, or rejects with a KafkaError after offsets.commit.timeout.ms. Single-node: HW = LEO at once.
 */
export class PartitionLogOffsetsStore implements OffsetsTopicStore {
  constructor(
    private readonly replicas: ReplicaManager,
    /** offsets.commit.timeout.ms */
    private readonly commitTimeoutMs = 5000,
  ) {}

  async append(partition: number, batch: Buffer): Promise<void> {
    const p = this.replicas.leaderPartition(OFFSETS_TOPIC, partition);
    if (!this.replicas.isClusterMode) {
      this.replicas.appendAsLeader(p, batch);
      return;
    }
    const minIsr = p.log.config.minInsyncReplicas;
    if (p.isr.length < minIsr) {
      throw new KafkaError(ErrorCode.NOT_ENOUGH_REPLICAS, `ISR of ${p.key} (${p.isr.length}) is below min.insync.replicas (${minIsr})`);
    }
    const result = this.replicas.appendAsLeader(p, batch);
    const code = await this.replicas.waitForReplication(p, result.lastOffset + 1, this.commitTimeoutMs);
    if (code !== ErrorCode.NONE) throw new KafkaError(code, `offsets write to ${p.key} not replicated`);
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
