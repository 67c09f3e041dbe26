// Pure: the KafkaCluster status from what the reconciler observed. Kept apart from the I/O so every
// combination (invalid spec, ZooKeeper not ready, brokers rolling, ready) is unit-tested.
import type { Condition, KafkaClusterStatus } from '../api/types.js';
import { removeCondition, setCondition } from './conditions.js';

export interface WorkloadObservation {
  /** Replicas the spec asks for. */
  desired: number;
  /** status.readyReplicas of the StatefulSet (0 when it does not exist yet). */
  ready: number;
  /** The StatefulSet controller has seen our latest StatefulSet spec (status.observedGeneration >= generation). */
  observed: boolean;
}

export interface ClusterObservation {
  generation: number | undefined;
  previous: KafkaClusterStatus | undefined;
  /** Spec errors (field + message); when present nothing was applied. */
  invalid: { field: string; message: string }[];
  /** Problems that do not stop reconciliation (ignored config keys, broker ids unknown, ...). */
  warnings: { reason: string; message: string }[];
  zookeeper?: WorkloadObservation;
  brokers?: WorkloadObservation;
  bootstrapServers?: string;
  zookeeperConnect?: string;
  /** Broker ids registered in ZooKeeper (from the brokers' Metadata), when they could be asked. */
  brokerIds?: number[];
  /** Something the reconciler is still doing (rolling, scaling), shown as Reconciling's message. */
  progress?: { reason: string; message: string };
}

function workloadReady(w: WorkloadObservation | undefined): boolean {
  return !!w && w.observed && w.ready >= w.desired;
}

export function clusterStatus(o: ClusterObservation, now: Date = new Date()): KafkaClusterStatus {
  let conditions: Condition[] = (o.previous?.conditions ?? []) as Condition[];
  const set = (type: Condition['type'], status: Condition['status'], reason: string, message: string) => {
    conditions = setCondition(conditions, { type, status, reason, message }, o.generation, now) as Condition[];
  };

  if (o.invalid.length > 0) {
    const message = o.invalid.map((e) => `${e.field}: ${e.message}`).join('; ');
    set('Ready', 'False', 'InvalidSpec', `the spec is invalid, nothing was changed: ${message}`);
    set('Reconciling', 'False', 'InvalidSpec', 'waiting for a valid spec');
    set('Warning', 'True', 'InvalidSpec', message);
    // Keep what we knew about the running cluster; only conditions and observedGeneration move.
    return { ...(o.previous ?? {}), observedGeneration: o.generation, conditions };
  }

  const zkReady = workloadReady(o.zookeeper);
  const brokersReady = workloadReady(o.brokers);
  const ready = zkReady && brokersReady && !o.progress;
  const counts = `${o.brokers?.ready ?? 0}/${o.brokers?.desired ?? 0} brokers, ${o.zookeeper?.ready ?? 0}/${o.zookeeper?.desired ?? 0} ZooKeeper nodes ready`;
  if (ready) {
    set('Ready', 'True', 'ClusterReady', counts);
    set('Reconciling', 'False', 'Reconciled', 'the cluster matches its spec');
  } else {
    const reason = o.progress ? o.progress.reason : !zkReady ? 'ZooKeeperNotReady' : 'BrokersNotReady';
    set('Ready', 'False', reason, counts);
    set('Reconciling', 'True', o.progress?.reason ?? 'Progressing', o.progress?.message ?? `waiting for pods: ${counts}`);
  }
  if (o.warnings.length > 0) {
    set('Warning', 'True', o.warnings[0]!.reason, o.warnings.map((w) => w.message).join('; '));
  } else {
    conditions = removeCondition(conditions, 'Warning') as Condition[];
  }

  const status: KafkaClusterStatus = {
    observedGeneration: o.generation,
    conditions,
    bootstrapServers: o.bootstrapServers,
    zookeeperConnect: o.zookeeperConnect,
    readyBrokers: o.brokers?.ready ?? 0,
  };
  const ids = o.brokerIds ?? o.previous?.brokerIds;
  if (ids) status.brokerIds = [...ids].sort((a, b) => a - b);
  return status;
}

/** Order-insensitive deep equality of JSON-like status values, to skip no-op status writes. */
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = canonical(x);
    }
    return out;
  }
  return v;
}
