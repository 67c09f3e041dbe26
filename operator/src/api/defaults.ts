// Defaulting of KafkaCluster specs. Kept out of the CRD schema (no `default:` there) on purpose: the
// apiserver would persist schema defaults into every object, so changing a default image in a new operator
// release would not reach existing clusters; defaulting here at reconcile time keeps spec what the user wrote.
import type {
  BrokersSpec,
  ImagePullPolicy,
  KafkaClusterSpec,
  KafkaTopicSpec,
  UiSpec,
  ZookeeperSpec,
} from './types.js';

/** Broker image used when spec.brokers.image is unset; the operator can override it (e.g. from its chart). */
export const DEFAULT_BROKER_IMAGE = 'ghcr.io/gregor-dev/gregor-broker:0.1.0';
/** The official image; 3.8 is the ZooKeeper line the broker's ZooKeeper mode is tested against. */
export const DEFAULT_ZOOKEEPER_IMAGE = 'zookeeper:3.8';
/** kafbat/kafka-ui is the maintained fork of provectus/kafka-ui (abandoned); pinned so upgrades are deliberate. */
export const DEFAULT_UI_IMAGE = 'ghcr.io/kafbat/kafka-ui:v1.5.0';
export const DEFAULT_LISTENER_PORT = 9092;
export const DEFAULT_IMAGE_PULL_POLICY: ImagePullPolicy = 'IfNotPresent';

export interface DefaultsOptions {
  /** Overrides DEFAULT_BROKER_IMAGE, so a release can ship the broker image that matches the operator. */
  brokerImage?: string;
  zookeeperImage?: string;
  uiImage?: string;
  /**
   * Brokers the cluster actually runs, when it differs from spec.brokers.replicas: a scale-down keeps the old
   * size until the leaving brokers are drained, and a blocked one keeps it for good. The size-dependent defaults
   * follow the running size, so asking for an impossible size changes no broker's configuration (and rolls none).
   */
  runningBrokers?: number;
}

export type DefaultedBrokersSpec = BrokersSpec &
  Required<Pick<BrokersSpec, 'image' | 'imagePullPolicy' | 'listenerPort' | 'config'>>;
export type DefaultedZookeeperSpec = ZookeeperSpec & Required<Pick<ZookeeperSpec, 'image' | 'imagePullPolicy'>>;
export type DefaultedUiSpec = UiSpec & Required<Pick<UiSpec, 'image' | 'imagePullPolicy'>>;

export interface DefaultedKafkaClusterSpec {
  brokers: DefaultedBrokersSpec;
  zookeeper: DefaultedZookeeperSpec;
  /** Always present after defaulting (enabled: false when absent) so builders need no optional chaining. */
  ui: DefaultedUiSpec;
}

/**
 * server.properties defaults that depend on the cluster size. Kafka's stock values (replication factor 3
 * for the internal topics, transaction log min ISR 2) make consumer groups and transactions fail on a 1- or
 * 2-broker cluster, so they are clamped to the broker count. The user's spec.brokers.config wins.
 */
export function sizeDependentConfig(replicas: number): Record<string, string> {
  const rf = Math.max(1, Math.min(3, replicas));
  return {
    'default.replication.factor': String(rf),
    'offsets.topic.replication.factor': String(rf),
    'transaction.state.log.replication.factor': String(rf),
    'transaction.state.log.min.isr': String(Math.max(1, Math.min(2, rf))),
  };
}

/** Pure: returns a new spec with every optional field the builders need filled in; the input is not modified. */
export function withDefaults(spec: KafkaClusterSpec, options: DefaultsOptions = {}): DefaultedKafkaClusterSpec {
  // A deep copy, so builders may hand parts of the result (resources, config) to API objects without
  // aliasing the informer's cached custom resource.
  const copy = structuredClone(spec);
  const b = copy.brokers;
  const z = copy.zookeeper;
  const u = copy.ui;
  return {
    brokers: {
      ...b,
      image: b.image ?? options.brokerImage ?? DEFAULT_BROKER_IMAGE,
      imagePullPolicy: b.imagePullPolicy ?? DEFAULT_IMAGE_PULL_POLICY,
      listenerPort: b.listenerPort ?? DEFAULT_LISTENER_PORT,
      config: { ...sizeDependentConfig(options.runningBrokers ?? b.replicas), ...(b.config ?? {}) },
    },
    zookeeper: {
      ...z,
      image: z.image ?? options.zookeeperImage ?? DEFAULT_ZOOKEEPER_IMAGE,
      imagePullPolicy: z.imagePullPolicy ?? DEFAULT_IMAGE_PULL_POLICY,
    },
    ui: {
      ...(u ?? {}),
      enabled: u?.enabled ?? false,
      image: u?.image ?? options.uiImage ?? DEFAULT_UI_IMAGE,
      imagePullPolicy: u?.imagePullPolicy ?? DEFAULT_IMAGE_PULL_POLICY,
    },
  };
}

/** The Kafka topic name of a KafkaTopic: spec.topicName, else metadata.name. */
export function topicNameOf(spec: KafkaTopicSpec, metadataName: string): string {
  return spec.topicName ?? metadataName;
}
