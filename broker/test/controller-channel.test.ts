// ControllerChannel (per-broker ordered queues with retries) and the NOT_CONTROLLER answers of the
// controller-bound handlers; no ZooKeeper needed.
import { describe, expect, it } from 'vitest';
import { ControllerChannel, type ControllerNetwork } from '../src/controller/controller-channel.js';
import { ControllerEventManager } from '../src/controller/event-manager.js';
import { NetworkError } from '../src/client/broker-connection.js';
import { childLogger } from '../src/log.js';
import type { RequestContext } from '../src/handlers/context.js';
import { handleControlledShutdown } from '../src/handlers/07_controlled_shutdown.js';
import { handleElectLeaders } from '../src/handlers/43_elect_leaders.js';
import { handleAlterPartitionReassignments } from '../src/handlers/45_alter_partition_reassignments.js';
import { handleListPartitionReassignments } from '../src/handlers/46_list_partition_reassignments.js';
import { handleAlterPartition } from '../src/handlers/56_alter_partition.js';

const log = childLogger('controller-channel-test');

class FlakyNetwork implements ControllerNetwork {
  delivered: { brokerId: number; body: unknown }[] = [];
  failures = new Map<number, number>();
  fatal = new Set<unknown>();
  closed: (number | undefined)[] = [];
  async send<Resp>(brokerId: number, _apiKey: number, _version: number, body: unknown): Promise<Resp> {
    await new Promise((r) => setTimeout(r, 1));
    if (this.fatal.has(body)) throw new Error('cannot encode');
    const left = this.failures.get(brokerId) ?? 0;
    if (left > 0) {
      this.failures.set(brokerId, left - 1);
      throw new NetworkError('connection refused', '127.0.0.1:1', brokerId);
    }
    this.delivered.push({ brokerId, body });
    return { errorCode: 0 } as Resp;
  }
  close(brokerId?: number): void {
    this.closed.push(brokerId);
  }
}

async function until(fn: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error('timeout');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('ControllerChannel', () => {
  it('retries network failures and keeps per-broker order', async () => {
    const net = new FlakyNetwork();
    net.failures.set(1, 3);
    const ch = new ControllerChannel(net, log, { retryBackoffMs: 2 });
    ch.addBroker(1);
    ch.addBroker(2);
    const responses: unknown[] = [];
    for (let i = 0; i < 5; i++) ch.send(1, 6, 8, { n: i }, (r) => responses.push(r));
    ch.send(2, 6, 8, { n: 'b2' });
    await until(() => net.delivered.length === 6);
    expect(net.delivered.filter((d) => d.brokerId === 1).map((d) => (d.body as { n: number }).n)).toEqual([0, 1, 2, 3, 4]);
    expect(responses).toHaveLength(5);
    ch.close();
  });

  it('drops the queue of a broker that is removed, and ignores sends to unknown brokers', async () => {
    const net = new FlakyNetwork();
    net.failures.set(1, 1_000_000);
    const ch = new ControllerChannel(net, log, { retryBackoffMs: 2 });
    ch.addBroker(1);
    ch.send(1, 4, 7, { n: 1 });
    ch.send(1, 4, 7, { n: 2 });
    ch.send(9, 4, 7, { n: 3 });
    await new Promise((r) => setTimeout(r, 30));
    ch.removeBroker(1);
    expect(ch.hasBroker(1)).toBe(false);
    expect(net.closed).toContain(1);
    net.failures.clear();
    await new Promise((r) => setTimeout(r, 30));
    // The request on the wire when the broker was removed may still land; nothing queued behind it does.
    expect(net.delivered.map((d) => d.body)).not.toContainEqual({ n: 2 });
    expect(net.delivered.map((d) => d.body)).not.toContainEqual({ n: 3 });
    expect(ch.pending(1)).toBe(0);
  });

  it('gives up on a request that fails for a reason other than the network', async () => {
    const net = new FlakyNetwork();
    const ch = new ControllerChannel(net, log, { retryBackoffMs: 2 });
    ch.addBroker(1);
    const bad = { n: 'bad' };
    net.fatal.add(bad);
    ch.send(1, 6, 8, bad);
    ch.send(1, 6, 8, { n: 'good' });
    await until(() => net.delivered.length === 1);
    expect(net.delivered[0]!.body).toEqual({ n: 'good' });
    ch.close();
  });
});

describe('ControllerEventManager', () => {
  it('runs events one at a time, in order, and preempts queued requests on close', async () => {
    const em = new ControllerEventManager(log);
    const trace: string[] = [];
    const slow = (name: string) => async () => {
      trace.push(`start ${name}`);
      await new Promise((r) => setTimeout(r, 10));
      trace.push(`end ${name}`);
      return name;
    };
    const a = em.call('a', slow('a'), () => new Error('preempted'));
    const b = em.call('b', slow('b'), () => new Error('preempted'));
    expect(await a).toBe('a');
    expect(await b).toBe('b');
    expect(trace).toEqual(['start a', 'end a', 'start b', 'end b']);

    await em.idle();
    const c = em.call('c', slow('c'), () => new Error('preempted'));
    const d = em.call('d', slow('d'), () => new Error('preempted'));
    const dOutcome = d.then(
      () => 'ran',
      (e: Error) => e.message,
    );
    await em.close();
    expect(await c).toBe('c');
    expect(await dOutcome).toBe('preempted');
    expect(trace.at(-1)).toBe('end c');
  });
});

describe('controller handlers without an active controller', () => {
  const ctx = (apiVersion: number, controller: unknown = null): RequestContext =>
    ({
      apiKey: 0,
      apiVersion,
      correlationId: 1,
      clientId: 'test',
      clientHost: '/127.0.0.1',
      listenerName: 'PLAINTEXT',
      services: { controller },
    }) as unknown as RequestContext;
  const inactive = { isActive: () => false };

  it('answers NOT_CONTROLLER', async () => {
    for (const c of [null, inactive]) {
      expect((await handleControlledShutdown({ brokerId: 1, brokerEpoch: 5 }, ctx(3, c))).errorCode).toBe(41);
      expect((await handleAlterPartition({ brokerId: 1, brokerEpoch: 5, topics: [] }, ctx(3, c))).errorCode).toBe(41);
      expect((await handleAlterPartitionReassignments({ timeoutMs: 1, topics: [] }, ctx(0, c))).errorCode).toBe(41);
      expect((await handleListPartitionReassignments({ timeoutMs: 1, topics: null }, ctx(0, c))).errorCode).toBe(41);
      const el = await handleElectLeaders(
        { electionType: 0, topicPartitions: [{ topic: 't', partitions: [0, 1] }], timeoutMs: 1 },
        ctx(2, c),
      );
      expect(el.errorCode).toBe(41);
      expect(el.replicaElectionResults[0]!.partitionResult.map((p) => p.errorCode)).toEqual([41, 41]);
    }
  });
});
