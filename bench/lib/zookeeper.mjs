// A standalone Apache ZooKeeper 3.8 (the jar test/setup/install.sh puts next to the Kafka 3.9 jars) for the
// benchmark: one server per benchmark run on 127.0.0.1, shared by both targets; every broker or cluster start
// gets a fresh chroot (`/bench/<target>-<scenario>-r<round>-<n>`), so no run sees another's znodes.
// Its process is not part of any broker's measurements (RSS, CPU).
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { JAVA_CLASSPATH } from './java.mjs';
import { freePort, onCleanup, sleep } from './proc.mjs';

const ZK_MAIN = 'org.apache.zookeeper.server.quorum.QuorumPeerMain';

/**
 * JVM options of bin/zookeeper-server-start.sh (heap) and kafka-run-class.sh (KAFKA_JVM_PERFORMANCE_OPTS),
 * minus JMX and GC logging.
 */
export const ZK_JVM_OPTS = [
  '-Xmx512M',
  '-Xms512M',
  '-server',
  '-XX:+UseG1GC',
  '-XX:MaxGCPauseMillis=20',
  '-XX:InitiatingHeapOccupancyPercent=35',
  '-XX:+ExplicitGCInvokesConcurrent',
  '-Djava.awt.headless=true',
  '-Dzookeeper.admin.enableServer=false',
  '-Dzookeeper.jmx.log4j.disable=true',
];

/**
 * Whether ZooKeeper serves: a real session (ConnectRequest) and a GetData of "/" over the wire protocol.
 * Resolves null on success, else the reason.
 */
export function zkPing(host, port, timeoutMs = 3000) {
  return new Promise((resolve) => {
    const sock = connect({ host, port });
    let buf = Buffer.alloc(0);
    let stage = 'connect';
    const finish = (err) => {
      if (stage === 'done') return;
      stage = 'done';
      clearTimeout(timer);
      if (!err) {
        const close = Buffer.alloc(12); // CloseSession: xid 2, type -11
        close.writeInt32BE(8, 0);
        close.writeInt32BE(2, 4);
        close.writeInt32BE(-11, 8);
        sock.end(close);
        setTimeout(() => sock.destroy(), 500).unref();
      } else sock.destroy();
      resolve(err);
    };
    const timer = setTimeout(() => finish(`no answer within ${timeoutMs} ms`), timeoutMs);
    sock.on('error', (e) => finish(e.message));
    sock.on('close', () => finish('connection closed'));
    sock.on('connect', () => {
      // ConnectRequest: len, protocolVersion, lastZxidSeen, timeOut, sessionId, passwd (16 zero bytes), readOnly.
      const req = Buffer.alloc(4 + 4 + 8 + 4 + 8 + 4 + 16 + 1);
      let o = 4;
      o = req.writeInt32BE(0, o);
      o = req.writeBigInt64BE(0n, o);
      o = req.writeInt32BE(4000, o);
      o = req.writeBigInt64BE(0n, o);
      o = req.writeInt32BE(16, o);
      req.writeInt32BE(req.length - 4, 0);
      sock.write(req);
    });
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
        const frame = buf.subarray(4, 4 + buf.readInt32BE(0));
        buf = buf.subarray(4 + frame.length);
        if (stage === 'connect') {
          if (frame.length < 8 || frame.readInt32BE(4) <= 0) return finish('session refused');
          stage = 'get';
          const get = Buffer.alloc(4 + 4 + 4 + 4 + 1 + 1);
          get.writeInt32BE(get.length - 4, 0);
          get.writeInt32BE(1, 4); // xid
          get.writeInt32BE(4, 8); // getData
          get.writeInt32BE(1, 12);
          get.write('/', 16);
          get.writeUInt8(0, 17); // no watch
          sock.write(get);
        } else if (stage === 'get') {
          if (frame.readInt32BE(0) !== 1) continue; // ping or notification
          const err = frame.readInt32BE(12);
          return finish(err === 0 ? null : `getData / error ${err}`);
        }
      }
    });
  });
}

/**
 * Starts a standalone ZooKeeper with its data under `dir`, stdout/stderr to `<dir>/zookeeper.log`; resolves
 * once it serves. Returns { pid, host, port, connect, logFile, chroot(name) -> "127.0.0.1:<port>/bench/<name>",
 * stop() }.
 */
export async function startZooKeeper({ dir, log4jFile, timeoutMs = 60_000 }) {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const cfgFile = join(dir, 'zoo.cfg');
  writeFileSync(
    cfgFile,
    [
      'tickTime=2000',
      'initLimit=10',
      'syncLimit=5',
      `dataDir=${join(dir, 'data')}`,
      `clientPort=${port}`,
      'clientPortAddress=127.0.0.1',
      'maxClientCnxns=0',
      'admin.enableServer=false',
      '4lw.commands.whitelist=',
      'autopurge.purgeInterval=0',
      '',
    ].join('\n'),
  );
  const logFile = join(dir, 'zookeeper.log');
  const fd = openSync(logFile, 'a');
  writeSync(fd, `[bench] java ${ZK_JVM_OPTS.join(' ')} -cp <lib>/* ${ZK_MAIN} ${cfgFile}\n`);
  const proc = spawn('java', [...ZK_JVM_OPTS, `-Dlog4j.configuration=file:${log4jFile}`, '-cp', JAVA_CLASSPATH, ZK_MAIN, cfgFile], {
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  let exited = false;
  const exitedP = new Promise((r) => proc.once('exit', () => ((exited = true), r())));
  proc.once('error', () => (exited = true));
  const kill = () => {
    if (!exited) {
      try {
        proc.kill('SIGKILL');
      } catch {
        /* gone */
      }
    }
  };
  const unregister = onCleanup(kill);
  const deadline = Date.now() + timeoutMs;
  let last = 'no attempt';
  for (;;) {
    if (exited) throw new Error(`ZooKeeper exited during start (log: ${logFile})`);
    last = await zkPing('127.0.0.1', port, 2000);
    if (last === null) break;
    if (Date.now() > deadline) {
      kill();
      throw new Error(`ZooKeeper not serving within ${timeoutMs} ms: ${last} (log: ${logFile})`);
    }
    await sleep(200);
  }
  let n = 0;
  return {
    pid: proc.pid,
    host: '127.0.0.1',
    port,
    connect: `127.0.0.1:${port}`,
    logFile,
    /** A fresh chroot connect string for one broker or cluster start. */
    chroot(name) {
      return `127.0.0.1:${port}/bench/${name.replace(/[^a-zA-Z0-9_.-]/g, '_')}-${++n}`;
    },
    async stop() {
      // Nothing in ZooKeeper is worth a graceful shutdown here.
      kill();
      await Promise.race([exitedP, sleep(5000)]);
      unregister();
    },
  };
}
