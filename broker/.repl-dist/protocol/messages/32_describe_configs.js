// Version 1 adds IncludeSynonyms.
// Version 2 is the same as version 1.
// Version 4 enables flexible versions.
export const DescribeConfigsRequestSpec = {
    apiKey: 32,
    type: 'request',
    name: 'DescribeConfigsRequest',
    validVersions: '0-4',
    flexibleVersions: '4+',
    fields: [
        { name: 'Resources', type: '[]DescribeConfigsResource', versions: '0+', fields: [
                { name: 'ResourceType', type: 'int8', versions: '0+' },
                { name: 'ResourceName', type: 'string', versions: '0+' },
                { name: 'ConfigurationKeys', type: '[]string', versions: '0+', nullableVersions: '0+' },
            ] },
        { name: 'IncludeSynonyms', type: 'bool', versions: '1+', default: 'false', ignorable: false },
        { name: 'IncludeDocumentation', type: 'bool', versions: '3+', default: 'false', ignorable: false },
    ],
};
// Version 1 adds ConfigSource and the synonyms.
// Starting in version 2, on quota violation, brokers send out responses before throttling.
// Version 4 enables flexible versions.
// Note: the v0 default for this field that should be exposed to callers is
// context-dependent. For example, if the resource is a broker, this should default to 4.
// -1 is just a placeholder value.
export const DescribeConfigsResponseSpec = {
    apiKey: 32,
    type: 'response',
    name: 'DescribeConfigsResponse',
    validVersions: '0-4',
    flexibleVersions: '4+',
    fields: [
        { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
        { name: 'Results', type: '[]DescribeConfigsResult', versions: '0+', fields: [
                { name: 'ErrorCode', type: 'int16', versions: '0+' },
                { name: 'ErrorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
                { name: 'ResourceType', type: 'int8', versions: '0+' },
                { name: 'ResourceName', type: 'string', versions: '0+' },
                { name: 'Configs', type: '[]DescribeConfigsResourceResult', versions: '0+', fields: [
                        { name: 'Name', type: 'string', versions: '0+' },
                        { name: 'Value', type: 'string', versions: '0+', nullableVersions: '0+' },
                        { name: 'ReadOnly', type: 'bool', versions: '0+' },
                        { name: 'IsDefault', type: 'bool', versions: '0' },
                        { name: 'ConfigSource', type: 'int8', versions: '1+', default: '-1', ignorable: true },
                        { name: 'IsSensitive', type: 'bool', versions: '0+' },
                        { name: 'Synonyms', type: '[]DescribeConfigsSynonym', versions: '1+', ignorable: true, fields: [
                                { name: 'Name', type: 'string', versions: '1+' },
                                { name: 'Value', type: 'string', versions: '1+', nullableVersions: '0+' },
                                { name: 'Source', type: 'int8', versions: '1+' },
                            ] },
                        { name: 'ConfigType', type: 'int8', versions: '3+', default: '0', ignorable: true },
                        { name: 'Documentation', type: 'string', versions: '3+', nullableVersions: '0+', ignorable: true },
                    ] },
            ] },
    ],
};
//# sourceMappingURL=32_describe_configs.js.map