/**
 * CreateTopics (key 19), v0-v7. Per topic: name rules, existence and collision checks, partitions and
 * replication factor (-1 = broker defaults, v4+) or an explicit assignment, config validation, and
 * validateOnly (v1+). v5+ echoes the resulting partition count, replication factor and configs; v7 the
 * topic id. timeoutMs is not needed: creation is complete when the metadata write returns.
 */
import type { Handler } from './context.js';
import type { CreateTopicsRequest, CreateTopicsResponse } from '../protocol/messages/19_create_topics.js';
import { ErrorCode, KafkaError } from '../protocol/errors.js';
import { describeTopicConfig } from '../config.js';
import { MAX_PARTITIONS_PER_REQUEST } from '../server/topic-admin.js';

type TopicOut = CreateTopicsResponse['topics'][number];
const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

export const handleCreateTopics: Handler<CreateTopicsRequest, CreateTopicsResponse> = async (req, ctx) => {
  const { topicAdmin, config } = ctx.services;
  const seen = new Map<string, number>();
  for (const t of req.topics) seen.set(t.name, (seen.get(t.name) ?? 0) + 1);
  const topics: TopicOut[] = [];
  // Kafka's ReplicationControlManager.validateTotalNumberOfPartitions: the whole request fails when it asks
  // for more than 10,000 partitions in all (an explicit assignment counts its partitions, -1 the default).
  let totalPartitions = 0;
  for (const t of req.topics) {
    if (t.assignments.length > 0) totalPartitions += t.assignments.length;
    else if (t.numPartitions === -1) totalPartitions += config.numPartitions;
    else if (t.numPartitions > 0) totalPartitions += t.numPartitions;
  }
  if (totalPartitions > MAX_PARTITIONS_PER_REQUEST) {
    const errorMessage = 'Excessively large number of partitions per request.';
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        name: t.name,
        topicId: ZERO_UUID,
        errorCode: ErrorCode.POLICY_VIOLATION,
        errorMessage,
        topicConfigErrorCode: ErrorCode.NONE,
        numPartitions: -1,
        replicationFactor: -1,
        configs: [],
      })),
    };
  }
  for (const t of req.topics) {
    const out: TopicOut = {
      name: t.name,
      topicId: ZERO_UUID,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      topicConfigErrorCode: ErrorCode.NONE,
      numPartitions: -1,
      replicationFactor: -1,
      configs: [],
    };
    try {
      if ((seen.get(t.name) ?? 0) > 1) {
        throw new KafkaError(ErrorCode.INVALID_REQUEST, `Create topics request from client contains duplicate topic ${t.name}`);
      }
      const configs: Record<string, string> = {};
      for (const c of t.configs) {
        if (c.value === null) throw new KafkaError(ErrorCode.INVALID_CONFIG, `Null value not supported for topic config ${c.name}`);
        configs[c.name] = c.value;
      }
      const assignment = t.assignments.length > 0 ? [...t.assignments].sort((a, b) => a.partitionIndex - b.partitionIndex) : [];
      assignment.forEach((a, i) => {
        if (a.partitionIndex !== i) throw new KafkaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'Partitions should be a consecutive 0-based integer sequence');
      });
      const record = await topicAdmin.createTopic({
        name: t.name,
        numPartitions: t.numPartitions,
        replicationFactor: t.replicationFactor,
        assignment: assignment.map((a) => a.brokerIds),
        configs,
        validateOnly: req.validateOnly,
      });
      out.topicId = req.validateOnly ? ZERO_UUID : record.topicId;
      out.numPartitions = record.partitions.length;
      out.replicationFactor = record.partitions[0]?.replicas.length ?? 0;
      out.configs = describeTopicConfig(config, record.configs).map((e) => ({
        name: e.name,
        value: e.value,
        readOnly: e.readOnly,
        configSource: e.configSource,
        isSensitive: e.isSensitive,
      }));
    } catch (err) {
      if (!(err instanceof KafkaError)) throw err;
      out.errorCode = err.code;
      out.errorMessage = err.message;
    }
    topics.push(out);
  }
  return { throttleTimeMs: 0, topics };
};
