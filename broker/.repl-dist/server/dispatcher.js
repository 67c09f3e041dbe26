import { Reader, ProtocolError } from '../protocol/primitives.js';
import { decodeMessage, encode } from '../protocol/codec.js';
import { decodeRequestHeader, encodeResponseHeader, requestHeaderVersion, responseHeaderVersion } from '../protocol/headers.js';
import { API_BY_KEY, advertisedApis } from '../protocol/apis.js';
import { ErrorCode, KafkaError } from '../protocol/errors.js';
import { HANDLERS } from '../handlers/index.js';
import { errorResponseFor } from './error-response.js';
import { recordRequest } from '../metrics.js';
const API_VERSIONS_KEY = 18;
const CLOSE = { response: null, close: true };
/**
 * Request header → handler → response frame. Follows Kafka's SocketServer on bad input: an unknown API key,
 * an unsupported version (other than ApiVersions) or an undecodable body closes the connection; nothing
 * here may throw out to the socket layer.
 */
export class Dispatcher {
    services;
    log;
    constructor(services, log) {
        this.services = services;
        this.log = log;
    }
    async dispatch(frame, conn) {
        if (frame.length < 8)
            return this.reject(conn, 'frame shorter than a request header');
        const apiKey = frame.readInt16BE(0);
        const apiVersion = frame.readInt16BE(2);
        const correlationId = frame.readInt32BE(4);
        const api = API_BY_KEY.get(apiKey);
        // Keys the codec knows but no handler serves (inter-broker APIs in single-node mode) are unknown to clients.
        if (!api || !HANDLERS.has(apiKey))
            return this.reject(conn, `unknown API key ${apiKey}`);
        const supported = apiVersion >= api.minVersion && apiVersion <= api.maxVersion;
        if (!supported) {
            if (apiKey === API_VERSIONS_KEY)
                return { response: this.unsupportedApiVersions(correlationId), close: false };
            return this.reject(conn, `unsupported version ${apiVersion} of ${api.name}`);
        }
        let request;
        let clientId;
        const reader = new Reader(frame);
        try {
            const header = decodeRequestHeader(reader, requestHeaderVersion(apiKey, apiVersion));
            clientId = header.clientId;
            request = decodeMessage(api.request, apiVersion, reader);
        }
        catch (err) {
            if (err instanceof ProtocolError)
                return this.reject(conn, `malformed ${api.name} v${apiVersion}: ${err.message}`);
            throw err;
        }
        const ctx = {
            apiKey,
            apiVersion,
            correlationId,
            clientId,
            clientHost: conn.clientHost,
            listenerName: conn.listenerName,
            services: this.services,
        };
        const started = process.hrtime.bigint();
        let body;
        let errorCode = 0;
        try {
            const handler = HANDLERS.get(apiKey);
            body = await handler(request, ctx);
        }
        catch (err) {
            errorCode = err instanceof KafkaError ? err.code : ErrorCode.UNKNOWN_SERVER_ERROR;
            if (!(err instanceof KafkaError))
                this.log.error({ err, api: api.name, version: apiVersion }, 'handler failed');
            body = errorResponseFor(api, apiVersion, request, errorCode, err instanceof Error ? err.message : String(err));
        }
        recordRequest(api.name, apiVersion, Number(process.hrtime.bigint() - started) / 1e9, errorCode);
        // acks=0 produce: Kafka sends nothing back.
        if (body === null)
            return { response: null, close: false };
        return { response: this.frame(api, apiVersion, correlationId, body), close: false };
    }
    frame(api, version, correlationId, body) {
        const header = encodeResponseHeader(correlationId, responseHeaderVersion(api.key, version));
        return [header, ...encode(api.response, version, body)];
    }
    /** Kafka answers an ApiVersions it cannot parse with UNSUPPORTED_VERSION and its own ranges, in a v0 body. */
    unsupportedApiVersions(correlationId) {
        const api = API_BY_KEY.get(API_VERSIONS_KEY);
        const body = {
            errorCode: ErrorCode.UNSUPPORTED_VERSION,
            apiKeys: apiVersionsList(),
            throttleTimeMs: 0,
            supportedFeatures: [],
            finalizedFeaturesEpoch: -1,
            finalizedFeatures: [],
            zkMigrationReady: false,
        };
        return [encodeResponseHeader(correlationId, 0), ...encode(api.response, 0, body)];
    }
    reject(conn, reason) {
        this.log.warn({ conn: conn.id, client: conn.clientHost, reason }, 'closing connection: invalid request');
        return CLOSE;
    }
}
export function apiVersionsList() {
    return advertisedApis((key) => HANDLERS.has(key));
}
//# sourceMappingURL=dispatcher.js.map