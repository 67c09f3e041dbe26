import { connect } from 'node:net';

/**
 * Reads one znode over ZooKeeper's wire protocol with a throwaway session: ConnectRequest, GetData (no watch),
 * CloseSession. Returns the data as UTF-8 (null for NONODE). Written here rather than with node-zookeeper-client,
 * whose close() during the connect handshake misreads the ConnectResponse and throws from a socket handler.
 */
export function zkGetData(hostPort: string, path: string, timeoutMs = 5000): Promise<string | null> {
  const [host, portStr] = hostPort.split(':');
  return new Promise((resolve, reject) => {
    const sock = connect({ host, port: Number(portStr) });
    let buf = Buffer.alloc(0);
    let stage: 'connect' | 'get' | 'done' = 'connect';
    const finish = (err: Error | null, value?: string | null): void => {
      if (stage === 'done') return;
      stage = 'done';
      clearTimeout(timer);
      if (err) {
        sock.destroy();
        reject(err);
        return;
      }
      // CloseSession (xid 2, type -11), then let the server close the connection.
      const close = Buffer.alloc(12);
      close.writeInt32BE(8, 0);
      close.writeInt32BE(2, 4);
      close.writeInt32BE(-11, 8);
      sock.end(close);
      setTimeout(() => sock.destroy(), 1000).unref();
      resolve(value ?? null);
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
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
        const frame = buf.subarray(4, 4 + buf.readInt32BE(0));
        buf = buf.subarray(4 + frame.length);
        if (stage === 'connect') {
          if (frame.readInt32BE(4) <= 0) return finish(new Error(`ZooKeeper ${hostPort}: session refused`));
          stage = 'get';
          const p = Buffer.from(path, 'utf8');
          const get = Buffer.alloc(4 + 4 + 4 + 4 + p.length + 1);
          get.writeInt32BE(get.length - 4, 0);
          get.writeInt32BE(1, 4); // xid
          get.writeInt32BE(4, 8); // getData
          get.writeInt32BE(p.length, 12);
          p.copy(get, 16);
          get.writeUInt8(0, 16 + p.length); // no watch
          sock.write(get);
        } else if (stage === 'get') {
          const xid = frame.readInt32BE(0);
          if (xid !== 1) continue; // ping or notification
          const err = frame.readInt32BE(12);
          if (err === -101) return finish(null, null); // NONODE
          if (err !== 0) return finish(new Error(`ZooKeeper ${hostPort}: get ${path} error ${err}`));
          const len = frame.readInt32BE(16);
          return finish(null, len < 0 ? '' : frame.subarray(20, 20 + len).toString('utf8'));
        }
      }
    });
  });
}
