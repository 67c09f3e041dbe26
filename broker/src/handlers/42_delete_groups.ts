/**
 * DeleteGroups (key 42), v0-v2: deletes empty groups with their committed offsets (tombstones in
 * `__consumer_offsets`, written before the group disappears). Non-empty groups get NON_EMPTY_GROUP,
 * unknown ones GROUP_ID_NOT_FOUND.
 */
import type { Handler } from './context.js';
import type { DeleteGroupsRequest, DeleteGroupsResponse } from '../protocol/messages/42_delete_groups.js';

export const handleDeleteGroups: Handler<DeleteGroupsRequest, DeleteGroupsResponse> = async (req, ctx) => {
  const results = await ctx.services.groups.deleteGroups(req.groupsNames);
  return { throttleTimeMs: 0, results };
};
