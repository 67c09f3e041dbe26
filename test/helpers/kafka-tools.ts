// Runs Apache Kafka 3.9's CLI tools (the classes behind bin/kafka-*.sh) from the jars that
// test/setup/install.sh put in $GREGOR_CACHE/java/lib, with a timeout and quiet logging.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { JAVA_CLASSPATH, SETUP_DIR, requireJavaLibs } from './paths.js';

/** bin/<script>.sh → main class, as in Kafka 3.9. */
export const TOOL_CLASSES = {
  'kafka-topics': 'org.apache.kafka.tools.TopicCommand',
  'kafka-console-producer': 'kafka.tools.ConsoleProducer',
  'kafka-console-consumer': 'org.apache.kafka.tools.consumer.ConsoleConsumer',
  'kafka-consumer-groups': 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand',
  'kafka-configs': 'kafka.admin.ConfigCommand',
  'kafka-get-offsets': 'org.apache.kafka.tools.GetOffsetShell',
  'kafka-dump-log': 'kafka.tools.DumpLogSegments',
  'kafka-storage': 'kafka.tools.StorageTool',
  'kafka-producer-perf-test': 'org.apache.kafka.tools.ProducerPerformance',
  'kafka-verifiable-producer': 'org.apache.kafka.tools.VerifiableProducer',
  'kafka-verifiable-consumer': 'org.apache.kafka.tools.VerifiableConsumer',
  'kafka-broker-api-versions': 'kafka.admin.BrokerApiVersionsCommand',
} as const;

export type ToolName = keyof typeof TOOL_CLASSES;

export interface ToolResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  ms: number;
}

export interface ToolOptions {
  /** Written to stdin, which is then closed. */
  input?: string;
  /** Killed (SIGKILL) after this; default 60 s. */
  timeoutMs?: number;
  /** Throw unless the exit code is 0 (default true). */
  check?: boolean;
}

/** JVM flags for short-lived CLI tools: C1 only, serial GC, small heap — noticeably faster starts on 2 cores. */
const TOOL_JVM_FLAGS = [
  '-XX:TieredStopAtLevel=1',
  '-XX:+UseSerialGC',
  '-Xshare:auto',
  '-Xmx384m',
  '-Djava.awt.headless=true',
];

/** Runs any Java main class with the Kafka classpath. */
export function runJava(mainClass: string, args: string[], opts: ToolOptions = {}): Promise<ToolResult> {
  requireJavaLibs();
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const started = Date.now();
  const javaArgs = [
    ...TOOL_JVM_FLAGS,
    `-Dlog4j.configuration=file:${join(SETUP_DIR, 'java', 'tools-log4j.properties')}`,
    '-cp',
    JAVA_CLASSPATH,
    mainClass,
    ...args,
  ];
  return new Promise((resolve, reject) => {
    const p = spawn('java', javaArgs, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    p.stdout.on('data', (d: Buffer) => out.push(d));
    p.stderr.on('data', (d: Buffer) => err.push(d));
    p.stdin.on('error', () => {}); // tool may exit before reading stdin
    const timer = setTimeout(() => {
      timedOut = true;
      p.kill('SIGKILL');
    }, timeoutMs);
    p.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    p.on('close', (code, signal) => {
      clearTimeout(timer);
      const res: ToolResult = {
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
        ms: Date.now() - started,
      };
      if ((opts.check ?? true) && code !== 0) {
        reject(
          new Error(
            `${mainClass} ${args.join(' ')} exited ${code}${timedOut ? ` (timed out after ${timeoutMs} ms)` : ''}\n` +
              `--- stdout ---\n${res.stdout.slice(-4000)}\n--- stderr ---\n${res.stderr.slice(-4000)}`,
          ),
        );
      } else {
        resolve(res);
      }
    });
    if (opts.input !== undefined) p.stdin.end(opts.input);
    else p.stdin.end();
  });
}

/** Runs a Kafka CLI tool by its script name, e.g. `kafkaTool('kafka-topics', ['--list', '--bootstrap-server', b])`. */
export function kafkaTool(tool: ToolName, args: string[], opts: ToolOptions = {}): Promise<ToolResult> {
  return runJava(TOOL_CLASSES[tool], args, opts);
}
