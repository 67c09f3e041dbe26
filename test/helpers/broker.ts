// Starts a real broker process for a test: Gregor (default) or Apache Kafka 3.9 in single-node KRaft mode
// (GREGOR_TEST_TARGET=kafka), on 127.0.0.1 with an ephemeral port and a temp dir. With `zookeeperConnect`
// (or a `zookeeper.connect` override) the broker joins a ZooKeeper-mode cluster instead: Gregor gets
// broker.id + zookeeper.connect, Kafka 3.9 runs in ZooKeeper mode (no process.roles, no storage format).
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  BROKER_MAIN,
  JAVA_CLASSPATH,
  SETUP_DIR,
  TARGET,
  TEST_LOG_DIR,
  type Target,
  requireJavaLibs,
} from './paths.js';
import { RawConnection, apiVersions, metadata } from './raw-kafka.js';

export type ConfigValue = string | number | boolean;

export interface BrokerOptions {
  /** Used in the temp dir and log file names. */
  name?: string;
  brokerId?: number;
  /** ZooKeeper connect string ('h1:p1,h2:p2[/chroot]'): ZooKeeper cluster mode, written as zookeeper.connect. */
  zookeeperConnect?: string;
  /** server.properties keys (Kafka names) added to / replacing the defaults below. */
  overrides?: Record<string, ConfigValue>;
  target?: Target;
  startTimeoutMs?: number;
  /** Extra JVM options for the Kafka target (e.g. C1-only for quick restarts in cluster tests); ignored for Gregor. */
  jvmOptions?: string[];
}

/** Test defaults: fast group joins, single-replica internal topics, few __consumer_offsets partitions. */
const DEFAULTS: Record<string, ConfigValue> = {
  'num.partitions': 1,
  'auto.create.topics.enable': false,
  'group.initial.rebalance.delay.ms': 0,
  'offsets.topic.replication.factor': 1,
  'offsets.topic.num.partitions': 4,
  'transaction.state.log.replication.factor': 1,
  'transaction.state.log.min.isr': 1,
  'gregor.metrics.port': 0,
};

/** Asks the OS for a free port on 127.0.0.1 (bind port 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of live) {
    try {
      p.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
});

/**
 * The broker's environment: ours minus GREGOR_* variables (Gregor reads GREGOR_<KEY> as config overrides, and
 * the test harness's own GREGOR_TEST_*, GREGOR_CACHE ... must not leak into it). GREGOR_LOG_LEVEL passes.
 */
function brokerEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('GREGOR_') && k !== 'GREGOR_LOG_LEVEL') continue;
    env[k] = v;
  }
  return env;
}

function toProperties(cfg: Record<string, ConfigValue>): string {
  return (
    Object.entries(cfg)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join('\n') + '\n'
  );
}

export class TestBroker {
  readonly target: Target;
  readonly name: string;
  readonly brokerId: number;
  /** Temp dir holding server.properties and the data dir. */
  readonly dir: string;
  /** The broker's log.dirs (one dir). */
  readonly dataDir: string;
  /** stdout+stderr of every start of this broker, appended. */
  readonly logFile: string;
  readonly config: Record<string, ConfigValue>;
  port = 0;
  controllerPort = 0;
  private proc: ChildProcess | null = null;
  private exitPromise: Promise<number | null> | null = null;
  private starts = 0;
  private readonly startTimeoutMs: number;
  private readonly jvmOptions: string[];

  private constructor(opts: BrokerOptions) {
    this.target = opts.target ?? TARGET;
    this.name = (opts.name ?? 'broker').replace(/[^a-zA-Z0-9_.-]/g, '_');
    this.brokerId = opts.brokerId ?? 1;
    this.dir = mkdtempSync(join(tmpdir(), `gregor-${this.name}-`));
    this.dataDir = join(this.dir, 'data');
    mkdirSync(this.dataDir, { recursive: true });
    mkdirSync(TEST_LOG_DIR, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    this.logFile = join(TEST_LOG_DIR, `${this.name}-${this.target}-${stamp}-${process.pid}.log`);
    this.config = { ...DEFAULTS, ...(opts.overrides ?? {}) };
    if (opts.zookeeperConnect !== undefined) this.config['zookeeper.connect'] = opts.zookeeperConnect;
    this.startTimeoutMs = opts.startTimeoutMs ?? (this.target === 'kafka' ? 90_000 : 30_000);
    this.jvmOptions = opts.jvmOptions ?? [];
  }

  static async start(opts: BrokerOptions = {}): Promise<TestBroker> {
    const b = new TestBroker(opts);
    b.port = await freePort();
    if (b.target === 'kafka' && !b.zookeeperMode) b.controllerPort = await freePort();
    try {
      await b.launch();
    } catch (e) {
      await b.kill('SIGKILL').catch(() => {});
      throw e;
    }
    return b;
  }

  /** True when the broker runs in ZooKeeper cluster mode (zookeeper.connect is set). */
  get zookeeperMode(): boolean {
    const zk = this.config['zookeeper.connect'];
    return zk !== undefined && String(zk) !== '';
  }

  get host(): string {
    return '127.0.0.1';
  }
  /** "127.0.0.1:<port>" */
  get bootstrap(): string {
    return `127.0.0.1:${this.port}`;
  }
  get pid(): number | undefined {
    return this.proc?.pid;
  }
  isAlive(): boolean {
    return this.proc !== null && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  private writeConfig(): string {
    const file = join(this.dir, 'server.properties');
    const listener = `PLAINTEXT://127.0.0.1:${this.port}`;
    const base: Record<string, ConfigValue> = {
      'log.dirs': this.dataDir,
      listeners: listener,
      'advertised.listeners': listener,
    };
    let cfg: Record<string, ConfigValue>;
    if (this.target === 'kafka' && this.zookeeperMode) {
      // Kafka 3.9 in ZooKeeper mode: broker.id + zookeeper.connect, no process.roles.
      cfg = {
        'broker.id': this.brokerId,
        ...base,
        ...Object.fromEntries(Object.entries(this.config).filter(([k]) => !k.startsWith('gregor.'))),
      };
    } else if (this.target === 'kafka') {
      cfg = {
        'process.roles': 'broker,controller',
        'node.id': this.brokerId,
        'controller.quorum.voters': `${this.brokerId}@127.0.0.1:${this.controllerPort}`,
        'controller.listener.names': 'CONTROLLER',
        'inter.broker.listener.name': 'PLAINTEXT',
        'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
        ...base,
        ...Object.fromEntries(Object.entries(this.config).filter(([k]) => !k.startsWith('gregor.') && k !== 'broker.id')),
        listeners: `${listener},CONTROLLER://127.0.0.1:${this.controllerPort}`,
      };
    } else {
      cfg = { 'broker.id': this.brokerId, ...base, ...this.config };
    }
    writeFileSync(file, toProperties(cfg));
    return file;
  }

  private logLine(msg: string): void {
    const fd = openSync(this.logFile, 'a');
    writeSync(fd, `\n===== [test harness ${new Date().toISOString()}] ${msg} =====\n`);
    closeSync(fd);
  }

  private async launch(): Promise<void> {
    const cfgFile = this.writeConfig();
    this.starts++;
    let cmd: string;
    let args: string[];
    if (this.target === 'kafka') {
      requireJavaLibs();
      if (!this.zookeeperMode && !existsSync(join(this.dataDir, 'meta.properties'))) {
        // Like Kafka's Uuid.randomUuid(): never starting with '-', which the CLI would take for an option.
        let clusterId = randomBytes(16).toString('base64url');
        while (clusterId.startsWith('-')) clusterId = randomBytes(16).toString('base64url');
        const fmt = spawnSync(
          'java',
          [
            '-cp',
            JAVA_CLASSPATH,
            `-Dlog4j.configuration=file:${join(SETUP_DIR, 'java', 'tools-log4j.properties')}`,
            '-XX:TieredStopAtLevel=1',
            '-Xshare:auto',
            'kafka.tools.StorageTool',
            'format',
            '-t',
            clusterId,
            '-c',
            cfgFile,
          ],
          { encoding: 'utf8', timeout: 60_000 },
        );
        if (fmt.status !== 0) {
          throw new Error(`kafka-storage format failed (${fmt.status}): ${fmt.stdout}\n${fmt.stderr}`);
        }
      }
      cmd = 'java';
      args = [
        '-Xms256m',
        '-Xmx1g',
        '-XX:+UseG1GC',
        '-Djava.awt.headless=true',
        ...this.jvmOptions,
        `-Dlog4j.configuration=file:${join(SETUP_DIR, 'java', 'broker-log4j.properties')}`,
        '-cp',
        JAVA_CLASSPATH,
        'kafka.Kafka',
        cfgFile,
      ];
    } else {
      if (!existsSync(BROKER_MAIN)) throw new Error(`${BROKER_MAIN} missing: run npm run build`);
      cmd = process.execPath;
      args = [BROKER_MAIN, '--config', cfgFile];
    }
    this.logLine(`start #${this.starts}: ${cmd} ${args.join(' ')}`);
    const fd = openSync(this.logFile, 'a');
    const proc = spawn(cmd, args, { stdio: ['ignore', fd, fd], cwd: this.dir, env: brokerEnv() });
    closeSync(fd);
    this.proc = proc;
    live.add(proc);
    this.exitPromise = new Promise((resolve) => {
      proc.once('exit', (code, signal) => {
        live.delete(proc);
        this.logLine(`exit code=${code} signal=${signal}`);
        resolve(code);
      });
      proc.once('error', (e) => {
        live.delete(proc);
        this.logLine(`spawn error ${e.message}`);
        resolve(null);
      });
    });
    await this.waitReady();
  }

  /** Ready = ApiVersions answered and Metadata lists at least one broker, on a fresh connection. */
  private async waitReady(): Promise<void> {
    const deadline = Date.now() + this.startTimeoutMs;
    let lastErr: unknown = null;
    while (Date.now() < deadline) {
      if (!this.isAlive()) {
        throw new Error(`broker ${this.name} exited during start\n${this.logTail(60)}`);
      }
      let conn: RawConnection | null = null;
      try {
        conn = await RawConnection.connect(this.port, '127.0.0.1', 2000);
        const av = await apiVersions(conn, 0);
        if (av.errorCode !== 0) throw new Error(`ApiVersions error ${av.errorCode}`);
        const md = await metadata(conn, []);
        if (md.brokers.length > 0) return;
        lastErr = new Error('metadata lists no broker yet');
      } catch (e) {
        lastErr = e;
      } finally {
        conn?.close();
      }
      await sleep(200);
    }
    throw new Error(
      `broker ${this.name} not ready within ${this.startTimeoutMs} ms: ${String(lastErr)}\n${this.logTail(60)}`,
    );
  }

  /** Sends a signal and waits for the process to exit (SIGKILL after `timeoutMs`). */
  async kill(signal: NodeJS.Signals = 'SIGKILL', timeoutMs = 30_000): Promise<void> {
    const proc = this.proc;
    if (!proc || !this.exitPromise) return;
    if (this.isAlive()) {
      proc.kill(signal);
      const exited = await Promise.race([this.exitPromise.then(() => true), sleep(timeoutMs).then(() => false)]);
      if (!exited) {
        this.logLine(`no exit ${timeoutMs} ms after ${signal}: SIGKILL`);
        proc.kill('SIGKILL');
      }
    }
    await this.exitPromise;
    this.proc = null;
    this.exitPromise = null;
  }

  /** Graceful stop (SIGTERM, then SIGKILL after the timeout). */
  stop(timeoutMs = 30_000): Promise<void> {
    return this.kill('SIGTERM', timeoutMs);
  }

  /** Starts again with the same dir, port and config (after stop/kill; stops it first if running). */
  async restart(opts: { signal?: NodeJS.Signals } = {}): Promise<void> {
    if (this.isAlive()) await this.kill(opts.signal ?? 'SIGTERM');
    await this.launch();
  }

  /** Stops the broker and removes its temp dir (kept when GREGOR_KEEP_TEST_DIRS=1). The log file stays. */
  async cleanup(): Promise<void> {
    await this.stop();
    if (process.env.GREGOR_KEEP_TEST_DIRS !== '1') rmSync(this.dir, { recursive: true, force: true });
  }

  partitionDir(topic: string, partition: number): string {
    return join(this.dataDir, `${topic}-${partition}`);
  }

  /** Segment files (.log) of a partition, in offset order. */
  segments(topic: string, partition: number): string[] {
    const dir = this.partitionDir(topic, partition);
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((f) => /^\d{20}\.log$/.test(f))
      .sort()
      .map((f) => join(dir, f));
  }

  /** The highest-numbered (active) segment file of a partition. */
  activeSegment(topic: string, partition: number): string {
    const segs = this.segments(topic, partition);
    if (segs.length === 0) throw new Error(`no segment in ${this.partitionDir(topic, partition)}`);
    return segs[segs.length - 1];
  }

  logTail(lines = 80): string {
    try {
      const all = readFileSync(this.logFile, 'utf8').split('\n');
      return `--- last ${lines} lines of ${this.logFile} ---\n` + all.slice(-lines).join('\n');
    } catch {
      return `(no log at ${this.logFile})`;
    }
  }
}

export function startBroker(opts: BrokerOptions = {}): Promise<TestBroker> {
  return TestBroker.start(opts);
}
