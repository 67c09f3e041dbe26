// Probe primitives of the test pod runner, run against 127.0.0.1: TCP connect, a four-letter word (ZooKeeper's
// srvr/ruok, what the operator's bash /dev/tcp exec probes do), HTTP GET. Every probe is bounded by a timeout
// and resolves (never rejects).
import { request } from 'node:http';
import { connect } from 'node:net';

export function tcpProbe(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      sock.removeAllListeners();
      sock.on('error', () => {});
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

/** Sends `word` and collects the answer until the server closes (ZooKeeper closes after a 4lw answer). */
export function wordProbe(port: number, word: string, timeoutMs = 2000): Promise<string | null> {
  return new Promise((resolve) => {
    const sock = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let settled = false;
    const done = (v: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.removeAllListeners();
      sock.on('error', () => {});
      sock.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => done(chunks.length > 0 ? Buffer.concat(chunks).toString('utf8') : null), timeoutMs);
    sock.once('connect', () => sock.write(word));
    sock.on('data', (d: Buffer) => chunks.push(d));
    sock.once('end', () => done(Buffer.concat(chunks).toString('utf8')));
    sock.once('close', () => done(chunks.length > 0 ? Buffer.concat(chunks).toString('utf8') : null));
    sock.once('error', () => done(null));
  });
}

/** Kubernetes' httpGet probe: success for 200 <= status < 400. */
export function httpProbe(port: number, path: string, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      const s = res.statusCode ?? 0;
      resolve(s >= 200 && s < 400);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(false));
    req.end();
  });
}
