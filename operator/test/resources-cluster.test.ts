// The whole desired state of a KafkaCluster: which objects, in which order, and the metadata every one of
// them must carry (labels, owner reference). Component details are in resources-zookeeper/brokers/ui tests.
import { describe, expect, it } from 'vitest';
import type { KubernetesObject } from '@kubernetes/client-node';
import type { KafkaCluster, KafkaClusterSpec } from '../src/api/types.js';
import { withDefaults } from '../src/api/defaults.js';
import { MAX_CLUSTER_NAME_LENGTH } from '../src/api/validate.js';
import {
  bootstrapServers,
  clusterModel,
  desiredObjects,
  obsoleteObjects,
  renderProperties,
  zookeeperConnect,
} from '../src/resources/index.js';
import { parseProperties } from '../../broker/src/config.js';

function cluster(spec: Partial<KafkaClusterSpec> = {}, name = 'prod'): KafkaCluster {
  return {
    apiVersion: 'kafka.gregor.dev/v1alpha1',
    kind: 'KafkaCluster',
    metadata: { name, namespace: 'kafka', uid: '1b4e28ba-2fa1-11d2-883f-0016d3cca427', generation: 1 },
    spec: {
      brokers: { replicas: 3, storage: { size: '10Gi' } },
      zookeeper: { replicas: 3, storage: { size: '1Gi' } },
      ...spec,
    },
  };
}

const id = (o: KubernetesObject) => `${o.kind}/${o.metadata?.name}`;

describe('desiredObjects', () => {
  it('lists every object in apply order: ZooKeeper, then brokers, UI off by default', () => {
    expect(desiredObjects(cluster()).map(id)).toEqual([
      'ConfigMap/prod-zookeeper-config',
      'Service/prod-zookeeper-headless',
      'Service/prod-zookeeper',
      'PodDisruptionBudget/prod-zookeeper',
      'StatefulSet/prod-zookeeper',
      'ServiceAccount/prod-broker',
      'ConfigMap/prod-broker-config',
      'Service/prod-broker-headless',
      'Service/prod-bootstrap',
      'PodDisruptionBudget/prod-broker',
      'StatefulSet/prod-broker',
    ]);
  });

  it('appends the UI Service and Deployment when spec.ui.enabled', () => {
    const ids = desiredObjects(cluster({ ui: { enabled: true } })).map(id);
    expect(ids.slice(-2)).toEqual(['Service/prod-ui', 'Deployment/prod-ui']);
    expect(desiredObjects(cluster({ ui: { enabled: false } })).map(id)).not.toContain('Deployment/prod-ui');
  });

  it('adds the rack ClusterRoleBinding only when racks are set', () => {
    const withRack = cluster({
      brokers: { replicas: 3, storage: { size: '10Gi' }, rack: { topologyKey: 'topology.kubernetes.io/zone' } },
    });
    expect(desiredObjects(withRack).map(id)).toContain('ClusterRoleBinding/gregor:kafka:prod:broker-rack');
    expect(desiredObjects(cluster()).map((o) => o.kind)).not.toContain('ClusterRoleBinding');
  });

  it('gives every object apiVersion, kind, the five labels, and namespaced ones the controller owner reference', () => {
    const all = desiredObjects(
      cluster({
        ui: { enabled: true },
        brokers: { replicas: 3, storage: { size: '10Gi' }, rack: { topologyKey: 'topology.kubernetes.io/zone' } },
      }),
    );
    for (const o of all) {
      expect(o.apiVersion, id(o)).toBeTruthy();
      expect(o.kind, id(o)).toBeTruthy();
      const labels = o.metadata?.labels ?? {};
      expect(labels['app.kubernetes.io/name'], id(o)).toBe('gregor');
      expect(labels['app.kubernetes.io/instance'], id(o)).toBe('prod');
      expect(['zookeeper', 'broker', 'ui'], id(o)).toContain(labels['app.kubernetes.io/component']);
      expect(labels['app.kubernetes.io/managed-by'], id(o)).toBe('gregor-operator');
      expect(labels['kafka.gregor.dev/cluster'], id(o)).toBe('prod');
      if (o.kind === 'ClusterRoleBinding') {
        // Cluster-scoped: a namespaced owner is invalid, so it is found by labels instead.
        expect(o.metadata?.namespace).toBeUndefined();
        expect(o.metadata?.ownerReferences).toBeUndefined();
        expect(labels['kafka.gregor.dev/namespace']).toBe('kafka');
        continue;
      }
      expect(o.metadata?.namespace, id(o)).toBe('kafka');
      expect(o.metadata?.ownerReferences, id(o)).toEqual([
        {
          apiVersion: 'kafka.gregor.dev/v1alpha1',
          kind: 'KafkaCluster',
          name: 'prod',
          uid: '1b4e28ba-2fa1-11d2-883f-0016d3cca427',
          controller: true,
          blockOwnerDeletion: true,
        },
      ]);
    }
  });

  it('labels components consistently', () => {
    const comp = (o: KubernetesObject) => o.metadata?.labels?.['app.kubernetes.io/component'];
    const all = desiredObjects(cluster({ ui: { enabled: true } }));
    for (const o of all) {
      const name = o.metadata!.name!;
      const expected = name.includes('zookeeper') ? 'zookeeper' : name.endsWith('-ui') ? 'ui' : 'broker';
      expect(comp(o), id(o)).toBe(expected);
    }
  });

  it('is deterministic and does not modify its input', () => {
    const c = cluster({ brokers: { replicas: 3, storage: { size: '10Gi' }, config: { 'b.key': '1', 'a.key': '2' } } });
    const before = structuredClone(c);
    expect(JSON.stringify(desiredObjects(c))).toBe(JSON.stringify(desiredObjects(c)));
    expect(c).toEqual(before);
  });

  it('accepts a spec that already has defaults applied (withDefaults is idempotent)', () => {
    const c = cluster({ ui: { enabled: true } });
    const defaulted: KafkaCluster = { ...c, spec: withDefaults(c.spec) };
    expect(desiredObjects(defaulted)).toEqual(desiredObjects(c));
  });

  it('passes operator-level default images through', () => {
    const objs = desiredObjects(cluster(), { brokerImage: 'registry.local/gregor:dev' });
    const sts = objs.find((o) => id(o) === 'StatefulSet/prod-broker') as { spec: { template: { spec: { containers: { image: string }[] } } } };
    expect(sts.spec.template.spec.containers[0]!.image).toBe('registry.local/gregor:dev');
  });

  it('refuses a cluster without namespace or uid (the owner reference would be invalid)', () => {
    const c = cluster();
    expect(() => desiredObjects({ ...c, metadata: { ...c.metadata, uid: undefined } })).toThrow(/uid/);
    expect(() => desiredObjects({ ...c, metadata: { ...c.metadata, namespace: undefined } })).toThrow(/namespace/);
  });
});

describe('status strings', () => {
  it('bootstrapServers is the bootstrap service with the listener port', () => {
    expect(bootstrapServers(cluster())).toBe('prod-bootstrap.kafka.svc:9092');
    expect(bootstrapServers(cluster({ brokers: { replicas: 1, storage: { size: '1Gi' }, listenerPort: 19092 } }))).toBe(
      'prod-bootstrap.kafka.svc:19092',
    );
  });

  it('zookeeperConnect is the client service', () => {
    expect(zookeeperConnect(cluster())).toBe('prod-zookeeper.kafka.svc:2181');
  });
});

describe('obsoleteObjects', () => {
  it('names the UI objects when the UI is off and the rack binding when racks are off', () => {
    expect(obsoleteObjects(cluster())).toEqual([
      { apiVersion: 'apps/v1', kind: 'Deployment', name: 'prod-ui', namespace: 'kafka' },
      { apiVersion: 'v1', kind: 'Service', name: 'prod-ui', namespace: 'kafka' },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', name: 'gregor:kafka:prod:broker-rack' },
    ]);
    expect(
      obsoleteObjects(
        cluster({
          ui: { enabled: true },
          brokers: { replicas: 3, storage: { size: '10Gi' }, rack: { topologyKey: 'zone' } },
        }),
      ),
    ).toEqual([]);
  });

  it('never names an object that is also desired', () => {
    for (const c of [cluster(), cluster({ ui: { enabled: true } })]) {
      const desired = new Set(desiredObjects(c).map(id));
      for (const r of obsoleteObjects(c)) expect(desired.has(`${r.kind}/${r.name}`)).toBe(false);
    }
  });
});

describe('derived names at the longest cluster name the API accepts', () => {
  it('fit Kubernetes limits', () => {
    const longest = 'a'.repeat(MAX_CLUSTER_NAME_LENGTH);
    for (const o of desiredObjects(cluster({ ui: { enabled: true } }, longest))) {
      const name = o.metadata!.name!;
      // Services are DNS-1035 labels; other names here are DNS subdomains but stay within 63 as well.
      expect(name.length, id(o)).toBeLessThanOrEqual(63);
      if (o.kind === 'StatefulSet') {
        // Pods carry controller-revision-hash=<sts>-<up to 10 chars>, a label value limited to 63.
        expect(`${name}-0123456789`.length, id(o)).toBeLessThanOrEqual(63);
        // Pod host names `<sts>-<ordinal>` are DNS labels too.
        expect(`${name}-99`.length, id(o)).toBeLessThanOrEqual(63);
      }
      for (const v of Object.values(o.metadata!.labels ?? {})) expect(v.length).toBeLessThanOrEqual(63);
    }
  });
});

describe('helpers', () => {
  it('renderProperties escapes so that Java-properties parsing (the broker\'s) returns the same map', () => {
    const props = {
      'plain.key': 'value',
      'key with=sep:chars#!': 'v',
      leading: '  spaced value',
      multi: 'line1\nline2\r\ttab\\back',
      unicode: 'zürich ☃',
      hash: '#not a comment',
      empty: '',
    };
    const text = renderProperties(props, ['a header']);
    expect(text.startsWith('# a header\n')).toBe(true);
    // ASCII only, one line per key.
    expect(/^[\x20-\x7e\n]*$/.test(text)).toBe(true);
    expect(text.trimEnd().split('\n')).toHaveLength(1 + Object.keys(props).length);
    expect(Object.fromEntries(parseProperties(text))).toEqual(props);
  });

  it('renderProperties sorts keys so object key order does not matter', () => {
    expect(renderProperties({ b: '1', a: '2' })).toBe(renderProperties({ a: '2', b: '1' }));
    expect(renderProperties({ b: '1', a: '2' })).toBe('a=2\nb=1\n');
  });

  it('clusterModel applies defaults', () => {
    const m = clusterModel(cluster());
    expect(m.spec.brokers.listenerPort).toBe(9092);
    expect(m.spec.zookeeper.image).toBe('zookeeper:3.8');
    expect(m.spec.ui.enabled).toBe(false);
  });
});
