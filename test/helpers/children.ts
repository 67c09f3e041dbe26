// Child processes the test helpers start (brokers, ZooKeeper, the control plane, pod processes): SIGKILLed
// when the test process exits, however it exits, so a failed test never leaves servers behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';

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

/**
 * Spawns a server whose stdout and stderr append to `logFile`, tracked in liveChildren until it exits.
 * `exited` resolves (never rejects) on exit or spawn failure; `mark` records either in the log.
 */
export function spawnTracked(
  command: string,
  args: string[],
  opts: { logFile: string; env?: NodeJS.ProcessEnv; mark: (line: string) => void },
): { proc: ChildProcess; exited: Promise<void> } {
  const fd = openSync(opts.logFile, 'a');
  const proc = spawn(command, args, { stdio: ['ignore', fd, fd], ...(opts.env ? { env: opts.env } : {}) });
  closeSync(fd);
  liveChildren.add(proc);
  const exited = new Promise<void>((resolve) => {
    proc.once('exit', (code, signal) => {
      liveChildren.delete(proc);
      opts.mark(`exit code=${code} signal=${signal}`);
      resolve();
    });
    proc.once('error', (e) => {
      liveChildren.delete(proc);
      opts.mark(`spawn error ${e.message}`);
      resolve();
    });
  });
  return { proc, exited };
}
