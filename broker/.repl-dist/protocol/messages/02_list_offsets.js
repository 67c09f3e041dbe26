// Version 1 removes MaxNumOffsets.  From this version forward, only a single
// offset can be returned.
//
// Version 2 adds the isolation level, which is used for transactional reads.
//
// Version 3 is the same as version 2.
//
// Version 4 adds the current leader epoch, which is used for fencing.
//
// Version 5 is the same as version 4.
//
// Version 6 enables flexible versions.
//
// Version 7 enables listing offsets by max timestamp (KIP-734).
//
// Version 8 enables listing offsets by local log start offset (KIP-405).
//
// Version 9 enables listing offsets by last tiered offset (KIP-1005).
//
// Version 10 enables async remote list offsets support (KIP-1075)
export const ListOffsetsRequestSpec = {
    apiKey: 2,
    type: 'request',
    name: 'ListOffsetsRequest',
    validVersions: '0-10',
    flexibleVersions: '6+',
    fields: [
        { name: 'ReplicaId', type: 'int32', versions: '0+' },
        { name: 'IsolationLevel', type: 'int8', versions: '2+' },
        { name: 'Topics', type: '[]ListOffsetsTopic', versions: '0+', fields: [
                { name: 'Name', type: 'string', versions: '0+' },
                { name: 'Partitions', type: '[]ListOffsetsPartition', versions: '0+', fields: [
                        { name: 'PartitionIndex', type: 'int32', versions: '0+' },
                        { name: 'CurrentLeaderEpoch', type: 'int32', versions: '4+', default: '-1', ignorable: true },
                        { name: 'Timestamp', type: 'int64', versions: '0+' },
                        { name: 'MaxNumOffsets', type: 'int32', versions: '0', default: '1' },
                    ] },
            ] },
        { name: 'TimeoutMs', type: 'int32', versions: '10+', ignorable: true },
    ],
};
// Version 1 removes the offsets array in favor of returning a single offset.
// Version 1 also adds the timestamp associated with the returned offset.
//
// Version 2 adds the throttle time.
//
// Starting in version 3, on quota violation, brokers send out responses before throttling.
//
// Version 4 adds the leader epoch, which is used for fencing.
//
// Version 5 adds a new error code, OFFSET_NOT_AVAILABLE.
//
// Version 6 enables flexible versions.
//
// Version 7 is the same as version 6 (KIP-734).
//
// Version 8 enables listing offsets by local log start offset.
// This is the earliest log start offset in the local log. (KIP-405).
//
// Version 9 enables listing offsets by last tiered offset (KIP-1005).
//
// Version 10 enables async remote list offsets support (KIP-1075)
export const ListOffsetsResponseSpec = {
    apiKey: 2,
    type: 'response',
    name: 'ListOffsetsResponse',
    validVersions: '0-10',
    flexibleVersions: '6+',
    fields: [
        { name: 'ThrottleTimeMs', type: 'int32', versions: '2+', ignorable: true },
        { name: 'Topics', type: '[]ListOffsetsTopicResponse', versions: '0+', fields: [
                { name: 'Name', type: 'string', versions: '0+' },
                { name: 'Partitions', type: '[]ListOffsetsPartitionResponse', versions: '0+', fields: [
                        { name: 'PartitionIndex', type: 'int32', versions: '0+' },
                        { name: 'ErrorCode', type: 'int16', versions: '0+' },
                        { name: 'OldStyleOffsets', type: '[]int64', versions: '0', ignorable: false },
                        { name: 'Timestamp', type: 'int64', versions: '1+', default: '-1', ignorable: false },
                        { name: 'Offset', type: 'int64', versions: '1+', default: '-1', ignorable: false },
                        { name: 'LeaderEpoch', type: 'int32', versions: '4+', default: '-1' },
                    ] },
            ] },
    ],
};
//# sourceMappingURL=02_list_offsets.js.map