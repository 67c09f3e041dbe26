// The Node of the test pod runner, kept alive the way a kubelet does it: the Node object with status Ready,
// a Lease in kube-node-lease renewed every few seconds (what the node lifecycle controller watches since
// Kubernetes 1.17), and the Ready condition's heartbeat refreshed on top. So the node lifecycle controller
// never marks the node NotReady/Unknown, never taints it (node.kubernetes.io/unreachable:NoExecute) and the
// taint-eviction controller never evicts the pods; tests need not disable the nodelifecycle controller.
import {
  CoordinationV1Api,
  CoreV1Api,
  V1MicroTime,
  type KubeConfig,
  type V1Lease,
  type V1NodeCondition,
} from '@kubernetes/client-node';
import { httpStatusOf, mergePatch } from './kube-util.js';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
const LEASE_DURATION_SECONDS = 40;

export class NodeAgent {
  private readonly core: CoreV1Api;
  private readonly leases: CoordinationV1Api;
  private timer: NodeJS.Timeout | undefined;
  private uid: string | undefined;
  private readySince = new Date();
  private ticks = 0;
  private stopped = false;

  constructor(
    kc: KubeConfig,
    readonly nodeName: string,
    private readonly log: (msg: string) => void,
    private readonly renewEveryMs = 5000,
  ) {
    this.core = kc.makeApiClient(CoreV1Api);
    this.leases = kc.makeApiClient(CoordinationV1Api);
  }

  /** Creates (or adopts) the Node, reports it Ready, creates its Lease, starts the heartbeats. */
  async start(): Promise<void> {
    const arch = process.arch === 'x64' ? 'amd64' : process.arch;
    try {
      const created = await this.core.createNode({
        body: {
          apiVersion: 'v1',
          kind: 'Node',
          metadata: {
            name: this.nodeName,
            labels: {
              'kubernetes.io/hostname': this.nodeName,
              'kubernetes.io/os': 'linux',
              'kubernetes.io/arch': arch,
              'gregor.dev/pod-runner': 'true',
            },
          },
          spec: {},
        },
      });
      this.uid = created.metadata?.uid;
      this.log(`node ${this.nodeName} registered (uid ${this.uid})`);
    } catch (e) {
      if (httpStatusOf(e) !== 409) throw e;
      const existing = await this.core.readNode({ name: this.nodeName });
      this.uid = existing.metadata?.uid;
      this.log(`node ${this.nodeName} exists (uid ${this.uid}); adopting it`);
    }
    this.readySince = new Date();
    await this.postStatus();
    await this.renewLease();
    this.timer = setInterval(() => void this.tick(), this.renewEveryMs);
    this.timer.unref?.();
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    this.ticks++;
    try {
      await this.renewLease();
    } catch (e) {
      this.log(`node lease renewal failed: ${String(e)}`);
    }
    // The status heartbeat every 4th tick (20 s): the lease alone suffices, this keeps `kubectl describe node`
    // honest and covers a controller that only looks at the Ready condition.
    if (this.ticks % 4 === 0) {
      try {
        await this.postStatus();
      } catch (e) {
        this.log(`node status heartbeat failed: ${String(e)}`);
      }
    }
  }

  private async postStatus(): Promise<void> {
    const now = new Date();
    const cond = (type: string, status: string, reason: string, message: string): V1NodeCondition => ({
      type,
      status,
      reason,
      message,
      lastHeartbeatTime: now,
      lastTransitionTime: this.readySince,
    });
    const resources = { cpu: '64', memory: '256Gi', pods: '250', 'ephemeral-storage': '1Ti' };
    await this.core.patchNodeStatus(
      {
        name: this.nodeName,
        body: {
          status: {
            capacity: resources,
            allocatable: resources,
            conditions: [
              cond('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'test pod runner'),
              cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'test pod runner'),
              cond('PIDPressure', 'False', 'KubeletHasSufficientPID', 'test pod runner'),
              cond('Ready', 'True', 'KubeletReady', 'gregor test pod runner is posting ready status'),
            ],
            addresses: [
              { type: 'InternalIP', address: '127.0.0.1' },
              { type: 'Hostname', address: this.nodeName },
            ],
            daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
            nodeInfo: {
              architecture: process.arch === 'x64' ? 'amd64' : process.arch,
              bootID: 'gregor-pod-runner',
              containerRuntimeVersion: 'gregor-pod-runner://local-processes',
              kernelVersion: '',
              kubeProxyVersion: '',
              kubeletVersion: 'v0.0.0-gregor-pod-runner',
              machineID: 'gregor-pod-runner',
              operatingSystem: 'linux',
              osImage: `node ${process.version}`,
              systemUUID: 'gregor-pod-runner',
            },
          },
        },
      },
      mergePatch,
    );
  }

  private async renewLease(): Promise<void> {
    const now = new V1MicroTime(Date.now());
    let lease: V1Lease | undefined;
    try {
      lease = await this.leases.readNamespacedLease({ namespace: NODE_LEASE_NAMESPACE, name: this.nodeName });
    } catch (e) {
      if (httpStatusOf(e) !== 404) throw e;
    }
    if (!lease) {
      await this.leases.createNamespacedLease({
        namespace: NODE_LEASE_NAMESPACE,
        body: {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: {
            name: this.nodeName,
            namespace: NODE_LEASE_NAMESPACE,
            ...(this.uid
              ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: this.nodeName, uid: this.uid }] }
              : {}),
          },
          spec: { holderIdentity: this.nodeName, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime: now },
        },
      });
      return;
    }
    await this.leases.replaceNamespacedLease({
      namespace: NODE_LEASE_NAMESPACE,
      name: this.nodeName,
      body: {
        ...lease,
        spec: { ...lease.spec, holderIdentity: this.nodeName, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime: now },
      },
    });
  }

  /** Stops the heartbeats. The Node stays (pods bound to it stay); it turns NotReady ~40 s later. */
  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }
}
