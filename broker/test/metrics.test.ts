import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { BrokerMetrics, startMetricsServer } from '../src/metrics.js';
import { ErrorCode } from '../src/protocol/errors.js';

function get(port: number, path: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('metrics', () => {
  it('serves Prometheus text over HTTP with the broker metrics', async () => {
    const m = new BrokerMetrics();
    m.recordRequest('Produce', 9, 0.002);
    m.recordRequest('Produce', 9, 0.004);
    m.recordRequest('Metadata', 12, 0.0001, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    m.recordBytesIn('orders', 1000);
    m.recordMessagesIn('orders', 10);
    m.recordBytesOut('orders', 500);
    m.connectionOpened();
    m.connectionOpened();
    m.connectionClosed();
    m.setLogSizeProvider(() => [
      { topic: 'orders', partition: 0, sizeBytes: 4096 },
      { topic: 'orders', partition: 1, sizeBytes: 0 },
    ]);

    const server = await startMetricsServer(0, '127.0.0.1', m);
    try {
      expect(server.port).toBeGreaterThan(0);
      const res = await get(server.port, '/metrics');
      expect(res.status).toBe(200);
      expect(res.type).toContain('text/plain');
      const b = res.body;
      expect(b).toContain('kafka_server_requests_total{api="Produce",version="9"} 2');
      expect(b).toContain('kafka_server_request_errors_total{api="Metadata",error="UNKNOWN_TOPIC_OR_PARTITION"} 1');
      expect(b).toMatch(/kafka_server_request_duration_seconds_count\{api="Produce"\} 2/);
      expect(b).toContain('kafka_server_bytes_in_total{topic="orders"} 1000');
      expect(b).toContain('kafka_server_bytes_out_total{topic="orders"} 500');
      expect(b).toContain('kafka_server_messages_in_total{topic="orders"} 10');
      expect(b).toContain('kafka_server_connections 1');
      expect(b).toContain('kafka_server_partitions 2');
      expect(b).toContain('kafka_log_size_bytes{topic="orders",partition="0"} 4096');
      // Default Node metrics are in the private registry.
      expect(b).toContain('process_cpu_user_seconds_total');
      expect(b).toContain('nodejs_eventloop_lag_seconds');

      // Sizes are read on every scrape: a deleted partition disappears.
      m.setLogSizeProvider(() => [{ topic: 'orders', partition: 0, sizeBytes: 8192 }]);
      const again = (await get(server.port, '/metrics')).body;
      expect(again).toContain('kafka_log_size_bytes{topic="orders",partition="0"} 8192');
      expect(again).not.toContain('partition="1"');
      expect(again).toContain('kafka_server_partitions 1');

      const health = await get(server.port, '/healthz');
      expect(health.status).toBe(200);
      expect(health.body.trim()).toBe('ok');
      expect((await get(server.port, '/nope')).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('keeps separate registries per instance', async () => {
    const a = new BrokerMetrics({ defaultMetrics: false });
    const b = new BrokerMetrics({ defaultMetrics: false });
    a.recordBytesIn('t', 5);
    expect(await a.text()).toContain('kafka_server_bytes_in_total{topic="t"} 5');
    expect(await b.text()).not.toContain('topic="t"');
  });

  it('partition gauges come from a provider when one is set', async () => {
    const m = new BrokerMetrics({ defaultMetrics: false });
    m.setPartitionProvider(() => ({ partitions: 7, leaders: 5, underReplicated: 2, offline: 1 }));
    const text = await m.text();
    expect(text).toContain('kafka_server_partitions 7');
    expect(text).toContain('kafka_server_leader_count 5');
    expect(text).toContain('kafka_server_under_replicated_partitions 2');
    expect(text).toContain('kafka_controller_offline_partitions_count 1');
  });

  it('fails to start on a busy port', async () => {
    const first = await startMetricsServer(0, '127.0.0.1', new BrokerMetrics({ defaultMetrics: false }));
    try {
      await expect(startMetricsServer(first.port, '127.0.0.1', new BrokerMetrics({ defaultMetrics: false }))).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await first.close();
    }
  });
});
