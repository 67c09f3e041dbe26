// Reads znodes over ZooKeeper's wire protocol in one throwaway session, with their Stat (zxids, versions, ephemeral
// owner) and children: what zkCli `get -s` / `ls` show, without starting a JVM per znode (e.g. "which partition
// states were written after the controller epoch changed": compare mzxids; zk-raw.ts reads one znode's data with
// it). Requests are pipelined; ZooKeeper answers them in order.
import { connect } from 'node:net';

export interface ZkStat {
  czxid: bigint;
  mzxid: bigint;
  ctime: number;
  mtime: number;
  version: number;
  cversion: number;
  aversion: number;
  /** Session id of the owner of an ephemeral znode, 0n for a persistent one. */
  ephemeralOwner: bigint;
  dataLength: number;
  numChildren: number;
  pzxid: bigint;
}

export type ZkReadOp = { op: 'get'; path: string } | { op: 'children'; path: string };

export interface ZkReadResult {
  path: string;
  /** false for NONODE. */
  exists: boolean;
  /** 'get': the data as UTF-8 ('' for null data). */
  data?: string;
  /** 'get': the znode's Stat. */
  stat?: ZkStat;
  /** 'children': the child names, sorted. */
  children?: string[];
}

const OP_GET_DATA = 4;
const OP_GET_CHILDREN = 8;
const OP_CLOSE = -11;
const ERR_NONODE = -101;

function readStat(b: Buffer, o: number): ZkStat {
  return {
    czxid: b.readBigInt64BE(o),
    mzxid: b.readBigInt64BE(o + 8),
    ctime: Number(b.readBigInt64BE(o + 16)),
    mtime: Number(b.readBigInt64BE(o + 24)),
    version: b.readInt32BE(o + 32),
    cversion: b.readInt32BE(o + 36),
    aversion: b.readInt32BE(o + 40),
    ephemeralOwner: b.readBigInt64BE(o + 44),
    dataLength: b.readInt32BE(o + 52),
    numChildren: b.readInt32BE(o + 56),
    pzxid: b.readBigInt64BE(o + 60),
  };
}

/** Runs `ops` in one session on `hostPort` ("host:port", no chroot: pass full paths). Results in `ops` order. */
export function zkRead(hostPort: string, ops: ZkReadOp[], timeoutMs = 10_000): Promise<ZkReadResult[]> {
  const [host, portStr] = hostPort.split(':');
  return new Promise((resolve, reject) => {
    const sock = connect({ host, port: Number(portStr) });
    let buf = Buffer.alloc(0);
    let connected = false;
    let done = false;
    const results: (ZkReadResult | undefined)[] = new Array(ops.length);
    let answered = 0;
    const finish = (err: Error | null): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (err) {
        sock.destroy();
        reject(err);
        return;
      }
      const close = Buffer.alloc(12);
      close.writeInt32BE(8, 0);
      close.writeInt32BE(ops.length + 1, 4);
      close.writeInt32BE(OP_CLOSE, 8);
      sock.end(close);
      setTimeout(() => sock.destroy(), 1000).unref();
      resolve(results as ZkReadResult[]);
    };
    const timer = setTimeout(() => finish(new Error(`ZooKeeper ${hostPort}: no answer within ${timeoutMs} ms`)), timeoutMs);
    sock.on('error', (e) => finish(e));
    sock.on('close', () => finish(new Error(`ZooKeeper ${hostPort} closed the connection`)));
    sock.on('connect', () => {
      // ConnectRequest: protocolVersion, lastZxidSeen, timeOut, sessionId, passwd (16 zero bytes), readOnly.
      const req = Buffer.alloc(4 + 4 + 8 + 4 + 8 + 4 + 16 + 1);
      let o = 4;
      o = req.writeInt32BE(0, o);
      o = req.writeBigInt64BE(0n, o);
      o = req.writeInt32BE(4000, o);
      o = req.writeBigInt64BE(0n, o);
      o = req.writeInt32BE(16, o);
      o += 16;
      req.writeUInt8(0, o);
      req.writeInt32BE(req.length - 4, 0);
      sock.write(req);
    });
    const sendOps = (): void => {
      if (ops.length === 0) return finish(null);
      const frames = ops.map((op, i) => {
        const p = Buffer.from(op.path, 'utf8');
        const f = Buffer.alloc(4 + 4 + 4 + 4 + p.length + 1);
        f.writeInt32BE(f.length - 4, 0);
        f.writeInt32BE(i + 1, 4); // xid
        f.writeInt32BE(op.op === 'get' ? OP_GET_DATA : OP_GET_CHILDREN, 8);
        f.writeInt32BE(p.length, 12);
        p.copy(f, 16);
        f.writeUInt8(0, 16 + p.length); // no watch
        return f;
      });
      sock.write(Buffer.concat(frames));
    };
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      while (!done && buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
        const frame = buf.subarray(4, 4 + buf.readInt32BE(0));
        buf = buf.subarray(4 + frame.length);
        if (!connected) {
          if (frame.readInt32BE(4) <= 0) return finish(new Error(`ZooKeeper ${hostPort}: session refused`));
          connected = true;
          sendOps();
          continue;
        }
        const xid = frame.readInt32BE(0);
        if (xid < 1 || xid > ops.length) continue; // ping, notification, close
        const op = ops[xid - 1];
        const err = frame.readInt32BE(12);
        if (err === ERR_NONODE) {
          results[xid - 1] = { path: op.path, exists: false };
        } else if (err !== 0) {
          return finish(new Error(`ZooKeeper ${hostPort}: ${op.op} ${op.path} error ${err}`));
        } else if (op.op === 'get') {
          const len = frame.readInt32BE(16);
          const dataEnd = 20 + Math.max(0, len);
          results[xid - 1] = {
            path: op.path,
            exists: true,
            data: len < 0 ? '' : frame.subarray(20, dataEnd).toString('utf8'),
            stat: readStat(frame, dataEnd),
          };
        } else {
          const n = frame.readInt32BE(16);
          const children: string[] = [];
          let o = 20;
          for (let i = 0; i < n; i++) {
            const l = frame.readInt32BE(o);
            children.push(frame.subarray(o + 4, o + 4 + l).toString('utf8'));
            o += 4 + l;
          }
          results[xid - 1] = { path: op.path, exists: true, children: children.sort() };
        }
        if (++answered === ops.length) return finish(null);
      }
    });
  });
}

/** Data and Stat of one znode (null when it does not exist). */
export async function zkGetWithStat(hostPort: string, path: string): Promise<{ data: string; stat: ZkStat } | null> {
  const [r] = await zkRead(hostPort, [{ op: 'get', path }]);
  return r.exists ? { data: r.data!, stat: r.stat! } : null;
}

/** Children of a znode, sorted (null when it does not exist). */
export async function zkChildren(hostPort: string, path: string): Promise<string[] | null> {
  const [r] = await zkRead(hostPort, [{ op: 'children', path }]);
  return r.exists ? r.children! : null;
}
