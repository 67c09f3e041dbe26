import { ErrorCode, KafkaError } from '../protocol/errors.js';
export const handleOffsetForLeaderEpoch = (req, ctx) => {
    const topics = req.topics.map((t) => ({
        topic: t.topic,
        partitions: t.partitions.map((p) => {
            try {
                const partition = ctx.services.replicas.leaderPartition(t.topic, p.partition);
                if (p.currentLeaderEpoch !== -1 && p.currentLeaderEpoch !== partition.leaderEpoch) {
                    throw new KafkaError(p.currentLeaderEpoch < partition.leaderEpoch ? ErrorCode.FENCED_LEADER_EPOCH : ErrorCode.UNKNOWN_LEADER_EPOCH, `leader epoch ${p.currentLeaderEpoch} does not match ${partition.leaderEpoch}`);
                }
                const end = partition.log.endOffsetForEpoch(p.leaderEpoch);
                return { errorCode: ErrorCode.NONE, partition: p.partition, leaderEpoch: end.epoch, endOffset: end.endOffset };
            }
            catch (err) {
                if (!(err instanceof KafkaError))
                    throw err;
                return { errorCode: err.code, partition: p.partition, leaderEpoch: -1, endOffset: -1 };
            }
        }),
    }));
    return { throttleTimeMs: 0, topics };
};
//# sourceMappingURL=23_offset_for_leader_epoch.js.map