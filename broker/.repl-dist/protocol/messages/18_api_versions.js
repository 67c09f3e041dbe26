// Versions 0 through 2 of ApiVersionsRequest are the same.
//
// Version 3 is the first flexible version and adds ClientSoftwareName and ClientSoftwareVersion.
//
// Version 4 fixes KAFKA-17011, which blocked SupportedFeatures.MinVersion in the response from being 0.
export const ApiVersionsRequestSpec = {
    apiKey: 18,
    type: 'request',
    name: 'ApiVersionsRequest',
    validVersions: '0-4',
    flexibleVersions: '3+',
    fields: [
        { name: 'ClientSoftwareName', type: 'string', versions: '3+', ignorable: true },
        { name: 'ClientSoftwareVersion', type: 'string', versions: '3+', ignorable: true },
    ],
};
// Version 1 adds throttle time to the response.
//
// Starting in version 2, on quota violation, brokers send out responses before throttling.
//
// Version 3 is the first flexible version. Tagged fields are only supported in the body but
// not in the header. The length of the header must not change in order to guarantee the
// backward compatibility.
//
// Starting from Apache Kafka 2.4 (KIP-511), ApiKeys field is populated with the supported
// versions of the ApiVersionsRequest when an UNSUPPORTED_VERSION error is returned.
//
// Version 4 fixes KAFKA-17011, which blocked SupportedFeatures.MinVersion from being 0.
export const ApiVersionsResponseSpec = {
    apiKey: 18,
    type: 'response',
    name: 'ApiVersionsResponse',
    validVersions: '0-4',
    flexibleVersions: '3+',
    fields: [
        { name: 'ErrorCode', type: 'int16', versions: '0+' },
        { name: 'ApiKeys', type: '[]ApiVersion', versions: '0+', fields: [
                { name: 'ApiKey', type: 'int16', versions: '0+' },
                { name: 'MinVersion', type: 'int16', versions: '0+' },
                { name: 'MaxVersion', type: 'int16', versions: '0+' },
            ] },
        { name: 'ThrottleTimeMs', type: 'int32', versions: '1+', ignorable: true },
        { name: 'SupportedFeatures', type: '[]SupportedFeatureKey', versions: '3+', taggedVersions: '3+', tag: 0, ignorable: true, fields: [
                { name: 'Name', type: 'string', versions: '3+' },
                { name: 'MinVersion', type: 'int16', versions: '3+' },
                { name: 'MaxVersion', type: 'int16', versions: '3+' },
            ] },
        { name: 'FinalizedFeaturesEpoch', type: 'int64', versions: '3+', taggedVersions: '3+', tag: 1, default: '-1', ignorable: true },
        { name: 'FinalizedFeatures', type: '[]FinalizedFeatureKey', versions: '3+', taggedVersions: '3+', tag: 2, ignorable: true, fields: [
                { name: 'Name', type: 'string', versions: '3+' },
                { name: 'MaxVersionLevel', type: 'int16', versions: '3+' },
                { name: 'MinVersionLevel', type: 'int16', versions: '3+' },
            ] },
        { name: 'ZkMigrationReady', type: 'bool', versions: '3+', taggedVersions: '3+', tag: 3, default: 'false', ignorable: true },
    ],
};
//# sourceMappingURL=18_api_versions.js.map