/**
 * DescribeConfigs (API key 32): DescribeConfigsRequest.json / DescribeConfigsResponse.json from Apache Kafka
 * (clients/src/main/resources/common/message, commit 1eb7644349cb), transcribed literally; the interfaces
 * are the decoded objects (camelCase, every field present; doc comments give the versions of each field).
 */
import type { MessageSpec } from '../schema.js';

// Version 1 adds IncludeSynonyms.
// Version 2 is the same as version 1.
// Version 4 enables flexible versions.
export const DescribeConfigsRequestSpec: MessageSpec = {
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
    ]},
    { name: 'IncludeSynonyms', type: 'bool', versions: '1+', default: 'false', ignorable: false },
    { name: 'IncludeDocumentation', type: 'bool', versions: '3+', default: 'false', ignorable: false },
  ],
};

export interface DescribeConfigsRequest {
  /** v0+. The resources whose configurations we want to describe. */
  resources: DescribeConfigsResource[];
  /** v1+, default false. True if we should include all synonyms. */
  includeSynonyms: boolean;
  /** v3+, default false. True if we should include configuration documentation. */
  includeDocumentation: boolean;
}

export interface DescribeConfigsResource {
  /** v0+. The resource type. */
  resourceType: number;
  /** v0+. The resource name. */
  resourceName: string;
  /** v0+, nullable v0+. The configuration keys to list, or null to list all configuration keys. */
  configurationKeys: string[] | null;
}

// Version 1 adds ConfigSource and the synonyms.
// Starting in version 2, on quota violation, brokers send out responses before throttling.
// Version 4 enables flexible versions.
// Note: the v0 default for this field that should be exposed to callers is
// context-dependent. For example, if the resource is a broker, this should default to 4.
// -1 is just a placeholder value.
export const DescribeConfigsResponseSpec: MessageSpec = {
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
        ]},
        { name: 'ConfigType', type: 'int8', versions: '3+', default: '0', ignorable: true },
        { name: 'Documentation', type: 'string', versions: '3+', nullableVersions: '0+', ignorable: true },
      ]},
    ]},
  ],
};

export interface DescribeConfigsResponse {
  /** v0+. The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. */
  throttleTimeMs: number;
  /** v0+. The results for each resource. */
  results: DescribeConfigsResult[];
}

export interface DescribeConfigsResult {
  /** v0+. The error code, or 0 if we were able to successfully describe the configurations. */
  errorCode: number;
  /** v0+, nullable v0+. The error message, or null if we were able to successfully describe the configurations. */
  errorMessage: string | null;
  /** v0+. The resource type. */
  resourceType: number;
  /** v0+. The resource name. */
  resourceName: string;
  /** v0+. Each listed configuration. */
  configs: DescribeConfigsResourceResult[];
}

export interface DescribeConfigsResourceResult {
  /** v0+. The configuration name. */
  name: string;
  /** v0+, nullable v0+. The configuration value. */
  value: string | null;
  /** v0+. True if the configuration is read-only. */
  readOnly: boolean;
  /** v0. True if the configuration is not set. */
  isDefault: boolean;
  /** v1+, default -1. The configuration source. */
  configSource: number;
  /** v0+. True if this configuration is sensitive. */
  isSensitive: boolean;
  /** v1+. The synonyms for this configuration key. */
  synonyms: DescribeConfigsSynonym[];
  /** v3+, default 0. The configuration data type. Type can be one of the following values - BOOLEAN, STRING, INT, SHORT, LONG, DOUBLE, LIST, CLASS, PASSWORD */
  configType: number;
  /** v3+, nullable v0+. The configuration documentation. */
  documentation: string | null;
}

export interface DescribeConfigsSynonym {
  /** v1+. The synonym name. */
  name: string;
  /** v1+, nullable v0+. The synonym value. */
  value: string | null;
  /** v1+. The synonym source. */
  source: number;
}
