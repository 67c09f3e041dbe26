// Version 1 is the same as version 0.
//
// Version 2 adds the current leader epoch to support fencing.
//
// Version 3 adds ReplicaId (the default is -2 which conventionally represents a
//    "debug" consumer which is allowed to see offsets beyond the high watermark).
//    Followers will use this replicaId when using an older version of the protocol.
//
// Version 4 enables flexible versions.
export const OffsetForLeaderEpochRequestSpec = {
    apiKey: 23,
    type: 'request',
    name: 'OffsetForLeaderEpochRequest',
    validVersions: '0-4',
    flexibleVersions: '4+',
    fields: [
        { name: 'ReplicaId', type: 'int32', versions: '3+', default: -2, ignorable: true },
        { name: 'Topics', type: '[]OffsetForLeaderTopic', versions: '0+', fields: [
                { name: 'Topic', type: 'string', versions: '0+' },
                { name: 'Partitions', type: '[]OffsetForLeaderPartition', versions: '0+', fields: [
                        { name: 'Partition', type: 'int32', versions: '0+' },
                        { name: 'CurrentLeaderEpoch', type: 'int32', versions: '2+', default: '-1', ignorable: true },
                        { name: 'LeaderEpoch', type: 'int32', versions: '0+' },
                    ] },
            ] },
    ],
};
// Version 1 added the leader epoch to the response.
//
// Version 2 added the throttle time.
//
// Version 3 is the same as version 2.
//
// Version 4 enables flexible versions.
export const OffsetForLeaderEpochResponseSpec = {
    apiKey: 23,
    type: 'response',
    name: 'OffsetForLeaderEpochResponse',
    validVersions: '0-4',
    flexibleVersions: '4+',
    fields: [
        { name: 'ThrottleTimeMs', type: 'int32', versions: '2+', ignorable: true },
        { name: 'Topics', type: '[]OffsetForLeaderTopicResult', versions: '0+', fields: [
                { name: 'Topic', type: 'string', versions: '0+' },
                { name: 'Partitions', type: '[]EpochEndOffset', versions: '0+', fields: [
                        { name: 'ErrorCode', type: 'int16', versions: '0+' },
                        { name: 'Partition', type: 'int32', versions: '0+' },
                        { name: 'LeaderEpoch', type: 'int32', versions: '1+', default: '-1', ignorable: true },
                        { name: 'EndOffset', type: 'int64', versions: '0+', default: '-1' },
                    ] },
            ] },
    ],
};
//# sourceMappingURL=23_offset_for_leader_epoch.js.map