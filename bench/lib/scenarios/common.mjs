// Helpers shared by the scenario modules.
//
// A scenario module exports { name, title, run(ctx, round) -> Promise<result[]> }. `ctx` is built by run.mjs:
//   { o (options, with o.deadline), repoRoot, runDir, toolsLog4j, logsDir, zk (the run's ZooKeeper),
//     targets (name -> target), targetNames (selected, in run order: Kafka first), log(msg), roundState (per round) }
// Every result is { target, scenario, round, ... } and carries `error` when it failed; scenario code never throws.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { freePort, sleep } from '../proc.mjs';
import { summariseBrokerLog } from '../targets.mjs';

export const round2 = (x) => (typeof x === 'number' && Number.isFinite(x) ? Math.round(x * 100) / 100 : null);

/** `ms`, but never past the run's deadline (and at least 1 s). */
export const untilDeadline = (o, ms) => Math.max(1000, Math.min(ms, o.deadline - Date.now()));

/**
 * Limit for one perf-tool run: 60 s plus 1 s per 1000 records (fails below ~1 MB/s with 1 KiB records), plus
 * `extraMs` (throttled runs), never past the deadline.
 */
export const stepTimeoutMs = (o, records, extraMs = 0) => untilDeadline(o, 60_000 + Math.ceil(records / 1000) * 1000 + extraMs);

/** True (and logs) when the deadline is too close to start another run. */
export function pastDeadline(ctx, what) {
  if (Date.now() <= ctx.o.deadline - 5000) return false;
  ctx.log(`${what} skipped: --max-minutes ${ctx.o.maxMinutes} reached`);
  return true;
}

export function skipped(ctx, target, scenario, round) {
  return { target, scenario, round, error: `skipped: --max-minutes ${ctx.o.maxMinutes} reached` };
}

export const errorMessage = (e) => (e instanceof Error ? e.message : String(e));

/** A fresh temp dir for one run under the run dir. */
export function runTempDir(ctx, name) {
  return mkdtempSync(join(ctx.runDir, `${name}-`));
}

/**
 * Before a broker start whose cold start is measured, for every target alike: flush the dirty pages the
 * previous run left (`sync`: hundreds of MB of segments written without fsync, whose writeback otherwise lands
 * on the new start's fsyncs — ZooKeeper's transaction log, the broker's checkpoints) and wait until the CPU is
 * idle again (the previous JVMs' exit, ZooKeeper expiring their sessions), at most `maxWaitMs`.
 * Returns { syncMs, waitedMs, idleShare } for the result file.
 */
export async function settleMachine({ maxWaitMs = 5000, idleShare = 0.8 } = {}) {
  const t0 = performance.now();
  spawnSync('sync', { stdio: 'ignore' });
  const syncMs = performance.now() - t0;
  let share = null;
  while (performance.now() - t0 < maxWaitMs) {
    const a = cpuTimes();
    await sleep(250);
    const b = cpuTimes();
    if (!a || !b) break;
    share = (b.idle - a.idle) / Math.max(1, b.total - a.total);
    if (share >= idleShare) break;
  }
  return { syncMs: round2(syncMs), waitedMs: round2(performance.now() - t0), idleShare: round2(share) };
}

/** Idle and total jiffies of all CPUs (/proc/stat), or null off Linux. */
function cpuTimes() {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal: idle + iowait count as idle.
    return { idle: f[3] + (f[4] ?? 0), total: f.slice(0, 8).reduce((x, y) => x + y, 0) };
  } catch {
    return null;
  }
}

/** Starts one broker of `target` on a free port in ZooKeeper mode (fresh chroot unless given). */
export async function startBroker(ctx, target, { dir, brokerId = 1, zookeeperConnect, overrides, chrootName }) {
  const port = await freePort();
  const zkConnect = zookeeperConnect ?? ctx.zk.chroot(chrootName ?? target.name);
  return target.start({ dir, port, brokerId, zookeeperConnect: zkConnect, overrides });
}

/**
 * Stops a broker (SIGTERM, SIGKILL after `timeoutMs`), summarises its log (before and after the SIGTERM) and
 * copies it to the logs dir as `<logName>.log`. Returns { shutdown, brokerLog, shutdownLog, brokerLogCopy }.
 */
export async function stopBroker(ctx, broker, logName, timeoutMs = 20_000) {
  let sizeAtStop = Infinity;
  try {
    sizeAtStop = statSync(broker.logFile).size;
  } catch {
    /* no log yet */
  }
  const stop = await broker.stop({ timeoutMs });
  const out = {
    shutdown: { shutdownMs: Math.round(stop.ms), exitCode: stop.code, exitSignal: stop.signal, shutdownForced: stop.forced },
    // What the broker logged while it worked, and separately while it shut down (SIGTERM to exit).
    brokerLog: summariseBrokerLog(broker.logFile, { to: sizeAtStop }),
    shutdownLog: summariseBrokerLog(broker.logFile, { from: sizeAtStop, maxExamples: 3 }),
    brokerLogCopy: null,
  };
  if (!stop.forced && stop.code !== 0 && stop.code !== null && stop.code !== 143) {
    ctx.log(`  note: ${logName} exited with code ${stop.code} after SIGTERM`);
  }
  try {
    mkdirSync(ctx.logsDir, { recursive: true });
    const copy = join(ctx.logsDir, `${logName}.log`);
    cpSync(broker.logFile, copy);
    out.brokerLogCopy = copy.replace(ctx.repoRoot + '/', '');
  } catch {
    /* best effort */
  }
  return out;
}

export function removeDir(ctx, dir) {
  if (!ctx.o.keep) rmSync(dir, { recursive: true, force: true });
}

/** Bytes of all files under `dir`. */
export function dirBytes(dir) {
  let total = 0;
  const walk = (d) => {
    let ents = [];
    try {
      ents = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const ent of ents) {
      const p = join(d, ent.name);
      if (ent.isDirectory()) walk(p);
      else if (ent.isFile()) {
        try {
          total += statSync(p).size;
        } catch {
          /* removed meanwhile */
        }
      }
    }
  };
  walk(dir);
  return total;
}
