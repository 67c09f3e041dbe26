// Dynamic broker config: the keys of spec.brokers.config that Kafka can change on a running cluster
// (api/dynamic-config.ts) are applied as cluster-wide defaults (IncrementalAlterConfigs on BROKER resource
// "", what `kafka-configs --entity-default --alter` does), so a change takes effect without restarting any
// broker. They are also in server.properties (left out of the restart hash), so a broker started later
// begins with the same values.
//
// Level-triggered: read the current cluster defaults, set what differs, delete what the operator manages
// (DYNAMIC_BROKER_CONFIG_KEYS) but the spec no longer has. Keys outside that list are never touched, so a
// default an admin set by hand for another key survives.
//
// Limitation: deleting a default makes brokers fall back to the server.properties they were STARTED with.
// A key removed from the spec therefore keeps its old value on running brokers until their next restart
// (the ConfigMap already lacks it; dynamic keys do not change the restart hash).
import type { Logger } from 'pino';
import { ConfigSource, KafkaAdminError, type AdminClient, type AlterConfigOp } from '@gregor/broker/client';
import { DYNAMIC_BROKER_CONFIG_KEYS } from '../api/dynamic-config.js';

export interface DynamicConfigPlan {
  ops: AlterConfigOp[];
  /** Human-readable, one per op, e.g. "log.retention.hours: 168 → 24". */
  changes: string[];
}

/**
 * Pure: the operations that turn the current cluster defaults into the desired ones. `current`: the keys set as
 * cluster defaults with their values; `effective`: what brokers use now for keys without a default (for the
 * messages only; may be empty).
 */
export function planDynamicBrokerConfig(
  desired: Record<string, string>,
  current: ReadonlyMap<string, string | null>,
  effective: ReadonlyMap<string, string | null> = new Map(),
): DynamicConfigPlan {
  const ops: AlterConfigOp[] = [];
  const changes: string[] = [];
  const shown = (v: string | null | undefined): string => (v === null || v === undefined ? '(unset)' : v);
  for (const key of Object.keys(desired).sort()) {
    const value = desired[key]!;
    if (current.has(key) && current.get(key) === value) continue;
    ops.push({ name: key, op: 'set', value });
    changes.push(`${key}: ${shown(current.has(key) ? current.get(key) : effective.get(key))} → ${value}`);
  }
  const managed = new Set(DYNAMIC_BROKER_CONFIG_KEYS);
  for (const key of [...current.keys()].sort()) {
    if (!managed.has(key) || Object.hasOwn(desired, key)) continue;
    ops.push({ name: key, op: 'delete' });
    changes.push(`${key}: ${shown(current.get(key))} → (cluster default removed)`);
  }
  return { ops, changes };
}

/** A broker's answer (not a network failure). By name too: tests may load the client from source and the operator from dist. */
function isKafkaAdminError(err: unknown): err is KafkaAdminError {
  return err instanceof KafkaAdminError || (err instanceof Error && err.name === 'KafkaAdminError');
}

/** Effective values of `keys` on one live broker, for messages; empty if that cannot be read. */
async function effectiveValues(admin: AdminClient, keys: string[], log: Logger): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  if (keys.length === 0) return out;
  try {
    const cluster = await admin.describeCluster();
    const id = cluster.controllerId >= 0 ? cluster.controllerId : cluster.brokers[0]?.nodeId;
    if (id === undefined) return out;
    const configs = await admin.describeBrokerConfigs(id);
    for (const k of keys) {
      const e = configs.get(k);
      if (e) out.set(k, e.value);
    }
  } catch (err) {
    log.debug({ err: (err as Error).message }, 'could not read effective broker configs for the change messages');
  }
  return out;
}

/**
 * Makes the cluster-wide dynamic broker defaults match `desired` (dynamicBrokerConfig(model)). Returns the
 * changes made ("log.retention.hours: 168 → 24"). All changes go in one request (the broker validates and
 * stores them as a whole); if the broker rejects it with a config error, each change is tried alone so that
 * one bad value does not hold the others back, and an error naming the rejected keys is thrown afterwards.
 * Network errors reject at once (nothing or everything may have been applied; the next reconcile converges).
 */
export async function syncDynamicBrokerConfig(admin: AdminClient, desired: Record<string, string>, log: Logger): Promise<{ changed: string[] }> {
  const defaults = await admin.describeBrokerDefaultConfigs();
  const current = new Map<string, string | null>();
  for (const [name, e] of defaults) {
    // The "" resource lists only cluster defaults; the source check keeps that true against any broker.
    if (e.source === ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG || e.source === ConfigSource.UNKNOWN) current.set(name, e.value);
  }
  const first = planDynamicBrokerConfig(desired, current);
  if (first.ops.length === 0) return { changed: [] };
  const newKeys = first.ops.filter((o) => o.op === 'set' && !current.has(o.name)).map((o) => o.name);
  const plan = planDynamicBrokerConfig(desired, current, await effectiveValues(admin, newKeys, log));

  try {
    await admin.incrementalAlterBrokerConfigs(null, plan.ops);
    log.info({ changes: plan.changes }, 'cluster-wide dynamic broker config updated');
    return { changed: plan.changes };
  } catch (err) {
    if (!isKafkaAdminError(err) || plan.ops.length === 1) throw err;
    log.warn({ err: err.message }, 'dynamic broker config rejected as a whole; applying the changes one by one');
  }
  const changed: string[] = [];
  const failures: string[] = [];
  for (let i = 0; i < plan.ops.length; i++) {
    const op = plan.ops[i]!;
    try {
      await admin.incrementalAlterBrokerConfigs(null, [op]);
      changed.push(plan.changes[i]!);
    } catch (err) {
      if (!isKafkaAdminError(err)) throw err;
      failures.push(`${op.name}: ${err.brokerMessage ?? err.errorName}`);
    }
  }
  if (changed.length > 0) log.info({ changes: changed }, 'cluster-wide dynamic broker config updated');
  if (failures.length > 0) {
    throw new DynamicConfigError(`the brokers rejected dynamic config ${failures.join('; ')}`, changed, failures);
  }
  return { changed };
}

/** Some dynamic config changes were rejected; `changed` were applied anyway. */
export class DynamicConfigError extends Error {
  constructor(
    message: string,
    readonly changed: string[],
    readonly failures: string[],
  ) {
    super(message);
    this.name = 'DynamicConfigError';
  }
}
