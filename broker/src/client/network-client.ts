/**
 * Connections to other brokers by broker id: one pipelined BrokerConnection per broker, opened on first
 * use and reopened after a failure. The address is looked up through `resolve` at every connect, because a
 * broker can come back on another host or port (the controller learns it from /brokers/ids).
 *
 * Requests are not retried here: a failure rejects with NetworkError and the caller (controller channel,
 * replica fetcher) decides, as with Kafka's NetworkClient. Reconnects are spaced by an exponential backoff
 * (Kafka's reconnect.backoff.ms / reconnect.backoff.max.ms) so a dead broker is not hammered.
 */
import type { Logger } from 'pino';
import { childLogger } from '../log.js';
import {
  BrokerConnection,
  NetworkError,
  RequestTimeoutError,
  type BrokerAddress,
  type NegotiatedVersions,
  type SendOptions,
} from './broker-connection.js';

export interface NetworkClientOptions {
  /** Default 10 s. */
  connectTimeoutMs?: number;
  /** Default per-request timeout, 30 s. */
  requestTimeoutMs?: number;
  /** First reconnect delay after a failure; doubles per consecutive failure. Default 50 ms. */
  reconnectBackoffMs?: number;
  /** Upper bound of the reconnect delay. Default 1 s. */
  reconnectBackoffMaxMs?: number;
  /** See ConnectionOptions.maxResponseBytes. */
  maxResponseBytes?: number;
}

interface Peer {
  conn: BrokerConnection | null;
  connecting: Promise<BrokerConnection> | null;
  /** Consecutive failed connects or failed connections, for the backoff. */
  failures: number;
  /** No connect attempt before this time (ms since epoch). */
  notBefore: number;
}

export class NetworkClient {
  private readonly peers = new Map<number, Peer>();
  private readonly log: Logger;
  private closed = false;

  constructor(
    readonly clientId: string,
    private readonly resolve: (brokerId: number) => BrokerAddress | undefined,
    private readonly opts: NetworkClientOptions = {},
  ) {
    this.log = childLogger('network-client').child({ clientId });
  }

  /**
   * Sends one request to a broker, connecting first if needed. Rejects with NetworkError when the broker
   * id is unknown, the connect fails, the connection is lost before the response, or on timeout.
   */
  async send<Resp = unknown>(brokerId: number, apiKey: number, version: number, body: unknown, options?: SendOptions): Promise<Resp> {
    const conn = await this.connection(brokerId);
    return conn.send<Resp>(apiKey, version, body, options);
  }

  /** ApiVersions with a broker (once per connection): its ranges and the highest common version per key. */
  async negotiateVersions(brokerId: number, options?: SendOptions): Promise<NegotiatedVersions> {
    const conn = await this.connection(brokerId);
    return conn.negotiateVersions(options);
  }

  /** Whether a connection to the broker is currently open (for metrics and tests). */
  isConnected(brokerId: number): boolean {
    return this.peers.get(brokerId)?.conn?.isOpen ?? false;
  }

  /**
   * Closes the connection to one broker (in-flight requests reject with NetworkError) and forgets its
   * backoff; without an id closes every connection and refuses further sends.
   */
  close(brokerId?: number): void {
    if (brokerId === undefined) {
      this.closed = true;
      for (const id of [...this.peers.keys()]) this.close(id);
      return;
    }
    const peer = this.peers.get(brokerId);
    if (peer === undefined) return;
    this.peers.delete(brokerId);
    peer.conn?.close();
    // A connect still under way is closed when it completes (see connect()).
  }

  /** The open connection to a broker, opening one (after any pending backoff) if there is none. */
  private async connection(brokerId: number): Promise<BrokerConnection> {
    if (this.closed) throw new NetworkError('network client is closed', '', brokerId);
    let peer = this.peers.get(brokerId);
    if (peer === undefined) {
      peer = { conn: null, connecting: null, failures: 0, notBefore: 0 };
      this.peers.set(brokerId, peer);
    }
    if (peer.conn !== null) {
      // The broker may have moved since this connection was opened (re-registered elsewhere): a request
      // sent to the old address would reach the wrong process or none.
      const now = this.resolve(brokerId);
      if (peer.conn.isOpen && now !== undefined && now.host === peer.conn.address.host && now.port === peer.conn.address.port) {
        return peer.conn;
      }
      peer.conn.close();
      peer.conn = null;
    }
    peer.connecting ??= this.connect(brokerId, peer);
    return peer.connecting;
  }

  private async connect(brokerId: number, peer: Peer): Promise<BrokerConnection> {
    try {
      const wait = peer.notBefore - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const address = this.resolve(brokerId);
      if (address === undefined) throw new NetworkError(`broker ${brokerId} has no known address`, '', brokerId);
      let conn: BrokerConnection;
      try {
        conn = await BrokerConnection.connect(address, {
          clientId: this.clientId,
          brokerId,
          connectTimeoutMs: this.opts.connectTimeoutMs,
          requestTimeoutMs: this.opts.requestTimeoutMs,
          maxResponseBytes: this.opts.maxResponseBytes,
        });
      } catch (err) {
        this.backOff(peer);
        this.log.debug({ brokerId, err: (err as Error).message }, 'connect failed');
        throw err;
      }
      if (this.closed || this.peers.get(brokerId) !== peer) {
        // close() was called while connecting.
        conn.close();
        throw new NetworkError(`connection to broker ${brokerId} closed while connecting`, conn.addressText, brokerId);
      }
      peer.conn = conn;
      peer.failures = 0;
      peer.notBefore = 0;
      conn.onClose((err) => {
        if (peer.conn === conn) peer.conn = null;
        // A lost connection backs off like a failed connect; a local close does not.
        if (err !== null && !(err instanceof RequestTimeoutError)) this.backOff(peer);
      });
      return conn;
    } finally {
      peer.connecting = null;
    }
  }

  private backOff(peer: Peer): void {
    const base = this.opts.reconnectBackoffMs ?? 50;
    const max = this.opts.reconnectBackoffMaxMs ?? 1000;
    peer.failures++;
    const delay = Math.min(max, base * 2 ** Math.min(peer.failures - 1, 20));
    // ±20% jitter, as Kafka: brokers restarted together should not reconnect in lockstep.
    peer.notBefore = Date.now() + delay * (0.8 + Math.random() * 0.4);
  }
}
