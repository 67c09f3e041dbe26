/**
 * OffsetDelete (key 47), v0: deletes a group's committed offsets for some partitions. Allowed for an
 * empty group; for a consumer group with members only for topics it does not subscribe to (the others get
 * GROUP_SUBSCRIBED_TO_TOPIC); other non-empty groups get NON_EMPTY_GROUP. Unknown topics get
 * UNKNOWN_TOPIC_OR_PARTITION; a group-level error answers with no topics.
 */
import type { Handler } from './context.js';
import type { OffsetDeleteRequest, OffsetDeleteResponse } from '../protocol/messages/47_offset_delete.js';
import { ErrorCode } from '../protocol/errors.js';

export const handleOffsetDelete: Handler<OffsetDeleteRequest, OffsetDeleteResponse> = async (req, ctx) => {
  const { metadata, groups } = ctx.services;
  const key = (t: string, p: number) => `${t}\u0000${p}`;
  const errors = new Map<string, number>();
  const tps: { topic: string; partition: number }[] = [];
  for (const t of req.topics) {
    const topic = metadata.topic(t.name);
    for (const p of t.partitions) {
      if (!topic || !topic.partitions.some((x) => x.partition === p.partitionIndex)) {
        errors.set(key(t.name, p.partitionIndex), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      } else {
        tps.push({ topic: t.name, partition: p.partitionIndex });
      }
    }
  }
  const r = await groups.deleteOffsets(req.groupId, tps);
  if (r.errorCode !== ErrorCode.NONE) return { errorCode: r.errorCode, throttleTimeMs: 0, topics: [] };
  for (const p of r.partitions) errors.set(key(p.topic, p.partition), p.errorCode);
  return {
    errorCode: ErrorCode.NONE,
    throttleTimeMs: 0,
    topics: req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: errors.get(key(t.name, p.partitionIndex)) ?? ErrorCode.NONE })),
    })),
  };
};
