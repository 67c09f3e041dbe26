// The helm chart (charts/gregor), deploy/operator.yaml rendered from it, and deploy/examples/.
// helm is built from Go modules by test/setup/helm.sh (called by test/setup/install.sh, and here again:
// a cached run takes milliseconds).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CLUSTER_LABEL,
  DEFAULT_BROKER_IMAGE,
  validateKafkaCluster,
  validateKafkaTopic,
  type KafkaCluster,
  type KafkaTopic,
} from '../operator/src/api/index.js';
import { BROKER_RACK_CLUSTER_ROLE } from '../operator/src/resources/brokers.js';
import { REPO_ROOT, SETUP_DIR } from './helpers/paths.js';

const CHART = join(REPO_ROOT, 'charts', 'gregor');
const NAMESPACE = 'gregor-system';
const OPERATOR_IMAGE = 'ghcr.io/gregor-dev/gregor-operator:0.1.0';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

let helm = '';

function runHelm(args: string[]): string {
  const r = spawnSync(helm, args, { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`helm ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

function docs(text: string): Obj[] {
  return (yaml.loadAll(text) as (Obj | null)[]).filter((d): d is Obj => d !== null && typeof d === 'object');
}

function template(...set: string[]): Obj[] {
  return docs(runHelm(['template', 'gregor', 'charts/gregor', '--namespace', NAMESPACE, ...set.flatMap((s) => ['--set', s])]));
}

function find(objs: Obj[], kind: string, name: string, namespace?: string): Obj {
  const o = objs.find((x) => x.kind === kind && x.metadata?.name === name && (namespace === undefined || x.metadata?.namespace === namespace));
  if (!o) throw new Error(`${kind} ${namespace ? `${namespace}/` : ''}${name} not rendered; have ${objs.map((x) => `${x.kind}/${x.metadata?.name}`).join(', ')}`);
  return o;
}

/** Rules with sorted lists, so the comparison ignores order within apiGroups/resources/verbs. */
function normRules(rules: Obj[]): Obj[] {
  return rules.map((r) => {
    const out: Obj = {};
    for (const k of ['apiGroups', 'resources', 'resourceNames', 'verbs', 'nonResourceURLs']) if (r[k]) out[k] = [...r[k]].sort();
    return out;
  });
}

const CRUD = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

/** The operator's namespaced rights, exactly. See deploy/README.md "RBAC" for why each is needed. */
const OPERATOR_RULES = normRules([
  { apiGroups: ['kafka.gregor.dev'], resources: ['kafkaclusters', 'kafkatopics'], verbs: ['get', 'list', 'watch', 'update', 'patch'] },
  { apiGroups: ['kafka.gregor.dev'], resources: ['kafkaclusters/status', 'kafkatopics/status'], verbs: ['get', 'update', 'patch'] },
  { apiGroups: ['kafka.gregor.dev'], resources: ['kafkaclusters/finalizers', 'kafkatopics/finalizers'], verbs: ['update'] },
  { apiGroups: ['apps'], resources: ['statefulsets', 'deployments'], verbs: CRUD },
  { apiGroups: [''], resources: ['services', 'configmaps', 'serviceaccounts'], verbs: CRUD },
  { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch', 'delete'] },
  { apiGroups: [''], resources: ['persistentvolumeclaims'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: CRUD },
  { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['create', 'patch'] },
  { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
]);
const OPERATOR_CLUSTER_RULES = normRules([
  { apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterrolebindings'], verbs: ['get', 'list', 'create', 'patch', 'delete'] },
  { apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], resourceNames: [BROKER_RACK_CLUSTER_ROLE], verbs: ['bind'] },
]);
const LEADER_ELECTION_RULES = normRules([{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] }]);
const BROKER_RACK_RULES = normRules([{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }]);

function checkNoWildcards(objs: Obj[]): void {
  for (const o of objs.filter((x) => x.kind === 'ClusterRole' || x.kind === 'Role')) {
    for (const r of o.rules as Obj[]) {
      for (const k of ['apiGroups', 'resources', 'verbs', 'resourceNames']) {
        expect((r[k] ?? []) as string[], `${o.kind} ${o.metadata.name} ${k}`).not.toContain('*');
      }
    }
  }
}

function checkSubjects(binding: Obj, saName: string): void {
  expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: saName, namespace: NAMESPACE }]);
}

// ---------------------------------------------------------------- CRD schema check (structure, types, enums)

/** Checks a value against an OpenAPI v3 structural schema as the apiserver would (without CEL rules), and
 * flags unknown fields, which the apiserver would silently prune (a typo in an example would go unnoticed). */
function schemaErrors(value: unknown, schema: Obj, path: string, out: string[] = []): string[] {
  if (schema['x-kubernetes-preserve-unknown-fields']) return out;
  if (schema['x-kubernetes-int-or-string']) {
    if (typeof value !== 'string' && !Number.isInteger(value)) out.push(`${path}: int or string expected`);
    return out;
  }
  if (schema.enum && !(schema.enum as unknown[]).includes(value)) out.push(`${path}: ${JSON.stringify(value)} not in ${JSON.stringify(schema.enum)}`);
  switch (schema.type) {
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return [...out, `${path}: object expected`];
      const v = value as Obj;
      for (const req of (schema.required ?? []) as string[]) if (!(req in v)) out.push(`${path}.${req}: required`);
      for (const [k, child] of Object.entries(v)) {
        const p = `${path}.${k}`;
        if (schema.properties?.[k]) schemaErrors(child, schema.properties[k], p, out);
        else if (typeof schema.additionalProperties === 'object') schemaErrors(child, schema.additionalProperties, p, out);
        else if (schema.additionalProperties !== true) out.push(`${p}: unknown field`);
      }
      if (schema.maxProperties !== undefined && Object.keys(v).length > schema.maxProperties) out.push(`${path}: too many properties`);
      break;
    }
    case 'array':
      if (!Array.isArray(value)) return [...out, `${path}: array expected`];
      value.forEach((x, i) => schemaErrors(x, schema.items ?? {}, `${path}[${i}]`, out));
      if (schema.maxItems !== undefined && value.length > schema.maxItems) out.push(`${path}: too many items`);
      break;
    case 'string':
      if (typeof value !== 'string') return [...out, `${path}: string expected, got ${JSON.stringify(value)}`];
      if (schema.pattern && !new RegExp(schema.pattern).test(value)) out.push(`${path}: does not match ${schema.pattern}`);
      if (schema.maxLength !== undefined && value.length > schema.maxLength) out.push(`${path}: longer than ${schema.maxLength}`);
      if (schema.minLength !== undefined && value.length < schema.minLength) out.push(`${path}: shorter than ${schema.minLength}`);
      break;
    case 'integer':
    case 'number':
      if (typeof value !== 'number' || (schema.type === 'integer' && !Number.isInteger(value))) return [...out, `${path}: ${schema.type} expected`];
      if (schema.minimum !== undefined && value < schema.minimum) out.push(`${path}: below ${schema.minimum}`);
      if (schema.maximum !== undefined && value > schema.maximum) out.push(`${path}: above ${schema.maximum}`);
      break;
    case 'boolean':
      if (typeof value !== 'boolean') out.push(`${path}: boolean expected`);
      break;
    default:
      break;
  }
  return out;
}

function crdFor(kind: string): Obj {
  for (const f of readdirSync(join(REPO_ROOT, 'crds'))) {
    const crd = yaml.load(readFileSync(join(REPO_ROOT, 'crds', f), 'utf8')) as Obj;
    if (crd.spec?.names?.kind === kind) return crd;
  }
  throw new Error(`no CRD for ${kind} in crds/`);
}

function checkAgainstCrd(obj: Obj, where: string): void {
  const crd = crdFor(obj.kind);
  const version = (crd.spec.versions as Obj[]).find((v) => `${crd.spec.group}/${v.name}` === obj.apiVersion);
  expect(version, `${where}: apiVersion ${obj.apiVersion} is served by the CRD`).toBeDefined();
  expect(version!.served).toBe(true);
  const { apiVersion: _a, kind: _k, metadata: _m, ...rest } = obj;
  const schema = { ...version!.schema.openAPIV3Schema } as Obj;
  const props = { ...(schema.properties as Obj) };
  for (const k of ['apiVersion', 'kind', 'metadata']) delete props[k];
  expect(schemaErrors(rest, { ...schema, properties: props }, where)).toEqual([]);
}

// ---------------------------------------------------------------- tests

describe('helm chart charts/gregor', () => {
  beforeAll(() => {
    const r = spawnSync('bash', [join(SETUP_DIR, 'helm.sh')], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], timeout: 280_000 });
    if (r.status !== 0) throw new Error(`test/setup/helm.sh failed (${r.status}):\n${r.stderr}`);
    helm = spawnSync('bash', [join(SETUP_DIR, 'helm.sh'), '--print-bin'], { encoding: 'utf8' }).stdout.trim();
  }, 300_000);

  it('Chart.yaml: apiVersion v2, version and appVersion 0.1.0', () => {
    const chart = yaml.load(readFileSync(join(CHART, 'Chart.yaml'), 'utf8')) as Obj;
    expect(chart).toMatchObject({ apiVersion: 'v2', name: 'gregor', version: '0.1.0', appVersion: '0.1.0' });
  });

  it('helm lint --strict passes with the default values and with every option set', () => {
    expect(runHelm(['lint', '--strict', 'charts/gregor'])).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
    expect(
      runHelm(['lint', '--strict', 'charts/gregor', '--set', 'exampleCluster.enabled=true', '--set', 'watchNamespaces={team-a,team-b}']),
    ).toMatch(/0 chart\(s\) failed/);
  });

  it('values are validated by values.schema.json', () => {
    const r = spawnSync(helm, ['template', 'gregor', 'charts/gregor', '--set', 'logLevel=loud'], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/logLevel/);
  });

  it('default values: ServiceAccount, least-privilege RBAC (cluster-wide), Deployment', () => {
    const objs = template();
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(
      [
        'ClusterRole/gregor-broker-rack',
        'ClusterRole/gregor-operator',
        'ClusterRole/gregor-operator-cluster',
        'ClusterRoleBinding/gregor-operator',
        'ClusterRoleBinding/gregor-operator-cluster',
        'Deployment/gregor-operator',
        'Role/gregor-operator-leader-election',
        'RoleBinding/gregor-operator-leader-election',
        'ServiceAccount/gregor-operator',
      ].sort(),
    );
    for (const o of objs.filter((x) => !x.kind.startsWith('Cluster'))) expect(o.metadata.namespace, `${o.kind} ${o.metadata.name}`).toBe(NAMESPACE);

    checkNoWildcards(objs);
    expect(normRules(find(objs, 'ClusterRole', 'gregor-operator').rules)).toEqual(OPERATOR_RULES);
    expect(normRules(find(objs, 'ClusterRole', 'gregor-operator-cluster').rules)).toEqual(OPERATOR_CLUSTER_RULES);
    expect(normRules(find(objs, 'Role', 'gregor-operator-leader-election').rules)).toEqual(LEADER_ELECTION_RULES);
    expect(normRules(find(objs, 'ClusterRole', BROKER_RACK_CLUSTER_ROLE).rules)).toEqual(BROKER_RACK_RULES);

    const sa = find(objs, 'ServiceAccount', 'gregor-operator', NAMESPACE).metadata.name as string;
    for (const [kind, name, roleKind, role] of [
      ['ClusterRoleBinding', 'gregor-operator', 'ClusterRole', 'gregor-operator'],
      ['ClusterRoleBinding', 'gregor-operator-cluster', 'ClusterRole', 'gregor-operator-cluster'],
      ['RoleBinding', 'gregor-operator-leader-election', 'Role', 'gregor-operator-leader-election'],
    ] as const) {
      const b = find(objs, kind, name);
      expect(b.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: roleKind, name: role });
      checkSubjects(b, sa);
    }

    const dep = find(objs, 'Deployment', 'gregor-operator', NAMESPACE);
    expect(dep.spec.replicas).toBe(2);
    expect(dep.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'gregor-operator', 'app.kubernetes.io/instance': 'gregor' });
    const pod = dep.spec.template.spec as Obj;
    expect(dep.spec.template.metadata.labels).toMatchObject(dep.spec.selector.matchLabels);
    expect(pod.serviceAccountName).toBe(sa);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(pod.containers).toHaveLength(1);
    const c = pod.containers[0] as Obj;
    expect(c.image).toBe(OPERATOR_IMAGE);
    expect(c.imagePullPolicy).toBe('IfNotPresent');
    expect(c.args).toEqual(['--health-port=8080', '--metrics-port=8081', '--lease-name=gregor-operator']);
    expect(c.env).toEqual([
      { name: 'GREGOR_LOG_LEVEL', value: 'info' },
      { name: 'WATCH_NAMESPACES', value: '' },
      { name: 'GREGOR_BROKER_IMAGE', value: DEFAULT_BROKER_IMAGE },
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
    ]);
    expect(c.ports).toEqual([
      { name: 'health', containerPort: 8080, protocol: 'TCP' },
      { name: 'metrics', containerPort: 8081, protocol: 'TCP' },
    ]);
    expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'health' });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'health' });
    expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(c.resources.requests).toBeDefined();
    expect(dep.spec.template.metadata.annotations).toMatchObject({ 'prometheus.io/port': '8081', 'prometheus.io/path': '/metrics' });
  });

  it('watchNamespaces + exampleCluster: RoleBindings per namespace, no cluster-wide binding, a valid example KafkaCluster', () => {
    const objs = template('watchNamespaces={team-a,team-b}', 'exampleCluster.enabled=true', 'logLevel=debug', 'brokerImage.tag=0.2.0');
    checkNoWildcards(objs);
    expect(objs.some((o) => o.kind === 'ClusterRoleBinding' && o.metadata.name === 'gregor-operator')).toBe(false);
    // The cluster-scoped rights (rack bindings) and the Lease do not depend on the watched namespaces.
    find(objs, 'ClusterRoleBinding', 'gregor-operator-cluster');
    find(objs, 'RoleBinding', 'gregor-operator-leader-election', NAMESPACE);
    for (const ns of ['team-a', 'team-b']) {
      const rb = find(objs, 'RoleBinding', 'gregor-operator', ns);
      expect(rb.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'gregor-operator' });
      checkSubjects(rb, 'gregor-operator');
    }
    expect(normRules(find(objs, 'ClusterRole', 'gregor-operator').rules)).toEqual(OPERATOR_RULES);

    const c = find(objs, 'Deployment', 'gregor-operator', NAMESPACE).spec.template.spec.containers[0] as Obj;
    const env = Object.fromEntries((c.env as Obj[]).filter((e) => 'value' in e).map((e) => [e.name, e.value]));
    expect(env).toEqual({ GREGOR_LOG_LEVEL: 'debug', WATCH_NAMESPACES: 'team-a,team-b', GREGOR_BROKER_IMAGE: 'ghcr.io/gregor-dev/gregor-broker:0.2.0' });

    const kc = find(objs, 'KafkaCluster', 'example', NAMESPACE) as KafkaCluster;
    expect(kc.apiVersion).toBe('kafka.gregor.dev/v1alpha1');
    expect(validateKafkaCluster(kc)).toEqual([]);
    checkAgainstCrd(kc, 'exampleCluster');
  });

  it('charts/gregor/crds are identical to crds/ and rendered with --include-crds', () => {
    const want = readdirSync(join(REPO_ROOT, 'crds')).filter((f) => f.endsWith('.yaml')).sort();
    expect(readdirSync(join(CHART, 'crds')).sort()).toEqual(want);
    for (const f of want) {
      expect(readFileSync(join(CHART, 'crds', f), 'utf8'), `charts/gregor/crds/${f} (cp crds/${f} charts/gregor/crds/)`).toBe(
        readFileSync(join(REPO_ROOT, 'crds', f), 'utf8'),
      );
    }
    const crds = docs(runHelm(['template', 'gregor', 'charts/gregor', '--namespace', NAMESPACE, '--include-crds'])).filter(
      (o) => o.kind === 'CustomResourceDefinition',
    );
    expect(crds.map((c) => c.metadata.name).sort()).toEqual(['kafkaclusters.kafka.gregor.dev', 'kafkatopics.kafka.gregor.dev']);
  });

  it('deploy/operator.yaml is up to date with the chart (bash deploy/render.sh)', () => {
    const r = spawnSync('bash', [join(REPO_ROOT, 'deploy', 'render.sh'), '--stdout'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: { ...process.env, HELM: helm },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(join(REPO_ROOT, 'deploy', 'operator.yaml'), 'utf8') === r.stdout, 'deploy/operator.yaml is stale: run bash deploy/render.sh').toBe(true);
    const objs = docs(r.stdout);
    expect(objs[0]).toMatchObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } });
    expect(objs.filter((o) => o.kind === 'CustomResourceDefinition')).toHaveLength(2);
    find(objs, 'Deployment', 'gregor-operator', NAMESPACE);
    // kubectl apply needs the CRDs before any custom resource; the file has none, but Namespace must lead.
    expect(objs.findIndex((o) => o.metadata?.namespace === NAMESPACE)).toBeGreaterThan(0);
  });
});

describe('deploy/examples', () => {
  const dir = join(REPO_ROOT, 'deploy', 'examples');
  const all = () =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .flatMap((f) => docs(readFileSync(join(dir, f), 'utf8')).map((o) => ({ file: f, o })));

  it('has a 1+1 and a 3+3 KafkaCluster and a KafkaTopic', () => {
    const files = readdirSync(dir).sort();
    expect(files).toEqual(['kafkacluster-1+1.yaml', 'kafkacluster-3+3.yaml', 'kafkatopic.yaml']);
    const size = (f: string) => {
      const kc = all().find((x) => x.file === f)!.o as KafkaCluster;
      return [kc.spec.zookeeper.replicas, kc.spec.brokers.replicas];
    };
    expect(size('kafkacluster-1+1.yaml')).toEqual([1, 1]);
    expect(size('kafkacluster-3+3.yaml')).toEqual([3, 3]);
  });

  it('every example passes the CRD schema and the operator validation', () => {
    const items = all();
    const clusters = new Map(items.filter((x) => x.o.kind === 'KafkaCluster').map((x) => [x.o.metadata.name as string, x.o as KafkaCluster]));
    for (const { file, o } of items) {
      expect(['KafkaCluster', 'KafkaTopic'], file).toContain(o.kind);
      expect(o.metadata.namespace, `${file}: no namespace (applied into the current one)`).toBeUndefined();
      checkAgainstCrd(o, `${file}:${o.kind}/${o.metadata.name}`);
      const withNs = { ...o, metadata: { ...o.metadata, namespace: 'default' } };
      if (o.kind === 'KafkaCluster') {
        expect(validateKafkaCluster(withNs as KafkaCluster), file).toEqual([]);
      } else {
        const cluster = clusters.get(o.metadata.labels?.[CLUSTER_LABEL]);
        expect(cluster, `${file}: label ${CLUSTER_LABEL} names an example cluster`).toBeDefined();
        expect(validateKafkaTopic(withNs as KafkaTopic, { brokerReplicas: cluster!.spec.brokers.replicas }), file).toEqual([]);
      }
    }
  });
});
