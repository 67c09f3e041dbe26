import { computeHighWatermark, newReplicaState } from './isr.js';
export function partitionKey(topic, partition) {
    return `${topic}-${partition}`;
}
export class Partition {
    topic;
    index;
    topicId;
    log;
    localBrokerId;
    /** -1: no leader known (stopped); else the leading broker (maybe this one). */
    leaderId;
    leaderEpoch;
    /** The controller's version of the partition's state (ZK zkVersion), echoed in AlterPartition. */
    partitionEpoch = 0;
    /** Committed ISR as last told by the controller (leader: or by an AlterPartition response). */
    isr;
    replicas;
    addingReplicas = [];
    removingReplicas = [];
    /** Controller epoch of the last LeaderAndIsr applied. */
    controllerEpoch = -1;
    /** Leader only: the offset its current epoch starts at (a follower below it cannot join the ISR). */
    leaderEpochStartOffset = 0;
    /** Leader only: one entry per other assigned replica. */
    followers = new Map();
    pendingIsr = null;
    constructor(topic, index, topicId, log, localBrokerId, init) {
        this.topic = topic;
        this.index = index;
        this.topicId = topicId;
        this.log = log;
        this.localBrokerId = localBrokerId;
        this.leaderId = init.leaderId;
        this.leaderEpoch = init.leaderEpoch;
        this.isr = init.isr;
        this.replicas = init.replicas;
    }
    get key() {
        return partitionKey(this.topic, this.index);
    }
    get isLeader() {
        return this.leaderId === this.localBrokerId;
    }
    /**
     * The ISR the HW must respect: during a pending expansion the joining replica already counts (it might
     * be committed any moment, and an HW it has not reached would then be wrong); a pending shrink does not
     * drop anyone until the controller confirms it.
     */
    get maximalIsr() {
        const p = this.pendingIsr;
        if (p && p.kind === 'expand' && !p.failed)
            return [...new Set([...this.isr, ...p.newIsr])];
        return this.isr;
    }
    /** Leader: fresh follower states for every other assigned replica (Kafka's makeLeader reset). */
    resetFollowerStates(nowMs) {
        this.followers.clear();
        for (const id of this.replicas) {
            if (id === this.localBrokerId)
                continue;
            this.followers.set(id, newReplicaState(id, nowMs, this.isr.includes(id)));
        }
    }
    /**
     * Leader: moves the HW up to the smallest LEO over the maximal ISR; never down. Returns true when it
     * moved (delayed produces and consumer fetches may complete).
     */
    maybeIncrementHighWatermark() {
        if (!this.isLeader)
            return false;
        const candidate = computeHighWatermark(this.localBrokerId, this.log.logEndOffset, this.maximalIsr, this.followers);
        if (candidate <= this.log.highWatermark)
            return false;
        this.log.highWatermark = candidate;
        return true;
    }
    /** Under-replicated in Kafka's sense: led here with an ISR smaller than the replica set. */
    get underReplicated() {
        return this.isLeader && this.isr.length < this.replicas.length;
    }
}
//# sourceMappingURL=partition.js.map