// Leader epoch → start offset history of a partition, persisted in Kafka's `leader-epoch-checkpoint`
// (version 0, count, then "epoch startOffset" lines). Semantics follow Kafka's LeaderEpochFileCache.
import fs from 'node:fs';
import path from 'node:path';
import { readCheckpointFile, writeCheckpointFile } from './checkpoint.js';
import { childLogger } from '../log.js';
const log = childLogger('leader-epoch-cache');
export const LEADER_EPOCH_CHECKPOINT = 'leader-epoch-checkpoint';
export const UNDEFINED_EPOCH = -1;
export const UNDEFINED_EPOCH_OFFSET = -1;
export class LeaderEpochCache {
    entries = [];
    file;
    constructor(dir) {
        this.file = path.join(dir, LEADER_EPOCH_CHECKPOINT);
        if (fs.existsSync(this.file)) {
            try {
                this.entries = readCheckpointFile(this.file, 2).map(([e, o]) => ({ epoch: Number(e), startOffset: Number(o) }));
            }
            catch (err) {
                // A corrupt cache is rebuilt from batch headers during recovery.
                log.warn({ err, file: this.file }, 'ignoring corrupt leader epoch checkpoint');
                this.entries = [];
            }
        }
    }
    all() {
        return this.entries.slice();
    }
    get isEmpty() {
        return this.entries.length === 0;
    }
    latestEpoch() {
        return this.entries.length ? this.entries[this.entries.length - 1].epoch : UNDEFINED_EPOCH;
    }
    /** Records that `epoch` starts at `startOffset` if it is newer than the latest; persists on change. */
    assign(epoch, startOffset, persist = true) {
        if (epoch < 0)
            return;
        const latest = this.entries[this.entries.length - 1];
        if (latest && epoch <= latest.epoch)
            return;
        // A new epoch starting at or before existing entries' start offsets makes them invalid (Kafka removes them).
        while (this.entries.length && this.entries[this.entries.length - 1].startOffset >= startOffset)
            this.entries.pop();
        this.entries.push({ epoch, startOffset });
        if (persist)
            this.flush();
    }
    /**
     * Kafka's endOffsetFor: for the latest epoch the log end offset; otherwise the start offset of the next
     * higher epoch, with the largest epoch <= requested; (-1, -1) for an unknown or future epoch.
     */
    endOffsetFor(requestedEpoch, logEndOffset) {
        if (requestedEpoch === UNDEFINED_EPOCH || this.entries.length === 0) {
            return { epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET };
        }
        if (requestedEpoch === this.latestEpoch())
            return { epoch: requestedEpoch, endOffset: logEndOffset };
        const higher = this.entries.findIndex((e) => e.epoch > requestedEpoch);
        if (higher < 0)
            return { epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET };
        if (higher === 0)
            return { epoch: requestedEpoch, endOffset: this.entries[0].startOffset };
        return { epoch: this.entries[higher - 1].epoch, endOffset: this.entries[higher].startOffset };
    }
    /** Removes entries starting at or after endOffset (log truncated to endOffset). */
    truncateFromEnd(endOffset, persist = true) {
        const before = this.entries.length;
        while (this.entries.length && this.entries[this.entries.length - 1].startOffset >= endOffset)
            this.entries.pop();
        if (persist && before !== this.entries.length)
            this.flush();
    }
    /** Log start moved to startOffset: drops older entries, keeping the one covering startOffset moved to it. */
    truncateFromStart(startOffset, persist = true) {
        let i = 0;
        while (i < this.entries.length && this.entries[i].startOffset <= startOffset)
            i++;
        if (i === 0)
            return;
        const covering = this.entries[i - 1];
        if (i === 1 && covering.startOffset === startOffset)
            return;
        this.entries = [{ epoch: covering.epoch, startOffset }, ...this.entries.slice(i)];
        if (persist)
            this.flush();
    }
    clear(persist = true) {
        this.entries = [];
        if (persist)
            this.flush();
    }
    flush() {
        if (!fs.existsSync(path.dirname(this.file)))
            return;
        writeCheckpointFile(this.file, this.entries.map((e) => [e.epoch, e.startOffset]));
    }
}
//# sourceMappingURL=leader-epoch-cache.js.map