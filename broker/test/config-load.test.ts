import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir, hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BROKER_CONFIGS, ConfigError, configFromProperties, envKeyFor, loadConfig } from '../src/config.js';

function propsFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'gregor-config-'));
  const path = join(dir, 'server.properties');
  writeFileSync(path, text);
  return path;
}

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('uses Kafka defaults when nothing is given', () => {
    const c = loadConfig([], {});
    expect(c.brokerId).toBe(0);
    expect(c.listeners).toEqual([{ name: 'PLAINTEXT', host: '', port: 9092, securityProtocol: 'PLAINTEXT' }]);
    expect(c.advertisedListeners[0]!.host).toBe(hostname());
    expect(c.listenerName).toBe('PLAINTEXT');
    expect(c.logDirs).toEqual(['/tmp/kafka-logs']);
    expect(c.numPartitions).toBe(1);
    expect(c.defaultReplicationFactor).toBe(1);
    expect(c.autoCreateTopicsEnable).toBe(true);
    expect(c.deleteTopicEnable).toBe(true);
    expect(c.messageMaxBytes).toBe(1048588);
    expect(c.socketRequestMaxBytes).toBe(104857600);
    expect(c.offsetsTopicNumPartitions).toBe(50);
    expect(c.offsetsTopicReplicationFactor).toBe(3);
    expect(c.offsetsRetentionMinutes).toBe(10080);
    expect(c.groupInitialRebalanceDelayMs).toBe(3000);
    expect(c.groupMinSessionTimeoutMs).toBe(6000);
    expect(c.groupMaxSessionTimeoutMs).toBe(1800000);
    expect(c.zookeeperConnect).toBeNull();
    expect(c.rack).toBeNull();
    expect(c.metricsPort).toBe(9404);
    expect(c.clusterId).toBeNull();
  });

  it('reads the repository default config/server.properties', () => {
    const c = loadConfig(['--config', fileURLToPath(new URL('../../config/server.properties', import.meta.url))], {});
    expect(c.listeners).toEqual([{ name: 'PLAINTEXT', host: 'localhost', port: 9092, securityProtocol: 'PLAINTEXT' }]);
    expect(c.logDirs).toEqual(['./data']);
    expect(c.brokerId).toBe(0);
    expect(c.offsetsTopicReplicationFactor).toBe(1);
  });

  it('applies precedence file < env < --override', () => {
    const path = propsFile('num.partitions=2\nlog.dirs=/from/file\nbroker.id=1\n');
    const env = { GREGOR_NUM_PARTITIONS: '3', GREGOR_LOG_DIRS: '/from/env1,/from/env2' };
    const c = loadConfig(['--config', path, '--override', 'num.partitions=4'], env);
    expect(c.numPartitions).toBe(4);
    expect(c.logDirs).toEqual(['/from/env1', '/from/env2']);
    expect(c.brokerId).toBe(1);
    expect(c.raw.get('num.partitions')).toBe('4');

    const c2 = loadConfig([`--config=${path}`], env);
    expect(c2.numPartitions).toBe(3);
    // kafka-server-start.sh style positional path
    expect(loadConfig([path], {}).numPartitions).toBe(2);
    expect(loadConfig([path, '--override=num.partitions=9'], {}).numPartitions).toBe(9);
  });

  it('maps environment names to keys, with an optional gregor. prefix', () => {
    expect(envKeyFor('GREGOR_LOG_DIRS')).toBe('log.dirs');
    expect(envKeyFor('GREGOR_METRICS_PORT')).toBe('gregor.metrics.port');
    expect(envKeyFor('GREGOR_GREGOR_METRICS_PORT')).toBe('gregor.metrics.port');
    expect(envKeyFor('GREGOR_NOT_A_KEY')).toBeNull();
    expect(envKeyFor('KAFKA_LOG_DIRS')).toBeNull();
    // Unknown GREGOR_ variables (and the logger's own) do not stop the broker.
    expect(loadConfig([], { GREGOR_LOG_LEVEL: 'debug', GREGOR_SOMETHING_ELSE: 'x', GREGOR_METRICS_PORT: '-1' }).metricsPort).toBe(-1);
  });

  it('rejects unknown keys, naming them', () => {
    expect(errorOf(() => loadConfig(['--config', propsFile('num.partitons=3\n')], {}))).toContain('num.partitons');
    expect(errorOf(() => loadConfig(['--override', 'foo.bar=1'], {}))).toContain('foo.bar');
    // Security keys are not silently ignored.
    expect(errorOf(() => loadConfig(['--override', 'ssl.keystore.location=/x'], {}))).toContain('ssl.keystore.location');
  });

  it('accepts common Kafka keys it ignores', () => {
    const c = loadConfig(
      [
        '--config',
        propsFile(
          [
            'num.network.threads=3',
            'num.io.threads=8',
            'socket.send.buffer.bytes=102400',
            'socket.receive.buffer.bytes=102400',
            'zookeeper.connection.timeout.ms=18000',
            'transaction.state.log.replication.factor=1',
            'transaction.state.log.min.isr=1',
            'log.flush.interval.messages=10000',
            'log.flush.interval.ms=1000',
            'num.recovery.threads.per.data.dir=1',
          ].join('\n'),
        ),
      ],
      {},
    );
    expect(c.zookeeperConnectionTimeoutMs).toBe(18000);
  });

  it('rejects invalid values, naming key and value', () => {
    let m = errorOf(() => loadConfig(['--override', 'num.partitions=abc'], {}));
    expect(m).toContain('num.partitions');
    expect(m).toContain('abc');
    m = errorOf(() => loadConfig(['--override', 'num.partitions=0'], {}));
    expect(m).toContain('num.partitions');
    expect(m).toContain('at least 1');
    m = errorOf(() => loadConfig(['--override', 'auto.create.topics.enable=yes'], {}));
    expect(m).toContain('auto.create.topics.enable');
    m = errorOf(() => loadConfig(['--override', 'message.max.bytes=99999999999'], {}));
    expect(m).toContain('message.max.bytes');
    m = errorOf(() => loadConfig(['--override', 'log.cleanup.policy=delete,shrink'], {}));
    expect(m).toContain('log.cleanup.policy');
    m = errorOf(() => loadConfig([], { GREGOR_BROKER_ID: '-5' }));
    expect(m).toContain('broker.id');
    expect(m).toContain('GREGOR_BROKER_ID');
  });

  it('rejects bad arguments', () => {
    expect(errorOf(() => loadConfig(['--bogus'], {}))).toContain('--bogus');
    expect(errorOf(() => loadConfig(['--override', 'novalue'], {}))).toContain('novalue');
    expect(errorOf(() => loadConfig(['--config'], {}))).toContain('--config');
    expect(errorOf(() => loadConfig(['--config', '/nonexistent/server.properties'], {}))).toContain('/nonexistent/server.properties');
  });

  it('trims values as Kafka does', () => {
    const c = loadConfig(['--config', propsFile('num.partitions = 7   \nauto.create.topics.enable=FALSE\n')], {});
    expect(c.numPartitions).toBe(7);
    expect(c.autoCreateTopicsEnable).toBe(false);
  });

  it('parses listeners, advertised listeners and the inter-broker listener', () => {
    const c = configFromProperties({
      listeners: 'PLAINTEXT://0.0.0.0:9092,INTERNAL://[::1]:9093',
      'advertised.listeners': 'PLAINTEXT://broker-0.example:9092,INTERNAL://[::1]:9093',
      'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,INTERNAL:PLAINTEXT',
      'inter.broker.listener.name': 'INTERNAL',
    });
    expect(c.listeners).toEqual([
      { name: 'PLAINTEXT', host: '0.0.0.0', port: 9092, securityProtocol: 'PLAINTEXT' },
      { name: 'INTERNAL', host: '::1', port: 9093, securityProtocol: 'PLAINTEXT' },
    ]);
    expect(c.advertisedListeners[0]).toEqual({ name: 'PLAINTEXT', host: 'broker-0.example', port: 9092, securityProtocol: 'PLAINTEXT' });
    expect(c.listenerName).toBe('INTERNAL');
  });

  it('rejects bad listener configurations', () => {
    expect(errorOf(() => configFromProperties({ listeners: 'PLAINTEXT:/x:1' }))).toContain('listeners');
    expect(errorOf(() => configFromProperties({ listeners: 'FOO://:9092' }))).toContain('No security protocol defined for listener FOO');
    expect(errorOf(() => configFromProperties({ listeners: 'PLAINTEXT://:9092,PLAINTEXT://:9093' }))).toContain('repeated');
    // 0.0.0.0 cannot be advertised (Kafka's rule), and a missing advertised host means the host name.
    expect(errorOf(() => configFromProperties({ listeners: 'PLAINTEXT://0.0.0.0:9092' }))).toContain('advertised.listeners');
    expect(errorOf(() => configFromProperties({ listeners: 'SSL://:9093' }))).toContain('SSL');
    expect(errorOf(() => configFromProperties({ 'inter.broker.listener.name': 'NOPE' }))).toContain('inter.broker.listener.name');
  });

  it('uses log.dirs over log.dir, and node.id as an alias of broker.id', () => {
    expect(configFromProperties({ 'log.dir': '/a' }).logDirs).toEqual(['/a']);
    expect(configFromProperties({ 'log.dir': '/a', 'log.dirs': '/b, /c' }).logDirs).toEqual(['/b', '/c']);
    expect(configFromProperties({ 'node.id': '3' }).brokerId).toBe(3);
    expect(errorOf(() => configFromProperties({ 'node.id': '3', 'broker.id': '4' }))).toContain('node.id');
  });

  it('checks cross-key rules', () => {
    expect(errorOf(() => configFromProperties({ 'group.min.session.timeout.ms': '10', 'group.max.session.timeout.ms': '5' }))).toContain(
      'group.min.session.timeout.ms',
    );
  });

  it('has a coherent key table', () => {
    const names = BROKER_CONFIGS.map((d) => d.name);
    expect(new Set(names).size).toBe(names.length);
    // Every default must itself be valid.
    for (const d of BROKER_CONFIGS) {
      if (d.default === null || d.name === 'listeners') continue;
      expect(() => configFromProperties({ [d.name]: d.default! }), d.name).not.toThrow();
    }
  });
});
