/**
 * ApiVersions (API key 18): ApiVersionsRequest.json / ApiVersionsResponse.json from Apache Kafka
 * (clients/src/main/resources/common/message, commit 1eb7644349cb), transcribed literally; the interfaces
 * are the decoded objects (camelCase, every field present; doc comments give the versions of each field).
 */
import type { MessageSpec } from '../schema.js';

// Versions 0 through 2 of ApiVersionsRequest are the same.
//
// Version 3 is the first flexible version and adds ClientSoftwareName and ClientSoftwareVersion.
//
// Version 4 fixes KAFKA-17011, which blocked SupportedFeatures.MinVersion in the response from being 0.
export const ApiVersionsRequestSpec: MessageSpec = {
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

export interface ApiVersionsRequest {
  /** v3+. The name of the client. */
  clientSoftwareName: string;
  /** v3+. The version of the client. */
  clientSoftwareVersion: string;
}

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
export const ApiVersionsResponseSpec: MessageSpec = {
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
    ]},
    { name: 'ThrottleTimeMs', type: 'int32', versions: '1+', ignorable: true },
    { name: 'SupportedFeatures', type: '[]SupportedFeatureKey', versions: '3+', taggedVersions: '3+', tag: 0, ignorable: true, fields: [
      { name: 'Name', type: 'string', versions: '3+' },
      { name: 'MinVersion', type: 'int16', versions: '3+' },
      { name: 'MaxVersion', type: 'int16', versions: '3+' },
    ]},
    { name: 'FinalizedFeaturesEpoch', type: 'int64', versions: '3+', taggedVersions: '3+', tag: 1, default: '-1', ignorable: true },
    { name: 'FinalizedFeatures', type: '[]FinalizedFeatureKey', versions: '3+', taggedVersions: '3+', tag: 2, ignorable: true, fields: [
      { name: 'Name', type: 'string', versions: '3+' },
      { name: 'MaxVersionLevel', type: 'int16', versions: '3+' },
      { name: 'MinVersionLevel', type: 'int16', versions: '3+' },
    ]},
    { name: 'ZkMigrationReady', type: 'bool', versions: '3+', taggedVersions: '3+', tag: 3, default: 'false', ignorable: true },
  ],
};

export interface ApiVersionsResponse {
  /** v0+. The top-level error code. */
  errorCode: number;
  /** v0+. The APIs supported by the broker. */
  apiKeys: ApiVersionsResponseApiVersion[];
  /** v1+. The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. */
  throttleTimeMs: number;
  /** v3+, tagged 0. Features supported by the broker. Note: in v0-v3, features with MinSupportedVersion = 0 are omitted. */
  supportedFeatures: ApiVersionsResponseSupportedFeatureKey[];
  /** v3+, tagged 1, default -1. The monotonically increasing epoch for the finalized features information. Valid values are >= 0. A value of -1 is special and represents unknown epoch. */
  finalizedFeaturesEpoch: number;
  /** v3+, tagged 2. List of cluster-wide finalized features. The information is valid only if FinalizedFeaturesEpoch >= 0. */
  finalizedFeatures: ApiVersionsResponseFinalizedFeatureKey[];
  /** v3+, tagged 3, default false. Set by a KRaft controller if the required configurations for ZK migration are present */
  zkMigrationReady: boolean;
}

export interface ApiVersionsResponseFinalizedFeatureKey {
  /** v3+. The name of the feature. */
  name: string;
  /** v3+. The cluster-wide finalized max version level for the feature. */
  maxVersionLevel: number;
  /** v3+. The cluster-wide finalized min version level for the feature. */
  minVersionLevel: number;
}

export interface ApiVersionsResponseSupportedFeatureKey {
  /** v3+. The name of the feature. */
  name: string;
  /** v3+. The minimum supported version for the feature. */
  minVersion: number;
  /** v3+. The maximum supported version for the feature. */
  maxVersion: number;
}

export interface ApiVersionsResponseApiVersion {
  /** v0+. The API index. */
  apiKey: number;
  /** v0+. The minimum supported version, inclusive. */
  minVersion: number;
  /** v0+. The maximum supported version, inclusive. */
  maxVersion: number;
}
