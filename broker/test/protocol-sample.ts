/**
 * Test helper: builds a full, valid message value for any spec and version straight from the schema,
 * independently of the codec (its own version parsing and defaults), so round trips check the codec
 * against a second reading of Kafka's rules.
 */
import type { FieldSpec, MessageSpec } from '../src/protocol/schema.js';

export type Rng = () => number;

/** Deterministic PRNG (mulberry32) so failures are reproducible. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function versionIn(range: string | undefined, v: number): boolean {
  if (range === undefined || range === 'none') return false;
  if (range.endsWith('+')) return v >= Number(range.slice(0, -1));
  const [lo, hi] = range.split('-');
  return v >= Number(lo) && v <= Number(hi ?? lo);
}

const camel = (n: string): string => n[0]!.toLowerCase() + n.slice(1);
const PRIMS = new Set(['bool', 'int8', 'int16', 'uint16', 'int32', 'int64', 'float64', 'string', 'uuid', 'bytes', 'records']);

function structFields(f: FieldSpec, spec: MessageSpec): readonly FieldSpec[] {
  if (f.fields) return f.fields;
  const name = f.type.replace(/^\[\]/, '');
  const common = spec.commonStructs?.find((s) => s.name === name);
  if (common) return common.fields;
  throw new Error(`no struct ${name}`);
}

function primitiveDefault(type: string, d: FieldSpec['default']): unknown {
  if (d === 'null') return null;
  switch (type) {
    case 'bool':
      return d === true || d === 'true';
    case 'string':
      return d === undefined ? '' : String(d);
    case 'uuid':
      return 'AAAAAAAAAAAAAAAAAAAAAA';
    case 'bytes':
    case 'records':
      return Buffer.alloc(0);
    default:
      if (d === undefined) return 0;
      if (typeof d === 'string' && d.startsWith('0x')) return parseInt(d.slice(2), 16);
      return Number(d);
  }
}

export function defaultValue(f: FieldSpec, spec: MessageSpec, v: number): unknown {
  if (f.type.startsWith('[]')) return f.default === 'null' ? null : [];
  if (PRIMS.has(f.type)) return primitiveDefault(f.type, f.default);
  if (f.default === 'null') return null;
  const o: Record<string, unknown> = {};
  for (const sub of structFields(f, spec)) o[camel(sub.name)] = defaultValue(sub, spec, v);
  return o;
}

function randomPrimitive(type: string, r: Rng): unknown {
  const int = (bits: number): number => Math.floor(r() * 2 ** bits) - 2 ** (bits - 1);
  switch (type) {
    case 'bool':
      return r() < 0.5;
    case 'int8':
      return int(8);
    case 'int16':
      return int(16);
    case 'uint16':
      return Math.floor(r() * 65536);
    case 'int32':
      return int(32);
    case 'int64':
      return r() < 0.5 ? int(32) : Math.floor((r() - 0.5) * 2 ** 53);
    case 'float64':
      return (r() - 0.5) * 1e6;
    case 'string': {
      const n = Math.floor(r() * 12);
      let s = '';
      for (let i = 0; i < n; i++) s += 'abcdefghé_-.0123456789'[Math.floor(r() * 22)];
      return s;
    }
    case 'uuid': {
      const b = Buffer.alloc(16);
      for (let i = 0; i < 16; i++) b[i] = Math.floor(r() * 256);
      return b.toString('base64url');
    }
    case 'bytes':
    case 'records': {
      const b = Buffer.alloc(Math.floor(r() * 40));
      for (let i = 0; i < b.length; i++) b[i] = Math.floor(r() * 256);
      return b;
    }
    default:
      throw new Error(`unknown type ${type}`);
  }
}

/**
 * A value for every field: random where the field exists at `version` (null sometimes where nullable),
 * the default where it does not. Decoding the encoding of this value must give it back unchanged.
 */
export function sampleStruct(fields: readonly FieldSpec[], spec: MessageSpec, version: number, r: Rng, depth = 0): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const f of fields) {
    const key = camel(f.name);
    if (!versionIn(f.versions, version)) {
      o[key] = defaultValue(f, spec, version);
      continue;
    }
    const nullable = versionIn(f.nullableVersions, version);
    if (nullable && r() < 0.25) {
      o[key] = null;
      continue;
    }
    if (f.type.startsWith('[]')) {
      const elem = f.type.slice(2);
      const n = depth > 3 ? 0 : Math.floor(r() * 3);
      const arr: unknown[] = [];
      for (let i = 0; i < n; i++) {
        arr.push(PRIMS.has(elem) ? randomPrimitive(elem, r) : sampleStruct(structFields(f, spec), spec, version, r, depth + 1));
      }
      o[key] = arr;
    } else if (PRIMS.has(f.type)) {
      o[key] = randomPrimitive(f.type, r);
    } else {
      o[key] = sampleStruct(structFields(f, spec), spec, version, r, depth + 1);
    }
  }
  return o;
}

export function sampleMessage(spec: MessageSpec, version: number, seed: number): Record<string, unknown> {
  return sampleStruct(spec.fields, spec, version, rng(seed));
}

/** The interesting versions of a range: both ends and the first flexible one with its predecessor. */
export function interestingVersions(min: number, max: number, flexibleVersions: string): number[] {
  const out = new Set([min, max]);
  const m = /^(\d+)\+$/.exec(flexibleVersions);
  if (m) {
    const f = Number(m[1]);
    for (const v of [f - 1, f]) if (v >= min && v <= max) out.add(v);
  }
  return [...out].sort((a, b) => a - b);
}
