#!/usr/bin/env node
/**
 * gregor-broker --config server.properties [--override key=value ...]
 * Exit codes: 0 after a clean SIGTERM/SIGINT shutdown, 1 on a configuration or startup error.
 */
import { loadConfig, ConfigError } from './config.js';
import { Broker } from './broker.js';
import { logger } from './log.js';
async function main() {
    let config;
    try {
        config = loadConfig(process.argv.slice(2), process.env);
    }
    catch (err) {
        if (err instanceof ConfigError) {
            process.stderr.write(`gregor-broker: ${err.message}\n`);
            process.exit(1);
        }
        throw err;
    }
    let broker;
    try {
        broker = await Broker.start(config);
    }
    catch (err) {
        logger.fatal({ err }, 'broker failed to start');
        // Let pino flush before exiting.
        setImmediate(() => process.exit(1));
        return;
    }
    let signalled = false;
    const stop = (signal) => {
        if (signalled)
            return;
        signalled = true;
        logger.info({ signal }, 'signal received');
        broker.shutdown().then(() => process.exit(0), (err) => {
            logger.error({ err }, 'shutdown failed');
            process.exit(1);
        });
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
    // A bug in one request must not take the broker down; it is logged loudly instead.
    process.on('uncaughtException', (err) => logger.error({ err }, 'uncaught exception'));
    process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));
}
void main();
//# sourceMappingURL=main.js.map