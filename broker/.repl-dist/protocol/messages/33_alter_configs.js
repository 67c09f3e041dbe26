// Version 1 is the same as version 0.
// Version 2 enables flexible versions.
export const AlterConfigsRequestSpec = {
    apiKey: 33,
    type: 'request',
    name: 'AlterConfigsRequest',
    validVersions: '0-2',
    flexibleVersions: '2+',
    fields: [
        { name: 'Resources', type: '[]AlterConfigsResource', versions: '0+', fields: [
                { name: 'ResourceType', type: 'int8', versions: '0+' },
                { name: 'ResourceName', type: 'string', versions: '0+' },
                { name: 'Configs', type: '[]AlterableConfig', versions: '0+', fields: [
                        { name: 'Name', type: 'string', versions: '0+' },
                        { name: 'Value', type: 'string', versions: '0+', nullableVersions: '0+' },
                    ] },
            ] },
        { name: 'ValidateOnly', type: 'bool', versions: '0+' },
    ],
};
// Starting in version 1, on quota violation brokers send out responses before throttling.
// Version 2 enables flexible versions.
export const AlterConfigsResponseSpec = {
    apiKey: 33,
    type: 'response',
    name: 'AlterConfigsResponse',
    validVersions: '0-2',
    flexibleVersions: '2+',
    fields: [
        { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
        { name: 'Responses', type: '[]AlterConfigsResourceResponse', versions: '0+', fields: [
                { name: 'ErrorCode', type: 'int16', versions: '0+' },
                { name: 'ErrorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
                { name: 'ResourceType', type: 'int8', versions: '0+' },
                { name: 'ResourceName', type: 'string', versions: '0+' },
            ] },
    ],
};
//# sourceMappingURL=33_alter_configs.js.map