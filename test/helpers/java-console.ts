// A long-running Kafka 3.9 CLI tool (e.g. kafka-console-consumer) as a background process, with the Java client's
// group coordinator logged at INFO on stderr so tests can see what the real client saw ("Successfully joined group
// with generation Generation{generationId=N, ...}"). Killed when the test process exits.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { liveChildren } from './children.js';
import { TOOL_CLASSES, type ToolName } from './kafka-tools.js';
import { JAVA_CLASSPATH, requireJavaLibs } from './paths.js';

let log4jFile: string | null = null;

/** log4j 1 config: errors, plus the consumer's group coordinator at INFO, on stderr. */
function coordinatorLog4j(): string {
  if (log4jFile) return log4jFile;
  const dir = mkdtempSync(join(tmpdir(), 'gregor-log4j-'));
  log4jFile = join(dir, 'log4j.properties');
  writeFileSync(
    log4jFile,
    [
      'log4j.rootLogger=ERROR, stderr',
      'log4j.logger.org.apache.kafka.clients.consumer.internals.ConsumerCoordinator=INFO',
      'log4j.logger.org.apache.kafka.clients.consumer.internals.AbstractCoordinator=INFO',
      'log4j.appender.stderr=org.apache.log4j.ConsoleAppender',
      'log4j.appender.stderr.Target=System.err',
      'log4j.appender.stderr.layout=org.apache.log4j.PatternLayout',
      'log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n',
      '',
    ].join('\n'),
  );
  return log4jFile;
}

export class BackgroundTool {
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;
  private readonly proc: ChildProcess;

  private constructor(mainClass: string, args: string[]) {
    requireJavaLibs();
    this.proc = spawn(
      'java',
      [
        '-XX:TieredStopAtLevel=1',
        '-XX:+UseSerialGC',
        '-Xshare:auto',
        '-Xmx256m',
        '-Djava.awt.headless=true',
        `-Dlog4j.configuration=file:${coordinatorLog4j()}`,
        '-cp',
        JAVA_CLASSPATH,
        mainClass,
        ...args,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    liveChildren.add(this.proc);
    this.proc.stdout!.on('data', (d: Buffer) => (this.stdout += d.toString('utf8')));
    this.proc.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString('utf8')));
    this.exited = new Promise((resolve) => {
      this.proc.once('exit', (code) => {
        liveChildren.delete(this.proc);
        resolve(code);
      });
      this.proc.once('error', () => {
        liveChildren.delete(this.proc);
        resolve(null);
      });
    });
  }

  static start(tool: ToolName, args: string[]): BackgroundTool {
    return new BackgroundTool(TOOL_CLASSES[tool], args);
  }

  get alive(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** Waits until stderr (where the client logs) matches `re`; returns the match. */
  async waitForLog(re: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this.stderr.match(re);
      if (m) return m;
      if (!this.alive || Date.now() > deadline) {
        throw new Error(
          `${re} not logged (${this.alive ? `timed out after ${timeoutMs} ms` : 'process exited'})\n` +
            `--- stderr ---\n${this.stderr.slice(-4000)}\n--- stdout ---\n${this.stdout.slice(-2000)}`,
        );
      }
      await sleep(100);
    }
  }

  /** Sends `signal` (SIGTERM: the tool's shutdown hook closes the client) and waits; SIGKILL after `timeoutMs`. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15_000): Promise<void> {
    if (this.alive) {
      this.proc.kill(signal);
      const done = await Promise.race([this.exited.then(() => true), sleep(timeoutMs).then(() => false)]);
      if (!done) this.proc.kill('SIGKILL');
    }
    await this.exited;
  }
}
