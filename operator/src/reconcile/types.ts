// Contracts between the controller runtime (manager.ts, main.ts) and the reconcilers. A reconciler is
// level-triggered: it gets a key ("namespace/name"), reads the world itself and converges it; the manager
// only decides when to call it.
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { AdminClient } from '@gregor/broker/client';
import type { DefaultsOptions } from '../api/defaults.js';
import type { KafkaCluster } from '../api/types.js';
import type { EventType } from '../kube/events.js';
import type { ResourceInformerOptions } from '../kube/informer.js';

export interface ReconcileResult {
  /** Reconcile this key again after this long even if nothing changes (polling what has no watch). */
  requeueAfterMs?: number;
}

export interface Reconciler {
  /** Throwing = failure: the manager logs it and requeues the key with exponential backoff. */
  reconcile(key: string): Promise<ReconcileResult | void>;
}

/** What a watch of one resource kind feeds into a controller's queue (namespace is filled in per watched namespace). */
export type WatchSpec = Omit<ResourceInformerOptions, 'namespace' | 'log'> & {
  /** Cluster-scoped resources (e.g. ClusterRoleBindings) are watched once, not per namespace. */
  clusterScoped?: boolean;
};

export interface ControllerSpec {
  /** Short name for logs and metrics, e.g. "kafkacluster". */
  name: string;
  reconciler: Reconciler;
  /** The primary resource first, then owned kinds (with ownerKind set). */
  watches: WatchSpec[];
  /** Concurrent reconciles (different keys only; the queue never runs one key twice at once). Default 1. */
  workers?: number;
}

/** Connection to a cluster's brokers through the operator's own admin client. */
export interface AdminClientFactory {
  /** A client for the cluster's bootstrap service; cached per cluster, rebuilt when the address changes. */
  forCluster(cluster: KafkaCluster): AdminClient;
  /** Closes every client (shutdown, or when a cluster is deleted: pass its key). */
  close(key?: string): Promise<void>;
}

export interface OperatorContext {
  kc: KubeConfig;
  log: Logger;
  defaults: DefaultsOptions;
  admin: AdminClientFactory;
  /** Records a Kubernetes Event about the object; never throws. */
  event(obj: KubernetesObject, type: EventType, reason: string, message: string): Promise<void>;
}
