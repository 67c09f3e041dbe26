/**
 * DeleteTopics (API key 20): DeleteTopicsRequest.json / DeleteTopicsResponse.json from Apache Kafka
 * (clients/src/main/resources/common/message, commit 1eb7644349cb), transcribed literally; the interfaces
 * are the decoded objects (camelCase, every field present; doc comments give the versions of each field).
 */
import type { MessageSpec } from '../schema.js';

// Versions 0, 1, 2, and 3 are the same.
//
// Version 4 is the first flexible version.
//
// Version 5 adds ErrorMessage in the response and may return a THROTTLING_QUOTA_EXCEEDED error
// in the response if the topics deletion is throttled (KIP-599).
//
// Version 6 reorganizes topics, adds topic IDs and allows topic names to be null.
export const DeleteTopicsRequestSpec: MessageSpec = {
  apiKey: 20,
  type: 'request',
  name: 'DeleteTopicsRequest',
  validVersions: '0-6',
  flexibleVersions: '4+',
  fields: [
    { name: 'Topics', type: '[]DeleteTopicState', versions: '6+', fields: [
      { name: 'Name', type: 'string', versions: '6+', nullableVersions: '6+', default: 'null' },
      { name: 'TopicId', type: 'uuid', versions: '6+' },
    ]},
    { name: 'TopicNames', type: '[]string', versions: '0-5', ignorable: true },
    { name: 'TimeoutMs', type: 'int32', versions: '0+' },
  ],
};

export interface DeleteTopicsRequest {
  /** v6+. The name or topic ID of the topic */
  topics: DeleteTopicsRequestDeleteTopicState[];
  /** v0-5. The names of the topics to delete */
  topicNames: string[];
  /** v0+. The length of time in milliseconds to wait for the deletions to complete. */
  timeoutMs: number;
}

export interface DeleteTopicsRequestDeleteTopicState {
  /** v6+, nullable v6+, default null. The topic name */
  name: string | null;
  /** v6+. The unique topic ID */
  topicId: string;
}

// Version 1 adds the throttle time.
//
// Starting in version 2, on quota violation, brokers send out responses before throttling.
//
// Starting in version 3, a TOPIC_DELETION_DISABLED error code may be returned.
//
// Version 4 is the first flexible version.
//
// Version 5 adds ErrorMessage in the response and may return a THROTTLING_QUOTA_EXCEEDED error
// in the response if the topics deletion is throttled (KIP-599).
//
// Version 6 adds topic ID to responses. An UNSUPPORTED_VERSION error code will be returned when attempting to
// delete using topic IDs when IBP < 2.8. UNKNOWN_TOPIC_ID error code will be returned when IBP is at least 2.8, but
// the topic ID was not found.
export const DeleteTopicsResponseSpec: MessageSpec = {
  apiKey: 20,
  type: 'response',
  name: 'DeleteTopicsResponse',
  validVersions: '0-6',
  flexibleVersions: '4+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '1+', ignorable: true },
    { name: 'Responses', type: '[]DeletableTopicResult', versions: '0+', fields: [
      { name: 'Name', type: 'string', versions: '0+', nullableVersions: '6+' },
      { name: 'TopicId', type: 'uuid', versions: '6+', ignorable: true },
      { name: 'ErrorCode', type: 'int16', versions: '0+' },
      { name: 'ErrorMessage', type: 'string', versions: '5+', nullableVersions: '5+', default: 'null', ignorable: true },
    ]},
  ],
};

export interface DeleteTopicsResponse {
  /** v1+. The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. */
  throttleTimeMs: number;
  /** v0+. The results for each topic we tried to delete. */
  responses: DeleteTopicsResponseDeletableTopicResult[];
}

export interface DeleteTopicsResponseDeletableTopicResult {
  /** v0+, nullable v6+. The topic name */
  name: string | null;
  /** v6+. the unique topic ID */
  topicId: string;
  /** v0+. The deletion error, or 0 if the deletion succeeded. */
  errorCode: number;
  /** v5+, nullable v5+, default null. The error message, or null if there was no error. */
  errorMessage: string | null;
}
