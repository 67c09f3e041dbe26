import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from 'pino';
import { Connection } from './connection.js';
import type { Dispatcher } from './dispatcher.js';
import { setConnectionCount } from '../metrics.js';

export interface ListenerSpec {
  name: string;
  host: string; // '' = all interfaces
  port: number; // 0 = ephemeral (tests)
}

let nextConnectionId = 1;

/** A TCP listener for one Kafka listener name; owns its connections so shutdown can close them. */
export class KafkaListener {
  private server: Server | null = null;
  private readonly connections = new Set<Connection>();
  private static total = 0;

  constructor(
    readonly spec: ListenerSpec,
    private readonly dispatcher: Dispatcher,
    private readonly maxFrameBytes: number,
    private readonly log: Logger,
  ) {}

  /** Starts listening; resolves with the bound port. */
  listen(): Promise<number> {
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

  private accept(socket: Socket): void {
    const info = {
      id: nextConnectionId++,
      listenerName: this.spec.name,
      clientHost: `/${socket.remoteAddress ?? 'unknown'}`,
      state: {},
    };
    const conn = new Connection(socket, info, this.dispatcher, this.maxFrameBytes, this.log, (c) => {
      if (this.connections.delete(c)) setConnectionCount(--KafkaListener.total);
    });
    this.connections.add(conn);
    setConnectionCount(++KafkaListener.total);
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const c of this.connections) c.close();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
