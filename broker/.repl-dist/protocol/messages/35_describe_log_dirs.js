// Version 1 is the same as version 0.
// Version 2 is the first flexible version.
// Version 3 is the same as version 2 (new field in response).
// Version 4 is the same as version 2 (new fields in response).
export const DescribeLogDirsRequestSpec = {
    apiKey: 35,
    type: 'request',
    name: 'DescribeLogDirsRequest',
    validVersions: '0-4',
    flexibleVersions: '2+',
    fields: [
        { name: 'Topics', type: '[]DescribableLogDirTopic', versions: '0+', nullableVersions: '0+', fields: [
                { name: 'Topic', type: 'string', versions: '0+' },
                { name: 'Partitions', type: '[]int32', versions: '0+' },
            ] },
    ],
};
// Starting in version 1, on quota violation, brokers send out responses before throttling.
// Version 2 is the first flexible version.
// Version 3 adds the top-level ErrorCode field
// Version 4 adds the TotalBytes and UsableBytes fields
export const DescribeLogDirsResponseSpec = {
    apiKey: 35,
    type: 'response',
    name: 'DescribeLogDirsResponse',
    validVersions: '0-4',
    flexibleVersions: '2+',
    fields: [
        { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
        { name: 'ErrorCode', type: 'int16', versions: '3+', ignorable: true },
        { name: 'Results', type: '[]DescribeLogDirsResult', versions: '0+', fields: [
                { name: 'ErrorCode', type: 'int16', versions: '0+' },
                { name: 'LogDir', type: 'string', versions: '0+' },
                { name: 'Topics', type: '[]DescribeLogDirsTopic', versions: '0+', fields: [
                        { name: 'Name', type: 'string', versions: '0+' },
                        { name: 'Partitions', type: '[]DescribeLogDirsPartition', versions: '0+', fields: [
                                { name: 'PartitionIndex', type: 'int32', versions: '0+' },
                                { name: 'PartitionSize', type: 'int64', versions: '0+' },
                                { name: 'OffsetLag', type: 'int64', versions: '0+' },
                                { name: 'IsFutureKey', type: 'bool', versions: '0+' },
                            ] },
                    ] },
                { name: 'TotalBytes', type: 'int64', versions: '4+', default: '-1', ignorable: true },
                { name: 'UsableBytes', type: 'int64', versions: '4+', default: '-1', ignorable: true },
            ] },
    ],
};
//# sourceMappingURL=35_describe_log_dirs.js.map