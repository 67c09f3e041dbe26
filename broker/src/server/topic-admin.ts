import type { BrokerConfig } from '../config.js';
import { validateTopicConfigs } from '../config.js';
import type { MetadataStore, TopicRecord } from '../metadata/store.js';
import { ErrorCode, KafkaError } from '../protocol/errors.js';
import { RackAssignmentError, assignReplicasRackAware } from '../controller/replica-assignment.js';
import { newTopicId, validateTopicName } from './topic-names.js';

/**
 * Most partitions one CreateTopics or CreatePartitions request may add: Kafka's KRaft controller bounds one
 * operation at 10,000 records (MAX_PARTITIONS_PER_BATCH / MAX_RECORDS_PER_USER_OP) and answers
 * POLICY_VIOLATION beyond. Without a bound, a request for 2^30 partitions (even validateOnly) builds a replica
 * list per partition and stalls the broker for minutes.
 */
export const MAX_PARTITIONS_PER_REQUEST = 10_000;

export interface CreateTopicSpec {
  name: string;
  numPartitions: number; // -1 = num.partitions
  replicationFactor: number; // -1 = default.replication.factor
  assignment?: number[][]; // explicit replica assignment, index = partition
  configs: Record<string, string>;
  validateOnly?: boolean;
}

/** Creation, deletion and growth of topics with Kafka's validation; used by the admin APIs and auto-create. */
export class TopicAdmin {
  constructor(
    private readonly config: BrokerConfig,
    private readonly metadata: MetadataStore,
  ) {}

  private liveBrokerIds(): number[] {
    return this.metadata.brokers().map((b) => b.id);
  }

  /**
   * Kafka's AdminUtils.assignReplicasToBrokers over the registered brokers: rack-aware when they have a
   * broker.rack (every partition then spans min(rf, racks) racks), rack-unaware when none has, an error when
   * only some have.
   */
  private assign(numPartitions: number, rf: number, opts: { firstPartitionId?: number } = {}): number[][] {
    const brokers = this.metadata.brokers().map((b) => ({ id: b.id, rack: b.rack || null }));
    try {
      return assignReplicasRackAware(brokers, numPartitions, rf, opts);
    } catch (err) {
      if (err instanceof RackAssignmentError) throw new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, err.message);
      throw err;
    }
  }

  /** Validates and (unless validateOnly) creates; returns the record (a preview when validateOnly). */
  async createTopic(spec: CreateTopicSpec): Promise<TopicRecord> {
    validateTopicName(spec.name);
    if (this.metadata.topic(spec.name)) {
      throw new KafkaError(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${spec.name}' already exists.`);
    }
    const collides = this.metadata.topics().find((t) => t.name.replace(/\./g, '_') === spec.name.replace(/\./g, '_'));
    if (collides) {
      throw new KafkaError(
        ErrorCode.INVALID_TOPIC_EXCEPTION,
        `Topic '${spec.name}' collides with existing topic: ${collides.name}`,
      );
    }
    validateTopicConfigs(spec.configs);
    const assignment = this.resolveAssignment(spec);
    const record: TopicRecord = {
      name: spec.name,
      topicId: newTopicId(),
      internal: spec.name.startsWith('__'),
      configs: { ...spec.configs },
      partitions: assignment.map((replicas, partition) => ({
        partition,
        replicas,
        leader: replicas[0]!,
        leaderEpoch: 0,
        isr: [...replicas],
        partitionEpoch: 0,
      })),
    };
    if (spec.validateOnly) return record;
    return this.metadata.createTopic({ name: record.name, topicId: record.topicId, assignment, configs: record.configs });
  }

  private resolveAssignment(spec: CreateTopicSpec): number[][] {
    const brokers = this.liveBrokerIds();
    if (spec.assignment && spec.assignment.length > 0) {
      if (spec.numPartitions !== -1 || spec.replicationFactor !== -1) {
        throw new KafkaError(
          ErrorCode.INVALID_REQUEST,
          'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.',
        );
      }
      this.checkManualAssignment(spec.assignment, brokers);
      return spec.assignment;
    }
    const partitions = spec.numPartitions === -1 ? this.config.numPartitions : spec.numPartitions;
    const rf = spec.replicationFactor === -1 ? this.config.defaultReplicationFactor : spec.replicationFactor;
    if (partitions <= 0) throw new KafkaError(ErrorCode.INVALID_PARTITIONS, 'Number of partitions must be larger than 0.');
    if (rf <= 0) throw new KafkaError(ErrorCode.INVALID_REPLICATION_FACTOR, 'Replication factor must be larger than 0.');
    if (rf > brokers.length) {
      throw new KafkaError(
        ErrorCode.INVALID_REPLICATION_FACTOR,
        `Unable to replicate the partition ${rf} time(s): The target replication factor of ${rf} cannot be reached because only ${brokers.length} broker(s) are registered.`,
      );
    }
    return this.assign(partitions, rf);
  }

  private checkManualAssignment(assignment: number[][], brokers: number[]): void {
    const rf = assignment[0]!.length;
    for (const [p, replicas] of assignment.entries()) {
      if (replicas.length === 0) throw new KafkaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Partition ${p} has no replicas`);
      if (replicas.length !== rf) {
        throw new KafkaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'All partitions should have the same number of replicas');
      }
      if (new Set(replicas).size !== replicas.length) {
        throw new KafkaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Duplicate brokers not allowed in replica assignment: ${replicas.join(', ')} for partition id ${p}.`);
      }
      const unknown = replicas.filter((b) => !brokers.includes(b));
      if (unknown.length > 0) {
        throw new KafkaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Unknown broker(s) in replica assignment: ${unknown.join(', ')}.`);
      }
    }
  }

  /** Creates the topic if missing; used for __consumer_offsets and auto-creation. Racing creators are fine. */
  async ensureTopic(name: string, numPartitions: number, replicationFactor: number, configs: Record<string, string>): Promise<TopicRecord> {
    const existing = this.metadata.topic(name);
    if (existing) return existing;
    const rf = Math.max(1, Math.min(replicationFactor, this.liveBrokerIds().length));
    try {
      return await this.createTopic({ name, numPartitions, replicationFactor: rf, configs });
    } catch (err) {
      const now = this.metadata.topic(name);
      if (err instanceof KafkaError && err.code === ErrorCode.TOPIC_ALREADY_EXISTS && now) return now;
      throw err;
    }
  }

  async deleteTopic(name: string): Promise<void> {
    if (!this.config.deleteTopicEnable) throw new KafkaError(ErrorCode.TOPIC_DELETION_DISABLED, 'Topic deletion is disabled.');
    if (!this.metadata.topic(name)) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic ${name} does not exist`);
    await this.metadata.deleteTopic(name);
  }

  async createPartitions(name: string, count: number, assignment: number[][] | null, validateOnly: boolean): Promise<void> {
    const topic = this.metadata.topic(name);
    if (!topic) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${name}' does not exist.`);
    const current = topic.partitions.length;
    if (count < current) {
      throw new KafkaError(ErrorCode.INVALID_PARTITIONS, `Topic currently has ${current} partitions, which is higher than the requested ${count}.`);
    }
    if (count === current) throw new KafkaError(ErrorCode.INVALID_PARTITIONS, `Topic already has ${current} partitions.`);
    if (count - current > MAX_PARTITIONS_PER_REQUEST) {
      // Kafka 3.9 overflows its bounded record list here and answers UNKNOWN_SERVER_ERROR; the mapping its
      // controller gives that overflow elsewhere (EventHandlerExceptionInfo) is this one.
      throw new KafkaError(ErrorCode.POLICY_VIOLATION, 'Unable to perform excessively large batch operation.');
    }
    const rf = topic.partitions[0]?.replicas.length ?? 1;
    const brokers = this.liveBrokerIds();
    let added: number[][];
    if (assignment) {
      if (assignment.length !== count - current) {
        throw new KafkaError(
          ErrorCode.INVALID_REPLICA_ASSIGNMENT,
          `Increasing the number of partitions by ${count - current} but ${assignment.length} assignments provided.`,
        );
      }
      this.checkManualAssignment(assignment, brokers);
      if (assignment[0]!.length !== rf) {
        throw new KafkaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Inconsistent replication factor between partitions, partition 0 has ${rf} while partitions [${current}] have replication factors [${assignment[0]!.length}], respectively.`);
      }
      added = assignment;
    } else {
      if (rf > brokers.length) {
        throw new KafkaError(ErrorCode.INVALID_REPLICATION_FACTOR, `Replication factor ${rf} is larger than the ${brokers.length} available brokers.`);
      }
      added = this.assign(count - current, rf, { firstPartitionId: current });
    }
    if (validateOnly) return;
    await this.metadata.addPartitions(name, added);
  }
}
