// Broker objects: server.properties (owned keys win), config hash, StatefulSet, services, PDB, racks; and the
// Kafka-UI Deployment. The per-pod command line is fed to the broker's own loadConfig to prove it starts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import vm from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import type { V1Container, V1EnvVar, V1StatefulSet } from '@kubernetes/client-node';
import type { BrokersSpec, KafkaCluster, UiSpec } from '../src/api/types.js';
import { OPERATOR_OWNED_BROKER_CONFIG_KEYS } from '../src/api/validate.js';
import {
  BROKER_RACK_CLUSTER_ROLE,
  CONFIG_HASH_ANNOTATION,
  OWNED_BROKER_CONFIG_KEYS,
  RACK_INIT_SCRIPT,
  bootstrapService,
  brokerArgs,
  brokerConfigHash,
  brokerConfigMap,
  brokerHeadlessService,
  brokerPodDisruptionBudget,
  brokerPodHost,
  brokerProperties,
  brokerRackClusterRoleBinding,
  brokerServiceAccount,
  brokerStatefulSet,
  clusterModel,
  ignoredBrokerConfigKeys,
  renderServerProperties,
  uiDeployment,
  uiObjects,
  uiService,
} from '../src/resources/index.js';
import { loadConfig, parseProperties } from '../../broker/src/config.js';

function model(brokers: Partial<BrokersSpec> = {}, ui?: UiSpec) {
  const c: KafkaCluster = {
    apiVersion: 'kafka.gregor.dev/v1alpha1',
    kind: 'KafkaCluster',
    metadata: { name: 'prod', namespace: 'kafka', uid: 'uid-1' },
    spec: {
      brokers: { replicas: 3, storage: { size: '10Gi' }, ...brokers },
      zookeeper: { replicas: 3, storage: { size: '1Gi' } },
      ...(ui ? { ui } : {}),
    },
  };
  return clusterModel(c);
}

const selector = {
  'app.kubernetes.io/name': 'gregor',
  'app.kubernetes.io/instance': 'prod',
  'app.kubernetes.io/component': 'broker',
};

function container(sts: V1StatefulSet, name = 'broker'): V1Container {
  return sts.spec!.template.spec!.containers.find((c) => c.name === name)!;
}

function props(text: string): Record<string, string> {
  return Object.fromEntries(parseProperties(text));
}

/** The kubelet's $(VAR) expansion of command/args from the container's env (dependent variables resolved). */
function expand(s: string, env: Record<string, string>): string {
  return s.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, v: string) => env[v] ?? m);
}

/** Env of a pod as the kubelet resolves it, for the fieldRefs the builders use. */
function resolveEnv(vars: V1EnvVar[], pod: { name: string; namespace: string; labels: Record<string, string> }) {
  const out: Record<string, string> = {};
  for (const e of vars) {
    const path = e.valueFrom?.fieldRef?.fieldPath;
    if (path === 'metadata.name') out[e.name] = pod.name;
    else if (path === 'metadata.namespace') out[e.name] = pod.namespace;
    else if (path?.startsWith('metadata.labels[')) out[e.name] = pod.labels[path.slice("metadata.labels['".length, -2)] ?? '';
    else if (e.value !== undefined) out[e.name] = expand(e.value, out);
    else throw new Error(`unexpected env ${e.name}`);
  }
  return out;
}

describe('server.properties', () => {
  it('contains the keys the operator owns', () => {
    const p = props(renderServerProperties(model()));
    expect(p).toMatchObject({
      listeners: 'PLAINTEXT://:9092',
      'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT',
      'inter.broker.listener.name': 'PLAINTEXT',
      'log.dirs': '/var/lib/gregor/data',
      'zookeeper.connect': 'prod-zookeeper.kafka.svc:2181',
      'gregor.metrics.port': '9404',
    });
    // Per-pod values come from the command line, never from the shared file.
    expect(p['broker.id']).toBeUndefined();
    expect(p['advertised.listeners']).toBeUndefined();
    expect(p['broker.rack']).toBeUndefined();
  });

  it('includes spec.brokers.config and the size-dependent defaults', () => {
    const p = props(renderServerProperties(model({ replicas: 1, config: { 'num.partitions': '6', 'log.retention.hours': '24' } })));
    expect(p['num.partitions']).toBe('6');
    expect(p['log.retention.hours']).toBe('24');
    expect(p['offsets.topic.replication.factor']).toBe('1');
    expect(props(renderServerProperties(model({ replicas: 3 })))['offsets.topic.replication.factor']).toBe('3');
    // The user's value beats the defaults.
    expect(props(renderServerProperties(model({ replicas: 3, config: { 'default.replication.factor': '2' } })))['default.replication.factor']).toBe('2');
  });

  it('owned keys cannot be overridden by spec.brokers.config, and are reported', () => {
    const m = model({
      listenerPort: 9093,
      config: {
        'broker.id': '7',
        listeners: 'PLAINTEXT://:1234',
        'log.dirs': '/tmp/elsewhere',
        'zookeeper.connect': 'evil:2181',
        'advertised.listeners': 'PLAINTEXT://x:1',
        'gregor.metrics.port': '1',
        'broker.rack': 'r1',
        'compression.type': 'zstd',
      },
    });
    const p = props(renderServerProperties(m));
    expect(p['broker.id']).toBeUndefined();
    expect(p['advertised.listeners']).toBeUndefined();
    expect(p['broker.rack']).toBeUndefined();
    expect(p['listeners']).toBe('PLAINTEXT://:9093');
    expect(p['log.dirs']).toBe('/var/lib/gregor/data');
    expect(p['zookeeper.connect']).toBe('prod-zookeeper.kafka.svc:2181');
    expect(p['gregor.metrics.port']).toBe('9404');
    expect(p['compression.type']).toBe('zstd');
    expect(ignoredBrokerConfigKeys(m)).toEqual([
      'advertised.listeners',
      'broker.id',
      'broker.rack',
      'gregor.metrics.port',
      'listeners',
      'log.dirs',
      'zookeeper.connect',
    ]);
    expect(ignoredBrokerConfigKeys(model({ config: { 'num.partitions': '3' } }))).toEqual([]);
  });

  it('owns every key the API rejects, plus the metrics endpoint', () => {
    for (const k of OPERATOR_OWNED_BROKER_CONFIG_KEYS) expect(OWNED_BROKER_CONFIG_KEYS).toContain(k);
    expect(OWNED_BROKER_CONFIG_KEYS).toContain('gregor.metrics.port');
    expect(new Set(OWNED_BROKER_CONFIG_KEYS).size).toBe(OWNED_BROKER_CONFIG_KEYS.length);
  });

  it('every owned key is a key the broker knows', () => {
    const known = Object.fromEntries(OWNED_BROKER_CONFIG_KEYS.map((k) => [k, '']));
    // loadConfig rejects unknown keys with "Unknown configuration key"; values are irrelevant here.
    for (const k of Object.keys(known)) {
      expect(() => loadConfig(['--override', `${k}=x`], {})).not.toThrow(/Unknown configuration key/);
    }
  });

  it('is the content of the broker ConfigMap', () => {
    const cm = brokerConfigMap(model());
    expect(cm.metadata?.name).toBe('prod-broker-config');
    expect(cm.data).toEqual({ 'server.properties': renderServerProperties(model()) });
    expect(brokerProperties(model())['zookeeper.connect']).toBe('prod-zookeeper.kafka.svc:2181');
  });
});

describe('broker pods start with the right identity (the broker\'s own loadConfig on the pod\'s command line)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gregor-resources-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([0, 2])('pod prod-broker-%i', (ordinal) => {
    const m = model({ listenerPort: 9093, config: { 'num.partitions': '4' } });
    const sts = brokerStatefulSet(m);
    const c = container(sts);
    const podName = `prod-broker-${ordinal}`;
    const env = resolveEnv(c.env!, {
      name: podName,
      namespace: 'kafka',
      labels: { ...sts.spec!.template.metadata!.labels, 'apps.kubernetes.io/pod-index': String(ordinal) },
    });
    const file = join(dir, `server-${ordinal}.properties`);
    writeFileSync(file, renderServerProperties(m));
    const args = c.args!.map((a) => expand(a, env)).map((a) => (a === '/etc/gregor/server.properties' ? file : a));
    const config = loadConfig(args, {});
    expect(config.brokerId).toBe(ordinal);
    expect(config.advertisedListeners).toMatchObject([{ name: 'PLAINTEXT', host: brokerPodHost(m, ordinal), port: 9093 }]);
    expect(brokerPodHost(m, ordinal)).toBe(`${podName}.prod-broker-headless.kafka.svc`);
    expect(config.listeners).toMatchObject([{ name: 'PLAINTEXT', host: '', port: 9093 }]);
    expect(config.zookeeperConnect).toBe('prod-zookeeper.kafka.svc:2181');
    expect(config.logDirs).toEqual(['/var/lib/gregor/data']);
    expect(config.metricsPort).toBe(9404);
    expect(config.numPartitions).toBe(4);
  });
});

describe('config hash', () => {
  const hash = (b: Partial<BrokersSpec>) =>
    brokerStatefulSet(model(b)).spec!.template.metadata!.annotations![CONFIG_HASH_ANNOTATION];

  it('is a sha256 on the pod template, equal to brokerConfigHash', () => {
    expect(hash({})).toMatch(/^[0-9a-f]{64}$/);
    expect(hash({})).toBe(brokerConfigHash(model()));
  });

  it('changes when the config or the image changes', () => {
    const base = hash({ config: { 'num.partitions': '3' } });
    expect(hash({ config: { 'num.partitions': '4' } })).not.toBe(base);
    expect(hash({ config: { 'num.partitions': '3', 'auto.create.topics.enable': 'false' } })).not.toBe(base);
    // A dynamic key's value is applied with IncrementalAlterConfigs, without a restart; adding or removing one rolls.
    const dyn = hash({ config: { 'num.partitions': '3', 'log.retention.ms': '1000', 'min.insync.replicas': '2' } });
    expect(dyn).not.toBe(base);
    expect(hash({ config: { 'num.partitions': '3', 'log.retention.ms': '5000', 'min.insync.replicas': '3' } })).toBe(dyn);
    expect(hash({ config: { 'num.partitions': '3', 'log.retention.hours': '1' } })).not.toBe(hash({ config: { 'num.partitions': '3', 'log.retention.hours': '2' } }));
    expect(hash({ config: { 'num.partitions': '3' }, image: 'gregor:other' })).not.toBe(base);
    expect(hash({ config: { 'num.partitions': '3' }, listenerPort: 9093 })).not.toBe(base);
  });

  it('does not change otherwise', () => {
    const base = hash({ config: { a: '1', b: '2' } });
    expect(hash({ config: { b: '2', a: '1' } })).toBe(base); // key order
    expect(hash({ config: { a: '1', b: '2' }, storage: { size: '50Gi' } })).toBe(base);
    expect(hash({ config: { a: '1', b: '2' }, resources: { limits: { cpu: '2' } } })).toBe(base);
    expect(hash({ config: { a: '1', b: '2' }, imagePullPolicy: 'Always' })).toBe(base);
    // Scaling within >= 3 brokers leaves the size-dependent defaults (clamped at 3) unchanged.
    expect(hash({ config: { a: '1', b: '2' }, replicas: 5 })).toBe(base);
    // An ignored (owned) key does not change the rendered file, so no restart.
    expect(hash({ config: { a: '1', b: '2', 'broker.id': '9' } })).toBe(base);
  });

  it('follows the running size while a scale-down keeps the StatefulSet (a blocked 3 → 2 rolls nothing)', () => {
    const at = (replicas: number, running?: number) => {
      const cluster: KafkaCluster = {
        apiVersion: 'kafka.gregor.dev/v1alpha1',
        kind: 'KafkaCluster',
        metadata: { name: 'prod', namespace: 'kafka', uid: 'uid-1' },
        spec: { brokers: { replicas, storage: { size: '10Gi' } }, zookeeper: { replicas: 3, storage: { size: '1Gi' } } },
      };
      const m = clusterModel(cluster, {}, running === undefined ? {} : { brokerStatefulSetReplicas: running });
      return { hash: brokerConfigHash(m), props: props(renderServerProperties(m)) };
    };
    expect(at(2, 3).hash).toBe(at(3).hash);
    expect(at(2, 3).props['default.replication.factor']).toBe('3');
    // Once the StatefulSet has shrunk, the 2-broker defaults apply (and roll the brokers once).
    expect(at(2).hash).not.toBe(at(3).hash);
    expect(at(2).props['offsets.topic.replication.factor']).toBe('2');
  });
});

describe('broker StatefulSet', () => {
  it('is Parallel, OnDelete, with the headless service, selector and replicas', () => {
    const sts = brokerStatefulSet(model({ replicas: 5 }));
    expect(sts.metadata?.name).toBe('prod-broker');
    expect(sts.spec?.replicas).toBe(5);
    expect(sts.spec?.serviceName).toBe('prod-broker-headless');
    expect(sts.spec?.podManagementPolicy).toBe('Parallel');
    expect(sts.spec?.updateStrategy).toEqual({ type: 'OnDelete' });
    expect(sts.spec?.selector).toEqual({ matchLabels: selector });
    expect(sts.spec?.template.metadata?.labels).toMatchObject({ ...selector, 'kafka.gregor.dev/cluster': 'prod' });
  });

  it('has a PVC template from spec.brokers.storage mounted above the log dir', () => {
    const sts = brokerStatefulSet(model({ storage: { size: '100Gi', storageClassName: 'ssd' } }));
    const vct = sts.spec!.volumeClaimTemplates![0]!;
    expect(vct.metadata?.name).toBe('data');
    expect(vct.spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '100Gi' } }, storageClassName: 'ssd' });
    expect(container(sts).volumeMounts).toContainEqual({ name: 'data', mountPath: '/var/lib/gregor' });
    expect(brokerStatefulSet(model()).spec!.volumeClaimTemplates![0]!.spec!.storageClassName).toBeUndefined();
  });

  it('runs the broker image with the config file and per-pod overrides', () => {
    const m = model({ image: 'gregor:1.2.3', imagePullPolicy: 'Always' });
    const c = container(brokerStatefulSet(m));
    expect(c.image).toBe('gregor:1.2.3');
    expect(c.imagePullPolicy).toBe('Always');
    expect(c.command).toBeUndefined(); // the image's ENTRYPOINT is the broker (PID 1, receives SIGTERM)
    expect(c.args).toEqual(brokerArgs(m));
    expect(c.args).toEqual([
      '--config',
      '/etc/gregor/server.properties',
      '--override',
      'broker.id=$(BROKER_ID)',
      '--override',
      'advertised.listeners=PLAINTEXT://$(POD_NAME).prod-broker-headless.kafka.svc:9092',
    ]);
    const names = c.env!.map((e) => e.name);
    // Kubernetes expands $(VAR) only from variables defined earlier in the list.
    expect(names.indexOf('POD_NAME')).toBe(0);
    expect(c.env).toContainEqual({
      name: 'BROKER_ID',
      valueFrom: { fieldRef: { fieldPath: "metadata.labels['apps.kubernetes.io/pod-index']" } },
    });
    expect(c.volumeMounts).toContainEqual({ name: 'config', mountPath: '/etc/gregor', readOnly: true });
    expect(brokerStatefulSet(m).spec!.template.spec!.volumes).toContainEqual({ name: 'config', configMap: { name: 'prod-broker-config' } });
  });

  it('probes: readiness TCP on the Kafka port, liveness and startup on /healthz of the metrics port', () => {
    const c = container(brokerStatefulSet(model({ listenerPort: 9093 })));
    expect(c.ports).toEqual([
      { name: 'kafka', containerPort: 9093, protocol: 'TCP' },
      { name: 'metrics', containerPort: 9404, protocol: 'TCP' },
    ]);
    expect(c.readinessProbe?.tcpSocket).toEqual({ port: 'kafka' });
    expect(c.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'metrics' });
    expect(c.startupProbe?.httpGet).toEqual({ path: '/healthz', port: 'metrics' });
    // The startup probe must allow a long log recovery before liveness applies.
    expect(c.startupProbe!.periodSeconds! * c.startupProbe!.failureThreshold!).toBeGreaterThanOrEqual(300);
  });

  it('leaves time for controlled shutdown, runs non-root, has Prometheus annotations', () => {
    const sts = brokerStatefulSet(model());
    const pod = sts.spec!.template.spec!;
    expect(pod.terminationGracePeriodSeconds).toBe(120);
    expect(pod.securityContext).toMatchObject({ runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, runAsNonRoot: true });
    expect(container(sts).securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.serviceAccountName).toBe('prod-broker');
    expect(sts.spec!.template.metadata!.annotations).toMatchObject({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': '9404',
      'prometheus.io/path': '/metrics',
    });
  });

  it('passes resources through and caps the Node heap at half the memory', () => {
    const resources = { requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '2Gi' } };
    const c = container(brokerStatefulSet(model({ resources })));
    expect(c.resources).toEqual(resources);
    expect(c.env).toContainEqual({ name: 'NODE_OPTIONS', value: '--max-old-space-size=1024' });
    const plain = container(brokerStatefulSet(model()));
    expect(plain.resources).toBeUndefined();
    expect(plain.env!.map((e) => e.name)).not.toContain('NODE_OPTIONS');
  });
});

describe('racks', () => {
  const rack = { topologyKey: 'topology.kubernetes.io/zone' };

  it('adds an init container that writes server.properties + broker.rack, and the broker uses that file', () => {
    const m = model({ rack });
    const sts = brokerStatefulSet(m);
    const pod = sts.spec!.template.spec!;
    expect(pod.initContainers?.map((c) => c.name)).toEqual(['rack-init']);
    const init = pod.initContainers![0]!;
    expect(init.image).toBe(m.spec.brokers.image);
    expect(init.command).toEqual(['node', '-e', RACK_INIT_SCRIPT]);
    expect(init.env).toContainEqual({ name: 'RACK_TOPOLOGY_KEY', value: 'topology.kubernetes.io/zone' });
    expect(init.env).toContainEqual({ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } });
    expect(container(sts).args!.slice(0, 2)).toEqual(['--config', '/var/run/gregor/server.properties']);
    expect(pod.automountServiceAccountToken).toBe(true);
    expect(pod.topologySpreadConstraints).toEqual([
      { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector } },
    ]);
    // The script is valid JavaScript (it runs as CommonJS under node -e).
    expect(() => new vm.Script(RACK_INIT_SCRIPT)).not.toThrow();
  });

  it('without racks there is no init container and no spread constraint', () => {
    const pod = brokerStatefulSet(model()).spec!.template.spec!;
    expect(pod.initContainers).toBeUndefined();
    expect(pod.topologySpreadConstraints).toBeUndefined();
  });

  it('binds the broker service account to the node-reader ClusterRole', () => {
    const crb = brokerRackClusterRoleBinding(model({ rack }));
    expect(crb.metadata?.name).toBe('gregor:kafka:prod:broker-rack');
    expect(crb.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: BROKER_RACK_CLUSTER_ROLE });
    expect(crb.subjects).toEqual([{ kind: 'ServiceAccount', name: 'prod-broker', namespace: 'kafka' }]);
    const sa = brokerServiceAccount(model());
    expect(sa.metadata?.name).toBe('prod-broker');
    expect(sa.automountServiceAccountToken).toBe(false);
  });
});

describe('broker services and PDB', () => {
  it('headless service publishes not-ready addresses on the Kafka and metrics ports', () => {
    const s = brokerHeadlessService(model({ listenerPort: 9093 }));
    expect(s.metadata?.name).toBe('prod-broker-headless');
    expect(s.spec?.clusterIP).toBe('None');
    expect(s.spec?.publishNotReadyAddresses).toBe(true);
    expect(s.spec?.selector).toEqual(selector);
    expect(s.spec?.ports?.map((p) => [p.name, p.port, p.targetPort])).toEqual([
      ['kafka', 9093, 'kafka'],
      ['metrics', 9404, 'metrics'],
    ]);
  });

  it('bootstrap service on the listener port, ready brokers only', () => {
    const s = bootstrapService(model());
    expect(s.metadata?.name).toBe('prod-bootstrap');
    expect(s.spec?.clusterIP).toBeUndefined();
    expect(s.spec?.publishNotReadyAddresses).toBeUndefined();
    expect(s.spec?.selector).toEqual(selector);
    expect(s.spec?.ports?.map((p) => [p.name, p.port, p.targetPort])).toEqual([['kafka', 9092, 'kafka']]);
  });

  it('PDB: maxUnavailable 1 over the broker pods', () => {
    const p = brokerPodDisruptionBudget(model());
    expect(p.apiVersion).toBe('policy/v1');
    expect(p.metadata?.name).toBe('prod-broker');
    expect(p.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: selector } });
  });
});

describe('Kafka-UI', () => {
  it('is absent unless enabled', () => {
    expect(uiObjects(model())).toEqual([]);
    expect(uiObjects(model({}, { enabled: false }))).toEqual([]);
    expect(uiObjects(model({}, { enabled: true })).map((o) => `${o.kind}/${o.metadata?.name}`)).toEqual(['Service/prod-ui', 'Deployment/prod-ui']);
  });

  it('points the default kafbat image at the bootstrap service', () => {
    const d = uiDeployment(model({}, { enabled: true }));
    const uiSelector = { ...selector, 'app.kubernetes.io/component': 'ui' };
    expect(d.spec?.replicas).toBe(1);
    expect(d.spec?.selector).toEqual({ matchLabels: uiSelector });
    const c = d.spec!.template.spec!.containers[0]!;
    expect(c.image).toMatch(/^ghcr\.io\/kafbat\/kafka-ui(:|$)/);
    expect(c.env).toContainEqual({ name: 'KAFKA_CLUSTERS_0_NAME', value: 'prod' });
    expect(c.env).toContainEqual({ name: 'KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS', value: 'prod-bootstrap.kafka.svc:9092' });
    expect(c.readinessProbe?.httpGet).toEqual({ path: '/actuator/health', port: 'http' });
    expect(d.spec!.template.spec!.securityContext).toMatchObject({ runAsNonRoot: true });
  });

  it('honours a custom image and resources; service on 8080', () => {
    const resources = { limits: { memory: '512Mi' } };
    const d = uiDeployment(model({ listenerPort: 9093 }, { enabled: true, image: 'my/ui:1', resources }));
    const c = d.spec!.template.spec!.containers[0]!;
    expect(c.image).toBe('my/ui:1');
    expect(c.resources).toEqual(resources);
    expect(c.env).toContainEqual({ name: 'KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS', value: 'prod-bootstrap.kafka.svc:9093' });
    const s = uiService(model({}, { enabled: true }));
    expect(s.metadata?.name).toBe('prod-ui');
    expect(s.spec?.selector).toEqual({ ...selector, 'app.kubernetes.io/component': 'ui' });
    expect(s.spec?.ports?.map((p) => [p.name, p.port, p.targetPort])).toEqual([['http', 8080, 'http']]);
  });
});
