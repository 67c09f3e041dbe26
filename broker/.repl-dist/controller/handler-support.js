/**
 * The active controller of this broker, or null (single-node mode, or another broker is the controller):
 * callers answer NOT_CONTROLLER, and clients look the controller up again and retry.
 */
export function activeController(ctx) {
    // `controller` is a BrokerServices member in cluster mode; the intersection keeps this compiling either way.
    const services = ctx.services;
    const c = services.controller ?? null;
    return c !== null && c.isActive() ? c : null;
}
/** Groups per-partition results by topic, topics and partitions in ascending order. */
export function groupByTopic(items) {
    const out = new Map();
    for (const it of [...items].sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1))) {
        const list = out.get(it.topic) ?? [];
        list.push(it);
        out.set(it.topic, list);
    }
    return out;
}
//# sourceMappingURL=handler-support.js.map