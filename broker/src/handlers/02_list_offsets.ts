/**
 * ListOffsets (key 2), v0-v8. Special timestamps: -1 latest (the high watermark, which is also the last
 * stable offset while transactions are not supported), -2 earliest, -3 max timestamp (v7+), -4 earliest
 * local (v8+, the log start here: no tiered storage). Other timestamps go through the time index: the
 * first offset whose timestamp is >= the target, or -1/-1 when there is none. v0 answers with the
 * old-style offsets array.
 */
import type { Handler } from './context.js';
import type { ListOffsetsRequest, ListOffsetsResponse } from '../protocol/messages/02_list_offsets.js';
import { ErrorCode, KafkaError } from '../protocol/errors.js';

type PartitionOut = ListOffsetsResponse['topics'][number]['partitions'][number];

const LATEST = -1;
const EARLIEST = -2;
const MAX_TIMESTAMP = -3;
const EARLIEST_LOCAL = -4;

export const handleListOffsets: Handler<ListOffsetsRequest, ListOffsetsResponse> = (req, ctx) => {
  const { replicas } = ctx.services;
  const topics = req.topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p): PartitionOut => {
      const out: PartitionOut = {
        partitionIndex: p.partitionIndex,
        errorCode: ErrorCode.NONE,
        oldStyleOffsets: [],
        timestamp: -1,
        offset: -1,
        leaderEpoch: -1,
      };
      try {
        const partition = replicas.leaderPartition(t.name, p.partitionIndex);
        if (p.currentLeaderEpoch !== -1 && p.currentLeaderEpoch !== partition.leaderEpoch) {
          throw new KafkaError(
            p.currentLeaderEpoch < partition.leaderEpoch ? ErrorCode.FENCED_LEADER_EPOCH : ErrorCode.UNKNOWN_LEADER_EPOCH,
            `leader epoch ${p.currentLeaderEpoch} does not match ${partition.leaderEpoch}`,
          );
        }
        const log = partition.log;
        // Kafka bounds only clients (replica id -1) by the HW; the debugging id -2 and followers see the log end.
        const fromConsumer = req.replicaId === -1;
        if (p.timestamp === LATEST) {
          out.offset = fromConsumer ? log.highWatermark : log.logEndOffset;
          out.leaderEpoch = partition.leaderEpoch;
        } else if (p.timestamp === EARLIEST || p.timestamp === EARLIEST_LOCAL) {
          out.offset = log.logStartOffset;
        } else if (p.timestamp === MAX_TIMESTAMP) {
          const max = log.maxTimestampAndOffset();
          if (max) {
            out.offset = max.offset;
            out.timestamp = max.timestamp;
          }
        } else if (p.timestamp < 0) {
          throw new KafkaError(ErrorCode.INVALID_REQUEST, `invalid timestamp ${p.timestamp}`);
        } else {
          const found = log.offsetForTimestamp(p.timestamp);
          if (found && (!fromConsumer || found.offset < log.highWatermark)) {
            out.offset = found.offset;
            out.timestamp = found.timestamp;
          }
        }
        if (ctx.apiVersion === 0) out.oldStyleOffsets = out.offset >= 0 && p.maxNumOffsets > 0 ? [out.offset] : [];
      } catch (err) {
        if (!(err instanceof KafkaError)) throw err;
        out.errorCode = err.code;
      }
      return out;
    }),
  }));
  return { throttleTimeMs: 0, topics };
};
