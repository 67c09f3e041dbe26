// Version 1 adds the broker epoch and reorganizes the partitions to be stored
// per topic.
//
// Version 2 is the first flexible version.
//
// Version 3 adds the leader epoch per partition (KIP-570).
//
// Version 4 adds KRaft Controller ID field as part of KIP-866
export const StopReplicaRequestSpec = {
    apiKey: 5,
    type: 'request',
    name: 'StopReplicaRequest',
    validVersions: '0-4',
    flexibleVersions: '2+',
    fields: [
        { name: 'ControllerId', type: 'int32', versions: '0+' },
        { name: 'isKRaftController', type: 'bool', versions: '4+', default: 'false' },
        { name: 'ControllerEpoch', type: 'int32', versions: '0+' },
        { name: 'BrokerEpoch', type: 'int64', versions: '1+', default: '-1', ignorable: true },
        { name: 'DeletePartitions', type: 'bool', versions: '0-2' },
        { name: 'UngroupedPartitions', type: '[]StopReplicaPartitionV0', versions: '0', fields: [
                { name: 'TopicName', type: 'string', versions: '0' },
                { name: 'PartitionIndex', type: 'int32', versions: '0' },
            ] },
        { name: 'Topics', type: '[]StopReplicaTopicV1', versions: '1-2', fields: [
                { name: 'Name', type: 'string', versions: '1-2' },
                { name: 'PartitionIndexes', type: '[]int32', versions: '1-2' },
            ] },
        { name: 'TopicStates', type: '[]StopReplicaTopicState', versions: '3+', fields: [
                { name: 'TopicName', type: 'string', versions: '3+' },
                { name: 'PartitionStates', type: '[]StopReplicaPartitionState', versions: '3+', fields: [
                        { name: 'PartitionIndex', type: 'int32', versions: '3+' },
                        { name: 'LeaderEpoch', type: 'int32', versions: '3+', default: '-1' },
                        { name: 'DeletePartition', type: 'bool', versions: '3+' },
                    ] },
            ] },
    ],
};
// Version 1 is the same as version 0.
//
// Version 2 is the first flexible version.
//
// Version 3 returns FENCED_LEADER_EPOCH if the epoch of the leader is stale (KIP-570).
export const StopReplicaResponseSpec = {
    apiKey: 5,
    type: 'response',
    name: 'StopReplicaResponse',
    validVersions: '0-4',
    flexibleVersions: '2+',
    fields: [
        { name: 'ErrorCode', type: 'int16', versions: '0+' },
        { name: 'PartitionErrors', type: '[]StopReplicaPartitionError', versions: '0+', fields: [
                { name: 'TopicName', type: 'string', versions: '0+' },
                { name: 'PartitionIndex', type: 'int32', versions: '0+' },
                { name: 'ErrorCode', type: 'int16', versions: '0+' },
            ] },
    ],
};
//# sourceMappingURL=05_stop_replica.js.map