// Python clients against the broker: confluent-kafka (librdkafka 2.x) idempotent producer + consumer group,
// kafka-python producer/consumer round trip. Scripts in test/helpers/py/, run in $GREGOR_CACHE/venv.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type TestBroker } from './helpers/broker.js';
import { PY_DIR, VENV_PYTHON } from './helpers/paths.js';
import { kafkajs, runProcess } from './helpers/util.js';

async function runPy(script: string, args: string[]): Promise<Record<string, unknown>> {
  const r = await runProcess(VENV_PYTHON, [join(PY_DIR, script), ...args], { timeoutMs: 120_000 });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line);
  } catch {
    throw new Error(`${script} printed no JSON:\n${r.stdout}\n${r.stderr}`);
  }
}

describe('Python clients', () => {
  let broker: TestBroker;

  beforeAll(async () => {
    broker = await startBroker({ name: 'python' });
    const admin = kafkajs(broker, 'py-setup').admin();
    await admin.connect();
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: [
          { topic: 'py-confluent', numPartitions: 3 },
          { topic: 'py-kafka-python', numPartitions: 2 },
        ],
      });
    } finally {
      await admin.disconnect();
    }
  });
  afterAll(async () => {
    await broker?.cleanup();
  });

  it('confluent-kafka: idempotent producer, consumer group with a synchronous commit', async () => {
    const n = 500;
    const r = await runPy('confluent_idempotent.py', [broker.bootstrap, 'py-confluent', 'py-group-ck', String(n)]);
    expect(r.errors).toEqual([]);
    expect(r.delivered).toBe(n);
    expect(r.unflushed).toBe(0);
    expect(r.consumed).toBe(n);
    expect(r.unique).toBe(n);
    expect(r.values_ok).toBe(true);
    const last = r.last_offsets as Record<string, number>;
    const committed = r.committed as Record<string, number>;
    for (const [p, off] of Object.entries(last)) expect(committed[p]).toBe(off + 1);
    expect(Object.values(committed).reduce((s, x) => s + x, 0)).toBe(n);
  });

  it('kafka-python: producer and group consumer round trip', async () => {
    const n = 200;
    const r = await runPy('kafka_python_roundtrip.py', [broker.bootstrap, 'py-kafka-python', 'py-group-kp', String(n)]);
    expect(r.acked).toBe(n);
    expect(r.consumed).toBe(n);
    expect(r.unique).toBe(n);
    expect(r.values_ok).toBe(true);
    const committed = r.committed as Record<string, number>;
    expect(Object.keys(committed).sort()).toEqual(['0', '1']);
    expect(Object.values(committed).reduce((s, x) => s + x, 0)).toBe(n);
  });
});
