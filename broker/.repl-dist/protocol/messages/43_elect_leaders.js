// Version 1 implements multiple leader election types, as described by KIP-460.
//
// Version 2 is the first flexible version.
export const ElectLeadersRequestSpec = {
    apiKey: 43,
    type: 'request',
    name: 'ElectLeadersRequest',
    validVersions: '0-2',
    flexibleVersions: '2+',
    fields: [
        { name: 'ElectionType', type: 'int8', versions: '1+' },
        { name: 'TopicPartitions', type: '[]TopicPartitions', versions: '0+', nullableVersions: '0+', fields: [
                { name: 'Topic', type: 'string', versions: '0+' },
                { name: 'Partitions', type: '[]int32', versions: '0+' },
            ] },
        { name: 'TimeoutMs', type: 'int32', versions: '0+', default: '60000' },
    ],
};
// Version 1 adds a top-level error code.
//
// Version 2 is the first flexible version.
export const ElectLeadersResponseSpec = {
    apiKey: 43,
    type: 'response',
    name: 'ElectLeadersResponse',
    validVersions: '0-2',
    flexibleVersions: '2+',
    fields: [
        { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
        { name: 'ErrorCode', type: 'int16', versions: '1+', ignorable: false },
        { name: 'ReplicaElectionResults', type: '[]ReplicaElectionResult', versions: '0+', fields: [
                { name: 'Topic', type: 'string', versions: '0+' },
                { name: 'PartitionResult', type: '[]PartitionResult', versions: '0+', fields: [
                        { name: 'PartitionId', type: 'int32', versions: '0+' },
                        { name: 'ErrorCode', type: 'int16', versions: '0+' },
                        { name: 'ErrorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
                    ] },
            ] },
    ],
};
//# sourceMappingURL=43_elect_leaders.js.map