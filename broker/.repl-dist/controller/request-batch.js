import { API_LEADER_AND_ISR, API_STOP_REPLICA, API_UPDATE_METADATA, LEADER_AND_ISR_VERSION, STOP_REPLICA_VERSION, UPDATE_METADATA_VERSION, } from './controller-channel.js';
import { LEADER_DURING_DELETE, tpKey } from './controller-context.js';
/**
 * AbstractControlRequest.Type. Kafka's ZooKeeper controller leaves it UNKNOWN (0); INCREMENTAL and FULL are only
 * set by the KRaft migration driver, and a broker may treat FULL as "drop every partition not listed".
 */
export const REQUEST_TYPE_UNKNOWN = 0;
export const REQUEST_TYPE_INCREMENTAL = 1;
export const REQUEST_TYPE_FULL = 2;
const SECURITY_PROTOCOL_IDS = { PLAINTEXT: 0, SSL: 1, SASL_PLAINTEXT: 2, SASL_SSL: 3 };
const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';
export class RequestBatch {
    ctx;
    controllerId;
    interBrokerListenerName;
    leaderAndIsr = new Map();
    stopReplica = new Map();
    updateMetadataBrokers = new Set();
    updateMetadataPartitions = new Map();
    leaderAndIsrType = REQUEST_TYPE_UNKNOWN;
    constructor(ctx, controllerId, interBrokerListenerName) {
        this.ctx = ctx;
        this.controllerId = controllerId;
        this.interBrokerListenerName = interBrokerListenerName;
    }
    isEmpty() {
        return this.leaderAndIsr.size === 0 && this.stopReplica.size === 0 && this.updateMetadataBrokers.size === 0;
    }
    addLeaderAndIsr(brokerIds, tp, isNew) {
        const l = this.ctx.leaderIsr(tp);
        const a = this.ctx.assignment(tp);
        if (!l || !a)
            return;
        for (const b of brokerIds) {
            if (b < 0)
                continue;
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
    addStopReplica(brokerIds, tp, deletePartition, leaderEpoch) {
        const epoch = leaderEpoch ?? this.ctx.leaderIsr(tp)?.leaderEpoch ?? -1;
        for (const b of brokerIds) {
            if (b < 0)
                continue;
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
    addUpdateMetadata(brokerIds, partitions) {
        for (const b of brokerIds)
            this.updateMetadataBrokers.add(b);
        for (const tp of partitions)
            this.updateMetadataPartitions.set(tpKey(tp), tp);
    }
    /**
     * Hands the requests to the channel and empties the batch. `onStopReplica` receives the StopReplica
     * responses (topic deletion waits for them).
     */
    send(channel, onStopReplica) {
        const epoch = this.ctx.epoch;
        for (const [brokerId, m] of this.leaderAndIsr) {
            const brokerEpoch = this.ctx.brokerEpoch(brokerId);
            if (brokerEpoch === undefined)
                continue;
            const topics = new Map();
            const leaderIds = new Set();
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
            const req = {
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
                if (brokerEpoch === undefined)
                    continue;
                const req = {
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
            if (brokerEpoch === undefined)
                continue;
            const topics = new Map();
            for (const e of m.values()) {
                let t = topics.get(e.tp.topic);
                if (!t) {
                    t = { topicName: e.tp.topic, partitionStates: [] };
                    topics.set(e.tp.topic, t);
                }
                t.partitionStates.push({ partitionIndex: e.tp.partition, leaderEpoch: e.leaderEpoch, deletePartition: e.deletePartition });
            }
            const req = {
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
            channel.send(brokerId, API_STOP_REPLICA, STOP_REPLICA_VERSION, req, cb ? (resp) => cb(brokerId, resp, req) : undefined);
        }
        this.leaderAndIsr.clear();
        this.stopReplica.clear();
        this.updateMetadataBrokers.clear();
        this.updateMetadataPartitions.clear();
    }
    endpoint(brokerId) {
        const b = this.ctx.broker(brokerId);
        const ep = b?.endpoints.find((e) => e.name === this.interBrokerListenerName) ?? b?.endpoints[0];
        return ep ? { host: ep.host, port: ep.port } : undefined;
    }
    liveBrokersForUpdateMetadata() {
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
    updateMetadataTopicStates() {
        const topics = new Map();
        for (const tp of this.updateMetadataPartitions.values()) {
            const l = this.ctx.leaderIsr(tp);
            const a = this.ctx.assignment(tp);
            if (!l || !a)
                continue;
            const deleting = this.ctx.isTopicQueuedForDeletion(tp.topic);
            const state = {
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
        for (const t of topics.values())
            t.partitionStates.sort((a, b) => a.partitionIndex - b.partitionIndex);
        return [...topics.values()];
    }
}
//# sourceMappingURL=request-batch.js.map