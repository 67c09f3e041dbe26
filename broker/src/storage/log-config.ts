/** Topic-level log settings (Kafka's topic config keys), resolved from broker defaults plus topic overrides. */
export interface LogConfig {
  segmentBytes: number; // segment.bytes
  segmentMs: number; // segment.ms
  segmentIndexBytes: number; // segment.index.bytes
  indexIntervalBytes: number; // index.interval.bytes
  retentionMs: number; // retention.ms (-1 = forever)
  retentionBytes: number; // retention.bytes (-1 = unlimited)
  cleanupPolicy: { delete: boolean; compact: boolean }; // cleanup.policy
  deleteRetentionMs: number; // delete.retention.ms
  minCompactionLagMs: number; // min.compaction.lag.ms
  maxCompactionLagMs: number; // max.compaction.lag.ms
  minCleanableDirtyRatio: number; // min.cleanable.dirty.ratio
  fileDeleteDelayMs: number; // file.delete.delay.ms
  maxMessageBytes: number; // max.message.bytes
  messageTimestampType: 'CreateTime' | 'LogAppendTime'; // message.timestamp.type
  flushMessages: number; // flush.messages
  flushMs: number; // flush.ms
  minInsyncReplicas: number; // min.insync.replicas
  uncleanLeaderElectionEnable: boolean; // unclean.leader.election.enable
}

export const DEFAULT_LOG_CONFIG: LogConfig = {
  segmentBytes: 1024 * 1024 * 1024,
  segmentMs: 7 * 24 * 3600 * 1000,
  segmentIndexBytes: 10 * 1024 * 1024,
  indexIntervalBytes: 4096,
  retentionMs: 7 * 24 * 3600 * 1000,
  retentionBytes: -1,
  cleanupPolicy: { delete: true, compact: false },
  deleteRetentionMs: 24 * 3600 * 1000,
  minCompactionLagMs: 0,
  maxCompactionLagMs: Number.MAX_SAFE_INTEGER,
  minCleanableDirtyRatio: 0.5,
  fileDeleteDelayMs: 60_000,
  maxMessageBytes: 1024 * 1024 + 12,
  messageTimestampType: 'CreateTime',
  flushMessages: Number.MAX_SAFE_INTEGER,
  flushMs: Number.MAX_SAFE_INTEGER,
  minInsyncReplicas: 1,
  uncleanLeaderElectionEnable: false,
};
