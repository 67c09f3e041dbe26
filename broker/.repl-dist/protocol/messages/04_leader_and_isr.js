// Version 1 adds IsNew.
//
// Version 2 adds broker epoch and reorganizes the partitions by topic.
//
// Version 3 adds AddingReplicas and RemovingReplicas.
//
// Version 4 is the first flexible version.
//
// Version 5 adds Topic ID and Type to the TopicStates, as described in KIP-516.
//
// Version 6 adds LeaderRecoveryState as described in KIP-704.
//
// Version 7 adds KRaft Controller ID field as part of KIP-866
export const LeaderAndIsrRequestSpec = {
    apiKey: 4,
    type: 'request',
    name: 'LeaderAndIsrRequest',
    validVersions: '0-7',
    flexibleVersions: '4+',
    fields: [
        { name: 'ControllerId', type: 'int32', versions: '0+' },
        { name: 'isKRaftController', type: 'bool', versions: '7+', default: 'false' },
        { name: 'ControllerEpoch', type: 'int32', versions: '0+' },
        { name: 'BrokerEpoch', type: 'int64', versions: '2+', default: '-1', ignorable: true },
        { name: 'Type', type: 'int8', versions: '5+' },
        { name: 'UngroupedPartitionStates', type: '[]LeaderAndIsrPartitionState', versions: '0-1' },
        // In v0 or v1 requests, each partition is listed alongside its topic name.
        // In v2+ requests, partitions are organized by topic, so that each topic name
        // only needs to be listed once.
        { name: 'TopicStates', type: '[]LeaderAndIsrTopicState', versions: '2+', fields: [
                { name: 'TopicName', type: 'string', versions: '2+' },
                { name: 'TopicId', type: 'uuid', versions: '5+', ignorable: true },
                { name: 'PartitionStates', type: '[]LeaderAndIsrPartitionState', versions: '2+' },
            ] },
        { name: 'LiveLeaders', type: '[]LeaderAndIsrLiveLeader', versions: '0+', fields: [
                { name: 'BrokerId', type: 'int32', versions: '0+' },
                { name: 'HostName', type: 'string', versions: '0+' },
                { name: 'Port', type: 'int32', versions: '0+' },
            ] },
    ],
    commonStructs: [
        { name: 'LeaderAndIsrPartitionState', versions: '0+', fields: [
                { name: 'TopicName', type: 'string', versions: '0-1', ignorable: true },
                { name: 'PartitionIndex', type: 'int32', versions: '0+' },
                { name: 'ControllerEpoch', type: 'int32', versions: '0+' },
                { name: 'Leader', type: 'int32', versions: '0+' },
                { name: 'LeaderEpoch', type: 'int32', versions: '0+' },
                { name: 'Isr', type: '[]int32', versions: '0+' },
                { name: 'PartitionEpoch', type: 'int32', versions: '0+' },
                { name: 'Replicas', type: '[]int32', versions: '0+' },
                { name: 'AddingReplicas', type: '[]int32', versions: '3+', ignorable: true },
                { name: 'RemovingReplicas', type: '[]int32', versions: '3+', ignorable: true },
                { name: 'IsNew', type: 'bool', versions: '1+', default: 'false', ignorable: true },
                { name: 'LeaderRecoveryState', type: 'int8', versions: '6+', default: '0' },
            ] },
    ],
};
// Version 1 adds KAFKA_STORAGE_ERROR as a valid error code.
//
// Version 2 is the same as version 1.
//
// Version 3 is the same as version 2.
//
// Version 4 is the first flexible version.
//
// Version 5 removes TopicName and replaces it with TopicId and reorganizes
// the partitions by topic, as described by KIP-516.
export const LeaderAndIsrResponseSpec = {
    apiKey: 4,
    type: 'response',
    name: 'LeaderAndIsrResponse',
    validVersions: '0-7',
    flexibleVersions: '4+',
    fields: [
        { name: 'ErrorCode', type: 'int16', versions: '0+' },
        { name: 'PartitionErrors', type: '[]LeaderAndIsrPartitionError', versions: '0-4' },
        { name: 'Topics', type: '[]LeaderAndIsrTopicError', versions: '5+', fields: [
                { name: 'TopicId', type: 'uuid', versions: '5+' },
                { name: 'PartitionErrors', type: '[]LeaderAndIsrPartitionError', versions: '5+' },
            ] },
    ],
    commonStructs: [
        { name: 'LeaderAndIsrPartitionError', versions: '0+', fields: [
                { name: 'TopicName', type: 'string', versions: '0-4', ignorable: true },
                { name: 'PartitionIndex', type: 'int32', versions: '0+' },
                { name: 'ErrorCode', type: 'int16', versions: '0+' },
            ] },
    ],
};
//# sourceMappingURL=04_leader_and_isr.js.map