// Desired ZooKeeper objects: a quorum of the official `zookeeper` image with stable server ids taken from
// StatefulSet ordinals. The ensemble size is fixed per cluster (the CRD makes it immutable), so the server
// list never changes under a running quorum.
import type {
  V1ConfigMap,
  V1EnvVar,
  V1PodDisruptionBudget,
  V1ResourceRequirements,
  V1Service,
  V1StatefulSet,
} from '@kubernetes/client-node';
import { parseQuantity } from '../api/quantity.js';
import {
  CONFIG_HASH_ANNOTATION,
  labelsFor,
  objectMeta,
  resourceNames,
  selectorLabels,
  serviceHost,
  sha256,
  type ClusterModel,
} from './common.js';

export const ZOOKEEPER_CLIENT_PORT = 2181;
export const ZOOKEEPER_FOLLOWER_PORT = 2888;
export const ZOOKEEPER_ELECTION_PORT = 3888;
/** The official image's ZOO_DATA_DIR; the PVC is mounted here so snapshots and transaction logs persist. */
export const ZOOKEEPER_DATA_DIR = '/data';
/** The official image's ZOO_CONF_DIR (also ZOOCFGDIR for zkServer.sh). */
export const ZOOKEEPER_CONF_DIR = '/conf';
/** Four-letter words the probes (srvr, ruok) and monitoring (mntr) use; everything else stays disabled. */
export const ZOOKEEPER_4LW_WHITELIST = 'srvr,ruok,mntr';
/** uid/gid of the `zookeeper` user in the official image. */
const ZOOKEEPER_UID = 1000;

/** ZooKeeper server id of the pod with a given StatefulSet ordinal. Ids start at 1, as the image's default. */
export function zookeeperServerId(ordinal: number): number {
  return ordinal + 1;
}

/** Stable DNS name of ZooKeeper pod `ordinal` through the headless service. */
export function zookeeperPodHost(model: ClusterModel, ordinal: number): string {
  const n = resourceNames(model.name);
  return `${n.zookeeperStatefulSet}-${ordinal}.${serviceHost(n.zookeeperHeadlessService, model.namespace)}`;
}

/** `server.N=host:2888:3888;2181` lines, one per ordinal, in the format the official image's ZOO_SERVERS uses. */
export function zookeeperServers(model: ClusterModel): string[] {
  const out: string[] = [];
  for (let i = 0; i < model.spec.zookeeper.replicas; i++) {
    out.push(
      `server.${zookeeperServerId(i)}=${zookeeperPodHost(model, i)}:${ZOOKEEPER_FOLLOWER_PORT}:${ZOOKEEPER_ELECTION_PORT};${ZOOKEEPER_CLIENT_PORT}`,
    );
  }
  return out;
}

/** zoo.cfg of the ensemble; identical for every member (each member's id lives in its own dataDir/myid). */
export function renderZooCfg(model: ClusterModel): string {
  const lines = [
    `# Rendered by gregor-operator for KafkaCluster ${model.namespace}/${model.name}; edits are overwritten.`,
    'tickTime=2000',
    'initLimit=10',
    'syncLimit=5',
    `dataDir=${ZOOKEEPER_DATA_DIR}`,
    `clientPort=${ZOOKEEPER_CLIENT_PORT}`,
    'maxClientCnxns=60',
    // Without purging, snapshots and transaction logs fill the volume over weeks.
    'autopurge.snapRetainCount=3',
    'autopurge.purgeInterval=1',
    `4lw.commands.whitelist=${ZOOKEEPER_4LW_WHITELIST}`,
    // The embedded Jetty admin server is unused and would need yet another port.
    'admin.enableServer=false',
    // Bind the quorum ports on all interfaces: a pod's own DNS name may not resolve to its IP at startup.
    'quorumListenOnAllIPs=true',
    // Dynamic reconfiguration would rewrite zoo.cfg, which is a read-only ConfigMap mount here.
    'reconfigEnabled=false',
    ...zookeeperServers(model),
  ];
  return `${lines.join('\n')}\n`;
}

/** Hash of everything that requires a ZooKeeper restart when it changes. */
export function zookeeperConfigHash(model: ClusterModel): string {
  return sha256(model.spec.zookeeper.image, renderZooCfg(model));
}

/**
 * Heap for the ZooKeeper JVM (ZK_SERVER_HEAP, MiB) from the memory limit (else request): half of it, leaving
 * the rest for metaspace, threads and the page cache. zkEnv.sh's default of 1000 MiB would be OOM-killed
 * under a smaller limit. Undefined when no memory is given (keep zkEnv.sh's default).
 */
export function zookeeperHeapMiB(resources: V1ResourceRequirements | undefined): number | undefined {
  const memory = resources?.limits?.['memory'] ?? resources?.requests?.['memory'];
  const bytes = memory === undefined ? undefined : parseQuantity(memory);
  if (bytes === undefined || bytes <= 0) return undefined;
  return Math.max(64, Math.floor(bytes / 2 / 2 ** 20));
}

export function zookeeperConfigMap(model: ClusterModel): V1ConfigMap {
  const n = resourceNames(model.name);
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: objectMeta(model, n.zookeeperConfigMap, 'zookeeper'),
    data: { 'zoo.cfg': renderZooCfg(model) },
  };
}

/** Headless service giving each member a stable DNS name; not-ready addresses are published because a member
 * is only ready once it is in a quorum, which it cannot join if the others cannot resolve it. */
export function zookeeperHeadlessService(model: ClusterModel): V1Service {
  const n = resourceNames(model.name);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: objectMeta(model, n.zookeeperHeadlessService, 'zookeeper'),
    spec: {
      clusterIP: 'None',
      publishNotReadyAddresses: true,
      selector: selectorLabels(model.name, 'zookeeper'),
      ports: [
        { name: 'client', port: ZOOKEEPER_CLIENT_PORT, targetPort: 'client', protocol: 'TCP' },
        { name: 'follower', port: ZOOKEEPER_FOLLOWER_PORT, targetPort: 'follower', protocol: 'TCP' },
        { name: 'election', port: ZOOKEEPER_ELECTION_PORT, targetPort: 'election', protocol: 'TCP' },
      ],
    },
  };
}

/** Client service the brokers connect to (zookeeper.connect); only ready members, i.e. those serving. */
export function zookeeperClientService(model: ClusterModel): V1Service {
  const n = resourceNames(model.name);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: objectMeta(model, n.zookeeperClientService, 'zookeeper'),
    spec: {
      type: 'ClusterIP',
      selector: selectorLabels(model.name, 'zookeeper'),
      ports: [{ name: 'client', port: ZOOKEEPER_CLIENT_PORT, targetPort: 'client', protocol: 'TCP' }],
    },
  };
}

/** One member down at a time: with 3 or 5 members that always keeps a quorum through node drains. */
export function zookeeperPodDisruptionBudget(model: ClusterModel): V1PodDisruptionBudget {
  const n = resourceNames(model.name);
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: objectMeta(model, n.zookeeperPodDisruptionBudget, 'zookeeper'),
    spec: { maxUnavailable: 1, selector: { matchLabels: selectorLabels(model.name, 'zookeeper') } },
  };
}

/** Shell run by the container: derives ZOO_MY_ID from the ordinal, then hands over to the image's entrypoint
 * (which writes dataDir/myid on first start and drops nothing else, since zoo.cfg is already mounted). */
export const ZOOKEEPER_START_SCRIPT =
  'set -e; ordinal="${POD_NAME##*-}"; export ZOO_MY_ID="$((ordinal + 1))"; exec /docker-entrypoint.sh zkServer.sh start-foreground';

/** `srvr` answers "Mode: leader|follower|standalone" only while the member serves, i.e. is in a quorum.
 * Bash's /dev/tcp avoids a JVM per probe (zkServer.sh status) and needs no nc in the image. */
export const ZOOKEEPER_READINESS_SCRIPT = `exec 3<>/dev/tcp/127.0.0.1/${ZOOKEEPER_CLIENT_PORT} && printf srvr >&3 && grep -q '^Mode: ' <&3`;
/** `ruok` answers imok whenever the process is up, in a quorum or not: liveness must not kill a member that is
 * merely waiting for its peers. */
export const ZOOKEEPER_LIVENESS_SCRIPT = `exec 3<>/dev/tcp/127.0.0.1/${ZOOKEEPER_CLIENT_PORT} && printf ruok >&3 && grep -q imok <&3`;

export function zookeeperStatefulSet(model: ClusterModel): V1StatefulSet {
  const n = resourceNames(model.name);
  const zk = model.spec.zookeeper;
  const heap = zookeeperHeapMiB(zk.resources);
  const env: V1EnvVar[] = [
    { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    // The mounted zoo.cfg takes precedence in the image's entrypoint; these keep the same ensemble if the
    // image generates its own config (e.g. a runner that does not mount ConfigMaps).
    { name: 'ZOO_SERVERS', value: zookeeperServers(model).join(' ') },
    { name: 'ZOO_4LW_COMMANDS_WHITELIST', value: ZOOKEEPER_4LW_WHITELIST },
    { name: 'ZOO_DATA_DIR', value: ZOOKEEPER_DATA_DIR },
    { name: 'ZOO_CONF_DIR', value: ZOOKEEPER_CONF_DIR },
    ...(heap !== undefined ? [{ name: 'ZK_SERVER_HEAP', value: String(heap) }] : []),
  ];
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: objectMeta(model, n.zookeeperStatefulSet, 'zookeeper'),
    spec: {
      serviceName: n.zookeeperHeadlessService,
      replicas: zk.replicas,
      // All members start together: a quorum cannot form if member 1 waits for member 0 to be ready.
      podManagementPolicy: 'Parallel',
      // The StatefulSet controller restarts one member at a time and waits for readiness (= back in the
      // quorum) before the next, which keeps the quorum through config and image changes.
      updateStrategy: { type: 'RollingUpdate' },
      selector: { matchLabels: selectorLabels(model.name, 'zookeeper') },
      template: {
        metadata: {
          labels: labelsFor(model.name, 'zookeeper'),
          annotations: { [CONFIG_HASH_ANNOTATION]: zookeeperConfigHash(model) },
        },
        spec: {
          terminationGracePeriodSeconds: 30,
          automountServiceAccountToken: false,
          securityContext: {
            runAsUser: ZOOKEEPER_UID,
            runAsGroup: ZOOKEEPER_UID,
            runAsNonRoot: true,
            fsGroup: ZOOKEEPER_UID,
            fsGroupChangePolicy: 'OnRootMismatch',
            seccompProfile: { type: 'RuntimeDefault' },
          },
          affinity: {
            // Spread members over nodes so one node failure costs at most one vote (preferred: small test
            // clusters may have a single node).
            podAntiAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [
                {
                  weight: 100,
                  podAffinityTerm: {
                    topologyKey: 'kubernetes.io/hostname',
                    labelSelector: { matchLabels: selectorLabels(model.name, 'zookeeper') },
                  },
                },
              ],
            },
          },
          containers: [
            {
              name: 'zookeeper',
              image: zk.image,
              imagePullPolicy: zk.imagePullPolicy,
              command: ['/bin/bash', '-c', ZOOKEEPER_START_SCRIPT],
              env,
              ports: [
                { name: 'client', containerPort: ZOOKEEPER_CLIENT_PORT, protocol: 'TCP' },
                { name: 'follower', containerPort: ZOOKEEPER_FOLLOWER_PORT, protocol: 'TCP' },
                { name: 'election', containerPort: ZOOKEEPER_ELECTION_PORT, protocol: 'TCP' },
              ],
              readinessProbe: {
                exec: { command: ['/bin/bash', '-c', ZOOKEEPER_READINESS_SCRIPT] },
                initialDelaySeconds: 5,
                periodSeconds: 5,
                timeoutSeconds: 5,
                failureThreshold: 3,
              },
              livenessProbe: {
                exec: { command: ['/bin/bash', '-c', ZOOKEEPER_LIVENESS_SCRIPT] },
                initialDelaySeconds: 30,
                periodSeconds: 10,
                timeoutSeconds: 5,
                failureThreshold: 6,
              },
              ...(zk.resources ? { resources: zk.resources } : {}),
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
              volumeMounts: [
                { name: 'data', mountPath: ZOOKEEPER_DATA_DIR },
                // subPath keeps the image's other files in /conf (logback.xml, ...) visible.
                { name: 'config', mountPath: `${ZOOKEEPER_CONF_DIR}/zoo.cfg`, subPath: 'zoo.cfg', readOnly: true },
              ],
            },
          ],
          volumes: [{ name: 'config', configMap: { name: n.zookeeperConfigMap } }],
        },
      },
      volumeClaimTemplates: [
        {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { name: 'data', labels: labelsFor(model.name, 'zookeeper') },
          spec: {
            accessModes: ['ReadWriteOnce'],
            resources: { requests: { storage: zk.storage.size } },
            ...(zk.storage.storageClassName ? { storageClassName: zk.storage.storageClassName } : {}),
          },
        },
      ],
    },
  };
}

/** ZooKeeper objects in apply order: config and services before the pods that need them. */
export function zookeeperObjects(model: ClusterModel) {
  return [
    zookeeperConfigMap(model),
    zookeeperHeadlessService(model),
    zookeeperClientService(model),
    zookeeperPodDisruptionBudget(model),
    zookeeperStatefulSet(model),
  ];
}

/** zookeeper.connect value for the brokers and for status. */
export function zookeeperConnectString(model: ClusterModel): string {
  return `${serviceHost(resourceNames(model.name).zookeeperClientService, model.namespace)}:${ZOOKEEPER_CLIENT_PORT}`;
}
