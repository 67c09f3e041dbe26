// Version 1 is the same as version 0.
//
// Version 2 adds flexible version support
//
// Version 3 is identical to version 2 but may return a THROTTLING_QUOTA_EXCEEDED error
// in the response if the partitions creation is throttled (KIP-599).
export const CreatePartitionsRequestSpec = {
    apiKey: 37,
    type: 'request',
    name: 'CreatePartitionsRequest',
    validVersions: '0-3',
    flexibleVersions: '2+',
    fields: [
        { name: 'Topics', type: '[]CreatePartitionsTopic', versions: '0+', fields: [
                { name: 'Name', type: 'string', versions: '0+' },
                { name: 'Count', type: 'int32', versions: '0+' },
                { name: 'Assignments', type: '[]CreatePartitionsAssignment', versions: '0+', nullableVersions: '0+', fields: [
                        { name: 'BrokerIds', type: '[]int32', versions: '0+' },
                    ] },
            ] },
        { name: 'TimeoutMs', type: 'int32', versions: '0+' },
        { name: 'ValidateOnly', type: 'bool', versions: '0+' },
    ],
};
// Starting in version 1, on quota violation, brokers send out responses before throttling.
//
// Version 2 adds flexible version support
//
// Version 3 is identical to version 2 but may return a THROTTLING_QUOTA_EXCEEDED error
// in the response if the partitions creation is throttled (KIP-599).
export const CreatePartitionsResponseSpec = {
    apiKey: 37,
    type: 'response',
    name: 'CreatePartitionsResponse',
    validVersions: '0-3',
    flexibleVersions: '2+',
    fields: [
        { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
        { name: 'Results', type: '[]CreatePartitionsTopicResult', versions: '0+', fields: [
                { name: 'Name', type: 'string', versions: '0+' },
                { name: 'ErrorCode', type: 'int16', versions: '0+' },
                { name: 'ErrorMessage', type: 'string', versions: '0+', nullableVersions: '0+', default: 'null' },
            ] },
    ],
};
//# sourceMappingURL=37_create_partitions.js.map