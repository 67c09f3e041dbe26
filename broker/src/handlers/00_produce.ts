/**
 * Produce (key 0). Advertised from v0 because librdkafka only enables compression when Produce's minimum
 * advertised version is 0, but v0-v2 (message format v0/v1) are answered with UNSUPPORTED_VERSION as
 * Kafka 4.0 does (KAFKA-18659). v3+ carries exactly one RecordBatch v2 per partition; it is validated as
 * bytes (sizes, magic, CRC32C), offsets are assigned by rewriting the base offset, and the bytes are
 * appended as received. acks=0 gets no response at all.
 *
 * acks=all: the ISR must hold at least min.insync.replicas before the append (NOT_ENOUGH_REPLICAS), and
 * the response waits until the high watermark covers the appended batch, at most the request's timeoutMs
 * (REQUEST_TIMED_OUT); see ReplicaManager.waitForReplication. acks=1 answers right after the local append.
 */
import type { Handler } from './context.js';
import type { ProduceRequest, ProduceResponse } from '../protocol/messages/00_produce.js';
import { ErrorCode, KafkaError } from '../protocol/errors.js';
import { RECORD_BATCH_OVERHEAD, readBatchHeader, validateBatches, type BatchHeader } from '../records/batch.js';
import { recordBytesIn, recordMessagesIn } from '../metrics.js';

/**
 * The header of the one batch a v3+ partition carries. Only the header is read here: the log's append
 * checks sizes and the CRC32C over every byte, and doing that twice would double the produce path's cost.
 * Anything other than exactly one batch filling the buffer takes the full walk, which tells a second batch
 * (INVALID_RECORD) from a corrupt one (CORRUPT_MESSAGE).
 */
function singleBatchHeader(records: Buffer, apiVersion: number): BatchHeader {
  if (records.length >= RECORD_BATCH_OVERHEAD) {
    const header = readBatchHeader(records, 0);
    if (header.size === records.length) return header;
  }
  const headers = validateBatches(records);
  if (headers.length !== 1) {
    throw new KafkaError(ErrorCode.INVALID_RECORD, `Produce requests with version ${apiVersion} must contain exactly one record batch per partition`);
  }
  return headers[0]!;
}

type PartitionResponse = ProduceResponse['responses'][number]['partitionResponses'][number];

function partitionError(index: number, code: number, message: string | null = null): PartitionResponse {
  return {
    index,
    errorCode: code,
    baseOffset: -1,
    logAppendTimeMs: -1,
    logStartOffset: -1,
    recordErrors: [],
    errorMessage: message,
    currentLeader: { leaderId: -1, leaderEpoch: -1 },
  };
}

export const handleProduce: Handler<ProduceRequest, ProduceResponse | null> = (req, ctx) => {
  const { replicas } = ctx.services;
  const acksValid = req.acks === -1 || req.acks === 0 || req.acks === 1;
  const responses: ProduceResponse['responses'] = [];
  const waits: Promise<void>[] = [];
  for (const topicData of req.topicData) {
    const partitionResponses: PartitionResponse[] = [];
    for (const pd of topicData.partitionData) {
      if (ctx.apiVersion < 3) {
        partitionResponses.push(partitionError(pd.index, ErrorCode.UNSUPPORTED_VERSION, 'Produce v0-v2 (message format v0/v1) is not supported'));
        continue;
      }
      if (!acksValid) {
        partitionResponses.push(partitionError(pd.index, ErrorCode.INVALID_REQUIRED_ACKS));
        continue;
      }
      if (req.transactionalId !== null) {
        partitionResponses.push(partitionError(pd.index, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, 'transactions are not supported yet'));
        continue;
      }
      try {
        const partition = replicas.leaderPartition(topicData.name, pd.index);
        const records = pd.records;
        if (!records || records.length === 0) {
          throw new KafkaError(ErrorCode.INVALID_RECORD, 'Produce requests with version 3+ must contain exactly one record batch');
        }
        const maxMessageBytes = partition.log.config.maxMessageBytes;
        const header = singleBatchHeader(records, ctx.apiVersion);
        if (header.size > maxMessageBytes) {
          throw new KafkaError(
            ErrorCode.MESSAGE_TOO_LARGE,
            `The record batch of ${header.size} bytes is larger than max.message.bytes (${maxMessageBytes})`,
          );
        }
        if (header.isTransactional) {
          throw new KafkaError(ErrorCode.INVALID_TXN_STATE, 'transactional batches are not supported yet');
        }
        if (req.acks === -1) {
          const isr = partition.isr.length;
          if (isr < partition.log.config.minInsyncReplicas) {
            throw new KafkaError(
              ErrorCode.NOT_ENOUGH_REPLICAS,
              `The size of the current ISR (${isr}) is insufficient to satisfy the min.isr requirement of ${partition.log.config.minInsyncReplicas}`,
            );
          }
        }
        const result = replicas.appendAsLeader(partition, records);
        recordBytesIn(topicData.name, records.length);
        recordMessagesIn(topicData.name, header.recordCount);
        const appended: PartitionResponse = {
          index: pd.index,
          errorCode: ErrorCode.NONE,
          baseOffset: result.baseOffset,
          logAppendTimeMs: result.logAppendTime,
          logStartOffset: result.logStartOffset,
          recordErrors: [],
          errorMessage: null,
          currentLeader: { leaderId: -1, leaderEpoch: -1 },
        };
        partitionResponses.push(appended);
        // Already covered by the HW (an ISR of this broker alone): answer without a round through the queue.
        if (req.acks === -1 && partition.log.highWatermark <= result.lastOffset) {
          const slot = partitionResponses.length - 1;
          waits.push(
            replicas.waitForReplication(partition, result.lastOffset + 1, req.timeoutMs).then((code) => {
              if (code !== ErrorCode.NONE) partitionResponses[slot] = partitionError(pd.index, code);
            }),
          );
        }
      } catch (err) {
        if (!(err instanceof KafkaError)) throw err;
        partitionResponses.push(partitionError(pd.index, err.code, err.message));
      }
    }
    responses.push({ name: topicData.name, partitionResponses });
  }
  const response: ProduceResponse = { responses, throttleTimeMs: 0, nodeEndpoints: [] };
  // Every partition of the request waits under the one timeout, as Kafka's DelayedProduce does.
  if (waits.length > 0) return Promise.all(waits).then(() => response);
  if (req.acks === 0) return null;
  return response;
};
