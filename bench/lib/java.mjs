// Apache Kafka 3.9's own tools (the classes behind bin/kafka-*.sh), run from the jars that
// test/setup/install.sh puts in ${GREGOR_CACHE:-~/.cache/gregor}/java/lib.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { checkResult, runCommand } from './proc.mjs';

export const CACHE_DIR = process.env.GREGOR_CACHE || join(homedir(), '.cache', 'gregor');
export const JAVA_LIB_DIR = join(CACHE_DIR, 'java', 'lib');
export const JAVA_CLASSPATH = join(JAVA_LIB_DIR, '*');

export const CLASSES = {
  topics: 'org.apache.kafka.tools.TopicCommand',
  producerPerf: 'org.apache.kafka.tools.ProducerPerformance',
  consumerPerf: 'org.apache.kafka.tools.ConsumerPerformance',
};

/** JVM options of bin/kafka-run-class.sh (KAFKA_JVM_PERFORMANCE_OPTS) and the perf-test scripts' heap. */
export const PERF_JVM_OPTS = [
  '-Xmx512M',
  '-server',
  '-XX:+UseG1GC',
  '-XX:MaxGCPauseMillis=20',
  '-XX:InitiatingHeapOccupancyPercent=35',
  '-XX:+ExplicitGCInvokesConcurrent',
  '-Djava.awt.headless=true',
];
/** Short-lived admin tools: C1 only and serial GC start noticeably faster on small machines. */
export const ADMIN_JVM_OPTS = ['-Xmx256M', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Djava.awt.headless=true'];

function haveKafkaJars() {
  try {
    return readdirSync(JAVA_LIB_DIR).some((f) => /^kafka-tools-.*\.jar$/.test(f));
  } catch {
    return false;
  }
}

/** Runs test/setup/install.sh when the Kafka jars are missing. */
export async function ensureJavaTools(repoRoot, log) {
  if (haveKafkaJars()) return;
  log(`Kafka jars missing in ${JAVA_LIB_DIR}: running test/setup/install.sh (may take minutes)`);
  const res = await runCommand('bash', [join(repoRoot, 'test', 'setup', 'install.sh')], { timeoutMs: 20 * 60_000 });
  checkResult('test/setup/install.sh', res);
  if (!haveKafkaJars()) throw new Error(`test/setup/install.sh ran but ${JAVA_LIB_DIR} still has no kafka-tools jar`);
}

/** Version of the kafka-tools jar on the classpath, e.g. "3.9.1". */
export function kafkaToolsVersion() {
  try {
    const jar = readdirSync(JAVA_LIB_DIR).find((f) => /^kafka-tools-\d.*\.jar$/.test(f));
    return jar ? jar.replace(/^kafka-tools-|\.jar$/g, '') : null;
  } catch {
    return null;
  }
}

/** Version of the ZooKeeper jar on the classpath, e.g. "3.8.4". */
export function zookeeperVersion() {
  try {
    const jar = readdirSync(JAVA_LIB_DIR).find((f) => /^zookeeper-\d.*\.jar$/.test(f));
    return jar ? jar.replace(/^zookeeper-|\.jar$/g, '') : null;
  } catch {
    return null;
  }
}

export async function javaVersion() {
  try {
    const res = await runCommand('java', ['-version'], { timeoutMs: 20_000 });
    return (res.stderr || res.stdout).split('\n')[0].trim();
  } catch {
    return null;
  }
}

/** Writes a log4j 1.x config (reload4j) that keeps the tools quiet: errors only, on stderr. */
export function writeToolsLog4j(dir) {
  const file = join(dir, 'tools-log4j.properties');
  if (!existsSync(file)) {
    writeFileSync(
      file,
      [
        'log4j.rootLogger=ERROR, stderr',
        'log4j.appender.stderr=org.apache.log4j.ConsoleAppender',
        'log4j.appender.stderr.Target=System.err',
        'log4j.appender.stderr.layout=org.apache.log4j.PatternLayout',
        'log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n',
        '',
      ].join('\n'),
    );
  }
  return file;
}

export function javaArgs(jvmOpts, log4jFile, mainClass, args) {
  return [...jvmOpts, `-Dlog4j.configuration=file:${log4jFile}`, '-cp', JAVA_CLASSPATH, mainClass, ...args];
}

/** A readable command line for RESULTS.md (classpath and log4j flag abbreviated). */
export function displayCommand(mainClass, args) {
  return `java -cp "$GREGOR_CACHE/java/lib/*" ${mainClass} ${args.join(' ')}`;
}

export async function createTopic({ bootstrap, topic, partitions, replicationFactor = 1, configs = {}, log4jFile, timeoutMs = 60_000 }) {
  const args = [
    '--bootstrap-server', bootstrap,
    '--create', '--topic', topic,
    '--partitions', String(partitions),
    '--replication-factor', String(replicationFactor),
    ...Object.entries(configs).flatMap(([k, v]) => ['--config', `${k}=${v}`]),
  ];
  const res = await runCommand('java', javaArgs(ADMIN_JVM_OPTS, log4jFile, CLASSES.topics, args), { timeoutMs });
  checkResult(`kafka-topics --create ${topic}`, res);
  return { ms: res.ms, command: displayCommand(CLASSES.topics, args) };
}

/** `throughput`: records/s for --throughput (-1 = unthrottled). */
export function producerPerfArgs({ bootstrap, topic, records, recordSize, compression, acks = '1', throughput = -1 }) {
  const props = [`bootstrap.servers=${bootstrap}`, `acks=${acks}`];
  if (compression && compression !== 'none') props.push(`compression.type=${compression}`);
  return [
    '--topic', topic,
    '--num-records', String(records),
    '--record-size', String(recordSize),
    '--throughput', String(throughput),
    '--producer-props', ...props,
  ];
}

export function consumerPerfArgs({ bootstrap, topic, records, group }) {
  return [
    '--bootstrap-server', bootstrap,
    '--topic', topic,
    '--messages', String(records),
    '--group', group,
    '--timeout', '30000',
  ];
}

// "200000 records sent, 51387.461459 records/sec (50.18 MB/sec), 560.35 ms avg latency, 1096.00 ms max latency,
//  571 ms 50th, 888 ms 95th, 1011 ms 99th, 1082 ms 99.9th."
const PRODUCER_SUMMARY =
  /(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th, (\d+) ms 99\.9th/;

/** Parses ProducerPerformance's final summary line (the last line matching; progress lines lack percentiles). */
export function parseProducerPerf(stdout) {
  const lines = stdout.split('\n').filter((l) => PRODUCER_SUMMARY.test(l));
  if (lines.length === 0) return null;
  const m = PRODUCER_SUMMARY.exec(lines[lines.length - 1]);
  return {
    records: Number(m[1]),
    recordsPerSec: Number(m[2]),
    mbPerSec: Number(m[3]),
    avgLatencyMs: Number(m[4]),
    maxLatencyMs: Number(m[5]),
    p50LatencyMs: Number(m[6]),
    p95LatencyMs: Number(m[7]),
    p99LatencyMs: Number(m[8]),
    p999LatencyMs: Number(m[9]),
  };
}

/**
 * Parses ConsumerPerformance's CSV output:
 * start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms,
 * fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
 */
export function parseConsumerPerf(stdout) {
  const lines = stdout.split('\n').map((l) => l.trim());
  const hi = lines.findIndex((l) => l.startsWith('start.time'));
  if (hi < 0 || !lines[hi + 1]) return null;
  const header = lines[hi].split(',').map((s) => s.trim());
  const values = lines[hi + 1].split(',').map((s) => s.trim());
  if (values.length !== header.length) return null;
  const get = (k) => {
    const i = header.indexOf(k);
    return i >= 0 ? Number(values[i]) : null;
  };
  return {
    mb: get('data.consumed.in.MB'),
    mbPerSec: get('MB.sec'),
    records: get('data.consumed.in.nMsg'),
    recordsPerSec: get('nMsg.sec'),
    rebalanceMs: get('rebalance.time.ms'),
    fetchMs: get('fetch.time.ms'),
    fetchMbPerSec: get('fetch.MB.sec'),
    fetchRecordsPerSec: get('fetch.nMsg.sec'),
  };
}
