// The operator's HTTP endpoints (deploy/README.md, "Operator runtime contract"):
//   health port:  /healthz  liveness: answered at all = the process and its event loop are alive
//                 /readyz   readiness: 200 when leading with synced informers, and also 200 on a standby
//                           replica (not leading), or a rolling update of a 2-replica Deployment would wait
//                           forever for the new standby; 503 while starting, syncing or shutting down
//   metrics port: /metrics  Prometheus text
// Anything else is a 404. If both ports are the same (non-zero) number, one server answers all three paths.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

/** What /readyz looks at; ControllerManager implements it. */
export interface ReadinessState {
  /** True from SIGTERM (or a lost leadership) on. */
  readonly shuttingDown: boolean;
  /** Whether this replica campaigns for a Lease at all (false: it acts as soon as it starts). */
  readonly leaderElection: boolean;
  /** Holding the Lease (always true once started without leader election). */
  readonly isLeader: boolean;
  /** Every informer did its initial list and is watching. */
  readonly ready: boolean;
}

export interface ReadinessVerdict {
  ready: boolean;
  reason: string;
}

/** The /readyz decision (pure). */
export function readinessOf(s: ReadinessState): ReadinessVerdict {
  if (s.shuttingDown) return { ready: false, reason: 'shutting down' };
  if (!s.isLeader) {
    return s.leaderElection
      ? { ready: true, reason: 'standby: not the leader, campaigning for the lease' }
      : { ready: false, reason: 'starting' };
  }
  if (!s.ready) return { ready: false, reason: 'leader: informers not synced yet' };
  return { ready: true, reason: s.leaderElection ? 'leader: informers synced' : 'informers synced' };
}

export interface OperatorHttpOptions {
  /** Default 0.0.0.0. */
  host?: string;
  /** 0 = any free port (tests); the bound one is in the result. */
  healthPort: number;
  metricsPort: number;
  readiness: ReadinessState;
  registry: Registry;
  log?: Logger;
}

export interface OperatorHttpServers {
  readonly healthPort: number;
  readonly metricsPort: number;
  /** Closes the servers, dropping idle keep-alive connections. */
  close(): Promise<void>;
}

type Route = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

function send(res: ServerResponse, status: number, body: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function healthRoutes(readiness: ReadinessState): Record<string, Route> {
  return {
    '/healthz': (_req, res) => send(res, 200, 'ok\n'),
    '/readyz': (_req, res) => {
      const v = readinessOf(readiness);
      send(res, v.ready ? 200 : 503, `${v.reason}\n`);
    },
  };
}

function metricsRoutes(registry: Registry): Record<string, Route> {
  return {
    '/metrics': async (_req, res) => {
      send(res, 200, await registry.metrics(), registry.contentType);
    },
  };
}

function listen(host: string, port: number, routes: Record<string, Route>, log?: Logger): Promise<Server> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const route = Object.hasOwn(routes, path) ? routes[path] : undefined;
    if (!route) return send(res, 404, 'not found\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return send(res, 405, 'method not allowed\n');
    }
    Promise.resolve()
      .then(() => route(req, res))
      .catch((err: unknown) => {
        log?.warn({ err, path }, 'http handler failed');
        if (!res.headersSent) send(res, 500, 'internal error\n');
        else res.destroy();
      });
  });
  // Probes must not keep a stopping process alive through idle keep-alive sockets.
  server.keepAliveTimeout = 5000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      server.on('error', (err) => log?.error({ err }, 'http server error'));
      resolve(server);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Starts the health and metrics servers; rejects (closing what was opened) if a port cannot be bound. */
export async function startHttpServers(opts: OperatorHttpOptions): Promise<OperatorHttpServers> {
  const host = opts.host ?? '0.0.0.0';
  const health = healthRoutes(opts.readiness);
  const metrics = metricsRoutes(opts.registry);
  if (opts.healthPort !== 0 && opts.healthPort === opts.metricsPort) {
    const server = await listen(host, opts.healthPort, { ...health, ...metrics }, opts.log);
    const port = (server.address() as AddressInfo).port;
    return { healthPort: port, metricsPort: port, close: () => closeServer(server) };
  }
  const healthServer = await listen(host, opts.healthPort, health, opts.log);
  let metricsServer: Server;
  try {
    metricsServer = await listen(host, opts.metricsPort, metrics, opts.log);
  } catch (e) {
    await closeServer(healthServer);
    throw e;
  }
  return {
    healthPort: (healthServer.address() as AddressInfo).port,
    metricsPort: (metricsServer.address() as AddressInfo).port,
    close: async () => {
      await Promise.all([closeServer(healthServer), closeServer(metricsServer)]);
    },
  };
}
