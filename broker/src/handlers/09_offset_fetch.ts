/**
 * OffsetFetch (key 9), v0-v9. v0-v7 fetch one group (GroupId/Topics); v8+ several (Groups, per-group
 * errors). A null topic list (v2+) means every partition the group has committed; requested partitions
 * without a commit answer offset -1 and metadata "". Answered whatever the group's state (simple
 * consumers have none). RequireStable (v7+) is accepted and needs no waiting: a commit is visible only
 * after its append completed. v0 read from ZooKeeper in Kafka; here every version reads
 * `__consumer_offsets`. v0-v1 have no top-level error: a group-level error goes into every requested
 * partition, as Kafka's OffsetFetchRequest.getErrorResponse does. CommittedLeaderEpoch exists from v5.
 */
import type { Handler } from './context.js';
import type { OffsetFetchRequest, OffsetFetchResponse } from '../protocol/messages/09_offset_fetch.js';
import type { FetchedOffset } from '../coordinator/group-coordinator.js';
import { ErrorCode } from '../protocol/errors.js';

type Tp = { topic: string; partition: number };

function wanted(topics: { name: string; partitionIndexes: number[] }[] | null): Tp[] | null {
  if (topics === null) return null;
  return topics.flatMap((t) => t.partitionIndexes.map((partition) => ({ topic: t.name, partition })));
}

/** Groups fetched offsets by topic, in first-seen order. */
function byTopic(offsets: FetchedOffset[]) {
  const topics = new Map<string, { name: string; partitions: OffsetFetchResponse['topics'][number]['partitions'] }>();
  for (const o of offsets) {
    let t = topics.get(o.topic);
    if (!t) topics.set(o.topic, (t = { name: o.topic, partitions: [] }));
    t.partitions.push({ partitionIndex: o.partition, committedOffset: o.offset, committedLeaderEpoch: o.leaderEpoch, metadata: o.metadata, errorCode: o.errorCode });
  }
  return [...topics.values()];
}

export const handleOffsetFetch: Handler<OffsetFetchRequest, OffsetFetchResponse> = (req, ctx) => {
  const v = ctx.apiVersion;
  const { groups } = ctx.services;
  if (v >= 8) {
    return {
      throttleTimeMs: 0,
      topics: [],
      errorCode: ErrorCode.NONE,
      groups: req.groups.map((g) => {
        const r = groups.fetchOffsets(g.groupId, wanted(g.topics));
        return { groupId: g.groupId, errorCode: r.errorCode, topics: r.errorCode === ErrorCode.NONE ? byTopic(r.offsets) : [] };
      }),
    };
  }
  const tps = wanted(v >= 2 ? req.topics : (req.topics ?? []));
  const r = groups.fetchOffsets(req.groupId, tps);
  if (r.errorCode !== ErrorCode.NONE) {
    const partitionErrors =
      v < 2
        ? byTopic((tps ?? []).map((tp) => ({ ...tp, offset: -1, leaderEpoch: -1, metadata: '', errorCode: r.errorCode })))
        : [];
    return { throttleTimeMs: 0, topics: partitionErrors, errorCode: r.errorCode, groups: [] };
  }
  return { throttleTimeMs: 0, topics: byTopic(r.offsets), errorCode: ErrorCode.NONE, groups: [] };
};
