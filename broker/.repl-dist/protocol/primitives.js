/**
 * Kafka wire primitives. `Reader` never reads past its window and reports every malformed input as a
 * `ProtocolError`, so a hostile or truncated frame can be answered or dropped without crashing the broker.
 * `Writer` keeps large byte fields (record data) as separate chunks so responses go to `socket.write`/writev
 * without copying the record bytes a second time.
 */
/** Malformed or truncated input. The only error type the decoders throw. */
export class ProtocolError extends Error {
    constructor(message) {
        super(message);
        this.name = 'ProtocolError';
    }
}
/** A value that cannot be encoded (our own bug, not the peer's): null in a non-nullable field, etc. */
export class EncodeError extends Error {
    constructor(message) {
        super(message);
        this.name = 'EncodeError';
    }
}
const TWO_32 = 4294967296;
/** The zero UUID in Kafka's text form (`Uuid.ZERO_UUID.toString()`). */
export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';
const UUID_TEXT = /^[A-Za-z0-9_-]{22}$/;
export class Reader {
    buf;
    /** Next byte to read. */
    pos;
    /** One past the last readable byte; narrowed temporarily while reading a tagged field. */
    end;
    constructor(buf, offset = 0, end = buf.length) {
        this.buf = buf;
        if (offset < 0 || end > buf.length || offset > end)
            throw new ProtocolError('reader window out of range');
        this.pos = offset;
        this.end = end;
    }
    get remaining() {
        return this.end - this.pos;
    }
    /** Throws unless `n` more bytes are readable; returns the position they start at. */
    take(n, what) {
        const p = this.pos;
        if (n > this.end - p) {
            throw new ProtocolError(`truncated input reading ${what}: need ${n} bytes at ${p}, have ${this.end - p}`);
        }
        this.pos = p + n;
        return p;
    }
    skip(n) {
        if (n < 0)
            throw new ProtocolError(`negative skip ${n}`);
        this.take(n, 'skipped bytes');
    }
    int8() {
        return this.buf.readInt8(this.take(1, 'int8'));
    }
    uint8() {
        return this.buf[this.take(1, 'uint8')];
    }
    int16() {
        return this.buf.readInt16BE(this.take(2, 'int16'));
    }
    uint16() {
        return this.buf.readUInt16BE(this.take(2, 'uint16'));
    }
    int32() {
        return this.buf.readInt32BE(this.take(4, 'int32'));
    }
    uint32() {
        return this.buf.readUInt32BE(this.take(4, 'uint32'));
    }
    /**
     * int64 as a JS number. hi * 2^32 + lo rounds exactly like Number(readBigInt64BE()) (one rounding of the
     * exact sum) without allocating a BigInt on the hot path.
     */
    int64() {
        const p = this.take(8, 'int64');
        return this.buf.readInt32BE(p) * TWO_32 + this.buf.readUInt32BE(p + 4);
    }
    float64() {
        return this.buf.readDoubleBE(this.take(8, 'float64'));
    }
    bool() {
        return this.buf[this.take(1, 'bool')] !== 0;
    }
    /** Unsigned LEB128, at most 5 bytes (Kafka's ByteUtils.readUnsignedVarint). */
    uvarint() {
        const buf = this.buf;
        let value = 0;
        for (let i = 0; i < 5; i++) {
            if (this.pos >= this.end)
                throw new ProtocolError('truncated input reading varint');
            const b = buf[this.pos++];
            value |= (b & 0x7f) << (7 * i);
            if ((b & 0x80) === 0) {
                if (i === 4 && b > 0x0f)
                    throw new ProtocolError('varint does not fit in 32 bits');
                return value >>> 0;
            }
        }
        throw new ProtocolError('varint longer than 5 bytes');
    }
    /** Zigzag-encoded signed 32-bit varint. */
    varint() {
        const u = this.uvarint();
        return (u >>> 1) ^ -(u & 1);
    }
    /** Zigzag-encoded signed 64-bit varint, as a number (precision lost beyond 2^53 as for int64). */
    varlong() {
        const buf = this.buf;
        let value = 0n;
        let small = 0;
        for (let i = 0; i < 10; i++) {
            if (this.pos >= this.end)
                throw new ProtocolError('truncated input reading varlong');
            const b = buf[this.pos++];
            if (i < 4) {
                small |= (b & 0x7f) << (7 * i);
                if ((b & 0x80) === 0) {
                    // Up to 28 bits: stay in 32-bit arithmetic, which covers almost every record field.
                    return (small >>> 1) ^ -(small & 1);
                }
                if (i === 3)
                    value = BigInt(small >>> 0);
            }
            else {
                value |= BigInt(b & 0x7f) << BigInt(7 * i);
                if ((b & 0x80) === 0) {
                    if (i === 9 && b > 0x01)
                        throw new ProtocolError('varlong does not fit in 64 bits');
                    const signed = (value >> 1n) ^ -(value & 1n);
                    return Number(BigInt.asIntN(64, signed));
                }
            }
        }
        throw new ProtocolError('varlong longer than 10 bytes');
    }
    utf8(len) {
        const p = this.take(len, 'string');
        return this.buf.toString('utf8', p, p + len);
    }
    /** int16 length, non-null. */
    string() {
        const len = this.int16();
        if (len < 0)
            throw new ProtocolError(`non-nullable string has length ${len}`);
        return this.utf8(len);
    }
    nullableString() {
        const len = this.int16();
        if (len === -1)
            return null;
        if (len < 0)
            throw new ProtocolError(`invalid string length ${len}`);
        return this.utf8(len);
    }
    /** uvarint length + 1, non-null. */
    compactString() {
        const n = this.uvarint();
        if (n === 0)
            throw new ProtocolError('non-nullable compact string is null');
        return this.utf8(n - 1);
    }
    compactNullableString() {
        const n = this.uvarint();
        if (n === 0)
            return null;
        return this.utf8(n - 1);
    }
    /** A slice of the underlying buffer (no copy): it stays valid as long as the frame does. */
    slice(len) {
        const p = this.take(len, 'bytes');
        return this.buf.subarray(p, p + len);
    }
    /** int32 length, non-null. */
    bytes() {
        const len = this.int32();
        if (len < 0)
            throw new ProtocolError(`non-nullable bytes has length ${len}`);
        return this.slice(len);
    }
    nullableBytes() {
        const len = this.int32();
        if (len === -1)
            return null;
        if (len < 0)
            throw new ProtocolError(`invalid bytes length ${len}`);
        return this.slice(len);
    }
    compactBytes() {
        const n = this.uvarint();
        if (n === 0)
            throw new ProtocolError('non-nullable compact bytes is null');
        return this.slice(n - 1);
    }
    compactNullableBytes() {
        const n = this.uvarint();
        if (n === 0)
            return null;
        return this.slice(n - 1);
    }
    /** 16 bytes as Kafka's text form: 22 characters of unpadded base64url. */
    uuid() {
        const p = this.take(16, 'uuid');
        return this.buf.toString('base64url', p, p + 16);
    }
}
/** Writes below this size are copied into the current chunk; larger byte fields are referenced as is. */
export const ZERO_COPY_THRESHOLD = 4096;
const MIN_CHUNK = 256;
const MAX_CHUNK = 64 * 1024;
export class Writer {
    chunks = [];
    buf;
    /** Start of the bytes of `buf` not yet pushed to `chunks`. */
    start = 0;
    pos = 0;
    /** Bytes in `chunks`. */
    flushed = 0;
    nextSize;
    constructor(initialSize = MIN_CHUNK) {
        this.nextSize = Math.max(16, initialSize);
        this.buf = Buffer.allocUnsafe(this.nextSize);
    }
    /** Total bytes written so far. */
    get length() {
        return this.flushed + this.pos - this.start;
    }
    ensure(n) {
        if (this.pos + n <= this.buf.length)
            return;
        this.flushCurrent();
        this.nextSize = Math.min(MAX_CHUNK, this.nextSize * 2);
        this.buf = Buffer.allocUnsafe(Math.max(n, this.nextSize));
        this.start = 0;
        this.pos = 0;
    }
    /** Ends the current chunk; later small writes continue in the rest of the same buffer. */
    flushCurrent() {
        if (this.pos > this.start) {
            this.chunks.push(this.buf.subarray(this.start, this.pos));
            this.flushed += this.pos - this.start;
            this.start = this.pos;
        }
    }
    int8(v) {
        this.ensure(1);
        this.buf.writeInt8(v, this.pos);
        this.pos += 1;
        return this;
    }
    uint8(v) {
        this.ensure(1);
        this.buf.writeUInt8(v, this.pos);
        this.pos += 1;
        return this;
    }
    int16(v) {
        this.ensure(2);
        this.buf.writeInt16BE(v, this.pos);
        this.pos += 2;
        return this;
    }
    uint16(v) {
        this.ensure(2);
        this.buf.writeUInt16BE(v, this.pos);
        this.pos += 2;
        return this;
    }
    int32(v) {
        this.ensure(4);
        this.buf.writeInt32BE(v, this.pos);
        this.pos += 4;
        return this;
    }
    uint32(v) {
        this.ensure(4);
        this.buf.writeUInt32BE(v, this.pos);
        this.pos += 4;
        return this;
    }
    int64(v) {
        this.ensure(8);
        if (Number.isSafeInteger(v)) {
            // Byte stores instead of Buffer#writeInt32BE: the range is already known to be valid.
            const hi = Math.floor(v / TWO_32) | 0;
            const lo = (v - Math.floor(v / TWO_32) * TWO_32) >>> 0;
            const b = this.buf;
            const p = this.pos;
            b[p] = hi >>> 24;
            b[p + 1] = hi >>> 16;
            b[p + 2] = hi >>> 8;
            b[p + 3] = hi;
            b[p + 4] = lo >>> 24;
            b[p + 5] = lo >>> 16;
            b[p + 6] = lo >>> 8;
            b[p + 7] = lo;
        }
        else {
            if (!Number.isInteger(v))
                throw new EncodeError(`int64 value ${v} is not an integer`);
            this.buf.writeBigInt64BE(BigInt.asIntN(64, BigInt(v)), this.pos);
        }
        this.pos += 8;
        return this;
    }
    float64(v) {
        this.ensure(8);
        this.buf.writeDoubleBE(v, this.pos);
        this.pos += 8;
        return this;
    }
    bool(v) {
        return this.uint8(v ? 1 : 0);
    }
    uvarint(v) {
        if (!(v >= 0 && v <= 0xffffffff))
            throw new EncodeError(`uvarint value ${v} out of range`);
        this.ensure(5);
        const buf = this.buf;
        let value = v >>> 0;
        while (value >= 0x80) {
            buf[this.pos++] = (value & 0x7f) | 0x80;
            value >>>= 7;
        }
        buf[this.pos++] = value;
        return this;
    }
    varint(v) {
        return this.uvarint(((v << 1) ^ (v >> 31)) >>> 0);
    }
    varlong(v) {
        // Zigzag of a value in int32 range is the same in 32 and 64 bits.
        if (v >= -0x80000000 && v <= 0x7fffffff && Number.isInteger(v))
            return this.varint(v);
        if (!Number.isInteger(v))
            throw new EncodeError(`varlong value ${v} is not an integer`);
        this.ensure(10);
        const n = BigInt.asIntN(64, BigInt(v));
        let z = BigInt.asUintN(64, (n << 1n) ^ (n >> 63n));
        while (z >= 0x80n) {
            this.buf[this.pos++] = Number(z & 0x7fn) | 0x80;
            z >>= 7n;
        }
        this.buf[this.pos++] = Number(z);
        return this;
    }
    utf8(s, len) {
        this.ensure(len);
        this.buf.write(s, this.pos, len, 'utf8');
        this.pos += len;
    }
    string(s) {
        const len = Buffer.byteLength(s, 'utf8');
        if (len > 0x7fff)
            throw new EncodeError(`string of ${len} bytes exceeds int16 length`);
        this.int16(len);
        this.utf8(s, len);
        return this;
    }
    nullableString(s) {
        if (s === null)
            return this.int16(-1);
        return this.string(s);
    }
    compactString(s) {
        const len = Buffer.byteLength(s, 'utf8');
        this.uvarint(len + 1);
        this.utf8(s, len);
        return this;
    }
    compactNullableString(s) {
        if (s === null)
            return this.uvarint(0);
        return this.compactString(s);
    }
    /** Appends raw bytes: copied when small, referenced (zero copy) from ZERO_COPY_THRESHOLD up. */
    raw(b) {
        const n = b.length;
        if (n >= ZERO_COPY_THRESHOLD) {
            this.flushCurrent();
            this.chunks.push(Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.length));
            this.flushed += n;
            return this;
        }
        this.ensure(n);
        this.buf.set(b, this.pos);
        this.pos += n;
        return this;
    }
    bytes(b) {
        this.int32(b.length);
        return this.raw(b);
    }
    nullableBytes(b) {
        if (b === null)
            return this.int32(-1);
        return this.bytes(b);
    }
    compactBytes(b) {
        this.uvarint(b.length + 1);
        return this.raw(b);
    }
    compactNullableBytes(b) {
        if (b === null)
            return this.uvarint(0);
        return this.compactBytes(b);
    }
    uuid(s) {
        if (typeof s !== 'string' || !UUID_TEXT.test(s))
            throw new EncodeError(`invalid uuid ${JSON.stringify(s)}`);
        const b = Buffer.from(s, 'base64url');
        if (b.length !== 16)
            throw new EncodeError(`invalid uuid ${JSON.stringify(s)}`);
        this.ensure(16);
        b.copy(this.buf, this.pos);
        this.pos += 16;
        return this;
    }
    /** The written bytes as chunks, in order, for writev. The writer must not be used afterwards. */
    finish() {
        this.flushCurrent();
        return this.chunks;
    }
    /** The written bytes as one buffer (copies when there is more than one chunk). */
    finishSingle() {
        const chunks = this.finish();
        if (chunks.length === 1)
            return chunks[0];
        return Buffer.concat(chunks, this.flushed);
    }
}
/** Kafka's text form of 16 UUID bytes. */
export function uuidToString(b) {
    if (b.length !== 16)
        throw new EncodeError('uuid must be 16 bytes');
    return Buffer.from(b.buffer, b.byteOffset, 16).toString('base64url');
}
/** The 16 bytes of a UUID in Kafka's text form. */
export function uuidFromString(s) {
    const b = UUID_TEXT.test(s) ? Buffer.from(s, 'base64url') : Buffer.alloc(0);
    if (b.length !== 16)
        throw new EncodeError(`invalid uuid ${JSON.stringify(s)}`);
    return b;
}
//# sourceMappingURL=primitives.js.map