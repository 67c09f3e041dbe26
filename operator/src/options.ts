// Command line and environment of the operator, parsed without side effects (no file reads, no network):
// exactly what the Helm chart passes (deploy/README.md, "Operator runtime contract") plus a few flags for
// running outside a cluster. Errors are OptionsError with the offending flag or variable in the message;
// main prints it with the usage and exits 2.
import { hostname } from 'node:os';
import type { DefaultsOptions } from './api/defaults.js';
import { LOG_LEVELS, isLogLevel } from './log.js';

export interface OperatorOptions {
  healthPort: number;
  metricsPort: number;
  /** Address the HTTP servers listen on. */
  bindAddress: string;
  leaderElect: boolean;
  leaseName: string;
  leaseNamespace: string;
  /** Lease holder identity (the pod name in a cluster). */
  identity: string;
  /** JSON file mapping "host:port" → "host:port" to reach brokers from outside their network. */
  addressMapFile?: string;
  logLevel: (typeof LOG_LEVELS)[number];
  /** Namespaces to watch; null = all namespaces (cluster-wide list/watch). */
  namespaces: string[] | null;
  defaults: DefaultsOptions;
}

export class OptionsError extends Error {
  override readonly name = 'OptionsError';
}

export const USAGE = `Usage: gregor-operator [flags]

Flags (--flag=value or --flag value):
  --health-port=N        /healthz and /readyz (default 8080)
  --metrics-port=N       /metrics (default 8081)
  --bind-address=ADDR    address of both HTTP servers (default 0.0.0.0)
  --lease-name=NAME      leader election Lease (default gregor-operator)
  --lease-namespace=NS   namespace of the Lease (default $POD_NAMESPACE, else "default")
  --identity=ID          Lease holder identity (default $POD_NAME, else <hostname>_<pid>)
  --leader-elect=BOOL    campaign for the Lease before acting (default true)
  --address-map=FILE     JSON {"host:port": "host:port"} to reach brokers from outside their network
                         (default $GREGOR_ADDRESS_MAP)
  -h, --help             this text

Environment:
  GREGOR_LOG_LEVEL       ${LOG_LEVELS.join('|')} (default info)
  WATCH_NAMESPACES       comma-separated namespaces to watch; empty = all namespaces
  GREGOR_BROKER_IMAGE    broker image for KafkaClusters without spec.brokers.image
  POD_NAME, POD_NAMESPACE  Lease identity and namespace (downward API)
`;

type FlagKind = 'port' | 'string' | 'bool';
const FLAGS: Record<string, FlagKind> = {
  'health-port': 'port',
  'metrics-port': 'port',
  'bind-address': 'string',
  'lease-name': 'string',
  'lease-namespace': 'string',
  identity: 'string',
  'leader-elect': 'bool',
  'address-map': 'string',
};

// RFC 1123 label: namespaces and Lease names (a Lease name may be a subdomain; a label is a subset).
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function parsePort(flag: string, v: string): number {
  if (!/^\d+$/.test(v) || Number(v) > 65535) throw new OptionsError(`--${flag}: "${v}" is not a port number (0-65535)`);
  return Number(v);
}

function parseBool(flag: string, v: string): boolean {
  const s = v.toLowerCase();
  if (s === 'true' || s === '1') return true;
  if (s === 'false' || s === '0') return false;
  throw new OptionsError(`--${flag}: "${v}" is not a boolean (true or false)`);
}

/** Whether argv asks for the usage text. */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.some((a) => a === '-h' || a === '--help');
}

export interface HostInfo {
  hostname: string;
  pid: number;
}

/**
 * Parses `argv` (without node and script, i.e. process.argv.slice(2)) and `env`. Later flags win over
 * earlier ones; flags win over environment variables.
 */
export function parseOptions(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
  host: HostInfo = { hostname: hostname(), pid: process.pid },
): OperatorOptions {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const m = /^--?([a-z][a-z0-9-]*)(?:=([\s\S]*))?$/i.exec(arg);
    if (!m) throw new OptionsError(`unexpected argument "${arg}"`);
    const name = m[1]!;
    const kind = FLAGS[name];
    if (kind === undefined || !arg.startsWith('--')) throw new OptionsError(`unknown flag ${arg.split('=')[0]}`);
    let value = m[2];
    if (value === undefined) {
      if (kind === 'bool') {
        // Like Go's flag package: a bare boolean flag is true; "--leader-elect false" is also accepted.
        const next = argv[i + 1]?.toLowerCase();
        value = next === 'true' || next === 'false' ? argv[++i]! : 'true';
      } else {
        const next = argv[i + 1];
        if (next === undefined || next.startsWith('--')) throw new OptionsError(`--${name} needs a value`);
        value = next;
        i++;
      }
    }
    if (kind !== 'bool' && value.trim() === '') throw new OptionsError(`--${name} needs a non-empty value`);
    flags.set(name, value.trim());
  }

  const envOf = (k: string): string | undefined => {
    const v = env[k]?.trim();
    return v ? v : undefined;
  };

  const healthPort = flags.has('health-port') ? parsePort('health-port', flags.get('health-port')!) : 8080;
  const metricsPort = flags.has('metrics-port') ? parsePort('metrics-port', flags.get('metrics-port')!) : 8081;
  const leaderElect = flags.has('leader-elect') ? parseBool('leader-elect', flags.get('leader-elect')!) : true;

  const leaseName = flags.get('lease-name') ?? 'gregor-operator';
  if (!DNS_SUBDOMAIN.test(leaseName) || leaseName.length > 253) {
    throw new OptionsError(`--lease-name: "${leaseName}" is not a valid object name (lower-case RFC 1123 subdomain)`);
  }
  const leaseNamespace = flags.get('lease-namespace') ?? envOf('POD_NAMESPACE') ?? 'default';
  if (!DNS_LABEL.test(leaseNamespace) || leaseNamespace.length > 63) {
    const src = flags.has('lease-namespace') ? '--lease-namespace' : 'POD_NAMESPACE';
    throw new OptionsError(`${src}: "${leaseNamespace}" is not a valid namespace name`);
  }
  const identity = flags.get('identity') ?? envOf('POD_NAME') ?? `${host.hostname}_${host.pid}`;

  const rawLevel = envOf('GREGOR_LOG_LEVEL')?.toLowerCase() ?? 'info';
  if (!isLogLevel(rawLevel)) {
    throw new OptionsError(`GREGOR_LOG_LEVEL: "${env.GREGOR_LOG_LEVEL}" is not one of ${LOG_LEVELS.join(', ')}`);
  }

  let namespaces: string[] | null = null;
  const watch = env.WATCH_NAMESPACES?.split(',').map((s) => s.trim()).filter((s) => s !== '') ?? [];
  if (watch.length > 0) {
    for (const ns of watch) {
      if (!DNS_LABEL.test(ns) || ns.length > 63) throw new OptionsError(`WATCH_NAMESPACES: "${ns}" is not a valid namespace name`);
    }
    namespaces = [...new Set(watch)];
  }

  const defaults: DefaultsOptions = {};
  const brokerImage = envOf('GREGOR_BROKER_IMAGE');
  if (brokerImage !== undefined) {
    if (/\s/.test(brokerImage)) throw new OptionsError(`GREGOR_BROKER_IMAGE: "${brokerImage}" is not an image reference`);
    defaults.brokerImage = brokerImage;
  }

  const options: OperatorOptions = {
    healthPort,
    metricsPort,
    bindAddress: flags.get('bind-address') ?? '0.0.0.0',
    leaderElect,
    leaseName,
    leaseNamespace,
    identity,
    logLevel: rawLevel,
    namespaces,
    defaults,
  };
  const addressMap = flags.get('address-map') ?? envOf('GREGOR_ADDRESS_MAP');
  if (addressMap !== undefined) options.addressMapFile = addressMap;
  return options;
}
