#!/usr/bin/env node
/**
 * gregor-broker --config server.properties [--override key=value ...]
 * Exit codes: 0 after a clean SIGTERM/SIGINT shutdown, 1 on a configuration or startup error.
 */
import './young-generation.js';
import { loadConfig, ConfigError } from './config.js';
import type { Broker } from './broker.js';
import type { ZkBootstrap } from './metadata/zk-bootstrap.js';
import { logger } from './log.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.argv.slice(2), process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`gregor-broker: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  let broker: Broker;
  try {
    // The ZooKeeper session, persistent paths, cluster id and configs are set up while the rest of the
    // broker's modules load: loading them is most of the start-up time, and the round trips overlap with it.
    let zk: Promise<ZkBootstrap> | undefined;
    if (config.zookeeperConnect) {
      const { bootstrapZooKeeper } = await import('./metadata/zk-bootstrap.js');
      zk = bootstrapZooKeeper(config);
      zk.catch(() => {}); // reported by Broker.start, which awaits it
    }
    const { Broker } = await import('./broker.js');
    broker = await Broker.start(config, { zk });
  } catch (err) {
    logger.fatal({ err }, 'broker failed to start');
    // Let pino flush before exiting.
    setImmediate(() => process.exit(1));
    return;
  }
  let signalled = false;
  const stop = (signal: string) => {
    if (signalled) return;
    signalled = true;
    logger.info({ signal }, 'signal received');
    broker.shutdown().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // A bug in one request must not take the broker down; it is logged loudly instead.
  process.on('uncaughtException', (err) => logger.error({ err }, 'uncaught exception'));
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));
}

void main();
