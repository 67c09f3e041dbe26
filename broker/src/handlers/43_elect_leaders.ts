/**
 * ElectLeaders (key 43), v0-v2: preferred (0) or unclean (1) leader election, for the listed partitions or
 * (topicPartitions null) all of them; with null, partitions that needed no election are left out of the
 * answer, as Kafka's KafkaApis does. v0 has no election type (always preferred) and no top-level error.
 */
import type { Handler } from './context.js';
import type { ElectLeadersRequest, ElectLeadersResponse } from '../protocol/messages/43_elect_leaders.js';
import { ErrorCode, KafkaError } from '../protocol/errors.js';
import { activeController, groupByTopic } from '../controller/handler-support.js';
import { ELECTION_PREFERRED, ELECTION_UNCLEAN } from '../controller/kafka-controller.js';

type Result = ElectLeadersResponse['replicaElectionResults'][number];

export const handleElectLeaders: Handler<ElectLeadersRequest, ElectLeadersResponse> = async (req, ctx) => {
  const requested =
    req.topicPartitions === null
      ? null
      : req.topicPartitions.flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic, partition })));
  const everyRequested = (errorCode: number, errorMessage: string | null): ElectLeadersResponse => ({
    throttleTimeMs: 0,
    errorCode,
    replicaElectionResults: [...groupByTopic(requested ?? [])].map(([topic, tps]) => ({
      topic,
      partitionResult: tps.map((tp) => ({ partitionId: tp.partition, errorCode, errorMessage })),
    })),
  });

  const electionType = ctx.apiVersion >= 1 ? req.electionType : ELECTION_PREFERRED;
  if (electionType !== ELECTION_PREFERRED && electionType !== ELECTION_UNCLEAN) {
    return everyRequested(ErrorCode.INVALID_REQUEST, `Unknown election type ${electionType}`);
  }
  const controller = activeController(ctx);
  if (!controller) return everyRequested(ErrorCode.NOT_CONTROLLER, 'This is not the correct controller for this cluster.');
  let results;
  try {
    results = await controller.electLeaders(electionType, requested);
  } catch (err) {
    if (err instanceof KafkaError) return everyRequested(err.code, err.message);
    throw err;
  }
  let list = [...results.values()];
  if (requested === null) list = list.filter((r) => r.errorCode !== ErrorCode.ELECTION_NOT_NEEDED);
  const replicaElectionResults: Result[] = [...groupByTopic(list)].map(([topic, rs]) => ({
    topic,
    partitionResult: rs.map((r) => ({ partitionId: r.partition, errorCode: r.errorCode, errorMessage: r.errorMessage })),
  }));
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, replicaElectionResults };
};
