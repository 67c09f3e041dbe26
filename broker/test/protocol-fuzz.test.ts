/**
 * Malformed input must surface as ProtocolError and nothing else: the server answers or closes the
 * connection on it, any other exception would be a crash path. Bounded and seeded, so it runs in CI.
 */
import { describe, expect, it } from 'vitest';
import { API_BY_KEY } from '../src/protocol/apis.js';
import { decode, encode } from '../src/protocol/codec.js';
import { readRequestHeader } from '../src/protocol/headers.js';
import { ProtocolError, Reader } from '../src/protocol/primitives.js';
import { interestingVersions, rng, sampleMessage } from './protocol-sample.js';

function decodeOrProtocolError(fn: () => unknown): 'ok' | 'error' {
  try {
    fn();
    return 'ok';
  } catch (e) {
    if (!(e instanceof ProtocolError)) throw new Error(`expected ProtocolError, got ${(e as Error)?.stack ?? String(e)}`);
    return 'error';
  }
}

describe('malformed input', () => {
  for (const api of [...API_BY_KEY.values()].sort((a, b) => a.key - b.key)) {
    it(`${api.name}: truncations fail, mutations and garbage never throw anything but ProtocolError`, () => {
      const r = rng(api.key + 1);
      for (const spec of [api.request, api.response]) {
        for (const v of interestingVersions(api.minVersion, api.maxVersion, spec.flexibleVersions)) {
          const full = Buffer.concat(encode(spec, v, sampleMessage(spec, v, 7 + v)));
          // Every strict prefix reads the same bytes as the full message and runs out: always an error.
          const step = Math.max(1, Math.floor(full.length / 64));
          for (let n = 0; n < full.length; n += step) {
            expect(decodeOrProtocolError(() => decode(spec, v, full.subarray(0, n)))).toBe('error');
          }
          for (let i = 0; i < 40 && full.length > 0; i++) {
            const m = Buffer.from(full);
            const flips = 1 + Math.floor(r() * 3);
            for (let k = 0; k < flips; k++) m[Math.floor(r() * m.length)] = Math.floor(r() * 256);
            decodeOrProtocolError(() => decode(spec, v, m));
          }
          for (let i = 0; i < 20; i++) {
            const g = Buffer.alloc(Math.floor(r() * 64));
            for (let k = 0; k < g.length; k++) g[k] = r() < 0.3 ? 0xff : Math.floor(r() * 256);
            decodeOrProtocolError(() => decode(spec, v, g));
          }
        }
      }
    });
  }

  it('request headers: garbage never throws anything but ProtocolError', () => {
    const r = rng(99);
    for (let i = 0; i < 500; i++) {
      const g = Buffer.alloc(Math.floor(r() * 24));
      for (let k = 0; k < g.length; k++) g[k] = Math.floor(r() * 256);
      decodeOrProtocolError(() => readRequestHeader(new Reader(g)));
    }
  });
});
