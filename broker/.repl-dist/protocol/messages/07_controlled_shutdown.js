// Version 0 of ControlledShutdownRequest has a non-standard request header
// which does not include clientId.  Version 1 and later use the standard
// request header.
//
// Version 1 is the same as version 0.
//
// Version 2 adds BrokerEpoch.
export const ControlledShutdownRequestSpec = {
    apiKey: 7,
    type: 'request',
    name: 'ControlledShutdownRequest',
    validVersions: '0-3',
    flexibleVersions: '3+',
    fields: [
        { name: 'BrokerId', type: 'int32', versions: '0+' },
        { name: 'BrokerEpoch', type: 'int64', versions: '2+', default: '-1', ignorable: true },
    ],
};
// Versions 1 and 2 are the same as version 0.
export const ControlledShutdownResponseSpec = {
    apiKey: 7,
    type: 'response',
    name: 'ControlledShutdownResponse',
    validVersions: '0-3',
    flexibleVersions: '3+',
    fields: [
        { name: 'ErrorCode', type: 'int16', versions: '0+' },
        { name: 'RemainingPartitions', type: '[]RemainingPartition', versions: '0+', fields: [
                { name: 'TopicName', type: 'string', versions: '0+' },
                { name: 'PartitionIndex', type: 'int32', versions: '0+' },
            ] },
    ],
};
//# sourceMappingURL=07_controlled_shutdown.js.map