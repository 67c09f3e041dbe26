// Parsing of the operator's flags and environment (operator/src/options.ts): the chart's contract.
import { describe, expect, it } from 'vitest';
import { OptionsError, parseOptions, wantsHelp } from '../src/options.js';

const HOST = { hostname: 'myhost', pid: 42 };
const parse = (argv: string[], env: Record<string, string> = {}) => parseOptions(argv, env, HOST);

function errorOf(fn: () => unknown): OptionsError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(OptionsError);
    return e as OptionsError;
  }
  throw new Error('no error thrown');
}

describe('parseOptions', () => {
  it('has the documented defaults', () => {
    expect(parse([])).toEqual({
      healthPort: 8080,
      metricsPort: 8081,
      bindAddress: '0.0.0.0',
      leaderElect: true,
      leaseName: 'gregor-operator',
      leaseNamespace: 'default',
      identity: 'myhost_42',
      logLevel: 'info',
      namespaces: null,
      defaults: {},
    });
  });

  it('takes what the chart passes (flags and downward-API environment)', () => {
    const o = parse(['--health-port=9090', '--metrics-port=9091', '--lease-name=my-lease'], {
      GREGOR_LOG_LEVEL: 'debug',
      WATCH_NAMESPACES: 'team-a, team-b,,team-a',
      GREGOR_BROKER_IMAGE: 'registry.example/gregor-broker:1.2.3',
      POD_NAME: 'gregor-operator-7c9-abcde',
      POD_NAMESPACE: 'gregor-system',
    });
    expect(o).toMatchObject({
      healthPort: 9090,
      metricsPort: 9091,
      leaseName: 'my-lease',
      leaseNamespace: 'gregor-system',
      identity: 'gregor-operator-7c9-abcde',
      logLevel: 'debug',
      namespaces: ['team-a', 'team-b'],
      defaults: { brokerImage: 'registry.example/gregor-broker:1.2.3' },
    });
    expect(o.addressMapFile).toBeUndefined();
  });

  it('treats an empty WATCH_NAMESPACES (the chart default) as all namespaces', () => {
    expect(parse([], { WATCH_NAMESPACES: '' }).namespaces).toBeNull();
    expect(parse([], { WATCH_NAMESPACES: ' , ' }).namespaces).toBeNull();
    expect(parse([], { GREGOR_BROKER_IMAGE: '' }).defaults).toEqual({});
  });

  it('accepts both --flag=value and --flag value', () => {
    const a = parse(['--health-port', '1', '--metrics-port', '2', '--lease-name', 'l', '--lease-namespace', 'ns', '--identity', 'me',
      '--bind-address', '127.0.0.1', '--address-map', '/tmp/map.json']);
    const b = parse(['--health-port=1', '--metrics-port=2', '--lease-name=l', '--lease-namespace=ns', '--identity=me',
      '--bind-address=127.0.0.1', '--address-map=/tmp/map.json']);
    expect(a).toEqual(b);
    expect(a).toMatchObject({ healthPort: 1, metricsPort: 2, leaseName: 'l', leaseNamespace: 'ns', identity: 'me',
      bindAddress: '127.0.0.1', addressMapFile: '/tmp/map.json' });
  });

  it('lets flags win over the environment, and the last flag win', () => {
    const env = { POD_NAME: 'pod', POD_NAMESPACE: 'podns', GREGOR_ADDRESS_MAP: '/env/map.json' };
    expect(parse([], env)).toMatchObject({ identity: 'pod', leaseNamespace: 'podns', addressMapFile: '/env/map.json' });
    expect(parse(['--identity=x', '--lease-namespace=y', '--address-map=/flag.json'], env)).toMatchObject({
      identity: 'x',
      leaseNamespace: 'y',
      addressMapFile: '/flag.json',
    });
    expect(parse(['--health-port=1', '--health-port=2']).healthPort).toBe(2);
  });

  it('parses --leader-elect like a Go boolean flag', () => {
    expect(parse(['--leader-elect=false']).leaderElect).toBe(false);
    expect(parse(['--leader-elect=true']).leaderElect).toBe(true);
    expect(parse(['--leader-elect']).leaderElect).toBe(true);
    expect(parse(['--leader-elect', 'false']).leaderElect).toBe(false);
    expect(parse(['--leader-elect', '--health-port=1'])).toMatchObject({ leaderElect: true, healthPort: 1 });
  });

  it('names the flag or variable in every error', () => {
    const cases: [string[], Record<string, string>, RegExp][] = [
      [['--health-port=http'], {}, /--health-port/],
      [['--metrics-port=70000'], {}, /--metrics-port/],
      [['--metrics-port', '-1'], {}, /--metrics-port/],
      [['--health-port'], {}, /--health-port needs a value/],
      [['--lease-name', '--health-port=1'], {}, /--lease-name needs a value/],
      [['--lease-name='], {}, /--lease-name/],
      [['--lease-name=Not_Valid'], {}, /--lease-name/],
      [['--lease-namespace=a.b'], {}, /--lease-namespace/],
      [[], { POD_NAMESPACE: 'Bad NS' }, /POD_NAMESPACE/],
      [['--leader-elect=maybe'], {}, /--leader-elect/],
      [['--verbose'], {}, /unknown flag --verbose/],
      [['--no-such=1'], {}, /unknown flag --no-such/],
      [['-v'], {}, /unknown flag -v/],
      [['stray'], {}, /unexpected argument "stray"/],
      [[], { GREGOR_LOG_LEVEL: 'loud' }, /GREGOR_LOG_LEVEL/],
      [[], { WATCH_NAMESPACES: 'ok,Not_OK' }, /WATCH_NAMESPACES.*Not_OK/],
      [[], { GREGOR_BROKER_IMAGE: 'a b' }, /GREGOR_BROKER_IMAGE/],
    ];
    for (const [argv, env, re] of cases) expect(errorOf(() => parse(argv, env)).message, JSON.stringify(argv)).toMatch(re);
  });

  it('accepts log levels case-insensitively and port 0 (any free port)', () => {
    expect(parse([], { GREGOR_LOG_LEVEL: 'WARN' }).logLevel).toBe('warn');
    expect(parse(['--health-port=0']).healthPort).toBe(0);
  });

  it('recognises a help request', () => {
    expect(wantsHelp(['--help'])).toBe(true);
    expect(wantsHelp(['--health-port=1', '-h'])).toBe(true);
    expect(wantsHelp(['--health-port=1'])).toBe(false);
  });
});
