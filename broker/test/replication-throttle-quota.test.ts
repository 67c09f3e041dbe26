// KIP-73 replication quotas without a network: the sampled rate (Kafka's SampledStat + SimpleRate) on a
// manual clock, the quota manager's throttled-replica lists and live bound, and the config keys behind them.
import { describe, expect, it } from 'vitest';
import { BROKER_CONFIGS, configFromProperties, throttledPartitionsOn, validateDynamicBrokerConfigs } from '../src/config.js';
import { ReplicationQuotaManager, SampledRate } from '../src/replication/replication-quota.js';

const MB = 1 << 20;

function manager(opts: { bound?: number; lists?: Record<string, string>; brokerId?: number } = {}) {
  const clock = { now: 0 };
  const state = { bound: opts.bound ?? 1000, lists: { ...(opts.lists ?? {}) } };
  const q = new ReplicationQuotaManager({
    type: 'leader',
    brokerId: opts.brokerId ?? 1,
    numSamples: 11,
    windowSizeSeconds: 1,
    bound: () => state.bound,
    throttledReplicas: (t) => state.lists[t],
    now: () => clock.now,
  });
  return { q, clock, state };
}

describe('SampledRate', () => {
  it('divides by at least one window, then by the time since the oldest sample began', () => {
    const r = new SampledRate(11, 1000);
    r.record(1000, 0);
    expect(r.measure(0)).toBe(1000);
    expect(r.measure(500)).toBe(1000);
    expect(r.measure(2000)).toBe(500);
    r.record(1000, 2000);
    expect(r.measure(4000)).toBe(500); // 2000 bytes over 4 s
  });

  it('is a sliding window: samples older than num × size drop out', () => {
    const r = new SampledRate(11, 1000);
    // 1000 bytes at the start of each second for 20 s: only the last 11 windows count.
    for (let t = 0; t <= 20_000; t += 1000) r.record(1000, t);
    expect(r.total(20_500)).toBe(11_000);
    expect(r.measure(20_500)).toBeCloseTo(11_000 / 10.5, 6);
    // Idle for longer than the whole window: nothing left.
    expect(r.measure(40_000)).toBe(0);
    expect(r.total(40_000)).toBe(0);
  });

  it('keeps windows on the grid of the first one across idle gaps', () => {
    const r = new SampledRate(3, 1000);
    r.record(10, 100);
    r.record(10, 2_750); // window [2100, 3100)
    r.record(10, 3_050); // same window
    expect(r.total(3_050)).toBe(30);
    r.record(10, 3_150); // next window [3100, 4100)
    // At 3150 the first sample (start 100) is 3 windows old: purged. The oldest left starts at 2100 (on the
    // grid), not at 2750 when its first byte came.
    expect(r.total(3_150)).toBe(30);
    expect(r.measure(3_150)).toBeCloseTo(30 / 1.05, 6);
  });
});

describe('ReplicationQuotaManager', () => {
  it('is exceeded only while the measured rate is above the bound', () => {
    const { q, clock } = manager({ bound: 1000 });
    expect(q.isQuotaExceeded()).toBe(false);
    q.record(1000);
    expect(q.isQuotaExceeded()).toBe(false); // 1000 B/s is within an upper bound of 1000
    q.record(1);
    expect(q.isQuotaExceeded()).toBe(true);
    clock.now = 900;
    expect(q.isQuotaExceeded()).toBe(true);
    clock.now = 1500;
    expect(q.isQuotaExceeded()).toBe(false); // 1001 B over 1.5 s
    expect(q.byteRate()).toBeCloseTo(1001 / 1.5, 6);
  });

  it('holds a steady stream to the bound over the window', () => {
    // A follower fetching 256 bytes whenever the quota allows, every 10 ms: about bound × time gets through.
    const { q, clock } = manager({ bound: 1000 });
    let served = 0;
    for (clock.now = 0; clock.now <= 30_000; clock.now += 10) {
      if (!q.isQuotaExceeded()) {
        q.record(256);
        served += 256;
      }
    }
    // Each serve needs rate ≤ bound beforehand, so served ≤ bound × elapsed + one chunk.
    expect(served).toBeLessThanOrEqual(1000 * 30 + 256 + 1000 /* first window */);
    expect(served).toBeGreaterThan(1000 * 30 * 0.9);
    expect(q.byteRate()).toBeLessThanOrEqual(1000 + 256);
  });

  it('reads the bound live (dynamic config) and never throttles at the unlimited default', () => {
    const { q, state } = manager({ bound: Number.MAX_SAFE_INTEGER });
    q.record(100 * MB);
    expect(q.isQuotaExceeded()).toBe(false);
    state.bound = MB;
    expect(q.isQuotaExceeded()).toBe(true);
    expect(q.upperBound()).toBe(MB);
    state.bound = Number.MAX_SAFE_INTEGER;
    expect(q.isQuotaExceeded()).toBe(false);
  });

  it('throttles the partitions whose replica on this broker is listed, or all with *', () => {
    const { q, state } = manager({ brokerId: 1, lists: { a: '0:1,1:2,2:1', b: '*' } });
    expect([0, 1, 2, 3].map((p) => q.isThrottled('a', p))).toEqual([true, false, true, false]);
    expect(q.isThrottled('b', 7)).toBe(true);
    expect(q.isThrottled('c', 0)).toBe(false);
    // Parsed lists are cached until the topic's config changes.
    state.lists.a = '3:1';
    expect(q.isThrottled('a', 3)).toBe(false);
    q.invalidate('a');
    expect([0, 3].map((p) => q.isThrottled('a', p))).toEqual([false, true]);
    delete state.lists.b;
    q.invalidate();
    expect(q.isThrottled('b', 7)).toBe(false);
  });

  it('counts held-back rounds per partition and forgets them with the topic', () => {
    const { q } = manager();
    q.noteHeldBack('my-topic', 0);
    q.noteHeldBack('my-topic', 0);
    q.noteHeldBack('my-topic', 1);
    expect(q.heldBackRounds('my-topic', 0)).toBe(2);
    expect(q.heldBackRounds('my-topic', 1)).toBe(1);
    q.invalidate('my-topic');
    expect(q.heldBackRounds('my-topic', 0)).toBe(2);
    q.invalidate('my-topic', true);
    expect(q.heldBackRounds('my-topic', 0)).toBe(0);
  });
});

describe('throttle configs', () => {
  it('parses *.replication.throttled.replicas for one broker', () => {
    expect(throttledPartitionsOn('*', 3)).toBe('*');
    expect(throttledPartitionsOn(' * ', 3)).toBe('*');
    expect(throttledPartitionsOn(undefined, 3)).toEqual(new Set());
    expect(throttledPartitionsOn('', 3)).toEqual(new Set());
    expect(throttledPartitionsOn('0:1,0:3, 1:3 ,2:2', 3)).toEqual(new Set([0, 1]));
    expect(throttledPartitionsOn('0:1,bogus,4:3', 3)).toEqual(new Set([4]));
  });

  it('exposes the rates as dynamic BrokerConfig fields (per broker over cluster default)', () => {
    const config = configFromProperties({ 'broker.id': '2' });
    expect(config.leaderReplicationThrottledRate).toBe(Number.MAX_SAFE_INTEGER);
    expect(config.followerReplicationThrottledRate).toBe(Number.MAX_SAFE_INTEGER);
    expect(config.replicationQuotaWindowNum).toBe(11);
    expect(config.replicationQuotaWindowSizeSeconds).toBe(1);
    config.applyDynamic({ 'leader.replication.throttled.rate': '5000' }, { 'follower.replication.throttled.rate': '7000' });
    expect(config.leaderReplicationThrottledRate).toBe(5000);
    expect(config.followerReplicationThrottledRate).toBe(7000);
    config.applyDynamic({ 'leader.replication.throttled.rate': '5000' }, { 'leader.replication.throttled.rate': '6000' });
    expect(config.leaderReplicationThrottledRate).toBe(6000);
    expect(config.followerReplicationThrottledRate).toBe(Number.MAX_SAFE_INTEGER);
    config.applyDynamic({}, {});
    expect(config.leaderReplicationThrottledRate).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('no longer marks the rates as ignored, and validates them as dynamic keys', () => {
    for (const name of ['leader.replication.throttled.rate', 'follower.replication.throttled.rate']) {
      const def = BROKER_CONFIGS.find((d) => d.name === name)!;
      expect(def.dynamic).toBe(true);
      expect(def.ignored).toBeFalsy();
    }
    expect(() => validateDynamicBrokerConfigs('1', { 'leader.replication.throttled.rate': '1048576' })).not.toThrow();
    expect(() => validateDynamicBrokerConfigs('1', { 'follower.replication.throttled.rate': '-1' })).toThrow(/at least 0/);
    expect(() => configFromProperties({ 'replication.quota.window.num': '0' })).toThrow(/replication.quota.window.num/);
    expect(configFromProperties({ 'replication.quota.window.num': '5', 'replication.quota.window.size.seconds': '2' })).toMatchObject({
      replicationQuotaWindowNum: 5,
      replicationQuotaWindowSizeSeconds: 2,
    });
  });
});
