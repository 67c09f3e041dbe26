import { describe, expect, it } from 'vitest';
import {
  decodeRequestHeader,
  encodeRequestHeader,
  encodeResponseHeader,
  readRequestHeader,
  requestHeaderVersion,
  responseHeaderVersion,
  writeResponseHeader,
} from '../src/protocol/headers.js';
import { ProtocolError, Reader, Writer } from '../src/protocol/primitives.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('request and response headers', () => {
  it('chooses header versions from flexibility, with the ApiVersions exception', () => {
    expect(requestHeaderVersion(3, 8)).toBe(1);
    expect(requestHeaderVersion(3, 9)).toBe(2);
    expect(requestHeaderVersion(0, 9)).toBe(2);
    expect(requestHeaderVersion(18, 2)).toBe(1);
    expect(requestHeaderVersion(18, 3)).toBe(2);
    // A newer ApiVersions than we support still sends header v2; we must parse it to answer with our ranges.
    expect(requestHeaderVersion(18, 7)).toBe(2);
    expect(requestHeaderVersion(7, 0)).toBe(0);
    expect(requestHeaderVersion(9999, 0)).toBe(1);
    expect(responseHeaderVersion(3, 8)).toBe(0);
    expect(responseHeaderVersion(3, 9)).toBe(1);
    expect(responseHeaderVersion(60, 0)).toBe(1);
    expect(responseHeaderVersion(18, 3)).toBe(0);
    expect(responseHeaderVersion(18, 0)).toBe(0);
  });

  it('decodes request header v1 and v2', () => {
    const v1 = hex('0003 0001 0000002a 0006') ;
    const r1 = new Reader(Buffer.concat([v1, Buffer.from('client'), hex('ff')]));
    expect(decodeRequestHeader(r1, false)).toEqual({ apiKey: 3, apiVersion: 1, correlationId: 42, clientId: 'client', headerVersion: 1 });
    expect(r1.remaining).toBe(1);

    // v2: the client id stays an int16-length string; tagged fields (here an unknown tag 3) follow.
    const v2 = Buffer.concat([hex('0012 0003 00000007 ffff'), hex('01 03 02 aabb'), hex('0b')]);
    const r2 = new Reader(v2);
    expect(readRequestHeader(r2)).toEqual({ apiKey: 18, apiVersion: 3, correlationId: 7, clientId: null, headerVersion: 2 });
    expect(r2.remaining).toBe(1);
    expect(decodeRequestHeader(new Reader(v2), 2).headerVersion).toBe(2);

    const v0 = new Reader(hex('0007 0000 00000005 aa'));
    expect(readRequestHeader(v0)).toEqual({ apiKey: 7, apiVersion: 0, correlationId: 5, clientId: null, headerVersion: 0 });
    expect(v0.remaining).toBe(1);
  });

  it('round-trips client-side request headers', () => {
    for (const [apiKey, apiVersion] of [
      [3, 1],
      [3, 12],
      [18, 3],
      [7, 0],
    ] as const) {
      const w = new Writer();
      encodeRequestHeader(w, { apiKey, apiVersion, correlationId: 99, clientId: 'me' });
      const h = readRequestHeader(new Reader(w.finishSingle()));
      expect(h.correlationId).toBe(99);
      expect(h.clientId).toBe(apiKey === 7 ? null : 'me');
    }
  });

  it('encodes response headers v0 and v1', () => {
    expect(encodeResponseHeader(42, 0).toString('hex')).toBe('0000002a');
    expect(encodeResponseHeader(42, 1).toString('hex')).toBe('0000002a00');
    const w = new Writer();
    writeResponseHeader(w, -1, 1);
    expect(w.finishSingle().toString('hex')).toBe('ffffffff00');
  });

  it('throws ProtocolError on truncated headers', () => {
    for (const h of ['', '00', '000300', '0003000100', '00030001000000', '000300010000002a00', '000300010000002a0005616263']) {
      expect(() => readRequestHeader(new Reader(hex(h)))).toThrow(ProtocolError);
    }
    expect(() => readRequestHeader(new Reader(hex('0003 0009 0000002a ffff')))).toThrow(ProtocolError);
  });
});
