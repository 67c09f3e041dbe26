// Shared pieces of the replication cluster tests: ZooKeeper-mode ReplicaManagers in one process, each behind
// a real Gregor listener on its own temp log dir, driven by hand-made LeaderAndIsr requests (the test plays
// the controller; its AlterPartition answers come from an in-process fake).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { configFromProperties, type BrokerConfig } from '../src/config.js';
import { childLogger } from '../src/log.js';
import { NetworkClient } from '../src/client/network-client.js';
import type { BrokerServices } from '../src/handlers/context.js';
import type { MetadataEvent, MetadataStore, TopicRecord } from '../src/metadata/store.js';
import { ErrorCode } from '../src/protocol/errors.js';
import type { LeaderAndIsrRequest } from '../src/protocol/messages/04_leader_and_isr.js';
import type { AlterPartitionRequest, AlterPartitionResponse } from '../src/protocol/messages/56_alter_partition.js';
import { initCompression } from '../src/records/compression.js';
import { ReplicaManager } from '../src/replication/replica-manager.js';
import type { InterBrokerClient } from '../src/replication/replica-fetcher.js';
import { Dispatcher } from '../src/server/dispatcher.js';
import { KafkaListener } from '../src/server/listener.js';
import { LogManager } from '../src/storage/log-manager.js';

export const CONTROLLER_ID = 99;
export const CONTROLLER_EPOCH = 1;

export type Endpoint = { host: string; port: number };

export interface PartitionState {
  leader: number;
  leaderEpoch: number;
  isr: number[];
  partitionEpoch: number;
}

/** What the test's "controller" knows: partition state per key, and every AlterPartition it got. */
export class FakeController {
  readonly state = new Map<string, PartitionState>();
  readonly alterRequests: AlterPartitionRequest[] = [];
  /** When set, AlterPartition answers this per-partition error. */
  rejectWith: number | null = null;

  constructor(readonly topic: string) {}

  client(): InterBrokerClient {
    return {
      send: async <Resp,>(_brokerId: number, apiKey: number, version: number, body: unknown): Promise<Resp> => {
        expect(apiKey).toBe(56);
        const req = body as AlterPartitionRequest;
        this.alterRequests.push(req);
        const resp: AlterPartitionResponse = {
          throttleTimeMs: 0,
          errorCode: 0,
          topics: req.topics.map((t) => ({
            topicName: t.topicName,
            topicId: t.topicId,
            partitions: t.partitions.map((p) => {
              const cur = this.state.get(`${this.topic}-${p.partitionIndex}`)!;
              const newIsr = version >= 3 ? p.newIsrWithEpochs.map((b) => b.brokerId) : p.newIsr;
              let errorCode = 0;
              if (this.rejectWith !== null) errorCode = this.rejectWith;
              else if (p.partitionEpoch !== cur.partitionEpoch) errorCode = ErrorCode.INVALID_UPDATE_VERSION;
              else if (p.leaderEpoch !== cur.leaderEpoch) errorCode = ErrorCode.FENCED_LEADER_EPOCH;
              else {
                cur.isr = newIsr.slice();
                cur.partitionEpoch++;
              }
              return { partitionIndex: p.partitionIndex, errorCode, leaderId: cur.leader, leaderEpoch: cur.leaderEpoch, isr: cur.isr, leaderRecoveryState: 0, partitionEpoch: cur.partitionEpoch };
            }),
          })),
        };
        return resp as Resp;
      },
      close: () => {},
    };
  }
}

export interface Node {
  id: number;
  config: BrokerConfig;
  replicas: ReplicaManager;
  logs: LogManager;
  listener: KafkaListener;
  dir: string;
  events: [string, number, boolean, number][];
  /** Sets the topic's config overrides and raises topicConfigChanged, as ZkMetadataStore does. */
  setTopicConfigs(configs: Record<string, string>): void;
  close(): Promise<void>;
}

export interface ReplicationClusterOptions {
  topic: string;
  topicId: string;
  /** The partitions of the topic in the fake metadata store, all with replicas [1, 2] and leader 1. */
  partitions: number[];
  /** Their ISR in the fake metadata store. */
  isr: number[];
  /** Prefix of each node's temp log dir (the broker id and a dash follow). */
  dirPrefix: string;
  clusterId: string;
  /** Broker properties over the shared ones (broker.id, log.dirs, listeners, metrics off). */
  properties: Record<string, string>;
}

/** A topic's metadata as the store would hold it, with a setter for its configs (raises topicConfigChanged). */
export function fakeMetadata(opts: Pick<ReplicationClusterOptions, 'topic' | 'topicId' | 'partitions' | 'isr'>): {
  store: MetadataStore;
  setConfigs: (c: Record<string, string>) => void;
} {
  const topic: TopicRecord = {
    name: opts.topic,
    topicId: opts.topicId,
    partitions: opts.partitions.map((p) => ({ partition: p, replicas: [1, 2], leader: 1, leaderEpoch: 0, isr: opts.isr.slice(), partitionEpoch: 0 })),
    configs: {},
    internal: false,
  };
  const listeners: ((e: MetadataEvent) => void)[] = [];
  const store = {
    topic: (name: string) => (name === opts.topic ? topic : undefined),
    topicById: (id: string) => (id === opts.topicId ? topic : undefined),
    topics: () => [topic],
    on: (l: (e: MetadataEvent) => void) => listeners.push(l),
  } as unknown as MetadataStore;
  const setConfigs = (c: Record<string, string>): void => {
    topic.configs = { ...c };
    for (const l of listeners) l({ type: 'topicConfigChanged', topic: opts.topic });
  };
  return { store, setConfigs };
}

/** The nodes, endpoints, clients and fake controller of one test; `close()` after each test. */
export class ReplicationCluster {
  readonly endpoints = new Map<number, Endpoint>();
  readonly nodes: Node[] = [];
  readonly clients: NetworkClient[] = [];
  controller: FakeController;

  constructor(readonly opts: ReplicationClusterOptions) {
    this.controller = new FakeController(opts.topic);
  }

  /** A fresh fake controller (no partition state, no recorded requests). */
  newController(): FakeController {
    this.controller = new FakeController(this.opts.topic);
    return this.controller;
  }

  async startNode(id: number): Promise<Node> {
    await initCompression();
    const dir = mkdtempSync(join(tmpdir(), `${this.opts.dirPrefix}-${id}-`));
    const config = configFromProperties({
      'broker.id': String(id),
      'log.dirs': dir,
      listeners: 'PLAINTEXT://127.0.0.1:0',
      ...this.opts.properties,
      'gregor.metrics.port': '-1',
    });
    const { store: metadata, setConfigs } = fakeMetadata(this.opts);
    const logs = new LogManager([dir], { brokerId: id, clusterId: this.opts.clusterId, defaultConfig: config.defaultLogConfig(), retentionCheckIntervalMs: 0 });
    await logs.startup();
    const replicas = new ReplicaManager({
      config,
      metadata,
      logs,
      registerMetrics: false,
      cluster: {
        metadataCache: { controllerId: () => CONTROLLER_ID, brokerEndpoint: (bid) => this.endpoints.get(bid) },
        brokerEpoch: () => 100 + id,
        clientFactory: (clientId, resolve) => (clientId.includes('alter-partition') ? this.controller.client() : new NetworkClient(clientId, resolve)),
      },
    });
    replicas.startup();
    const events: Node['events'] = [];
    replicas.onLeadershipChange((t, p, isLeader, epoch) => events.push([t, p, isLeader, epoch]));
    const services = { config, metadata, logs, replicas, now: () => Date.now() } as unknown as BrokerServices;
    const listener = new KafkaListener({ name: 'PLAINTEXT', host: '127.0.0.1', port: 0 }, new Dispatcher(services, childLogger('network')), 100 << 20, childLogger('network'));
    const port = await listener.listen();
    this.endpoints.set(id, { host: '127.0.0.1', port });
    const node: Node = {
      id,
      config,
      replicas,
      logs,
      listener,
      dir,
      events,
      setTopicConfigs: setConfigs,
      close: async () => {
        await listener.close();
        await replicas.shutdown();
        await logs.shutdown();
        rmSync(dir, { recursive: true, force: true });
      },
    };
    this.nodes.push(node);
    return node;
  }

  /** A client resolving the nodes' endpoints, closed with the cluster. */
  client(): NetworkClient {
    const c = new NetworkClient('test-client', (id) => this.endpoints.get(id));
    this.clients.push(c);
    return c;
  }

  /**
   * The controller's side of a leadership change: record `state` for each of `partitions` (replicas [1, 2])
   * and send LeaderAndIsr with it to the given replicas, which must accept every partition.
   */
  leaderAndIsr(targets: Node[], partitions: number[], state: PartitionState): void {
    const { leader, leaderEpoch, isr, partitionEpoch } = state;
    for (const p of partitions) this.controller.state.set(`${this.opts.topic}-${p}`, { leader, leaderEpoch, isr: isr.slice(), partitionEpoch });
    for (const n of targets) {
      const req: LeaderAndIsrRequest = {
        controllerId: CONTROLLER_ID,
        isKRaftController: false,
        controllerEpoch: CONTROLLER_EPOCH,
        brokerEpoch: 100 + n.id,
        type: 0,
        ungroupedPartitionStates: [],
        topicStates: [
          {
            topicName: this.opts.topic,
            topicId: this.opts.topicId,
            partitionStates: partitions.map((p) => ({
              topicName: this.opts.topic, partitionIndex: p, controllerEpoch: CONTROLLER_EPOCH, leader, leaderEpoch, isr, partitionEpoch, replicas: [1, 2],
              addingReplicas: [], removingReplicas: [], isNew: false, leaderRecoveryState: 0,
            })),
          },
        ],
        liveLeaders: [{ brokerId: leader, hostName: '127.0.0.1', port: this.endpoints.get(leader)!.port }],
      };
      const resp = n.replicas.becomeLeaderOrFollower(req, 7);
      expect(resp.errorCode).toBe(0);
      expect(resp.topics[0]!.partitionErrors).toHaveLength(partitions.length);
      for (const e of resp.topics[0]!.partitionErrors) expect(e.errorCode).toBe(0);
    }
  }

  /** Closes the clients and nodes of the test (for afterEach). */
  async close(): Promise<void> {
    for (const c of this.clients.splice(0)) c.close();
    for (const n of this.nodes.splice(0)) await n.close();
    this.endpoints.clear();
  }
}

/** Polls `cond` every `intervalMs` until it holds; throws after `timeoutMs`. */
export async function until(cond: () => boolean, what: string, timeoutMs = 10_000, intervalMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
