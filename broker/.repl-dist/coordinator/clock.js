export const systemClock = {
    now: () => Date.now(),
    setTimeout: (fn, ms) => {
        const t = setTimeout(fn, ms);
        // Group timers must never keep the process alive on shutdown.
        t.unref();
        return t;
    },
    clearTimeout: (h) => clearTimeout(h),
};
/** A clock that only moves when told: `advance(ms)` fires every timer due by then, in deadline order. */
export class ManualClock {
    time;
    seq = 0;
    timers = new Map();
    constructor(start = 1_700_000_000_000) {
        this.time = start;
    }
    now() {
        return this.time;
    }
    setTimeout(fn, ms) {
        const id = ++this.seq;
        this.timers.set(id, { at: this.time + Math.max(0, ms), fn });
        return { id };
    }
    clearTimeout(handle) {
        this.timers.delete(handle.id);
    }
    /** Number of timers still pending. */
    get pending() {
        return this.timers.size;
    }
    /** Moves time forward, firing due timers one at a time (timers they schedule fire too if due). */
    advance(ms) {
        const target = this.time + ms;
        for (;;) {
            let nextId = -1;
            let next;
            for (const [id, t] of this.timers) {
                if (t.at <= target && (next === undefined || t.at < next.at || (t.at === next.at && id < nextId))) {
                    next = t;
                    nextId = id;
                }
            }
            if (!next)
                break;
            this.timers.delete(nextId);
            this.time = Math.max(this.time, next.at);
            next.fn();
        }
        this.time = target;
    }
}
//# sourceMappingURL=clock.js.map