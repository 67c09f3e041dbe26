/**
 * The first step of a ZooKeeper-mode start: session (chroot, Kafka's persistent paths), cluster id and the
 * configs in ZooKeeper. It depends on little of the broker, so main.ts starts it before loading the rest of
 * the broker's modules, and the ZooKeeper round trips overlap with that loading (see docs/performance.md).
 */
import type { BrokerConfig } from '../config.js';
import { childLogger } from '../log.js';
import { KafkaZkClient } from './kafka-zk-client.js';
import { MetadataCache } from './metadata-cache.js';
import { ZkMetadataStore } from './zk-metadata-store.js';

export interface ZkBootstrap {
  zk: KafkaZkClient;
  cache: MetadataCache;
  store: ZkMetadataStore;
}

/** Connects to `config.zookeeperConnect` and starts the metadata store; closes the session on failure. */
export async function bootstrapZooKeeper(config: BrokerConfig): Promise<ZkBootstrap> {
  if (!config.zookeeperConnect) throw new Error('zookeeper.connect is not set');
  const zk = await KafkaZkClient.connect({
    connect: config.zookeeperConnect,
    sessionTimeoutMs: config.zookeeperSessionTimeoutMs,
    connectionTimeoutMs: config.zookeeperConnectionTimeoutMs,
  });
  try {
    const cache = new MetadataCache();
    const store = new ZkMetadataStore({
      zk,
      cache,
      brokerId: config.brokerId,
      clusterId: config.clusterId ?? undefined,
      log: childLogger('zk-metadata'),
    });
    await store.start();
    return { zk, cache, store };
  } catch (e) {
    await zk.close();
    throw e;
  }
}
