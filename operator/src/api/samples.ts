// Typed fixtures that tie the TS types to the CRD schemas. They live in src (not in the test) so
// `tsc -p operator` checks them: `Full<T>` makes every optional field mandatory, so adding a field to
// types.ts fails compilation here until the full sample sets it, after which
// operator/test/api-crd-types.test.ts fails until crd-schema.ts describes it. REQUIRED_KEYS and ENUMS are
// checked to be exactly the required keys / union members of the TS types, and the test compares them with
// the schemas' `required` and `enum`. They double as documented examples.
import type { CoreV1ResourceClaim, V1ObjectMeta, V1ResourceRequirements } from '@kubernetes/client-node';
import type {
  BrokersSpec,
  Condition,
  ConditionStatus,
  ConditionType,
  ImagePullPolicy,
  KafkaCluster,
  KafkaClusterSpec,
  KafkaClusterStatus,
  KafkaTopic,
  KafkaTopicSpec,
  KafkaTopicStatus,
  RackSpec,
  ReassignmentStatus,
  RollStatus,
  StorageSpec,
  UiSpec,
  ZookeeperReplicas,
  ZookeeperSpec,
} from './types.js';
import { API_VERSION, CLUSTER_LABEL } from './types.js';

/** T with every optional property made required, recursively (metadata is Kubernetes', not ours). */
export type Full<T> = T extends readonly (infer U)[]
  ? Full<U>[]
  : T extends object
    ? { [K in keyof T]-?: K extends 'metadata' ? T[K] : Full<T[K]> }
    : T;

type RequiredKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? never : K }[keyof T];
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** Returns `keys`, which tsc checks are exactly the required (non-optional) keys of T. */
function requiredKeys<T>() {
  return <const K extends readonly (keyof T & string)[]>(
    keys: K,
    ..._exact: Same<K[number], RequiredKeys<T>> extends true ? [] : ['not exactly the required keys of the type']
  ): readonly string[] => keys;
}

/** Returns `values`, which tsc checks are exactly the members of the union T. */
function allOf<T extends string | number>() {
  return <const V extends readonly T[]>(
    values: V,
    ..._exact: Same<V[number], T> extends true ? [] : ['not exactly the members of the union']
  ): readonly (string | number)[] => values;
}

const metadata = (name: string, labels?: Record<string, string>): V1ObjectMeta => ({
  name,
  namespace: 'default',
  ...(labels ? { labels } : {}),
});

const fullResources: Full<KafkaClusterSpec['brokers']>['resources'] = {
  claims: [{ name: 'gpu', request: 'small' }],
  limits: { cpu: '2', memory: '4Gi' },
  requests: { cpu: '500m', memory: '2Gi' },
};

const fullConditions: Full<Condition>[] = [
  {
    type: 'Ready',
    status: 'True',
    reason: 'AllBrokersReady',
    message: '3/3 brokers ready',
    lastTransitionTime: '2026-01-01T00:00:00Z',
    observedGeneration: 2,
  },
];

/** Every field of KafkaCluster set. */
export const fullKafkaCluster: Full<KafkaCluster> = {
  apiVersion: API_VERSION,
  kind: 'KafkaCluster',
  metadata: metadata('events'),
  spec: {
    brokers: {
      replicas: 3,
      image: 'ghcr.io/gregor-dev/gregor-broker:0.1.0',
      imagePullPolicy: 'IfNotPresent',
      resources: fullResources,
      storage: { size: '20Gi', storageClassName: 'standard' },
      config: { 'num.partitions': '6', 'log.retention.hours': '72', 'min.insync.replicas': '2' },
      listenerPort: 9092,
      rack: { topologyKey: 'topology.kubernetes.io/zone' },
    },
    zookeeper: {
      replicas: 3,
      image: 'zookeeper:3.8',
      imagePullPolicy: 'IfNotPresent',
      resources: fullResources,
      storage: { size: '5Gi', storageClassName: 'standard' },
    },
    ui: { enabled: true, image: 'ghcr.io/kafbat/kafka-ui:v1.5.0', imagePullPolicy: 'Always', resources: fullResources },
  },
  status: {
    observedGeneration: 2,
    conditions: fullConditions,
    bootstrapServers: 'events-kafka-bootstrap.default.svc:9092',
    zookeeperConnect: 'events-zookeeper-client.default.svc:2181',
    readyBrokers: 3,
    brokerIds: [0, 1, 2],
    balancedBrokerIds: [0, 1, 2],
    reassignment: {
      inProgress: true,
      reason: 'ScaleUp',
      partitionsMoved: 4,
      partitionsTotal: 12,
      targetBrokerIds: [0, 1, 2, 3, 4],
      startedAt: '2026-11-26T10:00:00Z',
    },
    roll: { pendingBrokers: [1, 2], restartingBroker: 0, message: 'waiting for broker 0 to rejoin the ISR' },
  },
};

/** Only the required fields: a 1 broker + 1 ZooKeeper cluster. */
export const minimalKafkaCluster: KafkaCluster = {
  apiVersion: API_VERSION,
  kind: 'KafkaCluster',
  metadata: metadata('dev'),
  spec: {
    brokers: { replicas: 1, storage: { size: '1Gi' } },
    zookeeper: { replicas: 1, storage: { size: '1Gi' } },
  },
};

/** Every field of KafkaTopic set. */
export const fullKafkaTopic: Full<KafkaTopic> = {
  apiVersion: API_VERSION,
  kind: 'KafkaTopic',
  metadata: metadata('orders', { [CLUSTER_LABEL]: 'events' }),
  spec: {
    topicName: 'Orders_v2',
    partitions: 12,
    replicationFactor: 3,
    config: { 'retention.ms': '604800000', 'cleanup.policy': 'compact,delete', 'min.insync.replicas': '2' },
  },
  status: {
    observedGeneration: 1,
    conditions: fullConditions,
    topicId: 'Q4xoEGc3T3mHlq6mNCu8hQ',
    partitions: 12,
    replicationFactor: 3,
  },
};

export const minimalKafkaTopic: KafkaTopic = {
  apiVersion: API_VERSION,
  kind: 'KafkaTopic',
  metadata: metadata('orders', { [CLUSTER_LABEL]: 'dev' }),
  spec: { partitions: 1, replicationFactor: 1 },
};

/**
 * Required keys of every object with properties in the schemas, by path ("[]" = array items), including
 * objects without required keys, so the test can demand an entry for each object the schema describes.
 */
export const REQUIRED_KEYS: Readonly<Record<string, readonly string[]>> = {
  'KafkaCluster:': requiredKeys<Omit<KafkaCluster, 'apiVersion' | 'kind' | 'metadata'>>()(['spec']),
  'KafkaCluster:spec': requiredKeys<KafkaClusterSpec>()(['brokers', 'zookeeper']),
  'KafkaCluster:spec.brokers': requiredKeys<BrokersSpec>()(['replicas', 'storage']),
  'KafkaCluster:spec.brokers.storage': requiredKeys<StorageSpec>()(['size']),
  'KafkaCluster:spec.brokers.rack': requiredKeys<RackSpec>()(['topologyKey']),
  'KafkaCluster:spec.brokers.resources': requiredKeys<V1ResourceRequirements>()([]),
  'KafkaCluster:spec.brokers.resources.claims[]': requiredKeys<CoreV1ResourceClaim>()(['name']),
  'KafkaCluster:spec.zookeeper': requiredKeys<ZookeeperSpec>()(['replicas', 'storage']),
  'KafkaCluster:spec.zookeeper.storage': requiredKeys<StorageSpec>()(['size']),
  'KafkaCluster:spec.zookeeper.resources': requiredKeys<V1ResourceRequirements>()([]),
  'KafkaCluster:spec.zookeeper.resources.claims[]': requiredKeys<CoreV1ResourceClaim>()(['name']),
  'KafkaCluster:spec.ui': requiredKeys<UiSpec>()(['enabled']),
  'KafkaCluster:spec.ui.resources': requiredKeys<V1ResourceRequirements>()([]),
  'KafkaCluster:spec.ui.resources.claims[]': requiredKeys<CoreV1ResourceClaim>()(['name']),
  'KafkaCluster:status': requiredKeys<KafkaClusterStatus>()([]),
  'KafkaCluster:status.conditions[]': requiredKeys<Condition>()(['type', 'status', 'reason', 'message', 'lastTransitionTime']),
  'KafkaCluster:status.reassignment': requiredKeys<ReassignmentStatus>()(['inProgress', 'reason', 'partitionsMoved', 'partitionsTotal']),
  'KafkaCluster:status.roll': requiredKeys<RollStatus>()(['pendingBrokers']),
  'KafkaTopic:': requiredKeys<Omit<KafkaTopic, 'apiVersion' | 'kind' | 'metadata'>>()(['spec']),
  'KafkaTopic:spec': requiredKeys<KafkaTopicSpec>()(['partitions', 'replicationFactor']),
  'KafkaTopic:status': requiredKeys<KafkaTopicStatus>()([]),
  'KafkaTopic:status.conditions[]': requiredKeys<Condition>()(['type', 'status', 'reason', 'message', 'lastTransitionTime']),
};

/** Members of each TS union that the schemas express as an enum, by path. */
export const ENUMS: Readonly<Record<string, readonly (string | number)[]>> = {
  'KafkaCluster:spec.brokers.imagePullPolicy': allOf<ImagePullPolicy>()(['Always', 'IfNotPresent', 'Never']),
  'KafkaCluster:spec.zookeeper.replicas': allOf<ZookeeperReplicas>()([1, 3, 5]),
  'KafkaCluster:spec.zookeeper.imagePullPolicy': allOf<ImagePullPolicy>()(['Always', 'IfNotPresent', 'Never']),
  'KafkaCluster:spec.ui.imagePullPolicy': allOf<ImagePullPolicy>()(['Always', 'IfNotPresent', 'Never']),
  'KafkaCluster:status.reassignment.reason': allOf<ReassignmentStatus['reason']>()(['ScaleUp', 'ScaleDown']),
  'KafkaCluster:status.conditions[].type': allOf<ConditionType>()(['Ready', 'Reconciling', 'Warning']),
  'KafkaCluster:status.conditions[].status': allOf<ConditionStatus>()(['True', 'False', 'Unknown']),
  'KafkaTopic:status.conditions[].type': allOf<ConditionType>()(['Ready', 'Reconciling', 'Warning']),
  'KafkaTopic:status.conditions[].status': allOf<ConditionStatus>()(['True', 'False', 'Unknown']),
};
