// Version 1 adds validateOnly.
//
// Version 4 makes partitions/replicationFactor optional even when assignments are not present (KIP-464)
//
// Version 5 is the first flexible version.
// Version 5 also returns topic configs in the response (KIP-525).
//
// Version 6 is identical to version 5 but may return a THROTTLING_QUOTA_EXCEEDED error
// in the response if the topics creation is throttled (KIP-599).
//
// Version 7 is the same as version 6.
export const CreateTopicsRequestSpec = {
    apiKey: 19,
    type: 'request',
    name: 'CreateTopicsRequest',
    validVersions: '0-7',
    flexibleVersions: '5+',
    fields: [
        { name: 'Topics', type: '[]CreatableTopic', versions: '0+', fields: [
                { name: 'Name', type: 'string', versions: '0+' },
                { name: 'NumPartitions', type: 'int32', versions: '0+' },
                { name: 'ReplicationFactor', type: 'int16', versions: '0+' },
                { name: 'Assignments', type: '[]CreatableReplicaAssignment', versions: '0+', fields: [
                        { name: 'PartitionIndex', type: 'int32', versions: '0+' },
                        { name: 'BrokerIds', type: '[]int32', versions: '0+' },
                    ] },
                { name: 'Configs', type: '[]CreatableTopicConfig', versions: '0+', fields: [
                        { name: 'Name', type: 'string', versions: '0+' },
                        { name: 'Value', type: 'string', versions: '0+', nullableVersions: '0+' },
                    ] },
            ] },
        { name: 'timeoutMs', type: 'int32', versions: '0+', default: '60000' },
        { name: 'validateOnly', type: 'bool', versions: '1+', default: 'false', ignorable: false },
    ],
};
// Version 1 adds a per-topic error message string.
//
// Version 2 adds the throttle time.
//
// Starting in version 3, on quota violation, brokers send out responses before throttling.
//
// Version 4 makes partitions/replicationFactor optional even when assignments are not present (KIP-464).
//
// Version 5 is the first flexible version.
// Version 5 also returns topic configs in the response (KIP-525).
//
// Version 6 is identical to version 5 but may return a THROTTLING_QUOTA_EXCEEDED error
// in the response if the topics creation is throttled (KIP-599).
//
// Version 7 returns the topic ID of the newly created topic if creation is successful.
export const CreateTopicsResponseSpec = {
    apiKey: 19,
    type: 'response',
    name: 'CreateTopicsResponse',
    validVersions: '0-7',
    flexibleVersions: '5+',
    fields: [
        { name: 'ThrottleTimeMs', type: 'int32', versions: '2+', ignorable: true },
        { name: 'Topics', type: '[]CreatableTopicResult', versions: '0+', fields: [
                { name: 'Name', type: 'string', versions: '0+' },
                { name: 'TopicId', type: 'uuid', versions: '7+', ignorable: true },
                { name: 'ErrorCode', type: 'int16', versions: '0+' },
                { name: 'ErrorMessage', type: 'string', versions: '1+', nullableVersions: '0+', ignorable: true },
                { name: 'TopicConfigErrorCode', type: 'int16', versions: '5+', taggedVersions: '5+', tag: 0, ignorable: true },
                { name: 'NumPartitions', type: 'int32', versions: '5+', default: '-1', ignorable: true },
                { name: 'ReplicationFactor', type: 'int16', versions: '5+', default: '-1', ignorable: true },
                { name: 'Configs', type: '[]CreatableTopicConfigs', versions: '5+', nullableVersions: '5+', ignorable: true, fields: [
                        { name: 'Name', type: 'string', versions: '5+' },
                        { name: 'Value', type: 'string', versions: '5+', nullableVersions: '5+' },
                        { name: 'ReadOnly', type: 'bool', versions: '5+' },
                        { name: 'ConfigSource', type: 'int8', versions: '5+', default: '-1', ignorable: true },
                        { name: 'IsSensitive', type: 'bool', versions: '5+' },
                    ] },
            ] },
    ],
};
//# sourceMappingURL=19_create_topics.js.map