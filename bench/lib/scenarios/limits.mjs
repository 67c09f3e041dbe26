// Limits of the machine for the produce scenario, no broker involved (target "machine"):
//   pump  the same bytes as one produce run (records x record size) over a loopback TCP socket between two Node
//         processes, in 1 MiB writes (bench/lib/pump.mjs);
//   dd    dd if=/dev/zero of=<the run's temp dir, where the brokers' data goes> bs=1M count=<same MiB> conv=fdatasync.
// The report shows each broker's produce MB/s as a fraction of these.
import { runDd, runPump } from '../pump.mjs';
import { errorMessage, pastDeadline, round2, skipped, untilDeadline } from './common.mjs';

export const limits = {
  name: 'limits',
  kind: 'limits',
  title: 'machine limits: loopback socket pump and dd',
  async run(ctx, round) {
    const { o, log } = ctx;
    if (pastDeadline(ctx, `round ${round}: limits`)) return [skipped(ctx, 'machine', 'limits', round)];
    log(`round ${round}/${o.rounds}: machine limits (pump, dd)`);
    const bytes = o.records * o.recordSize;
    const mib = Math.max(1, Math.round(bytes / 2 ** 20));
    const result = { target: 'machine', scenario: 'limits', round, bytes };
    try {
      const pump = await runPump({ bytes, timeoutMs: untilDeadline(o, 120_000) });
      result.pump = { bytes: pump.bytes, ms: round2(pump.ms), mbPerSec: round2(pump.mibPerSec) };
      const dd = await runDd({ dir: ctx.runDir, mib, timeoutMs: untilDeadline(o, 300_000) });
      result.dd = { bytes: dd.bytes, ms: round2(dd.ms), mbPerSec: round2(dd.mibPerSec), line: dd.dd };
      log(`    pump ${result.pump.mbPerSec} MB/s, dd ${result.dd.mbPerSec} MB/s (${mib} MiB)`);
    } catch (e) {
      result.error = errorMessage(e);
      log(`  FAILED limits r${round}: ${result.error.split('\n')[0]}`);
    }
    return [result];
  },
};
