import { zkRead } from './zk-inspect.js';

/**
 * Reads one znode over ZooKeeper's wire protocol with a throwaway session (see zk-inspect.ts). Returns the data as
 * UTF-8 ('' for null data, null for NONODE). Written here rather than with node-zookeeper-client, whose close()
 * during the connect handshake misreads the ConnectResponse and throws from a socket handler.
 */
export async function zkGetData(hostPort: string, path: string, timeoutMs = 5000): Promise<string | null> {
  const [r] = await zkRead(hostPort, [{ op: 'get', path }], timeoutMs);
  return r?.exists ? (r.data ?? '') : null;
}
