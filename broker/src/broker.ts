import type { Logger } from 'pino';
import type { BrokerConfig } from './config.js';
import { applyDynamicBrokerConfigs, resolveLogConfig } from './config.js';
import { hostname } from 'node:os';
import { childLogger } from './log.js';
import { LocalStore } from './metadata/local-store.js';
import type { BrokerInfo, MetadataStore } from './metadata/store.js';
import { KafkaZkClient, ZkClientClosedError } from './metadata/kafka-zk-client.js';
import type { MetadataCache } from './metadata/metadata-cache.js';
import type { ZkMetadataStore } from './metadata/zk-metadata-store.js';
import { bootstrapZooKeeper, type ZkBootstrap } from './metadata/zk-bootstrap.js';
import { NetworkClient } from './client/network-client.js';
import { KafkaController } from './controller/kafka-controller.js';
import type { ControlledShutdownResponse } from './protocol/messages/07_controlled_shutdown.js';
import { LogManager } from './storage/log-manager.js';
import { ReplicaManager } from './replication/replica-manager.js';
import { TopicAdmin } from './server/topic-admin.js';
import { ProducerIdManager } from './server/producer-ids.js';
import { Dispatcher } from './server/dispatcher.js';
import { KafkaListener } from './server/listener.js';
import { GroupCoordinator } from './coordinator/group-coordinator.js';
import { PartitionLogOffsetsStore, OFFSETS_TOPIC } from './server/offsets-store.js';
import type { BrokerServices } from './handlers/context.js';
import { startMetricsServer, setActiveControllerProvider, setPartitionSource } from './metrics.js';

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

  /**
   * `opts.zk`: the ZooKeeper bootstrap (bootstrapZooKeeper) already under way for `config.zookeeperConnect`
   * (main.ts starts it before loading the rest of the broker); without it, start runs it itself.
   */
  static async start(config: BrokerConfig, opts: { zk?: Promise<ZkBootstrap> } = {}): Promise<Broker> {
    const log = childLogger('broker');

    let zk: KafkaZkClient | null = null;
    let cache: MetadataCache | null = null;
    let zkStore: ZkMetadataStore | null = null;
    let localStore: LocalStore | null = null;
    if (config.zookeeperConnect) {
      ({ zk, cache, store: zkStore } = await (opts.zk ?? bootstrapZooKeeper(config)));
    } else {
      localStore = new LocalStore({
        brokerId: config.brokerId,
        logDir: config.logDirs[0]!,
        clusterId: config.clusterId ?? undefined,
        self: selfInfo(config, []),
      });
      await localStore.start();
    }
    const metadata: MetadataStore = (zkStore ?? localStore)!;
    applyDynamicBrokerConfigs(config, metadata);

    const logs = new LogManager(config.logDirs, {
      brokerId: config.brokerId,
      clusterId: metadata.clusterId(),
      retentionCheckIntervalMs: config.logRetentionCheckIntervalMs,
      cleanerEnabled: config.logCleanerEnable,
      defaultConfig: config.defaultLogConfig(),
      topicConfig: (topic: string) => resolveLogConfig(config, metadata.topic(topic)?.configs ?? {}),
    });
    await logs.startup();

    let brokerEpoch = -1;
    const replicas = new ReplicaManager({
      config,
      metadata,
      logs,
      log: childLogger('replicas'),
      cluster: cache ? { metadataCache: cache, brokerEpoch: () => brokerEpoch } : undefined,
    });
    const topicAdmin = new TopicAdmin(config, metadata);

    const offsetsStore = new PartitionLogOffsetsStore(replicas, config.offsetsCommitTimeoutMs);
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
    // The coordinator of a group is the leader of its __consumer_offsets partition, here and in a cluster.
    replicas.onLeadershipChange((topic, partition, isLeader, leaderEpoch) => {
      if (topic !== OFFSETS_TOPIC) return;
      const n = metadata.topic(OFFSETS_TOPIC)?.partitions.length;
      if (n) groups.setOffsetsTopicNumPartitions(n);
      if (isLeader) void groups.onElection(partition, leaderEpoch);
      else groups.onResignation(partition, leaderEpoch);
    });
    replicas.startup();

    const network =
      cache === null
        ? null
        : new NetworkClient(`broker-${config.brokerId}`, (id) => cache.brokerEndpoint(id, config.listenerName));
    const services: BrokerServices = {
      config,
      metadata,
      logs,
      replicas,
      groups,
      topicAdmin,
      producerIds: new ProducerIdManager(metadata),
      cluster:
        zk && cache && zkStore && network
          ? { zk, cache, store: zkStore, network, brokerEpoch: () => brokerEpoch }
          : null,
      controller: null,
      now: () => Date.now(),
    };
    setPartitionSource(() =>
      [...replicas.allPartitions()].map((p) => ({ topic: p.topic, partition: p.index, sizeBytes: p.log.sizeInBytes })),
    );
    const broker = new Broker(config, services, log);
    await broker.openListeners();
    const self = selfInfo(config, broker.bound);
    if (localStore) {
      localStore.setSelf(self);
    } else if (zk) {
      brokerEpoch = await zk.registerBroker({ id: self.id, rack: self.rack, endpoints: self.endpoints });
      // A new ZooKeeper session lost our ephemeral registration: register again (new broker epoch).
      // Re-register on every new session. The old session's ephemeral /brokers/ids/<id> can outlive it for up to
      // a session timeout (e.g. ZooKeeper restarted and restored it from its log), so "registered by another
      // session" is retried until that znode expires; only a newer session or shutdown ends the attempts.
      let registrationRound = 0;
      zk.on('newSession', () => {
        const round = ++registrationRound;
        const attempt = (n: number): void => {
          if (round !== registrationRound) return;
          zk!.registerBroker({ id: self.id, rack: self.rack, endpoints: self.endpoints }).then(
            (epoch) => {
              brokerEpoch = epoch;
              log.info({ brokerEpoch, attempts: n }, 're-registered after a new ZooKeeper session');
            },
            (err: unknown) => {
              if (err instanceof ZkClientClosedError) return; // shutting down
              const delay = Math.min(5000, 250 * 2 ** Math.min(n, 5));
              log.warn({ err, retryInMs: delay }, 'cannot re-register broker yet; retrying');
              setTimeout(() => attempt(n + 1), delay).unref();
            },
          );
        };
        attempt(1);
      });
      const controller = new KafkaController({
        zk,
        brokerId: config.brokerId,
        network: (resolve) => new NetworkClient(`controller-${config.brokerId}`, resolve),
        interBrokerListenerName: config.listenerName,
        config: {
          uncleanLeaderElectionEnable: config.uncleanLeaderElectionEnable,
          autoLeaderRebalanceEnable: config.autoLeaderRebalanceEnable,
          leaderImbalanceCheckIntervalSeconds: config.leaderImbalanceCheckIntervalSeconds,
          leaderImbalancePerBrokerPercentage: config.leaderImbalancePerBrokerPercentage,
          deleteTopicEnable: config.deleteTopicEnable,
        },
        log: childLogger('controller'),
      });
      services.controller = controller;
      setActiveControllerProvider(() => controller.isActive());
      await controller.startup();
    }
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
      {
        brokerId: config.brokerId,
        clusterId: metadata.clusterId(),
        mode: zk ? 'zookeeper' : 'single-node',
        brokerEpoch: zk ? brokerEpoch : undefined,
        listeners: broker.bound,
        logDirs: config.logDirs,
      },
      'Gregor broker started',
    );
    return broker;
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
      const { cluster, controller } = this.services;
      if (cluster && this.config.controlledShutdownEnable) await this.controlledShutdown();
      // Resign before closing sockets so another broker takes over the controller role at once.
      await controller?.shutdown();
      await Promise.all(this.listeners.map((l) => l.close()));
      await this.services.replicas.shutdown();
      await this.services.groups.shutdown();
      await this.services.logs.shutdown();
      await this.services.metadata.close();
      cluster?.network.close();
      await cluster?.zk.close();
      await this.metricsServer?.close();
      this.log.info('shutdown complete');
    })();
    return this.stopping;
  }

  /**
   * Kafka's controlled shutdown: ask the controller to move leadership off this broker while it still serves
   * (it becomes a follower through LeaderAndIsr), so clients fail over before the sockets close.
   */
  private async controlledShutdown(): Promise<void> {
    const cluster = this.services.cluster!;
    for (let attempt = 1; attempt <= this.config.controlledShutdownMaxRetries; attempt++) {
      const controllerId = cluster.cache.controllerId();
      if (controllerId < 0) {
        this.log.warn('no known controller; skipping controlled shutdown');
        return;
      }
      try {
        const resp = await cluster.network.send<ControlledShutdownResponse>(
          controllerId,
          7,
          3,
          { brokerId: this.config.brokerId, brokerEpoch: cluster.brokerEpoch() },
          { timeoutMs: 30_000 },
        );
        if (resp.errorCode === 0 && resp.remainingPartitions.length === 0) {
          this.log.info({ attempt }, 'controlled shutdown succeeded');
          return;
        }
        this.log.warn(
          { attempt, errorCode: resp.errorCode, remaining: resp.remainingPartitions.length },
          'controlled shutdown incomplete; retrying',
        );
      } catch (err) {
        this.log.warn({ err, attempt }, 'controlled shutdown request failed');
      }
      await new Promise((r) => setTimeout(r, this.config.controlledShutdownRetryBackoffMs));
    }
    this.log.warn('controlled shutdown did not complete; proceeding with shutdown');
  }
}

/**
 * This broker's registration: advertised listeners, with ports bound from port 0 filled in and an empty
 * host replaced by the machine's name, as Kafka does.
 */
function selfInfo(config: BrokerConfig, bound: BoundListener[]): BrokerInfo {
  return {
    id: config.brokerId,
    rack: config.rack,
    endpoints: config.advertisedListeners.map((l) => {
      const b = bound.find((x) => x.name === l.name);
      const port = l.port === 0 && b ? b.port : l.port;
      return { name: l.name, host: l.host === '' ? hostname() : l.host, port, securityProtocol: l.securityProtocol };
    }),
  };
}
