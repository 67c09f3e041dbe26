// Pure: what the topic reconciler must do to bring a Kafka topic in line with its KafkaTopic, and what it
// cannot do. The KafkaTopic is the source of truth: config overrides not in the spec are removed, values that
// differ are set back; partitions only grow; the replication factor is never changed behind the user's back.
import type { KafkaTopicSpec } from '../api/types.js';

/** DescribeConfigs ConfigSource of a topic-level override. */
export const DYNAMIC_TOPIC_CONFIG = 1;

export interface ObservedTopic {
  partitions: number;
  /** Replica count per partition (normally all equal). */
  replicationFactors: number[];
  /** Topic-level overrides only (ConfigSource DYNAMIC_TOPIC_CONFIG): name → value. */
  overrides: Record<string, string | null>;
}

export type ConfigOp = { name: string; op: 'set'; value: string } | { name: string; op: 'delete' };

export interface TopicProblem {
  reason: string;
  message: string;
}

export interface TopicPlan {
  /** New total partition count, when partitions must be added. */
  increasePartitionsTo?: number;
  configOps: ConfigOp[];
  /** Human-readable description of each config difference ("retention.ms: 1000 → 86400000"). */
  configChanges: string[];
  /** Differences the operator will not resolve; reported as a Warning condition. */
  problems: TopicProblem[];
}

export function planTopic(spec: KafkaTopicSpec, observed: ObservedTopic): TopicPlan {
  const plan: TopicPlan = { configOps: [], configChanges: [], problems: [] };
  if (spec.partitions > observed.partitions) {
    plan.increasePartitionsTo = spec.partitions;
  } else if (spec.partitions < observed.partitions) {
    plan.problems.push({
      reason: 'PartitionsCannotDecrease',
      message: `spec.partitions is ${spec.partitions} but the topic has ${observed.partitions} partitions; Kafka cannot remove partitions (set spec.partitions to ${observed.partitions})`,
    });
  }
  const rfs = [...new Set(observed.replicationFactors)].sort((a, b) => a - b);
  if (rfs.length > 0 && (rfs.length > 1 || rfs[0] !== spec.replicationFactor)) {
    plan.problems.push({
      reason: 'ReplicationFactorMismatch',
      message: `spec.replicationFactor is ${spec.replicationFactor} but the topic has ${rfs.join('/')} replicas per partition; changing it needs a partition reassignment, which the operator does not do for topics`,
    });
  }
  const desired = spec.config ?? {};
  for (const name of Object.keys(desired).sort()) {
    const want = desired[name]!;
    const have = observed.overrides[name];
    if (have !== want) {
      plan.configOps.push({ name, op: 'set', value: want });
      plan.configChanges.push(`${name}: ${have === undefined || have === null ? '(default)' : have} → ${want}`);
    }
  }
  for (const name of Object.keys(observed.overrides).sort()) {
    if (!(name in desired)) {
      plan.configOps.push({ name, op: 'delete' });
      plan.configChanges.push(`${name}: ${observed.overrides[name] ?? '(null)'} → (default)`);
    }
  }
  return plan;
}
