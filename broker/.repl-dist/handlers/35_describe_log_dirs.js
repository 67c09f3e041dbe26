/**
 * DescribeLogDirs (key 35), v0-v4. Per log dir: the partitions in it with their size (v4 adds the
 * volume's total and usable bytes). topics null means every partition.
 */
import { statfsSync } from 'node:fs';
import { ErrorCode } from '../protocol/errors.js';
export const handleDescribeLogDirs = (req, ctx) => {
    const { replicas, config } = ctx.services;
    const wanted = req.topics === null ? null : new Map(req.topics.map((t) => [t.topic, new Set(t.partitions)]));
    const results = config.logDirs.map((dir) => {
        const byTopic = new Map();
        for (const p of replicas.allPartitions()) {
            if (p.log.dir !== undefined && !p.log.dir.startsWith(dir))
                continue;
            if (wanted && !wanted.get(p.topic)?.has(p.index))
                continue;
            const list = byTopic.get(p.topic) ?? [];
            list.push({ partitionIndex: p.index, partitionSize: p.log.sizeInBytes, offsetLag: 0, isFutureKey: false });
            byTopic.set(p.topic, list);
        }
        let totalBytes = -1;
        let usableBytes = -1;
        try {
            const s = statfsSync(dir);
            totalBytes = s.blocks * s.bsize;
            usableBytes = s.bavail * s.bsize;
        }
        catch {
            // A missing or unreadable dir reports unknown sizes rather than failing the whole request.
        }
        return {
            errorCode: ErrorCode.NONE,
            logDir: dir,
            topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })),
            totalBytes,
            usableBytes,
        };
    });
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, results };
};
//# sourceMappingURL=35_describe_log_dirs.js.map