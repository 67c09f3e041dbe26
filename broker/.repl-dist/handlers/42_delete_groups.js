export const handleDeleteGroups = async (req, ctx) => {
    const results = await ctx.services.groups.deleteGroups(req.groupsNames);
    return { throttleTimeMs: 0, results };
};
//# sourceMappingURL=42_delete_groups.js.map