export const OffsetCommitRequestSpec = {
    apiKey: 8,
    type: 'request',
    name: 'OffsetCommitRequest',
    validVersions: '0-9',
    flexibleVersions: '8+',
    fields: [
        { name: 'GroupId', type: 'string', versions: '0+' },
        { name: 'GenerationIdOrMemberEpoch', type: 'int32', versions: '1+', default: '-1', ignorable: true },
        { name: 'MemberId', type: 'string', versions: '1+', ignorable: true },
        { name: 'GroupInstanceId', type: 'string', versions: '7+', nullableVersions: '7+', default: 'null' },
        { name: 'RetentionTimeMs', type: 'int64', versions: '2-4', default: '-1', ignorable: true },
        { name: 'Topics', type: '[]OffsetCommitRequestTopic', versions: '0+', fields: [
                { name: 'Name', type: 'string', versions: '0+' },
                { name: 'Partitions', type: '[]OffsetCommitRequestPartition', versions: '0+', fields: [
                        { name: 'PartitionIndex', type: 'int32', versions: '0+' },
                        { name: 'CommittedOffset', type: 'int64', versions: '0+' },
                        { name: 'CommittedLeaderEpoch', type: 'int32', versions: '6+', default: '-1', ignorable: true },
                        { name: 'CommitTimestamp', type: 'int64', versions: '1', default: '-1' },
                        { name: 'CommittedMetadata', type: 'string', versions: '0+', nullableVersions: '0+' },
                    ] },
            ] },
    ],
};
export const OffsetCommitResponseSpec = {
    apiKey: 8,
    type: 'response',
    name: 'OffsetCommitResponse',
    validVersions: '0-9',
    flexibleVersions: '8+',
    fields: [
        { name: 'ThrottleTimeMs', type: 'int32', versions: '3+', ignorable: true },
        { name: 'Topics', type: '[]OffsetCommitResponseTopic', versions: '0+', fields: [
                { name: 'Name', type: 'string', versions: '0+' },
                { name: 'Partitions', type: '[]OffsetCommitResponsePartition', versions: '0+', fields: [
                        { name: 'PartitionIndex', type: 'int32', versions: '0+' },
                        { name: 'ErrorCode', type: 'int16', versions: '0+' },
                    ] },
            ] },
    ],
};
//# sourceMappingURL=08_offset_commit.js.map