/**
 * OffsetCommit (key 8), v0-v9. Commits go to `__consumer_offsets` and the response is sent only once they
 * are appended. Members commit with their generation and member id (checked: ILLEGAL_GENERATION,
 * UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID, REBALANCE_IN_PROGRESS while awaiting the assignment); generation
 * -1 with no member id is a "simple" commit, allowed while the group is empty or unknown.
 * v0 has no generation/member (a simple commit); v1 has a per-partition CommitTimestamp; v2-v4 a
 * RetentionTimeMs (explicit expiry, written as OffsetCommitValue v1 like Kafka); v6+ the leader epoch;
 * v7+ GroupInstanceId. v9 (KIP-848 member epochs) is treated as a classic-group commit.
 * Partitions of unknown topics get UNKNOWN_TOPIC_OR_PARTITION and are not stored.
 */
import type { Handler } from './context.js';
import type { OffsetCommitRequest, OffsetCommitResponse } from '../protocol/messages/08_offset_commit.js';
import { ErrorCode } from '../protocol/errors.js';

export const handleOffsetCommit: Handler<OffsetCommitRequest, OffsetCommitResponse> = async (req, ctx) => {
  const v = ctx.apiVersion;
  const { metadata, groups } = ctx.services;
  const errors = new Map<string, number>();
  const key = (t: string, p: number) => `${t}\u0000${p}`;
  const offsets: Parameters<typeof groups.commitOffsets>[0]['offsets'] = [];
  for (const t of req.topics) {
    const topic = metadata.topic(t.name);
    for (const p of t.partitions) {
      if (!topic || !topic.partitions.some((x) => x.partition === p.partitionIndex)) {
        errors.set(key(t.name, p.partitionIndex), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        continue;
      }
      offsets.push({
        topic: t.name,
        partition: p.partitionIndex,
        offset: p.committedOffset,
        leaderEpoch: v >= 6 ? p.committedLeaderEpoch : -1,
        metadata: p.committedMetadata,
        commitTimestamp: v === 1 ? p.commitTimestamp : -1,
      });
    }
  }
  if (offsets.length > 0) {
    const results = await groups.commitOffsets({
      groupId: req.groupId,
      memberId: v >= 1 ? req.memberId : '',
      groupInstanceId: v >= 7 ? req.groupInstanceId : null,
      generationId: v >= 1 ? req.generationIdOrMemberEpoch : -1,
      retentionTimeMs: v >= 2 && v <= 4 ? req.retentionTimeMs : -1,
      offsets,
    });
    for (const r of results) errors.set(key(r.topic, r.partition), r.errorCode);
  }
  return {
    throttleTimeMs: 0,
    topics: req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({
        partitionIndex: p.partitionIndex,
        errorCode: errors.get(key(t.name, p.partitionIndex)) ?? ErrorCode.NONE,
      })),
    })),
  };
};
