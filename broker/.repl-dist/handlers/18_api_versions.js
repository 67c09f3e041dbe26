import { ErrorCode } from '../protocol/errors.js';
import { apiVersionsList } from '../server/dispatcher.js';
// Kafka validates the v3 client software fields with this pattern (INVALID_REQUEST otherwise).
const SOFTWARE_FIELD = /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/;
export const handleApiVersions = (req, ctx) => {
    const valid = ctx.apiVersion < 3 || (SOFTWARE_FIELD.test(req.clientSoftwareName) && SOFTWARE_FIELD.test(req.clientSoftwareVersion));
    return {
        errorCode: valid ? ErrorCode.NONE : ErrorCode.INVALID_REQUEST,
        apiKeys: apiVersionsList(),
        throttleTimeMs: 0,
        supportedFeatures: [],
        finalizedFeaturesEpoch: -1,
        finalizedFeatures: [],
        zkMigrationReady: false,
    };
};
//# sourceMappingURL=18_api_versions.js.map