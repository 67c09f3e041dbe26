// Shared pieces of the controller tests: ZooKeeper sessions for broker registrations and controllers, and a
// NetworkClient stand-in that records what the controller sends (its output is what these tests check), and
// the per-file ZooKeeper ensemble with a fresh chroot per test and cleanups run after each.
import { afterAll, afterEach, beforeAll } from 'vitest';
import { type ZkEnsemble, startZooKeeper } from '../../test/helpers/zookeeper.js';
import { KafkaZkClient } from '../src/metadata/kafka-zk-client.js';
import type { ControllerNetwork } from '../src/controller/controller-channel.js';
import { KafkaController, type KafkaControllerConfig } from '../src/controller/kafka-controller.js';
import type { LeaderAndIsrRequest, LeaderAndIsrPartitionState } from '../src/protocol/messages/04_leader_and_isr.js';
import type { StopReplicaRequest } from '../src/protocol/messages/05_stop_replica.js';
import type { UpdateMetadataRequest } from '../src/protocol/messages/06_update_metadata.js';
import { waitFor } from '../../test/helpers/util.js';

export interface Sent {
  brokerId: number;
  apiKey: number;
  version: number;
  body: unknown;
}

/** Records controller requests and answers them as a healthy broker would (no errors). */
export class RecordingNetwork implements ControllerNetwork {
  readonly sent: Sent[] = [];
  /** Brokers that do not answer (requests reject as a NetworkError would). */
  readonly unreachable = new Set<number>();

  async send<Resp>(brokerId: number, apiKey: number, version: number, body: unknown): Promise<Resp> {
    if (this.unreachable.has(brokerId)) {
      const { NetworkError } = await import('../src/client/broker-connection.js');
      throw new NetworkError(`broker ${brokerId} unreachable`, '', brokerId);
    }
    this.sent.push({ brokerId, apiKey, version, body });
    if (apiKey === 5) {
      const req = body as StopReplicaRequest;
      const partitionErrors = req.topicStates.flatMap((t) =>
        t.partitionStates.map((p) => ({ topicName: t.topicName, partitionIndex: p.partitionIndex, errorCode: 0 })),
      );
      return { errorCode: 0, partitionErrors } as Resp;
    }
    if (apiKey === 4) return { errorCode: 0, partitionErrors: [], topics: [] } as Resp;
    return { errorCode: 0 } as Resp;
  }

  close(): void {}

  clear(): void {
    this.sent.length = 0;
  }

  leaderAndIsr(brokerId?: number): (LeaderAndIsrRequest & { brokerId: number })[] {
    return this.sent
      .filter((s) => s.apiKey === 4 && (brokerId === undefined || s.brokerId === brokerId))
      .map((s) => ({ ...(s.body as LeaderAndIsrRequest), brokerId: s.brokerId }));
  }

  /** Every LeaderAndIsr partition state sent to a broker for topic-partition, oldest first. */
  partitionStates(brokerId: number, topic: string, partition: number): LeaderAndIsrPartitionState[] {
    return this.leaderAndIsr(brokerId).flatMap((r) =>
      r.topicStates.filter((t) => t.topicName === topic).flatMap((t) => t.partitionStates.filter((p) => p.partitionIndex === partition)),
    );
  }

  updateMetadata(brokerId?: number): (UpdateMetadataRequest & { brokerId: number })[] {
    return this.sent
      .filter((s) => s.apiKey === 6 && (brokerId === undefined || s.brokerId === brokerId))
      .map((s) => ({ ...(s.body as UpdateMetadataRequest), brokerId: s.brokerId }));
  }

  stopReplica(brokerId?: number): (StopReplicaRequest & { brokerId: number })[] {
    return this.sent
      .filter((s) => s.apiKey === 5 && (brokerId === undefined || s.brokerId === brokerId))
      .map((s) => ({ ...(s.body as StopReplicaRequest), brokerId: s.brokerId }));
  }
}

export const SESSION_TIMEOUT_MS = 6000;

export function connectZk(connect: string): Promise<KafkaZkClient> {
  return KafkaZkClient.connect({ connect, sessionTimeoutMs: SESSION_TIMEOUT_MS, connectionTimeoutMs: 20_000 });
}

/** A broker registration in its own ZooKeeper session, as a broker process would hold it. */
export interface FakeBroker {
  id: number;
  epoch: number;
  zk: KafkaZkClient;
  close(): Promise<void>;
}

export async function registerBroker(connect: string, id: number, rack: string | null = null): Promise<FakeBroker> {
  const zk = await connectZk(connect);
  const epoch = await zk.registerBroker({
    id,
    rack,
    endpoints: [{ name: 'PLAINTEXT', host: '127.0.0.1', port: 19000 + id, securityProtocol: 'PLAINTEXT' }],
  });
  return { id, epoch, zk, close: () => zk.close() };
}

export const DEFAULT_CONFIG: KafkaControllerConfig = {
  uncleanLeaderElectionEnable: false,
  autoLeaderRebalanceEnable: false,
  leaderImbalanceCheckIntervalSeconds: 300,
  leaderImbalancePerBrokerPercentage: 10,
  retryBackoffMs: 20,
};

export interface TestController {
  controller: KafkaController;
  zk: KafkaZkClient;
  network: RecordingNetwork;
  stop(): Promise<void>;
}

export async function startController(
  connect: string,
  brokerId: number,
  config: Partial<KafkaControllerConfig> = {},
): Promise<TestController> {
  const zk = await connectZk(connect);
  const network = new RecordingNetwork();
  const controller = new KafkaController({
    zk,
    brokerId,
    network,
    interBrokerListenerName: 'PLAINTEXT',
    config: { ...DEFAULT_CONFIG, ...config },
  });
  await controller.startup();
  return {
    controller,
    zk,
    network,
    stop: async () => {
      await controller.shutdown();
      await zk.close();
    },
  };
}

/** Raw JSON of a partition's state znode, as Kafka's tools would print it. */
export async function stateJson(zk: KafkaZkClient, topic: string, partition: number): Promise<Record<string, unknown> | null> {
  const r = await zk.getData(`/brokers/topics/${topic}/partitions/${partition}/state`);
  return r?.data ? (JSON.parse(r.data.toString('utf8')) as Record<string, unknown>) : null;
}

export async function waitForState(
  zk: KafkaZkClient,
  topic: string,
  partition: number,
  pred: (s: { leader: number; leader_epoch: number; isr: number[]; controller_epoch: number }) => boolean,
  what: string,
): Promise<{ leader: number; leader_epoch: number; isr: number[]; controller_epoch: number }> {
  return waitFor(
    async () => {
      const s = (await stateJson(zk, topic, partition)) as { leader: number; leader_epoch: number; isr: number[]; controller_epoch: number } | null;
      return s && pred(s) ? s : null;
    },
    { timeoutMs: 20_000, intervalMs: 50, what },
  );
}

/** The ZooKeeper of one test file: see useZooKeeper. */
export interface ZkTestEnv {
  /** A fresh chroot in the file's ensemble, `<ensemble>/<chrootPrefix>-<pid>-<n>`. */
  connectString(): string;
  /** Runs `cleanup` after the current test, the last registered first; its errors are ignored. */
  defer(cleanup: () => Promise<void>): void;
}

/**
 * Starts a ZooKeeper ensemble named `name` for the calling test file (beforeAll/afterAll) and runs the
 * deferred cleanups after each test. Call at the top level of the file.
 */
export function useZooKeeper(name: string, chrootPrefix: string): ZkTestEnv {
  let ensemble: ZkEnsemble;
  let chrootSeq = 0;
  const cleanups: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    ensemble = await startZooKeeper({ name });
  });
  afterAll(async () => {
    await ensemble?.stop();
  });
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  });
  return {
    connectString() {
      chrootSeq += 1;
      return `${ensemble.connectString}/${chrootPrefix}-${process.pid}-${chrootSeq}`;
    },
    defer(cleanup) {
      cleanups.push(cleanup);
    },
  };
}

export interface TestCluster {
  connect: string;
  brokers: Map<number, FakeBroker>;
  c: TestController;
}

/** Registers brokers `ids` in a fresh chroot and starts a controller as the first of them; stopped after the test. */
export async function startCluster(env: ZkTestEnv, ids: number[], config: Partial<KafkaControllerConfig> = {}): Promise<TestCluster> {
  const connect = env.connectString();
  const brokers = new Map<number, FakeBroker>();
  for (const id of ids) brokers.set(id, await registerBroker(connect, id));
  const c = await startController(connect, ids[0]!, config);
  env.defer(async () => {
    await c.stop();
    for (const b of brokers.values()) await b.close();
  });
  return { connect, brokers, c };
}

export { waitFor };
