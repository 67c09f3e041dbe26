// Starts a real Apache ZooKeeper 3.8.4 (the jar test/setup/install.sh puts next to the Kafka jars) for tests:
// one standalone server or a 3-node quorum, on 127.0.0.1 with ephemeral ports and a temp dir per ensemble.
// No AdminServer (it would bind Jetty on 8080) and no four-letter words: readiness is checked with a real session.
import { zkGetData } from './zk-raw.js';
import type { ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './broker.js';
import { runJava, type ToolResult } from './kafka-tools.js';
import { JAVA_CLASSPATH, SETUP_DIR, TEST_LOG_DIR, requireJavaLibs } from './paths.js';
import { spawnTracked } from './children.js';

export interface ZooKeeperOptions {
  nodes?: 1 | 3;
  /** ZooKeeper's tick; session timeouts are bounded to [2, 20] ticks. Default 500 ms (sessions 1–10 s). */
  tickTime?: number;
  /** Used in the temp dir and log file names. */
  name?: string;
  startTimeoutMs?: number;
}

export interface ZkNode {
  /** myid, 1-based. */
  readonly id: number;
  readonly clientPort: number;
  /** "127.0.0.1:<clientPort>" */
  readonly connectString: string;
  readonly dataDir: string;
  readonly logFile: string;
  readonly pid: number | undefined;
  isAlive(): boolean;
  /** Sends a signal (default SIGKILL) and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** SIGSTOP: the server stops answering without closing sockets (sessions expire on the other nodes). */
  pause(): void;
  /** SIGCONT after pause(). */
  resume(): void;
  /** Starts the node again with the same data dir and ports (stops it first if running); waits until it serves. */
  restart(): Promise<void>;
  /** SIGTERM, SIGKILL after a few seconds. */
  stop(): Promise<void>;
}

export interface ZkEnsemble {
  /** "127.0.0.1:p1,127.0.0.1:p2,..." (append a chroot yourself if wanted). */
  readonly connectString: string;
  readonly nodes: ZkNode[];
  readonly dir: string;
  /** Stops every node and removes the temp dir (kept when GREGOR_KEEP_TEST_DIRS=1). */
  stop(): Promise<void>;
}

const ZK_MAIN = 'org.apache.zookeeper.server.quorum.QuorumPeerMain';

/** The java arguments of a ZooKeeper server for tests: small heap, quick start, quiet logs. */
export function zookeeperJavaArgs(cfgFile: string): string[] {
  return [
    '-Xms64m',
    '-Xmx256m',
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    '-Xshare:auto',
    '-Djava.awt.headless=true',
    // ZooKeeper 3.8 logs through slf4j; the Kafka classpath binds it to reload4j, so a log4j 1 file applies.
    `-Dlog4j.configuration=file:${join(SETUP_DIR, 'java', 'tools-log4j.properties')}`,
    '-Dzookeeper.admin.enableServer=false',
    // JMX registration is useless here and costs start time.
    '-Dzookeeper.jmx.log4j.disable=true',
    '-cp',
    JAVA_CLASSPATH,
    ZK_MAIN,
    cfgFile,
  ];
}


class ZkServerProcess implements ZkNode {
  readonly connectString: string;
  readonly dataDir: string;
  readonly logFile: string;
  private proc: ChildProcess | null = null;
  private exitPromise: Promise<void> | null = null;
  private starts = 0;

  constructor(
    readonly id: number,
    readonly clientPort: number,
    private readonly cfgFile: string,
    dataDir: string,
    logFile: string,
    private readonly startTimeoutMs: number,
  ) {
    this.connectString = `127.0.0.1:${clientPort}`;
    this.dataDir = dataDir;
    this.logFile = logFile;
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  isAlive(): boolean {
    return this.proc !== null && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  private logLine(msg: string): void {
    const fd = openSync(this.logFile, 'a');
    writeSync(fd, `\n===== [test harness ${new Date().toISOString()}] ${msg} =====\n`);
    closeSync(fd);
  }

  /** Spawns the JVM; does not wait for it to serve (a quorum member only serves once a majority is up). */
  spawn(): void {
    requireJavaLibs();
    this.starts++;
    const args = zookeeperJavaArgs(this.cfgFile);
    this.logLine(`start #${this.starts}: java ${args.join(' ')}`);
    const { proc, exited } = spawnTracked('java', args, { logFile: this.logFile, mark: (l) => this.logLine(l) });
    this.proc = proc;
    this.exitPromise = exited;
  }

  /** Ready = a ZooKeeper session can be established on this node alone. */
  async waitServing(): Promise<void> {
    const deadline = Date.now() + this.startTimeoutMs;
    let lastErr = 'no attempt';
    while (Date.now() < deadline) {
      if (!this.isAlive()) throw new Error(`ZooKeeper node ${this.id} exited during start\n${this.logTail(60)}`);
      const err = await trySession(this.connectString, Math.min(3000, Math.max(500, deadline - Date.now())));
      if (err === null) return;
      lastErr = err;
      await sleep(150);
    }
    throw new Error(
      `ZooKeeper node ${this.id} not serving within ${this.startTimeoutMs} ms: ${lastErr}\n${this.logTail(60)}`,
    );
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL', timeoutMs = 10_000): Promise<void> {
    const proc = this.proc;
    if (!proc || !this.exitPromise) return;
    if (this.isAlive()) {
      proc.kill(signal);
      // A stopped (SIGSTOP) process only handles SIGTERM after SIGCONT.
      if (signal !== 'SIGKILL') proc.kill('SIGCONT');
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

  pause(): void {
    if (this.isAlive()) this.proc?.kill('SIGSTOP');
  }

  resume(): void {
    if (this.isAlive()) this.proc?.kill('SIGCONT');
  }

  async restart(): Promise<void> {
    if (this.isAlive()) await this.kill('SIGTERM');
    this.spawn();
    await this.waitServing();
  }

  stop(): Promise<void> {
    return this.kill('SIGTERM', 5000);
  }

  logTail(lines = 60): string {
    try {
      const all = readFileSync(this.logFile, 'utf8').split('\n');
      return `--- last ${lines} lines of ${this.logFile} ---\n` + all.slice(-lines).join('\n');
    } catch {
      return `(no log at ${this.logFile})`;
    }
  }
}

/** Opens and closes one session on `connectString`; null on success, else why not. */
/**
 * Whether the node serves: a real session and a read. Over the raw protocol (zk-raw.ts) because
 * node-zookeeper-client's close() during its connect handshake throws from a socket handler.
 */
async function trySession(connectString: string, timeoutMs: number): Promise<string | null> {
  try {
    await zkGetData(connectString, '/', timeoutMs);
    return null;
  } catch (err) {
    return String(err);
  }
}

/** Starts a ZooKeeper ensemble (standalone for nodes=1) and waits until every node serves. */
export async function startZooKeeper(opts: ZooKeeperOptions = {}): Promise<ZkEnsemble> {
  const n = opts.nodes ?? 1;
  const tickTime = opts.tickTime ?? 500;
  const name = (opts.name ?? 'zk').replace(/[^a-zA-Z0-9_.-]/g, '_');
  const startTimeoutMs = opts.startTimeoutMs ?? 60_000;
  const dir = mkdtempSync(join(tmpdir(), `gregor-${name}-`));
  mkdirSync(TEST_LOG_DIR, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');

  // Ask for all ports first so two nodes cannot be handed the same one.
  const ports: { client: number; quorum: number; election: number }[] = [];
  const seen = new Set<number>();
  for (let i = 0; i < n; i++) {
    const take = async (): Promise<number> => {
      for (let attempt = 0; attempt < 20; attempt++) {
        const p = await freePort();
        if (!seen.has(p)) {
          seen.add(p);
          return p;
        }
      }
      throw new Error('could not find distinct free ports');
    };
    ports.push({ client: await take(), quorum: await take(), election: await take() });
  }

  const nodes: ZkServerProcess[] = [];
  for (let i = 0; i < n; i++) {
    const id = i + 1;
    const dataDir = join(dir, `node${id}`);
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, 'myid'), `${id}\n`);
    const lines = [
      `tickTime=${tickTime}`,
      'initLimit=20',
      'syncLimit=10',
      `dataDir=${dataDir}`,
      `clientPort=${ports[i].client}`,
      'clientPortAddress=127.0.0.1',
      'maxClientCnxns=0',
      'admin.enableServer=false',
      // An empty whitelist disables every four-letter word.
      '4lw.commands.whitelist=',
      // Snapshots/purges are irrelevant for short tests; keep the defaults otherwise.
      'autopurge.purgeInterval=0',
    ];
    if (n > 1) {
      // Quick leader election retries; the default connect timeout is 5 s per peer.
      lines.push('cnxTimeout=1000');
      for (let j = 0; j < n; j++) {
        lines.push(`server.${j + 1}=127.0.0.1:${ports[j].quorum}:${ports[j].election}`);
      }
    }
    const cfgFile = join(dataDir, 'zoo.cfg');
    writeFileSync(cfgFile, lines.join('\n') + '\n');
    const logFile = join(TEST_LOG_DIR, `${name}-node${id}-${stamp}-${process.pid}.log`);
    nodes.push(new ZkServerProcess(id, ports[i].client, cfgFile, dataDir, logFile, startTimeoutMs));
  }

  const stopAll = async (): Promise<void> => {
    await Promise.all(nodes.map((nd) => nd.kill('SIGKILL')));
  };
  try {
    for (const nd of nodes) nd.spawn();
    await Promise.all(nodes.map((nd) => nd.waitServing()));
  } catch (e) {
    await stopAll();
    throw e;
  }

  return {
    connectString: nodes.map((nd) => nd.connectString).join(','),
    nodes,
    dir,
    async stop(): Promise<void> {
      // Tests do not need ZooKeeper's graceful shutdown (snapshots); SIGKILL is fast and always works.
      await stopAll();
      if (process.env.GREGOR_KEEP_TEST_DIRS !== '1') rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The banner ZooKeeperMain prints on stdout before a command's output. */
const CLI_NOISE = [/^Connecting to /, /^WATCHER::\s*$/, /^WatchedEvent state:SyncConnected type:None path:null/];

/**
 * Runs `zookeeper-shell`'s class (org.apache.zookeeper.ZooKeeperMain -server <cs> <cmd...>), the way Kafka users
 * look at znodes, e.g. `zkCli(cs, ['get', '/brokers/ids/1'])`. Returns stdout without the connection banner
 * and blank lines (the command's output only). Use zkCliResult for the exit code and stderr.
 */
export async function zkCli(connectString: string, args: string[], opts: { timeoutMs?: number } = {}): Promise<string> {
  const res = await zkCliResult(connectString, args, opts);
  return res.stdout
    .split('\n')
    .filter((l) => l.trim() !== '' && !CLI_NOISE.some((re) => re.test(l)))
    .join('\n');
}

export function zkCliResult(
  connectString: string,
  args: string[],
  opts: { timeoutMs?: number } = {},
): Promise<ToolResult> {
  return runJava('org.apache.zookeeper.ZooKeeperMain', ['-server', connectString, ...args], {
    timeoutMs: opts.timeoutMs ?? 60_000,
    check: false,
  });
}
