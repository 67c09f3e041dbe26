// KafkaZkClient: Kafka's ZooKeeper layout (znode paths and JSON as Kafka 3.9 writes them, see zk-json.ts) as typed
// promise operations over node-zookeeper-client, with one-shot watch callbacks, session re-creation after expiry,
// conditional writes (zkVersion) and controller-epoch fencing (every controller write is a multi() that first checks
// /controller_epoch's zkVersion, as Kafka's KafkaZkClient does).
import { EventEmitter } from 'node:events';
import zookeeper from 'node-zookeeper-client';
import type { Client, Event as NzkEvent, Stat as NzkStat, State as NzkState } from 'node-zookeeper-client';
import { childLogger } from '../log.js';
import type { BrokerEndpoint, BrokerInfo } from './store.js';
import {
  type BrokerRegistration,
  type LeaderIsrAndEpoch,
  type ProducerIdBlock,
  type ReassignmentEntry,
  type TopicPartitionRef,
  ZkDataError,
  decodeBrokerRegistration,
  decodeClusterId,
  decodeConfigChangeNotification,
  decodeController,
  decodeControllerEpoch,
  decodeEntityConfig,
  decodePartitionState,
  decodePreferredReplicaElection,
  decodeProducerIdBlock,
  decodeReassignment,
  decodeTopicAssignment,
  encodeBrokerRegistration,
  encodeClusterId,
  encodeConfigChangeNotification,
  encodeController,
  encodeControllerEpoch,
  encodeEntityConfig,
  encodePartitionState,
  encodeProducerIdBlock,
  encodeTopicAssignment,
} from './zk-json.js';

export { ZkDataError };
export type { BrokerRegistration, LeaderIsrAndEpoch, ProducerIdBlock, ReassignmentEntry, TopicPartitionRef };

const log = childLogger('zk-client');

// ---------------------------------------------------------------- paths (Kafka's ZkData)

export const ZkPaths = {
  controller: '/controller',
  controllerEpoch: '/controller_epoch',
  clusterId: '/cluster/id',
  brokerIds: '/brokers/ids',
  broker: (id: number) => `/brokers/ids/${id}`,
  brokerSeqId: '/brokers/seqid',
  topics: '/brokers/topics',
  topic: (t: string) => `/brokers/topics/${t}`,
  topicPartitions: (t: string) => `/brokers/topics/${t}/partitions`,
  topicPartition: (t: string, p: number) => `/brokers/topics/${t}/partitions/${p}`,
  partitionState: (t: string, p: number) => `/brokers/topics/${t}/partitions/${p}/state`,
  config: '/config',
  configEntityType: (type: string) => `/config/${type}`,
  configEntity: (type: string, name: string) => `/config/${type}/${name}`,
  configChanges: '/config/changes',
  configChangePrefix: 'config_change_',
  deleteTopics: '/admin/delete_topics',
  deleteTopic: (t: string) => `/admin/delete_topics/${t}`,
  reassignPartitions: '/admin/reassign_partitions',
  preferredReplicaElection: '/admin/preferred_replica_election',
  isrChangeNotification: '/isr_change_notification',
  logDirEventNotification: '/log_dir_event_notification',
  producerIdBlock: '/latest_producer_id_block',
  consumers: '/consumers',
} as const;

/** Kafka's ZkData.PersistentZkPaths: created (empty) at broker start. */
export const PERSISTENT_ZK_PATHS: readonly string[] = [
  ZkPaths.consumers,
  ZkPaths.brokerIds,
  ZkPaths.topics,
  ZkPaths.configChanges,
  ZkPaths.deleteTopics,
  ZkPaths.brokerSeqId,
  ZkPaths.isrChangeNotification,
  ZkPaths.producerIdBlock,
  ZkPaths.logDirEventNotification,
  ...['topics', 'clients', 'users', 'brokers', 'ips'].map((t) => ZkPaths.configEntityType(t)),
];

/** Kafka's ConfigEntityName.DEFAULT: the cluster-wide default broker config entity. */
export const DEFAULT_BROKER_ENTITY = '<default>';

/**
 * Partitions per multi when creating the partition states of a new topic: 2 znodes each plus data of ~100
 * bytes, well under ZooKeeper's default 1 MiB request limit (jute.maxbuffer).
 */
const CREATE_PARTITIONS_CHUNK = 200;

/** Kafka's ProducerIdsBlock.PRODUCER_ID_BLOCK_SIZE. */
export const PRODUCER_ID_BLOCK_SIZE = 1000;

// ---------------------------------------------------------------- errors

const CODE_NAMES: Record<number, string> = {
  [-1]: 'SYSTEM_ERROR',
  [-2]: 'RUNTIME_INCONSISTENCY',
  [-3]: 'DATA_INCONSISTENCY',
  [-4]: 'CONNECTION_LOSS',
  [-5]: 'MARSHALLING_ERROR',
  [-6]: 'UNIMPLEMENTED',
  [-7]: 'OPERATION_TIMEOUT',
  [-8]: 'BAD_ARGUMENTS',
  [-100]: 'API_ERROR',
  [-101]: 'NO_NODE',
  [-102]: 'NO_AUTH',
  [-103]: 'BAD_VERSION',
  [-108]: 'NO_CHILDREN_FOR_EPHEMERALS',
  [-110]: 'NODE_EXISTS',
  [-111]: 'NOT_EMPTY',
  [-112]: 'SESSION_EXPIRED',
  [-113]: 'INVALID_CALLBACK',
  [-114]: 'INVALID_ACL',
  [-115]: 'AUTH_FAILED',
};

const CONNECTION_LOSS = -4;
const NO_NODE = -101;
const BAD_VERSION = -103;
const NODE_EXISTS = -110;
const NOT_EMPTY = -111;
const SESSION_EXPIRED = -112;

/** A ZooKeeper operation failed with a KeeperException code. */
export class ZkError extends Error {
  constructor(
    readonly code: number,
    readonly path: string | null,
    message?: string,
  ) {
    super(message ?? `ZooKeeper ${CODE_NAMES[code] ?? `error ${code}`}${path !== null ? ` for ${path}` : ''}`);
    this.name = 'ZkError';
  }
  get codeName(): string {
    return CODE_NAMES[this.code] ?? String(this.code);
  }
}

export class NodeExistsError extends ZkError {
  constructor(path: string | null) {
    super(NODE_EXISTS, path);
    this.name = 'NodeExistsError';
  }
}

export class NoNodeError extends ZkError {
  constructor(path: string | null) {
    super(NO_NODE, path);
    this.name = 'NoNodeError';
  }
}

/** A conditional write's expected zkVersion did not match. */
export class BadVersionError extends ZkError {
  constructor(path: string | null) {
    super(BAD_VERSION, path);
    this.name = 'BadVersionError';
  }
}

export class NotEmptyError extends ZkError {
  constructor(path: string | null) {
    super(NOT_EMPTY, path);
    this.name = 'NotEmptyError';
  }
}

/** No ZooKeeper connection within the connection timeout (Kafka's ZooKeeperClientTimeoutException). */
export class ZkConnectionTimeoutError extends Error {
  constructor(ms: number) {
    super(`no ZooKeeper connection within ${ms} ms`);
    this.name = 'ZkConnectionTimeoutError';
  }
}

export class ZkClientClosedError extends Error {
  constructor() {
    super('KafkaZkClient is closed');
    this.name = 'ZkClientClosedError';
  }
}

/** /brokers/ids/<id> exists and belongs to another session (Kafka: "Broker id N is already in use"). */
export class BrokerIdInUseError extends Error {
  constructor(readonly brokerId: number) {
    super(`broker id ${brokerId} is already registered in ZooKeeper by another session`);
    this.name = 'BrokerIdInUseError';
  }
}

export class TopicExistsError extends Error {
  constructor(readonly topic: string) {
    super(`topic '${topic}' already exists`);
    this.name = 'TopicExistsError';
  }
}

export class TopicAlreadyMarkedForDeletionError extends Error {
  constructor(readonly topic: string) {
    super(`topic ${topic} is already marked for deletion`);
    this.name = 'TopicAlreadyMarkedForDeletionError';
  }
}

/** The /controller_epoch zkVersion check of a controller write failed: another controller was elected since. */
export class ControllerMovedError extends Error {
  constructor(readonly expectedEpochZkVersion: number) {
    super(`controller epoch zkVersion check failed (expected ${expectedEpochZkVersion}): controller moved`);
    this.name = 'ControllerMovedError';
  }
}

function zkCode(e: unknown): number | null {
  if (e instanceof ZkError) return e.code;
  const c = (e as { code?: unknown } | null)?.code;
  return typeof c === 'number' ? c : null;
}

function mapError(e: unknown, path: string | null): Error {
  if (e instanceof ZkError || e instanceof ZkDataError) return e;
  const code = zkCode(e);
  if (code === null) return e instanceof Error ? e : new Error(String(e));
  switch (code) {
    case NODE_EXISTS:
      return new NodeExistsError(path);
    case NO_NODE:
      return new NoNodeError(path);
    case BAD_VERSION:
      return new BadVersionError(path);
    case NOT_EMPTY:
      return new NotEmptyError(path);
    default:
      return new ZkError(code, path);
  }
}

// ---------------------------------------------------------------- public types

export interface ZkStat {
  czxid: number;
  mzxid: number;
  pzxid: number;
  ctime: number;
  mtime: number;
  /** The data version (zkVersion) used by conditional writes. */
  version: number;
  cversion: number;
  /** Session id of the owner in hex, '0' for persistent znodes. */
  ephemeralOwner: string;
  dataLength: number;
  numChildren: number;
}

export type ZkWatchEventType = 'created' | 'deleted' | 'dataChanged' | 'childrenChanged';

export interface ZkWatchEvent {
  type: ZkWatchEventType;
  /** Relative to the chroot. */
  path: string;
}

/** One-shot: called at most once, for the first change after the read that set it. Re-arm by reading again. */
export type ZkWatcher = (event: ZkWatchEvent) => void;

export type CreateMode = 'persistent' | 'ephemeral' | 'persistentSequential' | 'ephemeralSequential';

export interface KafkaZkClientOptions {
  /** zookeeper.connect: "h1:p1,h2:p2/chroot". */
  connect: string;
  /** zookeeper.session.timeout.ms (Kafka default 18000). */
  sessionTimeoutMs?: number;
  /** zookeeper.connection.timeout.ms: how long an operation waits for a connection (default = session timeout). */
  connectionTimeoutMs?: number;
}

export interface RegisterBrokerInput {
  id: number;
  rack: string | null;
  endpoints: BrokerEndpoint[];
  /** Accepted for symmetry with the broker config; Kafka writes the map of the advertised endpoints' listeners. */
  listenerSecurityProtocolMap?: Record<string, string>;
  jmxPort?: number;
}

export interface RegisteredBroker {
  info: BrokerInfo;
  /** The broker epoch: czxid of the registration znode. */
  epoch: number;
  registration: BrokerRegistration;
}

export interface TopicAssignment {
  topicId: string | null;
  partitions: Map<number, number[]>;
  adding: Map<number, number[]>;
  removing: Map<number, number[]>;
  zkVersion: number;
}

export type PartitionStateRecord = LeaderIsrAndEpoch & { zkVersion: number };

export interface PartitionStateWrite {
  topic: string;
  partition: number;
  state: Omit<LeaderIsrAndEpoch, 'leaderRecoveryState'> & { leaderRecoveryState?: number };
}

export type PartitionWriteResult =
  | { ok: true; newZkVersion: number }
  | { ok: false; conflict: true }
  | { ok: false; conflict: false; error: Error };

export type ConfigEntityType = 'topics' | 'brokers';

export interface ElectionResult {
  elected: boolean;
  /** The controller epoch after this attempt (ours when elected, else the current one). */
  epoch: number;
  /** /controller_epoch's zkVersion: what every write of this controller must be fenced with. */
  epochZkVersion: number;
}

/** Map key of per-partition results. */
export function partitionKey(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

// ---------------------------------------------------------------- helpers

const MODES: Record<CreateMode, number> = {
  persistent: zookeeper.CreateMode.PERSISTENT,
  ephemeral: zookeeper.CreateMode.EPHEMERAL,
  persistentSequential: zookeeper.CreateMode.PERSISTENT_SEQUENTIAL,
  ephemeralSequential: zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL,
};

function int64(b: Buffer | undefined): number {
  if (!b || b.length !== 8) return 0;
  return Number(b.readBigInt64BE(0));
}

function hex64(b: Buffer | undefined): string {
  if (!b || b.length !== 8) return '0';
  return b.readBigUInt64BE(0).toString(16);
}

function toStat(s: NzkStat): ZkStat {
  return {
    czxid: int64(s.czxid),
    mzxid: int64(s.mzxid),
    pzxid: int64(s.pzxid),
    ctime: int64(s.ctime),
    mtime: int64(s.mtime),
    version: s.version,
    cversion: s.cversion,
    ephemeralOwner: hex64(s.ephemeralOwner),
    dataLength: s.dataLength,
    numChildren: s.numChildren,
  };
}

const EVENT_TYPES: Record<number, ZkWatchEventType> = {
  [zookeeper.Event.NODE_CREATED]: 'created',
  [zookeeper.Event.NODE_DELETED]: 'deleted',
  [zookeeper.Event.NODE_DATA_CHANGED]: 'dataChanged',
  [zookeeper.Event.NODE_CHILDREN_CHANGED]: 'childrenChanged',
};

function splitConnect(connect: string): { servers: string; chroot: string | null } {
  const i = connect.indexOf('/');
  if (i < 0) return { servers: connect, chroot: null };
  const chroot = connect.slice(i).replace(/\/+$/, '');
  return { servers: connect.slice(0, i), chroot: chroot === '' ? null : chroot };
}

interface MultiOp {
  kind: 'create' | 'setData' | 'delete' | 'check';
  path: string;
  data?: Buffer | null;
  version?: number;
  mode?: CreateMode;
}

interface MultiResult {
  type: number;
  err?: number;
  path?: string;
  stat?: NzkStat;
}

/** The outcome of a multi(): ok, or the index and code of the op that failed. */
type MultiOutcome = { ok: true; results: MultiResult[] } | { ok: false; index: number; code: number };

// ---------------------------------------------------------------- the client

export class KafkaZkClient {
  private zk: Client;
  private connected = false;
  private closed = false;
  private reconnectWatchdog: NodeJS.Timeout | undefined;
  private readonly events = new EventEmitter();
  /** Wrappers per user watcher, so a re-armed watcher is one ZooKeeper watcher (fires once), as in Kafka. */
  private readonly watcherWrappers = new WeakMap<ZkWatcher, (e: NzkEvent) => void>();
  private sessionHex = '0';
  private sessions = 0;

  private constructor(
    private readonly connectString: string,
    readonly sessionTimeoutMs: number,
    readonly connectionTimeoutMs: number,
  ) {
    this.events.setMaxListeners(0);
    this.zk = this.newClient();
  }

  /**
   * Connects (creating the chroot if missing, as Kafka does) and creates Kafka's persistent top-level paths.
   *
   * The chrooted session is opened at once, in parallel with the short-lived root session that creates the
   * chroot (a session needs no existing chroot to be established; only its operations do), and both path
   * creations are pipelined (see createPathsPipelined): on a fresh chroot this is a few round trips instead
   * of ~20 sequential ones plus a second session set-up.
   */
  static async connect(opts: KafkaZkClientOptions): Promise<KafkaZkClient> {
    const sessionTimeoutMs = opts.sessionTimeoutMs ?? 18_000;
    const connectionTimeoutMs = opts.connectionTimeoutMs ?? sessionTimeoutMs;
    const { servers, chroot } = splitConnect(opts.connect);
    const c = new KafkaZkClient(opts.connect, sessionTimeoutMs, connectionTimeoutMs);
    try {
      if (chroot !== null) {
        const boot = new KafkaZkClient(servers, sessionTimeoutMs, connectionTimeoutMs);
        try {
          await boot.waitConnected(Date.now() + connectionTimeoutMs);
          await boot.createPathsPipelined([chroot]);
        } finally {
          // Closing is ZooKeeper's business from here on; nothing waits for it.
          void boot.close();
        }
      }
      await c.waitConnected(Date.now() + connectionTimeoutMs);
      await c.createTopLevelPaths();
    } catch (e) {
      await c.close();
      throw e;
    }
    return c;
  }

  /** 'connected' (every (re)connection), 'disconnected', 'newSession' (after an expiry: ephemerals and watches
   * of the old session are gone; owners re-register and re-arm). */
  on(event: 'newSession' | 'disconnected' | 'connected', cb: () => void): this {
    this.events.on(event, cb);
    return this;
  }

  off(event: 'newSession' | 'disconnected' | 'connected', cb: () => void): this {
    this.events.off(event, cb);
    return this;
  }

  /** The current session id in hex ('0' before the first connection). */
  get sessionId(): string {
    return this.sessionHex;
  }

  /** The current session's id and password (tests use them to force an expiry). */
  sessionCredentials(): { id: Buffer; password: Buffer } {
    return { id: this.zk.getSessionId(), password: this.zk.getSessionPassword() };
  }

  isConnected(): boolean {
    return this.connected;
  }

  /** Closes the session (its ephemeral znodes go away at once). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.connected = false;
    this.clearReconnectWatchdog();
    const zk = this.zk;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2000);
      zk.once('disconnected', () => {
        clearTimeout(timer);
        resolve();
      });
      zk.close();
    });
    this.events.emit('closed');
  }

  // ---------------------------------------------------------------- session handling

  private newClient(): Client {
    // retries 0: retrying on connection loss is done here, once, for every operation.
    const zk = zookeeper.createClient(this.connectString, {
      sessionTimeout: this.sessionTimeoutMs,
      spinDelay: 200,
      retries: 0,
    });
    zk.on('state', (state: NzkState) => this.onState(zk, state));
    zk.connect();
    return zk;
  }

  private onState(zk: Client, state: NzkState): void {
    if (zk !== this.zk || this.closed) return;
    const S = zookeeper.State;
    if (state.code === S.SYNC_CONNECTED.code) {
      this.clearReconnectWatchdog();
      const hex = hex64(zk.getSessionId());
      const isNewSession = hex !== this.sessionHex;
      this.sessionHex = hex;
      this.connected = true;
      if (isNewSession) this.sessions++;
      log.info({ session: hex, newSession: isNewSession }, 'connected to ZooKeeper');
      this.events.emit('connected');
      this.events.emit('_connected');
      if (isNewSession && this.sessions > 1) this.events.emit('newSession');
    } else if (state.code === S.DISCONNECTED.code) {
      this.connected = false;
      log.warn({ session: this.sessionHex }, 'disconnected from ZooKeeper');
      this.events.emit('disconnected');
      this.armReconnectWatchdog(zk);
    } else if (state.code === S.EXPIRED.code) {
      this.clearReconnectWatchdog();
      this.connected = false;
      log.warn({ session: this.sessionHex }, 'ZooKeeper session expired: creating a new session');
      this.events.emit('disconnected');
      try {
        zk.close();
      } catch {
        /* the expired client is unusable anyway */
      }
      this.zk = this.newClient();
    } else if (state.code === S.AUTH_FAILED.code) {
      log.error('ZooKeeper authentication failed');
    }
  }

  /**
   * node-zookeeper-client can stay disconnected for good after a ZooKeeper server restart (seen after kill -9
   * of a single-node ensemble that came back on the same port): it neither reconnects nor reports the
   * expiry. Past the session timeout the session is gone on the server anyway, so a client still disconnected
   * then is replaced by a new one, which is what an expiry would have done (new session, re-registration).
   */
  private armReconnectWatchdog(zk: Client): void {
    this.clearReconnectWatchdog();
    this.reconnectWatchdog = setTimeout(() => {
      this.reconnectWatchdog = undefined;
      if (zk !== this.zk || this.closed || this.connected) return;
      log.warn({ session: this.sessionHex, afterMs: this.reconnectWatchdogMs }, 'still disconnected from ZooKeeper: starting a new session');
      try {
        zk.close();
      } catch {
        /* replaced either way */
      }
      this.zk = this.newClient();
      this.armReconnectWatchdog(this.zk);
    }, this.reconnectWatchdogMs);
    this.reconnectWatchdog.unref?.();
  }

  private clearReconnectWatchdog(): void {
    if (this.reconnectWatchdog) clearTimeout(this.reconnectWatchdog);
    this.reconnectWatchdog = undefined;
  }

  private get reconnectWatchdogMs(): number {
    return Math.round(this.sessionTimeoutMs * 1.5) + 1000;
  }

  private waitConnected(deadline: number): Promise<Client> {
    if (this.closed) return Promise.reject(new ZkClientClosedError());
    if (this.connected) return Promise.resolve(this.zk);
    return new Promise((resolve, reject) => {
      const onConnected = (): void => {
        cleanup();
        resolve(this.zk);
      };
      const onClosed = (): void => {
        cleanup();
        reject(new ZkClientClosedError());
      };
      const timer = setTimeout(
        () => {
          cleanup();
          reject(new ZkConnectionTimeoutError(this.connectionTimeoutMs));
        },
        Math.max(0, deadline - Date.now()),
      );
      const cleanup = (): void => {
        clearTimeout(timer);
        this.events.off('_connected', onConnected);
        this.events.off('closed', onClosed);
      };
      this.events.on('_connected', onConnected);
      this.events.on('closed', onClosed);
    });
  }

  /**
   * Runs `fn` on a connected client, again after a connection loss or a session expiry (like Kafka's
   * retryRequestUntilConnected), until the connection timeout. Errors come out mapped to the classes above.
   */
  private async run<T>(path: string | null, fn: (zk: Client) => Promise<T>): Promise<T> {
    const deadline = Date.now() + Math.max(this.connectionTimeoutMs, this.sessionTimeoutMs);
    for (let attempt = 0; ; attempt++) {
      const zk = await this.waitConnected(deadline);
      try {
        return await fn(zk);
      } catch (e) {
        const code = zkCode(e);
        if ((code === CONNECTION_LOSS || code === SESSION_EXPIRED) && !this.closed && Date.now() < deadline) {
          log.debug({ path, code, attempt }, 'ZooKeeper request lost, retrying once connected');
          // Let the state machine notice the disconnect before waiting for the next connection.
          if (this.zk === zk && this.connected) await new Promise((r) => setTimeout(r, 50));
          continue;
        }
        throw mapError(e, path);
      }
    }
  }

  private wrap(watch: ZkWatcher | undefined): ((e: NzkEvent) => void) | undefined {
    if (!watch) return undefined;
    let w = this.watcherWrappers.get(watch);
    if (!w) {
      w = (e: NzkEvent) => {
        const type = EVENT_TYPES[e.getType()];
        if (!type) return;
        try {
          watch({ type, path: e.getPath() });
        } catch (err) {
          log.error({ err, path: e.getPath() }, 'ZooKeeper watcher threw');
        }
      };
      this.watcherWrappers.set(watch, w);
    }
    return w;
  }

  // ---------------------------------------------------------------- generic operations

  /** Stat of the znode or null; `watch` fires on its creation, deletion or data change. */
  exists(path: string, watch?: ZkWatcher): Promise<ZkStat | null> {
    const w = this.wrap(watch);
    return this.run(path, (zk) => new Promise((resolve, reject) => {
      const cb = (err: unknown, stat: NzkStat): void => {
        if (err) reject(err);
        else resolve(stat ? toStat(stat) : null);
      };
      if (w) zk.exists(path, w, cb);
      else zk.exists(path, cb);
    }));
  }

  /** Data (null for a znode created without data) and stat, or null if absent; `watch` fires on change/deletion. */
  getData(path: string, watch?: ZkWatcher): Promise<{ data: Buffer | null; stat: ZkStat } | null> {
    const w = this.wrap(watch);
    return this.run(path, (zk) => new Promise((resolve, reject) => {
      const cb = (err: unknown, data: Buffer, stat: NzkStat): void => {
        if (zkCode(err) === NO_NODE) resolve(null);
        else if (err) reject(err);
        else resolve({ data: data ?? null, stat: toStat(stat) });
      };
      if (w) zk.getData(path, w, cb);
      else zk.getData(path, cb);
    }));
  }

  /** Children names (unsorted, as ZooKeeper returns them) or null if absent; `watch` fires on child changes. */
  getChildren(path: string, watch?: ZkWatcher): Promise<string[] | null> {
    const w = this.wrap(watch);
    return this.run(path, (zk) => new Promise((resolve, reject) => {
      const cb = (err: unknown, children: string[]): void => {
        if (zkCode(err) === NO_NODE) resolve(null);
        else if (err) reject(err);
        else resolve(children);
      };
      if (w) zk.getChildren(path, w, cb);
      else zk.getChildren(path, cb);
    }));
  }

  /** Creates one znode; returns its path (with the sequence suffix for sequential modes). */
  create(path: string, data: Buffer | null, mode: CreateMode = 'persistent'): Promise<string> {
    return this.run(path, (zk) => new Promise((resolve, reject) => {
      zk.create(path, data as Buffer, MODES[mode], (err, created) => (err ? reject(err) : resolve(created)));
    }));
  }

  /** Conditional setData (expectedVersion -1: any); BadVersionError / NoNodeError on mismatch. */
  setData(path: string, data: Buffer | null, expectedVersion = -1): Promise<ZkStat> {
    return this.run(path, (zk) => new Promise((resolve, reject) => {
      zk.setData(path, data, expectedVersion, (err, stat) => (err ? reject(err) : resolve(toStat(stat))));
    }));
  }

  /** Conditional delete (expectedVersion -1: any). */
  delete(path: string, expectedVersion = -1): Promise<void> {
    return this.run(path, (zk) => new Promise((resolve, reject) => {
      zk.remove(path, expectedVersion, (err) => (err ? reject(err) : resolve()));
    }));
  }

  /**
   * Creates `path` with `data`, creating missing parents (empty), like Kafka's createRecursive. NodeExistsError if
   * `path` itself exists, unless ignoreExists.
   */
  async createRecursive(
    path: string,
    data: Buffer | null = null,
    opts: { mode?: CreateMode; ignoreExists?: boolean } = {},
  ): Promise<void> {
    const mode = opts.mode ?? 'persistent';
    try {
      await this.create(path, data, mode);
      return;
    } catch (e) {
      if (e instanceof NodeExistsError) {
        if (opts.ignoreExists) return;
        throw e;
      }
      if (!(e instanceof NoNodeError)) throw e;
    }
    // Parents missing: create each ancestor top-down (concurrent creators make NODE_EXISTS harmless).
    const parts = path.split('/').filter((p) => p !== '');
    for (let i = 1; i < parts.length; i++) {
      const p = '/' + parts.slice(0, i).join('/');
      try {
        await this.create(p, null, 'persistent');
      } catch (e) {
        if (!(e instanceof NodeExistsError)) throw e;
      }
    }
    try {
      await this.create(path, data, mode);
    } catch (e) {
      if (e instanceof NodeExistsError && opts.ignoreExists) return;
      throw e;
    }
  }

  /**
   * Deletes a znode and everything under it (children first). With a controller epoch zkVersion, each delete is
   * fenced (ControllerMovedError). False if `path` did not exist.
   */
  async deleteRecursive(path: string, controllerEpochZkVersion = -1): Promise<boolean> {
    const children = await this.getChildren(path);
    if (children === null) return false;
    for (const c of children) await this.deleteRecursive(`${path === '/' ? '' : path}/${c}`, controllerEpochZkVersion);
    try {
      if (controllerEpochZkVersion >= 0) {
        await this.fencedMulti([{ kind: 'delete', path, version: -1 }], controllerEpochZkVersion);
      } else {
        await this.delete(path);
      }
    } catch (e) {
      if (!(e instanceof NoNodeError)) throw e;
    }
    return true;
  }

  /** Kafka's createTopLevelPaths: the persistent paths every broker makes sure of at start. */
  async createTopLevelPaths(): Promise<void> {
    await this.createPathsPipelined(PERSISTENT_ZK_PATHS);
  }

  /**
   * Makes sure every path (and its ancestors) exists as a persistent znode without data, like
   * createRecursive(p, null, { ignoreExists: true }) for each, but with all creates in flight at once: a
   * session's requests are executed in order, so parents listed before their children are created first,
   * and ZooKeeper commits the whole pipeline in few log syncs. Anything unexpected (a create failing with
   * other than NODE_EXISTS, e.g. a parent removed meanwhile) falls back to the one-by-one createRecursive.
   */
  async createPathsPipelined(paths: readonly string[]): Promise<void> {
    const all: string[] = [];
    const seen = new Set<string>();
    for (const path of paths) {
      const parts = path.split('/').filter((p) => p !== '');
      for (let i = 1; i <= parts.length; i++) {
        const p = '/' + parts.slice(0, i).join('/');
        if (!seen.has(p)) {
          seen.add(p);
          all.push(p);
        }
      }
    }
    const results = await Promise.allSettled(all.map((p) => this.create(p, null, 'persistent')));
    const failed = results.some((r) => r.status === 'rejected' && !(r.reason instanceof NodeExistsError));
    if (failed) for (const p of paths) await this.createRecursive(p, null, { ignoreExists: true });
  }

  // ---------------------------------------------------------------- multi

  /** Runs ops atomically; reports which op failed instead of throwing for op-level errors. */
  private multi(ops: MultiOp[]): Promise<MultiOutcome> {
    const path = ops.find((o) => o.kind !== 'check')?.path ?? ops[0]?.path ?? null;
    return this.run(path, (zk) => new Promise((resolve, reject) => {
      const tx = zk.transaction();
      // node-zookeeper-client's Transaction turns version 0 into -1 (`version || -1`): set versions directly.
      const txOps = (tx as unknown as { ops: { version?: number }[] }).ops;
      for (const op of ops) {
        switch (op.kind) {
          case 'create':
            tx.create(op.path, (op.data ?? undefined) as Buffer, MODES[op.mode ?? 'persistent']);
            break;
          case 'setData':
            tx.setData(op.path, op.data ?? null, -1);
            txOps[txOps.length - 1].version = op.version ?? -1;
            break;
          case 'delete':
            tx.remove(op.path, -1);
            txOps[txOps.length - 1].version = op.version ?? -1;
            break;
          case 'check':
            tx.check(op.path, -1);
            txOps[txOps.length - 1].version = op.version ?? -1;
            break;
        }
      }
      tx.commit((err, results: MultiResult[] | undefined) => {
        if (Array.isArray(results)) {
          const idx = results.findIndex((r) => r.err !== undefined && r.err !== 0);
          if (idx >= 0) {
            resolve({ ok: false, index: idx, code: results[idx].err as number });
            return;
          }
          if (!err) {
            resolve({ ok: true, results });
            return;
          }
        }
        reject(err ?? new Error('multi returned no results'));
      });
    }));
  }

  /** A controller write: check(/controller_epoch, version) + ops, as Kafka's wrapRequestWithControllerEpochCheck. */
  private async fencedMulti(ops: MultiOp[], controllerEpochZkVersion: number): Promise<MultiResult[]> {
    const all: MultiOp[] =
      controllerEpochZkVersion >= 0
        ? [{ kind: 'check', path: ZkPaths.controllerEpoch, version: controllerEpochZkVersion }, ...ops]
        : ops;
    const out = await this.multi(all);
    if (out.ok) return controllerEpochZkVersion >= 0 ? out.results.slice(1) : out.results;
    if (controllerEpochZkVersion >= 0 && out.index === 0) {
      if (out.code === BAD_VERSION || out.code === NO_NODE) throw new ControllerMovedError(controllerEpochZkVersion);
      throw mapError({ code: out.code }, ZkPaths.controllerEpoch);
    }
    const op = all[out.index];
    throw mapError({ code: out.code }, op?.path ?? null);
  }

  // ---------------------------------------------------------------- cluster id

  /** Kafka's getClusterId.getOrElse(createOrGetClusterId(proposed)). */
  async getOrCreateClusterId(proposed: string): Promise<string> {
    const existing = await this.getData(ZkPaths.clusterId);
    if (existing) return decodeClusterId(existing.data);
    // Parent and node pipelined (a session's requests run in order): one round trip on a fresh ZooKeeper.
    const [, made] = await Promise.allSettled([
      this.create('/cluster', null, 'persistent'),
      this.create(ZkPaths.clusterId, encodeClusterId(proposed), 'persistent'),
    ]);
    if (made.status === 'fulfilled') return proposed;
    try {
      // Another broker won the race (NODE_EXISTS: read its id below), or something else went wrong: the
      // one-by-one way, which reports it.
      if (made.reason instanceof NodeExistsError) throw made.reason;
      await this.createRecursive(ZkPaths.clusterId, encodeClusterId(proposed));
      return proposed;
    } catch (e) {
      if (!(e instanceof NodeExistsError)) throw e;
      const now = await this.getData(ZkPaths.clusterId);
      if (!now) throw new NoNodeError(ZkPaths.clusterId);
      return decodeClusterId(now.data);
    }
  }

  // ---------------------------------------------------------------- brokers

  /**
   * Registers the broker: ephemeral /brokers/ids/<id>, created empty and filled in the same multi (as Kafka's
   * CheckedEphemeral, so the znode has dataVersion 1). Returns the broker epoch (the znode's czxid). An existing
   * znode of this same session (a retried create) counts as success; of another session, BrokerIdInUseError.
   */
  async registerBroker(info: RegisterBrokerInput, recreatedPaths = false): Promise<number> {
    const path = ZkPaths.broker(info.id);
    const data = encodeBrokerRegistration({
      endpoints: info.endpoints,
      rack: info.rack,
      jmxPort: info.jmxPort ?? -1,
      timestampMs: Date.now(),
    });
    const out = await this.multi([
      { kind: 'create', path, data: null, mode: 'ephemeral' },
      { kind: 'setData', path, data, version: 0 },
    ]);
    if (out.ok) {
      const stat = out.results[1]?.stat;
      if (!stat) throw new Error(`no stat in the registration result of ${path}`);
      log.info({ brokerId: info.id, epoch: int64(stat.czxid) }, 'registered broker in ZooKeeper');
      return int64(stat.czxid);
    }
    if (out.code === NODE_EXISTS) {
      const stat = await this.exists(path);
      if (stat && stat.ephemeralOwner === this.sessionHex) return stat.czxid;
      throw new BrokerIdInUseError(info.id);
    }
    if (out.code === NO_NODE && !recreatedPaths) {
      // /brokers/ids missing (a wiped ZooKeeper): recreate the top-level paths once and retry.
      await this.createTopLevelPaths();
      return this.registerBroker(info, true);
    }
    throw mapError({ code: out.code }, path);
  }

  /** Registered broker ids, ascending; `watch` fires when a broker registers or goes away. */
  async getBrokerIds(watch?: ZkWatcher): Promise<number[]> {
    const children = (await this.getChildren(ZkPaths.brokerIds, watch)) ?? [];
    return children
      .filter((c) => /^\d+$/.test(c))
      .map(Number)
      .sort((a, b) => a - b);
  }

  async getBroker(id: number, watch?: ZkWatcher): Promise<RegisteredBroker | null> {
    const r = await this.getData(ZkPaths.broker(id), watch);
    if (!r) return null;
    const registration = decodeBrokerRegistration(id, r.data);
    return { info: registration.info, epoch: r.stat.czxid, registration };
  }

  /** All registered brokers, by id; a broker whose registration cannot be parsed is logged and skipped. */
  async getAllBrokers(): Promise<RegisteredBroker[]> {
    const ids = await this.getBrokerIds();
    const all = await Promise.all(
      ids.map(async (id) => {
        try {
          return await this.getBroker(id);
        } catch (e) {
          if (e instanceof ZkDataError) {
            log.error({ brokerId: id, err: e.message }, 'skipping unparsable broker registration');
            return null;
          }
          throw e;
        }
      }),
    );
    return all.filter((b): b is RegisteredBroker => b !== null);
  }

  // ---------------------------------------------------------------- controller

  /** The active controller's broker id, -1 if none; `watch` fires when /controller is created, changed or deleted. */
  async getControllerId(watch?: ZkWatcher): Promise<number> {
    // exists() sets a watch that also covers creation, which getData() cannot do.
    const stat = await this.exists(ZkPaths.controller, watch);
    if (!stat) return -1;
    const r = await this.getData(ZkPaths.controller);
    if (!r) return -1;
    return decodeController(r.data).brokerId;
  }

  /** Current controller epoch and /controller_epoch's zkVersion, or null before the first election. */
  async getControllerEpoch(): Promise<{ epoch: number; zkVersion: number } | null> {
    const r = await this.getData(ZkPaths.controllerEpoch);
    if (!r) return null;
    return { epoch: decodeControllerEpoch(r.data), zkVersion: r.stat.version };
  }

  /**
   * Kafka's registerControllerAndIncrementControllerEpoch: read (or create as 0) /controller_epoch, then atomically
   * create the ephemeral /controller and set /controller_epoch to epoch+1 conditioned on the version just read.
   */
  async tryElectController(brokerId: number): Promise<ElectionResult> {
    let cur = await this.getControllerEpoch();
    if (!cur) {
      try {
        await this.create(ZkPaths.controllerEpoch, encodeControllerEpoch(0));
        cur = { epoch: 0, zkVersion: 0 };
      } catch (e) {
        if (!(e instanceof NodeExistsError)) throw e;
        cur = await this.getControllerEpoch();
        if (!cur) throw new Error('/controller_epoch vanished while electing');
      }
    }
    const newEpoch = cur.epoch + 1;
    const out = await this.multi([
      { kind: 'create', path: ZkPaths.controller, data: encodeController(brokerId, Date.now()), mode: 'ephemeral' },
      { kind: 'setData', path: ZkPaths.controllerEpoch, data: encodeControllerEpoch(newEpoch), version: cur.zkVersion },
    ]);
    if (out.ok) {
      const stat = out.results[1]?.stat;
      const epochZkVersion = stat ? stat.version : cur.zkVersion + 1;
      log.info({ brokerId, epoch: newEpoch, epochZkVersion }, 'elected controller');
      return { elected: true, epoch: newEpoch, epochZkVersion };
    }
    if (out.code === NODE_EXISTS || out.code === BAD_VERSION) {
      // As Kafka's checkControllerAndEpoch: a retried multi of ours may have succeeded before a connection loss.
      const controller = await this.getControllerId();
      const now = await this.getControllerEpoch();
      if (controller === brokerId && now && now.epoch === newEpoch) {
        return { elected: true, epoch: newEpoch, epochZkVersion: now.zkVersion };
      }
      return { elected: false, epoch: now?.epoch ?? cur.epoch, epochZkVersion: now?.zkVersion ?? cur.zkVersion };
    }
    throw mapError({ code: out.code }, ZkPaths.controller);
  }

  /** Deletes /controller if this broker holds it (conditional on the version read, so never someone else's). */
  async resignController(brokerId: number): Promise<void> {
    const r = await this.getData(ZkPaths.controller);
    if (!r) return;
    let holder: number;
    try {
      holder = decodeController(r.data).brokerId;
    } catch {
      return;
    }
    if (holder !== brokerId) return;
    try {
      await this.delete(ZkPaths.controller, r.stat.version);
    } catch (e) {
      if (!(e instanceof NoNodeError) && !(e instanceof BadVersionError)) throw e;
    }
  }

  // ---------------------------------------------------------------- topics

  /** Topic names under /brokers/topics, sorted; `watch` fires when a topic znode is added or removed. */
  async getAllTopics(watch?: ZkWatcher): Promise<string[]> {
    return ((await this.getChildren(ZkPaths.topics, watch)) ?? []).sort();
  }

  async getTopicAssignment(topic: string, watch?: ZkWatcher): Promise<TopicAssignment | null> {
    const r = await this.getData(ZkPaths.topic(topic), watch);
    if (!r) return null;
    const a = decodeTopicAssignment(topic, r.data);
    return {
      topicId: a.topicId,
      partitions: a.partitions,
      adding: a.addingReplicas,
      removing: a.removingReplicas,
      zkVersion: r.stat.version,
    };
  }

  /**
   * Creates a topic as Kafka's AdminZkClient.createTopicWithAssignment: the config znode first (so a broker that
   * sees the topic also finds its configs), then /brokers/topics/<t> (TopicExistsError if it exists). The controller
   * notices the new child of /brokers/topics and creates the partition states.
   */
  async createTopic(
    topic: string,
    topicId: string,
    assignment: number[][],
    configs: Record<string, string> = {},
  ): Promise<void> {
    if (await this.exists(ZkPaths.topic(topic))) throw new TopicExistsError(topic);
    const partitions = new Map(assignment.map((replicas, p) => [p, replicas] as [number, number[]]));
    // Usually neither znode exists: both creates in one multi (one round trip and one log sync instead of
    // three writes; the config still comes first and, atomic, the topic is never seen without it). A left-over
    // config znode or missing parents take Kafka's sequence below.
    const configPath = ZkPaths.configEntity('topics', topic);
    const out = await this.multi([
      { kind: 'create', path: configPath, data: encodeEntityConfig(configs) },
      { kind: 'create', path: ZkPaths.topic(topic), data: encodeTopicAssignment({ topicId, partitions }) },
    ]);
    if (out.ok) return;
    if (out.index === 1 && out.code === NODE_EXISTS) throw new TopicExistsError(topic);
    await this.writeEntityConfig('topics', topic, configs);
    try {
      await this.createRecursive(ZkPaths.topic(topic), encodeTopicAssignment({ topicId, partitions }));
    } catch (e) {
      if (e instanceof NodeExistsError) throw new TopicExistsError(topic);
      throw e;
    }
  }

  /**
   * Rewrites a topic's assignment (adding partitions, reassignment). Conditional on `expectedZkVersion` (-1: any),
   * fenced by the controller epoch when `controllerEpochZkVersion` >= 0. Returns the new zkVersion.
   */
  async setTopicAssignment(
    topic: string,
    topicId: string | null,
    partitions: ReadonlyMap<number, readonly number[]>,
    adding: ReadonlyMap<number, readonly number[]> = new Map(),
    removing: ReadonlyMap<number, readonly number[]> = new Map(),
    expectedZkVersion = -1,
    controllerEpochZkVersion = -1,
  ): Promise<number> {
    const data = encodeTopicAssignment({ topicId, partitions, addingReplicas: adding, removingReplicas: removing });
    const res = await this.fencedMulti(
      [{ kind: 'setData', path: ZkPaths.topic(topic), data, version: expectedZkVersion }],
      controllerEpochZkVersion,
    );
    return res[0]?.stat?.version ?? -1;
  }

  // ---------------------------------------------------------------- partition states

  /** Leader/ISR state of each partition that has one (absent ones are left out of the map). */
  async getPartitionStates(partitions: readonly TopicPartitionRef[]): Promise<Map<string, PartitionStateRecord>> {
    const out = new Map<string, PartitionStateRecord>();
    await Promise.all(
      partitions.map(async ({ topic, partition }) => {
        const path = ZkPaths.partitionState(topic, partition);
        const r = await this.getData(path);
        if (!r) return;
        out.set(partitionKey(topic, partition), { ...decodePartitionState(path, r.data), zkVersion: r.stat.version });
      }),
    );
    return out;
  }

  /**
   * Creates the state znodes of new partitions (and their /partitions and /partitions/<p> parents), each write
   * fenced by the controller epoch. An existing state znode is a conflict. ControllerMovedError if fenced.
   */
  async createPartitionStates(
    list: readonly PartitionStateWrite[],
    controllerEpochZkVersion: number,
  ): Promise<Map<string, PartitionWriteResult>> {
    // New topics (the usual case): per topic, the parents and states of up to CREATE_PARTITIONS_CHUNK
    // partitions in one fenced multi. Any failure other than the fence (something already exists, a parent is
    // missing) sends that chunk through the general path below, which reports per partition.
    const byTopic = new Map<string, PartitionStateWrite[]>();
    for (const w of list) {
      let l = byTopic.get(w.topic);
      if (!l) byTopic.set(w.topic, (l = []));
      l.push(w);
    }
    const fast = new Map<string, PartitionWriteResult>();
    const slow: PartitionStateWrite[] = [];
    await Promise.all(
      [...byTopic].map(async ([topic, writes]) => {
        for (let i = 0; i < writes.length; i += CREATE_PARTITIONS_CHUNK) {
          const chunk = writes.slice(i, i + CREATE_PARTITIONS_CHUNK);
          const ops: MultiOp[] = i === 0 ? [{ kind: 'create', path: ZkPaths.topicPartitions(topic) }] : [];
          for (const w of chunk) ops.push({ kind: 'create', path: ZkPaths.topicPartition(w.topic, w.partition) });
          for (const w of chunk) {
            ops.push({ kind: 'create', path: ZkPaths.partitionState(w.topic, w.partition), data: encodePartitionState(w.state) });
          }
          try {
            await this.fencedMulti(ops, controllerEpochZkVersion);
            for (const w of chunk) fast.set(partitionKey(w.topic, w.partition), { ok: true, newZkVersion: 0 });
          } catch (e) {
            if (e instanceof ControllerMovedError) throw e;
            slow.push(...chunk);
          }
        }
      }),
    );
    if (slow.length === 0) return fast;
    const rest = await this.createPartitionStatesOneByOne(slow, controllerEpochZkVersion);
    for (const [k, v] of rest) fast.set(k, v);
    return fast;
  }

  /** createPartitionStates with one fenced write per znode: parents ignoring NODE_EXISTS, then each state. */
  private async createPartitionStatesOneByOne(
    list: readonly PartitionStateWrite[],
    controllerEpochZkVersion: number,
  ): Promise<Map<string, PartitionWriteResult>> {
    const ignoreExists = async (op: MultiOp): Promise<void> => {
      try {
        await this.fencedMulti([op], controllerEpochZkVersion);
      } catch (e) {
        if (!(e instanceof NodeExistsError)) throw e;
      }
    };
    // Parents first, like Kafka's createTopicPartitions / createTopicPartition.
    const topics = [...new Set(list.map((w) => w.topic))];
    await Promise.all(topics.map((t) => ignoreExists({ kind: 'create', path: ZkPaths.topicPartitions(t) })));
    await Promise.all(
      list.map((w) => ignoreExists({ kind: 'create', path: ZkPaths.topicPartition(w.topic, w.partition) })),
    );
    return this.partitionWrites(list, controllerEpochZkVersion, (w) => ({
      kind: 'create',
      path: ZkPaths.partitionState(w.topic, w.partition),
      data: encodePartitionState(w.state),
    }));
  }

  /**
   * Conditional updates of partition states (Kafka's updateLeaderAndIsr): BAD_VERSION is a conflict for that
   * partition (re-read and retry); the whole call throws ControllerMovedError when fenced.
   */
  async updatePartitionStates(
    list: readonly (PartitionStateWrite & { expectedZkVersion: number })[],
    controllerEpochZkVersion: number,
  ): Promise<Map<string, PartitionWriteResult>> {
    return this.partitionWrites(list, controllerEpochZkVersion, (w) => ({
      kind: 'setData',
      path: ZkPaths.partitionState(w.topic, w.partition),
      data: encodePartitionState(w.state),
      version: w.expectedZkVersion,
    }));
  }

  private async partitionWrites<W extends PartitionStateWrite>(
    list: readonly W[],
    controllerEpochZkVersion: number,
    toOp: (w: W) => MultiOp,
  ): Promise<Map<string, PartitionWriteResult>> {
    const out = new Map<string, PartitionWriteResult>();
    let moved: ControllerMovedError | null = null;
    await Promise.all(
      list.map(async (w) => {
        const key = partitionKey(w.topic, w.partition);
        const op = toOp(w);
        try {
          const res = await this.fencedMulti([op], controllerEpochZkVersion);
          out.set(key, { ok: true, newZkVersion: op.kind === 'create' ? 0 : (res[0]?.stat?.version ?? -1) });
        } catch (e) {
          if (e instanceof ControllerMovedError) moved = e;
          else if (
            (op.kind === 'create' && e instanceof NodeExistsError) ||
            (op.kind === 'setData' && e instanceof BadVersionError)
          ) {
            out.set(key, { ok: false, conflict: true });
          } else out.set(key, { ok: false, conflict: false, error: e as Error });
        }
      }),
    );
    if (moved) throw moved;
    return out;
  }

  // ---------------------------------------------------------------- topic deletion

  /** Topics queued under /admin/delete_topics, sorted; `watch` fires when the queue changes. */
  async getTopicDeletions(watch?: ZkWatcher): Promise<string[]> {
    return ((await this.getChildren(ZkPaths.deleteTopics, watch)) ?? []).sort();
  }

  /** Kafka's AdminZkClient.deleteTopic: NoNodeError if the topic does not exist. */
  async markTopicForDeletion(topic: string): Promise<void> {
    if (!(await this.exists(ZkPaths.topic(topic)))) throw new NoNodeError(ZkPaths.topic(topic));
    try {
      await this.createRecursive(ZkPaths.deleteTopic(topic));
    } catch (e) {
      if (e instanceof NodeExistsError) throw new TopicAlreadyMarkedForDeletionError(topic);
      throw e;
    }
  }

  /** The controller's final step of a topic deletion: /brokers/topics/<t> (recursively) and /config/topics/<t>. */
  async deleteTopicZNodes(topic: string, controllerEpochZkVersion: number): Promise<void> {
    await this.deleteRecursive(ZkPaths.topic(topic), controllerEpochZkVersion);
    await this.deleteRecursive(ZkPaths.configEntity('topics', topic), controllerEpochZkVersion);
  }

  async removeTopicDeletion(topic: string, controllerEpochZkVersion = -1): Promise<void> {
    await this.deleteRecursive(ZkPaths.deleteTopic(topic), controllerEpochZkVersion);
  }

  // ---------------------------------------------------------------- configs

  /** An entity's config overrides ({} when none). `name` is a topic, a broker id or DEFAULT_BROKER_ENTITY. */
  async getEntityConfigs(type: ConfigEntityType, name: string, watch?: ZkWatcher): Promise<Record<string, string>> {
    const path = ZkPaths.configEntity(type, name);
    const r = await this.getData(path, watch);
    return r ? decodeEntityConfig(path, r.data) : {};
  }

  /** Kafka's AdminZkClient.changeConfigs: replace the entity's overrides, then a change notification. */
  async setEntityConfigs(type: ConfigEntityType, name: string, configs: Record<string, string>): Promise<void> {
    await this.writeEntityConfig(type, name, configs);
    await this.create(`${ZkPaths.configChanges}/${ZkPaths.configChangePrefix}`, encodeConfigChangeNotification(`${type}/${name}`), 'persistentSequential');
  }

  /** Kafka's setOrCreateEntityConfigs: setData, or createRecursive when the znode is missing. */
  private async writeEntityConfig(type: ConfigEntityType, name: string, configs: Record<string, string>): Promise<void> {
    const path = ZkPaths.configEntity(type, name);
    const data = encodeEntityConfig(configs);
    try {
      await this.setData(path, data);
    } catch (e) {
      if (!(e instanceof NoNodeError)) throw e;
      try {
        await this.createRecursive(path, data);
      } catch (e2) {
        if (!(e2 instanceof NodeExistsError)) throw e2;
        await this.setData(path, data);
      }
    }
  }

  /** Notification znode names (config_change_<10 digits>), in sequence order; `watch` fires on new ones. */
  async getConfigChangeNotifications(watch?: ZkWatcher): Promise<string[]> {
    const children = (await this.getChildren(ZkPaths.configChanges, watch)) ?? [];
    return children.filter((c) => c.startsWith(ZkPaths.configChangePrefix)).sort();
  }

  /** The entity path ("topics/<t>", "brokers/<id>") a notification names, null if it is gone. */
  async getConfigChangeNotification(name: string): Promise<string | null> {
    const path = `${ZkPaths.configChanges}/${name}`;
    const r = await this.getData(path);
    return r ? decodeConfigChangeNotification(path, r.data) : null;
  }

  /** Purging old notifications (Kafka deletes those older than 15 minutes). */
  async deleteConfigChangeNotification(name: string): Promise<void> {
    try {
      await this.delete(`${ZkPaths.configChanges}/${name}`);
    } catch (e) {
      if (!(e instanceof NoNodeError)) throw e;
    }
  }

  // ---------------------------------------------------------------- admin requests

  /** /admin/reassign_partitions (legacy tool interface), null if absent; `watch` fires on its creation/change/deletion. */
  async getPartitionReassignment(watch?: ZkWatcher): Promise<ReassignmentEntry[] | null> {
    const stat = await this.exists(ZkPaths.reassignPartitions, watch);
    if (!stat) return null;
    const r = await this.getData(ZkPaths.reassignPartitions);
    return r ? decodeReassignment(r.data) : null;
  }

  async deletePartitionReassignment(controllerEpochZkVersion = -1): Promise<void> {
    await this.deleteRecursive(ZkPaths.reassignPartitions, controllerEpochZkVersion);
  }

  /** /admin/preferred_replica_election, null if absent; `watch` fires on its creation/change/deletion. */
  async getPreferredReplicaElection(watch?: ZkWatcher): Promise<TopicPartitionRef[] | null> {
    const stat = await this.exists(ZkPaths.preferredReplicaElection, watch);
    if (!stat) return null;
    const r = await this.getData(ZkPaths.preferredReplicaElection);
    return r ? decodePreferredReplicaElection(r.data) : null;
  }

  async deletePreferredReplicaElection(controllerEpochZkVersion = -1): Promise<void> {
    await this.deleteRecursive(ZkPaths.preferredReplicaElection, controllerEpochZkVersion);
  }

  // ---------------------------------------------------------------- producer ids

  /**
   * Kafka's ZkProducerIdManager.getNewProducerIdBlock: read /latest_producer_id_block, write the next block
   * conditionally on the version read, retry on conflict. Returns the first id of the block now owned by brokerId.
   */
  async allocateProducerIdBlock(brokerId: number, size = PRODUCER_ID_BLOCK_SIZE): Promise<number> {
    for (let attempt = 0; attempt < 100; attempt++) {
      let r = await this.getData(ZkPaths.producerIdBlock);
      if (!r) {
        await this.createRecursive(ZkPaths.producerIdBlock, null, { ignoreExists: true });
        r = await this.getData(ZkPaths.producerIdBlock);
        if (!r) continue;
      }
      const start = r.data && r.data.length > 0 ? decodeProducerIdBlock(r.data).blockEnd + 1 : 0;
      if (start > Number.MAX_SAFE_INTEGER - size) throw new Error('producer ids exhausted');
      const block: ProducerIdBlock = { brokerId, blockStart: start, blockEnd: start + size - 1 };
      try {
        await this.setData(ZkPaths.producerIdBlock, encodeProducerIdBlock(block), r.stat.version);
        log.info({ ...block }, 'acquired producer id block');
        return start;
      } catch (e) {
        if (!(e instanceof BadVersionError)) throw e;
      }
    }
    throw new Error('could not allocate a producer id block after 100 conflicts');
  }
}
