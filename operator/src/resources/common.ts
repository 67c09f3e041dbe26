// Shared pieces of the resource builders: the cluster model every builder starts from, object names,
// labels, the owner reference, and small pure helpers (Java properties rendering, hashing).
// Everything here is deterministic so that two reconciles of the same spec produce byte-identical objects
// (server-side apply then reports no change and the config hash stays stable).
import { createHash } from 'node:crypto';
import type { V1ObjectMeta, V1OwnerReference } from '@kubernetes/client-node';
import { API_VERSION, CLUSTER_LABEL, KAFKA_CLUSTER_KIND, type KafkaCluster } from '../api/types.js';
import { withDefaults, type DefaultedKafkaClusterSpec, type DefaultsOptions } from '../api/defaults.js';

export const MANAGED_BY = 'gregor-operator';
export const APP_NAME = 'gregor';

export type Component = 'zookeeper' | 'broker' | 'ui';

/** Pod template annotation holding sha256(image + rendered config); a change means the pod must be restarted. */
export const CONFIG_HASH_ANNOTATION = 'kafka.gregor.dev/config-hash';

/** What the builders need from a KafkaCluster, with defaults applied once. */
export interface ClusterModel {
  name: string;
  namespace: string;
  uid: string;
  spec: DefaultedKafkaClusterSpec;
  ownerReference: V1OwnerReference;
  /**
   * replicas of the broker StatefulSet. Normally spec.brokers.replicas; during a scale-down it stays at the
   * old size until the leaving brokers hold no replica (the scaler decides; see reconcile/scaler.ts).
   */
  brokerStatefulSetReplicas: number;
}

/** Per-reconcile decisions that override what the spec alone would render. */
export interface RenderOverrides {
  brokerStatefulSetReplicas?: number;
}

/**
 * Builds the model. withDefaults is idempotent, so callers may pass a cluster whose spec is already defaulted.
 * A cluster read from the apiserver always has namespace and uid; their absence is a programming error
 * (the owner reference would be invalid and the objects would never be garbage collected), hence the throw.
 */
export function clusterModel(cluster: KafkaCluster, options: DefaultsOptions = {}, overrides: RenderOverrides = {}): ClusterModel {
  const { name, namespace, uid } = cluster.metadata;
  if (!name) throw new Error('KafkaCluster has no metadata.name');
  if (!namespace) throw new Error(`KafkaCluster ${name} has no metadata.namespace`);
  if (!uid) throw new Error(`KafkaCluster ${namespace}/${name} has no metadata.uid`);
  const running = overrides.brokerStatefulSetReplicas;
  const spec = withDefaults(cluster.spec, running === undefined ? options : { ...options, runningBrokers: running });
  return {
    name,
    namespace,
    uid,
    spec,
    brokerStatefulSetReplicas: overrides.brokerStatefulSetReplicas ?? spec.brokers.replicas,
    ownerReference: {
      apiVersion: API_VERSION,
      kind: KAFKA_CLUSTER_KIND,
      name,
      uid,
      controller: true,
      blockOwnerDeletion: true,
    },
  };
}

/** Names of every object derived from a cluster, in one place so builders, reconcilers and tests agree. */
export function resourceNames(cluster: string) {
  return {
    zookeeperStatefulSet: `${cluster}-zookeeper`,
    zookeeperHeadlessService: `${cluster}-zookeeper-headless`,
    zookeeperClientService: `${cluster}-zookeeper`,
    zookeeperConfigMap: `${cluster}-zookeeper-config`,
    zookeeperPodDisruptionBudget: `${cluster}-zookeeper`,
    brokerStatefulSet: `${cluster}-broker`,
    brokerHeadlessService: `${cluster}-broker-headless`,
    bootstrapService: `${cluster}-bootstrap`,
    brokerConfigMap: `${cluster}-broker-config`,
    brokerPodDisruptionBudget: `${cluster}-broker`,
    brokerServiceAccount: `${cluster}-broker`,
    uiDeployment: `${cluster}-ui`,
    uiService: `${cluster}-ui`,
  } as const;
}

export type ResourceNames = ReturnType<typeof resourceNames>;

/** Labels that select a component's pods. Kept minimal because StatefulSet/Deployment selectors are immutable. */
export function selectorLabels(cluster: string, component: Component): Record<string, string> {
  return {
    'app.kubernetes.io/name': APP_NAME,
    'app.kubernetes.io/instance': cluster,
    'app.kubernetes.io/component': component,
  };
}

/** Full label set on every object (and pod) the operator creates. */
export function labelsFor(cluster: string, component: Component): Record<string, string> {
  return {
    ...selectorLabels(cluster, component),
    'app.kubernetes.io/managed-by': MANAGED_BY,
    'app.kubernetes.io/part-of': APP_NAME,
    [CLUSTER_LABEL]: cluster,
  };
}

/** Metadata of a namespaced object owned by the cluster. */
export function objectMeta(model: ClusterModel, name: string, component: Component, annotations?: Record<string, string>): V1ObjectMeta {
  return {
    name,
    namespace: model.namespace,
    labels: labelsFor(model.name, component),
    ...(annotations ? { annotations } : {}),
    ownerReferences: [{ ...model.ownerReference }],
  };
}

/** In-cluster DNS name of a Service. `.svc` without the cluster domain, which is not always cluster.local. */
export function serviceHost(service: string, namespace: string): string {
  return `${service}.${namespace}.svc`;
}

/** sha256 hex of the parts, each length-prefixed so that ("ab","c") and ("a","bc") differ. */
export function sha256(...parts: string[]): string {
  const h = createHash('sha256');
  for (const p of parts) {
    h.update(`${Buffer.byteLength(p)}:`);
    h.update(p);
  }
  return h.digest('hex');
}

function escapeProperties(s: string, isKey: boolean): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    const code = s.charCodeAt(i);
    switch (c) {
      case '\\':
        out += '\\\\';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '\f':
        out += '\\f';
        continue;
    }
    // A key ends at the first unescaped separator; a value loses its leading whitespace and a line starting
    // with # or ! is a comment, so those characters are escaped where the parser would misread them.
    if ((isKey && (c === '=' || c === ':' || c === ' ' || c === '#' || c === '!')) || (!isKey && i === 0 && c === ' ')) {
      out += `\\${c}`;
    } else if (code < 0x20 || code > 0x7e) {
      // \uXXXX keeps the file ASCII, so Java's ISO-8859-1 reader and the broker's UTF-8 reader agree.
      out += `\\u${code.toString(16).padStart(4, '0')}`;
    } else {
      out += c;
    }
  }
  return out;
}

/** Renders a Java properties file with keys sorted, so the text (and its hash) ignores object key order. */
export function renderProperties(props: Record<string, string>, header: string[] = []): string {
  const lines = header.map((h) => `# ${h}`);
  for (const key of Object.keys(props).sort()) {
    lines.push(`${escapeProperties(key, true)}=${escapeProperties(props[key]!, false)}`);
  }
  return `${lines.join('\n')}\n`;
}
