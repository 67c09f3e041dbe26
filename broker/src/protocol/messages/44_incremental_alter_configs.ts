/**
 * IncrementalAlterConfigs (API key 44): IncrementalAlterConfigsRequest.json / IncrementalAlterConfigsResponse.json from Apache Kafka
 * (clients/src/main/resources/common/message, commit 1eb7644349cb), transcribed literally; the interfaces
 * are the decoded objects (camelCase, every field present; doc comments give the versions of each field).
 */
import type { MessageSpec } from '../schema.js';

// Version 1 is the first flexible version.
export const IncrementalAlterConfigsRequestSpec: MessageSpec = {
  apiKey: 44,
  type: 'request',
  name: 'IncrementalAlterConfigsRequest',
  validVersions: '0-1',
  flexibleVersions: '1+',
  fields: [
    { name: 'Resources', type: '[]AlterConfigsResource', versions: '0+', fields: [
      { name: 'ResourceType', type: 'int8', versions: '0+' },
      { name: 'ResourceName', type: 'string', versions: '0+' },
      { name: 'Configs', type: '[]AlterableConfig', versions: '0+', fields: [
        { name: 'Name', type: 'string', versions: '0+' },
        { name: 'ConfigOperation', type: 'int8', versions: '0+' },
        { name: 'Value', type: 'string', versions: '0+', nullableVersions: '0+' },
      ]},
    ]},
    { name: 'ValidateOnly', type: 'bool', versions: '0+' },
  ],
};

export interface IncrementalAlterConfigsRequest {
  /** v0+. The incremental updates for each resource. */
  resources: IncrementalAlterConfigsRequestAlterConfigsResource[];
  /** v0+. True if we should validate the request, but not change the configurations. */
  validateOnly: boolean;
}

export interface IncrementalAlterConfigsRequestAlterConfigsResource {
  /** v0+. The resource type. */
  resourceType: number;
  /** v0+. The resource name. */
  resourceName: string;
  /** v0+. The configurations. */
  configs: IncrementalAlterConfigsRequestAlterableConfig[];
}

export interface IncrementalAlterConfigsRequestAlterableConfig {
  /** v0+. The configuration key name. */
  name: string;
  /** v0+. The type (Set, Delete, Append, Subtract) of operation. */
  configOperation: number;
  /** v0+, nullable v0+. The value to set for the configuration key. */
  value: string | null;
}

// Version 1 is the first flexible version.
export const IncrementalAlterConfigsResponseSpec: MessageSpec = {
  apiKey: 44,
  type: 'response',
  name: 'IncrementalAlterConfigsResponse',
  validVersions: '0-1',
  flexibleVersions: '1+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    { name: 'Responses', type: '[]AlterConfigsResourceResponse', versions: '0+', fields: [
      { name: 'ErrorCode', type: 'int16', versions: '0+' },
      { name: 'ErrorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
      { name: 'ResourceType', type: 'int8', versions: '0+' },
      { name: 'ResourceName', type: 'string', versions: '0+' },
    ]},
  ],
};

export interface IncrementalAlterConfigsResponse {
  /** v0+. Duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. */
  throttleTimeMs: number;
  /** v0+. The responses for each resource. */
  responses: IncrementalAlterConfigsResponseAlterConfigsResourceResponse[];
}

export interface IncrementalAlterConfigsResponseAlterConfigsResourceResponse {
  /** v0+. The resource error code. */
  errorCode: number;
  /** v0+, nullable v0+. The resource error message, or null if there was no error. */
  errorMessage: string | null;
  /** v0+. The resource type. */
  resourceType: number;
  /** v0+. The resource name. */
  resourceName: string;
}
