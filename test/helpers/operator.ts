// Runs the real operator process (operator/dist/main.js, as the image does) for end-to-end tests: its own
// kubeconfig (e.g. a ServiceAccount token bound by the chart's RBAC), health and metrics on loopback ports,
// stdout+stderr in a log file under the test log dir.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoreV1Api, CustomObjectsApi, KubernetesObjectApi, loadAllYaml, type KubernetesObject } from '@kubernetes/client-node';
import { freePort } from './broker.js';
import type { KubeEnv } from './kube.js';
import { REPO_ROOT, TEST_LOG_DIR } from './paths.js';

export const OPERATOR_MAIN = join(REPO_ROOT, 'operator/dist/main.js');

export interface OperatorOptions {
  /** Identity (POD_NAME) and log file name. */
  name: string;
  kubeconfigPath: string;
  /** Namespace of the leader-election Lease (POD_NAMESPACE). */
  namespace: string;
  addressMapFile?: string;
  /** Extra environment (GREGOR_TOPIC_RESYNC_SECONDS, WATCH_NAMESPACES, ...). */
  env?: Record<string, string>;
  args?: string[];
}

export class TestOperator {
  healthPort = 0;
  metricsPort = 0;
  readonly logFile: string;
  private proc: ChildProcess | null = null;
  private exit: Promise<number | null> | null = null;

  private constructor(readonly opts: OperatorOptions) {
    mkdirSync(TEST_LOG_DIR, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    this.logFile = join(TEST_LOG_DIR, `operator-${opts.name}-${stamp}-${process.pid}.log`);
  }

  static async start(opts: OperatorOptions): Promise<TestOperator> {
    const op = new TestOperator(opts);
    await op.launch();
    return op;
  }

  /** Starts the process (again, after a stop or kill) and waits for /healthz. */
  async launch(): Promise<void> {
    this.healthPort = await freePort();
    this.metricsPort = await freePort();
    const fd = openSync(this.logFile, 'a');
    writeSync(fd, `\n===== [test harness ${new Date().toISOString()}] start ${this.opts.name} =====\n`);
    const proc = spawn(
      process.execPath,
      [
        OPERATOR_MAIN,
        `--health-port=${this.healthPort}`,
        `--metrics-port=${this.metricsPort}`,
        '--bind-address=127.0.0.1',
        '--lease-name=gregor-operator',
        ...(this.opts.addressMapFile ? [`--address-map=${this.opts.addressMapFile}`] : []),
        ...(this.opts.args ?? []),
      ],
      {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '/tmp',
          KUBECONFIG: this.opts.kubeconfigPath,
          POD_NAME: this.opts.name,
          POD_NAMESPACE: this.opts.namespace,
          GREGOR_LOG_LEVEL: 'debug',
          ...(this.opts.env ?? {}),
        },
        stdio: ['ignore', fd, fd],
      },
    );
    closeSync(fd);
    this.proc = proc;
    this.exit = new Promise((resolve) => proc.once('exit', (code) => resolve(code)));
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (!this.isAlive()) throw new Error(`operator ${this.opts.name} exited during start\n${this.logTail()}`);
      if ((await this.httpStatus('health', '/healthz')) === 200) return;
      await sleep(100);
    }
    throw new Error(`operator ${this.opts.name}: /healthz not 200 within 30 s\n${this.logTail()}`);
  }

  isAlive(): boolean {
    return this.proc !== null && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** HTTP status of a GET on the health or metrics port; 0 when the connection fails. */
  async httpStatus(port: 'health' | 'metrics', path: string): Promise<number> {
    try {
      const r = await fetch(`http://127.0.0.1:${port === 'health' ? this.healthPort : this.metricsPort}${path}`, { signal: AbortSignal.timeout(3000) });
      await r.text();
      return r.status;
    } catch {
      return 0;
    }
  }

  async metrics(): Promise<string> {
    const r = await fetch(`http://127.0.0.1:${this.metricsPort}/metrics`, { signal: AbortSignal.timeout(5000) });
    return r.text();
  }

  /** Sum of a counter over all label sets in /metrics (0 when absent). */
  async counter(name: string, labelFilter = ''): Promise<number> {
    const text = await this.metrics();
    let sum = 0;
    for (const line of text.split('\n')) {
      if (!line.startsWith(name) || line.startsWith('#')) continue;
      const rest = line.slice(name.length);
      if (!(rest.startsWith('{') || rest.startsWith(' '))) continue;
      if (labelFilter && !rest.includes(labelFilter)) continue;
      sum += Number(line.slice(line.lastIndexOf(' ') + 1)) || 0;
    }
    return sum;
  }

  /** Signals the process and waits for it to exit (SIGKILL after timeoutMs); returns the exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 35_000): Promise<number | null> {
    const proc = this.proc;
    if (!proc || !this.isAlive()) return proc?.exitCode ?? null;
    proc.kill(signal);
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exit;
    } finally {
      clearTimeout(timer);
    }
  }

  kill(): Promise<number | null> {
    return this.stop('SIGKILL');
  }

  log(): string {
    try {
      return readFileSync(this.logFile, 'utf8');
    } catch {
      return '';
    }
  }

  logTail(lines = 60): string {
    return this.log().split('\n').slice(-lines).join('\n');
  }
}

export function startOperator(opts: OperatorOptions): Promise<TestOperator> {
  return TestOperator.start(opts);
}

/** The namespace deploy/operator.yaml installs the operator (and its Lease) into. */
export const OPERATOR_NAMESPACE = 'gregor-system';

/**
 * Installs everything deploy/operator.yaml holds except the Deployment (there is no kubelet to run it; tests run
 * the operator as a process), waits until the CRDs are served, and returns a kubeconfig with the operator
 * ServiceAccount's token, so the operator runs with exactly the chart's RBAC.
 */
export async function installOperator(kube: KubeEnv): Promise<{ kubeconfigPath: string }> {
  const objects = KubernetesObjectApi.makeApiClient(kube.kubeConfig);
  // client-node's loadAllYaml, not js-yaml: the typed serializer knows `enum` and `x-kubernetes-validations`
  // only under their TypeScript names, so a plain parse would drop the CRDs' validation.
  const docs = (loadAllYaml(readFileSync(join(REPO_ROOT, 'deploy/operator.yaml'), 'utf8')) as (KubernetesObject | null)[]).filter(
    (d): d is KubernetesObject => !!d,
  );
  for (const doc of docs) {
    if (doc.kind === 'Deployment') continue;
    await objects.create(doc);
  }
  const custom = kube.kubeConfig.makeApiClient(CustomObjectsApi);
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      for (const plural of ['kafkaclusters', 'kafkatopics']) {
        await custom.listNamespacedCustomObject({ group: 'kafka.gregor.dev', version: 'v1alpha1', plural, namespace: 'default' });
      }
      break;
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`CRDs not served after 30 s: ${String(e)}`);
      await sleep(200);
    }
  }
  const core = kube.kubeConfig.makeApiClient(CoreV1Api);
  const token = await core.createNamespacedServiceAccountToken({
    namespace: OPERATOR_NAMESPACE,
    name: 'gregor-operator',
    body: { spec: { expirationSeconds: 7200, audiences: [] } },
  });
  return { kubeconfigPath: kube.configForToken(token.status!.token!, 'gregor-operator').kubeconfigPath };
}
