// Pure pieces of the test pod runner (see ../pod-runner.ts): the kubelet's $(VAR) expansion, container path →
// local path rewriting, downward-API field paths, zoo.cfg rewriting for local ports, probe script parsing.
// No I/O here, so the rules are easy to read and to check.
import type { V1Container, V1Pod } from '@kubernetes/client-node';

/**
 * The kubelet's $(VAR) expansion (k8s.io/kubernetes third_party/forked/golang/expansion): `$(NAME)` becomes the
 * value when NAME is defined, else stays as written; `$$` is an escaped `$`; any other `$x` stays.
 */
export function expandVars(input: string, lookup: (name: string) => string | undefined): string {
  let out = '';
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (c === '$' && i + 1 < input.length) {
      const n = input[i + 1]!;
      if (n === '$') {
        out += '$';
        i += 2;
        continue;
      }
      if (n === '(') {
        const close = input.indexOf(')', i + 2);
        if (close < 0) {
          out += input.slice(i);
          break;
        }
        const name = input.slice(i + 2, close);
        const v = name === '' ? undefined : lookup(name);
        out += v ?? `$(${name})`;
        i = close + 1;
        continue;
      }
      out += c + n;
      i += 2;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

export interface Mount {
  /** Path inside the container (a directory, or a file for subPath mounts). */
  mountPath: string;
  /** Where it lives on this host. */
  local: string;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Rewrites container paths to local ones in one pass: every occurrence of a mount path that starts a path
 * (not preceded by a path character) and ends at a path boundary (`/`, end, or a non-path character) is
 * replaced by its local path, longest mount path first. One pass, so a replacement (which may itself live
 * under e.g. /tmp) is never rewritten again.
 */
export function pathRewriter(mounts: Mount[]): (s: string) => string {
  const norm = mounts
    .map((m) => ({ mountPath: m.mountPath.replace(/\/+$/, ''), local: m.local }))
    .filter((m) => m.mountPath !== '')
    .sort((a, b) => b.mountPath.length - a.mountPath.length);
  if (norm.length === 0) return (s) => s;
  const byPath = new Map(norm.map((m) => [m.mountPath, m.local]));
  const re = new RegExp(`(?<![\\w.\\-/])(${norm.map((m) => escapeRegExp(m.mountPath)).join('|')})(?=/|$|[^\\w.\\-])`, 'gm');
  return (s) => s.replace(re, (_all, p: string) => byPath.get(p) ?? p);
}

/** The value of a downward-API fieldRef for a pod that runs on this host (all IPs are 127.0.0.1). */
export function fieldRefValue(pod: V1Pod, fieldPath: string, nodeName: string): string | undefined {
  const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(fieldPath);
  if (m) {
    const bag = m[1] === 'labels' ? pod.metadata?.labels : pod.metadata?.annotations;
    return bag?.[m[2]!] ?? '';
  }
  switch (fieldPath) {
    case 'metadata.name':
      return pod.metadata?.name ?? '';
    case 'metadata.namespace':
      return pod.metadata?.namespace ?? '';
    case 'metadata.uid':
      return pod.metadata?.uid ?? '';
    case 'metadata.labels':
    case 'metadata.annotations': {
      const bag = (fieldPath === 'metadata.labels' ? pod.metadata?.labels : pod.metadata?.annotations) ?? {};
      return Object.keys(bag)
        .sort()
        .map((k) => `${k}=${JSON.stringify(bag[k])}`)
        .join('\n');
    }
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? nodeName;
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? 'default';
    case 'status.podIP':
    case 'status.podIPs':
    case 'status.hostIP':
    case 'status.hostIPs':
      return '127.0.0.1';
    default:
      return undefined;
  }
}

/** StatefulSet ordinal from the pod name ("dev-broker-2" → 2), as the ZooKeeper start script derives it. */
export function podOrdinal(podName: string): number | undefined {
  const m = /-(\d+)$/.exec(podName);
  return m ? Number(m[1]) : undefined;
}

/** Resolves a probe/Service port (number or container port name) to the container port number. */
export function containerPortOf(container: V1Container, port: number | string | undefined): number | undefined {
  if (port === undefined) return undefined;
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

/** Pod names and container ports a zoo.cfg refers to (server.N hosts are <pod>.<headless>.<ns>.svc). */
export interface ZooCfgPorts {
  /** Local port for (pod name, container port). */
  port(pod: string, containerPort: number): number;
}

export interface ServerLine {
  id: number;
  host: string;
  pod: string;
  quorumPort: number;
  electionPort: number;
  role?: string;
  clientPort?: number;
}

const SERVER_LINE = /^server\.(\d+)\s*=\s*([^:;|\s]+):(\d+):(\d+)(?::(participant|observer))?(?:;(?:([^:;\s]+):)?(\d+))?\s*$/;

export function parseServerLine(line: string): ServerLine | undefined {
  const m = SERVER_LINE.exec(line.trim());
  if (!m) return undefined;
  const host = m[2]!;
  return {
    id: Number(m[1]),
    host,
    pod: host.split('.')[0]!,
    quorumPort: Number(m[3]),
    electionPort: Number(m[4]),
    ...(m[5] ? { role: m[5] } : {}),
    ...(m[7] ? { clientPort: Number(m[7]) } : {}),
  };
}

/** (pod, container port) pairs a zoo.cfg needs local ports for, so they can be allocated before rewriting. */
export function zooCfgPortNeeds(text: string, selfPod: string): [string, number][] {
  const out: [string, number][] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const cp = /^clientPort\s*=\s*(\d+)$/.exec(line);
    if (cp) out.push([selfPod, Number(cp[1])]);
    const s = parseServerLine(line);
    if (s) {
      out.push([s.pod, s.quorumPort], [s.pod, s.electionPort]);
      if (s.clientPort !== undefined) out.push([s.pod, s.clientPort]);
    }
  }
  return out;
}

/**
 * zoo.cfg for a member running on this host: paths rewritten (dataDir → the pod's "PVC" dir), clientPort and
 * every server.N line pointed at 127.0.0.1 and the local ports of the pod the line names, the client port bound
 * to 127.0.0.1. Everything else (tickTime, 4lw whitelist, ...) stays as the operator rendered it.
 */
export function rewriteZooCfg(text: string, selfPod: string, ports: ZooCfgPorts, rewritePath: (s: string) => string): string {
  const out: string[] = [];
  let hasClientPortAddress = false;
  for (const raw of rewritePath(text).split('\n')) {
    const line = raw.trim();
    const cp = /^clientPort\s*=\s*(\d+)$/.exec(line);
    if (cp) {
      out.push(`clientPort=${ports.port(selfPod, Number(cp[1]))}`);
      continue;
    }
    if (/^clientPortAddress\s*=/.test(line)) {
      hasClientPortAddress = true;
      out.push('clientPortAddress=127.0.0.1');
      continue;
    }
    const s = parseServerLine(line);
    if (s) {
      let v = `server.${s.id}=127.0.0.1:${ports.port(s.pod, s.quorumPort)}:${ports.port(s.pod, s.electionPort)}`;
      if (s.role) v += `:${s.role}`;
      if (s.clientPort !== undefined) v += `;127.0.0.1:${ports.port(s.pod, s.clientPort)}`;
      out.push(v);
      continue;
    }
    out.push(raw);
  }
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  if (!hasClientPortAddress) out.push('clientPortAddress=127.0.0.1');
  return `${out.join('\n')}\n`;
}

/** The value of `key` in a Java properties text (simple `key=value` lines, as the operator renders them). */
export function propertyValue(text: string, key: string): string | undefined {
  let found: string | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    const m = /^([^=:\s]+)\s*[=:]\s*(.*)$/.exec(line);
    if (m && m[1] === key) found = m[2]!;
  }
  return found;
}

/** "h1:p1,h2:p2/chroot" → hosts and chroot. */
export function parseZkConnect(s: string): { hosts: { host: string; port: number }[]; chroot: string } {
  const slash = s.indexOf('/');
  const hostsPart = slash >= 0 ? s.slice(0, slash) : s;
  const chroot = slash >= 0 ? s.slice(slash) : '';
  const hosts = hostsPart
    .split(',')
    .map((h) => h.trim())
    .filter((h) => h !== '')
    .map((h) => {
      const i = h.lastIndexOf(':');
      return i > 0 ? { host: h.slice(0, i), port: Number(h.slice(i + 1)) } : { host: h, port: 2181 };
    });
  return { hosts, chroot };
}

/**
 * A bash /dev/tcp probe as the operator writes them (`exec 3<>/dev/tcp/127.0.0.1/2181 && printf srvr >&3 &&
 * grep -q '^Mode: ' <&3`): the port, the word sent and the pattern required in the answer. Undefined when the
 * script is not of that shape.
 */
export function parseTcpWordProbe(command: string[]): { port: number; word: string; pattern: RegExp } | undefined {
  const script = command.join(' ');
  const port = /\/dev\/tcp\/[^/\s]+\/(\d+)/.exec(script);
  const word = /printf\s+'?([A-Za-z]{4})'?/.exec(script);
  if (!port || !word) return undefined;
  const grep = /grep\s+(?:-\w+\s+)*'([^']*)'/.exec(script) ?? /grep\s+(?:-\w+\s+)*"([^"]*)"/.exec(script) ?? /grep\s+(?:-\w+\s+)*(\S+)/.exec(script);
  let pattern = /./;
  if (grep) {
    try {
      pattern = new RegExp(grep[1]!, 'm');
    } catch {
      pattern = /./;
    }
  }
  return { port: Number(port[1]), word: word[1]!, pattern };
}
