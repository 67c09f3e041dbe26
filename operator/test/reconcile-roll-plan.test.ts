// planRoll (operator/src/reconcile/roll-plan.ts): one test per rule, plus the pure helpers of the roller and
// the dynamic config plan.
import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { minIsrViolations, planRoll, underReplicated, type BrokerPodView, type PartitionView, type RollPlanInput } from '../src/reconcile/roll-plan.js';
import { brokerPodView, podCrashLooping, trustedUpdateRevision } from '../src/reconcile/roller.js';
import { planDynamicBrokerConfig } from '../src/reconcile/dynamic-config-sync.js';

const NEW = 'kafka-broker-7d9f';
const OLD = 'kafka-broker-5c4b';

function pod(brokerId: number, over: Partial<BrokerPodView> = {}): BrokerPodView {
  return { name: `kafka-broker-${brokerId}`, brokerId, revision: OLD, ready: true, terminating: false, crashLooping: false, ...over };
}

function part(topic: string, partition: number, replicas: number[], isr: number[] = replicas, minIsr = 1): PartitionView {
  return { topic, partition, replicas, isr, minIsr };
}

/** Three brokers 0..2, all outdated and ready, controller 1, every partition rf 3 min ISR 2 and in sync. */
function input(over: Partial<RollPlanInput> = {}): RollPlanInput {
  return {
    pods: [pod(0), pod(1), pod(2)],
    updateRevision: NEW,
    controllerId: 1,
    partitions: [part('t', 0, [0, 1, 2], [0, 1, 2], 2), part('t', 1, [1, 2, 0], [1, 2, 0], 2)],
    ...over,
  };
}

describe('planRoll', () => {
  it('idle when every pod runs the update revision, or there are no pods', () => {
    expect(planRoll(input({ pods: [pod(0, { revision: NEW }), pod(1, { revision: NEW }), pod(2, { revision: NEW })] }))).toEqual({ kind: 'idle' });
    expect(planRoll(input({ pods: [] }))).toEqual({ kind: 'idle' });
    // Idle needs no broker at all.
    expect(planRoll(input({ pods: [pod(0, { revision: NEW })], partitions: null, controllerId: null }))).toEqual({ kind: 'idle' });
  });

  it('waits while the update revision is unknown (StatefulSet not observed yet)', () => {
    const step = planRoll(input({ updateRevision: undefined }));
    expect(step).toMatchObject({ kind: 'wait', cause: 'revision' });
  });

  it('a pod without a revision label counts as pending', () => {
    const step = planRoll(input({ pods: [pod(0, { revision: NEW }), pod(1, { revision: NEW }), pod(2, { revision: undefined })] }));
    expect(step).toMatchObject({ kind: 'restart', brokerId: 2 });
  });

  describe('rule 1: a broken pending pod is restarted first, without any ISR check', () => {
    it('not ready', () => {
      const step = planRoll(
        input({
          pods: [pod(0), pod(1), pod(2, { ready: false })],
          // Restarting 2 would take t-0 below min ISR 2 in any ISR check: irrelevant, it serves nothing.
          partitions: [part('t', 0, [1, 2], [2], 2)],
        }),
      );
      expect(step).toMatchObject({ kind: 'restart', brokerId: 2, pod: 'kafka-broker-2' });
      expect((step as { reason: string }).reason).toMatch(/not ready/);
    });

    it('crash-looping (even while reported ready)', () => {
      const step = planRoll(input({ pods: [pod(0), pod(1, { crashLooping: true }), pod(2)] }));
      expect(step).toMatchObject({ kind: 'restart', brokerId: 1 });
      expect((step as { reason: string }).reason).toMatch(/crash-looping/);
    });

    it('even with the brokers unreachable and another pod down', () => {
      const step = planRoll(
        input({ pods: [pod(0, { revision: NEW, ready: false }), pod(1, { ready: false }), pod(2)], partitions: null, controllerId: null }),
      );
      expect(step).toMatchObject({ kind: 'restart', brokerId: 1 });
    });

    it('several broken pods: ascending id, the controller last; a terminating one is not deleted again', () => {
      const pods = [pod(0, { ready: false, terminating: true }), pod(1, { ready: false }), pod(2, { ready: false })];
      expect(planRoll(input({ pods, controllerId: 1 }))).toMatchObject({ kind: 'restart', brokerId: 2 });
      expect(planRoll(input({ pods, controllerId: 2 }))).toMatchObject({ kind: 'restart', brokerId: 1 });
    });

    it('a broken pod that already runs the update revision is not restarted by the roller', () => {
      const step = planRoll(input({ pods: [pod(0, { revision: NEW, ready: false, crashLooping: true }), pod(1), pod(2)] }));
      expect(step).toMatchObject({ kind: 'wait', cause: 'pods' });
    });
  });

  describe('rule 2: one broker down at a time', () => {
    it('waits while a pod is terminating (the one restarted last)', () => {
      const step = planRoll(input({ pods: [pod(0, { terminating: true }), pod(1), pod(2)] }));
      expect(step).toEqual({ kind: 'wait', cause: 'pods', retryAfterMs: 5000, reason: 'broker 0 (pod kafka-broker-0) is terminating' });
    });

    it('waits while an updated pod is not ready yet', () => {
      const step = planRoll(input({ pods: [pod(0, { revision: NEW, ready: false }), pod(1), pod(2)] }));
      expect(step).toMatchObject({ kind: 'wait', cause: 'pods', reason: 'broker 0 (pod kafka-broker-0) is not ready' });
    });

    it('waits while a pod is missing (deleted, not recreated yet)', () => {
      const step = planRoll(input({ pods: [pod(1), pod(2)], expectedPods: 3 }));
      expect(step).toMatchObject({ kind: 'wait', cause: 'pods' });
      expect((step as { reason: string }).reason).toMatch(/1 of 3 broker pods do not exist/);
    });

    it('waits while a ready pod is not registered with the cluster yet', () => {
      const step = planRoll(input({ pods: [pod(0, { revision: NEW }), pod(1), pod(2)], registeredBrokers: [1, 2] }));
      expect(step).toMatchObject({ kind: 'wait', cause: 'pods', reason: 'broker 0 (pod kafka-broker-0) is ready but not registered with the cluster yet' });
    });
  });

  it('rule 3 (6 in the brief): brokers unreachable → wait, unless a broken pod can be restarted', () => {
    const step = planRoll(input({ partitions: null, controllerId: null }));
    expect(step).toMatchObject({ kind: 'wait', cause: 'unreachable' });
  });

  it('rule 4: waits until no partition is under-replicated, naming it', () => {
    const step = planRoll(
      input({
        pods: [pod(0, { revision: NEW }), pod(1), pod(2)],
        partitions: [part('a', 0, [0, 1, 2], [0, 1, 2], 2), part('b', 3, [2, 0], [2], 1), part('c', 0, [0, 1], [1], 1)],
      }),
    );
    expect(step).toEqual({
      kind: 'wait',
      cause: 'under-replicated',
      retryAfterMs: 5000,
      reason: 'partition b-3 is under-replicated (replicas [2,0], isr [2]) (and 1 more)',
    });
    // ISR order does not matter, only membership.
    expect(underReplicated([part('x', 0, [0, 1, 2], [2, 0, 1])])).toEqual([]);
  });

  describe('rule 5: order and the min.insync.replicas check', () => {
    it('pending pods by ascending broker id', () => {
      expect(planRoll(input({ controllerId: 2 }))).toMatchObject({ kind: 'restart', brokerId: 0, pod: 'kafka-broker-0' });
      expect(planRoll(input({ pods: [pod(0, { revision: NEW }), pod(2), pod(1)], controllerId: null }))).toMatchObject({ kind: 'restart', brokerId: 1 });
    });

    it('the active controller last', () => {
      const pods = [pod(0), pod(1, { revision: NEW }), pod(2, { revision: NEW })];
      expect(planRoll(input({ pods, controllerId: 0 }))).toMatchObject({ kind: 'restart', brokerId: 0 });
      expect(planRoll(input({ pods: [pod(0), pod(1), pod(2, { revision: NEW })], controllerId: 0 }))).toMatchObject({ kind: 'restart', brokerId: 1 });
      const last = planRoll(input({ pods, controllerId: 0 }));
      expect((last as { reason: string }).reason).toMatch(/active controller, restarted last/);
    });

    it('refuses a restart that would take a partition below min ISR, naming partition, isr and min', () => {
      // rf 2, min ISR 2, in sync: restarting either replica leaves 1 < 2.
      const step = planRoll(
        input({ pods: [pod(0, { revision: NEW }), pod(1), pod(2, { revision: NEW })], partitions: [part('orders', 4, [1, 2], [1, 2], 2)] }),
      );
      expect(step).toMatchObject({ kind: 'wait', cause: 'min-isr', retryAfterMs: 5000 });
      expect((step as { reason: string }).reason).toBe(
        'restarting broker 1: partition orders-4 would fall below min.insync.replicas 2 (isr [1,2]); it has only 2 replicas, so waiting cannot help: raise its replication factor or lower min.insync.replicas',
      );
    });

    it('accepts the same restart with rf 3', () => {
      const step = planRoll(input({ pods: [pod(0, { revision: NEW }), pod(1), pod(2, { revision: NEW })], partitions: [part('orders', 4, [1, 2, 0], [1, 2, 0], 2)] }));
      expect(step).toMatchObject({ kind: 'restart', brokerId: 1 });
    });

    it('a blocked candidate does not stop the others; the skipped one is named', () => {
      const partitions = [part('p', 0, [0, 1], [0, 1], 2), part('q', 0, [1, 2, 0], [1, 2, 0], 2)];
      const step = planRoll(input({ controllerId: 2, partitions }));
      // 0 and 1 both host p-0 (rf 2, min 2): blocked; 2 (the controller) hosts only q-0: fine.
      expect(step).toMatchObject({ kind: 'restart', brokerId: 2 });
      expect((step as { reason: string }).reason).toMatch(/skipped: restarting broker 0: partition p-0 would fall below min.insync.replicas 2/);
      // Only the blocked ones pending → wait with the first candidate's reason.
      const blocked = planRoll(input({ pods: [pod(0), pod(1), pod(2, { revision: NEW })], controllerId: 2, partitions }));
      expect(blocked).toMatchObject({ kind: 'wait', cause: 'min-isr' });
      expect((blocked as { reason: string }).reason).toMatch(/^restarting broker 0: partition p-0 /);
    });

    it('counts only the ISR without the candidate (a candidate out of the ISR costs nothing, but rule 4 waits first)', () => {
      expect(minIsrViolations([part('t', 0, [0, 1, 2], [1, 2], 2)], 0)).toEqual([]);
      expect(minIsrViolations([part('t', 0, [0, 1, 2], [0, 1], 2)], 0).map((p) => p.partition)).toEqual([0]);
      expect(minIsrViolations([part('t', 0, [0, 1, 2], [0, 1, 2], 3)], 2)).toHaveLength(1);
      expect(minIsrViolations([part('t', 0, [1, 2], [1, 2], 1)], 0)).toEqual([]); // not a replica
    });

    it('a single-replica partition never blocks (no redundancy to protect; a 1-broker cluster must roll)', () => {
      expect(planRoll(input({ pods: [pod(0)], controllerId: 0, partitions: [part('solo', 0, [0], [0], 1), part('solo', 1, [0], [0], 2)] }))).toMatchObject({
        kind: 'restart',
        brokerId: 0,
      });
    });

    it('rf ≤ min ISR is reported as hopeless; rf > min ISR in sync passes', () => {
      const step = planRoll(input({ pods: [pod(0), pod(1, { revision: NEW }), pod(2, { revision: NEW })], partitions: [part('t', 0, [0, 1, 2], [0, 1, 2], 3)] }));
      expect(step).toMatchObject({ kind: 'wait', cause: 'min-isr' });
      expect((step as { reason: string }).reason).toMatch(/only 3 replicas, so waiting cannot help/);
      const ok = minIsrViolations([part('t', 0, [0, 1, 2, 3], [0, 1, 2, 3], 3)], 0);
      expect(ok).toEqual([]);
    });
  });
});

describe('roller helpers', () => {
  const base = (over: Partial<V1Pod> = {}): V1Pod => ({
    metadata: { name: 'kafka-broker-2', uid: 'u', labels: { 'apps.kubernetes.io/pod-index': '2', 'controller-revision-hash': OLD } },
    status: { conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [] },
    ...over,
  });

  it('brokerPodView reads id, revision, readiness and termination', () => {
    expect(brokerPodView(base(), 'kafka-broker')).toEqual({ name: 'kafka-broker-2', brokerId: 2, revision: OLD, ready: true, terminating: false, crashLooping: false });
    const noIndex = base({ metadata: { name: 'kafka-broker-5', deletionTimestamp: new Date() } });
    expect(brokerPodView(noIndex, 'kafka-broker')).toMatchObject({ brokerId: 5, revision: undefined, terminating: true });
    expect(brokerPodView(base({ metadata: { name: 'other' } }), 'kafka-broker')).toBeUndefined();
    expect(brokerPodView(base({ status: { conditions: [{ type: 'Ready', status: 'False' }] } }), 'kafka-broker')?.ready).toBe(false);
  });

  it('podCrashLooping: CrashLoopBackOff, or terminated with an error after restarts; not a past crash', () => {
    const cs = (state: object, restartCount: number, lastState: object = {}) =>
      base({ status: { containerStatuses: [{ name: 'broker', image: 'i', imageID: '', ready: false, restartCount, state, lastState }] } });
    expect(podCrashLooping(cs({ waiting: { reason: 'CrashLoopBackOff' } }, 4))).toBe(true);
    expect(podCrashLooping(cs({ terminated: { reason: 'Error', exitCode: 1 } }, 2))).toBe(true);
    expect(podCrashLooping(cs({ terminated: { reason: 'Error', exitCode: 1 } }, 0))).toBe(false);
    expect(podCrashLooping(cs({ running: {} }, 3, { terminated: { reason: 'Error', exitCode: 1 } }))).toBe(false);
    expect(podCrashLooping(cs({ waiting: { reason: 'ContainerCreating' } }, 0))).toBe(false);
  });

  it('trustedUpdateRevision only once the StatefulSet controller observed the latest generation', () => {
    expect(trustedUpdateRevision({ metadata: { generation: 3 }, status: { replicas: 3, observedGeneration: 3, updateRevision: NEW } })).toBe(NEW);
    expect(trustedUpdateRevision({ metadata: { generation: 4 }, status: { replicas: 3, observedGeneration: 3, updateRevision: OLD } })).toBeUndefined();
    expect(trustedUpdateRevision({ metadata: { generation: 1 } })).toBeUndefined();
  });
});

describe('planDynamicBrokerConfig', () => {
  it('sets what differs, deletes managed keys no longer desired, leaves unmanaged defaults alone', () => {
    const current = new Map<string, string | null>([
      ['log.retention.hours', '168'],
      ['min.insync.replicas', '2'],
      ['log.segment.bytes', '1048576'],
      ['some.unmanaged.key', 'x'],
    ]);
    const plan = planDynamicBrokerConfig({ 'log.retention.hours': '24', 'min.insync.replicas': '2', 'compression.type': 'zstd' }, current, new Map([['compression.type', 'producer']]));
    expect(plan.ops).toEqual([
      { name: 'compression.type', op: 'set', value: 'zstd' },
      { name: 'log.retention.hours', op: 'set', value: '24' },
      { name: 'log.segment.bytes', op: 'delete' },
    ]);
    expect(plan.changes).toEqual(['compression.type: producer → zstd', 'log.retention.hours: 168 → 24', 'log.segment.bytes: 1048576 → (cluster default removed)']);
    expect(planDynamicBrokerConfig({ 'min.insync.replicas': '2' }, new Map([['min.insync.replicas', '2']])).ops).toEqual([]);
  });
});
