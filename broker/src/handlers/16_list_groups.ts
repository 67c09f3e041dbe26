/**
 * ListGroups (key 16), v0-v5: the groups of the `__consumer_offsets` partitions this broker leads (the
 * admin client asks every broker and merges); COORDINATOR_LOAD_IN_PROGRESS, with the groups loaded so far,
 * while a partition is still loading, as Kafka. v4 adds StatesFilter (case-insensitive; empty = all) and
 * GroupState in the answer; v5 adds TypesFilter and GroupType, always "classic" here.
 */
import type { Handler } from './context.js';
import type { ListGroupsRequest, ListGroupsResponse } from '../protocol/messages/16_list_groups.js';

export const handleListGroups: Handler<ListGroupsRequest, ListGroupsResponse> = (req, ctx) => {
  const v = ctx.apiVersion;
  const r = ctx.services.groups.listGroups(v >= 4 ? req.statesFilter : [], v >= 5 ? req.typesFilter : []);
  return {
    throttleTimeMs: 0,
    errorCode: r.errorCode,
    groups: r.groups.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType, groupState: g.state, groupType: g.groupType })),
  };
};
