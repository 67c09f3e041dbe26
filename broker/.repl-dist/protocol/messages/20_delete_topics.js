// Versions 0, 1, 2, and 3 are the same.
//
// Version 4 is the first flexible version.
//
// Version 5 adds ErrorMessage in the response and may return a THROTTLING_QUOTA_EXCEEDED error
// in the response if the topics deletion is throttled (KIP-599).
//
// Version 6 reorganizes topics, adds topic IDs and allows topic names to be null.
export const DeleteTopicsRequestSpec = {
    apiKey: 20,
    type: 'request',
    name: 'DeleteTopicsRequest',
    validVersions: '0-6',
    flexibleVersions: '4+',
    fields: [
        { name: 'Topics', type: '[]DeleteTopicState', versions: '6+', fields: [
                { name: 'Name', type: 'string', versions: '6+', nullableVersions: '6+', default: 'null' },
                { name: 'TopicId', type: 'uuid', versions: '6+' },
            ] },
        { name: 'TopicNames', type: '[]string', versions: '0-5', ignorable: true },
        { name: 'TimeoutMs', type: 'int32', versions: '0+' },
    ],
};
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
export const DeleteTopicsResponseSpec = {
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
            ] },
    ],
};
//# sourceMappingURL=20_delete_topics.js.map