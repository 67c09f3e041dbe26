/**
 * One generic encoder/decoder for every message, driven by the schema (see schema.ts). For each
 * (spec, version) the schema is compiled once into a plan of closures, so the per-request work is a walk
 * over precomputed field readers with no version arithmetic or string parsing on the Produce/Fetch path.
 *
 * Semantics follow Kafka's generated message classes:
 * - flexible versions use compact strings/bytes/arrays (uvarint length + 1) and end every struct with a
 *   tagged-fields section; unknown tags are skipped;
 * - a tagged field is written only when its value differs from its default;
 * - nullable structs carry an int8 marker (-1 null, 1 present);
 * - decoding fills fields absent at the version with their defaults, encoding skips them (non-default
 *   values are dropped silently, as for Kafka's ignorable fields).
 */
import type { FieldSpec, MessageSpec, StructSpec } from './schema.js';
import { EncodeError, ProtocolError, Reader, Writer, ZERO_UUID } from './primitives.js';

// ---------------------------------------------------------------------------------------------------
// Version ranges

export interface VersionRange {
  readonly min: number;
  readonly max: number;
}

const NO_VERSIONS: VersionRange = { min: 1, max: 0 };

/** Kafka's version syntax: "3+", "0-4", "5", "none". */
export function parseVersions(s: string): VersionRange {
  const t = s.trim();
  if (t === 'none' || t === '') return NO_VERSIONS;
  let m = /^(\d+)\+$/.exec(t);
  if (m) return { min: Number(m[1]), max: Number.POSITIVE_INFINITY };
  m = /^(\d+)-(\d+)$/.exec(t);
  if (m) return { min: Number(m[1]), max: Number(m[2]) };
  m = /^(\d+)$/.exec(t);
  if (m) return { min: Number(m[1]), max: Number(m[1]) };
  throw new Error(`invalid version range ${JSON.stringify(s)}`);
}

/** Parsed ranges by their text: schemas use a few dozen distinct strings, and the request path asks per request. */
const RANGE_CACHE = new Map<string, VersionRange>();

export function inVersions(range: string | undefined, version: number): boolean {
  if (range === undefined) return false;
  let r = RANGE_CACHE.get(range);
  if (r === undefined) {
    r = parseVersions(range);
    RANGE_CACHE.set(range, r);
  }
  return version >= r.min && version <= r.max;
}

/** Whether `version` of a message uses the flexible (compact, tagged) encoding. */
export function isFlexible(spec: MessageSpec, version: number): boolean {
  return inVersions(spec.flexibleVersions, version);
}

/** Kafka's JSON names are PascalCase; decoded objects use camelCase (first character lowered). */
export function camelCase(name: string): string {
  return name.length === 0 ? name : name[0]!.toLowerCase() + name.slice(1);
}

// ---------------------------------------------------------------------------------------------------
// Plans

/** How to read/write one type at one version; `v` passed to `write` is never undefined. */
interface TypeCodec {
  read(r: Reader): unknown;
  write(w: Writer, v: unknown): void;
  /** Smallest encoding in bytes, used to reject absurd array counts before allocating. */
  readonly minSize: number;
  /** Fresh default value. */
  def(): unknown;
  isDefault(v: unknown): boolean;
}

interface FieldPlan {
  readonly key: string;
  readonly path: string;
  /** Present at this version and not tagged. */
  readonly regular: boolean;
  /** Tag number when tagged at this version, else -1. */
  readonly tag: number;
  readonly codec: TypeCodec;
}

interface StructPlan {
  readonly fields: readonly FieldPlan[];
  readonly regular: readonly FieldPlan[];
  /** Tagged fields sorted by tag (the order Kafka requires on the wire). */
  readonly tagged: readonly FieldPlan[];
  readonly byTag: ReadonlyMap<number, FieldPlan>;
  readonly flexible: boolean;
  readonly minSize: number;
  /** Reads the regular fields into a fresh object (absent and tagged fields get their defaults). */
  readonly readBody: (r: Reader) => Record<string, unknown>;
  /** Writes the regular fields. */
  readonly writeBody: (w: Writer, v: Record<string, unknown>) => void;
}

interface CompileContext {
  readonly version: number;
  readonly flexible: boolean;
  /** Struct definitions by name: commonStructs plus every inline struct, for types that reference them. */
  readonly structs: ReadonlyMap<string, readonly FieldSpec[]>;
}

const PRIMITIVES = new Set(['bool', 'int8', 'int16', 'uint16', 'int32', 'int64', 'float64', 'string', 'uuid', 'bytes', 'records']);

function fail(path: string, what: string): never {
  throw new EncodeError(`${path}: ${what}`);
}

function parseNumberDefault(d: string | number | boolean | undefined, path: string): number {
  if (d === undefined || d === '') return 0;
  if (typeof d === 'number') return d;
  if (typeof d === 'boolean') throw new Error(`${path}: boolean default for a number`);
  const t = d.trim();
  const hex = /^(-?)0x([0-9a-fA-F]+)$/.exec(t);
  const n = hex ? (hex[1] ? -1 : 1) * parseInt(hex[2]!, 16) : Number(t);
  if (!Number.isFinite(n)) throw new Error(`${path}: invalid default ${JSON.stringify(d)}`);
  return n;
}

function isNullDefault(d: FieldSpec['default']): boolean {
  return d === 'null';
}

function notANumber(path: string, v: unknown): never {
  fail(path, `expected a number, got ${v === null ? 'null' : typeof v}`);
}

function numberCodec(
  path: string,
  spec: FieldSpec,
  minSize: number,
  read: (r: Reader) => number,
  write: (w: Writer, v: unknown) => void,
): TypeCodec {
  const d = parseNumberDefault(spec.default, path);
  return { read, write, minSize, def: () => d, isDefault: (v) => v === d };
}

function primitiveCodec(type: string, spec: FieldSpec, path: string, flexible: boolean, nullable: boolean): TypeCodec {
  switch (type) {
    case 'bool': {
      const d = spec.default === true || spec.default === 'true';
      return {
        read: (r) => r.bool(),
        write: (w, v) => {
          if (typeof v !== 'boolean') fail(path, `expected a boolean, got ${typeof v}`);
          w.bool(v);
        },
        minSize: 1,
        def: () => d,
        isDefault: (v) => v === d,
      };
    }
    // Each type gets its own closure literals so the call sites stay monomorphic.
    case 'int8':
      return numberCodec(path, spec, 1, (r) => r.int8(), (w, v) => {
        if (typeof v !== 'number') notANumber(path, v);
        w.int8(v);
      });
    case 'int16':
      return numberCodec(path, spec, 2, (r) => r.int16(), (w, v) => {
        if (typeof v !== 'number') notANumber(path, v);
        w.int16(v);
      });
    case 'uint16':
      return numberCodec(path, spec, 2, (r) => r.uint16(), (w, v) => {
        if (typeof v !== 'number') notANumber(path, v);
        w.uint16(v);
      });
    case 'int32':
      return numberCodec(path, spec, 4, (r) => r.int32(), (w, v) => {
        if (typeof v !== 'number') notANumber(path, v);
        w.int32(v);
      });
    case 'int64':
      return numberCodec(path, spec, 8, (r) => r.int64(), (w, v) => {
        if (typeof v !== 'number') notANumber(path, v);
        w.int64(v);
      });
    case 'float64':
      return numberCodec(path, spec, 8, (r) => r.float64(), (w, v) => {
        if (typeof v !== 'number') notANumber(path, v);
        w.float64(v);
      });
    case 'uuid': {
      const d = typeof spec.default === 'string' && spec.default !== '' ? spec.default : ZERO_UUID;
      return {
        read: (r) => r.uuid(),
        write: (w, v) => {
          if (typeof v !== 'string') fail(path, `expected a uuid string, got ${v === null ? 'null' : typeof v}`);
          w.uuid(v);
        },
        minSize: 16,
        def: () => d,
        isDefault: (v) => v === d,
      };
    }
    case 'string': {
      const d = isNullDefault(spec.default) ? null : spec.default === undefined ? '' : String(spec.default);
      const write = (w: Writer, v: unknown): void => {
        if (v === null) {
          if (!nullable) fail(path, 'is not nullable at this version but got null');
          if (flexible) w.uvarint(0);
          else w.int16(-1);
          return;
        }
        if (typeof v !== 'string') fail(path, `expected a string, got ${typeof v}`);
        if (flexible) w.compactString(v);
        else w.string(v);
      };
      const read: (r: Reader) => string | null = flexible
        ? nullable
          ? (r) => r.compactNullableString()
          : (r) => r.compactString()
        : nullable
          ? (r) => r.nullableString()
          : (r) => r.string();
      return { read, write, minSize: flexible ? 1 : 2, def: () => d, isDefault: (v) => v === d };
    }
    case 'bytes':
    case 'records': {
      const nullDefault = isNullDefault(spec.default);
      const isRecords = type === 'records';
      const write = (w: Writer, v: unknown): void => {
        if (v === null) {
          if (!nullable) fail(path, 'is not nullable at this version but got null');
          if (flexible) w.uvarint(0);
          else w.int32(-1);
          return;
        }
        // Records in responses may be several chunks read from segment files: written without copying.
        if (isRecords && Array.isArray(v)) {
          let len = 0;
          for (const c of v as unknown[]) {
            if (!(c instanceof Uint8Array)) fail(path, 'expected Buffer chunks');
            len += c.length;
          }
          if (flexible) w.uvarint(len + 1);
          else w.int32(len);
          for (const c of v as Uint8Array[]) w.raw(c);
          return;
        }
        if (!(v instanceof Uint8Array)) fail(path, `expected a Buffer, got ${typeof v}`);
        if (flexible) w.compactBytes(v);
        else w.bytes(v);
      };
      const read: (r: Reader) => Buffer | null = flexible
        ? nullable
          ? (r) => r.compactNullableBytes()
          : (r) => r.compactBytes()
        : nullable
          ? (r) => r.nullableBytes()
          : (r) => r.bytes();
      return {
        read,
        write,
        minSize: flexible ? 1 : 4,
        def: () => (nullDefault ? null : Buffer.alloc(0)),
        isDefault: (v) => {
          if (v === null) return nullDefault;
          if (nullDefault) return false;
          if (Array.isArray(v)) return v.every((c: Uint8Array) => c.length === 0);
          return (v as Uint8Array).length === 0;
        },
      };
    }
    default:
      throw new Error(`${path}: unknown primitive type ${type}`);
  }
}

function arrayCodec(elem: TypeCodec, spec: FieldSpec, path: string, flexible: boolean, nullable: boolean): TypeCodec {
  const nullDefault = isNullDefault(spec.default);
  // A count can never exceed the bytes left divided by the smallest element: reject before allocating.
  const unit = Math.max(1, elem.minSize);
  const readElems = (r: Reader, n: number): unknown[] => {
    if (n * unit > r.remaining) {
      throw new ProtocolError(`${path}: array of ${n} elements does not fit in ${r.remaining} remaining bytes`);
    }
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) out[i] = elem.read(r);
    return out;
  };
  const read = flexible
    ? (r: Reader): unknown[] | null => {
        const n = r.uvarint();
        if (n === 0) {
          if (nullable) return null;
          throw new ProtocolError(`${path}: non-nullable array is null`);
        }
        return readElems(r, n - 1);
      }
    : (r: Reader): unknown[] | null => {
        const n = r.int32();
        if (n < 0) {
          if (n === -1 && nullable) return null;
          throw new ProtocolError(`${path}: invalid array length ${n}`);
        }
        return readElems(r, n);
      };
  const write = (w: Writer, v: unknown): void => {
    if (v === null) {
      if (!nullable) fail(path, 'is not nullable at this version but got null');
      if (flexible) w.uvarint(0);
      else w.int32(-1);
      return;
    }
    if (!Array.isArray(v)) fail(path, `expected an array, got ${typeof v}`);
    if (flexible) w.uvarint(v.length + 1);
    else w.int32(v.length);
    for (let i = 0; i < v.length; i++) {
      const e: unknown = v[i];
      elem.write(w, e === undefined ? elem.def() : e);
    }
  };
  return {
    read,
    write,
    minSize: flexible ? 1 : 4,
    def: () => (nullDefault ? null : []),
    isDefault: (v) => (v === null ? nullDefault : !nullDefault && Array.isArray(v) && v.length === 0),
  };
}

function structCodec(plan: StructPlan, spec: FieldSpec, path: string, nullable: boolean): TypeCodec {
  const nullDefault = isNullDefault(spec.default);
  const def = (): unknown => (nullDefault ? null : defaultStruct(plan));
  if (!nullable) {
    return {
      read: (r) => readStruct(plan, r),
      write: (w, v) => {
        if (v === null) fail(path, 'is not nullable at this version but got null');
        writeStruct(plan, w, v as Record<string, unknown>);
      },
      minSize: plan.minSize,
      def,
      isDefault: (v) => v !== null && !nullDefault && structIsDefault(plan, v as Record<string, unknown>),
    };
  }
  return {
    read: (r) => (r.int8() < 0 ? null : readStruct(plan, r)),
    write: (w, v) => {
      if (v === null) {
        w.int8(-1);
        return;
      }
      w.int8(1);
      writeStruct(plan, w, v as Record<string, unknown>);
    },
    minSize: 1,
    def,
    isDefault: (v) => (v === null ? nullDefault : !nullDefault && structIsDefault(plan, v as Record<string, unknown>)),
  };
}

function fieldTypeCodec(spec: FieldSpec, path: string, ctx: CompileContext, nullable: boolean): TypeCodec {
  // Only strings and bytes may override flexibility (the request header's ClientId is never compact).
  const flexible = spec.flexibleVersions !== undefined ? inVersions(spec.flexibleVersions, ctx.version) : ctx.flexible;
  const type = spec.type;
  if (type.startsWith('[]')) {
    const elemType = type.slice(2);
    let elem: TypeCodec;
    if (PRIMITIVES.has(elemType)) {
      // Elements of primitive arrays are never nullable and have no default of their own.
      elem = primitiveCodec(elemType, { name: spec.name, type: elemType, versions: spec.versions }, `${path}[]`, flexible, false);
    } else {
      const elemSpec: FieldSpec = { name: spec.name, type: elemType, versions: spec.versions, fields: spec.fields };
      elem = structCodec(compileStructFields(resolveStruct(elemSpec, ctx, path), `${path}[]`, ctx), elemSpec, `${path}[]`, false);
    }
    return arrayCodec(elem, spec, path, flexible, nullable);
  }
  if (PRIMITIVES.has(type)) return primitiveCodec(type, spec, path, flexible, nullable);
  return structCodec(compileStructFields(resolveStruct(spec, ctx, path), path, ctx), spec, path, nullable);
}

function resolveStruct(spec: FieldSpec, ctx: CompileContext, path: string): readonly FieldSpec[] {
  if (spec.fields) return spec.fields;
  const name = spec.type.startsWith('[]') ? spec.type.slice(2) : spec.type;
  const fields = ctx.structs.get(name);
  if (!fields) throw new Error(`${path}: unknown struct type ${name}`);
  return fields;
}

function compileStructFields(specs: readonly FieldSpec[], parentPath: string, ctx: CompileContext): StructPlan {
  const fields: FieldPlan[] = [];
  for (const f of specs) {
    const path = `${parentPath}.${f.name}`;
    const present = inVersions(f.versions, ctx.version);
    const tagged = present && inVersions(f.taggedVersions, ctx.version);
    if (tagged && f.tag === undefined) throw new Error(`${path}: taggedVersions without tag`);
    const nullable = inVersions(f.nullableVersions, ctx.version);
    fields.push({
      key: camelCase(f.name),
      path,
      regular: present && !tagged,
      tag: tagged ? f.tag! : -1,
      codec: fieldTypeCodec(f, path, ctx, nullable),
    });
  }
  const regular = fields.filter((f) => f.regular);
  const tagged = fields.filter((f) => f.tag >= 0).sort((a, b) => a.tag - b.tag);
  const byTag = new Map<number, FieldPlan>();
  for (const f of tagged) {
    if (byTag.has(f.tag)) throw new Error(`${f.path}: duplicate tag ${f.tag}`);
    byTag.set(f.tag, f);
  }
  let minSize = ctx.flexible ? 1 : 0;
  for (const f of regular) minSize += f.codec.minSize;
  return { fields, regular, tagged, byTag, flexible: ctx.flexible, minSize, ...generateBody(fields) };
}

function defaultStruct(plan: StructPlan): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const f of plan.fields) o[f.key] = f.codec.def();
  return o;
}

function structIsDefault(plan: StructPlan, v: Record<string, unknown>): boolean {
  for (const f of plan.fields) {
    if (!f.regular && f.tag < 0) continue;
    const x = v[f.key];
    if (x !== undefined && !f.codec.isDefault(x)) return false;
  }
  return true;
}

/**
 * Generates the straight-line body reader/writer of a struct. An object literal with the fields in schema
 * order gives every decoded object of a plan one hidden class, and fixed property names avoid the
 * megamorphic keyed loads/stores of a generic loop: several times faster on the Produce/Fetch path. Only
 * property names from the schema (JSON-quoted) and indexes enter the generated source.
 */
function generateBody(fields: readonly FieldPlan[]): Pick<StructPlan, 'readBody' | 'writeBody'> {
  const fns: ((...args: never[]) => unknown)[] = [];
  const ref = (fn: (...args: never[]) => unknown): string => `f[${fns.push(fn) - 1}]`;
  const props = fields.map((f) => `${JSON.stringify(f.key)}: ${f.regular ? `${ref(f.codec.read)}(r)` : `${ref(f.codec.def)}()`}`);
  const writes = fields
    .filter((f) => f.regular)
    .map((f) => `x = v[${JSON.stringify(f.key)}]; ${ref(f.codec.write)}(w, x === undefined ? ${ref(f.codec.def)}() : x);`);
  const make = new Function(
    'f',
    `return [function readBody(r) { return { ${props.join(', ')} }; },
             function writeBody(w, v) { let x; ${writes.join(' ')} }];`,
  ) as (f: unknown[]) => [StructPlan['readBody'], StructPlan['writeBody']];
  const [readBody, writeBody] = make(fns);
  return { readBody, writeBody };
}

function readStruct(plan: StructPlan, r: Reader): Record<string, unknown> {
  const o = plan.readBody(r);
  if (plan.flexible) readTaggedFields(plan, r, o);
  return o;
}

function readTaggedFields(plan: StructPlan, r: Reader, o: Record<string, unknown>): void {
  const n = r.uvarint();
  for (let i = 0; i < n; i++) {
    const tag = r.uvarint();
    const size = r.uvarint();
    if (size > r.remaining) throw new ProtocolError(`tagged field ${tag} of ${size} bytes exceeds the input`);
    const f = plan.byTag.get(tag);
    if (f === undefined) {
      r.pos += size;
      continue;
    }
    const end = r.pos + size;
    const outerEnd = r.end;
    // The field may not read beyond its declared size; bytes it leaves unread are skipped.
    r.end = end;
    try {
      o[f.key] = f.codec.read(r);
    } finally {
      r.end = outerEnd;
    }
    r.pos = end;
  }
}

function writeStruct(plan: StructPlan, w: Writer, v: Record<string, unknown>): void {
  if (v === undefined || v === null || typeof v !== 'object') fail(plan.fields[0]?.path ?? 'struct', 'expected an object');
  plan.writeBody(w, v);
  if (!plan.flexible) return;
  const tagged = plan.tagged;
  if (tagged.length === 0) {
    w.uvarint(0);
    return;
  }
  let count = 0;
  for (const f of tagged) {
    const x = v[f.key];
    if (x !== undefined && !f.codec.isDefault(x)) count++;
  }
  w.uvarint(count);
  if (count === 0) return;
  for (const f of tagged) {
    const x = v[f.key];
    if (x === undefined || f.codec.isDefault(x)) continue;
    // The size prefix needs the encoded length first; tagged fields are small and rare.
    const sub = new Writer(64);
    f.codec.write(sub, x);
    const chunks = sub.finish();
    w.uvarint(f.tag);
    w.uvarint(sub.length);
    for (const c of chunks) w.raw(c);
  }
}

function collectStructs(spec: MessageSpec): Map<string, readonly FieldSpec[]> {
  const out = new Map<string, readonly FieldSpec[]>();
  const visit = (fields: readonly FieldSpec[]): void => {
    for (const f of fields) {
      if (f.fields) {
        const name = f.type.startsWith('[]') ? f.type.slice(2) : f.type;
        if (!out.has(name)) out.set(name, f.fields);
        visit(f.fields);
      }
    }
  };
  for (const s of spec.commonStructs ?? ([] as readonly StructSpec[])) {
    out.set(s.name, s.fields);
    visit(s.fields);
  }
  visit(spec.fields);
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Plan cache and entry points

interface MessagePlan {
  readonly root: StructPlan;
}

const planCache = new WeakMap<MessageSpec, (MessagePlan | undefined)[]>();

function planFor(spec: MessageSpec, version: number): MessagePlan {
  let plans = planCache.get(spec);
  if (plans === undefined) {
    plans = [];
    planCache.set(spec, plans);
  }
  const cached = plans[version];
  if (cached !== undefined) return cached;
  const valid = parseVersions(spec.validVersions);
  if (!Number.isInteger(version) || version < valid.min || version > valid.max) {
    throw new ProtocolError(`${spec.name} has no version ${version} (valid ${spec.validVersions})`);
  }
  const ctx: CompileContext = {
    version,
    flexible: isFlexible(spec, version),
    structs: collectStructs(spec),
  };
  const plan: MessagePlan = { root: compileStructFields(spec.fields, `${spec.name} v${version}`, ctx) };
  plans[version] = plan;
  return plan;
}

/** Compiles (and caches) the plan for a version up front, surfacing schema mistakes at startup. */
export function precompile(spec: MessageSpec, version: number): void {
  planFor(spec, version);
}

/**
 * Decodes one message body from `reader` (which is left after it). Any failure is a `ProtocolError`.
 * Byte and records fields are slices of the reader's buffer.
 */
export function decodeMessage<T = Record<string, unknown>>(spec: MessageSpec, version: number, reader: Reader): T {
  const plan = planFor(spec, version);
  try {
    return readStruct(plan.root, reader) as T;
  } catch (e) {
    if (e instanceof ProtocolError) throw new ProtocolError(`${spec.name} v${version}: ${e.message}`);
    // Defence in depth: whatever a malformed input provokes must surface as a protocol error.
    throw new ProtocolError(`${spec.name} v${version}: ${(e as Error)?.message ?? String(e)}`);
  }
}

/** Encodes one message body. Invalid values (null where not nullable, wrong types) throw `EncodeError`. */
export function encodeMessage(spec: MessageSpec, version: number, value: unknown, writer: Writer): void {
  let plan: MessagePlan;
  try {
    plan = planFor(spec, version);
  } catch (e) {
    throw new EncodeError((e as Error).message);
  }
  try {
    writeStruct(plan.root, writer, value as Record<string, unknown>);
  } catch (e) {
    if (e instanceof EncodeError) throw e;
    throw new EncodeError(`${spec.name} v${version}: ${(e as Error)?.message ?? String(e)}`);
  }
}

/** Decodes a whole buffer as one message; trailing bytes are an error. */
export function decode<T = Record<string, unknown>>(spec: MessageSpec, version: number, buf: Buffer): T {
  const r = new Reader(buf);
  const out = decodeMessage<T>(spec, version, r);
  if (r.remaining !== 0) throw new ProtocolError(`${spec.name} v${version}: ${r.remaining} trailing bytes`);
  return out;
}

/** Encodes one message into chunks suitable for writev. */
export function encode(spec: MessageSpec, version: number, value: unknown): Buffer[] {
  const w = new Writer();
  encodeMessage(spec, version, value, w);
  return w.finish();
}

/** The message with every field at its default for `version` (handy to build responses). */
export function defaultMessage<T = Record<string, unknown>>(spec: MessageSpec, version: number): T {
  return defaultStruct(planFor(spec, version).root) as T;
}
