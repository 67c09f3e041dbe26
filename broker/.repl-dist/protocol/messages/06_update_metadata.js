// Version 1 allows specifying multiple endpoints for each broker.
//
// Version 2 adds the rack.
//
// Version 3 adds the listener name.
//
// Version 4 adds the offline replica list.
//
// Version 5 adds the broker epoch field and normalizes partitions by topic.
//
// Version 7 adds topicId
//
// Version 8 adds KRaft Controller ID field as part of KIP-866
export const UpdateMetadataRequestSpec = {
    apiKey: 6,
    type: 'request',
    name: 'UpdateMetadataRequest',
    validVersions: '0-8',
    flexibleVersions: '6+',
    fields: [
        { name: 'ControllerId', type: 'int32', versions: '0+' },
        { name: 'isKRaftController', type: 'bool', versions: '8+', default: 'false' },
        { name: 'Type', type: 'int8', versions: '8+', taggedVersions: '8+', tag: 0, default: 0 },
        { name: 'ControllerEpoch', type: 'int32', versions: '0+' },
        { name: 'BrokerEpoch', type: 'int64', versions: '5+', default: '-1', ignorable: true },
        { name: 'UngroupedPartitionStates', type: '[]UpdateMetadataPartitionState', versions: '0-4' },
        { name: 'TopicStates', type: '[]UpdateMetadataTopicState', versions: '5+', fields: [
                { name: 'TopicName', type: 'string', versions: '5+' },
                { name: 'TopicId', type: 'uuid', versions: '7+', ignorable: true },
                { name: 'PartitionStates', type: '[]UpdateMetadataPartitionState', versions: '5+' },
            ] },
        { name: 'LiveBrokers', type: '[]UpdateMetadataBroker', versions: '0+', fields: [
                { name: 'Id', type: 'int32', versions: '0+' },
                // Version 0 of the protocol only allowed specifying a single host and
                // port per broker, rather than an array of endpoints.
                { name: 'V0Host', type: 'string', versions: '0', ignorable: true },
                { name: 'V0Port', type: 'int32', versions: '0', ignorable: true },
                { name: 'Endpoints', type: '[]UpdateMetadataEndpoint', versions: '1+', ignorable: true, fields: [
                        { name: 'Port', type: 'int32', versions: '1+' },
                        { name: 'Host', type: 'string', versions: '1+' },
                        { name: 'Listener', type: 'string', versions: '3+', ignorable: true },
                        { name: 'SecurityProtocol', type: 'int16', versions: '1+' },
                    ] },
                { name: 'Rack', type: 'string', versions: '2+', nullableVersions: '0+', ignorable: true },
            ] },
    ],
    commonStructs: [
        { name: 'UpdateMetadataPartitionState', versions: '0+', fields: [
                { name: 'TopicName', type: 'string', versions: '0-4', ignorable: true },
                { name: 'PartitionIndex', type: 'int32', versions: '0+' },
                { name: 'ControllerEpoch', type: 'int32', versions: '0+' },
                { name: 'Leader', type: 'int32', versions: '0+' },
                { name: 'LeaderEpoch', type: 'int32', versions: '0+' },
                { name: 'Isr', type: '[]int32', versions: '0+' },
                { name: 'ZkVersion', type: 'int32', versions: '0+' },
                { name: 'Replicas', type: '[]int32', versions: '0+' },
                { name: 'OfflineReplicas', type: '[]int32', versions: '4+', ignorable: true },
            ] },
    ],
};
// Versions 1, 2, 3, 4, and 5 are the same as version 0
export const UpdateMetadataResponseSpec = {
    apiKey: 6,
    type: 'response',
    name: 'UpdateMetadataResponse',
    validVersions: '0-8',
    flexibleVersions: '6+',
    fields: [
        { name: 'ErrorCode', type: 'int16', versions: '0+' },
    ],
};
//# sourceMappingURL=06_update_metadata.js.map