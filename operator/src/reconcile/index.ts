// The operator's controllers: what each watches and which reconciler handles its keys.
import { API_VERSION, KAFKA_CLUSTER_KIND, KAFKA_CLUSTER_PLURAL, KAFKA_TOPIC_KIND, KAFKA_TOPIC_PLURAL } from '../api/types.js';
import { KafkaClusterReconciler } from './cluster-reconciler.js';
import { KafkaTopicReconciler, type TopicReconcilerOptions } from './topic-reconciler.js';
import type { ControllerSpec, OperatorContext } from './types.js';

export interface ControllerOptions {
  topic?: TopicReconcilerOptions;
}

/** Topic resync period from GREGOR_TOPIC_RESYNC_SECONDS (how soon an out-of-band change is reverted). */
export function controllerOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): ControllerOptions {
  const raw = env['GREGOR_TOPIC_RESYNC_SECONDS'];
  if (raw === undefined || raw === '') return {};
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 1) throw new Error(`GREGOR_TOPIC_RESYNC_SECONDS: expected a number of seconds >= 1, got "${raw}"`);
  return { topic: { resyncMs: seconds * 1000 } };
}

export function createControllers(ctx: OperatorContext, opts: ControllerOptions = controllerOptionsFromEnv()): ControllerSpec[] {
  const owned = (apiVersion: string, kind: string, plural: string) => ({ apiVersion, kind, plural, ownerKind: KAFKA_CLUSTER_KIND });
  return [
    {
      name: 'kafkacluster',
      reconciler: new KafkaClusterReconciler(ctx),
      watches: [
        { apiVersion: API_VERSION, kind: KAFKA_CLUSTER_KIND, plural: KAFKA_CLUSTER_PLURAL },
        owned('apps/v1', 'StatefulSet', 'statefulsets'),
        owned('v1', 'ConfigMap', 'configmaps'),
        owned('v1', 'Service', 'services'),
        owned('policy/v1', 'PodDisruptionBudget', 'poddisruptionbudgets'),
        owned('apps/v1', 'Deployment', 'deployments'),
      ],
      workers: 2,
    },
    {
      name: 'kafkatopic',
      reconciler: new KafkaTopicReconciler(ctx, opts.topic),
      watches: [{ apiVersion: API_VERSION, kind: KAFKA_TOPIC_KIND, plural: KAFKA_TOPIC_PLURAL }],
      workers: 2,
    },
  ];
}

export { KafkaClusterReconciler, KafkaTopicReconciler };
export { CLUSTER_FINALIZER } from './cluster-reconciler.js';
export { TOPIC_FINALIZER } from './topic-reconciler.js';
