import { describe, expect, it } from 'vitest';
import { decideLease, leadershipLost } from '../src/kube/lease-decision.js';

describe('lease decisions', () => {
  const lease = (holder: string | null, renewTimeMs: number | null) => ({
    holderIdentity: holder,
    renewTimeMs,
    leaseDurationSeconds: 15,
    leaseTransitions: 2,
  });

  it('creates a missing lease and renews its own', () => {
    expect(decideLease(null, 'a', 0, 2000)).toEqual({ kind: 'create' });
    expect(decideLease(lease('a', 1000), 'a', 5000, 2000)).toEqual({ kind: 'renew' });
  });

  it('waits while another holder is live, takes over once it expired', () => {
    const d = decideLease(lease('b', 10_000), 'a', 20_000, 2000);
    expect(d.kind).toBe('wait');
    expect(decideLease(lease('b', 10_000), 'a', 25_000, 2000)).toEqual({ kind: 'acquire', transitions: 3 });
  });

  it('takes a released lease at once', () => {
    expect(decideLease(lease(null, 10_000), 'a', 10_001, 2000)).toEqual({ kind: 'acquire', transitions: 3 });
    expect(decideLease(lease('', 10_000), 'a', 10_001, 2000)).toEqual({ kind: 'acquire', transitions: 3 });
  });

  it('a leader that cannot renew within the deadline stops acting', () => {
    expect(leadershipLost(1000, 10_000, 10_000)).toBe(false);
    expect(leadershipLost(1000, 11_001, 10_000)).toBe(true);
  });
});
