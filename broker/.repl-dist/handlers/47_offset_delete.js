import { ErrorCode } from '../protocol/errors.js';
export const handleOffsetDelete = async (req, ctx) => {
    const { metadata, groups } = ctx.services;
    const key = (t, p) => `${t}\u0000${p}`;
    const errors = new Map();
    const tps = [];
    for (const t of req.topics) {
        const topic = metadata.topic(t.name);
        for (const p of t.partitions) {
            if (!topic || !topic.partitions.some((x) => x.partition === p.partitionIndex)) {
                errors.set(key(t.name, p.partitionIndex), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
            }
            else {
                tps.push({ topic: t.name, partition: p.partitionIndex });
            }
        }
    }
    const r = await groups.deleteOffsets(req.groupId, tps);
    if (r.errorCode !== ErrorCode.NONE)
        return { errorCode: r.errorCode, throttleTimeMs: 0, topics: [] };
    for (const p of r.partitions)
        errors.set(key(p.topic, p.partition), p.errorCode);
    return {
        errorCode: ErrorCode.NONE,
        throttleTimeMs: 0,
        topics: req.topics.map((t) => ({
            name: t.name,
            partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: errors.get(key(t.name, p.partitionIndex)) ?? ErrorCode.NONE })),
        })),
    };
};
//# sourceMappingURL=47_offset_delete.js.map