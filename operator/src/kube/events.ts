// Kubernetes Events for the objects we reconcile: what `kubectl describe kafkacluster` shows. Best effort
// by design: an Event that fails to be recorded must never fail or retry a reconcile.
import { hostname } from 'node:os';
import { CoreV1Api, type CoreV1Event, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';

export const REPORTING_COMPONENT = 'gregor-operator';

export type EventType = 'Normal' | 'Warning';

export interface RecordEventOptions {
  /** Where failures go; default console.warn. */
  log?: (msg: string, err: unknown) => void;
  reportingInstance?: string;
}

/** Creates a core/v1 Event about `involved`; returns it, or null if recording failed (logged, not thrown). */
export async function recordEvent(
  kc: KubeConfig,
  involved: KubernetesObject,
  type: EventType,
  reason: string,
  message: string,
  opts: RecordEventOptions = {},
): Promise<CoreV1Event | null> {
  const log = opts.log ?? ((msg, err) => console.warn(msg, err));
  try {
    const name = involved.metadata?.name ?? 'unknown';
    // Events live in the involved object's namespace (so they are garbage with it); cluster-scoped objects
    // get theirs in "default", like kubelet/controller-manager do.
    const namespace = involved.metadata?.namespace ?? 'default';
    const now = new Date();
    const instance = opts.reportingInstance ?? hostname();
    const body: CoreV1Event = {
      // generateName: the server appends a random suffix, so concurrent events never collide.
      metadata: { generateName: `${name}.`, namespace },
      involvedObject: {
        apiVersion: involved.apiVersion,
        kind: involved.kind,
        name,
        namespace: involved.metadata?.namespace,
        uid: involved.metadata?.uid,
        resourceVersion: involved.metadata?.resourceVersion,
      },
      type,
      reason,
      // The API server rejects messages over 1 KiB.
      message: message.length > 1024 ? `${message.slice(0, 1021)}...` : message,
      count: 1,
      firstTimestamp: now,
      lastTimestamp: now,
      source: { component: REPORTING_COMPONENT, host: instance },
      reportingComponent: REPORTING_COMPONENT,
      reportingInstance: instance,
    };
    return await kc.makeApiClient(CoreV1Api).createNamespacedEvent({ namespace, body });
  } catch (e) {
    log(`recording event ${reason} for ${involved.kind}/${involved.metadata?.name} failed`, e);
    return null;
  }
}
