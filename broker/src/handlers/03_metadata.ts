/**
 * Metadata (key 3), v0-v12. v0 lists all topics for an empty topic array, v1+ for a null one. Topics can
 * be named or (v10+) identified by id. Unknown topics are auto-created when auto.create.topics.enable is
 * on and the request allows it (always for v0-v3, the allowAutoTopicCreation flag from v4); Kafka answers
 * LEADER_NOT_AVAILABLE for a topic it just created, but our creation is synchronous and the leader exists,
 * so the new topic is returned ready to use. Brokers are listed with the endpoint of the listener the
 * request arrived on.
 */
import type { Handler, RequestContext } from './context.js';
import type { MetadataRequest, MetadataResponse } from '../protocol/messages/03_metadata.js';
import type { TopicRecord } from '../metadata/store.js';
import { ErrorCode, KafkaError } from '../protocol/errors.js';
import { CLUSTER_OPERATIONS, OPERATIONS_NOT_REQUESTED, TOPIC_OPERATIONS } from './authorized-operations.js';

type TopicOut = MetadataResponse['topics'][number];
const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

function describeTopic(t: TopicRecord, req: MetadataRequest, ctx: RequestContext): TopicOut {
  const live = new Set(ctx.services.metadata.brokers().map((b) => b.id));
  return {
    errorCode: ErrorCode.NONE,
    name: t.name,
    topicId: t.topicId,
    isInternal: t.internal,
    partitions: t.partitions.map((p) => ({
      errorCode: p.leader === -1 ? ErrorCode.LEADER_NOT_AVAILABLE : ErrorCode.NONE,
      partitionIndex: p.partition,
      leaderId: p.leader,
      leaderEpoch: p.leaderEpoch,
      replicaNodes: p.replicas,
      isrNodes: p.isr,
      offlineReplicas: p.replicas.filter((r) => !live.has(r)),
    })),
    topicAuthorizedOperations: req.includeTopicAuthorizedOperations ? TOPIC_OPERATIONS : OPERATIONS_NOT_REQUESTED,
  };
}

function errorTopic(name: string | null, topicId: string, code: number): TopicOut {
  return {
    errorCode: code,
    name,
    topicId,
    isInternal: false,
    partitions: [],
    topicAuthorizedOperations: OPERATIONS_NOT_REQUESTED,
  };
}

export const handleMetadata: Handler<MetadataRequest, MetadataResponse> = async (req, ctx) => {
  const { metadata, config, topicAdmin } = ctx.services;
  const allowAutoCreate = (ctx.apiVersion < 4 || req.allowAutoTopicCreation) && config.autoCreateTopicsEnable;
  const listAll = req.topics === null || (ctx.apiVersion === 0 && req.topics.length === 0);
  const topics: TopicOut[] = [];
  if (listAll) {
    for (const t of metadata.topics()) topics.push(describeTopic(t, req, ctx));
  } else {
    for (const wanted of req.topics ?? []) {
      if (wanted.name === null) {
        const t = metadata.topicById(wanted.topicId);
        topics.push(t ? describeTopic(t, req, ctx) : errorTopic(null, wanted.topicId, ErrorCode.UNKNOWN_TOPIC_ID));
        continue;
      }
      const existing = metadata.topic(wanted.name);
      if (existing) {
        topics.push(describeTopic(existing, req, ctx));
        continue;
      }
      if (!allowAutoCreate) {
        topics.push(errorTopic(wanted.name, ZERO_UUID, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
        continue;
      }
      try {
        const created = await topicAdmin.ensureTopic(wanted.name, config.numPartitions, config.defaultReplicationFactor, {});
        topics.push(describeTopic(created, req, ctx));
      } catch (err) {
        if (!(err instanceof KafkaError)) throw err;
        topics.push(errorTopic(wanted.name, ZERO_UUID, err.code));
      }
    }
  }
  const brokers = metadata.brokers().flatMap((b) => {
    const ep = b.endpoints.find((e) => e.name === ctx.listenerName) ?? b.endpoints[0];
    return ep ? [{ nodeId: b.id, host: ep.host, port: ep.port, rack: b.rack }] : [];
  });
  return {
    throttleTimeMs: 0,
    brokers,
    clusterId: metadata.clusterId(),
    controllerId: metadata.controllerId(),
    topics,
    clusterAuthorizedOperations: req.includeClusterAuthorizedOperations ? CLUSTER_OPERATIONS : OPERATIONS_NOT_REQUESTED,
  };
};
