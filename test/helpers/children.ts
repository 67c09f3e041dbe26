// Child processes the test helpers start (brokers, ZooKeeper, the control plane, pod processes): SIGKILLed
// when the test process exits, however it exits, so a failed test never leaves servers behind.
import type { ChildProcess } from 'node:child_process';

export const liveChildren = new Set<ChildProcess>();

process.once('exit', () => {
  for (const p of liveChildren) {
    try {
      p.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
});
