// Entry point of the pure resource builders (like Strimzi's model classes): KafkaCluster in, the complete
// desired state out. No I/O: the reconciler server-side applies what these return, in the order returned.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { KafkaCluster } from '../api/types.js';
import type { DefaultsOptions } from '../api/defaults.js';
import { clusterModel, resourceNames, type RenderOverrides } from './common.js';
import { zookeeperConnectString, zookeeperObjects } from './zookeeper.js';
import { bootstrapServersString, brokerObjects, brokerRackClusterRoleBindingName } from './brokers.js';
import { uiObjects } from './ui.js';

export * from './common.js';
export * from './zookeeper.js';
export * from './brokers.js';
export * from './ui.js';

/**
 * Every object the cluster should have, in apply order: ZooKeeper first (brokers cannot start without it),
 * then the brokers, then the UI. Within each part: identity and config, services, PDB, workload.
 */
export function desiredObjects(cluster: KafkaCluster, options: DefaultsOptions = {}, overrides: RenderOverrides = {}): KubernetesObject[] {
  const model = clusterModel(cluster, options, overrides);
  return [...zookeeperObjects(model), ...brokerObjects(model), ...uiObjects(model)];
}

/** bootstrap.servers for clients inside the cluster (status.bootstrapServers). */
export function bootstrapServers(cluster: KafkaCluster, options: DefaultsOptions = {}): string {
  return bootstrapServersString(clusterModel(cluster, options));
}

/** The brokers' zookeeper.connect (status.zookeeperConnect). */
export function zookeeperConnect(cluster: KafkaCluster, options: DefaultsOptions = {}): string {
  return zookeeperConnectString(clusterModel(cluster, options));
}

/** Identifies an object to delete. namespace is absent for cluster-scoped kinds. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

/**
 * Optional objects the spec no longer wants (UI turned off, racks turned off). Apply alone never removes
 * them, so the reconciler deletes these (a 404 meaning already gone). Owner references cover the rest only on
 * deletion of the whole KafkaCluster; the rack ClusterRoleBinding, cluster-scoped and unowned, must also be
 * deleted by the reconciler's finalizer then.
 */
export function obsoleteObjects(cluster: KafkaCluster, options: DefaultsOptions = {}): ObjectRef[] {
  const model = clusterModel(cluster, options);
  const n = resourceNames(model.name);
  const out: ObjectRef[] = [];
  if (!model.spec.ui.enabled) {
    out.push(
      { apiVersion: 'apps/v1', kind: 'Deployment', name: n.uiDeployment, namespace: model.namespace },
      { apiVersion: 'v1', kind: 'Service', name: n.uiService, namespace: model.namespace },
    );
  }
  if (!model.spec.brokers.rack) {
    out.push({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      name: brokerRackClusterRoleBindingName(model),
    });
  }
  return out;
}
