// Version 1 and 2 are the same as version 0.
//
// Version 3 adds the transactional ID, which is used for authorization when attempting to write
// transactional data.  Version 3 also adds support for Kafka Message Format v2.
//
// Version 4 is the same as version 3, but the requester must be prepared to handle a
// KAFKA_STORAGE_ERROR.
//
// Version 5 and 6 are the same as version 3.
//
// Starting in version 7, records can be produced using ZStandard compression.  See KIP-110.
//
// Starting in Version 8, response has RecordErrors and ErrorMessage. See KIP-467.
//
// Version 9 enables flexible versions.
//
// Version 10 is the same as version 9 (KIP-951).
//
// Version 11 adds support for new error code TRANSACTION_ABORTABLE (KIP-890).
export const ProduceRequestSpec = {
    apiKey: 0,
    type: 'request',
    name: 'ProduceRequest',
    validVersions: '0-11',
    flexibleVersions: '9+',
    fields: [
        { name: 'TransactionalId', type: 'string', versions: '3+', nullableVersions: '3+', default: 'null' },
        { name: 'Acks', type: 'int16', versions: '0+' },
        { name: 'TimeoutMs', type: 'int32', versions: '0+' },
        { name: 'TopicData', type: '[]TopicProduceData', versions: '0+', fields: [
                { name: 'Name', type: 'string', versions: '0+' },
                { name: 'PartitionData', type: '[]PartitionProduceData', versions: '0+', fields: [
                        { name: 'Index', type: 'int32', versions: '0+' },
                        { name: 'Records', type: 'records', versions: '0+', nullableVersions: '0+' },
                    ] },
            ] },
    ],
};
// Version 1 added the throttle time.
//
// Version 2 added the log append time.
//
// Version 3 is the same as version 2.
//
// Version 4 added KAFKA_STORAGE_ERROR as a possible error code.
//
// Version 5 added LogStartOffset to filter out spurious
// OutOfOrderSequenceExceptions on the client.
//
// Version 8 added RecordErrors and ErrorMessage to include information about
// records that cause the whole batch to be dropped.  See KIP-467 for details.
//
// Version 9 enables flexible versions.
//
// Version 10 adds 'CurrentLeader' and 'NodeEndpoints' as tagged fields (KIP-951)
//
// Version 11 adds support for new error code TRANSACTION_ABORTABLE (KIP-890).
export const ProduceResponseSpec = {
    apiKey: 0,
    type: 'response',
    name: 'ProduceResponse',
    validVersions: '0-11',
    flexibleVersions: '9+',
    fields: [
        { name: 'Responses', type: '[]TopicProduceResponse', versions: '0+', fields: [
                { name: 'Name', type: 'string', versions: '0+' },
                { name: 'PartitionResponses', type: '[]PartitionProduceResponse', versions: '0+', fields: [
                        { name: 'Index', type: 'int32', versions: '0+' },
                        { name: 'ErrorCode', type: 'int16', versions: '0+' },
                        { name: 'BaseOffset', type: 'int64', versions: '0+' },
                        { name: 'LogAppendTimeMs', type: 'int64', versions: '2+', default: '-1', ignorable: true },
                        { name: 'LogStartOffset', type: 'int64', versions: '5+', default: '-1', ignorable: true },
                        { name: 'RecordErrors', type: '[]BatchIndexAndErrorMessage', versions: '8+', ignorable: true, fields: [
                                { name: 'BatchIndex', type: 'int32', versions: '8+' },
                                { name: 'BatchIndexErrorMessage', type: 'string', versions: '8+', nullableVersions: '8+', default: 'null' },
                            ] },
                        { name: 'ErrorMessage', type: 'string', versions: '8+', nullableVersions: '8+', default: 'null', ignorable: true },
                        { name: 'CurrentLeader', type: 'LeaderIdAndEpoch', versions: '10+', taggedVersions: '10+', tag: 0, fields: [
                                { name: 'LeaderId', type: 'int32', versions: '10+', default: '-1' },
                                { name: 'LeaderEpoch', type: 'int32', versions: '10+', default: '-1' },
                            ] },
                    ] },
            ] },
        { name: 'ThrottleTimeMs', type: 'int32', versions: '1+', default: '0', ignorable: true },
        { name: 'NodeEndpoints', type: '[]NodeEndpoint', versions: '10+', taggedVersions: '10+', tag: 0, fields: [
                { name: 'NodeId', type: 'int32', versions: '10+' },
                { name: 'Host', type: 'string', versions: '10+' },
                { name: 'Port', type: 'int32', versions: '10+' },
                { name: 'Rack', type: 'string', versions: '10+', nullableVersions: '10+', default: 'null' },
            ] },
    ],
};
//# sourceMappingURL=00_produce.js.map