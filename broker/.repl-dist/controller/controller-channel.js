import { NetworkError } from '../client/broker-connection.js';
/** Versions Kafka 3.9 (IBP 3.9) speaks in ZooKeeper mode; Gregor brokers serve all of them. */
export const LEADER_AND_ISR_VERSION = 7;
export const STOP_REPLICA_VERSION = 4;
export const UPDATE_METADATA_VERSION = 8;
export const API_LEADER_AND_ISR = 4;
export const API_STOP_REPLICA = 5;
export const API_UPDATE_METADATA = 6;
class BrokerQueue {
    brokerId;
    items = [];
    running = false;
    dropped = false;
    constructor(brokerId) {
        this.brokerId = brokerId;
    }
}
export class ControllerChannel {
    network;
    log;
    queues = new Map();
    requestTimeoutMs;
    retryBackoffMs;
    closed = false;
    constructor(network, log, opts = {}) {
        this.network = network;
        this.log = log;
        this.requestTimeoutMs = opts.requestTimeoutMs ?? 30_000;
        this.retryBackoffMs = opts.retryBackoffMs ?? 100;
    }
    addBroker(brokerId) {
        if (this.closed || this.queues.has(brokerId))
            return;
        this.queues.set(brokerId, new BrokerQueue(brokerId));
    }
    /** Drops the broker's queue (queued requests are discarded) and closes its connection. */
    removeBroker(brokerId) {
        const q = this.queues.get(brokerId);
        if (!q)
            return;
        q.dropped = true;
        q.items.length = 0;
        this.queues.delete(brokerId);
        void Promise.resolve(this.network.close(brokerId)).catch(() => undefined);
    }
    hasBroker(brokerId) {
        return this.queues.has(brokerId);
    }
    /** Enqueues a request to a live broker; silently dropped for a broker without a queue (not live). */
    send(brokerId, apiKey, version, body, onResponse) {
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
    close() {
        this.closed = true;
        for (const id of [...this.queues.keys()])
            this.removeBroker(id);
    }
    /** Queued plus in-flight requests, for tests and diagnostics. */
    pending(brokerId) {
        return this.queues.get(brokerId)?.items.length ?? 0;
    }
    async drain(q) {
        try {
            while (!q.dropped && q.items.length > 0) {
                const req = q.items[0];
                const resp = await this.sendWithRetries(q, req);
                if (q.dropped)
                    return;
                q.items.shift();
                if (resp !== undefined && req.onResponse) {
                    try {
                        req.onResponse(resp);
                    }
                    catch (err) {
                        this.log.error({ err, brokerId: q.brokerId, apiKey: req.apiKey }, 'controller response callback failed');
                    }
                }
            }
        }
        finally {
            q.running = false;
        }
    }
    async sendWithRetries(q, req) {
        let attempt = 0;
        while (!q.dropped) {
            try {
                return await this.network.send(q.brokerId, req.apiKey, req.version, req.body, { timeoutMs: this.requestTimeoutMs });
            }
            catch (err) {
                if (q.dropped)
                    return undefined;
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
//# sourceMappingURL=controller-channel.js.map