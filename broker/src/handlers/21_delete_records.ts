/**
 * DeleteRecords (key 21), v0-v2. Moves a partition's log start offset forward (whole segments below it are
 * deleted). Offset -1 means the high watermark; beyond the high watermark is OFFSET_OUT_OF_RANGE.
 */
import type { Handler } from './context.js';
import type { DeleteRecordsRequest, DeleteRecordsResponse } from '../protocol/messages/21_delete_records.js';
import { ErrorCode, KafkaError } from '../protocol/errors.js';

export const handleDeleteRecords: Handler<DeleteRecordsRequest, DeleteRecordsResponse> = (req, ctx) => {
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
        if (target > log.logStartOffset) log.deleteRecordsBefore(target);
        return { partitionIndex: p.partitionIndex, lowWatermark: log.logStartOffset, errorCode: ErrorCode.NONE };
      } catch (err) {
        if (!(err instanceof KafkaError)) throw err;
        return { partitionIndex: p.partitionIndex, lowWatermark: -1, errorCode: err.code };
      }
    }),
  }));
  return { throttleTimeMs: 0, topics };
};
