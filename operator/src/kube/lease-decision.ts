/**
 * The pure part of Lease-based leader election (client-go's leaderelection, simplified): what a candidate
 * should do with the Lease it just read. Two operator replicas never both act because a takeover needs the
 * lease to be expired by the holder's own renew time plus duration, and every write is conditional on the
 * resourceVersion that was read (the I/O side).
 */
export interface LeaseView {
  holderIdentity: string | null;
  /** Epoch millis of the holder's last renewal (spec.renewTime); null if never renewed. */
  renewTimeMs: number | null;
  leaseDurationSeconds: number;
  leaseTransitions: number;
}

export type LeaseAction =
  | { kind: 'create' } // no lease object yet
  | { kind: 'renew' } // we hold it: refresh renewTime
  | { kind: 'acquire'; transitions: number } // free or expired: take it over
  | { kind: 'wait'; retryInMs: number; holder: string }; // someone else holds a live lease

export function decideLease(lease: LeaseView | null, identity: string, nowMs: number, retryPeriodMs: number): LeaseAction {
  if (lease === null) return { kind: 'create' };
  if (lease.holderIdentity === identity) return { kind: 'renew' };
  const holder = lease.holderIdentity ?? '';
  const expiresAt = (lease.renewTimeMs ?? 0) + lease.leaseDurationSeconds * 1000;
  if (holder === '' || nowMs >= expiresAt) return { kind: 'acquire', transitions: lease.leaseTransitions + 1 };
  return { kind: 'wait', retryInMs: Math.max(retryPeriodMs, Math.min(expiresAt - nowMs, retryPeriodMs * 4)), holder };
}

/** Whether a leader that last renewed at `lastRenewMs` must stop acting (it could not renew in time). */
export function leadershipLost(lastRenewMs: number, nowMs: number, renewDeadlineMs: number): boolean {
  return nowMs - lastRenewMs > renewDeadlineMs;
}
