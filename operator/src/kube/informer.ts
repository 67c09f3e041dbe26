// A thin shared-informer: client-node's ListWatch keeps a cache and calls back on changes; we turn every
// change into a work-queue key. Reconcilers are level-triggered, so the key is all they need: they read
// the current state from the cache (or the API) instead of trusting the event payload.
import {
  KubernetesObjectApi,
  makeInformer,
  type Informer,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  type ObjectCache,
} from '@kubernetes/client-node';
import type { WorkQueue } from './work-queue.js';

export interface ResourceInformerOptions {
  /** e.g. "v1" or "kafka.gregor.dev/v1alpha1". */
  apiVersion: string;
  kind: string;
  /** Lower-case plural resource name, e.g. "configmaps", "kafkaclusters". */
  plural: string;
  /** Watch one namespace; all namespaces if omitted. */
  namespace?: string;
  labelSelector?: string;
  /**
   * Enqueue the key of the controller owner of this kind instead of the object's own key (for watching
   * owned objects: a changed StatefulSet must reconcile its KafkaCluster). Objects without such an owner
   * are ignored.
   */
  ownerKind?: string;
  /** Restart backoff after a failed list/watch: first delay and cap. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  log?: (msg: string, err?: unknown) => void;
}

/** "/api/v1/namespaces/ns/configmaps" or "/apis/group/version/plural" (cluster-wide). */
export function resourcePath(apiVersion: string, plural: string, namespace?: string): string {
  const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  return namespace ? `${base}/namespaces/${namespace}/${plural}` : `${base}/${plural}`;
}

export function objectKey(obj: KubernetesObject): string {
  const ns = obj.metadata?.namespace;
  return ns ? `${ns}/${obj.metadata?.name}` : `${obj.metadata?.name}`;
}

/** Key of the controller owner of the given kind (owners are always in the object's namespace), or null. */
export function controllerOwnerKey(obj: KubernetesObject, ownerKind: string): string | null {
  const ref = obj.metadata?.ownerReferences?.find((r) => r.controller && r.kind === ownerKind);
  if (!ref) return null;
  const ns = obj.metadata?.namespace;
  return ns ? `${ns}/${ref.name}` : ref.name;
}

export class ResourceInformer<T extends KubernetesObject = KubernetesObject> {
  private readonly informer: Informer<T> & ObjectCache<T>;
  private readonly minBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly log: (msg: string, err?: unknown) => void;
  private backoffMs: number;
  private restartTimer: NodeJS.Timeout | undefined;
  private stopped = true;
  /** Number of list/watch failures so far (observability and tests). */
  errors = 0;

  constructor(
    kc: KubeConfig,
    private readonly queue: WorkQueue,
    private readonly opts: ResourceInformerOptions,
  ) {
    this.minBackoffMs = opts.minBackoffMs ?? 500;
    this.maxBackoffMs = opts.maxBackoffMs ?? 30_000;
    this.backoffMs = this.minBackoffMs;
    this.log = opts.log ?? ((msg, err) => console.warn(msg, err ?? ''));
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const path = resourcePath(opts.apiVersion, opts.plural, opts.namespace);
    // KubernetesObjectApi.list instead of a typed API so one class serves core, apps and custom resources.
    const listFn = () =>
      objects.list<T>(opts.apiVersion, opts.kind, opts.namespace, undefined, undefined, undefined, undefined, opts.labelSelector) as Promise<
        KubernetesListObject<T>
      >;
    this.informer = makeInformer<T>(kc, path, listFn, opts.labelSelector);
    const enqueue = (obj: T) => {
      const key = opts.ownerKind ? controllerOwnerKey(obj, opts.ownerKind) : objectKey(obj);
      if (key) queue.add(key);
      // Any delivered event proves the connection works: the next failure starts from a short delay again.
      this.backoffMs = this.minBackoffMs;
    };
    this.informer.on('add', enqueue);
    this.informer.on('update', enqueue);
    this.informer.on('delete', enqueue);
    // ListWatch does not restart itself after an error (only after a clean watch end or a 410), so we do,
    // with backoff. It keeps its last resourceVersion, so the restarted watch resumes without a relist
    // (and relists, reporting deletions it missed, if that version has expired).
    this.informer.on('error', (err) => {
      this.errors++;
      if (this.stopped) return;
      const delay = this.backoffMs;
      this.backoffMs = Math.min(this.maxBackoffMs, this.backoffMs * 2);
      this.log(`informer ${path} failed; restarting in ${delay} ms`, err);
      this.scheduleRestart(delay);
    });
  }

  private scheduleRestart(delay: number): void {
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.stopped) return;
      this.informer
        .start()
        // client-node starts the watch after the list even if stop() came in between: stop it again.
        .then(() => (this.stopped ? this.informer.stop() : undefined))
        .catch((err: unknown) => {
        // start() rejects only for failures that did not reach the error callback (e.g. the watch request
        // itself could not be set up); treat them the same.
        this.errors++;
        const next = this.backoffMs;
        this.backoffMs = Math.min(this.maxBackoffMs, this.backoffMs * 2);
        this.log(`informer restart failed; retrying in ${next} ms`, err);
        this.scheduleRestart(next);
      });
    }, delay);
    this.restartTimer.unref?.();
  }

  /**
   * Lists (filling the cache and enqueueing every existing object) and starts watching. Resolves after the
   * initial list, so callers can start workers against a synced cache.
   */
  async start(): Promise<void> {
    this.stopped = false;
    try {
      await this.informer.start();
      if (this.stopped) await this.informer.stop();
    } catch (err) {
      this.errors++;
      this.log('informer start failed; retrying', err);
      this.scheduleRestart(this.backoffMs);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    await this.informer.stop();
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return this.informer.get(name, namespace);
  }

  list(namespace?: string): readonly T[] {
    return this.informer.list(namespace);
  }
}
