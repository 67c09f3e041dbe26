// 
// Version 1 adds EndpointType for KIP-919 support.
// 
export const DescribeClusterRequestSpec = {
    apiKey: 60,
    type: 'request',
    name: 'DescribeClusterRequest',
    validVersions: '0-1',
    flexibleVersions: '0+',
    fields: [
        { name: 'IncludeClusterAuthorizedOperations', type: 'bool', versions: '0+' },
        { name: 'EndpointType', type: 'int8', versions: '1+', default: '1' },
    ],
};
// 
// Version 1 adds the EndpointType field, and makes MISMATCHED_ENDPOINT_TYPE and
// UNSUPPORTED_ENDPOINT_TYPE valid top-level response error codes.
// 
export const DescribeClusterResponseSpec = {
    apiKey: 60,
    type: 'response',
    name: 'DescribeClusterResponse',
    validVersions: '0-1',
    flexibleVersions: '0+',
    fields: [
        { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
        { name: 'ErrorCode', type: 'int16', versions: '0+' },
        { name: 'ErrorMessage', type: 'string', versions: '0+', nullableVersions: '0+', default: 'null' },
        { name: 'EndpointType', type: 'int8', versions: '1+', default: '1' },
        { name: 'ClusterId', type: 'string', versions: '0+' },
        { name: 'ControllerId', type: 'int32', versions: '0+', default: '-1' },
        { name: 'Brokers', type: '[]DescribeClusterBroker', versions: '0+', fields: [
                { name: 'BrokerId', type: 'int32', versions: '0+' },
                { name: 'Host', type: 'string', versions: '0+' },
                { name: 'Port', type: 'int32', versions: '0+' },
                { name: 'Rack', type: 'string', versions: '0+', nullableVersions: '0+', default: 'null' },
            ] },
        { name: 'ClusterAuthorizedOperations', type: 'int32', versions: '0+', default: '-2147483648' },
    ],
};
//# sourceMappingURL=60_describe_cluster.js.map