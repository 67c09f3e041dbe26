/**
 * LeaderAndIsr (key 4), v0-v7: the controller tells this broker which partitions it leads and follows.
 * All of the work (epoch checks, log creation, becoming leader or follower, fetchers) is
 * ReplicaManager.becomeLeaderOrFollower; the leadership listeners it fires move group coordination.
 */
import type { Handler } from './context.js';
import type { LeaderAndIsrRequest, LeaderAndIsrResponse } from '../protocol/messages/04_leader_and_isr.js';

export const handleLeaderAndIsr: Handler<LeaderAndIsrRequest, LeaderAndIsrResponse> = (req, ctx) =>
  ctx.services.replicas.becomeLeaderOrFollower(req, ctx.apiVersion);
