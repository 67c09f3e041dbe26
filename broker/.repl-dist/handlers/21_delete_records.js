import { ErrorCode, KafkaError } from '../protocol/errors.js';
export const handleDeleteRecords = (req, ctx) => {
    const topics = req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => {
            try {
                const partition = ctx.services.replicas.leaderPartition(t.name, p.partitionIndex);
                const log = partition.log;
                const target = p.offset === -1 ? log.highWatermark : p.offset;
                if (target < 0 || target > log.highWatermark) {
                    throw new KafkaError(ErrorCode.OFFSET_OUT_OF_RANGE, `offset ${p.offset} is beyond the high watermark ${log.highWatermark}`);
                }
                if (target > log.logStartOffset)
                    log.deleteRecordsBefore(target);
                return { partitionIndex: p.partitionIndex, lowWatermark: log.logStartOffset, errorCode: ErrorCode.NONE };
            }
            catch (err) {
                if (!(err instanceof KafkaError))
                    throw err;
                return { partitionIndex: p.partitionIndex, lowWatermark: -1, errorCode: err.code };
            }
        }),
    }));
    return { throttleTimeMs: 0, topics };
};
//# sourceMappingURL=21_delete_records.js.map