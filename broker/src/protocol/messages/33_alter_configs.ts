/**
 * AlterConfigs (API key 33): AlterConfigsRequest.json / AlterConfigsResponse.json from Apache Kafka
 * (clients/src/main/resources/common/message, commit 1eb7644349cb), transcribed literally; the interfaces
 * are the decoded objects (camelCase, every field present; doc comments give the versions of each field).
 */
import type { MessageSpec } from '../schema.js';

// Version 1 is the same as version 0.
// Version 2 enables flexible versions.
export const AlterConfigsRequestSpec: MessageSpec = {
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
      ]},
    ]},
    { name: 'ValidateOnly', type: 'bool', versions: '0+' },
  ],
};

export interface AlterConfigsRequest {
  /** v0+. The updates for each resource. */
  resources: AlterConfigsResource[];
  /** v0+. True if we should validate the request, but not change the configurations. */
  validateOnly: boolean;
}

export interface AlterConfigsResource {
  /** v0+. The resource type. */
  resourceType: number;
  /** v0+. The resource name. */
  resourceName: string;
  /** v0+. The configurations. */
  configs: AlterConfigsRequestAlterableConfig[];
}

export interface AlterConfigsRequestAlterableConfig {
  /** v0+. The configuration key name. */
  name: string;
  /** v0+, nullable v0+. The value to set for the configuration key. */
  value: string | null;
}

// Starting in version 1, on quota violation brokers send out responses before throttling.
// Version 2 enables flexible versions.
export const AlterConfigsResponseSpec: MessageSpec = {
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
    ]},
  ],
};

export interface AlterConfigsResponse {
  /** v0+. Duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. */
  throttleTimeMs: number;
  /** v0+. The responses for each resource. */
  responses: AlterConfigsResourceResponse[];
}

export interface AlterConfigsResourceResponse {
  /** v0+. The resource error code. */
  errorCode: number;
  /** v0+, nullable v0+. The resource error message, or null if there was no error. */
  errorMessage: string | null;
  /** v0+. The resource type. */
  resourceType: number;
  /** v0+. The resource name. */
  resourceName: string;
}
