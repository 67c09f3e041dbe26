/**
 * Splits a TCP byte stream into Kafka request frames (int32 size prefix). Chunks are kept as received and
 * concatenated once per frame, so a 1 MiB produce request arriving in 64 KiB pieces is copied exactly once.
 */
export class FrameTooLargeError extends Error {
    size;
    limit;
    constructor(size, limit) {
        super(`request of ${size} bytes exceeds socket.request.max.bytes (${limit})`);
        this.size = size;
        this.limit = limit;
    }
}
export class FrameDecoder {
    maxFrameBytes;
    chunks = [];
    buffered = 0;
    nextSize = -1;
    constructor(maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }
    /** Feeds bytes; returns every complete frame (without the size prefix). Throws FrameTooLargeError. */
    push(chunk) {
        this.chunks.push(chunk);
        this.buffered += chunk.length;
        const frames = [];
        for (;;) {
            if (this.nextSize < 0) {
                if (this.buffered < 4)
                    break;
                const size = this.peekInt32();
                if (size < 0 || size > this.maxFrameBytes)
                    throw new FrameTooLargeError(size, this.maxFrameBytes);
                this.consume(4);
                this.nextSize = size;
            }
            if (this.buffered < this.nextSize)
                break;
            frames.push(this.consume(this.nextSize));
            this.nextSize = -1;
        }
        return frames;
    }
    get pendingBytes() {
        return this.buffered;
    }
    peekInt32() {
        const first = this.chunks[0];
        if (first.length >= 4)
            return first.readInt32BE(0);
        const head = Buffer.concat(this.chunks, Math.min(this.buffered, 4));
        return head.readInt32BE(0);
    }
    /** Removes n bytes from the front; zero-copy when they lie within the first chunk. */
    consume(n) {
        const first = this.chunks[0];
        if (n === 0)
            return Buffer.alloc(0);
        if (first && first.length >= n) {
            const out = first.subarray(0, n);
            if (first.length === n)
                this.chunks.shift();
            else
                this.chunks[0] = first.subarray(n);
            this.buffered -= n;
            return out;
        }
        const out = Buffer.allocUnsafe(n);
        let filled = 0;
        while (filled < n) {
            const c = this.chunks[0];
            const take = Math.min(c.length, n - filled);
            c.copy(out, filled, 0, take);
            filled += take;
            if (take === c.length)
                this.chunks.shift();
            else
                this.chunks[0] = c.subarray(take);
        }
        this.buffered -= n;
        return out;
    }
}
//# sourceMappingURL=frame-decoder.js.map