// Vitest global setup: makes sure the outside peers (kcat, Kafka 3.9 jars, Python clients) are installed
// (test/setup/install.sh is idempotent and takes well under a second when cached) and that the broker is built.
// Set GREGOR_SKIP_INSTALL=1 to skip the install check.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BROKER_MAIN, SETUP_DIR, TARGET } from '../helpers/paths.js';

export default function setup(): void {
  if (process.env.GREGOR_SKIP_INSTALL !== '1') {
    const r = spawnSync('bash', [join(SETUP_DIR, 'install.sh')], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status !== 0) throw new Error(`test/setup/install.sh failed (exit ${r.status})`);
  }
  if (TARGET === 'gregor' && !existsSync(BROKER_MAIN)) {
    // Only the interop suites need it; they fail with a clear message in startBroker().
    console.warn(`[global-setup] ${BROKER_MAIN} is missing: run \`npm run build\` (npm test does).`);
  }
  console.log(`[global-setup] interop test target: ${TARGET}`);
}
