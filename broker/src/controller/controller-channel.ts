/**
 * The controller's outbound requests (Kafka's ControllerChannelManager): one FIFO queue and one in-flight
 * request per live broker, each request retried until it is answered or the broker leaves the live set
 * (then its queue is dropped: a dead broker gets full state again when it re-registers). Requests to one
 * broker therefore arrive in the order the controller produced them, which brokers rely on (an UpdateMetadata
 * naming a broker precedes the LeaderAndIsr that makes it a leader).
 */
import type { Logger } from 'pino';
import { NetworkError } from '../client/broker-connection.js';

/** The part of client/network-client.ts NetworkClient the controller uses (tests may record instead). */
export interface ControllerNetwork {
  send<Resp>(brokerId: number, apiKey: number, version: number, body: unknown, opts?: { timeoutMs?: number }): Promise<Resp>;
  close(brokerId?: number): void | Promise<void>;
}

/** Versions Kafka 3.9 (IBP 3.9) speaks in ZooKeeper mode; Gregor brokers serve all of them. */
export const LEADER_AND_ISR_VERSION = 7;
export const STOP_REPLICA_VERSION = 4;
export const UPDATE_METADATA_VERSION = 8;

export const API_LEADER_AND_ISR = 4;
export const API_STOP_REPLICA = 5;
export const API_UPDATE_METADATA = 6;

interface QueuedRequest {
  apiKey: number;
  version: number;
  body: unknown;
  onResponse?: (resp: unknown) => void;
}

class BrokerQueue {
  readonly items: QueuedRequest[] = [];
  running = false;
  dropped = false;
  constructor(readonly brokerId: number) {}
}

export interface ControllerChannelOptions {
  requestTimeoutMs?: number;
  retryBackoffMs?: number;
}

export class ControllerChannel {
  private readonly queues = new Map<number, BrokerQueue>();
  private readonly requestTimeoutMs: number;
  private readonly retryBackoffMs: number;
  private closed = false;

  constructor(
    private readonly network: ControllerNetwork,
    private readonly log: Logger,
    opts: ControllerChannelOptions = {},
  ) {
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 30_000;
    this.retryBackoffMs = opts.retryBackoffMs ?? 100;
  }

  addBroker(brokerId: number): void {
    if (this.closed || this.queues.has(brokerId)) return;
    this.queues.set(brokerId, new BrokerQueue(brokerId));
  }

  /** Drops the broker's queue (queued requests are discarded) and closes its connection. */
  removeBroker(brokerId: number): void {
    const q = this.queues.get(brokerId);
    if (!q) return;
    q.dropped = true;
    q.items.length = 0;
    this.queues.delete(brokerId);
    void Promise.resolve(this.network.close(brokerId)).catch(() => undefined);
  }

  hasBroker(brokerId: number): boolean {
    return this.queues.has(brokerId);
  }

  /** Enqueues a request to a live broker; silently dropped for a broker without a queue (not live). */
  send(brokerId: number, apiKey: number, version: number, body: unknown, onResponse?: (resp: unknown) => void): void {
    const q = this.queues.get(brokerId);
    if (!q) {
      this.log.debug({ brokerId, apiKey }, 'not sending to a broker that is not live');
      return;
    }
    q.items.push({ apiKey, version, body, onResponse });
    if (!q.running) {
      q.running = true;
      void this.drain(q);
    }
  }

  close(): void {
    this.closed = true;
    for (const id of [...this.queues.keys()]) this.removeBroker(id);
  }

  /** Queued plus in-flight requests, for tests and diagnostics. */
  pending(brokerId: number): number {
    return this.queues.get(brokerId)?.items.length ?? 0;
  }

  private async drain(q: BrokerQueue): Promise<void> {
    try {
      while (!q.dropped && q.items.length > 0) {
        const req = q.items[0]!;
        const resp = await this.sendWithRetries(q, req);
        if (q.dropped) return;
        q.items.shift();
        if (resp !== undefined && req.onResponse) {
          try {
            req.onResponse(resp);
          } catch (err) {
            this.log.error({ err, brokerId: q.brokerId, apiKey: req.apiKey }, 'controller response callback failed');
          }
        }
      }
    } finally {
      q.running = false;
    }
  }

  private async sendWithRetries(q: BrokerQueue, req: QueuedRequest): Promise<unknown> {
    let attempt = 0;
    while (!q.dropped) {
      try {
        return await this.network.send(q.brokerId, req.apiKey, req.version, req.body, { timeoutMs: this.requestTimeoutMs });
      } catch (err) {
        if (q.dropped) return undefined;
        if (!(err instanceof NetworkError)) {
          // Not an I/O failure (an encoding bug, an unsupported version): retrying cannot help.
          this.log.error({ err, brokerId: q.brokerId, apiKey: req.apiKey }, 'controller request failed permanently, dropped');
          return undefined;
        }
        attempt += 1;
        // Kafka's RequestSendThread retries a controller request for as long as the broker is live.
        if (attempt === 1 || attempt % 50 === 0) {
          this.log.warn({ err: String(err), brokerId: q.brokerId, apiKey: req.apiKey, attempt }, 'controller request failed, retrying');
        }
        await new Promise((r) => setTimeout(r, this.retryBackoffMs));
      }
    }
    return undefined;
  }
}
