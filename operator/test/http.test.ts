// The operator's health and metrics endpoints (operator/src/http.ts) on real loopback sockets.
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { readinessOf, startHttpServers, type OperatorHttpServers, type ReadinessState } from '../src/http.js';
import { OperatorMetrics } from '../src/metrics.js';

async function get(port: number, path: string, method = 'GET'): Promise<{ status: number; body: string; type: string | null }> {
  const r = await fetch(`http://127.0.0.1:${port}${path}`, { method, signal: AbortSignal.timeout(5000) });
  return { status: r.status, body: await r.text(), type: r.headers.get('content-type') };
}

describe('operator http servers', () => {
  const open: OperatorHttpServers[] = [];
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
  });

  async function start(state: ReadinessState, metrics = new OperatorMetrics({ defaultMetrics: false }), ports = { healthPort: 0, metricsPort: 0 }) {
    const s = await startHttpServers({ host: '127.0.0.1', ...ports, readiness: state, registry: metrics.registry });
    open.push(s);
    return s;
  }

  it('answers /healthz always, /readyz by state, 404 elsewhere, on separate ports', async () => {
    const state = { shuttingDown: false, leaderElection: true, isLeader: false, ready: false };
    const s = await start(state);
    expect(s.healthPort).toBeGreaterThan(0);
    expect(s.metricsPort).toBeGreaterThan(0);
    expect(s.metricsPort).not.toBe(s.healthPort);

    expect(await get(s.healthPort, '/healthz')).toMatchObject({ status: 200, body: 'ok\n' });
    // Standby replica: ready (a 2-replica rollout must not wait for the follower to lead).
    let r = await get(s.healthPort, '/readyz');
    expect(r.status).toBe(200);
    expect(r.body).toMatch(/standby/);
    // Leading, informers still listing: not ready.
    state.isLeader = true;
    r = await get(s.healthPort, '/readyz');
    expect(r.status).toBe(503);
    expect(r.body).toMatch(/not synced/);
    state.ready = true;
    expect((await get(s.healthPort, '/readyz')).status).toBe(200);
    // SIGTERM: not ready any more, still alive.
    state.shuttingDown = true;
    r = await get(s.healthPort, '/readyz');
    expect(r.status).toBe(503);
    expect(r.body).toMatch(/shutting down/);
    expect((await get(s.healthPort, '/healthz')).status).toBe(200);
    expect((await get(s.healthPort, '/readyz?verbose=1')).status).toBe(503);

    expect((await get(s.healthPort, '/metrics')).status).toBe(404);
    expect((await get(s.healthPort, '/')).status).toBe(404);
    expect((await get(s.metricsPort, '/healthz')).status).toBe(404);
    expect((await get(s.metricsPort, '/nope')).status).toBe(404);
    expect((await get(s.healthPort, '/healthz', 'POST')).status).toBe(405);
    expect(await get(s.healthPort, '/healthz', 'HEAD')).toMatchObject({ status: 200, body: '' });
  });

  it('serves the operator metrics on /metrics', async () => {
    const metrics = new OperatorMetrics();
    metrics.reconcileTotal.inc({ controller: 'kafkacluster', result: 'success' });
    metrics.reconcileDuration.observe({ controller: 'kafkacluster' }, 0.2);
    metrics.workqueueRetriesTotal.inc({ controller: 'kafkatopic' });
    metrics.leader.set(1);
    metrics.informerErrorsTotal.inc({ resource: 'kafkaclusters' });
    let depth = 3;
    metrics.setQueueDepthProvider('kafkacluster', () => depth);
    const s = await start({ shuttingDown: false, leaderElection: false, isLeader: true, ready: true }, metrics);
    let r = await get(s.metricsPort, '/metrics');
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^text\/plain/);
    expect(r.body).toContain('gregor_operator_reconcile_total{controller="kafkacluster",result="success"} 1');
    expect(r.body).toContain('gregor_operator_reconcile_duration_seconds_count{controller="kafkacluster"} 1');
    expect(r.body).toContain('gregor_operator_workqueue_depth{controller="kafkacluster"} 3');
    expect(r.body).toContain('gregor_operator_workqueue_retries_total{controller="kafkatopic"} 1');
    expect(r.body).toMatch(/^gregor_operator_leader 1$/m);
    expect(r.body).toContain('gregor_operator_informer_errors_total{resource="kafkaclusters"} 1');
    expect(r.body).toContain('process_cpu_seconds_total');
    depth = 0;
    r = await get(s.metricsPort, '/metrics');
    expect(r.body).toContain('gregor_operator_workqueue_depth{controller="kafkacluster"} 0');
    metrics.setQueueDepthProvider('kafkacluster', null);
    r = await get(s.metricsPort, '/metrics');
    expect(r.body).not.toContain('gregor_operator_workqueue_depth{');
  });

  it('serves everything from one server when both ports are the same', async () => {
    const port = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => resolve(p));
      });
    });
    const s = await start({ shuttingDown: false, leaderElection: true, isLeader: false, ready: false }, undefined, {
      healthPort: port,
      metricsPort: port,
    });
    expect(s.healthPort).toBe(port);
    expect(s.metricsPort).toBe(port);
    expect((await get(port, '/healthz')).status).toBe(200);
    expect((await get(port, '/readyz')).status).toBe(200);
    expect((await get(port, '/metrics')).status).toBe(200);
  });

  it('rejects when a port is taken, leaving nothing open', async () => {
    const a = await start({ shuttingDown: false, leaderElection: false, isLeader: true, ready: true });
    await expect(
      startHttpServers({
        host: '127.0.0.1',
        healthPort: 0,
        metricsPort: a.metricsPort,
        readiness: { shuttingDown: false, leaderElection: false, isLeader: true, ready: true },
        registry: new OperatorMetrics({ defaultMetrics: false }).registry,
      }),
    ).rejects.toThrow(/EADDRINUSE/);
  });

  it('closes promptly even with an idle keep-alive connection', async () => {
    const s = await start({ shuttingDown: false, leaderElection: false, isLeader: true, ready: true });
    expect((await get(s.healthPort, '/healthz')).status).toBe(200); // fetch keeps the socket alive
    const t0 = Date.now();
    open.splice(open.indexOf(s), 1);
    await s.close();
    expect(Date.now() - t0).toBeLessThan(1000);
    await expect(get(s.healthPort, '/healthz')).rejects.toThrow();
  });
});

describe('readinessOf', () => {
  it('is ready on a standby, on a synced leader, and never while shutting down', () => {
    const v = (shuttingDown: boolean, leaderElection: boolean, isLeader: boolean, ready: boolean) =>
      readinessOf({ shuttingDown, leaderElection, isLeader, ready }).ready;
    expect(v(false, true, false, false)).toBe(true); // standby
    expect(v(false, true, true, false)).toBe(false); // leader, syncing
    expect(v(false, true, true, true)).toBe(true);
    expect(v(false, false, false, false)).toBe(false); // no election, not started yet
    expect(v(false, false, true, true)).toBe(true);
    expect(v(true, true, false, false)).toBe(false);
    expect(v(true, true, true, true)).toBe(false);
  });
});
