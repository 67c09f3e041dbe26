import { ErrorCode } from '../protocol/errors.js';
export const handleOffsetCommit = async (req, ctx) => {
    const v = ctx.apiVersion;
    const { metadata, groups } = ctx.services;
    const errors = new Map();
    const key = (t, p) => `${t}\u0000${p}`;
    const offsets = [];
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
        for (const r of results)
            errors.set(key(r.topic, r.partition), r.errorCode);
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
//# sourceMappingURL=08_offset_commit.js.map