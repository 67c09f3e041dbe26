// Dockerfile.broker and Dockerfile.operator without a Docker engine: the Dockerfiles are parsed and replayed
// stage by stage into temp directories (one per stage, standing for the stage's filesystem root), running the
// same npm commands they run, so every COPY/ADD source is checked to exist (in the build context, allowed by
// .dockerignore, or in the stage it is copied from), and the runtime stage ends up with exactly what the image
// would hold. Then the image's entry point is started from that copy: the broker must log "Gregor broker
// started" and exit 0 on SIGTERM; the operator's compiled modules must load with production deps only.
//
// One liberty, to stay fast: the build stage's full `npm ci` (TypeScript, test clients) is replaced by a link
// to the repository's node_modules, which CI installs with the same `npm ci` from the same lockfile. The
// production installs (`npm ci --omit=dev --workspace ...`) and `npm run build` run for real.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/paths.js';

// ---------------------------------------------------------------- Dockerfile parsing

interface Instruction {
  op: string;
  /** Raw argument text (continuations joined). */
  text: string;
  line: number;
}

interface Stage {
  name: string;
  base: string;
  instructions: Instruction[];
}

function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    const start = i + 1;
    if (/^\s*(#|$)/.test(line)) continue;
    while (/\\\s*$/.test(line) && i + 1 < lines.length) {
      line = line.replace(/\\\s*$/, ' ');
      i++;
      // Comment lines inside a continuation are dropped, as Docker does.
      if (!/^\s*#/.test(lines[i]!)) line += lines[i]!;
    }
    const m = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line);
    if (!m) throw new Error(`line ${start}: cannot parse ${JSON.stringify(line)}`);
    const op = m[1]!.toUpperCase();
    const rest = m[2]!.trim().replace(/\s+/g, ' ');
    if (op === 'FROM') {
      const f = /^(\S+)(?: AS (\S+))?$/i.exec(rest);
      if (!f) throw new Error(`line ${start}: FROM ${rest}`);
      stages.push({ base: f[1]!, name: f[2] ?? String(stages.length), instructions: [] });
      continue;
    }
    const stage = stages[stages.length - 1];
    if (!stage) throw new Error(`line ${start}: ${op} before FROM`);
    stage.instructions.push({ op, text: rest, line: start });
  }
  return stages;
}

/** Exec form (JSON array) of ENTRYPOINT/CMD/RUN, or undefined for the shell form. */
function execForm(text: string): string[] | undefined {
  if (!text.startsWith('[')) return undefined;
  const v: unknown = JSON.parse(text);
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new Error(`not a string array: ${text}`);
  return v as string[];
}

interface Copy {
  from?: string;
  sources: string[];
  dest: string;
}

function parseCopy(text: string): Copy {
  const words = text.split(' ');
  let from: string | undefined;
  while (words[0]?.startsWith('--')) {
    const flag = words.shift()!;
    const fm = /^--from=(.+)$/.exec(flag);
    if (fm) from = fm[1];
    else if (!/^--(chown|chmod|link)(=|$)/.test(flag)) throw new Error(`unsupported COPY flag ${flag}`);
  }
  const paths = execForm(words.join(' ')) ?? words;
  if (paths.length < 2) throw new Error(`COPY needs a source and a destination: ${text}`);
  return { from, sources: paths.slice(0, -1), dest: paths[paths.length - 1]! };
}

/** LABEL k=v k="v w" ... */
function parseLabels(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([^\s=]+)=("(?:[^"\\]|\\.)*"|\S+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out[m[1]!] = m[2]!.startsWith('"') ? (JSON.parse(m[2]!) as string) : m[2]!;
  return out;
}

// ---------------------------------------------------------------- .dockerignore

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  // A pattern matching a directory excludes (or re-includes) everything below it.
  return new RegExp(`^${re}(/.*)?$`);
}

function dockerignore(text: string): (path: string) => boolean {
  const rules = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!');
      const pattern = posix.normalize((negate ? l.slice(1) : l).replace(/^\/+/, ''));
      return { negate, re: globToRegExp(pattern) };
    });
  /** True when the context path is sent to the builder; the last matching rule wins. */
  return (path: string) => {
    let included = true;
    for (const r of rules) if (r.re.test(path)) included = r.negate;
    return included;
  };
}

// ---------------------------------------------------------------- replay

interface Image {
  dockerfile: string;
  stages: Stage[];
  /** Stage name -> temp dir standing for its filesystem root. */
  roots: Map<string, string>;
  final: Stage;
  finalRoot: string;
  entrypoint: string[] | undefined;
  cmd: string[] | undefined;
  user: string | undefined;
  expose: string[];
  labels: Record<string, string>;
  env: Record<string, string>;
  workdir: string;
  /** Every RUN command, by stage. */
  runs: { stage: string; command: string }[];
}

const tempDirs: string[] = [];
const ALLOWED_BASE = 'node:20-slim';

function run(cmd: string, args: string[], cwd: string): void {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' },
    timeout: 180_000,
  });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} in ${cwd} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  }
}

function shellWords(command: string): string[] {
  if (/["'`$|;<>]/.test(command)) throw new Error(`RUN command needs a shell the replay does not emulate: ${command}`);
  return command.split(' ').filter((w) => w !== '');
}

/** Runs one RUN command of the Dockerfile (split at &&) inside the stage's root. */
function runCommand(command: string, root: string, workdir: string, stage: string): void {
  const cwd = join(root, workdir);
  const words = shellWords(command);
  const [cmd, ...args] = words;
  if (cmd === 'npm' && args[0] === 'ci' && !args.includes('--omit=dev')) {
    // The full install of the build stage: the repository's node_modules, from the same lockfile.
    const lock = readFileSync(join(cwd, 'package-lock.json'), 'utf8');
    expect(lock, `${stage}: package-lock.json copied from the context`).toBe(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8'));
    if (!existsSync(join(REPO_ROOT, 'node_modules', '.bin', 'tsc'))) throw new Error('run `npm ci` in the repository first');
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(cwd, 'node_modules'));
    return;
  }
  if (cmd === 'npm' && args[0] === 'ci') {
    // The production install, for real (npm's cache makes it a few seconds).
    run('npm', [...args, '--prefer-offline'], cwd);
    return;
  }
  if (cmd === 'npm' && args[0] === 'run' && args.length === 2) {
    run('npm', args, cwd);
    return;
  }
  if (cmd === 'mkdir' && args[0] === '-p') {
    for (const d of args.slice(1)) mkdirSync(join(root, posix.resolve(workdir, d)), { recursive: true });
    return;
  }
  if (cmd === 'chown') {
    for (const p of args.filter((a) => !a.startsWith('-')).slice(1)) {
      expect(existsSync(join(root, posix.resolve(workdir, p))), `${stage}: chown target ${p} exists`).toBe(true);
    }
    return;
  }
  throw new Error(`${stage}: RUN ${command}: not replayed by this test; teach runCommand() what it does`);
}

/** Copies src into dest with Docker's COPY semantics (a directory's contents, not the directory itself). */
function copyInto(src: string, dest: string, destIsDir: boolean, filter?: (p: string) => boolean): void {
  const st = lstatSync(src);
  if (st.isDirectory()) {
    mkdirSync(dest, { recursive: true });
    cpSync(src, dest, { recursive: true, verbatimSymlinks: true, filter: filter ? (s) => filter(s) : undefined });
  } else {
    const target = destIsDir ? join(dest, posix.basename(src)) : dest;
    mkdirSync(dirname(target), { recursive: true });
    cpSync(src, target, { verbatimSymlinks: true });
  }
}

const stageCache = new Map<string, string>();

function replay(dockerfile: string): Image {
  const text = readFileSync(join(REPO_ROOT, dockerfile), 'utf8');
  const stages = parseDockerfile(text);
  const allowed = dockerignore(readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8'));
  const roots = new Map<string, string>();
  const runs: Image['runs'] = [];
  const image: Partial<Image> = { dockerfile, stages, roots, runs, expose: [], labels: {}, env: {} };
  const args: Record<string, string> = {};

  for (const stage of stages) {
    expect(stage.base, `${dockerfile}: every stage builds on ${ALLOWED_BASE}`).toBe(ALLOWED_BASE);
    // Stages with identical instructions (the build stage of both Dockerfiles) are replayed once.
    const key = JSON.stringify([stage.base, stage.instructions.map((i) => [i.op, i.text])]);
    const cached = stageCache.get(key);
    const root = cached ?? mkdtempSync(join(tmpdir(), `gregor-image-${stage.name}-`));
    if (!cached) tempDirs.push(root);
    roots.set(stage.name, root);
    let workdir = '/';
    let user: string | undefined;
    let entrypoint: string[] | undefined;
    let cmd: string[] | undefined;
    const expose: string[] = [];
    const labels: Record<string, string> = {};
    const env: Record<string, string> = {};
    for (const ins of stage.instructions) {
      const where = `${dockerfile}:${ins.line} ${ins.op}`;
      const t = ins.text.replace(/\$\{(\w+)\}/g, (_, k: string) => args[k] ?? '');
      switch (ins.op) {
        case 'ARG': {
          const [k, v] = t.split('=', 2);
          args[k!] = v ?? '';
          break;
        }
        case 'WORKDIR':
          workdir = posix.resolve(workdir, t);
          if (!cached) mkdirSync(join(root, workdir), { recursive: true });
          break;
        case 'COPY':
        case 'ADD': {
          const c = parseCopy(t);
          const destPath = posix.resolve(workdir, c.dest);
          const destIsDir = c.dest.endsWith('/') || c.sources.length > 1;
          for (const s of c.sources) {
            let src: string;
            let filter: ((p: string) => boolean) | undefined;
            if (c.from !== undefined) {
              const fromRoot = roots.get(c.from);
              expect(fromRoot, `${where}: --from=${c.from} names an earlier stage`).toBeDefined();
              src = join(fromRoot!, posix.resolve('/', s));
              expect(existsSync(src), `${where}: ${s} exists in stage ${c.from}`).toBe(true);
            } else {
              expect(ins.op, `${where}: COPY, not ADD, for local files`).toBe('COPY');
              const rel = posix.normalize(s).replace(/\/$/, '');
              expect(rel.startsWith('..'), `${where}: ${s} inside the build context`).toBe(false);
              src = join(REPO_ROOT, rel);
              expect(existsSync(src), `${where}: ${s} exists in the build context`).toBe(true);
              expect(allowed(rel), `${where}: ${s} is not excluded by .dockerignore`).toBe(true);
              filter = (p) => allowed(relative(REPO_ROOT, p).split('\\').join('/'));
            }
            if (!cached) copyInto(src, join(root, destPath), destIsDir, filter);
          }
          break;
        }
        case 'RUN': {
          const form = execForm(t);
          const commands = form ? [form.join(' ')] : t.split('&&').map((x) => x.trim());
          for (const command of commands) {
            runs.push({ stage: stage.name, command });
            if (!cached) runCommand(command, root, workdir, `${where}`);
          }
          break;
        }
        case 'USER':
          user = t;
          break;
        case 'EXPOSE':
          expose.push(...t.split(' '));
          break;
        case 'LABEL':
          Object.assign(labels, parseLabels(t));
          break;
        case 'ENV': {
          const m = /^(\w+)[= ](.*)$/.exec(t);
          env[m![1]!] = m![2]!;
          break;
        }
        case 'ENTRYPOINT':
          entrypoint = execForm(t);
          expect(entrypoint, `${where}: exec form (JSON array), so the process is PID 1 and gets SIGTERM`).toBeDefined();
          break;
        case 'CMD':
          cmd = execForm(t);
          expect(cmd, `${where}: exec form`).toBeDefined();
          break;
        default:
          throw new Error(`${where}: instruction not handled by the replay`);
      }
    }
    if (!cached) stageCache.set(key, root);
    Object.assign(image, { final: stage, finalRoot: root, entrypoint, cmd, user, expose, labels, env, workdir });
  }
  return image as Image;
}

function listDeps(pkgJsonPath: string): string[] {
  const pkg = JSON.parse(readFileSync(pkgJsonPath, 'utf8')) as { dependencies?: Record<string, string> };
  return Object.keys(pkg.dependencies ?? {});
}

function nodeModules(root: string): Set<string> {
  const out = new Set<string>();
  const nm = join(root, 'node_modules');
  for (const e of readdirSync(nm)) {
    if (e.startsWith('.')) continue;
    if (e.startsWith('@')) for (const s of readdirSync(join(nm, e))) out.add(`${e}/${s}`);
    else out.add(e);
  }
  return out;
}

/** Packages that only the build or the tests need; none may reach a runtime image. (@types/* are left out:
 * @kubernetes/client-node lists some as dependencies of its own.) */
const DEV_ONLY = ['typescript', 'vitest', 'kafkajs', '@platformatic/kafka', '@types/node-zookeeper-client'];

function commonImageChecks(img: Image, workspace: 'broker' | 'operator'): void {
  const f = img.dockerfile;
  expect(img.stages.length, `${f}: multi-stage`).toBeGreaterThanOrEqual(2);
  expect(img.final.base).toBe('node:20-slim');
  // Non-root, numeric (so Kubernetes' runAsNonRoot can verify it without a passwd lookup).
  expect(img.user, `${f}: USER`).toMatch(/^[1-9][0-9]*(:[0-9]+)?$/);
  expect(img.entrypoint?.[0], `${f}: ENTRYPOINT runs node directly (no shell wrapper)`).toBe('node');
  expect(img.entrypoint!.some((a) => /(^|\/)(ba)?sh$|^-c$|tini|dumb-init/.test(a)), `${f}: no shell or init wrapper`).toBe(false);
  for (const k of ['title', 'description', 'version', 'source']) {
    expect(img.labels[`org.opencontainers.image.${k}`], `${f}: OCI label ${k}`).toBeTruthy();
  }
  expect(img.env['NODE_ENV']).toBe('production');
  // The final stage runs no npm (nothing is installed or compiled in the runtime image).
  expect(img.runs.filter((r) => r.stage === img.final.name && /\bnpm\b/.test(r.command))).toEqual([]);

  const app = join(img.finalRoot, 'app');
  const entry = join(img.finalRoot, img.entrypoint![1]!);
  expect(existsSync(entry), `${f}: entry script ${img.entrypoint![1]} in the image`).toBe(true);
  expect(existsSync(join(app, workspace, 'src')), `${f}: no TypeScript sources in the image`).toBe(false);
  const mods = nodeModules(app);
  for (const dep of listDeps(join(REPO_ROOT, workspace, 'package.json'))) {
    expect(mods.has(dep), `${f}: production dependency ${dep} installed`).toBe(true);
  }
  for (const dev of DEV_ONLY) expect(mods.has(dev), `${f}: dev dependency ${dev} absent`).toBe(false);
  // The workspace link must resolve inside the image.
  const link = join(app, 'node_modules', '@gregor', workspace);
  expect(existsSync(join(link, 'package.json')), `${f}: node_modules/@gregor/${workspace} resolves`).toBe(true);
}

// ---------------------------------------------------------------- tests

describe('container images (Dockerfiles replayed without Docker)', () => {
  let broker: Image;
  let operator: Image;

  beforeAll(() => {
    broker = replay('Dockerfile.broker');
    operator = replay('Dockerfile.operator');
  }, 240_000);

  afterAll(() => {
    for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
  });

  it('.dockerignore keeps the context to manifests and sources', () => {
    const allowed = dockerignore(readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8'));
    for (const p of ['node_modules', 'node_modules/pino/package.json', 'broker/dist/main.js', '.git/HEAD', 'test/images.test.ts', 'broker/test/x.test.ts']) {
      expect(allowed(p), p).toBe(false);
    }
    for (const p of ['package.json', 'package-lock.json', 'broker/src/main.ts', 'operator/src/main.ts']) expect(allowed(p), p).toBe(true);
  });

  it('broker image: multi-stage, non-root, production deps only, exec-form entry point, ports, labels', () => {
    commonImageChecks(broker, 'broker');
    expect(broker.entrypoint).toEqual(['node', '/app/broker/dist/gregor-broker.cjs']);
    expect(broker.expose).toEqual(expect.arrayContaining(['9092', '9404']));
    // The operator's libraries stay out of the broker image.
    expect(nodeModules(join(broker.finalRoot, 'app')).has('@kubernetes/client-node')).toBe(false);
    // The default CMD's config file is in the image.
    const cfg = broker.cmd?.[broker.cmd.indexOf('--config') + 1];
    expect(cfg && existsSync(join(broker.finalRoot, cfg)), `CMD --config ${cfg} exists in the image`).toBe(true);
    expect(existsSync(join(broker.finalRoot, 'var/lib/gregor/data')), 'data directory created').toBe(true);
  });

  it('broker image: the entry point starts the broker, which stops with exit 0 on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gregor-image-run-'));
    tempDirs.push(dir);
    const props = join(dir, 'server.properties');
    writeFileSync(
      props,
      [
        'broker.id=0',
        'listeners=PLAINTEXT://127.0.0.1:0',
        `log.dirs=${join(dir, 'data')}`,
        'gregor.metrics.port=-1',
        'offsets.topic.replication.factor=1',
        '',
      ].join('\n'),
    );
    const [node, script] = broker.entrypoint!;
    // From the replayed image root: modules resolve from its node_modules, not the repository's.
    const child = spawn(node === 'node' ? process.execPath : node!, [join(broker.finalRoot, script!), '--config', props], {
      cwd: join(broker.finalRoot, broker.workdir),
      env: { ...process.env, ...broker.env, GREGOR_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 30_000;
      while (!out.includes('Gregor broker started')) {
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`broker did not start:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      child.kill('SIGTERM');
      const code = await Promise.race([exited, new Promise<string>((r) => setTimeout(() => r('timeout'), 20_000))]);
      expect(code, out).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 60_000);

  it('operator image: multi-stage, non-root, production deps only, exec-form entry point', () => {
    commonImageChecks(operator, 'operator');
    expect(operator.entrypoint).toEqual(['node', '/app/operator/dist/main.js']);
    expect(operator.expose).toEqual(expect.arrayContaining(['8080', '8081']));
    // The operator talks to brokers with the broker package's admin client (same codec as the broker).
    const mods = nodeModules(join(operator.finalRoot, 'app'));
    expect(mods.has('@gregor/broker')).toBe(true);
    expect(existsSync(join(operator.finalRoot, 'app', 'broker', 'dist', 'client', 'index.js'))).toBe(true);
  });

  it("operator image: the compiled operator's modules load with the production dependencies only", () => {
    const dist = join(operator.finalRoot, 'app', 'operator', 'dist');
    const probe = join(dist, '.image-probe.mjs');
    writeFileSync(
      probe,
      [
        "import * as api from './api/index.js';",
        "import * as resources from './resources/index.js';",
        "import { AdminClient } from '@gregor/broker/client';",
        "import * as k8s from '@kubernetes/client-node';",
        "import { pino } from 'pino';",
        "import * as prom from 'prom-client';",
        "import yaml from 'js-yaml';",
        "const c = { apiVersion: 'kafka.gregor.dev/v1alpha1', kind: 'KafkaCluster', metadata: { name: 'dev', namespace: 'default', uid: '00000000-0000-0000-0000-000000000001' }, spec: { brokers: { replicas: 1, storage: { size: '1Gi' } }, zookeeper: { replicas: 1, storage: { size: '1Gi' } } } };",
        'const objs = resources.desiredObjects(c);',
        "if (!objs.length || typeof AdminClient !== 'function' || typeof k8s.KubeConfig !== 'function' || typeof pino !== 'function' || !prom.Registry || !yaml.dump) process.exit(3);",
        "console.log('ok', objs.length);",
        '',
      ].join('\n'),
    );
    const r = spawnSync(process.execPath, [probe], { cwd: join(operator.finalRoot, operator.workdir), encoding: 'utf8', timeout: 60_000 });
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/^ok \d+/);
  }, 60_000);
});
