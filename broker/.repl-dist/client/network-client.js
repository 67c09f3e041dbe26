import { childLogger } from '../log.js';
import { BrokerConnection, NetworkError, RequestTimeoutError, } from './broker-connection.js';
export class NetworkClient {
    clientId;
    resolve;
    opts;
    peers = new Map();
    log;
    closed = false;
    constructor(clientId, resolve, opts = {}) {
        this.clientId = clientId;
        this.resolve = resolve;
        this.opts = opts;
        this.log = childLogger('network-client').child({ clientId });
    }
    /**
     * Sends one request to a broker, connecting first if needed. Rejects with NetworkError when the broker
     * id is unknown, the connect fails, the connection is lost before the response, or on timeout.
     */
    async send(brokerId, apiKey, version, body, options) {
        const conn = await this.connection(brokerId);
        return conn.send(apiKey, version, body, options);
    }
    /** ApiVersions with a broker (once per connection): its ranges and the highest common version per key. */
    async negotiateVersions(brokerId, options) {
        const conn = await this.connection(brokerId);
        return conn.negotiateVersions(options);
    }
    /** Whether a connection to the broker is currently open (for metrics and tests). */
    isConnected(brokerId) {
        return this.peers.get(brokerId)?.conn?.isOpen ?? false;
    }
    /**
     * Closes the connection to one broker (in-flight requests reject with NetworkError) and forgets its
     * backoff; without an id closes every connection and refuses further sends.
     */
    close(brokerId) {
        if (brokerId === undefined) {
            this.closed = true;
            for (const id of [...this.peers.keys()])
                this.close(id);
            return;
        }
        const peer = this.peers.get(brokerId);
        if (peer === undefined)
            return;
        this.peers.delete(brokerId);
        peer.conn?.close();
        // A connect still under way is closed when it completes (see connect()).
    }
    /** The open connection to a broker, opening one (after any pending backoff) if there is none. */
    async connection(brokerId) {
        if (this.closed)
            throw new NetworkError('network client is closed', '', brokerId);
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
    async connect(brokerId, peer) {
        try {
            const wait = peer.notBefore - Date.now();
            if (wait > 0)
                await new Promise((r) => setTimeout(r, wait));
            const address = this.resolve(brokerId);
            if (address === undefined)
                throw new NetworkError(`broker ${brokerId} has no known address`, '', brokerId);
            let conn;
            try {
                conn = await BrokerConnection.connect(address, {
                    clientId: this.clientId,
                    brokerId,
                    connectTimeoutMs: this.opts.connectTimeoutMs,
                    requestTimeoutMs: this.opts.requestTimeoutMs,
                    maxResponseBytes: this.opts.maxResponseBytes,
                });
            }
            catch (err) {
                this.backOff(peer);
                this.log.debug({ brokerId, err: err.message }, 'connect failed');
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
                if (peer.conn === conn)
                    peer.conn = null;
                // A lost connection backs off like a failed connect; a local close does not.
                if (err !== null && !(err instanceof RequestTimeoutError))
                    this.backOff(peer);
            });
            return conn;
        }
        finally {
            peer.connecting = null;
        }
    }
    backOff(peer) {
        const base = this.opts.reconnectBackoffMs ?? 50;
        const max = this.opts.reconnectBackoffMaxMs ?? 1000;
        peer.failures++;
        const delay = Math.min(max, base * 2 ** Math.min(peer.failures - 1, 20));
        // ±20% jitter, as Kafka: brokers restarted together should not reconnect in lockstep.
        peer.notBefore = Date.now() + delay * (0.8 + Math.random() * 0.4);
    }
}
//# sourceMappingURL=network-client.js.map