/**
 * Kafka's ControllerBrokerRequestBatch: one state change collects LeaderAndIsr, UpdateMetadata and
 * StopReplica work per broker, and `send` turns it into at most one request of each kind per broker, in
 * Kafka's order (LeaderAndIsr, UpdateMetadata, StopReplica). Adding a LeaderAndIsr for a partition also adds
 * that partition to the UpdateMetadata of every live broker, which is how ISR and leader changes reach
 * brokers that host no replica.
 */
import type {
  LeaderAndIsrPartitionState,
  LeaderAndIsrRequest,
  LeaderAndIsrTopicState,
} from '../protocol/messages/04_leader_and_isr.js';
import type { StopReplicaRequest, StopReplicaResponse } from '../protocol/messages/05_stop_replica.js';
import type {
  UpdateMetadataBroker,
  UpdateMetadataPartitionState,
  UpdateMetadataRequest,
  UpdateMetadataTopicState,
} from '../protocol/messages/06_update_metadata.js';
import {
  API_LEADER_AND_ISR,
  API_STOP_REPLICA,
  API_UPDATE_METADATA,
  LEADER_AND_ISR_VERSION,
  STOP_REPLICA_VERSION,
  UPDATE_METADATA_VERSION,
  type ControllerChannel,
} from './controller-channel.js';
import { LEADER_DURING_DELETE, tpKey, type ControllerContext, type TopicPartition } from './controller-context.js';

/**
 * AbstractControlRequest.Type. Kafka's ZooKeeper controller leaves it UNKNOWN (0); INCREMENTAL and FULL are only
 * set by the KRaft migration driver, and a broker may treat FULL as "drop every partition not listed".
 */
export const REQUEST_TYPE_UNKNOWN = 0;
export const REQUEST_TYPE_INCREMENTAL = 1;
export const REQUEST_TYPE_FULL = 2;

const SECURITY_PROTOCOL_IDS: Record<string, number> = { PLAINTEXT: 0, SSL: 1, SASL_PLAINTEXT: 2, SASL_SSL: 3 };
const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

export type StopReplicaCallback = (brokerId: number, resp: StopReplicaResponse, req: StopReplicaRequest) => void;

interface StopEntry {
  tp: TopicPartition;
  deletePartition: boolean;
  leaderEpoch: number;
}

export class RequestBatch {
  private readonly leaderAndIsr = new Map<number, Map<string, { tp: TopicPartition; state: LeaderAndIsrPartitionState }>>();
  private readonly stopReplica = new Map<number, Map<string, StopEntry>>();
  private readonly updateMetadataBrokers = new Set<number>();
  private readonly updateMetadataPartitions = new Map<string, TopicPartition>();
  private readonly leaderAndIsrType = REQUEST_TYPE_UNKNOWN;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly controllerId: number,
    private readonly interBrokerListenerName: string,
  ) {}

  isEmpty(): boolean {
    return this.leaderAndIsr.size === 0 && this.stopReplica.size === 0 && this.updateMetadataBrokers.size === 0;
  }

  addLeaderAndIsr(brokerIds: Iterable<number>, tp: TopicPartition, isNew: boolean): void {
    const l = this.ctx.leaderIsr(tp);
    const a = this.ctx.assignment(tp);
    if (!l || !a) return;
    for (const b of brokerIds) {
      if (b < 0) continue;
      let m = this.leaderAndIsr.get(b);
      if (!m) {
        m = new Map();
        this.leaderAndIsr.set(b, m);
      }
      const prev = m.get(tpKey(tp));
      m.set(tpKey(tp), {
        tp,
        state: {
          topicName: tp.topic,
          partitionIndex: tp.partition,
          controllerEpoch: l.controllerEpoch,
          leader: l.leader,
          leaderEpoch: l.leaderEpoch,
          isr: [...l.isr],
          partitionEpoch: l.zkVersion,
          replicas: [...a.replicas],
          addingReplicas: [...a.addingReplicas],
          removingReplicas: [...a.removingReplicas],
          // A replica created by this batch stays "new" even if a later step of the batch re-adds it.
          isNew: isNew || (prev?.state.isNew ?? false),
          leaderRecoveryState: l.leaderRecoveryState,
        },
      });
    }
    this.addUpdateMetadata(this.ctx.liveOrShuttingDownBrokerIds(), [tp]);
  }

  addStopReplica(brokerIds: Iterable<number>, tp: TopicPartition, deletePartition: boolean, leaderEpoch?: number): void {
    const epoch = leaderEpoch ?? this.ctx.leaderIsr(tp)?.leaderEpoch ?? -1;
    for (const b of brokerIds) {
      if (b < 0) continue;
      let m = this.stopReplica.get(b);
      if (!m) {
        m = new Map();
        this.stopReplica.set(b, m);
      }
      const prev = m.get(tpKey(tp));
      // A deletion is never downgraded to a plain stop by a later step of the same batch.
      m.set(tpKey(tp), { tp, deletePartition: deletePartition || (prev?.deletePartition ?? false), leaderEpoch: epoch });
    }
  }

  /** Partitions to carry in the UpdateMetadata of these brokers (empty: live brokers only). */
  addUpdateMetadata(brokerIds: Iterable<number>, partitions: Iterable<TopicPartition>): void {
    for (const b of brokerIds) this.updateMetadataBrokers.add(b);
    for (const tp of partitions) this.updateMetadataPartitions.set(tpKey(tp), tp);
  }

  /**
   * Hands the requests to the channel and empties the batch. `onStopReplica` receives the StopReplica
   * responses (topic deletion waits for them).
   */
  send(channel: ControllerChannel, onStopReplica?: StopReplicaCallback): void {
    const epoch = this.ctx.epoch;
    for (const [brokerId, m] of this.leaderAndIsr) {
      const brokerEpoch = this.ctx.brokerEpoch(brokerId);
      if (brokerEpoch === undefined) continue;
      const topics = new Map<string, LeaderAndIsrTopicState>();
      const leaderIds = new Set<number>();
      for (const { tp, state } of m.values()) {
        let t = topics.get(tp.topic);
        if (!t) {
          t = { topicName: tp.topic, topicId: this.ctx.topicIds.get(tp.topic) ?? ZERO_UUID, partitionStates: [] };
          topics.set(tp.topic, t);
        }
        t.partitionStates.push(state);
        leaderIds.add(state.leader);
      }
      const liveLeaders = this.ctx
        .liveOrShuttingDownBrokers()
        .filter((b) => leaderIds.has(b.id))
        .map((b) => {
          const ep = this.endpoint(b.id);
          return { brokerId: b.id, hostName: ep?.host ?? '', port: ep?.port ?? -1 };
        });
      const req: LeaderAndIsrRequest = {
        controllerId: this.controllerId,
        isKRaftController: false,
        controllerEpoch: epoch,
        brokerEpoch,
        type: this.leaderAndIsrType,
        ungroupedPartitionStates: [],
        topicStates: [...topics.values()],
        liveLeaders,
      };
      channel.send(brokerId, API_LEADER_AND_ISR, LEADER_AND_ISR_VERSION, req);
    }

    if (this.updateMetadataBrokers.size > 0) {
      const topicStates = this.updateMetadataTopicStates();
      const liveBrokers = this.liveBrokersForUpdateMetadata();
      for (const brokerId of this.updateMetadataBrokers) {
        const brokerEpoch = this.ctx.brokerEpoch(brokerId);
        if (brokerEpoch === undefined) continue;
        const req: UpdateMetadataRequest = {
          controllerId: this.controllerId,
          isKRaftController: false,
          type: 0,
          controllerEpoch: epoch,
          brokerEpoch,
          ungroupedPartitionStates: [],
          topicStates,
          liveBrokers,
        };
        channel.send(brokerId, API_UPDATE_METADATA, UPDATE_METADATA_VERSION, req);
      }
    }

    for (const [brokerId, m] of this.stopReplica) {
      const brokerEpoch = this.ctx.brokerEpoch(brokerId);
      if (brokerEpoch === undefined) continue;
      const topics = new Map<string, StopReplicaRequest['topicStates'][number]>();
      for (const e of m.values()) {
        let t = topics.get(e.tp.topic);
        if (!t) {
          t = { topicName: e.tp.topic, partitionStates: [] };
          topics.set(e.tp.topic, t);
        }
        t.partitionStates.push({ partitionIndex: e.tp.partition, leaderEpoch: e.leaderEpoch, deletePartition: e.deletePartition });
      }
      const req: StopReplicaRequest = {
        controllerId: this.controllerId,
        isKRaftController: false,
        controllerEpoch: epoch,
        brokerEpoch,
        deletePartitions: false,
        ungroupedPartitions: [],
        topics: [],
        topicStates: [...topics.values()],
      };
      const cb = onStopReplica;
      channel.send(brokerId, API_STOP_REPLICA, STOP_REPLICA_VERSION, req, cb ? (resp) => cb(brokerId, resp as StopReplicaResponse, req) : undefined);
    }

    this.leaderAndIsr.clear();
    this.stopReplica.clear();
    this.updateMetadataBrokers.clear();
    this.updateMetadataPartitions.clear();
  }

  private endpoint(brokerId: number): { host: string; port: number } | undefined {
    const b = this.ctx.broker(brokerId);
    const ep = b?.endpoints.find((e) => e.name === this.interBrokerListenerName) ?? b?.endpoints[0];
    return ep ? { host: ep.host, port: ep.port } : undefined;
  }

  private liveBrokersForUpdateMetadata(): UpdateMetadataBroker[] {
    return this.ctx.liveOrShuttingDownBrokers().map((b) => {
      const ep = this.endpoint(b.id);
      return {
        id: b.id,
        v0Host: ep?.host ?? '',
        v0Port: ep?.port ?? -1,
        endpoints: b.endpoints.map((e) => ({
          port: e.port,
          host: e.host,
          listener: e.name,
          securityProtocol: SECURITY_PROTOCOL_IDS[e.securityProtocol] ?? 0,
        })),
        rack: b.rack,
      };
    });
  }

  private updateMetadataTopicStates(): UpdateMetadataTopicState[] {
    const topics = new Map<string, UpdateMetadataTopicState>();
    for (const tp of this.updateMetadataPartitions.values()) {
      const l = this.ctx.leaderIsr(tp);
      const a = this.ctx.assignment(tp);
      if (!l || !a) continue;
      const deleting = this.ctx.isTopicQueuedForDeletion(tp.topic);
      const state: UpdateMetadataPartitionState = {
        topicName: tp.topic,
        partitionIndex: tp.partition,
        controllerEpoch: l.controllerEpoch,
        leader: deleting ? LEADER_DURING_DELETE : l.leader,
        leaderEpoch: l.leaderEpoch,
        isr: [...l.isr],
        zkVersion: l.zkVersion,
        replicas: [...a.replicas],
        offlineReplicas: a.replicas.filter((r) => !this.ctx.isReplicaOnline(r)),
      };
      let t = topics.get(tp.topic);
      if (!t) {
        t = { topicName: tp.topic, topicId: this.ctx.topicIds.get(tp.topic) ?? ZERO_UUID, partitionStates: [] };
        topics.set(tp.topic, t);
      }
      t.partitionStates.push(state);
    }
    for (const t of topics.values()) t.partitionStates.sort((a, b) => a.partitionIndex - b.partitionIndex);
    return [...topics.values()];
  }
}
