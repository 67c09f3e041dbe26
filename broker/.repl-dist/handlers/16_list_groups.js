export const handleListGroups = (req, ctx) => {
    const v = ctx.apiVersion;
    const r = ctx.services.groups.listGroups(v >= 4 ? req.statesFilter : [], v >= 5 ? req.typesFilter : []);
    return {
        throttleTimeMs: 0,
        errorCode: r.errorCode,
        groups: r.groups.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType, groupState: g.state, groupType: g.groupType })),
    };
};
//# sourceMappingURL=16_list_groups.js.map