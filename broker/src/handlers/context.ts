import type { BrokerConfig } from '../config.js';
import type { MetadataStore } from '../metadata/store.js';
import type { LogManager } from '../storage/log-manager.js';
import type { ReplicaManager } from '../replication/replica-manager.js';
import type { GroupCoordinator } from '../coordinator/group-coordinator.js';
import type { TopicAdmin } from '../server/topic-admin.js';
import type { ProducerIdManager } from '../server/producer-ids.js';

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
  now(): number;
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
}

/** A handler turns one decoded request into one response body; it throws KafkaError for request-level errors. */
export type Handler<Req, Resp> = (request: Req, ctx: RequestContext) => Resp | Promise<Resp>;
