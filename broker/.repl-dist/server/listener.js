import { createServer } from 'node:net';
import { Connection } from './connection.js';
import { setConnectionCount } from '../metrics.js';
let nextConnectionId = 1;
/** A TCP listener for one Kafka listener name; owns its connections so shutdown can close them. */
export class KafkaListener {
    spec;
    dispatcher;
    maxFrameBytes;
    log;
    server = null;
    connections = new Set();
    static total = 0;
    constructor(spec, dispatcher, maxFrameBytes, log) {
        this.spec = spec;
        this.dispatcher = dispatcher;
        this.maxFrameBytes = maxFrameBytes;
        this.log = log;
    }
    /** Starts listening; resolves with the bound port. */
    listen() {
        const server = createServer((socket) => this.accept(socket));
        this.server = server;
        return new Promise((resolve, reject) => {
            server.once('error', reject);
            server.listen({ host: this.spec.host === '' ? undefined : this.spec.host, port: this.spec.port }, () => {
                server.off('error', reject);
                server.on('error', (err) => this.log.error({ err, listener: this.spec.name }, 'listener error'));
                const addr = server.address();
                resolve(typeof addr === 'object' && addr ? addr.port : this.spec.port);
            });
        });
    }
    accept(socket) {
        const info = {
            id: nextConnectionId++,
            listenerName: this.spec.name,
            clientHost: `/${socket.remoteAddress ?? 'unknown'}`,
        };
        const conn = new Connection(socket, info, this.dispatcher, this.maxFrameBytes, this.log, (c) => {
            if (this.connections.delete(c))
                setConnectionCount(--KafkaListener.total);
        });
        this.connections.add(conn);
        setConnectionCount(++KafkaListener.total);
    }
    async close() {
        const server = this.server;
        this.server = null;
        for (const c of this.connections)
            c.close();
        if (server)
            await new Promise((resolve) => server.close(() => resolve()));
    }
}
//# sourceMappingURL=listener.js.map