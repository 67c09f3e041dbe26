// Benchmark targets: brokers the same scenarios run against, side by side.
//
// A target is { name, label, kind: 'gregor'|'kafka', describe(), start(opts) }:
//   describe()  -> Promise<{ version, command, jvmOptions? }> for RESULTS.md
//   start({ dir, port, brokerId, zookeeperConnect, overrides })
//               -> Promise<BrokerHandle>; spawns the broker on 127.0.0.1:<port> with its data under `dir`,
//                  in ZooKeeper mode (broker.id + zookeeper.connect), and returns as soon as the process is
//                  spawned (readiness is measured by the caller with a real produce, see probe.mjs).
// A BrokerHandle has { pid, host, port, bootstrap, logFile, dataDir, spawnedAt (performance.now() just before
//   spawn), readyLogMs (Promise<number|null>: when the broker logged its own "started" line, relative to
//   spawnedAt), alive(), stop({ timeoutMs }) -> Promise<{ ms, code, signal, forced }>, kill() }.
//
// Both targets get the same settings: the keys of config/server.properties (minus gregor.*), the common
// overrides below and the scenario's overrides. Gregor reads the file itself (--config, --override ...);
// for Kafka the merged set is written to <dir>/server.properties.
//
// Targets:
//   gregor          node broker/dist/gregor-broker.cjs (ZooKeeper mode, like Kafka)
//   kafka           Apache Kafka 3.9 (kafka_2.13 jar, ZooKeeper mode) with the JVM options of
//                   bin/kafka-server-start.sh: -Xmx1G -Xms1G + KAFKA_JVM_PERFORMANCE_OPTS
//   kafka-xmx256m   the same with -Xmx256m -Xms256m (used by the memory scenario)
import { createWriteStream, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { JAVA_CLASSPATH, JAVA_LIB_DIR } from './java.mjs';
import { onCleanup, sleep } from './proc.mjs';

/** Broker settings every target gets, so results compare like with like. */
export const COMMON_BROKER_CONFIG = {
  'auto.create.topics.enable': 'true', // the cold-start probe creates its topic through Metadata
  'group.initial.rebalance.delay.ms': '0', // ConsumerPerformance's MB.sec includes the group join
  'num.partitions': '1',
  'offsets.topic.replication.factor': '1',
  'transaction.state.log.replication.factor': '1',
  'transaction.state.log.min.isr': '1',
};

const live = new Set();
onCleanup(() => {
  for (const h of live) h.kill();
});

/**
 * Spawns a broker process with stdout/stderr appended to `logFile`; watches the output for `readyPattern`.
 */
function spawnBroker({ cmd, args, cwd, env, logFile, readyPattern }) {
  const log = createWriteStream(logFile, { flags: 'a' });
  const spawnedAt = performance.now();
  const proc = spawn(cmd, args, { cwd, env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let exit = null;
  let resolveReady;
  const readyLogMs = new Promise((r) => (resolveReady = r));
  let tail = '';
  const onData = (d) => {
    log.write(d);
    if (resolveReady) {
      tail = (tail + d.toString('utf8')).slice(-4096);
      if (readyPattern.test(tail)) {
        resolveReady(performance.now() - spawnedAt);
        resolveReady = null;
        tail = '';
      }
    }
  };
  proc.stdout.on('data', onData);
  proc.stderr.on('data', onData);
  const exited = new Promise((resolve) => {
    proc.once('error', (err) => {
      exit = { code: null, signal: null, error: err };
      resolve(exit);
    });
    proc.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    });
  }).then((e) => {
    live.delete(handle);
    resolveReady?.(null);
    return new Promise((r) => log.end(() => r(e)));
  });
  const handle = {
    pid: proc.pid,
    spawnedAt,
    readyLogMs,
    exited,
    logFile,
    alive: () => exit === null,
    kill: () => {
      if (exit === null) {
        try {
          proc.kill('SIGKILL');
        } catch {
          /* gone */
        }
      }
    },
    /** SIGTERM, then SIGKILL after timeoutMs. */
    async stop({ timeoutMs = 20_000 } = {}) {
      const t = performance.now();
      if (exit !== null) return { ms: 0, ...exit, forced: false };
      proc.kill('SIGTERM');
      const res = await Promise.race([exited, sleep(timeoutMs).then(() => null)]);
      if (res) return { ms: performance.now() - t, ...res, forced: false };
      proc.kill('SIGKILL');
      const killed = await exited;
      return { ms: performance.now() - t, ...killed, forced: true };
    },
  };
  live.add(handle);
  return handle;
}

/** KAFKA_JVM_PERFORMANCE_OPTS of bin/kafka-run-class.sh (Kafka 3.9). */
export const KAFKA_JVM_PERFORMANCE_OPTS = [
  '-server',
  '-XX:+UseG1GC',
  '-XX:MaxGCPauseMillis=20',
  '-XX:InitiatingHeapOccupancyPercent=35',
  '-XX:+ExplicitGCInvokesConcurrent',
  '-XX:MaxInlineLevel=15',
  '-Djava.awt.headless=true',
];
/** KAFKA_HEAP_OPTS of bin/kafka-server-start.sh. */
export const KAFKA_DEFAULT_HEAP = ['-Xmx1G', '-Xms1G'];
export const KAFKA_SMALL_HEAP = ['-Xmx256m', '-Xms256m'];

/** Keys of a .properties file (no continuation lines or escapes: config/server.properties has none). */
export function readProperties(file) {
  const out = {};
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith('!')) continue;
    const i = line.search(/[=:]/);
    if (i < 0) continue;
    out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}

/**
 * The environment for Gregor: ours minus GREGOR_* (Gregor reads GREGOR_<KEY> as config overrides; the
 * benchmark's GREGOR_CACHE must not become one). GREGOR_LOG_LEVEL passes, default info.
 */
function gregorEnv() {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('GREGOR_') && k !== 'GREGOR_LOG_LEVEL') continue;
    env[k] = v;
  }
  env.GREGOR_LOG_LEVEL ??= 'info';
  return env;
}

/** Overrides every broker start gets: ids, ZooKeeper, listener, data dir, then the scenario's. */
function overridesFor({ dataDir, port, brokerId, zookeeperConnect, overrides }) {
  const listener = `PLAINTEXT://127.0.0.1:${port}`;
  return {
    ...COMMON_BROKER_CONFIG,
    'broker.id': String(brokerId),
    'zookeeper.connect': zookeeperConnect,
    'log.dirs': dataDir,
    listeners: listener,
    'advertised.listeners': listener,
    ...Object.fromEntries(Object.entries(overrides ?? {}).map(([k, v]) => [k, String(v)])),
  };
}

const SHOWN = { dataDir: '<tmp>/data', port: '<port>', brokerId: '<id>', zookeeperConnect: '127.0.0.1:<zk-port>/bench/<run>' };

/** Gregor: node broker/dist/gregor-broker.cjs --config config/server.properties --override ... (ZooKeeper mode). */
export function gregorTarget(repoRoot) {
  const main = join(repoRoot, 'broker', 'dist', 'gregor-broker.cjs');
  const configFile = join(repoRoot, 'config', 'server.properties');
  const argsFor = (overrides) => [
    main,
    '--config',
    configFile,
    ...Object.entries({ ...overrides, 'gregor.metrics.port': '-1' }).flatMap(([k, v]) => ['--override', `${k}=${v}`]),
  ];
  return {
    name: 'gregor',
    label: 'Gregor',
    kind: 'gregor',
    async describe() {
      let version = null;
      try {
        version = JSON.parse(readFileSync(join(repoRoot, 'broker', 'package.json'), 'utf8')).version;
      } catch {
        /* unknown */
      }
      const shown = argsFor(overridesFor(SHOWN)).map((a) => a.replace(repoRoot + '/', ''));
      return { version: version ? `@gregor/broker ${version}` : null, command: `node ${shown.join(' ')}` };
    },
    async start({ dir, port, brokerId = 1, zookeeperConnect, overrides }) {
      const dataDir = join(dir, 'data');
      mkdirSync(dataDir, { recursive: true });
      const h = spawnBroker({
        cmd: process.execPath,
        args: argsFor(overridesFor({ dataDir, port, brokerId, zookeeperConnect, overrides })),
        cwd: repoRoot,
        env: gregorEnv(),
        logFile: join(dir, 'broker.log'),
        readyPattern: /Gregor broker started/,
      });
      return { ...h, target: 'gregor', host: '127.0.0.1', port, bootstrap: `127.0.0.1:${port}`, dataDir };
    },
  };
}

/** Broker logging: INFO on stdout (captured into broker.log), request and state-change loggers at WARN. */
const KAFKA_BROKER_LOG4J = [
  'log4j.rootLogger=INFO, stdout',
  'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
  'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
  'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
  'log4j.logger.kafka.request.logger=WARN',
  'log4j.logger.kafka.network.RequestChannel$=WARN',
  'log4j.logger.state.change.logger=WARN',
  'log4j.logger.kafka.authorizer.logger=WARN',
  '',
].join('\n');

function kafkaJarVersion() {
  try {
    const jar = readdirSync(JAVA_LIB_DIR).find((f) => /^kafka_2\.13-\d.*\.jar$/.test(f));
    return jar ? jar.replace(/^kafka_2\.13-|\.jar$/g, '') : null;
  } catch {
    return null;
  }
}

/** Apache Kafka 3.9 in ZooKeeper mode: java <heap> <KAFKA_JVM_PERFORMANCE_OPTS> -cp <lib>/* kafka.Kafka server.properties */
export function kafkaTarget(repoRoot, { name, label, heap }) {
  const fileConfig = Object.fromEntries(
    Object.entries(readProperties(join(repoRoot, 'config', 'server.properties'))).filter(([k]) => !k.startsWith('gregor.')),
  );
  const jvmOptions = [...heap, ...KAFKA_JVM_PERFORMANCE_OPTS];
  return {
    name,
    label,
    kind: 'kafka',
    jvmOptions,
    async describe() {
      const v = kafkaJarVersion();
      return {
        version: v ? `Apache Kafka ${v} (kafka_2.13-${v}.jar), ZooKeeper mode` : 'Apache Kafka (ZooKeeper mode)',
        jvmOptions: jvmOptions.join(' '),
        command:
          `java ${jvmOptions.join(' ')} -Dlog4j.configuration=file:<tmp>/log4j.properties -cp "$GREGOR_CACHE/java/lib/*" kafka.Kafka <tmp>/server.properties\n` +
          '#   server.properties = config/server.properties without gregor.* keys, plus: ' +
          Object.entries(overridesFor(SHOWN))
            .map(([k, v]) => `${k}=${v}`)
            .join(' '),
      };
    },
    async start({ dir, port, brokerId = 1, zookeeperConnect, overrides }) {
      const dataDir = join(dir, 'data');
      mkdirSync(dataDir, { recursive: true });
      const cfg = { ...fileConfig, ...overridesFor({ dataDir, port, brokerId, zookeeperConnect, overrides }) };
      const cfgFile = join(dir, 'server.properties');
      writeFileSync(cfgFile, Object.entries(cfg).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
      const log4jFile = join(dir, 'log4j.properties');
      writeFileSync(log4jFile, KAFKA_BROKER_LOG4J);
      const h = spawnBroker({
        cmd: 'java',
        args: [...jvmOptions, `-Dlog4j.configuration=file:${log4jFile}`, '-cp', JAVA_CLASSPATH, 'kafka.Kafka', cfgFile],
        cwd: dir,
        logFile: join(dir, 'broker.log'),
        readyPattern: /\[KafkaServer id=\d+\] started|Kafka Server started/,
      });
      return { ...h, target: name, host: '127.0.0.1', port, bootstrap: `127.0.0.1:${port}`, dataDir };
    },
  };
}

export function makeTargets(repoRoot) {
  return {
    kafka: kafkaTarget(repoRoot, { name: 'kafka', label: 'Kafka', heap: KAFKA_DEFAULT_HEAP }),
    gregor: gregorTarget(repoRoot),
    'kafka-xmx256m': kafkaTarget(repoRoot, { name: 'kafka-xmx256m', label: 'Kafka -Xmx256m', heap: KAFKA_SMALL_HEAP }),
  };
}

/**
 * Summarises a broker's log: counts of warn/error/fatal lines and the first few distinct messages. Gregor's
 * pino JSON lines by level; other lines (Kafka's log4j) with WARN/ERROR/FATAL, timestamps stripped so repeats
 * are counted together. `from`/`to` (byte offsets) restrict it to a part of the log, e.g. before the stop.
 */
export function summariseBrokerLog(logFile, { maxExamples = 5, from = 0, to = Infinity } = {}) {
  let text = '';
  try {
    const buf = readFileSync(logFile);
    text = buf.subarray(from, Math.min(to, buf.length)).toString('utf8');
  } catch {
    return { warn: 0, error: 0, examples: [] };
  }
  const counts = { warn: 0, error: 0 };
  const examples = new Map();
  for (const line of text.split('\n')) {
    if (!line) continue;
    let level = null;
    let msg = line;
    if (line.startsWith('{')) {
      try {
        const j = JSON.parse(line);
        level = j.level >= 50 ? 'error' : j.level >= 40 ? 'warn' : null;
        msg = [j.component, j.msg, j.err?.message].filter(Boolean).join(': ');
      } catch {
        /* not JSON after all */
      }
    } else if (/\b(ERROR|FATAL)\b/.test(line)) level = 'error';
    else if (/\bWARN\b/.test(line)) level = 'warn';
    if (!level) continue;
    counts[level]++;
    const key = `${level}: ${msg.replace(/^\[[^\]]*\]\s*/, '').replace(/^(WARN|ERROR|FATAL)\s+/, '')}`.slice(0, 300);
    examples.set(key, (examples.get(key) ?? 0) + 1);
  }
  return {
    ...counts,
    examples: [...examples.entries()].slice(0, maxExamples).map(([m, n]) => (n > 1 ? `${m} (x${n})` : m)),
  };
}
