import { ErrorCode } from '../protocol/errors.js';
import { CLUSTER_OPERATIONS, OPERATIONS_NOT_REQUESTED } from './authorized-operations.js';
const BROKERS_ENDPOINT_TYPE = 1;
export const handleDescribeCluster = (req, ctx) => {
    const { metadata } = ctx.services;
    const base = {
        throttleTimeMs: 0,
        endpointType: BROKERS_ENDPOINT_TYPE,
        clusterId: metadata.clusterId(),
        controllerId: metadata.controllerId(),
        clusterAuthorizedOperations: req.includeClusterAuthorizedOperations ? CLUSTER_OPERATIONS : OPERATIONS_NOT_REQUESTED,
    };
    if (ctx.apiVersion >= 1 && req.endpointType !== BROKERS_ENDPOINT_TYPE) {
        return { ...base, errorCode: ErrorCode.UNSUPPORTED_ENDPOINT_TYPE, errorMessage: 'Only broker endpoints are served', brokers: [] };
    }
    const brokers = metadata.brokers().flatMap((b) => {
        const ep = b.endpoints.find((e) => e.name === ctx.listenerName) ?? b.endpoints[0];
        return ep ? [{ brokerId: b.id, host: ep.host, port: ep.port, rack: b.rack }] : [];
    });
    return { ...base, errorCode: ErrorCode.NONE, errorMessage: null, brokers };
};
//# sourceMappingURL=60_describe_cluster.js.map