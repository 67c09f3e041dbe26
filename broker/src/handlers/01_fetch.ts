/**
 * Fetch (key 1), v4-v16. Serves whole batches straight from the segment files (no re-encoding), up to the
 * high watermark for consumers and up to the log end for followers (replicaId >= 0, or
 * replicaState.replicaId from v15). A follower's fetch offset is its log end: the leader records it
 * (ReplicaManager.recordFollowerFetch), which moves the HW and the ISR; a follower whose lastFetchedEpoch
 * ends earlier in our log gets divergingEpoch instead of data (KIP-595) and truncates. Topics are named up to v12 and
 * identified by topic id from v13. Incremental fetch sessions (KIP-227) are not kept: every response
 * carries session id 0, which tells clients to send full fetch requests, and a request naming a session
 * gets FETCH_SESSION_ID_NOT_FOUND. Long polling: when less than minBytes is available the request waits
 * for an append to one of its partitions, at most maxWaitMs — for a consumer connection that still holds a
 * partial answer for a partition this request leaves out, at most BACKLOG_LONG_POLL_MS (fetch-backlog.ts: the
 * client cannot fetch that partition again until this request returns).
 *
 * Replication throttling (KIP-73): a follower fetching a partition listed for this broker in
 * `leader.replication.throttled.replicas` gets no records for it while the leader quota
 * (`leader.replication.throttled.rate`) is exceeded, unless it is in the ISR; other partitions of the same
 * request are served as usual. The bytes of throttled partitions in each follower response are recorded
 * against the quota (Kafka's sizeOfThrottledPartitions, counting record bytes).
 */
import type { Handler, RequestContext } from './context.js';
import type { FetchRequest, FetchResponse } from '../protocol/messages/01_fetch.js';
import { ErrorCode, KafkaError } from '../protocol/errors.js';
import { partitionKey } from '../replication/partition.js';
import { recordBytesOut } from '../metrics.js';
import { BACKLOG_LONG_POLL_MS, FetchBacklog } from './fetch-backlog.js';

type PartitionData = FetchResponse['responses'][number]['partitions'][number];
type TopicResponse = FetchResponse['responses'][number];

const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

function emptyPartition(partitionIndex: number, errorCode: number): PartitionData {
  return {
    partitionIndex,
    errorCode,
    highWatermark: -1,
    lastStableOffset: -1,
    logStartOffset: -1,
    divergingEpoch: { epoch: -1, endOffset: -1 },
    currentLeader: { leaderId: -1, leaderEpoch: -1 },
    snapshotId: { endOffset: -1, epoch: -1 },
    abortedTransactions: null,
    preferredReadReplica: -1,
    records: null,
  };
}

interface ResolvedTopic {
  name: string | null;
  topicId: string;
}

function resolveTopic(t: FetchRequest['topics'][number], ctx: RequestContext): ResolvedTopic {
  const { metadata } = ctx.services;
  if (ctx.apiVersion >= 13) {
    const rec = metadata.topicById(t.topicId);
    return { name: rec?.name ?? null, topicId: t.topicId };
  }
  return { name: t.topic, topicId: metadata.topic(t.topic)?.topicId ?? ZERO_UUID };
}

/** The fetching follower's broker id, or -1 for consumers. */
function followerId(req: FetchRequest, ctx: RequestContext): number {
  const id = ctx.apiVersion >= 15 ? req.replicaState.replicaId : req.replicaId;
  return id >= 0 ? id : -1;
}

interface ReadResultAll {
  responses: TopicResponse[];
  bytes: number;
  hasError: boolean;
  /** A follower must truncate: answer now rather than long-poll. */
  diverging: boolean;
  /** Record bytes of partitions under the leader replication throttle (follower fetches only). */
  throttledBytes: number;
  /** Consumers: per readable partition, whether data was served and more remained below the HW. */
  served: Array<{ key: string; more: boolean }>;
}

/**
 * One pass over the requested partitions. `firstPass` records follower positions; re-reads after a
 * long-poll wakeup must not, or a follower would look caught up at times it was not fetching.
 */
function readAll(req: FetchRequest, ctx: RequestContext, topics: ResolvedTopic[], replicaId: number, firstPass: boolean): ReadResultAll {
  const { replicas } = ctx.services;
  const fromFollower = replicaId >= 0;
  let diverging = false;
  let budget = req.maxBytes > 0 ? req.maxBytes : 0x7fffffff;
  let bytes = 0;
  let throttledBytes = 0;
  let hasError = false;
  const readCommitted = req.isolationLevel === 1;
  const responses: TopicResponse[] = [];
  const served: ReadResultAll['served'] = [];
  req.topics.forEach((t, ti) => {
    const resolved = topics[ti]!;
    const partitions: PartitionData[] = [];
    for (const p of t.partitions) {
      if (resolved.name === null) {
        partitions.push(emptyPartition(p.partition, ctx.apiVersion >= 13 ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
        hasError = true;
        continue;
      }
      try {
        const partition = replicas.leaderPartition(resolved.name, p.partition);
        if (p.currentLeaderEpoch !== -1 && p.currentLeaderEpoch !== partition.leaderEpoch) {
          throw new KafkaError(
            p.currentLeaderEpoch < partition.leaderEpoch ? ErrorCode.FENCED_LEADER_EPOCH : ErrorCode.UNKNOWN_LEADER_EPOCH,
            `leader epoch ${p.currentLeaderEpoch} does not match ${partition.leaderEpoch}`,
          );
        }
        const log = partition.log;
        if (fromFollower && ctx.apiVersion >= 12) {
          const d = replicas.followerDivergence(partition, p.lastFetchedEpoch, p.fetchOffset);
          if (d) {
            diverging = true;
            partitions.push({
              ...emptyPartition(p.partition, ErrorCode.NONE),
              highWatermark: log.highWatermark,
              lastStableOffset: log.highWatermark,
              logStartOffset: log.logStartOffset,
              divergingEpoch: { epoch: d.epoch, endOffset: d.endOffset },
              records: Buffer.alloc(0),
            });
            continue;
          }
        }
        let records: Buffer[] = [];
        let size = 0;
        if (p.fetchOffset < log.logStartOffset || p.fetchOffset > log.logEndOffset) {
          throw new KafkaError(ErrorCode.OFFSET_OUT_OF_RANGE, `offset ${p.fetchOffset} is outside [${log.logStartOffset}, ${log.logEndOffset}]`);
        }
        if (fromFollower && firstPass) replicas.recordFollowerFetch(partition, replicaId, p.fetchOffset, p.logStartOffset);
        const hw = log.highWatermark;
        // Followers replicate everything the leader has; consumers see only what the ISR has.
        const maxOffset = fromFollower ? log.logEndOffset : hw;
        const quotaTracked = fromFollower && replicas.leaderQuota.isThrottled(resolved.name, p.partition);
        // KIP-73: a throttled partition simply returns no records this round (Kafka returns an empty set).
        const heldBack = quotaTracked && replicas.shouldLeaderThrottle(partition, replicaId);
        if (heldBack && firstPass && p.fetchOffset < maxOffset) replicas.leaderQuota.noteHeldBack(resolved.name, p.partition);
        if (p.fetchOffset < maxOffset && budget > 0 && !heldBack) {
          const limit = Math.min(p.partitionMaxBytes, budget);
          // Kafka lets the first partition with data exceed the limits by one batch so consumers progress.
          const result = log.read(p.fetchOffset, limit, { maxOffset, minOneMessage: bytes === 0 });
          records = result.records;
          for (const r of records) size += r.length;
          budget -= size;
          bytes += size;
          if (size > 0 && !fromFollower) recordBytesOut(resolved.name, size);
          if (quotaTracked) throttledBytes += size;
          if (!fromFollower) served.push({ key: partitionKey(resolved.name, p.partition), more: size > 0 && result.nextOffset < maxOffset });
        } else if (!fromFollower) {
          served.push({ key: partitionKey(resolved.name, p.partition), more: false });
        }
        partitions.push({
          partitionIndex: p.partition,
          errorCode: ErrorCode.NONE,
          highWatermark: hw,
          lastStableOffset: hw,
          logStartOffset: log.logStartOffset,
          divergingEpoch: { epoch: -1, endOffset: -1 },
          currentLeader: { leaderId: -1, leaderEpoch: -1 },
          snapshotId: { endOffset: -1, epoch: -1 },
          abortedTransactions: readCommitted ? [] : null,
          preferredReadReplica: -1,
          records: size > 0 ? records : Buffer.alloc(0),
        });
      } catch (err) {
        if (!(err instanceof KafkaError)) throw err;
        hasError = true;
        partitions.push(emptyPartition(p.partition, err.code));
      }
    }
    responses.push({ topic: resolved.name ?? '', topicId: resolved.topicId, partitions });
  });
  return { responses, bytes, hasError, diverging, throttledBytes, served };
}

export const handleFetch: Handler<FetchRequest, FetchResponse> = async (req, ctx) => {
  const base = { throttleTimeMs: 0, nodeEndpoints: [] };
  if (req.sessionId !== 0) {
    return { ...base, errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND, sessionId: 0, responses: [] };
  }
  const topics = req.topics.map((t) => resolveTopic(t, ctx));
  const replicaId = followerId(req, ctx);
  let result = readAll(req, ctx, topics, replicaId, true);
  const backlog = replicaId < 0 && ctx.connection ? (ctx.connection.fetchBacklog ??= new FetchBacklog()) : undefined;
  if (req.maxWaitMs > 0 && req.minBytes > 0 && result.bytes < req.minBytes && !result.hasError && !result.diverging) {
    const keys: string[] = [];
    topics.forEach((t, i) => {
      if (t.name !== null) for (const p of req.topics[i]!.partitions) keys.push(partitionKey(t.name, p.partition));
    });
    const maxWaitMs = backlog?.elsewhere(new Set(keys), Date.now()) ? Math.min(req.maxWaitMs, BACKLOG_LONG_POLL_MS) : req.maxWaitMs;
    const deadline = Date.now() + maxWaitMs;
    for (let left = maxWaitMs; left > 0; left = deadline - Date.now()) {
      await ctx.services.replicas.waitForData(keys, left);
      result = readAll(req, ctx, topics, replicaId, false);
      if (result.bytes >= req.minBytes || result.hasError || result.diverging) break;
    }
  }
  if (backlog) {
    const now = Date.now();
    for (const p of result.served) backlog.served(p.key, p.more, now);
  }
  // Only the response actually sent counts against the leader quota (in-sync followers' bytes included).
  if (replicaId >= 0 && result.throttledBytes > 0) ctx.services.replicas.leaderQuota.record(result.throttledBytes);
  return { ...base, errorCode: ErrorCode.NONE, sessionId: 0, responses: result.responses };
};
