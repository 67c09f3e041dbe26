import type { BrokerConfig } from '../config.js';
import type { MetadataStore } from '../metadata/store.js';
import type { LogManager } from '../storage/log-manager.js';
import type { ReplicaManager } from '../replication/replica-manager.js';
import type { GroupCoordinator } from '../coordinator/group-coordinator.js';
import type { TopicAdmin } from '../server/topic-admin.js';
import type { ProducerIdManager } from '../server/producer-ids.js';
import type { KafkaZkClient } from '../metadata/kafka-zk-client.js';
import type { MetadataCache } from '../metadata/metadata-cache.js';
import type { ZkMetadataStore } from '../metadata/zk-metadata-store.js';
import type { NetworkClient } from '../client/network-client.js';
import type { KafkaController } from '../controller/kafka-controller.js';
import type { FetchBacklog } from './fetch-backlog.js';

/** What only exists in ZooKeeper mode. */
export interface ClusterServices {
  zk: KafkaZkClient;
  cache: MetadataCache;
  store: ZkMetadataStore;
  network: NetworkClient;
  /** The czxid of this broker's current /brokers/ids registration (Kafka's broker epoch). */
  brokerEpoch(): number;
}

/** Everything a handler may use. Handlers never see sockets. */
export interface BrokerServices {
  config: BrokerConfig;
  metadata: MetadataStore;
  logs: LogManager;
  replicas: ReplicaManager;
  groups: GroupCoordinator;
  /** Topic creation/deletion/partition growth with Kafka's validation (shared by CreateTopics and auto-create). */
  topicAdmin: TopicAdmin;
  producerIds: ProducerIdManager;
  /** null in single-node mode. */
  cluster: ClusterServices | null;
  /** This broker's controller (active or standby); null in single-node mode. */
  controller: KafkaController | null;
  now(): number;
}

/** Mutable state a connection keeps across its requests, for handlers that adapt to the client's pattern. */
export interface ConnectionState {
  /** Created by the Fetch handler on the connection's first consumer fetch. */
  fetchBacklog?: FetchBacklog;
}

export interface RequestContext {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
  /** Remote address of the connection, as DescribeGroups reports it (`/127.0.0.1`). */
  clientHost: string;
  /** The listener the request arrived on: Metadata answers with that listener's endpoints. */
  listenerName: string;
  services: BrokerServices;
  /** The connection's own state; absent when a handler is called outside a connection (tests, internal calls). */
  connection?: ConnectionState;
}

/** A handler turns one decoded request into one response body; it throws KafkaError for request-level errors. */
export type Handler<Req, Resp> = (request: Req, ctx: RequestContext) => Resp | Promise<Resp>;
