export const ConsumerProtocolSubscriptionSpec = {
    type: 'data',
    name: 'ConsumerProtocolSubscription',
    validVersions: '0-3',
    flexibleVersions: 'none',
    fields: [
        { name: 'Topics', type: '[]string', versions: '0+' },
        { name: 'UserData', type: 'bytes', versions: '0+', nullableVersions: '0+', default: 'null' },
        { name: 'OwnedPartitions', type: '[]TopicPartition', versions: '1+', ignorable: true, fields: [
                { name: 'Topic', type: 'string', versions: '1+' },
                { name: 'Partitions', type: '[]int32', versions: '1+' },
            ] },
        { name: 'GenerationId', type: 'int32', versions: '2+', default: '-1', ignorable: true },
        { name: 'RackId', type: 'string', versions: '3+', nullableVersions: '3+', default: 'null', ignorable: true },
    ],
};
export const ConsumerProtocolAssignmentSpec = {
    type: 'data',
    name: 'ConsumerProtocolAssignment',
    validVersions: '0-3',
    flexibleVersions: 'none',
    fields: [
        { name: 'AssignedPartitions', type: '[]TopicPartition', versions: '0+', fields: [
                { name: 'Topic', type: 'string', versions: '0+' },
                { name: 'Partitions', type: '[]int32', versions: '0+' },
            ] },
        { name: 'UserData', type: 'bytes', versions: '0+', nullableVersions: '0+', default: 'null' },
    ],
};
export const OffsetCommitKeySpec = {
    type: 'data',
    name: 'OffsetCommitKey',
    validVersions: '0-1',
    flexibleVersions: 'none',
    fields: [
        { name: 'group', type: 'string', versions: '0-1' },
        { name: 'topic', type: 'string', versions: '0-1' },
        { name: 'partition', type: 'int32', versions: '0-1' },
    ],
};
export const OffsetCommitValueSpec = {
    type: 'data',
    name: 'OffsetCommitValue',
    validVersions: '0-4',
    flexibleVersions: '4+',
    fields: [
        { name: 'offset', type: 'int64', versions: '0+' },
        { name: 'leaderEpoch', type: 'int32', versions: '3+', default: -1, ignorable: true },
        { name: 'metadata', type: 'string', versions: '0+' },
        { name: 'commitTimestamp', type: 'int64', versions: '0+' },
        { name: 'expireTimestamp', type: 'int64', versions: '1', default: -1, ignorable: true },
    ],
};
export const GroupMetadataKeySpec = {
    type: 'data',
    name: 'GroupMetadataKey',
    validVersions: '2',
    flexibleVersions: 'none',
    fields: [
        { name: 'group', type: 'string', versions: '2' },
    ],
};
export const GroupMetadataValueSpec = {
    type: 'data',
    name: 'GroupMetadataValue',
    validVersions: '0-4',
    flexibleVersions: '4+',
    fields: [
        { name: 'protocolType', type: 'string', versions: '0+' },
        { name: 'generation', type: 'int32', versions: '0+' },
        { name: 'protocol', type: 'string', versions: '0+', nullableVersions: '0+' },
        { name: 'leader', type: 'string', versions: '0+', nullableVersions: '0+' },
        { name: 'currentStateTimestamp', type: 'int64', versions: '2+', default: -1, ignorable: true },
        { name: 'members', type: '[]MemberMetadata', versions: '0+' },
    ],
    commonStructs: [
        { name: 'MemberMetadata', versions: '0+', fields: [
                { name: 'memberId', type: 'string', versions: '0+' },
                { name: 'groupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+', default: 'null', ignorable: true },
                { name: 'clientId', type: 'string', versions: '0+' },
                { name: 'clientHost', type: 'string', versions: '0+' },
                { name: 'rebalanceTimeout', type: 'int32', versions: '1+', default: -1, ignorable: true },
                { name: 'sessionTimeout', type: 'int32', versions: '0+' },
                { name: 'subscription', type: 'bytes', versions: '0+' },
                { name: 'assignment', type: 'bytes', versions: '0+' },
            ] },
    ],
};
//# sourceMappingURL=consumer-protocol.js.map