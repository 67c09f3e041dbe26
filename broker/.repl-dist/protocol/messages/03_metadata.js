// In version 0, an empty array indicates "request metadata for all topics."  In version 1 and
// higher, an empty array indicates "request metadata for no topics," and a null array is used to
// indicate "request metadata for all topics."
//
// Version 2 and 3 are the same as version 1.
//
// Version 4 adds AllowAutoTopicCreation.
//
// Starting in version 8, authorized operations can be requested for cluster and topic resource.
//
// Version 9 is the first flexible version.
//
// Version 10 adds topicId and allows name field to be null. However, this functionality was not implemented on the server.
// Versions 10 and 11 should not use the topicId field or set topic name to null.
//
// Version 11 deprecates IncludeClusterAuthorizedOperations field. This is now exposed
// by the DescribeCluster API (KIP-700).
// Version 12 supports topic Id.
export const MetadataRequestSpec = {
    apiKey: 3,
    type: 'request',
    name: 'MetadataRequest',
    validVersions: '0-12',
    flexibleVersions: '9+',
    fields: [
        { name: 'Topics', type: '[]MetadataRequestTopic', versions: '0+', nullableVersions: '1+', fields: [
                { name: 'TopicId', type: 'uuid', versions: '10+', ignorable: true },
                { name: 'Name', type: 'string', versions: '0+', nullableVersions: '10+' },
            ] },
        { name: 'AllowAutoTopicCreation', type: 'bool', versions: '4+', default: 'true', ignorable: false },
        { name: 'IncludeClusterAuthorizedOperations', type: 'bool', versions: '8-10' },
        { name: 'IncludeTopicAuthorizedOperations', type: 'bool', versions: '8+' },
    ],
};
// Version 1 adds fields for the rack of each broker, the controller id, and
// whether or not the topic is internal.
//
// Version 2 adds the cluster ID field.
//
// Version 3 adds the throttle time.
//
// Version 4 is the same as version 3.
//
// Version 5 adds a per-partition offline_replicas field. This field specifies
// the list of replicas that are offline.
//
// Starting in version 6, on quota violation, brokers send out responses before throttling.
//
// Version 7 adds the leader epoch to the partition metadata.
//
// Starting in version 8, brokers can send authorized operations for topic and cluster.
//
// Version 9 is the first flexible version.
//
// Version 10 adds topicId.
//
// Version 11 deprecates ClusterAuthorizedOperations. This is now exposed
// by the DescribeCluster API (KIP-700).
// Version 12 supports topicId.
export const MetadataResponseSpec = {
    apiKey: 3,
    type: 'response',
    name: 'MetadataResponse',
    validVersions: '0-12',
    flexibleVersions: '9+',
    fields: [
        { name: 'ThrottleTimeMs', type: 'int32', versions: '3+', ignorable: true },
        { name: 'Brokers', type: '[]MetadataResponseBroker', versions: '0+', fields: [
                { name: 'NodeId', type: 'int32', versions: '0+' },
                { name: 'Host', type: 'string', versions: '0+' },
                { name: 'Port', type: 'int32', versions: '0+' },
                { name: 'Rack', type: 'string', versions: '1+', nullableVersions: '1+', default: 'null', ignorable: true },
            ] },
        { name: 'ClusterId', type: 'string', versions: '2+', nullableVersions: '2+', default: 'null', ignorable: true },
        { name: 'ControllerId', type: 'int32', versions: '1+', default: '-1', ignorable: true },
        { name: 'Topics', type: '[]MetadataResponseTopic', versions: '0+', fields: [
                { name: 'ErrorCode', type: 'int16', versions: '0+' },
                { name: 'Name', type: 'string', versions: '0+', nullableVersions: '12+' },
                { name: 'TopicId', type: 'uuid', versions: '10+', ignorable: true },
                { name: 'IsInternal', type: 'bool', versions: '1+', default: 'false', ignorable: true },
                { name: 'Partitions', type: '[]MetadataResponsePartition', versions: '0+', fields: [
                        { name: 'ErrorCode', type: 'int16', versions: '0+' },
                        { name: 'PartitionIndex', type: 'int32', versions: '0+' },
                        { name: 'LeaderId', type: 'int32', versions: '0+' },
                        { name: 'LeaderEpoch', type: 'int32', versions: '7+', default: '-1', ignorable: true },
                        { name: 'ReplicaNodes', type: '[]int32', versions: '0+' },
                        { name: 'IsrNodes', type: '[]int32', versions: '0+' },
                        { name: 'OfflineReplicas', type: '[]int32', versions: '5+', ignorable: true },
                    ] },
                { name: 'TopicAuthorizedOperations', type: 'int32', versions: '8+', default: '-2147483648' },
            ] },
        { name: 'ClusterAuthorizedOperations', type: 'int32', versions: '8-10', default: '-2147483648' },
    ],
};
//# sourceMappingURL=03_metadata.js.map