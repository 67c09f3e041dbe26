// Version 1 adds LeaderRecoveryState field (KIP-704).
//
// Version 2 adds TopicId field to replace TopicName field (KIP-841).
//
// Version 3 adds the NewIsrEpochs field and deprecates the NewIsr field (KIP-903).
export const AlterPartitionRequestSpec = {
    apiKey: 56,
    type: 'request',
    name: 'AlterPartitionRequest',
    validVersions: '0-3',
    flexibleVersions: '0+',
    fields: [
        { name: 'BrokerId', type: 'int32', versions: '0+' },
        { name: 'BrokerEpoch', type: 'int64', versions: '0+', default: '-1' },
        { name: 'Topics', type: '[]TopicData', versions: '0+', fields: [
                { name: 'TopicName', type: 'string', versions: '0-1', ignorable: true },
                { name: 'TopicId', type: 'uuid', versions: '2+', ignorable: true },
                { name: 'Partitions', type: '[]PartitionData', versions: '0+', fields: [
                        { name: 'PartitionIndex', type: 'int32', versions: '0+' },
                        { name: 'LeaderEpoch', type: 'int32', versions: '0+' },
                        { name: 'NewIsr', type: '[]int32', versions: '0-2' },
                        { name: 'NewIsrWithEpochs', type: '[]BrokerState', versions: '3+', fields: [
                                { name: 'BrokerId', type: 'int32', versions: '3+' },
                                { name: 'BrokerEpoch', type: 'int64', versions: '3+', default: '-1' },
                            ] },
                        { name: 'LeaderRecoveryState', type: 'int8', versions: '1+', default: '0' },
                        { name: 'PartitionEpoch', type: 'int32', versions: '0+' },
                    ] },
            ] },
    ],
};
// Version 1 adds LeaderRecoveryState field (KIP-704).
//
// Version 2 adds TopicId field to replace TopicName field, can return the following new errors:
// INELIGIBLE_REPLICA, NEW_LEADER_ELECTED and UNKNOWN_TOPIC_ID (KIP-841).
//
// Version 3 is the same as version 2 (KIP-903).
export const AlterPartitionResponseSpec = {
    apiKey: 56,
    type: 'response',
    name: 'AlterPartitionResponse',
    validVersions: '0-3',
    flexibleVersions: '0+',
    fields: [
        { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
        { name: 'ErrorCode', type: 'int16', versions: '0+' },
        { name: 'Topics', type: '[]TopicData', versions: '0+', fields: [
                { name: 'TopicName', type: 'string', versions: '0-1', ignorable: true },
                { name: 'TopicId', type: 'uuid', versions: '2+', ignorable: true },
                { name: 'Partitions', type: '[]PartitionData', versions: '0+', fields: [
                        { name: 'PartitionIndex', type: 'int32', versions: '0+' },
                        { name: 'ErrorCode', type: 'int16', versions: '0+' },
                        { name: 'LeaderId', type: 'int32', versions: '0+' },
                        { name: 'LeaderEpoch', type: 'int32', versions: '0+' },
                        { name: 'Isr', type: '[]int32', versions: '0+' },
                        { name: 'LeaderRecoveryState', type: 'int8', versions: '1+', default: '0', ignorable: true },
                        { name: 'PartitionEpoch', type: 'int32', versions: '0+' },
                    ] },
            ] },
    ],
};
//# sourceMappingURL=56_alter_partition.js.map