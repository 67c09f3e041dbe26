/**
 * The pure decisions of replication, kept free of I/O and timers so they can be unit-tested: the leader's
 * view of each follower (Kafka's `Replica` fetch state), the high watermark, ISR shrink/expand, and the
 * follower's truncation offset after a leader change. Semantics follow Kafka 3.9's `Partition`,
 * `Replica` and `AbstractFetcherThread`.
 */

/** Offset a leader has not heard from a follower yet (Kafka's UnknownOffset). */
export const UNKNOWN_OFFSET = -1;

/** What a leader knows about one follower, updated on each of its fetches. */
export interface ReplicaState {
  readonly brokerId: number;
  /** The follower's log end offset: the fetch offset of its latest fetch. */
  logEndOffset: number;
  logStartOffset: number;
  /** Last time the follower was known to have all of the leader's log (as of some earlier fetch). */
  lastCaughtUpTimeMs: number;
  /** The leader's LEO when the follower last fetched. */
  lastFetchLeaderLogEndOffset: number;
  lastFetchTimeMs: number;
}

/**
 * A follower's state on a new leader (Kafka's resetReplicaState for a new leader): nothing is known of
 * its log; an ISR member is treated as caught up now, so it gets a full lag period to fetch before the
 * leader may shrink it out.
 */
export function newReplicaState(brokerId: number, nowMs: number, inSync: boolean): ReplicaState {
  return {
    brokerId,
    logEndOffset: UNKNOWN_OFFSET,
    logStartOffset: UNKNOWN_OFFSET,
    lastCaughtUpTimeMs: inSync ? nowMs : 0,
    lastFetchLeaderLogEndOffset: UNKNOWN_OFFSET,
    lastFetchTimeMs: 0,
  };
}

/**
 * Kafka's Replica.updateFetchStateOrThrow: a fetch at the leader's LEO means caught up now; a fetch at
 * least at the leader's LEO of the previous fetch means it was caught up at that previous fetch.
 */
export function updateFetchState(
  state: ReplicaState,
  fetchOffset: number,
  followerStartOffset: number,
  nowMs: number,
  leaderEndOffset: number,
): void {
  if (fetchOffset >= leaderEndOffset) {
    state.lastCaughtUpTimeMs = Math.max(state.lastCaughtUpTimeMs, nowMs);
  } else if (fetchOffset >= state.lastFetchLeaderLogEndOffset) {
    state.lastCaughtUpTimeMs = Math.max(state.lastCaughtUpTimeMs, state.lastFetchTimeMs);
  }
  state.logEndOffset = fetchOffset;
  state.logStartOffset = followerStartOffset;
  state.lastFetchLeaderLogEndOffset = leaderEndOffset;
  state.lastFetchTimeMs = nowMs;
}

/**
 * The high watermark a leader may move to: the smallest LEO over the leader and the (maximal) ISR. A
 * member whose LEO is unknown holds it at -1, which never moves the HW (callers only ever increase it).
 */
export function computeHighWatermark(
  leaderId: number,
  leaderEndOffset: number,
  maximalIsr: readonly number[],
  states: ReadonlyMap<number, ReplicaState>,
): number {
  let hw = leaderEndOffset;
  for (const id of maximalIsr) {
    if (id === leaderId) continue;
    const leo = states.get(id)?.logEndOffset ?? UNKNOWN_OFFSET;
    if (leo < hw) hw = leo;
  }
  return hw;
}

/**
 * Kafka's getOutOfSyncReplicas: ISR followers that are not at the leader's LEO and have not been caught
 * up for more than maxLagMs. The leader never leaves its own ISR.
 */
export function outOfSyncReplicas(
  leaderId: number,
  leaderEndOffset: number,
  isr: readonly number[],
  states: ReadonlyMap<number, ReplicaState>,
  nowMs: number,
  maxLagMs: number,
): number[] {
  const out: number[] = [];
  for (const id of isr) {
    if (id === leaderId) continue;
    const s = states.get(id);
    // A member we have no state for (e.g. added by the controller) counts as lagging from time zero.
    const leo = s?.logEndOffset ?? UNKNOWN_OFFSET;
    const caughtUp = s?.lastCaughtUpTimeMs ?? 0;
    if (leo !== leaderEndOffset && nowMs - caughtUp > maxLagMs) out.push(id);
  }
  return out;
}

/**
 * Kafka's isFollowerInSync for ISR expansion: an assigned replica outside the ISR rejoins once it has
 * everything up to the HW and at least everything of the leader's current epoch (so a replica that
 * still needs to truncate cannot join on an offset it got under an older leader).
 */
export function canJoinIsr(
  state: ReplicaState,
  maximalIsr: readonly number[],
  replicas: readonly number[],
  highWatermark: number,
  leaderEpochStartOffset: number,
): boolean {
  if (maximalIsr.includes(state.brokerId) || !replicas.includes(state.brokerId)) return false;
  return state.logEndOffset >= highWatermark && state.logEndOffset >= leaderEpochStartOffset;
}

/** An (epoch, end offset) pair as OffsetForLeaderEpoch and divergingEpoch carry it; -1/-1 = unknown. */
export interface EpochEndOffset {
  epoch: number;
  endOffset: number;
}

export interface TruncationDecision {
  /** Truncate the local log to this offset (no-op when >= LEO). */
  offset: number;
  /**
   * False when the follower's own epoch at that point differs from the leader's: the logs may still
   * diverge below, so another round (with the follower's now-latest epoch) is needed.
   */
  completed: boolean;
}

/**
 * Kafka's AbstractFetcherThread.getOffsetTruncationState: where a follower must truncate given the
 * leader's end offset for the follower's latest epoch (from OffsetForLeaderEpoch or a fetch response's
 * divergingEpoch).
 *
 * @param localEndOffsetFor the follower's own `endOffsetForEpoch` (largest epoch <= the asked one and
 *   where it ends locally; -1/-1 when unknown)
 */
export function truncationOffset(
  leader: EpochEndOffset,
  localEndOffsetFor: (epoch: number) => EpochEndOffset,
  logEndOffset: number,
  highWatermark: number,
): TruncationDecision {
  if (leader.endOffset < 0) {
    // The leader has no offset for our epoch (e.g. it has no epoch history at all): only the HW is safe.
    return { offset: highWatermark, completed: true };
  }
  if (leader.epoch < 0) {
    // An answer without an epoch (pre-KIP-279 leaders): truncate to its end offset.
    return { offset: Math.min(leader.endOffset, logEndOffset), completed: true };
  }
  const local = localEndOffsetFor(leader.epoch);
  if (local.endOffset < 0) {
    // We have no epoch at or below the leader's: everything beyond the leader's end offset goes.
    return { offset: Math.min(leader.endOffset, logEndOffset), completed: true };
  }
  const offset = Math.min(leader.endOffset, local.endOffset);
  return { offset, completed: local.epoch === leader.epoch };
}

/**
 * Leader side of KIP-595's divergence check on a follower fetch (Fetch v12+): the follower's
 * lastFetchedEpoch must end, in the leader's log, at or after its fetch offset; otherwise the follower
 * is told where that epoch really ends and truncates instead of appending.
 */
export function divergingEpoch(
  lastFetchedEpoch: number,
  fetchOffset: number,
  leaderEndOffsetFor: (epoch: number) => EpochEndOffset,
): EpochEndOffset | null {
  if (lastFetchedEpoch < 0) return null;
  const end = leaderEndOffsetFor(lastFetchedEpoch);
  if (end.epoch < lastFetchedEpoch || end.endOffset < fetchOffset) return end;
  return null;
}
