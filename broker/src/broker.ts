import type { Logger } from 'pino';
import type { BrokerConfig } from './config.js';
import { applyDynamicBrokerConfigs, resolveLogConfig } from './config.js';
import { hostname } from 'node:os';
import { childLogger } from './log.js';
import { LocalStore } from './metadata/local-store.js';
import type { BrokerInfo } from './metadata/store.js';
import { LogManager } from './storage/log-manager.js';
import { ReplicaManager } from './replication/replica-manager.js';
import { TopicAdmin } from './server/topic-admin.js';
import { ProducerIdManager } from './server/producer-ids.js';
import { Dispatcher } from './server/dispatcher.js';
import { KafkaListener } from './server/listener.js';
import { GroupCoordinator } from './coordinator/group-coordinator.js';
import { PartitionLogOffsetsStore, OFFSETS_TOPIC } from './server/offsets-store.js';
import type { BrokerServices } from './handlers/context.js';
import { initCompression } from './records/compression.js';
import { startMetricsServer, setPartitionSource } from './metrics.js';

/** The bound address of each listener (ports resolved when the config asked for port 0). */
export interface BoundListener {
  name: string;
  host: string;
  port: number;
}

/**
 * Wires the broker's parts together in dependency order and takes them down in reverse. Everything with
 * state lives in a module of its own; this file only decides who gets which reference.
 */
export class Broker {
  private listeners: KafkaListener[] = [];
  private metricsServer: { port: number; close(): Promise<void> } | null = null;
  private stopping: Promise<void> | null = null;
  readonly bound: BoundListener[] = [];

  private constructor(
    readonly config: BrokerConfig,
    readonly services: BrokerServices,
    private readonly log: Logger,
  ) {}

  static async start(config: BrokerConfig): Promise<Broker> {
    const log = childLogger('broker');
    await initCompression();

    const metadata = new LocalStore({
      brokerId: config.brokerId,
      logDir: config.logDirs[0]!,
      clusterId: config.clusterId ?? undefined,
      self: {
        id: config.brokerId,
        rack: config.rack,
        endpoints: config.advertisedListeners.map((l) => ({
          name: l.name,
          host: l.host,
          port: l.port,
          securityProtocol: l.securityProtocol,
        })),
      },
    });
    await metadata.start();
    applyDynamicBrokerConfigs(config, metadata);

    const logs = new LogManager(config.logDirs, {
      brokerId: config.brokerId,
      clusterId: metadata.clusterId(),
      retentionCheckIntervalMs: config.logRetentionCheckIntervalMs,
      defaultConfig: config.defaultLogConfig(),
      topicConfig: (topic: string) => resolveLogConfig(config, metadata.topic(topic)?.configs ?? {}),
    });
    await logs.startup();

    const replicas = new ReplicaManager(config, metadata, logs, childLogger('replicas'));
    replicas.startup();
    const topicAdmin = new TopicAdmin(config, metadata);

    const offsetsStore = new PartitionLogOffsetsStore(replicas);
    const ensureOffsetsTopic = async (): Promise<void> => {
      await topicAdmin.ensureTopic(OFFSETS_TOPIC, config.offsetsTopicNumPartitions, config.offsetsTopicReplicationFactor, {
        'cleanup.policy': 'compact',
        'compression.type': 'producer',
        'segment.bytes': String(100 * 1024 * 1024),
      });
    };
    const groups = new GroupCoordinator({
      store: offsetsStore,
      ensureOffsetsTopic,
      offsetsTopicNumPartitions: metadata.topic(OFFSETS_TOPIC)?.partitions.length ?? config.offsetsTopicNumPartitions,
      groupInitialRebalanceDelayMs: config.groupInitialRebalanceDelayMs,
      groupMinSessionTimeoutMs: config.groupMinSessionTimeoutMs,
      groupMaxSessionTimeoutMs: config.groupMaxSessionTimeoutMs,
      groupMaxSize: config.groupMaxSize,
      offsetsRetentionMs: config.offsetsRetentionMinutes * 60_000,
      offsetsRetentionCheckIntervalMs: config.offsetsRetentionCheckIntervalMs,
    });
    await groups.load();

    const services: BrokerServices = {
      config,
      metadata,
      logs,
      replicas,
      groups,
      topicAdmin,
      producerIds: new ProducerIdManager(metadata),
      now: () => Date.now(),
    };
    setPartitionSource(() =>
      [...replicas.allPartitions()].map((p) => ({ topic: p.topic, partition: p.index, sizeBytes: p.log.sizeInBytes })),
    );
    const broker = new Broker(config, services, log);
    await broker.openListeners();
    metadata.setSelf(broker.selfInfo());
    metadata.on((event) => {
      if (event.type === 'brokerConfigChanged') applyDynamicBrokerConfigs(config, metadata);
      // Kafka drops a deleted topic's committed offsets with it.
      if (event.type === 'topicDeleted') void groups.removeOffsetsForTopics([event.topic]);
    });
    if (config.metricsPort >= 0) {
      broker.metricsServer = await startMetricsServer(config.metricsPort, config.metricsHost);
      log.info({ port: broker.metricsServer.port }, 'metrics endpoint listening');
    }
    log.info(
      { brokerId: config.brokerId, clusterId: metadata.clusterId(), listeners: broker.bound, logDirs: config.logDirs },
      'Gregor broker started',
    );
    return broker;
  }

  /**
   * This broker's registration: advertised listeners, with ports bound from port 0 filled in and an empty
   * host replaced by the machine's name, as Kafka does.
   */
  selfInfo(): BrokerInfo {
    return {
      id: this.config.brokerId,
      rack: this.config.rack,
      endpoints: this.config.advertisedListeners.map((l) => {
        const bound = this.bound.find((b) => b.name === l.name);
        const port = l.port === 0 && bound ? bound.port : l.port;
        return { name: l.name, host: l.host === '' ? hostname() : l.host, port, securityProtocol: l.securityProtocol };
      }),
    };
  }

  private async openListeners(): Promise<void> {
    const dispatcher = new Dispatcher(this.services, childLogger('network'));
    for (const l of this.config.listeners) {
      const listener = new KafkaListener(
        { name: l.name, host: l.host, port: l.port },
        dispatcher,
        this.config.socketRequestMaxBytes,
        childLogger('network'),
      );
      const port = await listener.listen();
      this.listeners.push(listener);
      this.bound.push({ name: l.name, host: l.host, port });
    }
  }

  /** Graceful stop: no new requests, then groups, logs (flush + checkpoints) and metadata. Idempotent. */
  shutdown(): Promise<void> {
    this.stopping ??= (async () => {
      this.log.info('shutting down');
      await Promise.all(this.listeners.map((l) => l.close()));
      this.services.replicas.shutdown();
      await this.services.groups.shutdown();
      await this.services.logs.shutdown();
      await this.services.metadata.close();
      await this.metricsServer?.close();
      this.log.info('shutdown complete');
    })();
    return this.stopping;
  }
}
