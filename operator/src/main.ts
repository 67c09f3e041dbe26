// gregor-operator entry point (the image's exec-form ENTRYPOINT; flags and environment as the Helm chart
// passes them, see deploy/README.md "Operator runtime contract"):
//   parse options (bad ones: message + usage on stderr, exit 2) → kubeconfig (in-cluster or $KUBECONFIG)
//   → controllers → health/metrics servers → controller manager (campaigns for the Lease first).
// SIGTERM/SIGINT: stop reconciling (in-flight reconciles get up to 20 s), stop the watches, release the
// Lease, close the servers, exit 0; a hard deadline exits 1 before the pod's 30 s grace period ends.
// Losing the Lease exits 1 (the restarted pod campaigns again).
import { KubeConfig } from '@kubernetes/client-node';
import { recordEvent } from './kube/events.js';
import { childLogger, logger } from './log.js';
import { ControllerManager } from './manager.js';
import { OperatorMetrics } from './metrics.js';
import { startHttpServers } from './http.js';
import { OptionsError, USAGE, parseOptions, wantsHelp, type OperatorOptions } from './options.js';
import { createAdminClientFactory } from './reconcile/admin-factory.js';
import { createControllers } from './reconcile/index.js';
import type { ControllerSpec, OperatorContext } from './reconcile/types.js';

const SHUTDOWN_DEADLINE_MS = 28_000;
const RECONCILE_DRAIN_MS = 20_000;

function fail(message: string, code: number): never {
  process.stderr.write(`gregor-operator: ${message}\n`);
  process.exit(code);
}

async function main(argv: string[]): Promise<void> {
  if (wantsHelp(argv)) {
    process.stdout.write(USAGE);
    return;
  }
  let options: OperatorOptions;
  try {
    options = parseOptions(argv, process.env);
  } catch (e) {
    if (e instanceof OptionsError) fail(`${e.message}\n\n${USAGE}`, 2);
    throw e;
  }
  logger.level = options.logLevel;
  const log = childLogger('main');
  log.info({ options, node: process.version }, 'starting gregor-operator');

  const kc = new KubeConfig();
  kc.loadFromDefault();
  const cluster = kc.getCurrentCluster();
  if (!cluster) fail('no Kubernetes cluster configured (not in a pod and no usable $KUBECONFIG)', 1);
  log.info({ server: cluster.server, context: kc.getCurrentContext() }, 'kubeconfig loaded');

  const metrics = new OperatorMetrics();
  const admin = createAdminClientFactory({
    addressMapFile: options.addressMapFile,
    log: childLogger('admin'),
    defaults: options.defaults,
  });
  const eventLog = childLogger('events');
  const ctx: OperatorContext = {
    kc,
    log: childLogger('controller'),
    defaults: options.defaults,
    admin,
    async event(obj, type, reason, message) {
      await recordEvent(kc, obj, type, reason, message, {
        reportingInstance: options.identity,
        log: (msg, err) => eventLog.warn({ err }, msg),
      });
    },
  };
  let controllers: ControllerSpec[];
  try {
    controllers = createControllers(ctx);
  } catch (e) {
    // Controller options come from the environment too (e.g. GREGOR_TOPIC_RESYNC_SECONDS).
    fail((e as Error).message, 2);
  }

  const manager = new ControllerManager(kc, controllers, {
    namespaces: options.namespaces,
    leaderElection: options.leaderElect
      ? { namespace: options.leaseNamespace, name: options.leaseName, identity: options.identity }
      : null,
    log: childLogger('manager'),
    metrics,
    shutdownTimeoutMs: RECONCILE_DRAIN_MS,
    onLeadershipLost: () => {
      log.fatal('lost the leader Lease: exiting so that a restarted replica campaigns again');
      process.exit(1);
    },
  });

  const http = await startHttpServers({
    host: options.bindAddress,
    healthPort: options.healthPort,
    metricsPort: options.metricsPort,
    readiness: manager,
    registry: metrics.registry,
    log: childLogger('http'),
  });
  log.info({ healthPort: http.healthPort, metricsPort: http.metricsPort, host: options.bindAddress }, 'http servers listening');

  let shuttingDown = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (shuttingDown) {
      log.warn({ signal }, 'second signal during shutdown: exiting now');
      process.exit(1);
    }
    shuttingDown = true;
    log.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      log.error({ deadlineMs: SHUTDOWN_DEADLINE_MS }, 'shutdown did not finish in time: exiting');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    void (async () => {
      try {
        await manager.stop();
        await admin.close().catch((err: unknown) => log.warn({ err }, 'closing admin clients failed'));
        await http.close();
        clearTimeout(deadline);
        log.info('stopped');
        process.exit(0);
      } catch (err) {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      }
    })();
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);

  manager.start();
}

process.on('unhandledRejection', (err) => {
  logger.fatal({ err }, 'unhandled promise rejection');
  process.exit(1);
});

main(process.argv.slice(2)).catch((err: unknown) => {
  logger.fatal({ err }, 'gregor-operator failed to start');
  process.exit(1);
});
