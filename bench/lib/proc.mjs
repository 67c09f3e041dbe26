// Child processes for the benchmark: every process we spawn is tracked by pid and killed (by that pid
// only) on timeout, on error, and when the benchmark exits or is interrupted.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Every live child we started, pid -> ChildProcess. */
const live = new Map();
/** Cleanup callbacks (temp dirs) run on exit/interrupt, in reverse order of registration. */
const cleanups = [];

export function onCleanup(fn) {
  cleanups.push(fn);
  return () => {
    const i = cleanups.indexOf(fn);
    if (i >= 0) cleanups.splice(i, 1);
  };
}

export function killAll(signal = 'SIGKILL') {
  for (const [pid, p] of live) {
    try {
      p.kill(signal);
    } catch {
      /* already gone */
    }
    live.delete(pid);
  }
}

function runCleanups() {
  while (cleanups.length > 0) {
    const fn = cleanups.pop();
    try {
      fn();
    } catch {
      /* best effort */
    }
  }
}

let handlersInstalled = false;
export function installExitHandlers() {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.once('exit', () => {
    killAll();
    runCleanups();
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(sig, () => {
      process.stderr.write(`\n[bench] ${sig}: killing ${live.size} child process(es), removing temp dirs\n`);
      killAll();
      runCleanups();
      process.exit(130);
    });
  }
}

/**
 * Spawns a long-running child (a broker). stdout+stderr go to `logFd` (an open file descriptor).
 * Returns { proc, pid, exited: Promise<{code, signal}> }.
 */
export function spawnTracked(cmd, args, { logFd, env, cwd } = {}) {
  const proc = spawn(cmd, args, {
    stdio: ['ignore', logFd ?? 'ignore', logFd ?? 'ignore'],
    env: env ?? process.env,
    cwd,
  });
  if (proc.pid !== undefined) live.set(proc.pid, proc);
  const exited = new Promise((resolve) => {
    proc.once('error', (err) => {
      live.delete(proc.pid);
      resolve({ code: null, signal: null, error: err });
    });
    proc.once('exit', (code, signal) => {
      live.delete(proc.pid);
      resolve({ code, signal });
    });
  });
  return { proc, pid: proc.pid, exited };
}

/**
 * Runs a command to completion, collecting output; SIGKILLs it after `timeoutMs`.
 * Resolves { code, signal, stdout, stderr, timedOut, ms, pid } (never rejects on exit code; callers check).
 * `onStdoutLine` sees stdout line by line as it arrives (progress lines).
 */
export function runCommand(cmd, args, { timeoutMs = 60_000, env, cwd, onStdoutLine, input, sampleCpu = false } = {}) {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const proc = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env: env ?? process.env, cwd });
    if (proc.pid !== undefined) live.set(proc.pid, proc);
    const out = [];
    const err = [];
    let partial = '';
    let timedOut = false;
    proc.stdout.on('data', (d) => {
      out.push(d);
      if (onStdoutLine) {
        partial += d.toString('utf8');
        let nl;
        while ((nl = partial.indexOf('\n')) >= 0) {
          onStdoutLine(partial.slice(0, nl));
          partial = partial.slice(nl + 1);
        }
      }
    });
    proc.stderr.on('data', (d) => err.push(d));
    proc.stdin.on('error', () => {});
    // CPU seconds the child used, polled (the last sample before exit; at most ~100 ms short).
    let cpuSec = null;
    const cpuTimer = sampleCpu
      ? setInterval(() => {
          const c = procCpuSeconds(proc.pid);
          if (c !== null) cpuSec = c;
        }, 100)
      : null;
    const timer = setTimeout(() => {
      timedOut = true;
      proc.kill('SIGKILL');
    }, timeoutMs);
    proc.once('error', (e) => {
      clearTimeout(timer);
      if (cpuTimer) clearInterval(cpuTimer);
      live.delete(proc.pid);
      reject(e);
    });
    proc.once('close', (code, signal) => {
      clearTimeout(timer);
      if (cpuTimer) clearInterval(cpuTimer);
      live.delete(proc.pid);
      resolve({
        cpuSec,
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
        ms: performance.now() - started,
        pid: proc.pid,
      });
    });
    if (input !== undefined) proc.stdin.end(input);
    else proc.stdin.end();
  });
}

/** Throws a readable error unless the command exited 0. */
export function checkResult(what, res) {
  if (res.code === 0 && !res.timedOut) return res;
  const why = res.timedOut ? `timed out after ${Math.round(res.ms)} ms` : `exited ${res.code ?? res.signal}`;
  throw new Error(
    `${what} ${why}\n--- stdout (tail) ---\n${res.stdout.slice(-3000)}\n--- stderr (tail) ---\n${res.stderr.slice(-3000)}`,
  );
}

/** A free TCP port on 127.0.0.1 (bind 0, read, close). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(addr.port));
    });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Fields of /proc/<pid>/status in kB (VmRSS, VmHWM, ...); null when the process is gone or not Linux. */
export function procStatus(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const res = {};
    for (const m of text.matchAll(/^(Vm\w+|Threads):\s+(\d+)/gm)) res[m[1]] = Number(m[2]);
    return res;
  } catch {
    return null;
  }
}

const CLK_TCK = 100; // USER_HZ on every Linux we run on
/** CPU seconds (user+system) the process has used so far; null when unknown. */
export function procCpuSeconds(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the ")" of the command name: state is field 3; utime 14, stime 15.
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const utime = Number(rest[11]);
    const stime = Number(rest[12]);
    return (utime + stime) / CLK_TCK;
  } catch {
    return null;
  }
}

/**
 * Polls VmRSS of `pid` every `intervalMs` and keeps the maximum; stop() returns
 * { peakRssKiB (polled max), hwmKiB (kernel's VmHWM, the true peak) }.
 */
export function rssSampler(pid, intervalMs = 200) {
  let peak = 0;
  let hwm = 0;
  const sample = () => {
    const s = procStatus(pid);
    if (!s) return;
    if (s.VmRSS > peak) peak = s.VmRSS;
    if (s.VmHWM > hwm) hwm = s.VmHWM;
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    stop() {
      sample();
      clearInterval(timer);
      return { peakRssKiB: peak || null, hwmKiB: hwm || null };
    },
  };
}
