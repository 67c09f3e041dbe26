/**
 * acks=all waiters (Kafka's DelayedProduce purgatory, per partition): each waits until the leader's high
 * watermark covers its last offset. Completion is re-checked whenever the HW, the ISR or the leadership of
 * the partition changes; the result is Kafka's checkEnoughReplicasReachOffset.
 */
import { ErrorCode } from '../protocol/errors.js';
/**
 * The outcome for a waiter right now, or null while it must keep waiting. Leadership lost (or a new
 * epoch, whose log may have been truncated) fails it; an HW reached with an ISR below
 * min.insync.replicas is NOT_ENOUGH_REPLICAS_AFTER_APPEND, as Kafka reports it.
 */
export function produceCompletion(p, leaderEpoch, requiredOffset) {
    if (!p.isLeader || p.leaderEpoch !== leaderEpoch || p.log.isClosed)
        return ErrorCode.NOT_LEADER_OR_FOLLOWER;
    if (p.log.highWatermark < requiredOffset)
        return null;
    return p.maximalIsr.length < p.log.config.minInsyncReplicas ? ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND : ErrorCode.NONE;
}
export class DelayedProduceQueue {
    byPartition = new Map();
    /** Resolves with an error code (NONE on success); never rejects. */
    wait(partition, requiredOffset, timeoutMs) {
        const leaderEpoch = partition.leaderEpoch;
        const now = produceCompletion(partition, leaderEpoch, requiredOffset);
        if (now !== null)
            return Promise.resolve(now);
        return new Promise((resolve) => {
            const waiter = {
                partition,
                leaderEpoch,
                requiredOffset,
                resolve: (code) => {
                    clearTimeout(waiter.timer);
                    const set = this.byPartition.get(partition);
                    set?.delete(waiter);
                    if (set?.size === 0)
                        this.byPartition.delete(partition);
                    resolve(code);
                },
                timer: setTimeout(() => waiter.resolve(ErrorCode.REQUEST_TIMED_OUT), Math.max(0, timeoutMs)),
            };
            let set = this.byPartition.get(partition);
            if (!set)
                this.byPartition.set(partition, (set = new Set()));
            set.add(waiter);
        });
    }
    /** Completes what can complete on this partition (after an HW move, ISR or leadership change). */
    check(partition) {
        const set = this.byPartition.get(partition);
        if (!set)
            return;
        for (const w of [...set]) {
            const code = produceCompletion(partition, w.leaderEpoch, w.requiredOffset);
            if (code !== null)
                w.resolve(code);
        }
    }
    /** Shutdown: nothing will complete any more; answer like a lost leadership. */
    failAll(code = ErrorCode.NOT_LEADER_OR_FOLLOWER) {
        for (const set of [...this.byPartition.values()])
            for (const w of [...set])
                w.resolve(code);
    }
    get size() {
        let n = 0;
        for (const s of this.byPartition.values())
            n += s.size;
        return n;
    }
}
//# sourceMappingURL=delayed-produce.js.map