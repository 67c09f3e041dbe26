// TypeScript shapes of the kafka.gregor.dev/v1alpha1 custom resources. These are the source of truth the
// CRD OpenAPI schemas (crd-schema.ts) are checked against in operator/test/api-crd-types.test.ts, so a
// field added here without a schema entry (or vice versa) fails the tests instead of being pruned silently
// by the apiserver.
import type { V1ObjectMeta, V1ResourceRequirements } from '@kubernetes/client-node';

export const GROUP = 'kafka.gregor.dev';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}` as const;

export const KAFKA_CLUSTER_KIND = 'KafkaCluster';
export const KAFKA_CLUSTER_PLURAL = 'kafkaclusters';
export const KAFKA_TOPIC_KIND = 'KafkaTopic';
export const KAFKA_TOPIC_PLURAL = 'kafkatopics';

/** Label on a KafkaTopic naming the KafkaCluster (same namespace) the topic belongs to. */
export const CLUSTER_LABEL = 'kafka.gregor.dev/cluster';

export type ImagePullPolicy = 'Always' | 'IfNotPresent' | 'Never';

export type ZookeeperReplicas = 1 | 3 | 5;

export interface StorageSpec {
  /** Kubernetes quantity, e.g. "10Gi". May only grow (CEL rule): shrinking a PVC is not possible. */
  size: string;
  storageClassName?: string;
}

export interface RackSpec {
  /** Node label whose value becomes broker.rack, e.g. topology.kubernetes.io/zone. */
  topologyKey: string;
}

export interface BrokersSpec {
  replicas: number;
  image?: string;
  imagePullPolicy?: ImagePullPolicy;
  resources?: V1ResourceRequirements;
  storage: StorageSpec;
  /** server.properties overrides; keys the operator owns (broker.id, listeners, ...) are rejected. */
  config?: Record<string, string>;
  /** Port of the PLAINTEXT listener, default 9092. */
  listenerPort?: number;
  rack?: RackSpec;
}

export interface ZookeeperSpec {
  /** Ensemble size; immutable because changing it needs a quorum reconfiguration the operator does not do. */
  replicas: ZookeeperReplicas;
  image?: string;
  imagePullPolicy?: ImagePullPolicy;
  resources?: V1ResourceRequirements;
  storage: StorageSpec;
}

export interface UiSpec {
  enabled: boolean;
  image?: string;
  imagePullPolicy?: ImagePullPolicy;
  resources?: V1ResourceRequirements;
}

export interface KafkaClusterSpec {
  brokers: BrokersSpec;
  zookeeper: ZookeeperSpec;
  ui?: UiSpec;
}

export type ConditionType = 'Ready' | 'Reconciling' | 'Warning';
export type ConditionStatus = 'True' | 'False' | 'Unknown';

/** Same shape as metav1.Condition so kubectl wait --for=condition=Ready works. */
export interface Condition {
  type: ConditionType;
  status: ConditionStatus;
  /** CamelCase machine-readable reason, e.g. ScaleDownBlocked. */
  reason: string;
  message: string;
  /** RFC 3339 timestamp. */
  lastTransitionTime: string;
  observedGeneration?: number;
}

export interface KafkaClusterStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  /** host:port list of the bootstrap service. */
  bootstrapServers?: string;
  zookeeperConnect?: string;
  readyBrokers?: number;
  /** Broker ids registered in ZooKeeper. */
  brokerIds?: number[];
  /** Broker ids the partitions were last balanced over; when the brokers change, partitions are reassigned. */
  balancedBrokerIds?: number[];
  reassignment?: ReassignmentStatus;
  roll?: RollStatus;
}

export interface ReassignmentStatus {
  inProgress: boolean;
  reason: 'ScaleUp' | 'ScaleDown';
  partitionsMoved: number;
  partitionsTotal: number;
  targetBrokerIds?: number[];
  /** RFC 3339. */
  startedAt?: string;
}

export interface RollStatus {
  /** Broker ids whose pods still run an outdated config hash. */
  pendingBrokers: number[];
  restartingBroker?: number;
  /** What the roll waits for (e.g. "partition t-0 would fall below min.insync.replicas 2"). */
  message?: string;
}

export interface KafkaCluster {
  apiVersion: typeof API_VERSION;
  kind: typeof KAFKA_CLUSTER_KIND;
  metadata: V1ObjectMeta;
  spec: KafkaClusterSpec;
  status?: KafkaClusterStatus;
}

export interface KafkaTopicSpec {
  /** Kafka topic name; defaults to metadata.name (which cannot hold every legal Kafka name, e.g. '_'). */
  topicName?: string;
  /** May only grow: Kafka cannot remove partitions. */
  partitions: number;
  /** Immutable in the CRD; changing it needs a reassignment the operator does not do for topics. */
  replicationFactor: number;
  config?: Record<string, string>;
}

export interface KafkaTopicStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  /** Kafka topic id (base64url UUID as printed by Kafka tools). */
  topicId?: string;
  /** What the cluster actually has, which may differ from spec while a change is pending or refused. */
  partitions?: number;
  replicationFactor?: number;
}

export interface KafkaTopic {
  apiVersion: typeof API_VERSION;
  kind: typeof KAFKA_TOPIC_KIND;
  metadata: V1ObjectMeta;
  spec: KafkaTopicSpec;
  status?: KafkaTopicStatus;
}

/** List shapes returned by the custom objects API. */
export interface KafkaClusterList {
  apiVersion: typeof API_VERSION;
  kind: 'KafkaClusterList';
  metadata: { resourceVersion?: string; continue?: string };
  items: KafkaCluster[];
}

export interface KafkaTopicList {
  apiVersion: typeof API_VERSION;
  kind: 'KafkaTopicList';
  metadata: { resourceVersion?: string; continue?: string };
  items: KafkaTopic[];
}
