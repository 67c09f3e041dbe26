/**
 * Keeps V8's young generation at its start-up size (imported first by main.ts, so it runs before the rest
 * of the broker loads).
 *
 * Every request frame, and every chunk a socket reads, is a Buffer whose memory lives outside the V8 heap and
 * is freed only when a garbage collection finds its small JS object dead. Those objects die young, so the
 * scavenges of the young generation are what frees that memory, and V8 runs a scavenge when the young
 * generation is full. By default it grows the young generation up to 2 x 16 MiB under allocation pressure:
 * under produce load the broker then carries tens of MiB of dead network buffers between scavenges (RSS
 * after 200k x 1 KiB records: ~110 MiB). Kept at its initial 2 x 1 MiB, scavenges run often and are cheap
 * (little survives them), dead buffers are freed within a few MiB of traffic, and the broker's CPU per
 * produced byte did not go up (peak RSS ~81 MiB; numbers in docs/performance.md).
 *
 * `--semi-space-growth-factor` is the one young-generation setting V8 still reads after start (it is consulted
 * whenever the young generation would grow); the size limits themselves are fixed when the heap is created.
 * An explicit `--max-semi-space-size` / `--semi-space-growth-factor` on the command line or in NODE_OPTIONS wins.
 */
import { setFlagsFromString } from 'node:v8';

const explicit = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some((a) =>
  /^--(max[-_]semi[-_]space[-_]size|semi[-_]space[-_]growth[-_]factor)\b/.test(a),
);
if (!explicit) setFlagsFromString('--semi-space-growth-factor=1');
