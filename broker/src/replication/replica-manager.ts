import type { Logger } from 'pino';
import type { BrokerConfig } from '../config.js';
import { resolveLogConfig } from '../config.js';
import type { MetadataStore, TopicRecord } from '../metadata/store.js';
import type { LogManager } from '../storage/log-manager.js';
import type { PartitionLog } from '../storage/log.js';
import { ErrorCode, KafkaError } from '../protocol/errors.js';

/** A partition this broker hosts. Single-node: always the leader; replication (a later issue) adds followers. */
export interface Partition {
  readonly topic: string;
  readonly index: number;
  readonly topicId: string;
  readonly log: PartitionLog;
  leaderEpoch: number;
}

export interface AppendResult {
  baseOffset: number;
  logAppendTime: number;
  logStartOffset: number;
}

export function partitionKey(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

type Waiter = { keys: string[]; resolve: () => void; timer: NodeJS.Timeout };

/**
 * Owns the partitions hosted here: keeps them in step with the metadata store (create, grow, delete,
 * reconfigure logs), appends with leader epochs, keeps the high watermark, and wakes long-polling fetches.
 */
export class ReplicaManager {
  private readonly partitions = new Map<string, Partition>();
  private waiters = new Set<Waiter>();

  constructor(
    private readonly config: BrokerConfig,
    private readonly metadata: MetadataStore,
    private readonly logs: LogManager,
    private readonly log: Logger,
  ) {}

  startup(): void {
    for (const topic of this.metadata.topics()) this.syncTopic(topic);
    for (const log of this.logs.allLogs()) {
      // Kept, not deleted: a lost metadata file must never turn into lost data.
      if (!this.partitions.has(partitionKey(log.topic, log.partition))) {
        this.log.warn({ partition: log.topicPartition }, 'log directory has no topic in the metadata; leaving it untouched');
      }
    }
    this.metadata.on((event) => {
      try {
        switch (event.type) {
          case 'topicCreated':
          case 'partitionsAdded': {
            const t = this.metadata.topic(event.topic);
            if (t) this.syncTopic(t);
            break;
          }
          case 'topicDeleted':
            this.dropTopic(event.topic);
            break;
          case 'topicConfigChanged': {
            const t = this.metadata.topic(event.topic);
            if (t) this.logs.updateConfig(t.name, resolveLogConfig(this.config, t.configs));
            break;
          }
          case 'brokerConfigChanged':
            break;
        }
      } catch (err) {
        this.log.error({ err, event }, 'failed to apply metadata change to local logs');
      }
    });
  }

  /** Opens (creating if needed) the log of every partition of the topic that is assigned to this broker. */
  syncTopic(topic: TopicRecord): void {
    const logConfig = resolveLogConfig(this.config, topic.configs);
    for (const p of topic.partitions) {
      if (!p.replicas.includes(this.config.brokerId)) continue;
      const key = partitionKey(topic.name, p.partition);
      if (this.partitions.has(key)) continue;
      let log = this.logs.getOrCreateLog(topic.name, p.partition, logConfig);
      const storedId = log.readPartitionMetadata();
      if (storedId !== null && storedId !== topic.topicId) {
        // A directory left by a deleted topic of the same name (crash between the metadata write and the
        // log deletion): its data belongs to the old topic id and must not resurface in the new one.
        this.log.warn({ topic: topic.name, partition: p.partition, storedId, topicId: topic.topicId }, 'removing stale log of a deleted topic');
        this.logs.deleteLog(topic.name, p.partition);
        log = this.logs.getOrCreateLog(topic.name, p.partition, logConfig);
      }
      if (storedId !== topic.topicId) log.writePartitionMetadata(topic.topicId);
      // A lone replica's committed data is everything it has.
      log.highWatermark = log.logEndOffset;
      this.partitions.set(key, { topic: topic.name, index: p.partition, topicId: topic.topicId, log, leaderEpoch: p.leaderEpoch });
    }
  }

  private dropTopic(topic: string): void {
    for (const [key, p] of this.partitions) {
      if (p.topic !== topic) continue;
      this.partitions.delete(key);
      this.logs.deleteLog(topic, p.index);
    }
  }

  partition(topic: string, index: number): Partition | undefined {
    return this.partitions.get(partitionKey(topic, index));
  }

  /** The partition if this broker leads it, else a KafkaError with the code Kafka would return. */
  leaderPartition(topic: string, index: number): Partition {
    const p = this.partitions.get(partitionKey(topic, index));
    if (p) return p;
    const t = this.metadata.topic(topic);
    if (!t || index < 0 || index >= t.partitions.length) {
      throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `unknown topic-partition ${topic}-${index}`);
    }
    throw new KafkaError(ErrorCode.NOT_LEADER_OR_FOLLOWER, `this broker does not lead ${topic}-${index}`);
  }

  allPartitions(): IterableIterator<Partition> {
    return this.partitions.values();
  }

  /** Appends validated client batches as leader: assigns offsets, stamps the leader epoch, advances the HW. */
  appendAsLeader(p: Partition, records: Buffer): AppendResult {
    const info = p.log.append(records, { leaderEpoch: p.leaderEpoch, assignOffsets: true });
    p.log.highWatermark = p.log.logEndOffset;
    this.notify(partitionKey(p.topic, p.index));
    return { baseOffset: info.firstOffset, logAppendTime: info.logAppendTime, logStartOffset: p.log.logStartOffset };
  }

  /** Resolves when any of the partitions gets new data, or after timeoutMs. */
  waitForData(keys: string[], timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const waiter: Waiter = {
        keys,
        resolve: () => {
          clearTimeout(waiter.timer);
          this.waiters.delete(waiter);
          resolve();
        },
        timer: setTimeout(() => waiter.resolve(), timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  private notify(key: string): void {
    if (this.waiters.size === 0) return;
    for (const w of [...this.waiters]) if (w.keys.includes(key)) w.resolve();
  }

  shutdown(): void {
    for (const w of [...this.waiters]) w.resolve();
  }
}
