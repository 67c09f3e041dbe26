// A real Kubernetes control plane for the operator tests: etcd + kube-apiserver + kube-controller-manager,
// built from Go modules by test/setup/kube.sh, started on 127.0.0.1 with free ports and a temp dir.
// No kubelet and no scheduler: pods that controllers create stay Pending (unscheduled) unless a test binds them.
//
//   const kube = await startKube();
//   const core = kube.kubeConfig.makeApiClient(CoreV1Api);
//   ...
//   await kube.stop();
//
// Auth: a static token file with an admin user (group system:masters) and a controller-manager user; RBAC
// authorization; service-account tokens signed with a generated RSA key (TokenRequest works). TLS: a
// generated CA and serving certificate for 127.0.0.1 / localhost / kubernetes.default.svc.
// Logs: $GREGOR_TEST_LOG_DIR/kube-<name>-{etcd,apiserver,controller-manager}.log (every start/exit marked).
import { spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes, generateKeyPairSync } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { KubeConfig } from '@kubernetes/client-node';
import { freePort } from './broker.js';
import { SETUP_DIR, TEST_LOG_DIR } from './paths.js';
import { spawnTracked } from './children.js';

export interface KubeOptions {
  /** Used in the temp dir and log file names. Default "kube". */
  name?: string;
  /** Bound for each component to become ready. Default 90 s (a cold start on 2 busy cores takes ~10-20 s). */
  startTimeoutMs?: number;
  /** kube-controller-manager --controllers. Default ["*"] (all controllers that are on by default). */
  controllers?: string[];
  /** Start kube-controller-manager at all. Default true. */
  controllerManager?: boolean;
  /** Extra kube-apiserver flags (e.g. "--feature-gates=..."), appended last so they win. */
  apiserverArgs?: string[];
  /** Extra kube-controller-manager flags, appended last. */
  controllerManagerArgs?: string[];
}

export interface KubeComponent {
  readonly name: 'etcd' | 'kube-apiserver' | 'kube-controller-manager';
  readonly logFile: string;
  readonly pid: number | undefined;
  isAlive(): boolean;
  /** SIGTERM (SIGKILL after a few seconds); waits for the exit. */
  stop(): Promise<void>;
  /** Starts it again with the same flags and data; waits until it is ready. */
  start(): Promise<void>;
  logTail(lines?: number): string;
}

export interface KubeEnv {
  /** "https://127.0.0.1:<port>" */
  readonly server: string;
  /** Bearer token of the admin user ("gregor-admin", group system:masters). */
  readonly token: string;
  /** A kubeconfig file (admin user, CA inlined) for other processes, e.g. the operator (KUBECONFIG=...). */
  readonly kubeconfigPath: string;
  /** The same config loaded into @kubernetes/client-node: kubeConfig.makeApiClient(CoreV1Api). */
  readonly kubeConfig: KubeConfig;
  /** PEM of the CA that signed the apiserver's serving certificate. */
  readonly caPem: string;
  readonly caFile: string;
  /** "http://127.0.0.1:<port>" */
  readonly etcdEndpoint: string;
  readonly dir: string;
  readonly etcd: KubeComponent;
  readonly apiserver: KubeComponent;
  /** null when started with controllerManager: false. */
  readonly controllerManager: KubeComponent | null;
  /** A KubeConfig (and a file) for another bearer token, e.g. a ServiceAccount's from TokenRequest. */
  configForToken(token: string, user?: string): { kubeConfig: KubeConfig; kubeconfigPath: string };
  /** Stops the controller-manager, the apiserver and etcd; removes the dir unless GREGOR_KEEP_TEST_DIRS=1. */
  stop(): Promise<void>;
}

/** Where test/setup/kube.sh puts the binaries (GREGOR_KUBE_BIN_DIR overrides). */
export function kubeBinDir(): string {
  if (process.env.GREGOR_KUBE_BIN_DIR) return process.env.GREGOR_KUBE_BIN_DIR;
  const r = spawnSync('bash', [join(SETUP_DIR, 'kube.sh'), '--print-bin-dir'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`test/setup/kube.sh --print-bin-dir failed: ${r.stderr}`);
  return r.stdout.trim();
}

const BINARIES = ['etcd', 'kube-apiserver', 'kube-controller-manager'] as const;

/** Throws with the command to run when the control plane binaries are not built. */
export function requireKubeBinaries(): string {
  const bin = kubeBinDir();
  const missing = BINARIES.filter((b) => !existsSync(join(bin, b)));
  if (missing.length > 0) {
    throw new Error(
      `${missing.join(', ')} missing in ${bin}: run \`bash test/setup/kube.sh\` ` +
        `(builds them from Go modules, ~20 min cold on 2 cores; test/setup/install.sh runs it)`,
    );
  }
  return bin;
}


class Component implements KubeComponent {
  private proc: ChildProcess | null = null;
  private exitPromise: Promise<void> | null = null;
  private starts = 0;

  constructor(
    readonly name: KubeComponent['name'],
    private readonly binary: string,
    private readonly args: string[],
    readonly logFile: string,
    private readonly ready: (c: Component) => Promise<string | null>,
    private readonly startTimeoutMs: number,
  ) {}

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  isAlive(): boolean {
    return this.proc !== null && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  private mark(msg: string): void {
    const fd = openSync(this.logFile, 'a');
    writeSync(fd, `\n===== [test harness ${new Date().toISOString()}] ${msg} =====\n`);
    closeSync(fd);
  }

  async start(): Promise<void> {
    if (this.isAlive()) await this.stop();
    this.starts++;
    this.mark(`start #${this.starts}: ${this.binary} ${this.args.join(' ')}`);
    // No GREGOR_* variables (and no KUBECONFIG from the developer's shell) reach the components.
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (!k.startsWith('GREGOR_') && k !== 'KUBECONFIG') env[k] = v;
    }
    env.GOMAXPROCS = env.GOMAXPROCS ?? '2';
    const { proc, exited } = spawnTracked(this.binary, this.args, { logFile: this.logFile, env, mark: (l) => this.mark(l) });
    this.proc = proc;
    this.exitPromise = exited;
    const deadline = Date.now() + this.startTimeoutMs;
    let last: string | null = 'no attempt';
    while (Date.now() < deadline) {
      if (!this.isAlive()) throw new Error(`${this.name} exited during start\n${this.logTail(80)}`);
      try {
        last = await this.ready(this);
      } catch (e) {
        last = String(e);
      }
      if (last === null) {
        this.mark('ready');
        return;
      }
      await sleep(200);
    }
    throw new Error(`${this.name} not ready within ${this.startTimeoutMs} ms: ${last}\n${this.logTail(80)}`);
  }

  async stop(timeoutMs = 10_000): Promise<void> {
    const proc = this.proc;
    if (!proc || !this.exitPromise) return;
    if (this.isAlive()) {
      proc.kill('SIGTERM');
      const exited = await Promise.race([this.exitPromise.then(() => true), sleep(timeoutMs).then(() => false)]);
      if (!exited) {
        this.mark(`no exit ${timeoutMs} ms after SIGTERM: SIGKILL`);
        proc.kill('SIGKILL');
      }
    }
    await this.exitPromise;
    this.proc = null;
    this.exitPromise = null;
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

/** GET a URL; resolves with [status, body]. TLS is verified against `ca` when given, not verified otherwise. */
function httpGet(url: string, opts: { ca?: string; token?: string; timeoutMs?: number } = {}): Promise<[number, string]> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const headers: Record<string, string> = {};
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    const common = { method: 'GET', headers, timeout: opts.timeoutMs ?? 3000 };
    const req =
      u.protocol === 'https:'
        ? httpsRequest(u, { ...common, ca: opts.ca, rejectUnauthorized: opts.ca !== undefined })
        : httpRequest(u, common);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve([res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8')]));
      res.on('error', reject);
    });
    req.end();
  });
}

function openssl(args: string[], cwd: string): void {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (r.error) throw new Error(`openssl is needed to make the test CA: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
}

/** A CA (EC P-256) and a serving certificate for the apiserver signed by it. */
function makeCerts(dir: string): {
  caFile: string;
  caKey: string;
  certFile: string;
  keyFile: string;
  proxyCertFile: string;
  proxyKeyFile: string;
} {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(
    ['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '3650', '-subj', '/CN=gregor-test-ca',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    dir,
  );
  openssl(['req', '-new', ...ec, '-keyout', 'apiserver.key', '-out', 'apiserver.csr', '-subj', '/CN=kube-apiserver'], dir);
  writeFileSync(
    join(dir, 'apiserver.ext'),
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n' +
      'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,' +
      'DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:10.96.0.1\n',
  );
  openssl(
    ['x509', '-req', '-in', 'apiserver.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '3650',
      '-out', 'apiserver.crt', '-extfile', 'apiserver.ext'],
    dir,
  );
  // The client certificate the aggregator presents to extension apiservers (front proxy); with the requestheader
  // flags it also fills kube-system/extension-apiserver-authentication, which the controller-manager reads.
  openssl(['req', '-new', ...ec, '-keyout', 'front-proxy-client.key', '-out', 'front-proxy-client.csr', '-subj', '/CN=front-proxy-client'], dir);
  writeFileSync(
    join(dir, 'front-proxy-client.ext'),
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n',
  );
  openssl(
    ['x509', '-req', '-in', 'front-proxy-client.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial',
      '-days', '3650', '-out', 'front-proxy-client.crt', '-extfile', 'front-proxy-client.ext'],
    dir,
  );
  return {
    caFile: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    certFile: join(dir, 'apiserver.crt'),
    keyFile: join(dir, 'apiserver.key'),
    proxyCertFile: join(dir, 'front-proxy-client.crt'),
    proxyKeyFile: join(dir, 'front-proxy-client.key'),
  };
}

function kubeconfigJson(server: string, caPem: string, user: string, token: string): string {
  // JSON is YAML: client-go, kubectl and @kubernetes/client-node all read it.
  return JSON.stringify(
    {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        { name: 'gregor-test', cluster: { server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } },
      ],
      users: [{ name: user, user: { token } }],
      contexts: [{ name: 'gregor-test', context: { cluster: 'gregor-test', user, namespace: 'default' } }],
      'current-context': 'gregor-test',
    },
    null,
    2,
  );
}

function loadKubeConfig(path: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  return kc;
}

/** Starts etcd, kube-apiserver and (by default) kube-controller-manager; resolves once all are ready. */
export async function startKube(opts: KubeOptions = {}): Promise<KubeEnv> {
  const bin = requireKubeBinaries();
  const name = opts.name ?? 'kube';
  const startTimeoutMs = opts.startTimeoutMs ?? 90_000;
  mkdirSync(TEST_LOG_DIR, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), `gregor-${name}-`));
  const stamp = `${Date.now().toString(36)}`;
  const logFile = (c: string) => join(TEST_LOG_DIR, `kube-${name}-${stamp}-${c}.log`);
  const pki = join(dir, 'pki');
  mkdirSync(pki);

  const certs = makeCerts(pki);
  const caPem = readFileSync(certs.caFile, 'utf8');
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const saKey = join(pki, 'sa.key');
  const saPub = join(pki, 'sa.pub');
  writeFileSync(saKey, privateKey.export({ type: 'pkcs1', format: 'pem' }));
  writeFileSync(saPub, publicKey.export({ type: 'spki', format: 'pem' }));

  const token = randomBytes(24).toString('hex');
  const kcmToken = randomBytes(24).toString('hex');
  const tokenFile = join(pki, 'tokens.csv');
  // token,user,uid,"group1,group2"
  writeFileSync(
    tokenFile,
    `${token},gregor-admin,gregor-admin,"system:masters"\n` +
      `${kcmToken},system:kube-controller-manager,system:kube-controller-manager,"system:masters"\n`,
  );

  const [etcdPort, etcdPeerPort, apiPort, kcmPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const etcdEndpoint = `http://127.0.0.1:${etcdPort}`;
  const server = `https://127.0.0.1:${apiPort}`;

  const kubeconfigPath = join(dir, 'admin.kubeconfig');
  writeFileSync(kubeconfigPath, kubeconfigJson(server, caPem, 'gregor-admin', token));
  const kcmKubeconfig = join(dir, 'controller-manager.kubeconfig');
  writeFileSync(kcmKubeconfig, kubeconfigJson(server, caPem, 'system:kube-controller-manager', kcmToken));

  const etcdPeer = `http://127.0.0.1:${etcdPeerPort}`;
  const etcd = new Component(
    'etcd',
    join(bin, 'etcd'),
    [
      '--name=gregor-test',
      `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=${etcdEndpoint}`,
      `--advertise-client-urls=${etcdEndpoint}`,
      `--listen-peer-urls=${etcdPeer}`,
      `--initial-advertise-peer-urls=${etcdPeer}`,
      `--initial-cluster=gregor-test=${etcdPeer}`,
      '--initial-cluster-state=new',
      // Test data: no fsync (much faster on a busy disk; a crash loses the cluster, which tests recreate anyway).
      '--unsafe-no-fsync',
      '--log-level=warn',
    ],
    logFile('etcd'),
    async () => {
      const [status, body] = await httpGet(`${etcdEndpoint}/health`);
      return status === 200 && body.includes('"true"') ? null : `etcd /health ${status} ${body}`;
    },
    startTimeoutMs,
  );

  const apiserver = new Component(
    'kube-apiserver',
    join(bin, 'kube-apiserver'),
    [
      `--etcd-servers=${etcdEndpoint}`,
      '--bind-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      '--advertise-address=127.0.0.1',
      // The "kubernetes" Service's endpoints would be 127.0.0.1, which Endpoints validation refuses.
      '--endpoint-reconciler-type=none',
      `--cert-dir=${join(dir, 'apiserver-certs')}`,
      `--tls-cert-file=${certs.certFile}`,
      `--tls-private-key-file=${certs.keyFile}`,
      `--client-ca-file=${certs.caFile}`,
      `--token-auth-file=${tokenFile}`,
      `--requestheader-client-ca-file=${certs.caFile}`,
      '--requestheader-allowed-names=front-proxy-client',
      '--requestheader-username-headers=X-Remote-User',
      '--requestheader-group-headers=X-Remote-Group',
      '--requestheader-extra-headers-prefix=X-Remote-Extra-',
      `--proxy-client-cert-file=${certs.proxyCertFile}`,
      `--proxy-client-key-file=${certs.proxyKeyFile}`,
      '--authorization-mode=RBAC',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${saPub}`,
      `--service-account-signing-key-file=${saKey}`,
      // Cluster IPs are only allocated, never contacted (no kube-proxy here).
      '--service-cluster-ip-range=10.96.0.0/16',
      '--allow-privileged=true',
      '--profiling=false',
      '--v=1',
      ...(opts.apiserverArgs ?? []),
    ],
    logFile('apiserver'),
    async () => {
      const [status, body] = await httpGet(`${server}/readyz`, { ca: caPem, token });
      return status === 200 ? null : `/readyz ${status}: ${body.slice(-600)}`;
    },
    startTimeoutMs,
  );

  let controllerManager: Component | null = null;
  if (opts.controllerManager ?? true) {
    controllerManager = new Component(
      'kube-controller-manager',
      join(bin, 'kube-controller-manager'),
      [
        `--kubeconfig=${kcmKubeconfig}`,
        `--authentication-kubeconfig=${kcmKubeconfig}`,
        `--authorization-kubeconfig=${kcmKubeconfig}`,
        '--bind-address=127.0.0.1',
        `--secure-port=${kcmPort}`,
        `--cert-dir=${join(dir, 'controller-manager-certs')}`,
        '--leader-elect=false',
        '--use-service-account-credentials=false',
        `--controllers=${(opts.controllers ?? ['*']).join(',')}`,
        `--service-account-private-key-file=${saKey}`,
        `--root-ca-file=${certs.caFile}`,
        `--cluster-signing-cert-file=${certs.caFile}`,
        `--cluster-signing-key-file=${certs.caKey}`,
        // Its default is under /usr/libexec, which it would create.
        `--flex-volume-plugin-dir=${join(dir, 'flexvolume')}`,
        '--profiling=false',
        '--v=1',
        ...(opts.controllerManagerArgs ?? []),
      ],
      logFile('controller-manager'),
      async () => {
        const [status, body] = await httpGet(`https://127.0.0.1:${kcmPort}/healthz`);
        return status === 200 ? null : `/healthz ${status}: ${body.slice(-600)}`;
      },
      startTimeoutMs,
    );
  }

  const components = [etcd, apiserver, controllerManager].filter((c): c is Component => c !== null);
  let extra = 0;
  const env: KubeEnv = {
    server,
    token,
    kubeconfigPath,
    kubeConfig: loadKubeConfig(kubeconfigPath),
    caPem,
    caFile: certs.caFile,
    etcdEndpoint,
    dir,
    etcd,
    apiserver,
    controllerManager,
    configForToken(t: string, user = 'token-user') {
      const path = join(dir, `user-${++extra}.kubeconfig`);
      writeFileSync(path, kubeconfigJson(server, caPem, user, t));
      return { kubeConfig: loadKubeConfig(path), kubeconfigPath: path };
    },
    async stop() {
      for (const c of [...components].reverse()) await c.stop();
      if (process.env.GREGOR_KEEP_TEST_DIRS !== '1') rmSync(dir, { recursive: true, force: true });
    },
  };

  try {
    for (const c of components) await c.start();
    if (controllerManager && opts.controllers === undefined) {
      // The ServiceAccount admission plugin refuses pods until the namespace's "default" ServiceAccount exists;
      // its appearance in "default" also shows that the controllers run.
      const deadline = Date.now() + startTimeoutMs;
      const url = `${server}/api/v1/namespaces/default/serviceaccounts/default`;
      while ((await httpGet(url, { ca: caPem, token }).catch(() => [0, ''] as [number, string]))[0] !== 200) {
        if (Date.now() > deadline) {
          throw new Error(`no "default" ServiceAccount within ${startTimeoutMs} ms\n${controllerManager.logTail(80)}`);
        }
        await sleep(200);
      }
    }
  } catch (e) {
    await env.stop().catch(() => {});
    throw e;
  }
  return env;
}
