// The test control plane itself (test/helpers/kube.ts): real etcd + kube-apiserver + kube-controller-manager
// built from Go modules. Checks what the operator suites rely on: CRUD, CRDs becoming Established and their
// schema validation, the StatefulSet controller creating pods, garbage collection (foreground and background)
// and RBAC refusing a ServiceAccount without permissions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiException,
  ApiextensionsV1Api,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  RbacAuthorizationV1Api,
  VersionApi,
  type V1Pod,
  type V1StatefulSet,
} from '@kubernetes/client-node';
import { startKube, type KubeEnv } from '../../test/helpers/kube.js';
import { waitFor } from '../../test/helpers/util.js';

const NS = 'kube-env-test';

function statusOf(e: unknown): number | undefined {
  return e instanceof ApiException ? e.code : undefined;
}

async function expectStatus(p: Promise<unknown>, code: number): Promise<ApiException<unknown>> {
  try {
    await p;
  } catch (e) {
    expect(statusOf(e), String(e)).toBe(code);
    return e as ApiException<unknown>;
  }
  throw new Error(`expected HTTP ${code}, the call succeeded`);
}

function statefulSet(name: string): V1StatefulSet {
  const labels = { app: name };
  return {
    metadata: { name, namespace: NS },
    spec: {
      replicas: 2,
      serviceName: name,
      // OrderedReady would wait for web-0 to be Ready before creating web-1; with no kubelet it never is.
      podManagementPolicy: 'Parallel',
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [{ name: 'main', image: 'registry.invalid/never-pulled:1', command: ['sleep', 'infinity'] }],
        },
      },
    },
  };
}

describe('test control plane (etcd + kube-apiserver + kube-controller-manager)', () => {
  let kube: KubeEnv;
  let core: CoreV1Api;
  let apps: AppsV1Api;

  beforeAll(async () => {
    const t0 = Date.now();
    kube = await startKube({ name: 'kube-env' });
    console.log(`[kube-env] control plane ready in ${Date.now() - t0} ms at ${kube.server}`);
    core = kube.kubeConfig.makeApiClient(CoreV1Api);
    apps = kube.kubeConfig.makeApiClient(AppsV1Api);
    await core.createNamespace({ body: { metadata: { name: NS } } });
  }, 180_000);

  afterAll(async () => {
    await kube?.stop();
  }, 60_000);

  it('serves the built version and a namespace with a ConfigMap', async () => {
    const version = await kube.kubeConfig.makeApiClient(VersionApi).getCode();
    expect(version.gitVersion).toMatch(/^v1\.\d+\.\d+$/);
    expect(Number(version.minor)).toBeGreaterThanOrEqual(34);

    await core.createNamespacedConfigMap({
      namespace: NS,
      body: { metadata: { name: 'settings' }, data: { 'server.properties': 'broker.id=0\n' } },
    });
    const cm = await core.readNamespacedConfigMap({ namespace: NS, name: 'settings' });
    expect(cm.data?.['server.properties']).toBe('broker.id=0\n');
    await expectStatus(
      core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'settings' } } }),
      409,
    );
  });

  it('establishes a CRD and validates custom objects against its schema', async () => {
    const ext = kube.kubeConfig.makeApiClient(ApiextensionsV1Api);
    const group = 'envtest.gregor.dev';
    await ext.createCustomResourceDefinition({
      body: {
        metadata: { name: `widgets.${group}` },
        spec: {
          group,
          scope: 'Namespaced',
          names: { plural: 'widgets', singular: 'widget', kind: 'Widget', shortNames: ['wd'] },
          versions: [
            {
              name: 'v1',
              served: true,
              storage: true,
              subresources: { status: {} },
              schema: {
                openAPIV3Schema: {
                  type: 'object',
                  properties: {
                    spec: {
                      type: 'object',
                      required: ['size'],
                      properties: { size: { type: 'integer', minimum: 1, maximum: 9 } },
                    },
                    status: { type: 'object', properties: { ready: { type: 'boolean' } } },
                  },
                },
              },
            },
          ],
        },
      },
    });
    await waitFor(
      async () => {
        const crd = await ext.readCustomResourceDefinition({ name: `widgets.${group}` });
        return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
      },
      { timeoutMs: 30_000, what: 'CRD Established' },
    );

    const custom = kube.kubeConfig.makeApiClient(CustomObjectsApi);
    const widget = (name: string, size: number) => ({
      apiVersion: `${group}/v1`,
      kind: 'Widget',
      metadata: { name },
      spec: { size },
    });
    // The discovery of a just-established CRD can lag by a moment: retry the first create briefly.
    await waitFor(
      () =>
        custom
          .createNamespacedCustomObject({ group, version: 'v1', namespace: NS, plural: 'widgets', body: widget('w1', 3) })
          .then(() => true),
      { timeoutMs: 15_000, what: 'first Widget created' },
    );
    const got = (await custom.getNamespacedCustomObject({
      group,
      version: 'v1',
      namespace: NS,
      plural: 'widgets',
      name: 'w1',
    })) as { spec: { size: number } };
    expect(got.spec.size).toBe(3);

    const err = await expectStatus(
      custom.createNamespacedCustomObject({ group, version: 'v1', namespace: NS, plural: 'widgets', body: widget('w2', 0) }),
      422,
    );
    expect(String(err.body)).toContain('spec.size');
  });

  async function podsOf(app: string): Promise<V1Pod[]> {
    return (await core.listNamespacedPod({ namespace: NS, labelSelector: `app=${app}` })).items;
  }

  for (const propagationPolicy of ['Foreground', 'Background'] as const) {
    it(`creates StatefulSet pods and garbage-collects them (${propagationPolicy})`, async () => {
      const name = `web-${propagationPolicy.toLowerCase()}`;
      const sts = await apps.createNamespacedStatefulSet({ namespace: NS, body: statefulSet(name) });

      const pods = await waitFor(async () => ((await podsOf(name)).length === 2 ? podsOf(name) : null), {
        timeoutMs: 60_000,
        what: `2 pods of StatefulSet ${name}`,
      });
      expect(pods.map((p) => p.metadata?.name).sort()).toEqual([`${name}-0`, `${name}-1`]);
      for (const p of pods) {
        const owner = p.metadata?.ownerReferences?.find((o) => o.controller);
        expect(owner).toMatchObject({ kind: 'StatefulSet', name, uid: sts.metadata?.uid, blockOwnerDeletion: true });
        // No scheduler and no kubelet: pods are never bound, so they stay Pending.
        expect(p.status?.phase).toBe('Pending');
        expect(p.spec?.nodeName).toBeUndefined();
      }

      await apps.deleteNamespacedStatefulSet({ namespace: NS, name, body: { propagationPolicy } });
      await waitFor(async () => (await podsOf(name)).length === 0, {
        timeoutMs: 60_000,
        what: `pods of ${name} garbage-collected`,
      });
      await waitFor(
        () =>
          apps.readNamespacedStatefulSet({ namespace: NS, name }).then(
            () => false,
            (e: unknown) => statusOf(e) === 404,
          ),
        { timeoutMs: 30_000, what: `StatefulSet ${name} gone` },
      );
    });
  }

  it('refuses a ServiceAccount with no permissions (403) until a RoleBinding grants them', async () => {
    await core.createNamespacedServiceAccount({ namespace: NS, body: { metadata: { name: 'nobody' } } });
    const tr = await core.createNamespacedServiceAccountToken({
      namespace: NS,
      name: 'nobody',
      body: { spec: { audiences: [], expirationSeconds: 600 } },
    });
    const saToken = tr.status?.token;
    expect(saToken).toBeTruthy();
    const asNobody = kube.configForToken(saToken!, 'nobody').kubeConfig.makeApiClient(CoreV1Api);

    const err = await expectStatus(asNobody.listNamespacedPod({ namespace: NS }), 403);
    expect(String(err.body)).toContain(`system:serviceaccount:${NS}:nobody`);
    await expectStatus(asNobody.listNamespace(), 403);

    const rbac = kube.kubeConfig.makeApiClient(RbacAuthorizationV1Api);
    await rbac.createNamespacedRoleBinding({
      namespace: NS,
      body: {
        metadata: { name: 'nobody-view' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
        subjects: [{ kind: 'ServiceAccount', name: 'nobody', namespace: NS }],
      },
    });
    await waitFor(() => asNobody.listNamespacedPod({ namespace: NS }).then(() => true), {
      timeoutMs: 15_000,
      what: 'RoleBinding effective',
    });
    // Still nothing outside the namespace, and no writes.
    await expectStatus(asNobody.listNamespace(), 403);
    await expectStatus(
      asNobody.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'nope' } } }),
      403,
    );
  });
});
