/**
 * ApiVersions (key 18), v0-v3. Advertises exactly the APIs and version ranges that have handlers (the
 * registry in protocol/apis.ts). The response header is always v0, even for v3 (see headers.ts), and an
 * unsupported request version is answered by the dispatcher with UNSUPPORTED_VERSION in a v0 body.
 */
import type { Handler } from './context.js';
import type { ApiVersionsRequest, ApiVersionsResponse } from '../protocol/messages/18_api_versions.js';
import { ErrorCode } from '../protocol/errors.js';
import { apiVersionsList } from '../server/dispatcher.js';

// Kafka validates the v3 client software fields with this pattern (INVALID_REQUEST otherwise).
const SOFTWARE_FIELD = /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/;

export const handleApiVersions: Handler<ApiVersionsRequest, ApiVersionsResponse> = (req, ctx) => {
  const valid =
    ctx.apiVersion < 3 || (SOFTWARE_FIELD.test(req.clientSoftwareName) && SOFTWARE_FIELD.test(req.clientSoftwareVersion));
  return {
    errorCode: valid ? ErrorCode.NONE : ErrorCode.INVALID_REQUEST,
    apiKeys: apiVersionsList(ctx.services.cluster !== null),
    throttleTimeMs: 0,
    supportedFeatures: [],
    finalizedFeaturesEpoch: -1,
    finalizedFeatures: [],
    zkMigrationReady: false,
  };
};
