/**
 * Per-connection memory of the partitions a consumer was last served only part of what it could read: the
 * response stopped at partitionMaxBytes or maxBytes below the high watermark, so the client now holds that
 * data in its buffer and will fetch the partition again as soon as it has processed it.
 *
 * Why it matters: the Java consumer (and librdkafka) keeps one fetch in flight per broker and leaves the
 * partitions it still has buffered out of it. When such a fetch names only partitions that have caught up, a
 * full long poll (fetch.max.wait.ms, 500 ms by default) also holds back the next fetch of the buffered
 * partitions: a consumer working through a backlog stalls for up to that long each time one of its partitions
 * catches up while others have not (with six partitions, five stalls at the end of every catch-up). While the
 * connection has such a backlog on a partition the request does not name, the Fetch handler caps its long
 * poll at BACKLOG_LONG_POLL_MS instead. The early answer is an ordinary empty response (maxWaitMs is an upper
 * bound; Kafka too answers before it on leader changes and errors), and the client's next request names the
 * partitions it has drained meanwhile. A consumer that names every partition it was served partially, or
 * has none, long-polls as usual, so idle consumers do not spin.
 */

/** The long poll while the connection has a backlog elsewhere: short enough not to stall the drained partitions, long enough not to spin. */
export const BACKLOG_LONG_POLL_MS = 20;

/**
 * How long a partial answer counts as a buffered backlog. A client that paused the partition (or processes
 * slowly) no longer shortens long polls after this, so the extra round trips are bounded.
 */
export const BACKLOG_HORIZON_MS = 1000;

export class FetchBacklog {
  /** Partition key → when it was last served partially. */
  private readonly partial = new Map<string, number>();

  constructor(private readonly horizonMs = BACKLOG_HORIZON_MS) {}

  /** Records one partition of a response: `more` when data was served and the read stopped below the HW. */
  served(key: string, more: boolean, now: number): void {
    if (more) this.partial.set(key, now);
    else this.partial.delete(key);
  }

  /** Whether a partition not in `requested` was served partially within the horizon (expired entries are dropped). */
  elsewhere(requested: ReadonlySet<string>, now: number): boolean {
    let found = false;
    for (const [key, at] of this.partial) {
      if (now - at > this.horizonMs) this.partial.delete(key);
      else if (!requested.has(key)) found = true;
    }
    return found;
  }

  get size(): number {
    return this.partial.size;
  }
}
