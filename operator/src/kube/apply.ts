// Writes to the API server. Server-side apply is the one write path for owned objects: the server merges
// our desired fields and records us as their manager, so fields other controllers (or users) own survive
// and re-applying an unchanged object is a no-op that does not bump resourceVersion.
import {
  ApiException,
  CustomObjectsApi,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
  type KubeConfig,
  type KubernetesObject,
} from '@kubernetes/client-node';

export const FIELD_MANAGER = 'gregor-operator';

/** The HTTP status of a client-node API error, if it is one. */
export function httpStatusOf(e: unknown): number | undefined {
  if (e instanceof ApiException) return e.code;
  const code = (e as { code?: unknown; statusCode?: unknown } | null)?.statusCode ?? (e as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/**
 * Server-side applies `obj` (create or update) and returns the object as stored. force: true because the
 * operator is the authority for what it renders: a conflicting manager (e.g. someone's kubectl edit) loses
 * the field instead of wedging reconciliation on a 409.
 */
export async function serverSideApply(
  kc: KubeConfig,
  obj: KubernetesObject,
  fieldManager: string = FIELD_MANAGER,
): Promise<KubernetesObject> {
  const client = KubernetesObjectApi.makeApiClient(kc);
  // managedFields and resourceVersion must not be part of an apply body (resourceVersion would make it a
  // conditional write, managedFields is rejected); strip them so callers can pass back objects they read.
  const { managedFields: _mf, resourceVersion: _rv, ...metadata } = obj.metadata ?? {};
  const body: KubernetesObject = { ...obj, metadata };
  return client.patch(body, undefined, undefined, fieldManager, true, PatchStrategy.ServerSideApply);
}

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}

/** Deletes the object; a 404 counts as success (returns false) so cleanup stays idempotent. */
export async function deleteIfExists(
  kc: KubeConfig,
  ref: ObjectRef | KubernetesObject,
  propagationPolicy: 'Background' | 'Foreground' | 'Orphan' = 'Background',
): Promise<boolean> {
  const client = KubernetesObjectApi.makeApiClient(kc);
  const spec: KubernetesObject = {
    apiVersion: ref.apiVersion,
    kind: ref.kind,
    metadata: { name: ref.metadata?.name, namespace: ref.metadata?.namespace },
  };
  try {
    await client.delete(spec, undefined, undefined, undefined, undefined, propagationPolicy);
    return true;
  } catch (e) {
    if (httpStatusOf(e) === 404) return false;
    throw e;
  }
}

/**
 * Merge-patches the status subresource of a namespaced custom object. A merge patch (not apply) because
 * status is replaced wholesale by the reconciler each time; arrays like conditions are replaced, not merged.
 */
export async function patchStatus(
  kc: KubeConfig,
  group: string,
  version: string,
  plural: string,
  namespace: string,
  name: string,
  status: unknown,
): Promise<KubernetesObject> {
  const api = kc.makeApiClient(CustomObjectsApi);
  // The generated client would otherwise pick the first listed content type, application/json-patch+json.
  const options = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
  return (await api.patchNamespacedCustomObjectStatus(
    { group, version, namespace, plural, name, body: { status }, fieldManager: FIELD_MANAGER },
    options,
  )) as KubernetesObject;
}
