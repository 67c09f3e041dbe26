export const DeleteGroupsRequestSpec = {
    apiKey: 42,
    type: 'request',
    name: 'DeleteGroupsRequest',
    validVersions: '0-2',
    flexibleVersions: '2+',
    fields: [
        { name: 'GroupsNames', type: '[]string', versions: '0+' },
    ],
};
export const DeleteGroupsResponseSpec = {
    apiKey: 42,
    type: 'response',
    name: 'DeleteGroupsResponse',
    validVersions: '0-2',
    flexibleVersions: '2+',
    fields: [
        { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
        { name: 'Results', type: '[]DeletableGroupResult', versions: '0+', fields: [
                { name: 'GroupId', type: 'string', versions: '0+' },
                { name: 'ErrorCode', type: 'int16', versions: '0+' },
            ] },
    ],
};
//# sourceMappingURL=42_delete_groups.js.map