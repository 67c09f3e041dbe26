// Desired broker objects. Everything that is the same for every broker lives in server.properties (one
// ConfigMap); what differs per pod (broker.id, advertised.listeners, broker.rack) is computed in the pod
// from its StatefulSet ordinal and name, so one pod template serves all brokers.
import { isDynamicBrokerConfig } from '../api/dynamic-config.js';
import type {
  V1ClusterRoleBinding,
  V1ConfigMap,
  V1Container,
  V1EnvVar,
  V1PodDisruptionBudget,
  V1Service,
  V1ServiceAccount,
  V1StatefulSet,
  V1Volume,
  V1VolumeMount,
} from '@kubernetes/client-node';
import { parseQuantity } from '../api/quantity.js';
import { OPERATOR_OWNED_BROKER_CONFIG_KEYS } from '../api/validate.js';
import {
  CONFIG_HASH_ANNOTATION,
  labelsFor,
  objectMeta,
  renderProperties,
  resourceNames,
  selectorLabels,
  serviceHost,
  sha256,
  type ClusterModel,
} from './common.js';
import { zookeeperConnectString } from './zookeeper.js';

export const LISTENER_NAME = 'PLAINTEXT';
/** The broker's gregor.metrics.port default; pinned by the operator because probes and scrape annotations use it. */
export const BROKER_METRICS_PORT = 9404;
/** The PVC is mounted here and the log dir is a subdirectory: a fresh filesystem's lost+found at the mount
 * root would otherwise sit among the partition directories. */
export const BROKER_DATA_MOUNT = '/var/lib/gregor';
export const BROKER_LOG_DIR = `${BROKER_DATA_MOUNT}/data`;
export const BROKER_CONFIG_DIR = '/etc/gregor';
/** Where the rack init container writes server.properties + broker.rack when spec.brokers.rack is set. */
export const BROKER_RACK_CONFIG_DIR = '/var/run/gregor';
export const BROKER_UID = 1000;
/** Long enough for controlled shutdown (leadership moved away, logs flushed) on a broker with many partitions. */
export const BROKER_TERMINATION_GRACE_SECONDS = 120;
/** Set by the StatefulSet controller on every pod (Kubernetes >= 1.28); read through the downward API. */
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';
/** ClusterRole (installed by the chart) allowing `get` on nodes, bound to the broker service account when racks
 * are used so the init container can read the node's topology label. */
export const BROKER_RACK_CLUSTER_ROLE = 'gregor-broker-rack';
/** Label on the cluster-scoped ClusterRoleBinding naming the KafkaCluster's namespace (no owner reference is
 * possible from a cluster-scoped object to a namespaced owner, so deletion goes by these labels). */
export const NAMESPACE_LABEL = 'kafka.gregor.dev/namespace';

/**
 * server.properties keys the operator sets itself. A value for one of them in spec.brokers.config is ignored
 * (see ignoredBrokerConfigKeys, for a Warning condition): listeners, storage paths and ZooKeeper address must
 * match the pods, services and volumes built here, and per-broker keys cannot be one shared value. The API's
 * list (rejected by the CRD) plus the metrics endpoint, which the probes and scrape annotations depend on.
 */
export const OWNED_BROKER_CONFIG_KEYS: readonly string[] = [
  ...OPERATOR_OWNED_BROKER_CONFIG_KEYS,
  ...['gregor.metrics.port', 'gregor.metrics.host'].filter((k) => !OPERATOR_OWNED_BROKER_CONFIG_KEYS.includes(k)),
];

/** Keys of spec.brokers.config that are ignored because the operator owns them, sorted. */
export function ignoredBrokerConfigKeys(model: ClusterModel): string[] {
  const owned = new Set(OWNED_BROKER_CONFIG_KEYS);
  // Only what the user wrote: defaults (withDefaults' size-dependent keys) are never owned keys anyway.
  return Object.keys(model.spec.brokers.config)
    .filter((k) => owned.has(k.trim()))
    .sort();
}

/** Keys and values of server.properties common to every broker: the user's config under the owned keys. */
export function brokerProperties(model: ClusterModel): Record<string, string> {
  const b = model.spec.brokers;
  const owned = new Set(OWNED_BROKER_CONFIG_KEYS);
  const props: Record<string, string> = {};
  for (const [k, v] of Object.entries(b.config)) {
    if (!owned.has(k.trim())) props[k] = v;
  }
  return {
    ...props,
    listeners: `${LISTENER_NAME}://:${b.listenerPort}`,
    'listener.security.protocol.map': `${LISTENER_NAME}:PLAINTEXT`,
    'inter.broker.listener.name': LISTENER_NAME,
    'log.dirs': BROKER_LOG_DIR,
    'zookeeper.connect': zookeeperConnectString(model),
    'gregor.metrics.port': String(BROKER_METRICS_PORT),
  };
}

export function renderServerProperties(model: ClusterModel): string {
  return renderProperties(brokerProperties(model), [
    `Rendered by gregor-operator for KafkaCluster ${model.namespace}/${model.name}; edits are overwritten.`,
    'broker.id and advertised.listeners are set per pod with --override (see the StatefulSet).',
  ]);
}

/**
 * Hash of what requires a broker restart: the image and server.properties without the keys Kafka can change
 * on a running cluster (those go through IncrementalAlterConfigs; see api/dynamic-config.ts).
 */
export function brokerConfigHash(model: ClusterModel): string {
  const props = brokerProperties(model);
  const staticProps: Record<string, string> = {};
  const dynamicKeys: string[] = [];
  for (const [k, v] of Object.entries(props)) {
    if (isDynamicBrokerConfig(k)) dynamicKeys.push(k);
    else staticProps[k] = v;
  }
  // The names of the dynamic keys do count: a removed key's old value lives on in the running brokers' startup
  // config (deleting the cluster default falls back to it), so adding or removing one rolls the brokers.
  return sha256(model.spec.brokers.image, renderProperties(staticProps), dynamicKeys.sort().join(','));
}

/** The dynamic keys of spec.brokers.config (with defaults applied), applied cluster-wide without restarts. */
export function dynamicBrokerConfig(model: ClusterModel): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(brokerProperties(model))) if (isDynamicBrokerConfig(k)) out[k] = v;
  return out;
}

/** Address brokers advertise, with $(POD_NAME) expanded by the kubelet from the container's env. */
export function advertisedListenerTemplate(model: ClusterModel): string {
  const n = resourceNames(model.name);
  return `${LISTENER_NAME}://$(POD_NAME).${serviceHost(n.brokerHeadlessService, model.namespace)}:${model.spec.brokers.listenerPort}`;
}

/** Stable DNS name of broker pod `ordinal`, as advertised. */
export function brokerPodHost(model: ClusterModel, ordinal: number): string {
  const n = resourceNames(model.name);
  return `${n.brokerStatefulSet}-${ordinal}.${serviceHost(n.brokerHeadlessService, model.namespace)}`;
}

/** Broker id of the pod with a given StatefulSet ordinal (the pod-index label's value). */
export function brokerIdOf(ordinal: number): number {
  return ordinal;
}

/**
 * Init container script for racks: reads the node's topology label through the API and writes
 * server.properties + broker.rack into an emptyDir. Runs with the broker image's node, so no extra image.
 * It fails (and the pod waits, with the reason in the init container's log) when the label is missing:
 * starting without a rack would silently defeat rack-aware placement.
 */
export const RACK_INIT_SCRIPT = `
const fs = require('node:fs');
const https = require('node:https');
const sa = '/var/run/secrets/kubernetes.io/serviceaccount';
const fail = (m) => { console.error('rack-init: ' + m); process.exit(1); };
const { NODE_NAME: node, RACK_TOPOLOGY_KEY: key, KUBERNETES_SERVICE_HOST: host, KUBERNETES_SERVICE_PORT: port, SOURCE_CONFIG: src, TARGET_CONFIG: dst } = process.env;
https.get({ host, port, path: '/api/v1/nodes/' + encodeURIComponent(node), ca: fs.readFileSync(sa + '/ca.crt'),
  headers: { Authorization: 'Bearer ' + fs.readFileSync(sa + '/token', 'utf8').trim() } }, (res) => {
  let body = '';
  res.setEncoding('utf8');
  res.on('data', (c) => { body += c; });
  res.on('end', () => {
    if (res.statusCode !== 200) fail('GET node ' + node + ': HTTP ' + res.statusCode + ' ' + body.slice(0, 300));
    const rack = ((JSON.parse(body).metadata || {}).labels || {})[key];
    if (!rack) fail('node ' + node + ' has no label ' + key);
    fs.writeFileSync(dst, fs.readFileSync(src, 'utf8') + 'broker.rack=' + rack + '\\n');
    console.log('rack-init: broker.rack=' + rack);
  });
}).on('error', (e) => fail(e.message));
`.trim();

export function brokerConfigMap(model: ClusterModel): V1ConfigMap {
  const n = resourceNames(model.name);
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: objectMeta(model, n.brokerConfigMap, 'broker'),
    data: { 'server.properties': renderServerProperties(model) },
  };
}

/**
 * Headless service for the per-pod DNS names in advertised.listeners. Not-ready addresses are published:
 * a starting broker must be reachable by the controller and by replica fetchers before it counts as ready.
 */
export function brokerHeadlessService(model: ClusterModel): V1Service {
  const n = resourceNames(model.name);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: objectMeta(model, n.brokerHeadlessService, 'broker'),
    spec: {
      clusterIP: 'None',
      publishNotReadyAddresses: true,
      selector: selectorLabels(model.name, 'broker'),
      ports: [
        { name: 'kafka', port: model.spec.brokers.listenerPort, targetPort: 'kafka', protocol: 'TCP' },
        { name: 'metrics', port: BROKER_METRICS_PORT, targetPort: 'metrics', protocol: 'TCP' },
      ],
    },
  };
}

/** Bootstrap service clients are given; only ready brokers answer the first Metadata request. */
export function bootstrapService(model: ClusterModel): V1Service {
  const n = resourceNames(model.name);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: objectMeta(model, n.bootstrapService, 'broker'),
    spec: {
      type: 'ClusterIP',
      selector: selectorLabels(model.name, 'broker'),
      ports: [{ name: 'kafka', port: model.spec.brokers.listenerPort, targetPort: 'kafka', protocol: 'TCP' }],
    },
  };
}

/** At most one broker voluntarily down (drains, upgrades), matching the roller's one-at-a-time rule. */
export function brokerPodDisruptionBudget(model: ClusterModel): V1PodDisruptionBudget {
  const n = resourceNames(model.name);
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: objectMeta(model, n.brokerPodDisruptionBudget, 'broker'),
    spec: { maxUnavailable: 1, selector: { matchLabels: selectorLabels(model.name, 'broker') } },
  };
}

/** A service account of the brokers' own, so a rack ClusterRoleBinding never widens the namespace default's rights. */
export function brokerServiceAccount(model: ClusterModel): V1ServiceAccount {
  const n = resourceNames(model.name);
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: objectMeta(model, n.brokerServiceAccount, 'broker'),
    automountServiceAccountToken: false,
  };
}

/** ':' cannot occur in namespace or cluster names, so no two clusters share a binding (with '-', ns "a-b" +
 * cluster "c" and ns "a" + cluster "b-c" would collide). */
export function brokerRackClusterRoleBindingName(model: ClusterModel): string {
  return `gregor:${model.namespace}:${model.name}:broker-rack`;
}

/**
 * Lets the broker service account read nodes (for broker.rack). Cluster-scoped, so it carries no owner
 * reference (Kubernetes rejects a namespaced owner for a cluster-scoped object); the reconciler deletes it by
 * the cluster and namespace labels when racks are turned off or the KafkaCluster is deleted.
 */
export function brokerRackClusterRoleBinding(model: ClusterModel): V1ClusterRoleBinding {
  const n = resourceNames(model.name);
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: {
      name: brokerRackClusterRoleBindingName(model),
      labels: { ...labelsFor(model.name, 'broker'), [NAMESPACE_LABEL]: model.namespace },
    },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: BROKER_RACK_CLUSTER_ROLE },
    subjects: [{ kind: 'ServiceAccount', name: n.brokerServiceAccount, namespace: model.namespace }],
  };
}

/**
 * NODE_OPTIONS heap cap from the memory limit (else request): half of it, because the broker's record data
 * lives in Buffers outside the V8 heap and the page cache needs the rest. Undefined without memory settings.
 */
export function brokerHeapMiB(model: ClusterModel): number | undefined {
  const r = model.spec.brokers.resources;
  const memory = r?.limits?.['memory'] ?? r?.requests?.['memory'];
  const bytes = memory === undefined ? undefined : parseQuantity(memory);
  if (bytes === undefined || bytes <= 0) return undefined;
  return Math.max(64, Math.floor(bytes / 2 / 2 ** 20));
}

/** Path of the server.properties the broker container is started with. */
export function brokerConfigPath(model: ClusterModel): string {
  return model.spec.brokers.rack ? `${BROKER_RACK_CONFIG_DIR}/server.properties` : `${BROKER_CONFIG_DIR}/server.properties`;
}

/**
 * Arguments of the broker container (the image's ENTRYPOINT is the broker, which then runs as PID 1 and gets
 * SIGTERM directly). $(BROKER_ID) and $(POD_NAME) are expanded by the kubelet from the container's env, so no
 * shell is involved; --override wins over the file, so these per-pod values cannot be shadowed.
 */
export function brokerArgs(model: ClusterModel): string[] {
  return [
    '--config',
    brokerConfigPath(model),
    '--override',
    'broker.id=$(BROKER_ID)',
    '--override',
    `advertised.listeners=${advertisedListenerTemplate(model)}`,
  ];
}

function rackInitContainer(model: ClusterModel, mounts: V1VolumeMount[]): V1Container {
  const b = model.spec.brokers;
  return {
    name: 'rack-init',
    image: b.image,
    imagePullPolicy: b.imagePullPolicy,
    command: ['node', '-e', RACK_INIT_SCRIPT],
    env: [
      { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
      { name: 'RACK_TOPOLOGY_KEY', value: b.rack!.topologyKey },
      { name: 'SOURCE_CONFIG', value: `${BROKER_CONFIG_DIR}/server.properties` },
      { name: 'TARGET_CONFIG', value: `${BROKER_RACK_CONFIG_DIR}/server.properties` },
    ],
    resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } },
    securityContext: containerSecurityContext(),
    volumeMounts: mounts,
  };
}

function containerSecurityContext() {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
  };
}

export function brokerStatefulSet(model: ClusterModel): V1StatefulSet {
  const n = resourceNames(model.name);
  const b = model.spec.brokers;
  const selector = selectorLabels(model.name, 'broker');
  const heap = brokerHeapMiB(model);
  const env: V1EnvVar[] = [
    // POD_NAME must precede any value that references $(POD_NAME).
    { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
    { name: 'BROKER_ID', valueFrom: { fieldRef: { fieldPath: `metadata.labels['${POD_INDEX_LABEL}']` } } },
    ...(heap !== undefined ? [{ name: 'NODE_OPTIONS', value: `--max-old-space-size=${heap}` }] : []),
  ];
  const volumes: V1Volume[] = [
    { name: 'config', configMap: { name: n.brokerConfigMap } },
    // readOnlyRootFilesystem: anything the runtime writes to /tmp goes to a scratch volume instead.
    { name: 'tmp', emptyDir: {} },
  ];
  const mounts: V1VolumeMount[] = [
    { name: 'data', mountPath: BROKER_DATA_MOUNT },
    { name: 'config', mountPath: BROKER_CONFIG_DIR, readOnly: true },
    { name: 'tmp', mountPath: '/tmp' },
  ];
  const initContainers: V1Container[] = [];
  if (b.rack) {
    volumes.push({ name: 'rack-config', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } });
    mounts.push({ name: 'rack-config', mountPath: BROKER_RACK_CONFIG_DIR });
    initContainers.push(
      rackInitContainer(model, [
        { name: 'config', mountPath: BROKER_CONFIG_DIR, readOnly: true },
        { name: 'rack-config', mountPath: BROKER_RACK_CONFIG_DIR },
      ]),
    );
  }
  const broker: V1Container = {
    name: 'broker',
    image: b.image,
    imagePullPolicy: b.imagePullPolicy,
    args: brokerArgs(model),
    env,
    ports: [
      { name: 'kafka', containerPort: b.listenerPort, protocol: 'TCP' },
      { name: 'metrics', containerPort: BROKER_METRICS_PORT, protocol: 'TCP' },
    ],
    // Log recovery after an unclean stop can take minutes; the startup probe holds liveness off until the
    // metrics endpoint is up (10 min budget) instead of killing a broker mid-recovery.
    startupProbe: {
      httpGet: { path: '/healthz', port: 'metrics' },
      periodSeconds: 10,
      timeoutSeconds: 5,
      failureThreshold: 60,
    },
    livenessProbe: {
      httpGet: { path: '/healthz', port: 'metrics' },
      periodSeconds: 10,
      timeoutSeconds: 5,
      failureThreshold: 6,
    },
    readinessProbe: {
      tcpSocket: { port: 'kafka' },
      initialDelaySeconds: 5,
      periodSeconds: 5,
      timeoutSeconds: 3,
      failureThreshold: 3,
    },
    ...(b.resources ? { resources: b.resources } : {}),
    securityContext: containerSecurityContext(),
    volumeMounts: mounts,
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: objectMeta(model, n.brokerStatefulSet, 'broker'),
    spec: {
      serviceName: n.brokerHeadlessService,
      replicas: model.brokerStatefulSetReplicas,
      // Brokers do not depend on each other to start; ordered startup would only slow scale-up and recovery.
      podManagementPolicy: 'Parallel',
      // The operator's roller decides when each broker restarts (min ISR checks, controller last).
      updateStrategy: { type: 'OnDelete' },
      selector: { matchLabels: selector },
      template: {
        metadata: {
          labels: labelsFor(model.name, 'broker'),
          annotations: {
            [CONFIG_HASH_ANNOTATION]: brokerConfigHash(model),
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': String(BROKER_METRICS_PORT),
            'prometheus.io/path': '/metrics',
          },
        },
        spec: {
          serviceAccountName: n.brokerServiceAccount,
          // Only the rack init container talks to the API.
          automountServiceAccountToken: b.rack !== undefined,
          terminationGracePeriodSeconds: BROKER_TERMINATION_GRACE_SECONDS,
          securityContext: {
            runAsUser: BROKER_UID,
            runAsGroup: BROKER_UID,
            runAsNonRoot: true,
            fsGroup: BROKER_UID,
            fsGroupChangePolicy: 'OnRootMismatch',
            seccompProfile: { type: 'RuntimeDefault' },
          },
          affinity: {
            podAntiAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [
                {
                  weight: 100,
                  podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: selector } },
                },
              ],
            },
          },
          // With racks, spread brokers evenly across them; ScheduleAnyway so an uneven zone count never blocks.
          ...(b.rack
            ? {
                topologySpreadConstraints: [
                  {
                    maxSkew: 1,
                    topologyKey: b.rack.topologyKey,
                    whenUnsatisfiable: 'ScheduleAnyway',
                    labelSelector: { matchLabels: selector },
                  },
                ],
              }
            : {}),
          ...(initContainers.length > 0 ? { initContainers } : {}),
          containers: [broker],
          volumes,
        },
      },
      volumeClaimTemplates: [
        {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { name: 'data', labels: labelsFor(model.name, 'broker') },
          spec: {
            accessModes: ['ReadWriteOnce'],
            resources: { requests: { storage: b.storage.size } },
            ...(b.storage.storageClassName ? { storageClassName: b.storage.storageClassName } : {}),
          },
        },
      ],
    },
  };
}

/** Broker objects in apply order: identity and config, services, budget, then the pods. */
export function brokerObjects(model: ClusterModel) {
  return [
    brokerServiceAccount(model),
    ...(model.spec.brokers.rack ? [brokerRackClusterRoleBinding(model)] : []),
    brokerConfigMap(model),
    brokerHeadlessService(model),
    bootstrapService(model),
    brokerPodDisruptionBudget(model),
    brokerStatefulSet(model),
  ];
}

export function bootstrapServersString(model: ClusterModel): string {
  return `${serviceHost(resourceNames(model.name).bootstrapService, model.namespace)}:${model.spec.brokers.listenerPort}`;
}
