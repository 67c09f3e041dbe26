/**
 * One serialized queue of controller events, as Kafka's ControllerEventManager: ZooKeeper watch callbacks,
 * timers and requests all become events, and exactly one runs at a time (including its awaits on
 * ZooKeeper), so the controller's in-memory state never sees two operations interleaved.
 */
import type { Logger } from 'pino';

export interface ControllerEvent {
  readonly name: string;
  process(): Promise<void>;
  /** Called instead of process() when the queue is cleared or closed (answers requests with NOT_CONTROLLER). */
  preempt?(): void;
}

export class ControllerEventManager {
  private queue: ControllerEvent[] = [];
  private running = false;
  private closed = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly log: Logger) {}

  put(event: ControllerEvent): void {
    if (this.closed) {
      event.preempt?.();
      return;
    }
    this.queue.push(event);
    this.kick();
  }

  /** Runs `fn` as an event and resolves with its result; preemption rejects with `preemptError()`. */
  call<T>(name: string, fn: () => Promise<T>, preemptError: () => Error): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.put({
        name,
        process: async () => {
          try {
            resolve(await fn());
          } catch (err) {
            reject(err);
          }
        },
        preempt: () => reject(preemptError()),
      });
    });
  }

  /** Drops queued events (preempting them) and enqueues `event` first, as Kafka does on session expiry. */
  clearAndPut(event: ControllerEvent): void {
    const dropped = this.queue;
    this.queue = [];
    for (const e of dropped) e.preempt?.();
    this.put(event);
  }

  /** Stops taking events, preempts the queued ones and waits for the one running now. */
  async close(): Promise<void> {
    this.closed = true;
    const dropped = this.queue;
    this.queue = [];
    for (const e of dropped) e.preempt?.();
    await this.idle();
  }

  /** Resolves when nothing is queued or running (tests, shutdown). */
  idle(): Promise<void> {
    if (!this.running && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private kick(): void {
    if (this.running) return;
    this.running = true;
    void this.loop();
  }

  private async loop(): Promise<void> {
    try {
      for (;;) {
        const event = this.queue.shift();
        if (!event) break;
        const started = Date.now();
        try {
          await event.process();
        } catch (err) {
          // An event failing must not stop the queue: Kafka logs and continues with the next event.
          this.log.error({ err, event: event.name }, 'controller event failed');
        }
        const took = Date.now() - started;
        if (took > 5000) this.log.warn({ event: event.name, ms: took }, 'slow controller event');
      }
    } finally {
      this.running = false;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }
}
