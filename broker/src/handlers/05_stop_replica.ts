/**
 * StopReplica (key 5), v0-v4: the controller stops this broker's replica of partitions (controlled
 * shutdown, reassignment away from it) and deletes them with deletePartition (topic deletion). See
 * ReplicaManager.stopReplicas.
 */
import type { Handler } from './context.js';
import type { StopReplicaRequest, StopReplicaResponse } from '../protocol/messages/05_stop_replica.js';

export const handleStopReplica: Handler<StopReplicaRequest, StopReplicaResponse> = (req, ctx) =>
  ctx.services.replicas.stopReplicas(req, ctx.apiVersion);
