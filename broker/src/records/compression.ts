// Kafka's record batch compression codecs (attributes bits 0-2), synchronous on both sides.
//
// Every decoder here sees bytes from the network, so each one is wrapped to (a) throw a CompressionError
// instead of crashing, and (b) refuse to allocate more than `maxSize` bytes of output: snappy, lz4 and zstd
// all carry a declared size in their headers, and native/WASM decoders that trust it would try to allocate
// it (a Rust allocation failure aborts the whole process; a failed WASM malloc returns 0 and the caller
// would write over the WASM heap).
//
// The codec libraries are loaded on first use, synchronously (zlib, snappy and lz4-napi are CommonJS / native
// addons; the zstd WASM module is compiled and instantiated synchronously). The produce and fetch paths never
// decompress, so a broker that only moves uncompressed or compressed batches through never loads them: at
// start they cost ~60 ms and ~12 MiB of RSS (profile in docs/performance.md).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readFileSync } from 'node:fs';
import type * as Zlib from 'node:zlib';
import { ErrorCode, KafkaError } from '../protocol/errors.js';

const require = createRequire(import.meta.url);

let zlibModule: typeof Zlib | undefined;
function zlib(): typeof Zlib {
  zlibModule ??= require('node:zlib') as typeof Zlib;
  return zlibModule;
}

interface SnappyModule {
  compressSync(input: Buffer): Buffer;
  uncompressSync(input: Buffer, opts: { asBuffer: true }): Buffer | string;
}
let snappyModule: SnappyModule | undefined;
function snappy(): SnappyModule {
  snappyModule ??= require('snappy') as SnappyModule;
  return snappyModule;
}

interface Lz4Module {
  compressFrameSync(input: Buffer, opts?: { contentChecksum?: boolean; blockChecksums?: boolean }): Buffer;
  decompressFrameSync(input: Buffer): Buffer;
}
let lz4Module: Lz4Module | undefined;
function lz4(): Lz4Module {
  lz4Module ??= require('lz4-napi') as Lz4Module;
  return lz4Module;
}

export enum CompressionType {
  NONE = 0,
  GZIP = 1,
  SNAPPY = 2,
  LZ4 = 3,
  ZSTD = 4,
}

/**
 * Thrown for any input a codec cannot decode (or would decode to more than the allowed size).
 * A KafkaError with CORRUPT_MESSAGE, which is what Kafka answers for a batch it cannot decompress.
 */
export class CompressionError extends KafkaError {
  constructor(
    readonly codec: CompressionType,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(ErrorCode.CORRUPT_MESSAGE, `${CompressionType[codec] ?? `codec ${codec}`}: ${message}`);
    this.name = 'CompressionError';
    if (options && 'cause' in options) this.cause = options.cause;
  }
}

/**
 * Default ceiling on one batch's decompressed size. Kafka has no such limit, but batches are bounded by
 * message.max.bytes (1 MiB default) on the compressed side; 256 MiB leaves room for very compressible
 * data while keeping a decompression bomb from taking the broker's memory (the zstd WASM heap never
 * shrinks once grown, and it tops out at 2 GiB).
 */
export const DEFAULT_MAX_DECOMPRESSED_SIZE = 256 * 1024 * 1024;

export function compress(type: CompressionType, buf: Buffer): Buffer {
  switch (type) {
    case CompressionType.NONE:
      return buf;
    case CompressionType.GZIP:
      // Java's GZIPOutputStream uses Deflater's default level (6), as does zlib's default.
      return zlib().gzipSync(buf);
    case CompressionType.SNAPPY:
      return xerialCompress(buf);
    case CompressionType.LZ4:
      return lz4Compress(buf);
    case CompressionType.ZSTD:
      return zstdCompress(buf, ZSTD_DEFAULT_LEVEL);
    default:
      throw new CompressionError(type, 'unknown compression type');
  }
}

export function decompress(type: CompressionType, buf: Buffer, maxSize = DEFAULT_MAX_DECOMPRESSED_SIZE): Buffer {
  switch (type) {
    case CompressionType.NONE:
      return buf;
    case CompressionType.GZIP:
      return gunzip(buf, maxSize);
    case CompressionType.SNAPPY:
      return snappyDecompress(buf, maxSize);
    case CompressionType.LZ4:
      return lz4Decompress(buf, maxSize);
    case CompressionType.ZSTD:
      return zstdDecompress(buf, maxSize);
    default:
      throw new CompressionError(type, 'unknown compression type');
  }
}

// ---------------------------------------------------------------------------------------------- gzip

function gunzip(buf: Buffer, maxSize: number): Buffer {
  try {
    // maxOutputLength makes zlib stop with a RangeError instead of growing without bound.
    return zlib().gunzipSync(buf, { maxOutputLength: maxSize });
  } catch (e) {
    throw new CompressionError(CompressionType.GZIP, `cannot decompress: ${(e as Error).message}`, { cause: e });
  }
}

// -------------------------------------------------------------------------------------------- snappy
//
// Java clients (snappy-java's SnappyOutputStream) write the "xerial" stream: a 16-byte header
// (\x82 S N A P P Y \0, int32 version 1, int32 min-compatible version 1) then chunks of
// [int32 BE compressed length][raw snappy block], each block covering at most 32 KiB of input.
// librdkafka writes the same, but older librdkafka/other clients send one plain raw-snappy block;
// librdkafka and Java both detect the xerial magic and fall back to raw, so we do the same.

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_SIZE = 16;
const XERIAL_VERSION = 1;
const XERIAL_MIN_COMPATIBLE_VERSION = 1;
/** snappy-java's default block size, used by Kafka's SnappyFactory. */
const XERIAL_BLOCK_SIZE = 32 * 1024;

function isXerial(buf: Buffer, pos: number): boolean {
  return buf.length - pos >= XERIAL_HEADER_SIZE && buf.compare(XERIAL_MAGIC, 0, 8, pos, pos + 8) === 0;
}

function xerialCompress(buf: Buffer): Buffer {
  const parts: Buffer[] = [];
  const header = Buffer.alloc(XERIAL_HEADER_SIZE);
  XERIAL_MAGIC.copy(header, 0);
  header.writeInt32BE(XERIAL_VERSION, 8);
  header.writeInt32BE(XERIAL_MIN_COMPATIBLE_VERSION, 12);
  parts.push(header);
  for (let pos = 0; pos < buf.length; pos += XERIAL_BLOCK_SIZE) {
    const block = snappy().compressSync(buf.subarray(pos, Math.min(pos + XERIAL_BLOCK_SIZE, buf.length)));
    const len = Buffer.alloc(4);
    len.writeInt32BE(block.length, 0);
    parts.push(len, block);
  }
  return Buffer.concat(parts);
}

/**
 * Decompressed length declared by a raw snappy block (leading uvarint, at most 32 bits).
 * Checked before handing the block to the native decoder, which would allocate it up front.
 */
function snappyDeclaredLength(block: Buffer): number {
  let result = 0;
  for (let i = 0; i < 5; i++) {
    if (i >= block.length) throw new CompressionError(CompressionType.SNAPPY, 'truncated block length');
    const b = block[i]!;
    result += (b & 0x7f) * 2 ** (7 * i);
    if ((b & 0x80) === 0) return result;
  }
  throw new CompressionError(CompressionType.SNAPPY, 'invalid block length varint');
}

function snappyBlock(block: Buffer, budget: number): Buffer {
  const declared = snappyDeclaredLength(block);
  // A snappy element never produces more than 64 bytes from 3 input bytes (copy with 2-byte offset), so a
  // declared length beyond ~21.4x the input is certainly corrupt; refusing it early avoids the allocation.
  if (declared > block.length * 22 + 64) {
    throw new CompressionError(CompressionType.SNAPPY, `block declares ${declared} bytes from only ${block.length} compressed bytes`);
  }
  if (declared > budget) {
    throw new CompressionError(CompressionType.SNAPPY, `decompressed size exceeds the limit`);
  }
  try {
    return snappy().uncompressSync(block, { asBuffer: true }) as Buffer;
  } catch (e) {
    throw new CompressionError(CompressionType.SNAPPY, `cannot decompress: ${(e as Error).message}`, { cause: e });
  }
}

function snappyDecompress(buf: Buffer, maxSize: number): Buffer {
  if (!isXerial(buf, 0)) return snappyBlock(buf, maxSize);
  const parts: Buffer[] = [];
  let total = 0;
  let pos = XERIAL_HEADER_SIZE;
  while (pos < buf.length) {
    // snappy-java's SnappyInputStream accepts concatenated streams (a new header where a chunk would be).
    if (isXerial(buf, pos)) {
      pos += XERIAL_HEADER_SIZE;
      continue;
    }
    if (buf.length - pos < 4) throw new CompressionError(CompressionType.SNAPPY, `truncated xerial chunk length at ${pos}`);
    const len = buf.readInt32BE(pos);
    pos += 4;
    if (len < 0 || len > buf.length - pos) {
      throw new CompressionError(CompressionType.SNAPPY, `xerial chunk of ${len} bytes at ${pos - 4} exceeds the input`);
    }
    const out = snappyBlock(buf.subarray(pos, pos + len), maxSize - total);
    total += out.length;
    parts.push(out);
    pos += len;
  }
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts, total);
}

// ----------------------------------------------------------------------------------------------- lz4
//
// Kafka (magic >= 1) uses the standard LZ4 frame format. Java's Lz4BlockInputStream accepts: FLG version 1,
// reserved bits 0, block independence SET (linked blocks are rejected), optional block checksums, optional
// content size (skipped), optional content checksum (older Kafka skips it, newer verifies it); BD block size
// 4..7 (64 KiB..4 MiB) with reserved bits 0; and it checks the header checksum byte.
// lz4-napi (lz4_flex) writes FLG 0x60 (version 1, independent blocks, no checksums, no content size) and
// BD 0x50 (256 KiB blocks) with a correct header checksum: all within what Java accepts, checked by the
// test suite against a port of Java's header rules. Options are pinned so a library default change cannot
// alter the frame.

const LZ4_MAGIC = 0x184d2204;

function lz4Compress(buf: Buffer): Buffer {
  return lz4().compressFrameSync(buf, { contentChecksum: false, blockChecksums: false });
}

function lz4Decompress(buf: Buffer, maxSize: number): Buffer {
  // Header checks first, for clear errors and to refuse a huge declared content size before the decoder
  // sees it.
  if (buf.length < 7) throw new CompressionError(CompressionType.LZ4, `frame too short (${buf.length} bytes)`);
  if (buf.readUInt32LE(0) !== LZ4_MAGIC) {
    throw new CompressionError(CompressionType.LZ4, `bad frame magic 0x${buf.readUInt32LE(0).toString(16)} (legacy or raw lz4 is not used by Kafka)`);
  }
  const flg = buf[4]!;
  if (flg >> 6 !== 1) throw new CompressionError(CompressionType.LZ4, `unsupported frame version ${flg >> 6}`);
  if (flg & 0x08) {
    if (buf.length < 15) throw new CompressionError(CompressionType.LZ4, 'truncated frame header');
    const size = buf.readUInt32LE(10) * 4294967296 + buf.readUInt32LE(6);
    if (size > maxSize) throw new CompressionError(CompressionType.LZ4, `frame declares ${size} bytes, over the limit of ${maxSize}`);
  }
  let out: Buffer;
  try {
    out = lz4().decompressFrameSync(buf);
  } catch (e) {
    throw new CompressionError(CompressionType.LZ4, `cannot decompress: ${(e as Error).message}`, { cause: e });
  }
  if (out.length > maxSize) throw new CompressionError(CompressionType.LZ4, `decompressed size exceeds the limit of ${maxSize}`);
  return out;
}

// ---------------------------------------------------------------------------------------------- zstd
//
// @bokuweb/zstd-wasm's own decompress() sizes its output from the frame's content size, falling back to a
// fixed 1 MiB when the frame has none; Java (zstd-jni ZstdOutputStream) and librdkafka write streaming
// frames WITHOUT a content size, so any batch over 1 MiB uncompressed would fail. It also never checks
// malloc's result. So we drive the WASM exports directly: size from the header when present (bounded by
// maxSize), else an estimate that doubles on dstSize_tooSmall, and every allocation checked.

/** Kafka's default zstd level (CompressionType.ZSTD.defaultLevel). */
const ZSTD_DEFAULT_LEVEL = 3;
const ZSTD_MAGIC = 0xfd2fb528;
const ZSTD_ERROR_NAMES: Record<number, string> = {
  1: 'generic error',
  10: 'unknown frame descriptor (prefix_unknown)',
  12: 'version unsupported',
  14: 'unsupported frame parameter',
  16: 'frame requires too much memory (window too large)',
  20: 'corruption detected',
  22: 'checksum mismatch',
  24: 'literals header wrong',
  30: 'dictionary corrupted',
  32: 'dictionary mismatch',
  64: 'memory allocation failed',
  70: 'destination buffer too small',
  72: 'source size wrong (truncated or trailing data)',
};
const ZSTD_DST_SIZE_TOO_SMALL = 70;

interface ZstdModule {
  _malloc(size: number): number;
  _free(ptr: number): void;
  _ZSTD_compress(dst: number, dstCap: number, src: number, srcSize: number, level: number): number;
  _ZSTD_compressBound(size: number): number;
  _ZSTD_decompress(dst: number, dstCap: number, src: number, srcSize: number): number;
  _ZSTD_isError(code: number): number;
  HEAPU8: Uint8Array;
}

let zstdModule: ZstdModule | undefined;

/**
 * Loads the zstd WASM module synchronously: Emscripten's `instantiateWasm` hook gets a module compiled and
 * instantiated on the spot (Node allows synchronous compilation of any size), and the runtime initialises
 * within `init()` once the instance is handed over, so compress/decompress stay synchronous and nothing has to
 * be loaded at start.
 */
function loadZstd(): ZstdModule {
  // The package's "exports" hides dist/common/module.js, so it is required by absolute path next to the
  // resolved entry point; that is the same CommonJS instance index.node.js uses.
  const entry = require.resolve('@bokuweb/zstd-wasm');
  const { Module } = require(join(dirname(entry), 'module.js')) as {
    Module: ZstdModule & {
      init(buf: Buffer): unknown;
      instantiateWasm?: (imports: WebAssembly.Imports, receive: (instance: WebAssembly.Instance) => unknown) => unknown;
      calledRun?: boolean;
    };
  };
  if (typeof Module?.init !== 'function') throw new Error('@bokuweb/zstd-wasm layout changed: Module.init not found');
  if (!Module.calledRun) {
    const wasm = readFileSync(join(dirname(entry), 'zstd.wasm'));
    Module.instantiateWasm = (imports, receive) => receive(new WebAssembly.Instance(new WebAssembly.Module(wasm), imports));
    Module.init(wasm);
  }
  if (!Module.calledRun || typeof Module._ZSTD_decompress !== 'function') {
    throw new Error('@bokuweb/zstd-wasm layout changed: the runtime did not initialise synchronously');
  }
  return Module;
}

/**
 * Loads every codec now (idempotent). Optional: each codec also loads on first use. Kept for callers that
 * prefer to pay the cost up front (tests, benchmarks of the codecs themselves).
 */
export function initCompression(): Promise<void> {
  try {
    zlib();
    snappy();
    lz4();
    zstd();
    return Promise.resolve();
  } catch (e) {
    return Promise.reject(e);
  }
}

function zstd(): ZstdModule {
  if (!zstdModule) {
    try {
      zstdModule = loadZstd();
    } catch (e) {
      throw new CompressionError(CompressionType.ZSTD, `cannot load the zstd codec: ${(e as Error).message}`, { cause: e });
    }
  }
  return zstdModule;
}

function zstdErrorName(code: number): string {
  // size_t results come back as signed i32 in wasm32; errors are -1..-120.
  const e = -(code | 0);
  return ZSTD_ERROR_NAMES[e] ?? `error ${e}`;
}

function zstdMalloc(m: ZstdModule, size: number): number {
  // malloc(0) may return 0 legitimately; ask for at least one byte so 0 always means failure.
  const p = m._malloc(Math.max(size, 1));
  if (p === 0) throw new CompressionError(CompressionType.ZSTD, `cannot allocate ${size} bytes in the WASM heap`);
  return p;
}

function zstdCompress(buf: Buffer, level: number): Buffer {
  const m = zstd();
  const bound = m._ZSTD_compressBound(buf.length);
  const src = zstdMalloc(m, buf.length);
  let dst = 0;
  try {
    dst = zstdMalloc(m, bound);
    m.HEAPU8.set(buf, src); // after both mallocs: a heap growth replaces HEAPU8
    const r = m._ZSTD_compress(dst, bound, src, buf.length, level);
    if (m._ZSTD_isError(r)) throw new CompressionError(CompressionType.ZSTD, `cannot compress: ${zstdErrorName(r)}`);
    return Buffer.from(m.HEAPU8.subarray(dst, dst + r)); // copies out of the WASM heap
  } finally {
    if (dst) m._free(dst);
    m._free(src);
  }
}

/** Content size from the first frame header, or -1 when absent (streaming frames) or unparseable. */
function zstdFrameContentSize(buf: Buffer): number {
  if (buf.length < 6 || buf.readUInt32LE(0) !== ZSTD_MAGIC) return -1;
  const fhd = buf[4]!;
  const fcsFlag = fhd >> 6;
  const singleSegment = (fhd >> 5) & 1;
  const dictIdSize = [0, 1, 2, 4][fhd & 3]!;
  const pos = 5 + (singleSegment ? 0 : 1) + dictIdSize;
  const fcsSize = fcsFlag === 0 ? singleSegment : [0, 2, 4, 8][fcsFlag]!;
  if (fcsSize === 0 || buf.length < pos + fcsSize) return -1;
  switch (fcsSize) {
    case 1: return buf[pos]!;
    case 2: return buf.readUInt16LE(pos) + 256;
    case 4: return buf.readUInt32LE(pos);
    default: return buf.readUInt32LE(pos + 4) * 4294967296 + buf.readUInt32LE(pos);
  }
}

function zstdDecompress(buf: Buffer, maxSize: number): Buffer {
  const m = zstd();
  if (buf.length < 4) throw new CompressionError(CompressionType.ZSTD, `frame too short (${buf.length} bytes)`);
  const declared = zstdFrameContentSize(buf);
  if (declared > maxSize) throw new CompressionError(CompressionType.ZSTD, `frame declares ${declared} bytes, over the limit of ${maxSize}`);
  // Without a declared size, guess 8x (typical for record batches) and double on dstSize_tooSmall.
  let capacity = declared >= 0 ? declared : Math.min(maxSize, Math.max(64 * 1024, buf.length * 8));
  const src = zstdMalloc(m, buf.length);
  try {
    m.HEAPU8.set(buf, src);
    for (;;) {
      const dst = zstdMalloc(m, capacity);
      try {
        const r = m._ZSTD_decompress(dst, capacity, src, buf.length);
        if (!m._ZSTD_isError(r)) return Buffer.from(m.HEAPU8.subarray(dst, dst + r));
        const err = -(r | 0);
        // A declared size can be smaller than the output when several frames are concatenated: grow too.
        if (err !== ZSTD_DST_SIZE_TOO_SMALL) {
          throw new CompressionError(CompressionType.ZSTD, `cannot decompress: ${zstdErrorName(r)}`);
        }
        if (capacity >= maxSize) {
          throw new CompressionError(CompressionType.ZSTD, `decompressed size exceeds the limit of ${maxSize}`);
        }
      } finally {
        m._free(dst);
      }
      capacity = Math.min(maxSize, Math.max(capacity * 2, 64 * 1024));
    }
  } finally {
    m._free(src);
  }
}
