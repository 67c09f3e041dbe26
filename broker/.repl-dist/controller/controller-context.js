export function tpKey(tp) {
    return `${tp.topic}-${tp.partition}`;
}
export const NO_LEADER = -1;
/** UpdateMetadata marks the partitions of a topic being deleted with this leader (LeaderAndIsr.LeaderDuringDelete). */
export const LEADER_DURING_DELETE = -2;
/** StopReplica's leader epoch for a deletion (LeaderAndIsr.EpochDuringDelete). */
export const EPOCH_DURING_DELETE = -2;
/**
 * Kafka's ReplicaAssignment. While a reassignment runs, replicas (RS) = target (TRS) + origin (ORS) without
 * duplicates, addingReplicas = TRS - ORS, removingReplicas = ORS - TRS.
 */
export class ReplicaAssignment {
    replicas;
    addingReplicas;
    removingReplicas;
    constructor(replicas, addingReplicas = [], removingReplicas = []) {
        this.replicas = replicas;
        this.addingReplicas = addingReplicas;
        this.removingReplicas = removingReplicas;
    }
    static fromOldAndNew(oldReplicas, newReplicas) {
        const full = [...new Set([...newReplicas, ...oldReplicas])];
        return new ReplicaAssignment(full, full.filter((r) => !oldReplicas.includes(r)), full.filter((r) => !newReplicas.includes(r)));
    }
    get originReplicas() {
        return this.replicas.filter((r) => !this.addingReplicas.includes(r));
    }
    get targetReplicas() {
        return this.replicas.filter((r) => !this.removingReplicas.includes(r));
    }
    get isBeingReassigned() {
        return this.addingReplicas.length > 0 || this.removingReplicas.length > 0;
    }
    reassignTo(target) {
        return ReplicaAssignment.fromOldAndNew(this.originReplicas, target);
    }
    equals(o) {
        return (sameList(this.replicas, o.replicas) &&
            sameList(this.addingReplicas, o.addingReplicas) &&
            sameList(this.removingReplicas, o.removingReplicas));
    }
}
export function sameList(a, b) {
    return a.length === b.length && a.every((x, i) => x === b[i]);
}
export function sameSet(a, b) {
    if (a.length !== b.length)
        return false;
    const s = new Set(a);
    return b.every((x) => s.has(x));
}
export class ControllerContext {
    epoch = 0;
    epochZkVersion = 0;
    liveOrShuttingDown = new Map();
    shuttingDownBrokerIds = new Set();
    topicIds = new Map();
    assignments = new Map();
    /** zkVersion of each topic's assignment znode, for conditional assignment writes. */
    assignmentZkVersions = new Map();
    leadership = new Map();
    partitionsBeingReassigned = new Set();
    topicsToBeDeleted = new Set();
    /** Topics whose deletion waits (replicas offline, reassignment running, StopReplica failed). */
    topicsIneligibleForDeletion = new Set();
    reset() {
        this.epoch = 0;
        this.epochZkVersion = 0;
        this.liveOrShuttingDown = new Map();
        this.shuttingDownBrokerIds.clear();
        this.topicIds.clear();
        this.assignments.clear();
        this.assignmentZkVersions.clear();
        this.leadership.clear();
        this.partitionsBeingReassigned.clear();
        this.topicsToBeDeleted.clear();
        this.topicsIneligibleForDeletion.clear();
    }
    setLiveBrokers(brokers) {
        this.liveOrShuttingDown = new Map(brokers.map((b) => [b.id, b]));
    }
    addLiveBroker(b) {
        this.liveOrShuttingDown.set(b.id, b);
    }
    removeLiveBroker(id) {
        this.liveOrShuttingDown.delete(id);
        this.shuttingDownBrokerIds.delete(id);
    }
    /** Live and not shutting down: eligible for leadership and ISR membership. */
    liveBrokerIds() {
        return [...this.liveOrShuttingDown.keys()].filter((id) => !this.shuttingDownBrokerIds.has(id)).sort((a, b) => a - b);
    }
    liveOrShuttingDownBrokerIds() {
        return [...this.liveOrShuttingDown.keys()].sort((a, b) => a - b);
    }
    liveOrShuttingDownBrokers() {
        return [...this.liveOrShuttingDown.values()].sort((a, b) => a.id - b.id);
    }
    broker(id) {
        return this.liveOrShuttingDown.get(id);
    }
    brokerEpoch(id) {
        return this.liveOrShuttingDown.get(id)?.epoch;
    }
    isReplicaOnline(brokerId, includeShuttingDown = false) {
        if (!this.liveOrShuttingDown.has(brokerId))
            return false;
        return includeShuttingDown || !this.shuttingDownBrokerIds.has(brokerId);
    }
    allTopics() {
        return [...this.assignments.keys()];
    }
    allPartitions() {
        const out = [];
        for (const [topic, parts] of this.assignments) {
            for (const partition of [...parts.keys()].sort((a, b) => a - b))
                out.push({ topic, partition });
        }
        return out;
    }
    partitionsForTopic(topic) {
        const parts = this.assignments.get(topic);
        if (!parts)
            return [];
        return [...parts.keys()].sort((a, b) => a - b).map((partition) => ({ topic, partition }));
    }
    assignment(tp) {
        return this.assignments.get(tp.topic)?.get(tp.partition);
    }
    replicas(tp) {
        return this.assignment(tp)?.replicas ?? [];
    }
    setAssignment(tp, a) {
        let parts = this.assignments.get(tp.topic);
        if (!parts) {
            parts = new Map();
            this.assignments.set(tp.topic, parts);
        }
        parts.set(tp.partition, a);
    }
    leaderIsr(tp) {
        return this.leadership.get(tpKey(tp));
    }
    setLeaderIsr(tp, l) {
        this.leadership.set(tpKey(tp), l);
    }
    partitionsOnBroker(brokerId) {
        return this.allPartitions().filter((tp) => this.replicas(tp).includes(brokerId));
    }
    partitionsLedBy(brokerId) {
        return this.allPartitions().filter((tp) => this.leaderIsr(tp)?.leader === brokerId);
    }
    isTopicQueuedForDeletion(topic) {
        return this.topicsToBeDeleted.has(topic);
    }
    removeTopic(topic) {
        for (const tp of this.partitionsForTopic(topic)) {
            this.leadership.delete(tpKey(tp));
            this.partitionsBeingReassigned.delete(tpKey(tp));
        }
        this.assignments.delete(topic);
        this.assignmentZkVersions.delete(topic);
        this.topicIds.delete(topic);
        this.topicsToBeDeleted.delete(topic);
        this.topicsIneligibleForDeletion.delete(topic);
    }
}
//# sourceMappingURL=controller-context.js.map