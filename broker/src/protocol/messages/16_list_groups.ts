/**
 * ListGroups (API key 16), transcribed from Kafka 3.9's ListGroupsRequest.json / ListGroupsResponse.json.
 * v1 adds throttle time; v3 is the first flexible version; v4 adds StatesFilter / GroupState (KIP-518);
 * v5 adds TypesFilter / GroupType (KIP-848).
 */
import type { MessageSpec } from '../schema.js';

export const ListGroupsRequestSpec: MessageSpec = {
  apiKey: 16,
  type: 'request',
  name: 'ListGroupsRequest',
  validVersions: '0-5',
  flexibleVersions: '3+',
  fields: [
    { name: 'StatesFilter', type: '[]string', versions: '4+' },
    { name: 'TypesFilter', type: '[]string', versions: '5+' },
  ],
};
export const ListGroupsResponseSpec: MessageSpec = {
  apiKey: 16,
  type: 'response',
  name: 'ListGroupsResponse',
  validVersions: '0-5',
  flexibleVersions: '3+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '1+', ignorable: true },
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    { name: 'Groups', type: '[]ListedGroup', versions: '0+', fields: [
      { name: 'GroupId', type: 'string', versions: '0+' },
      { name: 'ProtocolType', type: 'string', versions: '0+' },
      { name: 'GroupState', type: 'string', versions: '4+', ignorable: true },
      { name: 'GroupType', type: 'string', versions: '5+', ignorable: true },
    ] },
  ],
};
export interface ListGroupsRequest {
  /** v4+; empty means all states. */
  statesFilter: string[];
  /** v5+; empty means all types. */
  typesFilter: string[];
}

export interface ListGroupsResponse {
  throttleTimeMs: number;
  errorCode: number;
  groups: ListGroupsResponseListedGroup[];
}

export interface ListGroupsResponseListedGroup {
  groupId: string;
  protocolType: string;
  /** v4+. */
  groupState: string;
  /** v5+. */
  groupType: string;
}
