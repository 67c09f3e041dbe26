/**
 * A high-level Kafka admin client on the broker's own codec and connections (NetworkClient): what the operator
 * uses to manage topics, configs, reassignments and leader elections. It speaks only the standard protocol, so
 * it works against Gregor and Apache Kafka (3.9 ZooKeeper mode, KRaft) alike.
 *
 * Routing, as Kafka's AdminClient does it:
 * - Metadata, DescribeConfigs / IncrementalAlterConfigs of topics and of the cluster-wide broker default →
 *   any live broker (the controller first when known: after a CreateTopics answered by the controller, its
 *   metadata cache already has the topic, so a following describe sees it);
 * - DescribeConfigs / IncrementalAlterConfigs of one broker → that broker;
 * - CreateTopics, DeleteTopics, CreatePartitions, ElectLeaders, Alter/ListPartitionReassignments → the
 *   controller named in Metadata; NOT_CONTROLLER refreshes the metadata and retries.
 *
 * Brokers are reached through NetworkClient by id: bootstrap addresses get the ids -1, -2, ... (as Kafka's
 * client does), brokers their node id from Metadata; `mapAddress` is applied to both before connecting. Every
 * request uses the highest version both sides support (ApiVersions, once per connection); request bodies are
 * built once with every field filled in and the codec drops what a version does not have.
 *
 * Retries are bounded by `retries` and `apiTimeoutMs`: network errors (the next attempt goes to another broker
 * where any broker will do, after a metadata refresh where one broker is needed), NOT_CONTROLLER, and
 * LEADER_NOT_AVAILABLE in a describe right after a create. Everything else is answered at once: a topic- or
 * partition-level error code becomes a KafkaAdminError with Kafka's error name and the broker's message.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { API_BY_KEY, ApiKey } from '../protocol/apis.js';
import { ErrorCode, errorName } from '../protocol/errors.js';
import type {
  AlterPartitionReassignmentsRequest,
  AlterPartitionReassignmentsResponse,
  CreatePartitionsRequest,
  CreatePartitionsResponse,
  CreateTopicsRequest,
  CreateTopicsResponse,
  DeleteTopicsRequest,
  DeleteTopicsResponse,
  DescribeConfigsRequest,
  DescribeConfigsResponse,
  ElectLeadersRequest,
  ElectLeadersResponse,
  IncrementalAlterConfigsRequest,
  IncrementalAlterConfigsResponse,
  ListPartitionReassignmentsRequest,
  ListPartitionReassignmentsResponse,
  MetadataRequest,
  MetadataResponse,
} from '../protocol/messages/index.js';
import { ZERO_UUID } from '../protocol/primitives.js';
import { NetworkError, type BrokerAddress } from './broker-connection.js';
import { NetworkClient } from './network-client.js';
import { ConfigSource } from '../protocol/config-source.js';

export interface AdminClientOptions {
  /** "host:port,host:port" or a list. */
  bootstrap: string | BrokerAddress[];
  /** Client id in every request header. Default "gregor-admin". */
  clientId?: string;
  /** Per-request timeout, also the timeoutMs sent in CreateTopics/DeleteTopics/... bodies. Default 30 s. */
  requestTimeoutMs?: number;
  /** TCP connect timeout. Default 10 s. */
  connectTimeoutMs?: number;
  /**
   * Applied to every address before connecting: bootstrap addresses AND brokers' advertised addresses from
   * Metadata. Lets tests (and out-of-cluster operators) reach brokers whose advertised names don't resolve.
   */
  mapAddress?: (addr: BrokerAddress) => BrokerAddress;
  /** Retries of a call after a retriable failure (network error, NOT_CONTROLLER, ...). Default 5. */
  retries?: number;
  /** First delay between attempts; doubles per attempt up to `retryBackoffMaxMs`. Default 100 ms. */
  retryBackoffMs?: number;
  /** Default 1 s. */
  retryBackoffMaxMs?: number;
  /**
   * No retry is started after this long since a call began (Kafka's default.api.timeout.ms). Default
   * max(60 s, requestTimeoutMs).
   */
  apiTimeoutMs?: number;
  /** Cached cluster metadata (brokers, controller) is refreshed after this long. Default 5 min. */
  metadataMaxAgeMs?: number;
}

/** A topic-, partition- or request-level Kafka error code returned by a broker. */
export class KafkaAdminError extends Error {
  /** Kafka's name of `code`, e.g. TOPIC_ALREADY_EXISTS. */
  readonly errorName: string;
  constructor(
    readonly code: number,
    /** The broker's errorMessage (or a description of the client-side condition), when there is one. */
    readonly brokerMessage: string | null = null,
    /** What the error is about: a topic name, "topic-partition", "broker 2", ... */
    readonly resource?: string,
  ) {
    const name = errorName(code);
    super(`${resource !== undefined ? `${resource}: ` : ''}${name}${brokerMessage ? ` (${brokerMessage})` : ''}`);
    this.name = 'KafkaAdminError';
    this.errorName = name;
  }
}

/** A KafkaAdminError this client retries (after a metadata refresh) before giving up with it. */
class RetriableAdminError extends KafkaAdminError {}

export interface BrokerInfo {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

export interface ClusterDescription {
  clusterId: string | null;
  /** -1 when the cluster has no active controller. */
  controllerId: number;
  /** Sorted by nodeId. */
  brokers: BrokerInfo[];
}

export interface PartitionInfo {
  partition: number;
  /** -1 when the partition has no leader. */
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
  offlineReplicas: number[];
}

export interface TopicDescription {
  name: string;
  /** Kafka's base64url form as kafka-topics prints it; null for the zero UUID. */
  topicId: string | null;
  isInternal: boolean;
  /** Sorted by partition. */
  partitions: PartitionInfo[];
}

export interface ConfigEntry {
  name: string;
  /** null for sensitive values and keys without a value. */
  value: string | null;
  readOnly: boolean;
  isDefault: boolean;
  /** DescribeConfigs v1+ configSource (see ConfigSource). */
  source: number;
  sensitive: boolean;
}

export { ConfigSource } from '../protocol/config-source.js';

/** 'append' / 'subtract' apply to list-valued keys (Kafka's AlterConfigOp.OpType APPEND / SUBTRACT). */
export type AlterConfigOp =
  | { name: string; op: 'set'; value: string }
  | { name: string; op: 'delete' }
  | { name: string; op: 'append' | 'subtract'; value: string };

export interface PartitionReassignment {
  topic: string;
  partition: number;
  replicas: number[];
  addingReplicas: number[];
  removingReplicas: number[];
}

export interface ElectionFailure {
  topic: string;
  partition: number;
  /** Kafka's error name, e.g. PREFERRED_LEADER_NOT_AVAILABLE. */
  error: string;
  /** The broker's errorMessage, if any. */
  message: string | null;
}

export interface CreateTopicSpec {
  name: string;
  /** Default: the broker's num.partitions (ignored with `assignments`). */
  partitions?: number;
  /** Default: the broker's default.replication.factor (ignored with `assignments`). */
  replicationFactor?: number;
  /** Replicas (broker ids, preferred leader first) of partition 0, 1, ... */
  assignments?: number[][];
  configs?: Record<string, string>;
  /** Only check that the topic could be created (the returned topicId is then null). */
  validateOnly?: boolean;
}

const RESOURCE_TOPIC = 2;
const RESOURCE_BROKER = 4;
const ALTER_OP: Record<AlterConfigOp['op'], number> = { set: 0, delete: 1, append: 2, subtract: 3 };
const ELECTION_PREFERRED = 0;
/** Extra time on top of a body timeoutMs before the client gives up on the response: the broker answers at timeoutMs. */
const BODY_TIMEOUT_MARGIN_MS = 5_000;
/** Extra attempts of describeTopics while partitions report LEADER_NOT_AVAILABLE (fresh topics). */
const DESCRIBE_LEADER_RETRIES = 4;
/** A broker that failed a request is tried after the others for this long. */
const FAILED_NODE_PENALTY_MS = 10_000;

interface ClusterView {
  clusterId: string | null;
  controllerId: number;
  brokers: Map<number, BrokerInfo>;
  fetchedAt: number;
}

/** Parses "host:port,host:port" (IPv6 as "[::1]:9092"). */
function parseBootstrap(bootstrap: string | BrokerAddress[]): BrokerAddress[] {
  const list =
    typeof bootstrap === 'string'
      ? bootstrap
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '')
          .map((s): BrokerAddress => {
            const m = /^\[([^\]]+)\]:(\d+)$/.exec(s) ?? /^([^:]+):(\d+)$/.exec(s);
            if (!m) throw new Error(`invalid bootstrap address ${JSON.stringify(s)} (expected host:port)`);
            return { host: m[1]!, port: Number(m[2]) };
          })
      : bootstrap.map((a) => ({ host: a.host, port: a.port }));
  if (list.length === 0) throw new Error('no bootstrap address given');
  for (const a of list) {
    if (!Number.isInteger(a.port) || a.port <= 0 || a.port > 65535 || typeof a.host !== 'string' || a.host === '') {
      throw new Error(`invalid bootstrap address ${JSON.stringify(a)}`);
    }
  }
  return list;
}

function apiName(apiKey: number): string {
  return API_BY_KEY.get(apiKey)?.name ?? `API ${apiKey}`;
}

function topicIdOrNull(id: string | undefined | null): string | null {
  return id === undefined || id === null || id === ZERO_UUID ? null : id;
}

/** ConfigEntry map of one DescribeConfigs result. */
function configEntries(
  configs: DescribeConfigsResponse['results'][number]['configs'],
  version: number,
  resourceType: number,
  resourceName: string,
): Map<string, ConfigEntry> {
  const out = new Map<string, ConfigEntry>();
  for (const c of configs) {
    // v0 has IsDefault instead of ConfigSource: derive the source as Kafka's client does (the cluster-default
    // resource "" only ever lists dynamic defaults).
    const source =
      version >= 1
        ? c.configSource
        : c.isDefault
          ? ConfigSource.DEFAULT_CONFIG
          : resourceType === RESOURCE_TOPIC
            ? ConfigSource.DYNAMIC_TOPIC_CONFIG
            : resourceType === RESOURCE_BROKER
              ? resourceName === ''
                ? ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG
                : ConfigSource.STATIC_BROKER_CONFIG
              : ConfigSource.UNKNOWN;
    out.set(c.name, {
      name: c.name,
      value: c.value,
      readOnly: c.readOnly,
      isDefault: version >= 1 ? c.configSource === ConfigSource.DEFAULT_CONFIG : c.isDefault,
      source,
      sensitive: c.isSensitive,
    });
  }
  return out;
}

export class AdminClient {
  private readonly bootstrap: BrokerAddress[];
  private readonly clientId: string;
  private readonly requestTimeoutMs: number;
  private readonly mapAddress: (addr: BrokerAddress) => BrokerAddress;
  private readonly retries: number;
  private readonly retryBackoffMs: number;
  private readonly retryBackoffMaxMs: number;
  private readonly apiTimeoutMs: number;
  private readonly metadataMaxAgeMs: number;
  private readonly net: NetworkClient;
  private view: ClusterView | null = null;
  /** Set after a failure that may mean the metadata is out of date (controller moved, broker gone). */
  private stale = false;
  private refreshing: Promise<ClusterView> | null = null;
  private readonly failedAt = new Map<number, number>();
  private closed = false;

  constructor(opts: AdminClientOptions) {
    this.bootstrap = parseBootstrap(opts.bootstrap);
    this.clientId = opts.clientId ?? 'gregor-admin';
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 30_000;
    this.mapAddress = opts.mapAddress ?? ((a) => a);
    this.retries = Math.max(0, opts.retries ?? 5);
    this.retryBackoffMs = opts.retryBackoffMs ?? 100;
    this.retryBackoffMaxMs = opts.retryBackoffMaxMs ?? 1000;
    this.apiTimeoutMs = opts.apiTimeoutMs ?? Math.max(60_000, this.requestTimeoutMs);
    this.metadataMaxAgeMs = opts.metadataMaxAgeMs ?? 5 * 60_000;
    this.net = new NetworkClient(this.clientId, (id) => this.resolve(id), {
      connectTimeoutMs: opts.connectTimeoutMs ?? 10_000,
      requestTimeoutMs: this.requestTimeoutMs,
    });
  }

  // ------------------------------------------------------------------------------------------ cluster, topics

  /** Brokers, controller and cluster id from a fresh Metadata request. */
  async describeCluster(): Promise<ClusterDescription> {
    const view = await this.retrying('describeCluster', () => this.refreshMetadata());
    return {
      clusterId: view.clusterId,
      controllerId: view.controllerId,
      brokers: [...view.brokers.values()].sort((a, b) => a.nodeId - b.nodeId).map((b) => ({ ...b })),
    };
  }

  /** Names of the topics, sorted; internal topics (__consumer_offsets, ...) only with includeInternal. */
  async listTopics(opts: { includeInternal?: boolean } = {}): Promise<string[]> {
    const resp = await this.retrying('listTopics', () => this.metadata(null));
    return resp.topics
      .filter((t) => t.name !== null && (t.errorCode === ErrorCode.NONE || t.errorCode === ErrorCode.LEADER_NOT_AVAILABLE))
      .filter((t) => opts.includeInternal || !t.isInternal)
      .map((t) => t.name!)
      .sort();
  }

  /**
   * Topics that don't exist are absent from the map (no throw); so are names Kafka rejects as invalid. Omit
   * names = all topics. Partitions still without a leader (LEADER_NOT_AVAILABLE, as right after a create) are
   * asked again a few times; after that they are returned with leader -1.
   */
  async describeTopics(names?: string[]): Promise<Map<string, TopicDescription>> {
    if (names !== undefined && names.length === 0) return new Map();
    const wanted = names === undefined ? null : new Set(names);
    const request = wanted === null ? null : [...wanted];
    for (let round = 0; ; round++) {
      const resp = await this.retrying('describeTopics', () => this.metadata(request));
      const out = new Map<string, TopicDescription>();
      let topicLeaderless: KafkaAdminError | null = null;
      let partitionLeaderless = false;
      for (const t of resp.topics) {
        if (t.name === null) continue;
        if (wanted !== null && !wanted.has(t.name)) continue;
        if (t.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION || t.errorCode === ErrorCode.INVALID_TOPIC_EXCEPTION) continue;
        if (t.errorCode === ErrorCode.LEADER_NOT_AVAILABLE) {
          topicLeaderless ??= new KafkaAdminError(t.errorCode, null, t.name);
          continue;
        }
        if (t.errorCode !== ErrorCode.NONE) throw new KafkaAdminError(t.errorCode, null, t.name);
        const partitions: PartitionInfo[] = t.partitions
          .map((p) => {
            if (p.errorCode === ErrorCode.LEADER_NOT_AVAILABLE) partitionLeaderless = true;
            return {
              partition: p.partitionIndex,
              leader: p.leaderId,
              leaderEpoch: p.leaderEpoch,
              replicas: [...p.replicaNodes],
              isr: [...p.isrNodes],
              offlineReplicas: [...p.offlineReplicas],
            };
          })
          .sort((a, b) => a.partition - b.partition);
        out.set(t.name, { name: t.name, topicId: topicIdOrNull(t.topicId), isInternal: t.isInternal, partitions });
      }
      if (topicLeaderless === null && !partitionLeaderless) return out;
      if (round >= DESCRIBE_LEADER_RETRIES) {
        // A partition without a leader is a legitimate state (all its replicas down): reported as leader -1.
        if (topicLeaderless !== null) throw topicLeaderless;
        return out;
      }
      this.checkOpen();
      await sleep(this.backoff(round));
    }
  }

  /** Creates one topic; rejects with KafkaAdminError (TOPIC_ALREADY_EXISTS, INVALID_CONFIG, ...). */
  async createTopic(t: CreateTopicSpec): Promise<{ topicId: string | null }> {
    const explicit = t.assignments !== undefined && t.assignments.length > 0;
    const body: CreateTopicsRequest = {
      topics: [
        {
          name: t.name,
          numPartitions: explicit ? -1 : (t.partitions ?? -1),
          replicationFactor: explicit ? -1 : (t.replicationFactor ?? -1),
          assignments: explicit ? t.assignments!.map((brokerIds, partitionIndex) => ({ partitionIndex, brokerIds: [...brokerIds] })) : [],
          configs: Object.entries(t.configs ?? {}).map(([name, value]) => ({ name, value })),
        },
      ],
      timeoutMs: this.requestTimeoutMs,
      validateOnly: t.validateOnly ?? false,
    };
    return this.controllerCall('createTopic', ApiKey.CreateTopics, () => body, (resp: CreateTopicsResponse) => {
      const r = resp.topics.find((x) => x.name === t.name);
      if (r === undefined) throw new KafkaAdminError(ErrorCode.UNKNOWN_SERVER_ERROR, 'no result for the topic in the CreateTopics response', t.name);
      if (r.errorCode !== ErrorCode.NONE) throw this.topicError(r.errorCode, r.errorMessage, t.name);
      // Kafka in KRaft mode makes up an id even for validateOnly; it names nothing, so it is not returned.
      return { topicId: body.validateOnly ? null : topicIdOrNull(r.topicId) };
    });
  }

  /** Deletes topics; a name that does not exist (UNKNOWN_TOPIC_OR_PARTITION) counts as deleted. */
  async deleteTopics(names: string[]): Promise<void> {
    const remaining = new Set(names);
    if (remaining.size === 0) return;
    await this.controllerCall(
      'deleteTopics',
      ApiKey.DeleteTopics,
      (): DeleteTopicsRequest => ({
        topics: [...remaining].map((name) => ({ name, topicId: ZERO_UUID })),
        topicNames: [...remaining],
        timeoutMs: this.requestTimeoutMs,
      }),
      (resp: DeleteTopicsResponse) => {
        let retry: KafkaAdminError | null = null;
        let failure: KafkaAdminError | null = null;
        for (const r of resp.responses) {
          if (r.name === null || !remaining.has(r.name)) continue;
          if (r.errorCode === ErrorCode.NONE || r.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) {
            remaining.delete(r.name);
          } else if (r.errorCode === ErrorCode.NOT_CONTROLLER) {
            retry ??= new RetriableAdminError(r.errorCode, r.errorMessage, r.name);
          } else {
            remaining.delete(r.name);
            failure ??= new KafkaAdminError(r.errorCode, r.errorMessage, r.name);
          }
        }
        if (failure) throw failure;
        if (retry) throw retry;
        if (remaining.size > 0) {
          throw new KafkaAdminError(ErrorCode.UNKNOWN_SERVER_ERROR, 'no result for the topic in the DeleteTopics response', [...remaining][0]);
        }
      },
    );
  }

  /**
   * Grows a topic to `totalCount` partitions. `assignments`: replicas of each NEW partition (as Kafka's
   * NewPartitions.increaseTo(totalCount, newAssignments)); omitted = the broker assigns.
   */
  async createPartitions(topic: string, totalCount: number, assignments?: number[][]): Promise<void> {
    const body: CreatePartitionsRequest = {
      topics: [{ name: topic, count: totalCount, assignments: assignments ? assignments.map((brokerIds) => ({ brokerIds: [...brokerIds] })) : null }],
      timeoutMs: this.requestTimeoutMs,
      validateOnly: false,
    };
    await this.controllerCall('createPartitions', ApiKey.CreatePartitions, () => body, (resp: CreatePartitionsResponse) => {
      const r = resp.results.find((x) => x.name === topic);
      if (r === undefined) throw new KafkaAdminError(ErrorCode.UNKNOWN_SERVER_ERROR, 'no result for the topic in the CreatePartitions response', topic);
      if (r.errorCode !== ErrorCode.NONE) throw this.topicError(r.errorCode, r.errorMessage, topic);
    });
  }

  // ------------------------------------------------------------------------------------------------ configs

  /** Every config key of a topic with its effective value (DescribeConfigs, resource type TOPIC). */
  describeTopicConfigs(topic: string): Promise<Map<string, ConfigEntry>> {
    return this.describeConfigs(RESOURCE_TOPIC, topic, null);
  }

  /** Every config key of one broker, asked of that broker (DescribeConfigs, resource type BROKER). */
  describeBrokerConfigs(brokerId: number): Promise<Map<string, ConfigEntry>> {
    return this.describeConfigs(RESOURCE_BROKER, String(brokerId), brokerId);
  }

  /**
   * Configs of several topics in one DescribeConfigs request (any broker); `keys` limits the keys asked for
   * (omitted = all). Topics that do not exist (UNKNOWN_TOPIC_OR_PARTITION) are absent from the map; any other
   * per-topic error rejects with a KafkaAdminError naming the topic.
   */
  async describeTopicConfigsBatch(topics: string[], keys?: string[]): Promise<Map<string, Map<string, ConfigEntry>>> {
    const names = [...new Set(topics)];
    const out = new Map<string, Map<string, ConfigEntry>>();
    if (names.length === 0) return out;
    const body: DescribeConfigsRequest = {
      resources: names.map((resourceName) => ({ resourceType: RESOURCE_TOPIC, resourceName, configurationKeys: keys ? [...keys] : null })),
      includeSynonyms: false,
      includeDocumentation: false,
    };
    const { resp, version } = await this.retrying('describeConfigs', () => this.sendAny<DescribeConfigsResponse>(ApiKey.DescribeConfigs, () => body));
    const wanted = new Set(names);
    for (const r of resp.results) {
      if (r.resourceType !== RESOURCE_TOPIC || !wanted.has(r.resourceName)) continue;
      if (r.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) continue;
      if (r.errorCode !== ErrorCode.NONE) throw new KafkaAdminError(r.errorCode, r.errorMessage, r.resourceName);
      out.set(r.resourceName, configEntries(r.configs, version, RESOURCE_TOPIC, r.resourceName));
    }
    return out;
  }

  /**
   * The cluster-wide dynamic broker defaults (DescribeConfigs of BROKER resource "", any broker): only the keys
   * set with `incrementalAlterBrokerConfigs(null, ...)` / `kafka-configs --entity-default`, each with source
   * DYNAMIC_DEFAULT_BROKER_CONFIG. Empty when none is set.
   */
  describeBrokerDefaultConfigs(): Promise<Map<string, ConfigEntry>> {
    return this.describeConfigs(RESOURCE_BROKER, '', null);
  }

  /** Sets / deletes topic config overrides (IncrementalAlterConfigs). */
  incrementalAlterTopicConfigs(topic: string, ops: AlterConfigOp[]): Promise<void> {
    return this.incrementalAlterConfigs(RESOURCE_TOPIC, topic, null, ops);
  }

  /** brokerId null = cluster-wide default (resourceName ""). */
  incrementalAlterBrokerConfigs(brokerId: number | null, ops: AlterConfigOp[]): Promise<void> {
    return brokerId === null
      ? this.incrementalAlterConfigs(RESOURCE_BROKER, '', null, ops)
      : this.incrementalAlterConfigs(RESOURCE_BROKER, String(brokerId), brokerId, ops);
  }

  // ------------------------------------------------------------------------------- reassignment, elections

  /** replicas null cancels a pending reassignment. Throws KafkaAdminError naming the first failing partition. */
  async alterPartitionReassignments(items: { topic: string; partition: number; replicas: number[] | null }[]): Promise<void> {
    if (items.length === 0) return;
    const byTopic = new Map<string, { partitionIndex: number; replicas: number[] | null }[]>();
    for (const it of items) {
      const list = byTopic.get(it.topic) ?? [];
      list.push({ partitionIndex: it.partition, replicas: it.replicas === null ? null : [...it.replicas] });
      byTopic.set(it.topic, list);
    }
    const body: AlterPartitionReassignmentsRequest = {
      timeoutMs: this.requestTimeoutMs,
      topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })),
    };
    await this.controllerCall(
      'alterPartitionReassignments',
      ApiKey.AlterPartitionReassignments,
      () => body,
      (resp: AlterPartitionReassignmentsResponse) => {
        this.checkTopLevel(resp.errorCode, resp.errorMessage);
        const results = new Map<string, { errorCode: number; errorMessage: string | null }>();
        for (const t of resp.responses) for (const p of t.partitions) results.set(`${t.name}\0${p.partitionIndex}`, p);
        if (resp.responses.some((t) => t.partitions.some((p) => p.errorCode === ErrorCode.NOT_CONTROLLER))) {
          throw new RetriableAdminError(ErrorCode.NOT_CONTROLLER, null);
        }
        const failures: KafkaAdminError[] = [];
        for (const it of items) {
          const r = results.get(`${it.topic}\0${it.partition}`);
          const resource = `${it.topic}-${it.partition}`;
          if (r === undefined) failures.push(new KafkaAdminError(ErrorCode.UNKNOWN_SERVER_ERROR, 'no result for the partition in the response', resource));
          else if (r.errorCode !== ErrorCode.NONE) failures.push(new KafkaAdminError(r.errorCode, r.errorMessage, resource));
        }
        if (failures.length > 0) {
          const first = failures[0]!;
          if (failures.length === 1) throw first;
          const more = `${first.brokerMessage ?? ''}${first.brokerMessage ? '; ' : ''}${failures.length - 1} more partition(s) failed: ${failures
            .slice(1)
            .map((f) => `${f.resource} ${f.errorName}`)
            .join(', ')}`;
          throw new KafkaAdminError(first.code, more, first.resource);
        }
      },
    );
  }

  /** Reassignments in progress (all, or of the given partitions), sorted by topic and partition. */
  async listPartitionReassignments(topics?: { topic: string; partitions: number[] }[]): Promise<PartitionReassignment[]> {
    const body: ListPartitionReassignmentsRequest = {
      timeoutMs: this.requestTimeoutMs,
      topics: topics === undefined ? null : topics.map((t) => ({ name: t.topic, partitionIndexes: [...t.partitions] })),
    };
    return this.controllerCall(
      'listPartitionReassignments',
      ApiKey.ListPartitionReassignments,
      () => body,
      (resp: ListPartitionReassignmentsResponse) => {
        this.checkTopLevel(resp.errorCode, resp.errorMessage);
        const out: PartitionReassignment[] = [];
        for (const t of resp.topics) {
          for (const p of t.partitions) {
            out.push({
              topic: t.name,
              partition: p.partitionIndex,
              replicas: [...p.replicas],
              addingReplicas: [...p.addingReplicas],
              removingReplicas: [...p.removingReplicas],
            });
          }
        }
        return out.sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
      },
    );
  }

  /**
   * Preferred leader election; partitions null/omitted = all partitions. Returns the partitions that failed
   * with a reason other than ELECTION_NOT_NEEDED (e.g. PREFERRED_LEADER_NOT_AVAILABLE, UNKNOWN_TOPIC_OR_PARTITION).
   */
  async electPreferredLeaders(partitions?: { topic: string; partition: number }[] | null): Promise<ElectionFailure[]> {
    if (partitions && partitions.length === 0) return [];
    let topicPartitions: ElectLeadersRequest['topicPartitions'] = null;
    if (partitions) {
      const byTopic = new Map<string, number[]>();
      for (const p of partitions) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
      topicPartitions = [...byTopic].map(([topic, ps]) => ({ topic, partitions: ps }));
    }
    const body: ElectLeadersRequest = { electionType: ELECTION_PREFERRED, topicPartitions, timeoutMs: this.requestTimeoutMs };
    return this.controllerCall('electPreferredLeaders', ApiKey.ElectLeaders, () => body, (resp: ElectLeadersResponse) => {
      this.checkTopLevel(resp.errorCode, null);
      const failures: ElectionFailure[] = [];
      for (const t of resp.replicaElectionResults) {
        for (const p of t.partitionResult) {
          if (p.errorCode === ErrorCode.NOT_CONTROLLER) throw new RetriableAdminError(p.errorCode, p.errorMessage);
          if (p.errorCode === ErrorCode.NONE || p.errorCode === ErrorCode.ELECTION_NOT_NEEDED) continue;
          failures.push({ topic: t.topic, partition: p.partitionId, error: errorName(p.errorCode), message: p.errorMessage });
        }
      }
      return failures.sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
    });
  }

  /** Closes every connection; calls in progress reject, later calls reject at once. */
  async close(): Promise<void> {
    this.closed = true;
    this.net.close();
  }

  // ------------------------------------------------------------------------------------------------ internals

  private async describeConfigs(resourceType: number, resourceName: string, brokerId: number | null): Promise<Map<string, ConfigEntry>> {
    const body: DescribeConfigsRequest = {
      resources: [{ resourceType, resourceName, configurationKeys: null }],
      includeSynonyms: false,
      includeDocumentation: false,
    };
    const what = resourceType === RESOURCE_TOPIC ? resourceName : resourceName === '' ? 'cluster default broker config' : `broker ${resourceName}`;
    const { resp, version } = await this.retrying('describeConfigs', () =>
      brokerId === null
        ? this.sendAny<DescribeConfigsResponse>(ApiKey.DescribeConfigs, () => body)
        : this.sendToBroker<DescribeConfigsResponse>(brokerId, ApiKey.DescribeConfigs, () => body),
    );
    const r = resp.results.find((x) => x.resourceType === resourceType && x.resourceName === resourceName) ?? (resp.results.length === 1 ? resp.results[0] : undefined);
    if (r === undefined) throw new KafkaAdminError(ErrorCode.UNKNOWN_SERVER_ERROR, 'no result for the resource in the DescribeConfigs response', what);
    if (r.errorCode !== ErrorCode.NONE) throw new KafkaAdminError(r.errorCode, r.errorMessage, what);
    return configEntries(r.configs, version, resourceType, resourceName);
  }

  private async incrementalAlterConfigs(resourceType: number, resourceName: string, brokerId: number | null, ops: AlterConfigOp[]): Promise<void> {
    if (ops.length === 0) return;
    const configs = ops.map((o) => {
      const op = ALTER_OP[o.op];
      if (op === undefined) throw new Error(`unknown config operation ${JSON.stringify((o as { op: unknown }).op)} for ${o.name}`);
      return { name: o.name, configOperation: op, value: o.op === 'delete' ? null : o.value };
    });
    const body: IncrementalAlterConfigsRequest = { resources: [{ resourceType, resourceName, configs }], validateOnly: false };
    const what = resourceType === RESOURCE_TOPIC ? resourceName : resourceName === '' ? 'cluster default broker config' : `broker ${resourceName}`;
    const { resp } = await this.retrying('incrementalAlterConfigs', () =>
      brokerId === null
        ? this.sendAny<IncrementalAlterConfigsResponse>(ApiKey.IncrementalAlterConfigs, () => body)
        : this.sendToBroker<IncrementalAlterConfigsResponse>(brokerId, ApiKey.IncrementalAlterConfigs, () => body),
    );
    const r = resp.responses.find((x) => x.resourceType === resourceType && x.resourceName === resourceName) ?? (resp.responses.length === 1 ? resp.responses[0] : undefined);
    if (r === undefined) throw new KafkaAdminError(ErrorCode.UNKNOWN_SERVER_ERROR, 'no result for the resource in the IncrementalAlterConfigs response', what);
    if (r.errorCode !== ErrorCode.NONE) throw new KafkaAdminError(r.errorCode, r.errorMessage, what);
  }

  /** A topic-level error; NOT_CONTROLLER is retried. */
  private topicError(code: number, message: string | null, topic: string): KafkaAdminError {
    return code === ErrorCode.NOT_CONTROLLER ? new RetriableAdminError(code, message, topic) : new KafkaAdminError(code, message, topic);
  }

  private checkTopLevel(code: number, message: string | null): void {
    if (code === ErrorCode.NONE) return;
    if (code === ErrorCode.NOT_CONTROLLER) throw new RetriableAdminError(code, message);
    throw new KafkaAdminError(code, message);
  }

  /** Metadata for the given topics (null = all) from any broker; the brokers and controller it lists are kept. */
  private async metadata(topics: string[] | null): Promise<MetadataResponse> {
    const { resp } = await this.sendAny<MetadataResponse>(ApiKey.Metadata, (v) => this.metadataRequest(topics, v));
    this.absorb(resp);
    return resp;
  }

  private metadataRequest(topics: string[] | null, version: number): MetadataRequest {
    return {
      // v0 has no null (all topics): its empty list means all.
      topics: topics === null ? (version === 0 ? [] : null) : topics.map((name) => ({ topicId: ZERO_UUID, name })),
      allowAutoTopicCreation: false,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    };
  }

  private absorb(resp: MetadataResponse): ClusterView {
    const brokers = new Map<number, BrokerInfo>();
    for (const b of resp.brokers) brokers.set(b.nodeId, { nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack });
    this.view = { clusterId: resp.clusterId, controllerId: resp.controllerId, brokers, fetchedAt: Date.now() };
    this.stale = false;
    return this.view;
  }

  /** A fresh Metadata request for no topics (one at a time; concurrent callers share it). */
  private refreshMetadata(): Promise<ClusterView> {
    if (this.refreshing === null) {
      const p = this.metadata([]).then(() => this.view!);
      this.refreshing = p;
      const clear = (): void => {
        if (this.refreshing === p) this.refreshing = null;
      };
      p.then(clear, clear);
    }
    return this.refreshing;
  }

  /** The cached cluster view, refreshed when missing, marked stale or too old. */
  private async clusterView(): Promise<ClusterView> {
    const v = this.view;
    if (v !== null && !this.stale && Date.now() - v.fetchedAt < this.metadataMaxAgeMs) return v;
    return this.refreshMetadata();
  }

  /** NetworkClient's address lookup: bootstrap ids -1, -2, ...; brokers by node id; mapAddress applied. */
  private resolve(id: number): BrokerAddress | undefined {
    let addr: BrokerAddress | undefined;
    if (id < 0) {
      addr = this.bootstrap[-id - 1];
    } else {
      const b = this.view?.brokers.get(id);
      if (b !== undefined) addr = { host: b.host, port: b.port };
    }
    if (addr === undefined) return undefined;
    // An exception from mapAddress rejects the request with it (NetworkClient calls this in async code).
    const mapped = this.mapAddress({ ...addr });
    if (!mapped || typeof mapped.host !== 'string' || typeof mapped.port !== 'number') {
      throw new Error(`mapAddress returned ${JSON.stringify(mapped)} for ${addr.host}:${addr.port}`);
    }
    return { host: mapped.host, port: mapped.port };
  }

  /** Where a request for any broker goes, best first: controller, other brokers, bootstrap; recently failed last. */
  private anyNodeCandidates(): number[] {
    const ids: number[] = [];
    const v = this.view;
    if (v !== null) {
      if (v.controllerId >= 0 && v.brokers.has(v.controllerId)) ids.push(v.controllerId);
      for (const id of [...v.brokers.keys()].sort((a, b) => a - b)) if (id !== v.controllerId) ids.push(id);
    }
    this.bootstrap.forEach((_, i) => ids.push(-1 - i));
    const now = Date.now();
    const penalized = (id: number): boolean => now - (this.failedAt.get(id) ?? -Infinity) < FAILED_NODE_PENALTY_MS;
    return [...ids.filter((id) => !penalized(id)), ...ids.filter(penalized)];
  }

  private describeNode(id: number): string {
    if (id < 0) {
      const a = this.bootstrap[-id - 1];
      return a ? `bootstrap ${a.host}:${a.port}` : `bootstrap ${id}`;
    }
    return `broker ${id}`;
  }

  /**
   * Sends to the first broker that answers, in anyNodeCandidates order. Only network errors move on to the
   * next broker; if none answers, rejects with a NetworkError listing each failure.
   */
  private async sendAny<Resp>(apiKey: number, build: (version: number) => unknown): Promise<{ resp: Resp; version: number; nodeId: number }> {
    const errors: string[] = [];
    let last: NetworkError | null = null;
    for (const id of this.anyNodeCandidates()) {
      this.checkOpen();
      try {
        const r = await this.sendTo<Resp>(id, apiKey, build);
        this.failedAt.delete(id);
        return { ...r, nodeId: id };
      } catch (err) {
        if (!(err instanceof NetworkError) || this.closed) throw err;
        this.failedAt.set(id, Date.now());
        this.stale = true;
        last = err;
        errors.push(err.message);
      }
    }
    const reached = this.view === null ? 'no bootstrap broker answered' : 'no broker answered';
    throw new NetworkError(`${apiName(apiKey)}: ${reached}: ${errors.join('; ')}`, last?.address ?? '', -1, { cause: last ?? undefined });
  }

  /** Sends to one broker by id (known from Metadata; refreshed once if unknown). */
  private async sendToBroker<Resp>(brokerId: number, apiKey: number, build: (version: number) => unknown): Promise<{ resp: Resp; version: number }> {
    let view = await this.clusterView();
    if (!view.brokers.has(brokerId)) view = await this.refreshMetadata();
    if (!view.brokers.has(brokerId)) {
      throw new KafkaAdminError(ErrorCode.BROKER_NOT_AVAILABLE, `broker ${brokerId} is not in the cluster metadata (brokers: ${[...view.brokers.keys()].sort((a, b) => a - b).join(',') || 'none'})`, `broker ${brokerId}`);
    }
    try {
      return await this.sendTo<Resp>(brokerId, apiKey, build);
    } catch (err) {
      if (err instanceof NetworkError) this.stale = true; // it may have moved
      throw err;
    }
  }

  /**
   * One request to the controller, retried on network errors and NOT_CONTROLLER (RetriableAdminError thrown by
   * `handle`) after a metadata refresh. The socket timeout leaves the broker time to answer its body timeoutMs.
   */
  private controllerCall<Resp, T>(what: string, apiKey: number, build: (version: number) => unknown, handle: (resp: Resp) => T): Promise<T> {
    return this.retrying(what, async () => {
      const view = await this.clusterView();
      const id = view.controllerId;
      if (id < 0 || !view.brokers.has(id)) {
        throw new RetriableAdminError(ErrorCode.NOT_CONTROLLER, `no active controller in the cluster metadata (controllerId ${id})`);
      }
      let resp: Resp;
      try {
        ({ resp } = await this.sendTo<Resp>(id, apiKey, build, this.requestTimeoutMs + BODY_TIMEOUT_MARGIN_MS));
      } catch (err) {
        if (err instanceof NetworkError) this.failedAt.set(id, Date.now());
        throw err;
      }
      return handle(resp);
    });
  }

  /** Negotiates the version with the broker (cached per connection) and sends. */
  private async sendTo<Resp>(id: number, apiKey: number, build: (version: number) => unknown, timeoutMs = this.requestTimeoutMs): Promise<{ resp: Resp; version: number }> {
    const versions = await this.net.negotiateVersions(id, { timeoutMs: this.requestTimeoutMs });
    const version = versions.max.get(apiKey);
    if (version === undefined) {
      const theirs = versions.peer.get(apiKey);
      const ours = API_BY_KEY.get(apiKey);
      throw new KafkaAdminError(
        ErrorCode.UNSUPPORTED_VERSION,
        `${apiName(apiKey)} ${theirs ? `v${theirs.minVersion}-${theirs.maxVersion}` : 'is not supported'} on ${this.describeNode(id)}` +
          `${ours ? `; this client speaks v${ours.minVersion}-${ours.maxVersion}` : ''}`,
        this.describeNode(id),
      );
    }
    const resp = await this.net.send<Resp>(id, apiKey, version, build(version), { timeoutMs });
    return { resp, version };
  }

  /**
   * Runs `attempt` until it succeeds, fails with a non-retriable error, or the retries / apiTimeoutMs are used
   * up. Retriable: NetworkError and RetriableAdminError; each marks the metadata stale.
   */
  private async retrying<T>(what: string, attempt: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.apiTimeoutMs;
    let last: unknown;
    let n = 0;
    for (;;) {
      this.checkOpen();
      n++;
      try {
        return await attempt();
      } catch (err) {
        if (this.closed) throw err;
        if (!(err instanceof NetworkError) && !(err instanceof RetriableAdminError)) throw err;
        last = err;
        this.stale = true;
        const delay = this.backoff(n - 1);
        if (n > this.retries || Date.now() + delay >= deadline) break;
        await sleep(delay);
      }
    }
    if (last instanceof NetworkError) {
      throw new NetworkError(`${what} failed after ${n} attempt${n === 1 ? '' : 's'}: ${last.message}`, last.address, last.brokerId, { cause: last });
    }
    throw last;
  }

  private backoff(attempt: number): number {
    const d = Math.min(this.retryBackoffMaxMs, this.retryBackoffMs * 2 ** Math.min(attempt, 20));
    return Math.round(d * (0.8 + Math.random() * 0.4));
  }

  private checkOpen(): void {
    if (this.closed) throw new NetworkError('admin client is closed', '', -1);
  }
}
