// ZooKeeper objects: ensemble config for 1/3/5 members, services, StatefulSet, PDB.
import { execFileSync, spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { V1Container, V1StatefulSet } from '@kubernetes/client-node';
import type { KafkaCluster, ZookeeperReplicas, ZookeeperSpec } from '../src/api/types.js';
import {
  CONFIG_HASH_ANNOTATION,
  ZOOKEEPER_LIVENESS_SCRIPT,
  ZOOKEEPER_READINESS_SCRIPT,
  ZOOKEEPER_START_SCRIPT,
  clusterModel,
  renderZooCfg,
  zookeeperClientService,
  zookeeperConfigMap,
  zookeeperHeadlessService,
  zookeeperHeapMiB,
  zookeeperPodDisruptionBudget,
  zookeeperServers,
  zookeeperStatefulSet,
} from '../src/resources/index.js';

function model(zk: Partial<ZookeeperSpec> = {}) {
  const c: KafkaCluster = {
    apiVersion: 'kafka.gregor.dev/v1alpha1',
    kind: 'KafkaCluster',
    metadata: { name: 'prod', namespace: 'kafka', uid: 'uid-1' },
    spec: {
      brokers: { replicas: 3, storage: { size: '10Gi' } },
      zookeeper: { replicas: 3, storage: { size: '1Gi' }, ...zk },
    },
  };
  return clusterModel(c);
}

function container(sts: V1StatefulSet): V1Container {
  return sts.spec!.template.spec!.containers[0]!;
}

function env(c: V1Container): Record<string, string | undefined> {
  return Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value ?? `<from ${e.valueFrom?.fieldRef?.fieldPath}>`]));
}

const selector = {
  'app.kubernetes.io/name': 'gregor',
  'app.kubernetes.io/instance': 'prod',
  'app.kubernetes.io/component': 'zookeeper',
};

describe('ZooKeeper ensemble config', () => {
  const host = (i: number) => `prod-zookeeper-${i}.prod-zookeeper-headless.kafka.svc`;

  it.each([1, 3, 5] as ZookeeperReplicas[])('lists %i servers with ids 1..n from the ordinals', (replicas) => {
    const servers = zookeeperServers(model({ replicas }));
    expect(servers).toHaveLength(replicas);
    servers.forEach((s, i) => expect(s).toBe(`server.${i + 1}=${host(i)}:2888:3888;2181`));
  });

  it('renders zoo.cfg with dataDir, client port, 4lw whitelist and the servers', () => {
    const cfg = renderZooCfg(model({ replicas: 3 }));
    const lines = cfg.trimEnd().split('\n');
    expect(lines).toContain('dataDir=/data');
    expect(lines).toContain('clientPort=2181');
    expect(lines).toContain('4lw.commands.whitelist=srvr,ruok,mntr');
    expect(lines).toContain('quorumListenOnAllIPs=true');
    expect(lines).toContain('reconfigEnabled=false');
    expect(lines).toContain('admin.enableServer=false');
    // Transaction logs must stay on the volume: no dataLogDir pointing elsewhere.
    expect(lines.some((l) => l.startsWith('dataLogDir='))).toBe(false);
    expect(lines.filter((l) => l.startsWith('server.'))).toEqual([
      `server.1=${host(0)}:2888:3888;2181`,
      `server.2=${host(1)}:2888:3888;2181`,
      `server.3=${host(2)}:2888:3888;2181`,
    ]);
  });

  it('puts zoo.cfg in the ConfigMap', () => {
    const cm = zookeeperConfigMap(model());
    expect(cm.metadata?.name).toBe('prod-zookeeper-config');
    expect(cm.data).toEqual({ 'zoo.cfg': renderZooCfg(model()) });
  });
});

describe('ZooKeeper services and PDB', () => {
  it('headless service: 2181/2888/3888, clusterIP None, publishes not-ready addresses', () => {
    const s = zookeeperHeadlessService(model());
    expect(s.metadata?.name).toBe('prod-zookeeper-headless');
    expect(s.spec?.clusterIP).toBe('None');
    expect(s.spec?.publishNotReadyAddresses).toBe(true);
    expect(s.spec?.selector).toEqual(selector);
    expect(s.spec?.ports?.map((p) => [p.name, p.port, p.targetPort])).toEqual([
      ['client', 2181, 'client'],
      ['follower', 2888, 'follower'],
      ['election', 3888, 'election'],
    ]);
  });

  it('client service on 2181', () => {
    const s = zookeeperClientService(model());
    expect(s.metadata?.name).toBe('prod-zookeeper');
    expect(s.spec?.clusterIP).toBeUndefined();
    expect(s.spec?.selector).toEqual(selector);
    expect(s.spec?.ports?.map((p) => [p.name, p.port])).toEqual([['client', 2181]]);
  });

  it('PDB allows one member down', () => {
    const p = zookeeperPodDisruptionBudget(model());
    expect(p.apiVersion).toBe('policy/v1');
    expect(p.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: selector } });
  });
});

describe('ZooKeeper StatefulSet', () => {
  it('has the shape of a quorum: replicas, headless service, Parallel, rolling, selector, PVC', () => {
    const sts = zookeeperStatefulSet(model({ replicas: 5, storage: { size: '2Gi', storageClassName: 'fast' } }));
    expect(sts.metadata?.name).toBe('prod-zookeeper');
    expect(sts.spec?.replicas).toBe(5);
    expect(sts.spec?.serviceName).toBe('prod-zookeeper-headless');
    expect(sts.spec?.podManagementPolicy).toBe('Parallel');
    expect(sts.spec?.updateStrategy).toEqual({ type: 'RollingUpdate' });
    expect(sts.spec?.selector).toEqual({ matchLabels: selector });
    expect(sts.spec?.template.metadata?.labels).toMatchObject(selector);
    const vct = sts.spec?.volumeClaimTemplates?.[0];
    expect(vct?.metadata?.name).toBe('data');
    expect(vct?.spec?.accessModes).toEqual(['ReadWriteOnce']);
    expect(vct?.spec?.resources?.requests).toEqual({ storage: '2Gi' });
    expect(vct?.spec?.storageClassName).toBe('fast');
    expect(zookeeperStatefulSet(model()).spec?.volumeClaimTemplates?.[0]?.spec?.storageClassName).toBeUndefined();
  });

  it('runs the official image with ZOO_MY_ID from the ordinal and ZOO_SERVERS as the image expects', () => {
    const m = model({ replicas: 3 });
    const c = container(zookeeperStatefulSet(m));
    expect(c.image).toBe('zookeeper:3.8');
    expect(c.command).toEqual(['/bin/bash', '-c', ZOOKEEPER_START_SCRIPT]);
    expect(ZOOKEEPER_START_SCRIPT).toContain('exec /docker-entrypoint.sh zkServer.sh start-foreground');
    const e = env(c);
    expect(e['POD_NAME']).toBe('<from metadata.name>');
    expect(e['ZOO_SERVERS']).toBe(zookeeperServers(m).join(' '));
    expect(e['ZOO_4LW_COMMANDS_WHITELIST']).toBe('srvr,ruok,mntr');
    expect(c.ports?.map((p) => p.containerPort)).toEqual([2181, 2888, 3888]);
  });

  it('the start script derives ZOO_MY_ID = ordinal + 1 from the pod name', () => {
    // Same script with the hand-over replaced by printing the id.
    const script = ZOOKEEPER_START_SCRIPT.replace(/exec \/docker-entrypoint\.sh.*$/, 'echo "$ZOO_MY_ID"');
    for (const [pod, id] of [['prod-zookeeper-0', '1'], ['prod-zookeeper-4', '5'], ['my-zk-cluster-zookeeper-2', '3']]) {
      // stdin not inherited: bash sources ~/.bashrc when stdin looks like a remote connection.
      const out = execFileSync('bash', ['-c', script], {
        env: { PATH: process.env.PATH, POD_NAME: pod },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      expect(out.toString().trim()).toBe(id);
    }
  });

  it('mounts zoo.cfg by subPath and the volume at /data', () => {
    const sts = zookeeperStatefulSet(model());
    const c = container(sts);
    expect(c.volumeMounts).toEqual([
      { name: 'data', mountPath: '/data' },
      { name: 'config', mountPath: '/conf/zoo.cfg', subPath: 'zoo.cfg', readOnly: true },
    ]);
    expect(sts.spec?.template.spec?.volumes).toEqual([{ name: 'config', configMap: { name: 'prod-zookeeper-config' } }]);
  });

  it('probes with srvr (readiness: serving in a quorum) and ruok (liveness)', () => {
    const c = container(zookeeperStatefulSet(model()));
    const ready = c.readinessProbe?.exec?.command?.join(' ') ?? '';
    expect(ready).toContain('/dev/tcp/127.0.0.1/2181');
    expect(ready).toContain('srvr');
    expect(ready).toContain('Mode: ');
    const live = c.livenessProbe?.exec?.command?.join(' ') ?? '';
    expect(live).toContain('ruok');
    expect(live).toContain('imok');
  });

  it('probe scripts pass only on the answers of a serving / running member', async () => {
    // A fake member answering four-letter words as ZooKeeper does (reply, then close).
    let serving = true;
    const server = createServer((sock) => {
      sock.once('data', (d) => {
        const cmd = d.toString();
        if (cmd === 'ruok') sock.end('imok');
        else if (cmd === 'srvr') {
          sock.end(serving ? 'Zookeeper version: 3.8.4\nLatency min/avg/max: 0/0.0/0\nMode: follower\nNode count: 5\n' : 'This ZooKeeper instance is not currently serving requests\n');
        } else sock.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const run = (script: string) =>
      new Promise<number>((resolve) => {
        // stdin ignored: on a socket (Node's default pipe) bash would source ~/.bashrc like a remote shell.
        const child = spawn('bash', ['-c', script.replace('/2181', `/${port}`)], {
          env: { PATH: process.env.PATH },
          stdio: ['ignore', 'ignore', 'ignore'],
        });
        child.on('exit', (code) => resolve(code ?? -1));
      });
    try {
      expect(await run(ZOOKEEPER_READINESS_SCRIPT)).toBe(0);
      expect(await run(ZOOKEEPER_LIVENESS_SCRIPT)).toBe(0);
      serving = false;
      expect(await run(ZOOKEEPER_READINESS_SCRIPT)).not.toBe(0);
      expect(await run(ZOOKEEPER_LIVENESS_SCRIPT)).toBe(0);
    } finally {
      server.close();
    }
    // Nothing listening: both fail.
    expect(await run(ZOOKEEPER_READINESS_SCRIPT)).not.toBe(0);
    expect(await run(ZOOKEEPER_LIVENESS_SCRIPT)).not.toBe(0);
  });

  it('runs as the image\'s non-root zookeeper user', () => {
    const pod = zookeeperStatefulSet(model()).spec!.template.spec!;
    expect(pod.securityContext).toMatchObject({ runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, runAsNonRoot: true });
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  it('sizes the JVM heap from the memory limit, or leaves zkEnv.sh\'s default', () => {
    expect(zookeeperHeapMiB({ limits: { memory: '1Gi' } })).toBe(512);
    expect(zookeeperHeapMiB({ requests: { memory: '512Mi' } })).toBe(256);
    expect(zookeeperHeapMiB(undefined)).toBeUndefined();
    const c = container(zookeeperStatefulSet(model({ resources: { limits: { memory: '2Gi', cpu: '1' } } })));
    expect(env(c)['ZK_SERVER_HEAP']).toBe('1024');
    expect(c.resources).toEqual({ limits: { memory: '2Gi', cpu: '1' } });
    expect(env(container(zookeeperStatefulSet(model())))['ZK_SERVER_HEAP']).toBeUndefined();
  });

  it('config hash follows zoo.cfg and image only', () => {
    const hash = (zk: Partial<ZookeeperSpec>) =>
      zookeeperStatefulSet(model(zk)).spec!.template.metadata!.annotations![CONFIG_HASH_ANNOTATION];
    const base = hash({});
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(hash({})).toBe(base);
    expect(hash({ image: 'zookeeper:3.9' })).not.toBe(base);
    expect(hash({ replicas: 5 })).not.toBe(base);
    expect(hash({ storage: { size: '5Gi' } })).toBe(base);
    expect(hash({ resources: { limits: { cpu: '2' } } })).toBe(base);
  });
});
