/** What the controller-bound handlers (07, 43, 45, 46, 56) share. */
import type { BrokerServices, RequestContext } from '../handlers/context.js';
import type { KafkaController } from './kafka-controller.js';

/**
 * The active controller of this broker, or null (single-node mode, or another broker is the controller):
 * callers answer NOT_CONTROLLER, and clients look the controller up again and retry.
 */
export function activeController(ctx: RequestContext): KafkaController | null {
  // `controller` is a BrokerServices member in cluster mode; the intersection keeps this compiling either way.
  const services = ctx.services as BrokerServices & { controller?: KafkaController | null };
  const c = services.controller ?? null;
  return c !== null && c.isActive() ? c : null;
}

/** Groups per-partition results by topic, topics and partitions in ascending order. */
export function groupByTopic<T extends { topic: string; partition: number }>(items: Iterable<T>): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const it of [...items].sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1))) {
    const list = out.get(it.topic) ?? [];
    list.push(it);
    out.set(it.topic, list);
  }
  return out;
}
