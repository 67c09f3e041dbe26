// Reads and metadata patches of the operator's own custom resources. Reconcilers read the object fresh from
// the apiserver (not the informer cache) so a reconcile right after our own write never acts on stale spec.
import { CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { FIELD_MANAGER, httpStatusOf } from './apply.js';

export interface CustomResourceRef {
  group: string;
  version: string;
  plural: string;
  namespace: string;
  name: string;
}

/** The object, or null when it does not exist. */
export async function getCustomObject<T>(kc: KubeConfig, ref: CustomResourceRef): Promise<T | null> {
  try {
    return (await kc.makeApiClient(CustomObjectsApi).getNamespacedCustomObject(ref)) as T;
  } catch (e) {
    if (httpStatusOf(e) === 404) return null;
    throw e;
  }
}

/** Lists objects in a namespace, optionally by label selector. */
export async function listCustomObjects<T>(
  kc: KubeConfig,
  ref: Omit<CustomResourceRef, 'name'>,
  labelSelector?: string,
): Promise<T[]> {
  const list = (await kc.makeApiClient(CustomObjectsApi).listNamespacedCustomObject({ ...ref, labelSelector })) as { items?: T[] };
  return list.items ?? [];
}

/**
 * Replaces metadata.finalizers, conditional on the resourceVersion we read: a merge patch replaces the whole
 * list, so without the precondition a finalizer another controller added in between would be dropped. A
 * conflict (409) is thrown; the reconcile is retried with a fresh read.
 */
export async function setFinalizers(
  kc: KubeConfig,
  ref: CustomResourceRef,
  obj: KubernetesObject,
  finalizers: string[],
): Promise<KubernetesObject | null> {
  const options = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
  try {
    return (await kc.makeApiClient(CustomObjectsApi).patchNamespacedCustomObject(
      {
        ...ref,
        body: { metadata: { finalizers, resourceVersion: obj.metadata?.resourceVersion } },
        fieldManager: FIELD_MANAGER,
      },
      options,
    )) as KubernetesObject;
  } catch (e) {
    // Gone already (the last finalizer was ours and someone else removed it): nothing left to do.
    if (httpStatusOf(e) === 404) return null;
    throw e;
  }
}

export function hasFinalizer(obj: KubernetesObject, finalizer: string): boolean {
  return (obj.metadata?.finalizers ?? []).includes(finalizer);
}

export function withFinalizer(obj: KubernetesObject, finalizer: string): string[] {
  const list = obj.metadata?.finalizers ?? [];
  return list.includes(finalizer) ? [...list] : [...list, finalizer];
}

export function withoutFinalizer(obj: KubernetesObject, finalizer: string): string[] {
  return (obj.metadata?.finalizers ?? []).filter((f) => f !== finalizer);
}
