// Chaos: 3 brokers (ZooKeeper mode), topic rf 3 with min.insync.replicas 2; an idempotent acks=all Java producer
// writes numbered records continuously while a broker is kill -9'ed and restarted 10 times (the controller and
// partition leaders in turn). Afterwards every acknowledged record is read exactly once, at its acked offset, in
// order per partition. Time-to-new-leader (kill → Metadata on a survivor shows a live new leader) is printed per
// kill and written to $GREGOR_TEST_LOG_DIR/cluster-chaos-<target>-<stamp>.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from './helpers/cluster.js';
import { NumberedProducer, dumpTopic, verifyAcked } from './helpers/java-clients.js';
import { kafkaTool } from './helpers/kafka-tools.js';
import { TARGET, TEST_LOG_DIR } from './helpers/paths.js';

const TOPIC = 'chaos';
const PARTITIONS = 3;
const KILLS = 10;
/** Kills at these indexes take the active controller, whatever it leads; the others the busiest leader. */
const CONTROLLER_KILLS = new Set([0, 4, 8]);
/** The whole test (after the cluster is up) must end within this. */
const BUDGET_MS = 300_000;

interface KillRecord {
  kill: number;
  victim: number;
  role: string;
  ledPartitions: number[];
  /** partition → ms from kill to a live new leader in Metadata */
  newLeaderMs: Record<number, number>;
  newControllerMs: number | null;
  restartMs: number;
  isrBackMs: number;
}

function log(msg: string): void {
  console.log(`[cluster-chaos] ${msg}`);
}

describe('chaos: 10 × kill -9 under an idempotent acks=all producer', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startCluster({ name: 'chaos', brokers: 3 });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it(
    'every acknowledged record is read exactly once, in order per partition',
    async () => {
      const started = Date.now();
      const bs = cluster.bootstrap;
      await kafkaTool('kafka-topics', [
        '--bootstrap-server', bs, '--create', '--topic', TOPIC, '--partitions', String(PARTITIONS),
        '--replication-factor', '3', '--config', 'min.insync.replicas=2',
      ]);
      await cluster.waitForFullIsr(TOPIC);

      const producer = NumberedProducer.start(bs, TOPIC, { ratePerSec: 400 });
      const kills: KillRecord[] = [];
      let previous = -1;
      try {
        await producer.waitForMoreAcks(500);
        const firstKillAt = Date.now();
        for (let k = 0; k < KILLS; k++) {
          const parts = await cluster.partitions(TOPIC);
          const controller = await cluster.controller();
          const ledBy = (id: number): number[] => parts.filter((p) => p.leader === id).map((p) => p.partition);
          let victim: number;
          if (CONTROLLER_KILLS.has(k)) {
            victim = controller;
          } else {
            // The broker leading the most partitions (not the one just restarted, on a tie).
            victim = [...cluster.ids].sort(
              (a, b) => ledBy(b).length - ledBy(a).length || Number(a === previous) - Number(b === previous) || a - b,
            )[0];
          }
          const led = ledBy(victim);
          const isController = victim === controller;
          const role = [isController ? 'controller' : '', led.length ? `leader of ${led.join(',')}` : '']
            .filter(Boolean)
            .join(' + ') || 'follower';

          const ackedBefore = producer.acked;
          const t0 = await cluster.killBroker(victim);
          const leaderWaits = led.map(async (p) => {
            const { at } = await cluster.waitForNewLeader(TOPIC, p, victim, 60_000);
            return [p, at - t0] as const;
          });
          const controllerWait = isController
            ? (async () => {
                const id = await cluster.controller(60_000);
                expect(id).not.toBe(victim);
                return Date.now() - t0;
              })()
            : Promise.resolve(null);
          const newLeaderMs = Object.fromEntries(await Promise.all(leaderWaits)) as Record<number, number>;
          const newControllerMs = await controllerWait;

          const tr = Date.now();
          await cluster.restartBroker(victim);
          const restartMs = Date.now() - tr;
          await cluster.waitForFullIsr(TOPIC, 90_000);
          const isrBackMs = Date.now() - tr;
          // The producer kept going through the kill.
          await producer.waitForMoreAcks(100, 60_000);

          const rec: KillRecord = { kill: k + 1, victim, role, ledPartitions: led, newLeaderMs, newControllerMs, restartMs, isrBackMs };
          kills.push(rec);
          log(
            `kill ${k + 1}/${KILLS}: broker ${victim} (${role}); new leader after ` +
              (led.length ? led.map((p) => `p${p} ${newLeaderMs[p]} ms`).join(', ') : 'n/a') +
              (newControllerMs !== null ? `; new controller after ${newControllerMs} ms` : '') +
              `; restarted + registered ${restartMs} ms; full ISR ${isrBackMs} ms; acked ${ackedBefore} → ${producer.acked}`,
          );
          previous = victim;
          // Stay within the budget: fail early (with the timings so far printed) rather than hit vitest's timeout.
          const elapsed = Date.now() - started;
          const perKill = (Date.now() - firstKillAt) / (k + 1);
          if (k + 1 < KILLS && elapsed + perKill > BUDGET_MS - 15_000) {
            throw new Error(`chaos over budget: ${k + 1} kills took ${elapsed} ms, ~${Math.round(perKill)} ms each`);
          }
        }
        await producer.waitForMoreAcks(200, 60_000);
      } finally {
        await producer.stop();
      }

      const leaderTimes = kills.flatMap((r) => Object.values(r.newLeaderMs));
      const sorted = [...leaderTimes].sort((a, b) => a - b);
      const pct = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
      const summary = {
        target: TARGET,
        kills,
        timeToNewLeaderMs: { n: sorted.length, min: sorted[0], median: pct(0.5), p90: pct(0.9), max: sorted[sorted.length - 1] },
        producer: producer.summary,
      };
      log(`time to new leader (ms) over ${sorted.length} partition failovers: ${JSON.stringify(summary.timeToNewLeaderMs)}`);
      log(`producer: ${JSON.stringify(producer.summary)}; errors: ${producer.errors.length}`);
      mkdirSync(TEST_LOG_DIR, { recursive: true });
      const file = join(TEST_LOG_DIR, `cluster-chaos-${TARGET}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
      writeFileSync(file, JSON.stringify(summary, null, 2) + '\n');
      log(`timings written to ${file}`);

      expect(kills.length).toBe(KILLS);
      expect(kills.filter((r) => r.role.includes('controller')).length).toBeGreaterThanOrEqual(2);
      expect(kills.filter((r) => r.ledPartitions.length > 0).length).toBeGreaterThanOrEqual(KILLS / 2);
      expect(new Set(kills.map((r) => r.victim)).size).toBe(3);
      expect(sorted.length).toBeGreaterThan(0);
      for (const t of leaderTimes) expect(t).toBeLessThan(30_000);
      expect(producer.errors).toEqual([]);
      expect(producer.summary?.failed).toBe(0);

      const dump = await dumpTopic(cluster.liveBootstrap(), TOPIC);
      expect(verifyAcked(producer.acks, dump)).toEqual([]);
      // Nothing but acknowledged records (idempotence: no duplicates of retried batches).
      const total = [...dump.records.values()].reduce((s, l) => s + l.length, 0);
      expect(total).toBe(producer.acked);
      log(`${producer.acked} acked records, all read exactly once; test took ${Date.now() - started} ms`);
      expect(Date.now() - started).toBeLessThan(BUDGET_MS);
    },
    BUDGET_MS + 60_000,
  );
});
