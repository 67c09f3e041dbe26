// A ZooKeeper-mode cluster for tests: a real ZooKeeper 3.8.4 ensemble (test/helpers/zookeeper.ts) and N brokers
// (Gregor, or Apache Kafka 3.9 in ZooKeeper mode with GREGOR_TEST_TARGET=kafka) with broker.id 1..N, all on
// 127.0.0.1 with ephemeral ports. Cluster state is observed the way a user would: Kafka Metadata (v4) from any
// live broker, and ZooKeeper znodes (zkCli for what tests show; a minimal built-in reader for polling).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startBroker, type ConfigValue, type TestBroker } from './broker.js';
import { CACHE_DIR, JAVA_LIB_DIR, TARGET, type Target } from './paths.js';
import { RawConnection, metadata, type MetadataResult } from './raw-kafka.js';
import { startZooKeeper, type ZkEnsemble, type ZkNode } from './zookeeper.js';

/** Kafka 3.9's bin/kafka-reassign-partitions.sh and bin/kafka-leader-election.sh main classes. */
import { zkGetData } from './zk-raw.js';

export { zkGetData };
export const REASSIGN_TOOL = 'org.apache.kafka.tools.reassign.ReassignPartitionsCommand';
export const LEADER_ELECTION_TOOL = 'org.apache.kafka.tools.LeaderElectionCommand';

/** ZooKeeper session timeout of the brokers: how long a kill -9'ed broker stays registered (and leads). */
export const ZK_SESSION_TIMEOUT_MS = 6000;

export interface ClusterOptions {
  /** Used in temp dir and log file names. */
  name?: string;
  /** Number of brokers (ids 1..n) unless `brokerIds` is given. Default 1. */
  brokers?: number;
  brokerIds?: number[];
  /** Size of the ZooKeeper ensemble started for this cluster (default 1); ignored when `zookeeper` is given. */
  zookeeperNodes?: 1 | 3;
  /** An ensemble the caller owns (not stopped by the cluster). */
  zookeeper?: ZkEnsemble;
  /** server.properties overrides for every broker (on top of the cluster defaults below). */
  overrides?: Record<string, ConfigValue>;
  /** Per broker id overrides. */
  brokerOverrides?: Record<number, Record<string, ConfigValue>>;
  target?: Target;
}

export interface PartitionView {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
  errorCode: number;
}

export class TestCluster {
  readonly brokers = new Map<number, TestBroker>();

  private constructor(
    readonly name: string,
    readonly zk: ZkEnsemble,
    private readonly ownsZk: boolean,
  ) {}

  static async start(opts: ClusterOptions = {}): Promise<TestCluster> {
    const name = opts.name ?? 'cluster';
    const ids = opts.brokerIds ?? Array.from({ length: opts.brokers ?? 1 }, (_, i) => i + 1);
    const zk = opts.zookeeper ?? (await startZooKeeper({ nodes: opts.zookeeperNodes ?? 1, name: `${name}-zk` }));
    const cluster = new TestCluster(name, zk, !opts.zookeeper);
    const n = ids.length;
    const jvmOptions = [...KAFKA_BROKER_JVM_FLAGS];
    if ((opts.target ?? TARGET) === 'kafka') {
      const archive = await kafkaBrokerClassArchive(zk.connectString).catch(() => null);
      if (archive) jvmOptions.push(`-XX:SharedArchiveFile=${archive}`);
    }
    const defaults: Record<string, ConfigValue> = {
      'zookeeper.session.timeout.ms': ZK_SESSION_TIMEOUT_MS,
      'zookeeper.connection.timeout.ms': 15_000,
      'offsets.topic.replication.factor': Math.min(3, n),
      'transaction.state.log.replication.factor': Math.min(3, n),
      'transaction.state.log.min.isr': Math.min(2, n),
      'replica.lag.time.max.ms': 10_000,
      // Java brokers need a moment on 2 cores; the controller must not give up on a slow peer too early.
      'controller.socket.timeout.ms': 30_000,
    };
    try {
      const started = await Promise.allSettled(
        ids.map((id) =>
          startBroker({
            name: `${name}-b${id}`,
            brokerId: id,
            zookeeperConnect: zk.connectString,
            target: opts.target,
            jvmOptions,
            overrides: { ...defaults, ...(opts.overrides ?? {}), ...(opts.brokerOverrides?.[id] ?? {}) },
          }),
        ),
      );
      started.forEach((r, i) => {
        if (r.status === 'fulfilled') cluster.brokers.set(ids[i], r.value);
      });
      const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
      await cluster.waitForBrokers(ids);
    } catch (e) {
      await cluster.stop();
      throw e;
    }
    return cluster;
  }

  get ids(): number[] {
    return [...this.brokers.keys()];
  }

  broker(id: number): TestBroker {
    const b = this.brokers.get(id);
    if (!b) throw new Error(`no broker ${id} in cluster ${this.name}`);
    return b;
  }

  liveIds(): number[] {
    return this.ids.filter((id) => this.broker(id).isAlive());
  }

  /** Bootstrap list of every broker (live or not), "127.0.0.1:p1,127.0.0.1:p2,...". */
  get bootstrap(): string {
    return this.ids.map((id) => this.broker(id).bootstrap).join(',');
  }

  /** Bootstrap list of the live brokers only (for one-shot tools that should not waste time on dead ones). */
  liveBootstrap(): string {
    return this.liveIds()
      .map((id) => this.broker(id).bootstrap)
      .join(',');
  }

  // ------------------------------------------------------------------------------------------------ Metadata

  /** Metadata v4 from one broker (by id). */
  async metadataFrom(id: number, topics: string[] | null): Promise<MetadataResult> {
    const conn = await RawConnection.connect(this.broker(id).port, '127.0.0.1', 2000);
    try {
      return await metadata(conn, topics);
    } finally {
      conn.close();
    }
  }

  /** Metadata v4 from the first live broker that answers (`exclude`: ids not to ask). */
  async metadata(topics: string[] | null, exclude: number[] = []): Promise<MetadataResult> {
    let last: unknown = new Error('no live broker');
    for (const id of this.liveIds()) {
      if (exclude.includes(id)) continue;
      try {
        return await this.metadataFrom(id, topics);
      } catch (e) {
        last = e;
      }
    }
    throw last;
  }

  /** Partitions of `topic` as Metadata shows them (sorted by partition); throws on a topic error. */
  async partitions(topic: string, exclude: number[] = []): Promise<PartitionView[]> {
    const md = await this.metadata([topic], exclude);
    const t = md.topics.find((x) => x.name === topic);
    if (!t) throw new Error(`topic ${topic} missing from Metadata`);
    if (t.errorCode !== 0) throw new Error(`topic ${topic}: error ${t.errorCode}`);
    return [...t.partitions].sort((a, b) => a.partition - b.partition);
  }

  /** Waits until every broker's Metadata lists exactly the brokers `ids` (all registered and known). */
  async waitForBrokers(ids: number[] = this.liveIds(), timeoutMs = 90_000): Promise<void> {
    const want = [...ids].sort((a, b) => a - b).join(',');
    await this.poll(
      async () => {
        for (const id of ids) {
          const md = await this.metadataFrom(id, []);
          const got = md.brokers
            .map((b) => b.nodeId)
            .sort((a, b) => a - b)
            .join(',');
          if (got !== want) return false;
        }
        return true;
      },
      timeoutMs,
      `brokers [${want}] in every broker's Metadata`,
    );
  }

  /** Waits until Metadata shows `topic` with `partitions` partitions, each with a live leader. */
  async waitForTopic(topic: string, partitions: number, timeoutMs = 60_000): Promise<PartitionView[]> {
    return this.poll(
      async () => {
        const ps = await this.partitions(topic);
        const live = this.liveIds();
        return ps.length === partitions && ps.every((p) => p.errorCode === 0 && live.includes(p.leader)) ? ps : null;
      },
      timeoutMs,
      `topic ${topic} with ${partitions} led partitions`,
    );
  }

  async leaderOf(topic: string, partition: number): Promise<number> {
    const p = (await this.partitions(topic)).find((x) => x.partition === partition);
    if (!p) throw new Error(`${topic}-${partition} missing from Metadata`);
    return p.leader;
  }

  /**
   * Waits until `topic`-`partition` has a live leader other than `notLeader`, as seen by the live brokers other
   * than `notLeader`. Polls every 50 ms; returns the leader and when it was first seen (Date.now()).
   */
  async waitForNewLeader(
    topic: string,
    partition: number,
    notLeader: number,
    timeoutMs = 60_000,
  ): Promise<{ leader: number; at: number }> {
    return this.poll(
      async () => {
        const p = (await this.partitions(topic, [notLeader])).find((x) => x.partition === partition);
        if (!p || p.leader < 0 || p.leader === notLeader || !this.liveIds().includes(p.leader)) return null;
        return { leader: p.leader, at: Date.now() };
      },
      timeoutMs,
      `a new leader of ${topic}-${partition} (not ${notLeader})`,
      50,
    );
  }

  /** Waits until every partition of `topic` has a leader and its full replica set in the ISR. */
  async waitForFullIsr(topic: string, timeoutMs = 90_000): Promise<PartitionView[]> {
    return this.poll(
      async () => {
        const ps = await this.partitions(topic);
        return ps.length > 0 && ps.every((p) => p.leader >= 0 && p.replicas.every((r) => p.isr.includes(r)))
          ? ps
          : null;
      },
      timeoutMs,
      `full ISR of every partition of ${topic}`,
    );
  }

  /** Active controller id from Metadata (the ZooKeeper-elected controller in ZK mode). */
  async controllerFromMetadata(): Promise<number> {
    return (await this.metadata([])).controllerId;
  }

  // ------------------------------------------------------------------------------------------------ ZooKeeper

  /**
   * Data of a znode as a UTF-8 string, or null when it does not exist. A short-lived session on the first server of
   * the ensemble that answers (see zkGetData), so a lost ZooKeeper node is simply skipped.
   */
  async zkGet(path: string): Promise<string | null> {
    let last: unknown = null;
    for (const node of this.zk.nodes) {
      if (!node.isAlive()) continue;
      try {
        return await zkGetData(node.connectString, path);
      } catch (e) {
        last = e;
      }
    }
    throw new Error(`no ZooKeeper node answered get ${path}: ${String(last)}`);
  }

  /** The controller's broker id from /controller (-1 when none). */
  async controllerFromZk(): Promise<number> {
    const s = await this.zkGet('/controller');
    if (!s) return -1;
    return Number((JSON.parse(s) as { brokerid: number }).brokerid);
  }

  /** The current controller: /controller in ZooKeeper, polled until it names a live broker. */
  async controller(timeoutMs = 60_000): Promise<number> {
    return this.poll(
      async () => {
        const id = await this.controllerFromZk();
        return this.liveIds().includes(id) ? id : null;
      },
      timeoutMs,
      'a live controller in /controller',
    );
  }

  // ------------------------------------------------------------------------------------------------ lifecycle

  /** kill -9 a broker; returns the time just before the signal (Date.now()). */
  async killBroker(id: number): Promise<number> {
    const t0 = Date.now();
    await this.broker(id).kill('SIGKILL');
    return t0;
  }

  /**
   * Restarts a stopped/killed broker once ZooKeeper dropped its registration (its old session expired: a broker
   * cannot register /brokers/ids/<id> while the old ephemeral znode exists), then waits until every live broker
   * lists it.
   */
  async restartBroker(id: number, timeoutMs = 90_000): Promise<void> {
    const b = this.broker(id);
    if (b.isAlive()) await b.kill('SIGKILL');
    await this.poll(
      async () => (await this.zkGet(`/brokers/ids/${id}`)) === null,
      ZK_SESSION_TIMEOUT_MS * 3 + 10_000,
      `/brokers/ids/${id} to expire`,
      100,
    );
    await b.restart();
    await this.waitForBrokers(this.liveIds(), timeoutMs);
  }

  /** Kills every broker (SIGKILL: nothing to wait for), removes their dirs, stops ZooKeeper if owned. */
  async stop(): Promise<void> {
    await Promise.all(
      [...this.brokers.values()].map(async (b) => {
        await b.kill('SIGKILL').catch(() => {});
        await b.cleanup().catch(() => {});
      }),
    );
    if (this.ownsZk) await this.zk.stop();
  }

  /** Tails of every broker log, for failure messages. */
  logTails(lines = 40): string {
    return [...this.brokers.values()].map((b) => b.logTail(lines)).join('\n');
  }

  private async poll<T>(fn: () => Promise<T | null | false>, timeoutMs: number, what: string, intervalMs = 200): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown = null;
    for (;;) {
      try {
        const v = await fn();
        if (v !== null && v !== false && v !== undefined) return v;
        last = null;
      } catch (e) {
        last = e;
      }
      if (Date.now() >= deadline) {
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
      }
      await sleep(intervalMs);
    }
  }
}

/**
 * JVM flags of Kafka brokers in cluster tests: C1 only. On 2 busy cores a broker restart took ~18-34 s, mostly
 * C2 compilation, and the chaos test restarts brokers 10 times; the throughput needed here is tiny.
 */
const KAFKA_BROKER_JVM_FLAGS = ['-XX:TieredStopAtLevel=1', '-Xshare:auto'];

let archivePromise: Promise<string | null> | null = null;

/**
 * An AppCDS archive of the classes a Kafka 3.9 broker loads while starting (JDK dynamic archive), cached in
 * $GREGOR_CACHE/java/cds keyed by the JDK version and the jars: cuts broker (re)starts by ~40%. Made once per
 * machine by starting a throwaway broker (id 900, under a chroot of `zkConnect`) with -XX:ArchiveClassesAtExit and
 * stopping it. null when it cannot be made (the brokers then start without it). GREGOR_KAFKA_CDS=0 disables it.
 */
export function kafkaBrokerClassArchive(zkConnect: string): Promise<string | null> {
  if (process.env.GREGOR_KAFKA_CDS === '0') return Promise.resolve(null);
  archivePromise ??= makeArchive(zkConnect).catch(() => null);
  return archivePromise;
}

async function makeArchive(zkConnect: string): Promise<string | null> {
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  const jars = readdirSync(JAVA_LIB_DIR)
    .sort()
    .map((f) => {
      const st = statSync(join(JAVA_LIB_DIR, f));
      return `${f}:${st.size}:${st.mtimeMs}`;
    });
  const key = createHash('sha256')
    .update([java.stderr, ...jars, ...KAFKA_BROKER_JVM_FLAGS].join('\n'))
    .digest('hex')
    .slice(0, 16);
  const dir = join(CACHE_DIR, 'java', 'cds');
  const file = join(dir, `kafka-broker-${key}.jsa`);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  const b = await startBroker({
    name: 'cds-warmup',
    brokerId: 900,
    target: 'kafka',
    zookeeperConnect: `${zkConnect}/gregor-cds-warmup-${process.pid}`,
    jvmOptions: [...KAFKA_BROKER_JVM_FLAGS, `-XX:ArchiveClassesAtExit=${tmp}`],
    overrides: { 'zookeeper.session.timeout.ms': ZK_SESSION_TIMEOUT_MS },
  });
  await b.stop(60_000); // the archive is written when the JVM exits normally
  await b.cleanup();
  if (!existsSync(tmp)) return null;
  try {
    renameSync(tmp, file);
  } catch {
    rmSync(tmp, { force: true });
  }
  return existsSync(file) ? file : null;
}

export function startCluster(opts: ClusterOptions = {}): Promise<TestCluster> {
  return TestCluster.start(opts);
}

/**
 * The current leader of a ZooKeeper quorum: the only node listening on its quorum port (server.N=host:quorum:election
 * in its zoo.cfg; followers connect to the leader's). Four-letter words are disabled in the test ensembles.
 * Returns undefined for a standalone server or when no node accepts.
 */
export async function zkQuorumLeader(zk: ZkEnsemble): Promise<ZkNode | undefined> {
  if (zk.nodes.length < 2) return undefined;
  const cfg = readFileSync(join(zk.nodes[0].dataDir, 'zoo.cfg'), 'utf8');
  const quorumPort = new Map<number, number>();
  for (const m of cfg.matchAll(/^server\.(\d+)=[^:]+:(\d+):(\d+)/gm)) quorumPort.set(Number(m[1]), Number(m[2]));
  const accepts = (port: number): Promise<boolean> =>
    new Promise((resolve) => {
      const s = connect({ port, host: '127.0.0.1' });
      const done = (ok: boolean): void => {
        s.destroy();
        resolve(ok);
      };
      s.setTimeout(1000, () => done(false));
      s.once('connect', () => done(true));
      s.once('error', () => done(false));
    });
  for (const node of zk.nodes) {
    const port = quorumPort.get(node.id);
    if (port !== undefined && node.isAlive() && (await accepts(port))) return node;
  }
  return undefined;
}

/** Parses `kafka-topics --describe` rows: partition → { leader, replicas, isr }. */
export function parseDescribe(
  stdout: string,
  topic: string,
): Map<number, { leader: number; replicas: number[]; isr: number[] }> {
  const out = new Map<number, { leader: number; replicas: number[]; isr: number[] }>();
  const re = new RegExp(
    `Topic: ${topic.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s+Partition: (\\d+)\\s+Leader: (-?\\d+|none)\\s+Replicas: ([\\d,]*)\\s+Isr: ([\\d,]*)`,
    'g',
  );
  const ids = (s: string): number[] => (s ? s.split(',').map(Number) : []);
  for (const m of stdout.matchAll(re)) {
    out.set(Number(m[1]), { leader: m[2] === 'none' ? -1 : Number(m[2]), replicas: ids(m[3]), isr: ids(m[4]) });
  }
  return out;
}
