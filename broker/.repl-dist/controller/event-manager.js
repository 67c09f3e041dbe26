export class ControllerEventManager {
    log;
    queue = [];
    running = false;
    closed = false;
    idleWaiters = [];
    constructor(log) {
        this.log = log;
    }
    put(event) {
        if (this.closed) {
            event.preempt?.();
            return;
        }
        this.queue.push(event);
        this.kick();
    }
    /** Runs `fn` as an event and resolves with its result; preemption rejects with `preemptError()`. */
    call(name, fn, preemptError) {
        return new Promise((resolve, reject) => {
            this.put({
                name,
                process: async () => {
                    try {
                        resolve(await fn());
                    }
                    catch (err) {
                        reject(err);
                    }
                },
                preempt: () => reject(preemptError()),
            });
        });
    }
    /** Drops queued events (preempting them) and enqueues `event` first, as Kafka does on session expiry. */
    clearAndPut(event) {
        const dropped = this.queue;
        this.queue = [];
        for (const e of dropped)
            e.preempt?.();
        this.put(event);
    }
    /** Stops taking events, preempts the queued ones and waits for the one running now. */
    async close() {
        this.closed = true;
        const dropped = this.queue;
        this.queue = [];
        for (const e of dropped)
            e.preempt?.();
        await this.idle();
    }
    /** Resolves when nothing is queued or running (tests, shutdown). */
    idle() {
        if (!this.running && this.queue.length === 0)
            return Promise.resolve();
        return new Promise((resolve) => this.idleWaiters.push(resolve));
    }
    kick() {
        if (this.running)
            return;
        this.running = true;
        void this.loop();
    }
    async loop() {
        try {
            for (;;) {
                const event = this.queue.shift();
                if (!event)
                    break;
                const started = Date.now();
                try {
                    await event.process();
                }
                catch (err) {
                    // An event failing must not stop the queue: Kafka logs and continues with the next event.
                    this.log.error({ err, event: event.name }, 'controller event failed');
                }
                const took = Date.now() - started;
                if (took > 5000)
                    this.log.warn({ event: event.name, ms: took }, 'slow controller event');
            }
        }
        finally {
            this.running = false;
            const waiters = this.idleWaiters;
            this.idleWaiters = [];
            for (const w of waiters)
                w();
        }
    }
}
//# sourceMappingURL=event-manager.js.map