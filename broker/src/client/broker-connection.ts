/**
 * One client TCP connection to a Kafka-protocol broker: what the controller uses to push LeaderAndIsr /
 * UpdateMetadata / StopReplica, what followers use to fetch, and what tests and the operator use to talk
 * to a `host:port`. Requests are pipelined and matched to responses by correlation id; the codec and the
 * header rules are the broker's own (protocol/), so both directions of the wire share one definition.
 *
 * Failure model (as Kafka's NetworkClient): any I/O error, a close by the peer, an undecodable response or
 * (by default) a request timeout closes the connection and rejects every in-flight request with a
 * `NetworkError`. Nothing the peer sends can make this module throw out of a socket callback.
 */
import { Socket, connect as netConnect } from 'node:net';
import type { Logger } from 'pino';
import { API_BY_KEY, ApiKey, type ApiSpec, type ApiVersionRange } from '../protocol/apis.js';
import { decodeMessage, encodeMessage } from '../protocol/codec.js';
import { ErrorCode } from '../protocol/errors.js';
import { encodeRequestHeader, responseHeaderVersion } from '../protocol/headers.js';
import type { ApiVersionsRequest, ApiVersionsResponse } from '../protocol/messages/index.js';
import { ProtocolError, Reader, Writer } from '../protocol/primitives.js';
import { FrameDecoder } from '../server/frame-decoder.js';
import { childLogger } from '../log.js';

export interface BrokerAddress {
  host: string;
  port: number;
}

/**
 * Every failure of a request that is not a decoded response: connect failure, connection lost, timeout,
 * malformed response, unknown broker. The request may or may not have reached the peer.
 */
export class NetworkError extends Error {
  constructor(
    message: string,
    /** `host:port` of the peer, or '' when the broker id could not be resolved to an address. */
    readonly address: string,
    /** The broker id the connection was opened for, when known (-1 otherwise). */
    readonly brokerId: number = -1,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'NetworkError';
  }
}

/** The request was not answered within its timeout. */
export class RequestTimeoutError extends NetworkError {
  constructor(message: string, address: string, brokerId: number) {
    super(message, address, brokerId);
    this.name = 'RequestTimeoutError';
  }
}

export interface ConnectionOptions {
  /** Client id in every request header (Kafka's brokers use e.g. `broker-1-fetcher-0`). */
  clientId: string;
  /** For error messages and logs only. */
  brokerId?: number;
  /** Default 10 s (Kafka's socket.connection.setup.timeout.ms). */
  connectTimeoutMs?: number;
  /** Default per-request timeout, 30 s (Kafka's request.timeout.ms). */
  requestTimeoutMs?: number;
  /** Largest response frame accepted; larger ones are treated as a corrupt stream. Default 1 GiB. */
  maxResponseBytes?: number;
  /**
   * Close the connection when a request times out (default true, as Kafka's NetworkClient does): responses
   * on a connection come back in order, so everything behind an overdue request is stuck too, and a fresh
   * connection is the only way to get going again. With false only the overdue request fails and its late
   * response is discarded.
   */
  closeOnTimeout?: boolean;
}

export interface SendOptions {
  /** Overrides the connection's request timeout for this request. */
  timeoutMs?: number;
  /**
   * False for requests the peer never answers (Produce with acks=0): the promise resolves with `undefined`
   * once the request is handed to the socket.
   */
  expectResponse?: boolean;
}

/** The peer's API ranges and, per API key, the highest version both sides support. */
export interface NegotiatedVersions {
  readonly peer: ReadonlyMap<number, ApiVersionRange>;
  /** apiKey → highest common version; keys either side lacks (or with disjoint ranges) are absent. */
  readonly max: ReadonlyMap<number, number>;
}

interface Pending {
  api: ApiSpec;
  version: number;
  resolve: (body: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout | null;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_RESPONSE_BYTES = 1 << 30;
const CLIENT_SOFTWARE_NAME = 'gregor';
const CLIENT_SOFTWARE_VERSION = '0.1.0';

export class BrokerConnection {
  private readonly pending = new Map<number, Pending>();
  /** Correlation ids of requests that timed out without closing the connection: their responses are dropped. */
  private readonly abandoned = new Set<number>();
  private readonly decoder: FrameDecoder;
  private readonly closeListeners: ((err: NetworkError | null) => void)[] = [];
  private nextCorrelationId = 0;
  private closedWith: NetworkError | null | undefined = undefined;
  private versions: Promise<NegotiatedVersions> | null = null;
  private readonly log: Logger;
  readonly addressText: string;

  private constructor(
    private readonly socket: Socket,
    readonly address: BrokerAddress,
    private readonly opts: Required<ConnectionOptions>,
  ) {
    this.addressText = `${address.host}:${address.port}`;
    this.log = childLogger('client').child({ peer: this.addressText, brokerId: opts.brokerId });
    this.decoder = new FrameDecoder(opts.maxResponseBytes);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.fail(this.networkError(`connection to ${this.describe()} failed: ${err.message}`, err)));
    socket.on('close', () => this.fail(this.networkError(`connection to ${this.describe()} closed by peer`)));
  }

  /** Opens a connection; rejects with NetworkError on refusal, DNS failure or after connectTimeoutMs. */
  static connect(address: BrokerAddress, options: ConnectionOptions): Promise<BrokerConnection> {
    const opts: Required<ConnectionOptions> = {
      clientId: options.clientId,
      brokerId: options.brokerId ?? -1,
      connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
      closeOnTimeout: options.closeOnTimeout ?? true,
    };
    const text = `${address.host}:${address.port}`;
    const who = opts.brokerId >= 0 ? `broker ${opts.brokerId} (${text})` : text;
    return new Promise((resolve, reject) => {
      let socket: Socket;
      try {
        socket = netConnect({ host: address.host, port: address.port });
      } catch (err) {
        // Invalid port numbers and the like throw synchronously from net.connect.
        const message = `cannot connect to ${who}: ${(err as Error).message}`;
        reject(new NetworkError(message, text, opts.brokerId, { cause: err }));
        return;
      }
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new NetworkError(`connect to ${who} timed out after ${opts.connectTimeoutMs} ms`, text, opts.brokerId));
      }, opts.connectTimeoutMs);
      const onError = (err: Error): void => {
        clearTimeout(timer);
        socket.destroy();
        reject(new NetworkError(`cannot connect to ${who}: ${err.message}`, text, opts.brokerId, { cause: err }));
      };
      socket.once('error', onError);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.off('error', onError);
        // Requests are small and latency-bound (controller RPCs, follower fetches): no Nagle delay.
        socket.setNoDelay(true);
        socket.setKeepAlive(true, 30_000);
        resolve(new BrokerConnection(socket, address, opts));
      });
    });
  }

  /** True until the connection is closed (by either side or by a failure). */
  get isOpen(): boolean {
    return this.closedWith === undefined;
  }

  /** Requests sent and not yet answered. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** Called once when the connection closes: with the error, or null for a local `close()`. */
  onClose(listener: (err: NetworkError | null) => void): void {
    if (this.closedWith !== undefined) queueMicrotask(() => listener(this.closedWith ?? null));
    else this.closeListeners.push(listener);
  }

  /**
   * Sends one request and resolves with the decoded response body. Rejects (never throws) with
   * NetworkError for I/O problems, RequestTimeoutError on timeout, EncodeError when `body` does not fit the
   * schema, and Error for an API key or version this codec does not know.
   */
  send<Resp = unknown>(apiKey: number, version: number, body: unknown, options: SendOptions = {}): Promise<Resp> {
    return new Promise<Resp>((resolve, reject) => {
      if (this.closedWith !== undefined) {
        reject(this.closedWith ?? this.networkError(`connection to ${this.describe()} is closed`));
        return;
      }
      const api = API_BY_KEY.get(apiKey);
      if (api === undefined) {
        reject(new Error(`unknown API key ${apiKey}`));
        return;
      }
      const correlationId = this.nextCorrelationId;
      this.nextCorrelationId = (this.nextCorrelationId + 1) & 0x7fffffff;
      let frame: Buffer[];
      try {
        frame = this.encodeRequest(api, version, correlationId, body);
      } catch (err) {
        reject(err as Error);
        return;
      }
      const expectResponse = options.expectResponse ?? true;
      if (!expectResponse) {
        this.write(frame, (err) => (err ? reject(err) : resolve(undefined as Resp)));
        return;
      }
      const timeoutMs = options.timeoutMs ?? this.opts.requestTimeoutMs;
      const entry: Pending = { api, version, resolve: resolve as (b: unknown) => void, reject, timer: null };
      entry.timer = setTimeout(() => this.onTimeout(correlationId, timeoutMs), timeoutMs);
      this.pending.set(correlationId, entry);
      this.write(frame, (err) => {
        if (err && this.pending.get(correlationId) === entry) this.settle(correlationId)?.reject(err);
      });
    });
  }

  /**
   * ApiVersions, once per connection (cached): the peer's ranges and the highest common version per key.
   * Inter-broker traffic between Gregor brokers can skip this and use our maximum.
   */
  negotiateVersions(options: SendOptions = {}): Promise<NegotiatedVersions> {
    if (this.versions === null) {
      const attempt = this.fetchVersions(options);
      this.versions = attempt;
      // A failed attempt is not cached, so a later call asks again.
      attempt.catch(() => {
        if (this.versions === attempt) this.versions = null;
      });
    }
    return this.versions;
  }

  /** Closes the connection; in-flight requests reject with NetworkError. Idempotent. */
  close(): void {
    this.fail(null);
  }

  private async fetchVersions(options: SendOptions): Promise<NegotiatedVersions> {
    const ours = API_BY_KEY.get(ApiKey.ApiVersions)!;
    const req: ApiVersionsRequest = { clientSoftwareName: CLIENT_SOFTWARE_NAME, clientSoftwareVersion: CLIENT_SOFTWARE_VERSION };
    const resp = await this.send<ApiVersionsResponse>(ApiKey.ApiVersions, ours.maxVersion, req, options);
    if (resp.errorCode !== ErrorCode.NONE) {
      throw this.networkError(`ApiVersions to ${this.describe()} failed with error ${resp.errorCode}`);
    }
    const peer = new Map<number, ApiVersionRange>();
    const max = new Map<number, number>();
    for (const k of resp.apiKeys) {
      peer.set(k.apiKey, { apiKey: k.apiKey, minVersion: k.minVersion, maxVersion: k.maxVersion });
      const local = API_BY_KEY.get(k.apiKey);
      if (local === undefined) continue;
      const hi = Math.min(local.maxVersion, k.maxVersion);
      if (hi >= Math.max(local.minVersion, k.minVersion)) max.set(k.apiKey, hi);
    }
    return { peer, max };
  }

  private encodeRequest(api: ApiSpec, version: number, correlationId: number, body: unknown): Buffer[] {
    const w = new Writer();
    w.int32(0); // size, patched below once the length is known
    encodeRequestHeader(w, { apiKey: api.key, apiVersion: version, correlationId, clientId: this.opts.clientId });
    encodeMessage(api.request, version, body, w);
    const chunks = w.finish();
    // The size prefix sits in the first chunk (the writer starts with a fresh buffer of at least 16 bytes).
    chunks[0]!.writeInt32BE(w.length - 4, 0);
    return chunks;
  }

  private write(frame: Buffer[], done: (err: NetworkError | null) => void): void {
    const onWritten = (err?: Error | null): void => {
      done(err ? this.networkError(`write to ${this.describe()} failed: ${err.message}`, err) : null);
    };
    // cork/uncork turns the chunks into one writev instead of one syscall per chunk.
    this.socket.cork();
    for (let i = 0; i < frame.length - 1; i++) this.socket.write(frame[i]!);
    this.socket.write(frame[frame.length - 1]!, onWritten);
    this.socket.uncork();
  }

  private onData(chunk: Buffer): void {
    if (this.closedWith !== undefined) return;
    let frames: Buffer[];
    try {
      frames = this.decoder.push(chunk);
    } catch (err) {
      this.fail(this.networkError(`corrupt response stream from ${this.describe()}: ${(err as Error).message}`, err));
      return;
    }
    for (const frame of frames) {
      if (this.closedWith !== undefined) return;
      this.onFrame(frame);
    }
  }

  private onFrame(frame: Buffer): void {
    if (frame.length < 4) {
      this.fail(this.networkError(`response from ${this.describe()} shorter than a header (${frame.length} bytes)`));
      return;
    }
    const correlationId = frame.readInt32BE(0);
    if (this.abandoned.delete(correlationId)) return;
    const entry = this.settle(correlationId);
    if (entry === undefined) {
      // Kafka's client treats this as a fatal protocol violation too: the stream can no longer be trusted.
      this.fail(this.networkError(`response from ${this.describe()} has unknown correlation id ${correlationId}`));
      return;
    }
    let body: unknown;
    try {
      body = this.decodeResponse(entry, frame);
    } catch (err) {
      const e = new NetworkError(
        `malformed ${entry.api.name} v${entry.version} response from ${this.describe()}: ${(err as Error).message}`,
        this.addressText,
        this.opts.brokerId,
        { cause: err },
      );
      entry.reject(e);
      this.fail(e);
      return;
    }
    entry.resolve(body);
  }

  private decodeResponse(entry: Pending, frame: Buffer): unknown {
    const reader = new Reader(frame, 4);
    if (responseHeaderVersion(entry.api.key, entry.version) === 1) {
      const n = reader.uvarint();
      for (let i = 0; i < n; i++) {
        reader.uvarint();
        reader.skip(reader.uvarint());
      }
    }
    let version = entry.version;
    // A broker that does not support our ApiVersions version answers UNSUPPORTED_VERSION in a v0 body
    // (ErrorCode is the first field in every version), as Kafka's client expects.
    const errorCode = reader.remaining >= 2 ? reader.buf.readInt16BE(reader.pos) : ErrorCode.NONE;
    if (entry.api.key === ApiKey.ApiVersions && errorCode === ErrorCode.UNSUPPORTED_VERSION) version = 0;
    const body = decodeMessage(entry.api.response, version, reader);
    if (reader.remaining !== 0) {
      throw new ProtocolError(`${reader.remaining} trailing bytes`);
    }
    return body;
  }

  private onTimeout(correlationId: number, timeoutMs: number): void {
    const entry = this.settle(correlationId);
    if (entry === undefined) return;
    const err = new RequestTimeoutError(
      `${entry.api.name} v${entry.version} to ${this.describe()} timed out after ${timeoutMs} ms`,
      this.addressText,
      this.opts.brokerId,
    );
    entry.reject(err);
    if (this.opts.closeOnTimeout) this.fail(err);
    else this.abandoned.add(correlationId);
  }

  /** Removes an in-flight request and stops its timer. */
  private settle(correlationId: number): Pending | undefined {
    const entry = this.pending.get(correlationId);
    if (entry === undefined) return undefined;
    this.pending.delete(correlationId);
    if (entry.timer) clearTimeout(entry.timer);
    return entry;
  }

  /** Closes the connection once: rejects everything in flight and tells the close listeners. */
  private fail(err: NetworkError | null): void {
    if (this.closedWith !== undefined) return;
    this.closedWith = err;
    if (err) this.log.debug({ err: err.message }, 'connection closed');
    this.socket.destroy();
    const inFlight = [...this.pending.keys()];
    for (const id of inFlight) {
      const entry = this.settle(id)!;
      entry.reject(
        err ?? this.networkError(`connection to ${this.describe()} closed with the request in flight`),
      );
    }
    this.abandoned.clear();
    for (const l of this.closeListeners.splice(0)) {
      try {
        l(err);
      } catch (e) {
        this.log.error({ err: e }, 'close listener failed');
      }
    }
  }

  private networkError(message: string, cause?: unknown): NetworkError {
    const options = cause === undefined ? undefined : { cause };
    return new NetworkError(message, this.addressText, this.opts.brokerId, options);
  }

  private describe(): string {
    return this.opts.brokerId >= 0 ? `broker ${this.opts.brokerId} (${this.addressText})` : this.addressText;
  }
}
