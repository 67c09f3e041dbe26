// One admin client per KafkaCluster, pointed at its bootstrap service. An optional address map (a JSON file
// {"host:port": "host:port"}) rewrites every address the client connects to: an operator running outside the
// cluster network (development, the tests' local pod processes) reaches brokers whose advertised names only
// resolve inside Kubernetes. The file is re-read when it changes, so pods can come and go.
import { readFileSync, statSync } from 'node:fs';
import type { Logger } from 'pino';
import { AdminClient, type BrokerAddress } from '@gregor/broker/client';
import type { KafkaCluster } from '../api/types.js';
import type { DefaultsOptions } from '../api/defaults.js';
import { bootstrapServers } from '../resources/index.js';
import type { AdminClientFactory } from './types.js';

export interface AdminFactoryOptions {
  addressMapFile?: string;
  log: Logger;
  defaults?: DefaultsOptions;
  requestTimeoutMs?: number;
}

/** Parses the address map; throws with the file name on malformed content. */
export function parseAddressMap(text: string, file: string): Map<string, BrokerAddress> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`address map ${file}: not JSON: ${(e as Error).message}`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`address map ${file}: expected an object of "host:port": "host:port"`);
  const out = new Map<string, BrokerAddress>();
  for (const [from, to] of Object.entries(raw as Record<string, unknown>)) {
    const target = typeof to === 'string' ? parseHostPort(to) : undefined;
    if (!parseHostPort(from) || !target) throw new Error(`address map ${file}: bad entry "${from}": "${String(to)}" (expected host:port)`);
    out.set(from, target);
  }
  return out;
}

export function parseHostPort(s: string): BrokerAddress | undefined {
  const i = s.lastIndexOf(':');
  if (i <= 0) return undefined;
  const port = Number(s.slice(i + 1));
  if (!Number.isInteger(port) || port <= 0 || port > 65535) return undefined;
  return { host: s.slice(0, i), port };
}

/** A mapper that reads the file lazily and again whenever its mtime or size changes. */
export function addressMapper(file: string, log: Logger): (addr: BrokerAddress) => BrokerAddress {
  let stamp = '';
  let map = new Map<string, BrokerAddress>();
  return (addr) => {
    try {
      const st = statSync(file);
      const now = `${st.mtimeMs}:${st.size}`;
      if (now !== stamp) {
        map = parseAddressMap(readFileSync(file, 'utf8'), file);
        stamp = now;
      }
    } catch (e) {
      // Keep the last good map: a half-written file must not cut the operator off from every broker.
      log.warn({ err: (e as Error).message }, 'address map unreadable; using the previous one');
    }
    return map.get(`${addr.host}:${addr.port}`) ?? addr;
  };
}

export function createAdminClientFactory(opts: AdminFactoryOptions): AdminClientFactory {
  const clients = new Map<string, { bootstrap: string; client: AdminClient }>();
  const mapAddress = opts.addressMapFile ? addressMapper(opts.addressMapFile, opts.log) : undefined;
  return {
    forCluster(cluster: KafkaCluster): AdminClient {
      const key = `${cluster.metadata.namespace}/${cluster.metadata.name}`;
      const bootstrap = bootstrapServers(cluster, opts.defaults);
      const existing = clients.get(key);
      if (existing && existing.bootstrap === bootstrap) return existing.client;
      if (existing) void existing.client.close().catch(() => undefined);
      const client = new AdminClient({
        bootstrap,
        clientId: 'gregor-operator',
        requestTimeoutMs: opts.requestTimeoutMs ?? 15_000,
        connectTimeoutMs: 5_000,
        ...(mapAddress ? { mapAddress } : {}),
      });
      clients.set(key, { bootstrap, client });
      return client;
    },
    async close(key?: string): Promise<void> {
      const entries = key === undefined ? [...clients.entries()] : clients.has(key) ? [[key, clients.get(key)!] as const] : [];
      for (const [k, { client }] of entries) {
        clients.delete(k);
        await client.close().catch(() => undefined);
      }
    },
  };
}
