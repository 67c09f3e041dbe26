export const OffsetDeleteRequestSpec = {
    apiKey: 47,
    type: 'request',
    name: 'OffsetDeleteRequest',
    validVersions: '0',
    flexibleVersions: 'none',
    fields: [
        { name: 'GroupId', type: 'string', versions: '0+' },
        { name: 'Topics', type: '[]OffsetDeleteRequestTopic', versions: '0+', fields: [
                { name: 'Name', type: 'string', versions: '0+' },
                { name: 'Partitions', type: '[]OffsetDeleteRequestPartition', versions: '0+', fields: [
                        { name: 'PartitionIndex', type: 'int32', versions: '0+' },
                    ] },
            ] },
    ],
};
export const OffsetDeleteResponseSpec = {
    apiKey: 47,
    type: 'response',
    name: 'OffsetDeleteResponse',
    validVersions: '0',
    flexibleVersions: 'none',
    fields: [
        { name: 'ErrorCode', type: 'int16', versions: '0+' },
        { name: 'ThrottleTimeMs', type: 'int32', versions: '0+', ignorable: true },
        { name: 'Topics', type: '[]OffsetDeleteResponseTopic', versions: '0+', fields: [
                { name: 'Name', type: 'string', versions: '0+' },
                { name: 'Partitions', type: '[]OffsetDeleteResponsePartition', versions: '0+', fields: [
                        { name: 'PartitionIndex', type: 'int32', versions: '0+' },
                        { name: 'ErrorCode', type: 'int16', versions: '0+' },
                    ] },
            ] },
    ],
};
//# sourceMappingURL=47_offset_delete.js.map