import type { Logger } from 'pino';
import { Reader, ProtocolError } from '../protocol/primitives.js';
import { decodeMessage, encode } from '../protocol/codec.js';
import { decodeRequestHeader, encodeResponseHeader, requestHeaderVersion, responseHeaderVersion } from '../protocol/headers.js';
import { API_BY_KEY, INTER_BROKER_KEYS, advertisedApis, type ApiSpec } from '../protocol/apis.js';
import { ErrorCode, KafkaError } from '../protocol/errors.js';
import type { BrokerServices, RequestContext } from '../handlers/context.js';
import { HANDLERS } from '../handlers/index.js';
import { errorResponseFor } from './error-response.js';
import type { ConnectionInfo } from './connection.js';
import { recordRequest } from '../metrics.js';

const API_VERSIONS_KEY = 18;

export interface DispatchOutcome {
  response: Buffer[] | null;
  close: boolean;
}

const CLOSE: DispatchOutcome = { response: null, close: true };

/**
 * Request header → handler → response frame. Follows Kafka's SocketServer on bad input: an unknown API key,
 * an unsupported version (other than ApiVersions) or an undecodable body closes the connection; nothing
 * here may throw out to the socket layer.
 */
export class Dispatcher {
  constructor(
    private readonly services: BrokerServices,
    private readonly log: Logger,
  ) {}

  async dispatch(frame: Buffer, conn: ConnectionInfo): Promise<DispatchOutcome> {
    if (frame.length < 8) return this.reject(conn, 'frame shorter than a request header');
    const apiKey = frame.readInt16BE(0);
    const apiVersion = frame.readInt16BE(2);
    const correlationId = frame.readInt32BE(4);
    const api = API_BY_KEY.get(apiKey);
    // Keys the codec knows but no handler serves (inter-broker APIs in single-node mode) are unknown to clients.
    if (!api || !served(apiKey, this.services.cluster !== null)) return this.reject(conn, `unknown API key ${apiKey}`);

    const supported = apiVersion >= api.minVersion && apiVersion <= api.maxVersion;
    if (!supported) {
      if (apiKey === API_VERSIONS_KEY) return { response: this.unsupportedApiVersions(correlationId), close: false };
      return this.reject(conn, `unsupported version ${apiVersion} of ${api.name}`);
    }

    let request: unknown;
    let clientId: string | null;
    const reader = new Reader(frame);
    try {
      const header = decodeRequestHeader(reader, requestHeaderVersion(apiKey, apiVersion));
      clientId = header.clientId;
      request = decodeMessage(api.request, apiVersion, reader);
    } catch (err) {
      if (err instanceof ProtocolError) return this.reject(conn, `malformed ${api.name} v${apiVersion}: ${err.message}`);
      throw err;
    }

    const ctx: RequestContext = {
      apiKey,
      apiVersion,
      correlationId,
      clientId,
      clientHost: conn.clientHost,
      listenerName: conn.listenerName,
      services: this.services,
      connection: conn.state,
    };
    const started = process.hrtime.bigint();
    let body: unknown;
    let errorCode = 0;
    try {
      const handler = HANDLERS.get(apiKey)!;
      body = await handler(request, ctx);
    } catch (err) {
      errorCode = err instanceof KafkaError ? err.code : ErrorCode.UNKNOWN_SERVER_ERROR;
      if (!(err instanceof KafkaError)) this.log.error({ err, api: api.name, version: apiVersion }, 'handler failed');
      body = errorResponseFor(api, apiVersion, request, errorCode, err instanceof Error ? err.message : String(err));
    }
    recordRequest(api.name, apiVersion, Number(process.hrtime.bigint() - started) / 1e9, errorCode);
    // acks=0 produce: Kafka sends nothing back.
    if (body === null) return { response: null, close: false };
    return { response: this.frame(api, apiVersion, correlationId, body), close: false };
  }

  private frame(api: ApiSpec, version: number, correlationId: number, body: unknown): Buffer[] {
    const header = encodeResponseHeader(correlationId, responseHeaderVersion(api.key, version));
    return [header, ...encode(api.response, version, body)];
  }

  /** Kafka answers an ApiVersions it cannot parse with UNSUPPORTED_VERSION and its own ranges, in a v0 body. */
  private unsupportedApiVersions(correlationId: number): Buffer[] {
    const api = API_BY_KEY.get(API_VERSIONS_KEY)!;
    const body = {
      errorCode: ErrorCode.UNSUPPORTED_VERSION,
      apiKeys: apiVersionsList(this.services.cluster !== null),
      throttleTimeMs: 0,
      supportedFeatures: [],
      finalizedFeaturesEpoch: -1,
      finalizedFeatures: [],
      zkMigrationReady: false,
    };
    return [encodeResponseHeader(correlationId, 0), ...encode(api.response, 0, body)];
  }

  private reject(conn: ConnectionInfo, reason: string): DispatchOutcome {
    this.log.warn({ conn: conn.id, client: conn.clientHost, reason }, 'closing connection: invalid request');
    return CLOSE;
  }
}

/**
 * Whether this broker serves an API key. The inter-broker and controller APIs exist only in a cluster: a
 * single-node broker does not advertise them, so tools such as kafka-topics skip the reassignment listing
 * instead of waiting for a controller that will never exist.
 */
function served(apiKey: number, clusterMode: boolean): boolean {
  return HANDLERS.has(apiKey) && (clusterMode || !INTER_BROKER_KEYS.has(apiKey));
}

export function apiVersionsList(clusterMode: boolean): { apiKey: number; minVersion: number; maxVersion: number }[] {
  return advertisedApis((key) => served(key, clusterMode));
}
