/**
 * DeleteGroups (API key 42), transcribed from Kafka 3.9's DeleteGroupsRequest.json / DeleteGroupsResponse.json.
 * v1 is the same as v0 (response: throttle before/after change only); v2 is the first flexible version.
 */
import type { MessageSpec } from '../schema.js';

export const DeleteGroupsRequestSpec: MessageSpec = {
  apiKey: 42,
  type: 'request',
  name: 'DeleteGroupsRequest',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    { name: 'GroupsNames', type: '[]string', versions: '0+' },
  ],
};
export const DeleteGroupsResponseSpec: MessageSpec = {
  apiKey: 42,
  type: 'response',
  name: 'DeleteGroupsResponse',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    { name: 'Results', type: '[]DeletableGroupResult', versions: '0+', fields: [
      { name: 'GroupId', type: 'string', versions: '0+' },
      { name: 'ErrorCode', type: 'int16', versions: '0+' },
    ] },
  ],
};
export interface DeleteGroupsRequest {
  groupsNames: string[];
}

export interface DeleteGroupsResponse {
  throttleTimeMs: number;
  results: DeleteGroupsResponseDeletableGroupResult[];
}

export interface DeleteGroupsResponseDeletableGroupResult {
  groupId: string;
  errorCode: number;
}
