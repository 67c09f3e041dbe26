// 
// Version 1 is the same as version 0.
//
// Starting in Version 2, the requester must be able to handle Kafka Log
// Message format version 1.
//
// Version 3 adds MaxBytes.  Starting in version 3, the partition ordering in
// the request is now relevant.  Partitions will be processed in the order
// they appear in the request.
//
// Version 4 adds IsolationLevel.  Starting in version 4, the reqestor must be
// able to handle Kafka log message format version 2.
//
// Version 5 adds LogStartOffset to indicate the earliest available offset of
// partition data that can be consumed.
//
// Version 6 is the same as version 5.
//
// Version 7 adds incremental fetch request support.
//
// Version 8 is the same as version 7.
//
// Version 9 adds CurrentLeaderEpoch, as described in KIP-320.
//
// Version 10 indicates that we can use the ZStd compression algorithm, as
// described in KIP-110.
// Version 12 adds flexible versions support as well as epoch validation through
// the `LastFetchedEpoch` field
//
// Version 13 replaces topic names with topic IDs (KIP-516). May return UNKNOWN_TOPIC_ID error code.
//
// Version 14 is the same as version 13 but it also receives a new error called OffsetMovedToTieredStorageException(KIP-405)
//
// Version 15 adds the ReplicaState which includes new field ReplicaEpoch and the ReplicaId. Also,
// deprecate the old ReplicaId field and set its default value to -1. (KIP-903)
//
// Version 16 is the same as version 15 (KIP-951).
//
// Version 17 adds directory id support from KIP-853
export const FetchRequestSpec = {
    apiKey: 1,
    type: 'request',
    name: 'FetchRequest',
    validVersions: '0-17',
    flexibleVersions: '12+',
    fields: [
        { name: 'ClusterId', type: 'string', versions: '12+', nullableVersions: '12+', taggedVersions: '12+', tag: 0, default: 'null', ignorable: true },
        { name: 'ReplicaId', type: 'int32', versions: '0-14', default: '-1' },
        { name: 'ReplicaState', type: 'ReplicaState', versions: '15+', taggedVersions: '15+', tag: 1, fields: [
                { name: 'ReplicaId', type: 'int32', versions: '15+', default: '-1' },
                { name: 'ReplicaEpoch', type: 'int64', versions: '15+', default: '-1' },
            ] },
        { name: 'MaxWaitMs', type: 'int32', versions: '0+' },
        { name: 'MinBytes', type: 'int32', versions: '0+' },
        { name: 'MaxBytes', type: 'int32', versions: '3+', default: '0x7fffffff', ignorable: true },
        { name: 'IsolationLevel', type: 'int8', versions: '4+', default: '0', ignorable: true },
        { name: 'SessionId', type: 'int32', versions: '7+', default: '0', ignorable: true },
        { name: 'SessionEpoch', type: 'int32', versions: '7+', default: '-1', ignorable: true },
        { name: 'Topics', type: '[]FetchTopic', versions: '0+', fields: [
                { name: 'Topic', type: 'string', versions: '0-12', ignorable: true },
                { name: 'TopicId', type: 'uuid', versions: '13+', ignorable: true },
                { name: 'Partitions', type: '[]FetchPartition', versions: '0+', fields: [
                        { name: 'Partition', type: 'int32', versions: '0+' },
                        { name: 'CurrentLeaderEpoch', type: 'int32', versions: '9+', default: '-1', ignorable: true },
                        { name: 'FetchOffset', type: 'int64', versions: '0+' },
                        { name: 'LastFetchedEpoch', type: 'int32', versions: '12+', default: '-1', ignorable: false },
                        { name: 'LogStartOffset', type: 'int64', versions: '5+', default: '-1', ignorable: true },
                        { name: 'PartitionMaxBytes', type: 'int32', versions: '0+' },
                        { name: 'ReplicaDirectoryId', type: 'uuid', versions: '17+', taggedVersions: '17+', tag: 0, ignorable: true },
                    ] },
            ] },
        { name: 'ForgottenTopicsData', type: '[]ForgottenTopic', versions: '7+', ignorable: false, fields: [
                { name: 'Topic', type: 'string', versions: '7-12', ignorable: true },
                { name: 'TopicId', type: 'uuid', versions: '13+', ignorable: true },
                { name: 'Partitions', type: '[]int32', versions: '7+' },
            ] },
        { name: 'RackId', type: 'string', versions: '11+', default: '', ignorable: true },
    ],
};
// 
// Version 1 adds throttle time.
//
// Version 2 and 3 are the same as version 1.
//
// Version 4 adds features for transactional consumption.
//
// Version 5 adds LogStartOffset to indicate the earliest available offset of
// partition data that can be consumed.
//
// Starting in version 6, we may return KAFKA_STORAGE_ERROR as an error code.
//
// Version 7 adds incremental fetch request support.
//
// Starting in version 8, on quota violation, brokers send out responses before throttling.
//
// Version 9 is the same as version 8.
//
// Version 10 indicates that the response data can use the ZStd compression
// algorithm, as described in KIP-110.
// Version 12 adds support for flexible versions, epoch detection through the `TruncationOffset` field,
// and leader discovery through the `CurrentLeader` field
//
// Version 13 replaces the topic name field with topic ID (KIP-516).
//
// Version 14 is the same as version 13 but it also receives a new error called OffsetMovedToTieredStorageException (KIP-405)
//
// Version 15 is the same as version 14 (KIP-903).
//
// Version 16 adds the 'NodeEndpoints' field (KIP-951).
//
// Version 17 no changes to the response (KIP-853).
export const FetchResponseSpec = {
    apiKey: 1,
    type: 'response',
    name: 'FetchResponse',
    validVersions: '0-17',
    flexibleVersions: '12+',
    fields: [
        { name: 'ThrottleTimeMs', type: 'int32', versions: '1+', ignorable: true },
        { name: 'ErrorCode', type: 'int16', versions: '7+', ignorable: true },
        { name: 'SessionId', type: 'int32', versions: '7+', default: '0', ignorable: false },
        { name: 'Responses', type: '[]FetchableTopicResponse', versions: '0+', fields: [
                { name: 'Topic', type: 'string', versions: '0-12', ignorable: true },
                { name: 'TopicId', type: 'uuid', versions: '13+', ignorable: true },
                { name: 'Partitions', type: '[]PartitionData', versions: '0+', fields: [
                        { name: 'PartitionIndex', type: 'int32', versions: '0+' },
                        { name: 'ErrorCode', type: 'int16', versions: '0+' },
                        { name: 'HighWatermark', type: 'int64', versions: '0+' },
                        { name: 'LastStableOffset', type: 'int64', versions: '4+', default: '-1', ignorable: true },
                        { name: 'LogStartOffset', type: 'int64', versions: '5+', default: '-1', ignorable: true },
                        { name: 'DivergingEpoch', type: 'EpochEndOffset', versions: '12+', taggedVersions: '12+', tag: 0, fields: [
                                { name: 'Epoch', type: 'int32', versions: '12+', default: '-1' },
                                { name: 'EndOffset', type: 'int64', versions: '12+', default: '-1' },
                            ] },
                        { name: 'CurrentLeader', type: 'LeaderIdAndEpoch', versions: '12+', taggedVersions: '12+', tag: 1, fields: [
                                { name: 'LeaderId', type: 'int32', versions: '12+', default: '-1' },
                                { name: 'LeaderEpoch', type: 'int32', versions: '12+', default: '-1' },
                            ] },
                        { name: 'SnapshotId', type: 'SnapshotId', versions: '12+', taggedVersions: '12+', tag: 2, fields: [
                                { name: 'EndOffset', type: 'int64', versions: '0+', default: '-1' },
                                { name: 'Epoch', type: 'int32', versions: '0+', default: '-1' },
                            ] },
                        { name: 'AbortedTransactions', type: '[]AbortedTransaction', versions: '4+', nullableVersions: '4+', ignorable: true, fields: [
                                { name: 'ProducerId', type: 'int64', versions: '4+' },
                                { name: 'FirstOffset', type: 'int64', versions: '4+' },
                            ] },
                        { name: 'PreferredReadReplica', type: 'int32', versions: '11+', default: '-1', ignorable: false },
                        { name: 'Records', type: 'records', versions: '0+', nullableVersions: '0+' },
                    ] },
            ] },
        { name: 'NodeEndpoints', type: '[]NodeEndpoint', versions: '16+', taggedVersions: '16+', tag: 0, fields: [
                { name: 'NodeId', type: 'int32', versions: '16+' },
                { name: 'Host', type: 'string', versions: '16+' },
                { name: 'Port', type: 'int32', versions: '16+' },
                { name: 'Rack', type: 'string', versions: '16+', nullableVersions: '16+', default: 'null' },
            ] },
    ],
};
//# sourceMappingURL=01_fetch.js.map