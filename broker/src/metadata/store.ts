/** Cluster metadata as the broker sees it, independent of where it is kept (embedded file or ZooKeeper). */

export interface BrokerEndpoint {
  name: string; // listener name, e.g. PLAINTEXT
  host: string;
  port: number;
  securityProtocol: string;
}

export interface BrokerInfo {
  id: number;
  rack: string | null;
  endpoints: BrokerEndpoint[];
}

export interface PartitionState {
  partition: number;
  replicas: number[];
  leader: number; // -1 when offline
  leaderEpoch: number;
  isr: number[];
  partitionEpoch: number;
}

export interface TopicRecord {
  name: string;
  topicId: string; // Kafka's 22-char base64url UUID text
  partitions: PartitionState[];
  /** Topic-level config overrides only (what `kafka-configs --describe` lists as dynamic). */
  configs: Record<string, string>;
  internal: boolean;
}

export type MetadataEvent =
  | { type: 'topicCreated'; topic: string }
  | { type: 'topicDeleted'; topic: string; topicId: string }
  | { type: 'partitionsAdded'; topic: string }
  | { type: 'topicConfigChanged'; topic: string }
  | { type: 'brokerConfigChanged' };

export interface MetadataStore {
  start(): Promise<void>;
  close(): Promise<void>;
  clusterId(): string;
  controllerId(): number;
  brokers(): BrokerInfo[];
  topics(): TopicRecord[];
  topic(name: string): TopicRecord | undefined;
  topicById(topicId: string): TopicRecord | undefined;
  /** Throws KafkaError(TOPIC_ALREADY_EXISTS) if the name is taken. */
  createTopic(spec: { name: string; topicId: string; assignment: number[][]; configs: Record<string, string> }): Promise<TopicRecord>;
  deleteTopic(name: string): Promise<void>;
  addPartitions(name: string, newAssignment: number[][]): Promise<void>;
  /** Replaces the topic's override set (callers merge for incremental alters). */
  setTopicConfigs(name: string, configs: Record<string, string>): Promise<void>;
  /** Dynamic broker config overrides (cluster-wide default when brokerId is null). */
  brokerConfigs(brokerId: number | null): Record<string, string>;
  setBrokerConfigs(brokerId: number | null, configs: Record<string, string>): Promise<void>;
  /** Reserves `count` producer ids cluster-wide and returns the first (Kafka's /latest_producer_id_block). */
  allocateProducerIds(count: number): Promise<number>;
  on(listener: (event: MetadataEvent) => void): void;
}
