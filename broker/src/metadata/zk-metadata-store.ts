import type { Logger } from 'pino';
import type { KafkaZkClient } from './kafka-zk-client.js';
import type { MetadataCache, UpdateMetadataView } from './metadata-cache.js';
import type { BrokerInfo, MetadataEvent, MetadataStore, TopicRecord } from './store.js';
import { ErrorCode, KafkaError } from '../protocol/errors.js';

const INTERNAL_TOPICS = new Set(['__consumer_offsets', '__transaction_state']);
/** How long admin writes wait for the controller's UpdateMetadata to show their effect here. */
const PROPAGATION_TIMEOUT_MS = 30_000;

export interface ZkMetadataStoreOptions {
  zk: KafkaZkClient;
  cache: MetadataCache;
  brokerId: number;
  /** gregor.cluster.id, if configured: must match /cluster/id. */
  clusterId?: string;
  log: Logger;
}

/**
 * MetadataStore for ZooKeeper mode. Reads come from the MetadataCache (the controller's UpdateMetadata) and
 * from topic/broker configs kept in step with `/config/changes` notifications; writes go to ZooKeeper in
 * Kafka's layout, where the controller picks them up, and then wait until the controller's answer has
 * reached this broker, so "created" means "usable", as Kafka's CreateTopics with a timeout does.
 */
export class ZkMetadataStore implements MetadataStore {
  private readonly zk: KafkaZkClient;
  private readonly cache: MetadataCache;
  private readonly log: Logger;
  private cluster = '';
  private readonly topicConfigs = new Map<string, Record<string, string>>();
  private readonly brokerOverrides = new Map<string, Record<string, string>>();
  private readonly listeners: ((e: MetadataEvent) => void)[] = [];
  private readonly cacheWaiters = new Set<() => void>();
  private lastNotification = -1;
  private closed = false;

  constructor(private readonly opts: ZkMetadataStoreOptions) {
    this.zk = opts.zk;
    this.cache = opts.cache;
    this.log = opts.log;
  }

  async start(): Promise<void> {
    // The notifications present now are covered by the full reads below, which start after this read
    // (Kafka writes a config before its notification); a change made later has a newer notification, which
    // the watch applies. So the reads can all run in parallel (a few round trips, not one per topic).
    const [cluster, existing] = await Promise.all([
      this.zk.getOrCreateClusterId(this.opts.clusterId ?? randomClusterId()),
      this.zk.getConfigChangeNotifications(),
    ]);
    this.cluster = cluster;
    if (this.opts.clusterId && this.opts.clusterId !== this.cluster) {
      throw new Error(`gregor.cluster.id ${this.opts.clusterId} does not match /cluster/id ${this.cluster} in ZooKeeper`);
    }
    this.lastNotification = Math.max(-1, ...existing.map(sequenceOf));
    const [topics, defaults, own] = await Promise.all([
      this.zk.getAllTopics(),
      this.zk.getEntityConfigs('brokers', '<default>'),
      this.zk.getEntityConfigs('brokers', String(this.opts.brokerId)),
    ]);
    const topicConfigs = await Promise.all(topics.map((topic) => this.zk.getEntityConfigs('topics', topic)));
    topics.forEach((topic, i) => this.topicConfigs.set(topic, topicConfigs[i]!));
    this.brokerOverrides.set('<default>', defaults);
    this.brokerOverrides.set(String(this.opts.brokerId), own);
    await this.watchConfigChanges();
    this.zk.on('newSession', () => void this.watchConfigChanges());
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.cacheWaiters) w();
  }

  /** Applies the controller's UpdateMetadata and raises the matching events. */
  applyUpdateMetadata(req: UpdateMetadataView, version: number): void {
    const change = this.cache.apply(req, version);
    for (const name of change.created) {
      // Logs may already exist from a LeaderAndIsr that raced ahead; the event makes them pick the configs up.
      if (!this.topicConfigs.has(name)) void this.refreshTopicConfig(name, true).catch((err: unknown) => this.log.warn({ err, topic: name }, 'cannot read topic config'));
      this.emit({ type: 'topicCreated', topic: name });
    }
    for (const name of change.grown) this.emit({ type: 'partitionsAdded', topic: name });
    for (const d of change.deleted) {
      if (!this.cache.topicId(d.name)) this.topicConfigs.delete(d.name);
      this.emit({ type: 'topicDeleted', topic: d.name, topicId: d.topicId });
    }
    for (const w of [...this.cacheWaiters]) w();
  }

  clusterId(): string {
    return this.cluster;
  }

  controllerId(): number {
    return this.cache.controllerId();
  }

  brokers(): BrokerInfo[] {
    return this.cache.liveBrokers();
  }

  topics(): TopicRecord[] {
    return this.cache.topicNames().map((n) => this.topic(n)!);
  }

  topic(name: string): TopicRecord | undefined {
    const topicId = this.cache.topicId(name);
    if (topicId === undefined) return undefined;
    return {
      name,
      topicId,
      internal: INTERNAL_TOPICS.has(name),
      configs: this.topicConfigs.get(name) ?? {},
      partitions: this.cache.partitions(name).map((p) => ({
        partition: p.partition,
        replicas: p.replicas,
        leader: p.leader,
        leaderEpoch: p.leaderEpoch,
        isr: p.isr,
        partitionEpoch: p.partitionEpoch,
      })),
    };
  }

  topicById(topicId: string): TopicRecord | undefined {
    const name = this.cache.topicNameById(topicId);
    return name === undefined ? undefined : this.topic(name);
  }

  /**
   * The topic's config overrides straight from ZooKeeper: a LeaderAndIsr for a new topic can arrive before
   * any notification, and a log must never be created with the wrong settings (Kafka reads them the same way).
   */
  async fetchTopicConfigs(name: string): Promise<Record<string, string>> {
    return this.refreshTopicConfig(name, false);
  }

  async createTopic(spec: { name: string; topicId: string; assignment: number[][]; configs: Record<string, string> }): Promise<TopicRecord> {
    try {
      await this.zk.createTopic(spec.name, spec.topicId, spec.assignment, spec.configs);
    } catch (err) {
      if ((err as Error).name === 'TopicExistsError' || /exists/i.test((err as Error).message)) {
        throw new KafkaError(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${spec.name}' already exists.`);
      }
      throw err;
    }
    this.topicConfigs.set(spec.name, { ...spec.configs });
    await this.waitFor(
      () => {
        const parts = this.cache.partitions(spec.name);
        return parts.length === spec.assignment.length && parts.every((p) => p.leader >= 0);
      },
      `topic ${spec.name} to get leaders`,
    );
    const created = this.topic(spec.name);
    // waitFor also returns when the store closes (broker shutting down) before the topic reached the cache.
    if (!created) throw new KafkaError(ErrorCode.REQUEST_TIMED_OUT, `topic ${spec.name} was created but the broker is shutting down`);
    return created;
  }

  async deleteTopic(name: string): Promise<void> {
    await this.zk.markTopicForDeletion(name);
    await this.waitFor(() => this.cache.topicId(name) === undefined, `topic ${name} to be deleted`);
  }

  async addPartitions(name: string, newAssignment: number[][]): Promise<void> {
    const current = await this.zk.getTopicAssignment(name);
    if (!current) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${name}' does not exist.`);
    const partitions = new Map(current.partitions);
    const first = partitions.size;
    newAssignment.forEach((replicas, i) => partitions.set(first + i, replicas));
    await this.zk.setTopicAssignment(name, current.topicId, partitions, current.adding, current.removing, current.zkVersion);
    const total = partitions.size;
    await this.waitFor(() => {
      const parts = this.cache.partitions(name);
      return parts.length >= total && parts.every((p) => p.leader >= 0);
    }, `new partitions of ${name}`);
  }

  async setTopicConfigs(name: string, configs: Record<string, string>): Promise<void> {
    await this.zk.setEntityConfigs('topics', name, configs);
    this.topicConfigs.set(name, { ...configs });
    this.emit({ type: 'topicConfigChanged', topic: name });
  }

  brokerConfigs(brokerId: number | null): Record<string, string> {
    return { ...(this.brokerOverrides.get(brokerId === null ? '<default>' : String(brokerId)) ?? {}) };
  }

  async setBrokerConfigs(brokerId: number | null, configs: Record<string, string>): Promise<void> {
    const entity = brokerId === null ? '<default>' : String(brokerId);
    await this.zk.setEntityConfigs('brokers', entity, configs);
    this.brokerOverrides.set(entity, { ...configs });
    this.emit({ type: 'brokerConfigChanged' });
  }

  allocateProducerIds(count: number): Promise<number> {
    return this.zk.allocateProducerIdBlock(this.opts.brokerId, count);
  }

  on(listener: (event: MetadataEvent) => void): void {
    this.listeners.push(listener);
  }

  private emit(event: MetadataEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (err) {
        this.log.error({ err, event }, 'metadata listener failed');
      }
    }
  }

  private async refreshTopicConfig(name: string, notify: boolean): Promise<Record<string, string>> {
    const configs = await this.zk.getEntityConfigs('topics', name);
    this.topicConfigs.set(name, configs);
    if (notify) this.emit({ type: 'topicConfigChanged', topic: name });
    return configs;
  }

  /** Re-arms the one-shot watch on /config/changes and applies notifications newer than the last seen. */
  private async watchConfigChanges(): Promise<void> {
    if (this.closed) return;
    let names: string[];
    try {
      names = await this.zk.getConfigChangeNotifications(() => void this.watchConfigChanges());
    } catch (err) {
      this.log.warn({ err }, 'cannot read /config/changes; retrying');
      setTimeout(() => void this.watchConfigChanges(), 1000).unref();
      return;
    }
    const fresh = names.filter((n) => sequenceOf(n) > this.lastNotification).sort((a, b) => sequenceOf(a) - sequenceOf(b));
    for (const n of fresh) {
      this.lastNotification = sequenceOf(n);
      try {
        const entityPath = await this.zk.getConfigChangeNotification(n);
        if (entityPath === null) continue;
        const [type, ...rest] = entityPath.split('/');
        const entity = rest.join('/');
        if (type === 'topics') {
          await this.refreshTopicConfig(entity, true);
        } else if (type === 'brokers') {
          this.brokerOverrides.set(entity, await this.zk.getEntityConfigs('brokers', entity));
          this.emit({ type: 'brokerConfigChanged' });
        }
      } catch (err) {
        this.log.warn({ err, notification: n }, 'cannot apply config change notification');
      }
    }
  }

  private waitFor(done: () => boolean, what: string): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.closed || done()) {
          cleanup();
          resolve();
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new KafkaError(ErrorCode.REQUEST_TIMED_OUT, `timed out waiting for ${what}`));
      }, PROPAGATION_TIMEOUT_MS);
      const cleanup = () => {
        clearTimeout(timer);
        this.cacheWaiters.delete(check);
      };
      this.cacheWaiters.add(check);
    });
  }
}

function sequenceOf(notification: string): number {
  const m = /(\d+)$/.exec(notification);
  return m ? Number(m[1]) : -1;
}

function randomClusterId(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Buffer.from(bytes).toString('base64url');
}
