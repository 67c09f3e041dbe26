import { EncodeError, ProtocolError, Reader, Writer, ZERO_UUID } from './primitives.js';
const NO_VERSIONS = { min: 1, max: 0 };
/** Kafka's version syntax: "3+", "0-4", "5", "none". */
export function parseVersions(s) {
    const t = s.trim();
    if (t === 'none' || t === '')
        return NO_VERSIONS;
    let m = /^(\d+)\+$/.exec(t);
    if (m)
        return { min: Number(m[1]), max: Number.POSITIVE_INFINITY };
    m = /^(\d+)-(\d+)$/.exec(t);
    if (m)
        return { min: Number(m[1]), max: Number(m[2]) };
    m = /^(\d+)$/.exec(t);
    if (m)
        return { min: Number(m[1]), max: Number(m[1]) };
    throw new Error(`invalid version range ${JSON.stringify(s)}`);
}
export function inVersions(range, version) {
    if (range === undefined)
        return false;
    const r = parseVersions(range);
    return version >= r.min && version <= r.max;
}
/** Whether `version` of a message uses the flexible (compact, tagged) encoding. */
export function isFlexible(spec, version) {
    return inVersions(spec.flexibleVersions, version);
}
/** Kafka's JSON names are PascalCase; decoded objects use camelCase (first character lowered). */
export function camelCase(name) {
    return name.length === 0 ? name : name[0].toLowerCase() + name.slice(1);
}
const PRIMITIVES = new Set(['bool', 'int8', 'int16', 'uint16', 'int32', 'int64', 'float64', 'string', 'uuid', 'bytes', 'records']);
function fail(path, what) {
    throw new EncodeError(`${path}: ${what}`);
}
function parseNumberDefault(d, path) {
    if (d === undefined || d === '')
        return 0;
    if (typeof d === 'number')
        return d;
    if (typeof d === 'boolean')
        throw new Error(`${path}: boolean default for a number`);
    const t = d.trim();
    const hex = /^(-?)0x([0-9a-fA-F]+)$/.exec(t);
    const n = hex ? (hex[1] ? -1 : 1) * parseInt(hex[2], 16) : Number(t);
    if (!Number.isFinite(n))
        throw new Error(`${path}: invalid default ${JSON.stringify(d)}`);
    return n;
}
function isNullDefault(d) {
    return d === 'null';
}
function notANumber(path, v) {
    fail(path, `expected a number, got ${v === null ? 'null' : typeof v}`);
}
function numberCodec(path, spec, minSize, read, write) {
    const d = parseNumberDefault(spec.default, path);
    return { read, write, minSize, def: () => d, isDefault: (v) => v === d };
}
function primitiveCodec(type, spec, path, flexible, nullable) {
    switch (type) {
        case 'bool': {
            const d = spec.default === true || spec.default === 'true';
            return {
                read: (r) => r.bool(),
                write: (w, v) => {
                    if (typeof v !== 'boolean')
                        fail(path, `expected a boolean, got ${typeof v}`);
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
                if (typeof v !== 'number')
                    notANumber(path, v);
                w.int8(v);
            });
        case 'int16':
            return numberCodec(path, spec, 2, (r) => r.int16(), (w, v) => {
                if (typeof v !== 'number')
                    notANumber(path, v);
                w.int16(v);
            });
        case 'uint16':
            return numberCodec(path, spec, 2, (r) => r.uint16(), (w, v) => {
                if (typeof v !== 'number')
                    notANumber(path, v);
                w.uint16(v);
            });
        case 'int32':
            return numberCodec(path, spec, 4, (r) => r.int32(), (w, v) => {
                if (typeof v !== 'number')
                    notANumber(path, v);
                w.int32(v);
            });
        case 'int64':
            return numberCodec(path, spec, 8, (r) => r.int64(), (w, v) => {
                if (typeof v !== 'number')
                    notANumber(path, v);
                w.int64(v);
            });
        case 'float64':
            return numberCodec(path, spec, 8, (r) => r.float64(), (w, v) => {
                if (typeof v !== 'number')
                    notANumber(path, v);
                w.float64(v);
            });
        case 'uuid': {
            const d = typeof spec.default === 'string' && spec.default !== '' ? spec.default : ZERO_UUID;
            return {
                read: (r) => r.uuid(),
                write: (w, v) => {
                    if (typeof v !== 'string')
                        fail(path, `expected a uuid string, got ${v === null ? 'null' : typeof v}`);
                    w.uuid(v);
                },
                minSize: 16,
                def: () => d,
                isDefault: (v) => v === d,
            };
        }
        case 'string': {
            const d = isNullDefault(spec.default) ? null : spec.default === undefined ? '' : String(spec.default);
            const write = (w, v) => {
                if (v === null) {
                    if (!nullable)
                        fail(path, 'is not nullable at this version but got null');
                    if (flexible)
                        w.uvarint(0);
                    else
                        w.int16(-1);
                    return;
                }
                if (typeof v !== 'string')
                    fail(path, `expected a string, got ${typeof v}`);
                if (flexible)
                    w.compactString(v);
                else
                    w.string(v);
            };
            const read = flexible
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
            const write = (w, v) => {
                if (v === null) {
                    if (!nullable)
                        fail(path, 'is not nullable at this version but got null');
                    if (flexible)
                        w.uvarint(0);
                    else
                        w.int32(-1);
                    return;
                }
                // Records in responses may be several chunks read from segment files: written without copying.
                if (isRecords && Array.isArray(v)) {
                    let len = 0;
                    for (const c of v) {
                        if (!(c instanceof Uint8Array))
                            fail(path, 'expected Buffer chunks');
                        len += c.length;
                    }
                    if (flexible)
                        w.uvarint(len + 1);
                    else
                        w.int32(len);
                    for (const c of v)
                        w.raw(c);
                    return;
                }
                if (!(v instanceof Uint8Array))
                    fail(path, `expected a Buffer, got ${typeof v}`);
                if (flexible)
                    w.compactBytes(v);
                else
                    w.bytes(v);
            };
            const read = flexible
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
                    if (v === null)
                        return nullDefault;
                    if (nullDefault)
                        return false;
                    if (Array.isArray(v))
                        return v.every((c) => c.length === 0);
                    return v.length === 0;
                },
            };
        }
        default:
            throw new Error(`${path}: unknown primitive type ${type}`);
    }
}
function arrayCodec(elem, spec, path, flexible, nullable) {
    const nullDefault = isNullDefault(spec.default);
    // A count can never exceed the bytes left divided by the smallest element: reject before allocating.
    const unit = Math.max(1, elem.minSize);
    const readElems = (r, n) => {
        if (n * unit > r.remaining) {
            throw new ProtocolError(`${path}: array of ${n} elements does not fit in ${r.remaining} remaining bytes`);
        }
        const out = new Array(n);
        for (let i = 0; i < n; i++)
            out[i] = elem.read(r);
        return out;
    };
    const read = flexible
        ? (r) => {
            const n = r.uvarint();
            if (n === 0) {
                if (nullable)
                    return null;
                throw new ProtocolError(`${path}: non-nullable array is null`);
            }
            return readElems(r, n - 1);
        }
        : (r) => {
            const n = r.int32();
            if (n < 0) {
                if (n === -1 && nullable)
                    return null;
                throw new ProtocolError(`${path}: invalid array length ${n}`);
            }
            return readElems(r, n);
        };
    const write = (w, v) => {
        if (v === null) {
            if (!nullable)
                fail(path, 'is not nullable at this version but got null');
            if (flexible)
                w.uvarint(0);
            else
                w.int32(-1);
            return;
        }
        if (!Array.isArray(v))
            fail(path, `expected an array, got ${typeof v}`);
        if (flexible)
            w.uvarint(v.length + 1);
        else
            w.int32(v.length);
        for (let i = 0; i < v.length; i++) {
            const e = v[i];
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
function structCodec(plan, spec, path, nullable) {
    const nullDefault = isNullDefault(spec.default);
    const def = () => (nullDefault ? null : defaultStruct(plan));
    if (!nullable) {
        return {
            read: (r) => readStruct(plan, r),
            write: (w, v) => {
                if (v === null)
                    fail(path, 'is not nullable at this version but got null');
                writeStruct(plan, w, v);
            },
            minSize: plan.minSize,
            def,
            isDefault: (v) => v !== null && !nullDefault && structIsDefault(plan, v),
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
            writeStruct(plan, w, v);
        },
        minSize: 1,
        def,
        isDefault: (v) => (v === null ? nullDefault : !nullDefault && structIsDefault(plan, v)),
    };
}
function fieldTypeCodec(spec, path, ctx, nullable) {
    // Only strings and bytes may override flexibility (the request header's ClientId is never compact).
    const flexible = spec.flexibleVersions !== undefined ? inVersions(spec.flexibleVersions, ctx.version) : ctx.flexible;
    const type = spec.type;
    if (type.startsWith('[]')) {
        const elemType = type.slice(2);
        let elem;
        if (PRIMITIVES.has(elemType)) {
            // Elements of primitive arrays are never nullable and have no default of their own.
            elem = primitiveCodec(elemType, { name: spec.name, type: elemType, versions: spec.versions }, `${path}[]`, flexible, false);
        }
        else {
            const elemSpec = { name: spec.name, type: elemType, versions: spec.versions, fields: spec.fields };
            elem = structCodec(compileStructFields(resolveStruct(elemSpec, ctx, path), `${path}[]`, ctx), elemSpec, `${path}[]`, false);
        }
        return arrayCodec(elem, spec, path, flexible, nullable);
    }
    if (PRIMITIVES.has(type))
        return primitiveCodec(type, spec, path, flexible, nullable);
    return structCodec(compileStructFields(resolveStruct(spec, ctx, path), path, ctx), spec, path, nullable);
}
function resolveStruct(spec, ctx, path) {
    if (spec.fields)
        return spec.fields;
    const name = spec.type.startsWith('[]') ? spec.type.slice(2) : spec.type;
    const fields = ctx.structs.get(name);
    if (!fields)
        throw new Error(`${path}: unknown struct type ${name}`);
    return fields;
}
function compileStructFields(specs, parentPath, ctx) {
    const fields = [];
    for (const f of specs) {
        const path = `${parentPath}.${f.name}`;
        const present = inVersions(f.versions, ctx.version);
        const tagged = present && inVersions(f.taggedVersions, ctx.version);
        if (tagged && f.tag === undefined)
            throw new Error(`${path}: taggedVersions without tag`);
        const nullable = inVersions(f.nullableVersions, ctx.version);
        fields.push({
            key: camelCase(f.name),
            path,
            regular: present && !tagged,
            tag: tagged ? f.tag : -1,
            codec: fieldTypeCodec(f, path, ctx, nullable),
        });
    }
    const regular = fields.filter((f) => f.regular);
    const tagged = fields.filter((f) => f.tag >= 0).sort((a, b) => a.tag - b.tag);
    const byTag = new Map();
    for (const f of tagged) {
        if (byTag.has(f.tag))
            throw new Error(`${f.path}: duplicate tag ${f.tag}`);
        byTag.set(f.tag, f);
    }
    let minSize = ctx.flexible ? 1 : 0;
    for (const f of regular)
        minSize += f.codec.minSize;
    return { fields, regular, tagged, byTag, flexible: ctx.flexible, minSize, ...generateBody(fields) };
}
function defaultStruct(plan) {
    const o = {};
    for (const f of plan.fields)
        o[f.key] = f.codec.def();
    return o;
}
function structIsDefault(plan, v) {
    for (const f of plan.fields) {
        if (!f.regular && f.tag < 0)
            continue;
        const x = v[f.key];
        if (x !== undefined && !f.codec.isDefault(x))
            return false;
    }
    return true;
}
/**
 * Generates the straight-line body reader/writer of a struct. An object literal with the fields in schema
 * order gives every decoded object of a plan one hidden class, and fixed property names avoid the
 * megamorphic keyed loads/stores of a generic loop: several times faster on the Produce/Fetch path. Only
 * property names from the schema (JSON-quoted) and indexes enter the generated source.
 */
function generateBody(fields) {
    const fns = [];
    const ref = (fn) => `f[${fns.push(fn) - 1}]`;
    const props = fields.map((f) => `${JSON.stringify(f.key)}: ${f.regular ? `${ref(f.codec.read)}(r)` : `${ref(f.codec.def)}()`}`);
    const writes = fields
        .filter((f) => f.regular)
        .map((f) => `x = v[${JSON.stringify(f.key)}]; ${ref(f.codec.write)}(w, x === undefined ? ${ref(f.codec.def)}() : x);`);
    const make = new Function('f', `return [function readBody(r) { return { ${props.join(', ')} }; },
             function writeBody(w, v) { let x; ${writes.join(' ')} }];`);
    const [readBody, writeBody] = make(fns);
    return { readBody, writeBody };
}
function readStruct(plan, r) {
    const o = plan.readBody(r);
    if (plan.flexible)
        readTaggedFields(plan, r, o);
    return o;
}
function readTaggedFields(plan, r, o) {
    const n = r.uvarint();
    for (let i = 0; i < n; i++) {
        const tag = r.uvarint();
        const size = r.uvarint();
        if (size > r.remaining)
            throw new ProtocolError(`tagged field ${tag} of ${size} bytes exceeds the input`);
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
        }
        finally {
            r.end = outerEnd;
        }
        r.pos = end;
    }
}
function writeStruct(plan, w, v) {
    if (v === undefined || v === null || typeof v !== 'object')
        fail(plan.fields[0]?.path ?? 'struct', 'expected an object');
    plan.writeBody(w, v);
    if (!plan.flexible)
        return;
    const tagged = plan.tagged;
    if (tagged.length === 0) {
        w.uvarint(0);
        return;
    }
    let count = 0;
    for (const f of tagged) {
        const x = v[f.key];
        if (x !== undefined && !f.codec.isDefault(x))
            count++;
    }
    w.uvarint(count);
    if (count === 0)
        return;
    for (const f of tagged) {
        const x = v[f.key];
        if (x === undefined || f.codec.isDefault(x))
            continue;
        // The size prefix needs the encoded length first; tagged fields are small and rare.
        const sub = new Writer(64);
        f.codec.write(sub, x);
        const chunks = sub.finish();
        w.uvarint(f.tag);
        w.uvarint(sub.length);
        for (const c of chunks)
            w.raw(c);
    }
}
function collectStructs(spec) {
    const out = new Map();
    const visit = (fields) => {
        for (const f of fields) {
            if (f.fields) {
                const name = f.type.startsWith('[]') ? f.type.slice(2) : f.type;
                if (!out.has(name))
                    out.set(name, f.fields);
                visit(f.fields);
            }
        }
    };
    for (const s of spec.commonStructs ?? []) {
        out.set(s.name, s.fields);
        visit(s.fields);
    }
    visit(spec.fields);
    return out;
}
const planCache = new WeakMap();
function planFor(spec, version) {
    let plans = planCache.get(spec);
    if (plans === undefined) {
        plans = [];
        planCache.set(spec, plans);
    }
    const cached = plans[version];
    if (cached !== undefined)
        return cached;
    const valid = parseVersions(spec.validVersions);
    if (!Number.isInteger(version) || version < valid.min || version > valid.max) {
        throw new ProtocolError(`${spec.name} has no version ${version} (valid ${spec.validVersions})`);
    }
    const ctx = {
        version,
        flexible: isFlexible(spec, version),
        structs: collectStructs(spec),
    };
    const plan = { root: compileStructFields(spec.fields, `${spec.name} v${version}`, ctx) };
    plans[version] = plan;
    return plan;
}
/** Compiles (and caches) the plan for a version up front, surfacing schema mistakes at startup. */
export function precompile(spec, version) {
    planFor(spec, version);
}
/**
 * Decodes one message body from `reader` (which is left after it). Any failure is a `ProtocolError`.
 * Byte and records fields are slices of the reader's buffer.
 */
export function decodeMessage(spec, version, reader) {
    const plan = planFor(spec, version);
    try {
        return readStruct(plan.root, reader);
    }
    catch (e) {
        if (e instanceof ProtocolError)
            throw new ProtocolError(`${spec.name} v${version}: ${e.message}`);
        // Defence in depth: whatever a malformed input provokes must surface as a protocol error.
        throw new ProtocolError(`${spec.name} v${version}: ${e?.message ?? String(e)}`);
    }
}
/** Encodes one message body. Invalid values (null where not nullable, wrong types) throw `EncodeError`. */
export function encodeMessage(spec, version, value, writer) {
    let plan;
    try {
        plan = planFor(spec, version);
    }
    catch (e) {
        throw new EncodeError(e.message);
    }
    try {
        writeStruct(plan.root, writer, value);
    }
    catch (e) {
        if (e instanceof EncodeError)
            throw e;
        throw new EncodeError(`${spec.name} v${version}: ${e?.message ?? String(e)}`);
    }
}
/** Decodes a whole buffer as one message; trailing bytes are an error. */
export function decode(spec, version, buf) {
    const r = new Reader(buf);
    const out = decodeMessage(spec, version, r);
    if (r.remaining !== 0)
        throw new ProtocolError(`${spec.name} v${version}: ${r.remaining} trailing bytes`);
    return out;
}
/** Encodes one message into chunks suitable for writev. */
export function encode(spec, version, value) {
    const w = new Writer();
    encodeMessage(spec, version, value, w);
    return w.finish();
}
/** The message with every field at its default for `version` (handy to build responses). */
export function defaultMessage(spec, version) {
    return defaultStruct(planFor(spec, version).root);
}
//# sourceMappingURL=codec.js.map