import { ErrorCode } from '../protocol/errors.js';
function wanted(topics) {
    if (topics === null)
        return null;
    return topics.flatMap((t) => t.partitionIndexes.map((partition) => ({ topic: t.name, partition })));
}
/** Groups fetched offsets by topic, in first-seen order. */
function byTopic(offsets) {
    const topics = new Map();
    for (const o of offsets) {
        let t = topics.get(o.topic);
        if (!t)
            topics.set(o.topic, (t = { name: o.topic, partitions: [] }));
        t.partitions.push({ partitionIndex: o.partition, committedOffset: o.offset, committedLeaderEpoch: o.leaderEpoch, metadata: o.metadata, errorCode: o.errorCode });
    }
    return [...topics.values()];
}
export const handleOffsetFetch = (req, ctx) => {
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
        const partitionErrors = v < 2
            ? byTopic((tps ?? []).map((tp) => ({ ...tp, offset: -1, leaderEpoch: -1, metadata: '', errorCode: r.errorCode })))
            : [];
        return { throttleTimeMs: 0, topics: partitionErrors, errorCode: r.errorCode, groups: [] };
    }
    return { throttleTimeMs: 0, topics: byTopic(r.offsets), errorCode: ErrorCode.NONE, groups: [] };
};
//# sourceMappingURL=09_offset_fetch.js.map