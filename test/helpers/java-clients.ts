// The Java Kafka client (kafka-clients 3.9.1) as a test peer for the cluster suites: test/helpers/java/ClusterClient.java
// is compiled at test time with javac against the jars of test/setup/install.sh (cached by source hash in
// $GREGOR_CACHE/java/classes/<hash>), then run as a long-lived idempotent acks=all producer, a group consumer, or a
// one-shot dump of a topic. All output is parsed line by line.
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { CACHE_DIR, JAVA_CLASSPATH, REPO_ROOT, SETUP_DIR, requireJavaLibs } from './paths.js';

const SOURCE = join(REPO_ROOT, 'test', 'helpers', 'java', 'ClusterClient.java');

let compiled: string | null = null;

/** Compiles ClusterClient.java once per source version; returns the classes dir. */
export function javaClientClasses(): string {
  if (compiled) return compiled;
  requireJavaLibs();
  const src = readFileSync(SOURCE);
  const hash = createHash('sha256').update(src).digest('hex').slice(0, 16);
  const dir = join(CACHE_DIR, 'java', 'classes', hash);
  if (!existsSync(join(dir, 'ClusterClient.class'))) {
    // Two test workers may compile at once: compile into a private dir, then rename into place.
    const tmp = `${dir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    const r = spawnSync('javac', ['-nowarn', '-cp', JAVA_CLASSPATH, '-d', tmp, SOURCE], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (r.status !== 0) throw new Error(`javac ClusterClient.java failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
    try {
      renameSync(tmp, dir);
    } catch {
      rmSync(tmp, { recursive: true, force: true }); // the other worker won
    }
  }
  compiled = dir;
  return dir;
}

function javaArgs(mode: string, args: string[]): string[] {
  return [
    '-XX:TieredStopAtLevel=1',
    '-XX:+UseSerialGC',
    '-Xshare:auto',
    '-Xmx256m',
    '-Djava.awt.headless=true',
    `-Dlog4j.configuration=file:${join(SETUP_DIR, 'java', 'tools-log4j.properties')}`,
    '-cp',
    `${javaClientClasses()}:${JAVA_CLASSPATH}`,
    'ClusterClient',
    mode,
    ...args,
  ];
}

export interface Ack {
  seq: number;
  partition: number;
  offset: number;
}

export interface ProducerSummary {
  sent: number;
  acked: number;
  failed: number;
}

/** A running ClusterClient process whose stdout lines are handed to `onLine`. */
class JavaProcess {
  readonly proc: ChildProcess;
  readonly exited: Promise<number | null>;
  private stderr = '';

  constructor(mode: string, args: string[], onLine: (line: string) => void) {
    this.proc = spawn('java', javaArgs(mode, args), { stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stdin!.on('error', () => {});
    this.proc.stderr!.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString('utf8')).slice(-8000);
    });
    createInterface({ input: this.proc.stdout! }).on('line', onLine);
    this.exited = new Promise((resolve) => {
      this.proc.once('exit', (code) => resolve(code));
      this.proc.once('error', () => resolve(null));
    });
  }

  get stderrTail(): string {
    return this.stderr;
  }

  /**
   * Closes stdin (the client stops and finishes; unless `closeStdin` is false: then it must end by itself) and waits
   * for the exit; SIGKILL after `timeoutMs`.
   */
  async finish(timeoutMs: number, closeStdin = true): Promise<number | null> {
    if (closeStdin) this.proc.stdin!.end();
    const code = await Promise.race([this.exited, sleep(timeoutMs).then(() => 'timeout' as const)]);
    if (code === 'timeout') {
      this.proc.kill('SIGKILL');
      await this.exited;
      throw new Error(`ClusterClient did not finish within ${timeoutMs} ms\n${this.stderr}`);
    }
    return code;
  }

  kill(): void {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGKILL');
  }
}

/**
 * A continuous idempotent acks=all producer (Java client) of numbered records: record `seq` goes to partition
 * seq % partitions with value "<seq>:<padding>".
 */
export class NumberedProducer {
  readonly acks: Ack[] = [];
  readonly errors: string[] = [];
  /** ms timestamps (Date.now()) of each ack, parallel to `acks`. */
  readonly ackTimes: number[] = [];
  summary: ProducerSummary | null = null;
  private readonly p: JavaProcess;
  private readonly bounded: boolean;

  private constructor(bootstrap: string, topic: string, ratePerSec: number, max?: number) {
    this.bounded = max !== undefined;
    const args = [bootstrap, topic, String(ratePerSec)];
    if (max !== undefined) args.push(String(max));
    this.p = new JavaProcess('produce', args, (line) => this.onLine(line));
  }

  static start(bootstrap: string, topic: string, opts: { ratePerSec?: number; max?: number } = {}): NumberedProducer {
    return new NumberedProducer(bootstrap, topic, opts.ratePerSec ?? 500, opts.max);
  }

  private onLine(line: string): void {
    if (line.startsWith('ACK ')) {
      const [, s, p, o] = line.split(' ');
      this.acks.push({ seq: Number(s), partition: Number(p), offset: Number(o) });
      this.ackTimes.push(Date.now());
    } else if (line.startsWith('ERR ')) {
      this.errors.push(line.slice(4));
    } else if (line.startsWith('DONE ')) {
      const m = /sent=(\d+) acked=(\d+) failed=(\d+)/.exec(line);
      if (m) this.summary = { sent: Number(m[1]), acked: Number(m[2]), failed: Number(m[3]) };
    }
  }

  get acked(): number {
    return this.acks.length;
  }

  get alive(): boolean {
    return this.p.proc.exitCode === null && this.p.proc.signalCode === null;
  }

  /** Acks received after time `t` (Date.now()). */
  ackedSince(t: number): number {
    let n = 0;
    for (let i = this.ackTimes.length - 1; i >= 0 && this.ackTimes[i] > t; i--) n++;
    return n;
  }

  /** Waits until `n` more records are acknowledged than now (or `what` times out). */
  async waitForMoreAcks(n: number, timeoutMs = 60_000): Promise<void> {
    const target = this.acks.length + n;
    const deadline = Date.now() + timeoutMs;
    while (this.acks.length < target) {
      if (!this.alive) throw new Error(`producer exited (${this.p.proc.exitCode})\n${this.p.stderrTail}`);
      if (Date.now() > deadline) {
        throw new Error(
          `producer: ${this.acks.length}/${target} acks after ${timeoutMs} ms; errors: ${this.errors.slice(-5).join(' | ')}\n${this.p.stderrTail}`,
        );
      }
      await sleep(100);
    }
  }

  /**
   * Stops sending (a producer started with `max` first sends all of them), waits for every outstanding record to
   * be acked or failed, returns the summary. The process is gone afterwards either way (SIGKILLed after
   * `timeoutMs`), so callers need no kill of their own when it throws.
   */
  async stop(timeoutMs = 200_000): Promise<ProducerSummary> {
    const code = await this.p.finish(timeoutMs, !this.bounded);
    if (code !== 0 || !this.summary) {
      throw new Error(`producer exited ${code} without a summary\n${this.p.stderrTail}`);
    }
    return this.summary;
  }

  kill(): void {
    this.p.kill();
  }
}

export interface ConsumedRecord {
  partition: number;
  offset: number;
  value: string;
}

/** A Java group consumer (subscribe, auto commit) printing every record it gets. */
export class GroupConsumer {
  readonly records: ConsumedRecord[] = [];
  readonly times: number[] = [];
  done: string | null = null;
  private readonly p: JavaProcess;

  private constructor(bootstrap: string, topic: string, group: string) {
    this.p = new JavaProcess('consume', [bootstrap, topic, group], (line) => {
      if (line.startsWith('REC ')) {
        const [, p, o, v] = line.split(' ');
        this.records.push({ partition: Number(p), offset: Number(o), value: v });
        this.times.push(Date.now());
      } else if (line.startsWith('DONE')) {
        this.done = line;
      }
    });
  }

  static start(bootstrap: string, topic: string, group: string): GroupConsumer {
    return new GroupConsumer(bootstrap, topic, group);
  }

  /** Distinct record values seen. */
  values(): Set<string> {
    return new Set(this.records.map((r) => r.value));
  }

  receivedSince(t: number): number {
    let n = 0;
    for (let i = this.times.length - 1; i >= 0 && this.times[i] > t; i--) n++;
    return n;
  }

  async stop(timeoutMs = 60_000): Promise<string | null> {
    await this.p.finish(timeoutMs);
    return this.done;
  }

  kill(): void {
    this.p.kill();
  }
}

export interface TopicDump {
  /** partition → end offset at the start of the dump. */
  end: Map<number, number>;
  /** partition → records in offset order. */
  records: Map<number, { offset: number; value: string }[]>;
}

/** Reads every partition of `topic` from the beginning to its end offset (Java consumer, no group). */
export async function dumpTopic(bootstrap: string, topic: string, timeoutMs = 120_000): Promise<TopicDump> {
  const end = new Map<number, number>();
  const records = new Map<number, { offset: number; value: string }[]>();
  let done = false;
  let timeout: string | null = null;
  const p = new JavaProcess('dump', [bootstrap, topic, String(timeoutMs)], (line) => {
    if (line.startsWith('REC ')) {
      const [, part, o, v] = line.split(' ');
      const pn = Number(part);
      let list = records.get(pn);
      if (!list) records.set(pn, (list = []));
      list.push({ offset: Number(o), value: v });
    } else if (line.startsWith('END ')) {
      const [, part, o] = line.split(' ');
      end.set(Number(part), Number(o));
    } else if (line.startsWith('TIMEOUT')) {
      timeout = line;
    } else if (line === 'DONE') {
      done = true;
    }
  });
  const code = await Promise.race([p.exited, sleep(timeoutMs + 60_000).then(() => 'timeout' as const)]);
  if (code === 'timeout') {
    p.kill();
    throw new Error(`dump of ${topic} hung\n${p.stderrTail}`);
  }
  if (code !== 0 || !done || timeout) {
    throw new Error(`dump of ${topic} failed (exit ${code}, ${timeout ?? 'no timeout'})\n${p.stderrTail}`);
  }
  return { end, records };
}

/**
 * Checks a dump against a producer's acks: every acknowledged record is present exactly once, at the offset the
 * ack reported, and each partition holds strictly increasing sequence numbers (no duplicate, no reordering).
 * Returns a list of problems (empty = good), capped.
 */
export function verifyAcked(acks: Ack[], dump: TopicDump, max = 20): string[] {
  const problems: string[] = [];
  const add = (s: string): void => {
    if (problems.length < max) problems.push(s);
  };
  const seen = new Map<number, number>(); // seq → count
  const byOffset = new Map<number, Map<number, number>>(); // partition → offset → seq
  for (const [part, list] of dump.records) {
    const m = new Map<number, number>();
    byOffset.set(part, m);
    let prevSeq = -1;
    let prevOffset = -1;
    for (const r of list) {
      const seq = Number(r.value);
      if (!Number.isInteger(seq)) {
        add(`p${part}@${r.offset}: unexpected value ${r.value}`);
        continue;
      }
      if (r.offset <= prevOffset) add(`p${part}: offset ${r.offset} after ${prevOffset}`);
      if (seq <= prevSeq) add(`p${part}@${r.offset}: seq ${seq} after ${prevSeq} (duplicate or out of order)`);
      prevSeq = Math.max(prevSeq, seq);
      prevOffset = r.offset;
      seen.set(seq, (seen.get(seq) ?? 0) + 1);
      m.set(r.offset, seq);
    }
  }
  for (const [seq, n] of seen) if (n > 1) add(`seq ${seq} read ${n} times`);
  for (const a of acks) {
    const at = byOffset.get(a.partition)?.get(a.offset);
    if (at === undefined) add(`acked seq ${a.seq} (p${a.partition}@${a.offset}) missing`);
    else if (at !== a.seq) add(`acked seq ${a.seq} at p${a.partition}@${a.offset}, found seq ${at} there`);
    if (a.partition >= 0 && !seen.has(a.seq)) add(`acked seq ${a.seq} not read at all`);
  }
  return problems;
}
