import type { Socket } from 'node:net';
import { FrameDecoder, FrameTooLargeError } from './frame-decoder.js';
import type { Dispatcher } from './dispatcher.js';
import type { Logger } from 'pino';
import type { ConnectionState } from '../handlers/context.js';

/** Kafka mutes a channel while it has a request in flight; we instead queue, and pause reading past this. */
const MAX_QUEUED_REQUESTS = 64;

export interface ConnectionInfo {
  id: number;
  listenerName: string;
  clientHost: string;
  /** Handlers' per-connection state (RequestContext.connection). */
  state: ConnectionState;
}

/**
 * One client connection: frames in, responses out in request order. Requests on one connection are
 * handled one at a time, as Kafka does, which keeps response ordering trivial and lets a long-polling
 * Fetch or JoinGroup hold only its own connection.
 */
export class Connection {
  private readonly decoder: FrameDecoder;
  private readonly queue: Buffer[] = [];
  private processing = false;
  private closed = false;
  private paused = false;

  constructor(
    private readonly socket: Socket,
    readonly info: ConnectionInfo,
    private readonly dispatcher: Dispatcher,
    maxFrameBytes: number,
    private readonly log: Logger,
    private readonly onClose: (c: Connection) => void,
  ) {
    this.decoder = new FrameDecoder(maxFrameBytes);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.log.debug({ err: err.message, conn: info.id }, 'socket error'));
    socket.on('close', () => {
      this.closed = true;
      this.queue.length = 0;
      this.onClose(this);
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    let frames: Buffer[];
    try {
      frames = this.decoder.push(chunk);
    } catch (err) {
      const msg = err instanceof FrameTooLargeError ? err.message : String(err);
      this.log.warn({ conn: this.info.id, client: this.info.clientHost, reason: msg }, 'closing connection: bad frame');
      this.close();
      return;
    }
    if (frames.length === 0) return;
    this.queue.push(...frames);
    if (this.queue.length > MAX_QUEUED_REQUESTS && !this.paused) {
      this.paused = true;
      this.socket.pause();
    }
    if (!this.processing) void this.drain();
  }

  private async drain(): Promise<void> {
    this.processing = true;
    try {
      while (!this.closed && this.queue.length > 0) {
        const frame = this.queue.shift()!;
        const outcome = await this.dispatcher.dispatch(frame, this.info);
        if (this.closed) return;
        if (outcome.response) this.write(outcome.response);
        // A slow reader must not make us buffer every Fetch response in memory: wait for the kernel.
        if (this.socket.writableNeedDrain) await this.waitForDrain();
        if (outcome.close) {
          // Let the response (if any) flush before closing, as Kafka does for an unsupported ApiVersions.
          this.closed = true;
          this.socket.end();
          return;
        }
        if (this.paused && this.queue.length <= MAX_QUEUED_REQUESTS / 2) {
          this.paused = false;
          this.socket.resume();
        }
      }
    } catch (err) {
      this.log.error({ err, conn: this.info.id }, 'unexpected error handling request; closing connection');
      this.close();
    } finally {
      this.processing = false;
    }
  }

  private waitForDrain(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
  }

  private write(chunks: Buffer[]): void {
    let size = 0;
    for (const c of chunks) size += c.length;
    const prefix = Buffer.allocUnsafe(4);
    prefix.writeInt32BE(size, 0);
    this.socket.cork();
    this.socket.write(prefix);
    for (const c of chunks) this.socket.write(c);
    this.socket.uncork();
  }
}
