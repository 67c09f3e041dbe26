/** A znode's content is not what Kafka's format says it should be. */
export class ZkDataError extends Error {
    what;
    detail;
    raw;
    constructor(what, detail, raw) {
        super(`malformed ${what}: ${detail}${raw !== null ? ` (content: ${truncate(raw, 300)})` : ''}`);
        this.what = what;
        this.detail = detail;
        this.raw = raw;
        this.name = 'ZkDataError';
    }
}
function truncate(s, n) {
    return s.length > n ? `${s.slice(0, n)}...` : s;
}
// ---------------------------------------------------------------- JSON writing (Jackson's output)
/** A JSON string literal as Jackson writes it: short escapes for \b \t \n \f \r, \u00XX (upper-case) for other
 * control characters, nothing else escaped (not even '/', and non-ASCII goes out as UTF-8). */
export function jsonString(s) {
    let out = '"';
    for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c === 0x22)
            out += '\\"';
        else if (c === 0x5c)
            out += '\\\\';
        else if (c < 0x20) {
            switch (c) {
                case 0x08:
                    out += '\\b';
                    break;
                case 0x09:
                    out += '\\t';
                    break;
                case 0x0a:
                    out += '\\n';
                    break;
                case 0x0c:
                    out += '\\f';
                    break;
                case 0x0d:
                    out += '\\r';
                    break;
                default:
                    out += '\\u00' + c.toString(16).toUpperCase().padStart(2, '0');
            }
        }
        else
            out += s[i];
    }
    return out + '"';
}
function jsonInt(n) {
    if (!Number.isInteger(n))
        throw new TypeError(`not an integer: ${n}`);
    return String(n);
}
function jsonIntArray(a) {
    return '[' + a.map(jsonInt).join(',') + ']';
}
/** Writes an object whose entries are already in the wanted order (values are raw JSON text). */
function jsonObject(entries) {
    return '{' + entries.map(([k, v]) => `${jsonString(k)}:${v}`).join(',') + '}';
}
// ---------------------------------------------------------------- Java/Scala hash orders
/** java.lang.String#hashCode (over UTF-16 code units), as a signed 32-bit int. */
export function javaStringHash(s) {
    let h = 0;
    for (let i = 0; i < s.length; i++)
        h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
    return h;
}
/**
 * Iteration order of a Scala 2.13 `mutable.HashMap[String, _]` built empty (16 buckets, load factor 0.75) and filled
 * with `keys` (distinct). Buckets are visited in index order; a bucket's nodes are sorted by their improved hash.
 */
export function scalaMutableHashMapOrder(keys, initialBuckets = 16) {
    let len = initialBuckets;
    let count = 0;
    const seen = new Set();
    for (const k of keys) {
        if (seen.has(k))
            continue;
        // put0 grows before inserting when contentSize + 1 >= threshold.
        if (count + 1 >= Math.trunc(len * 0.75))
            len *= 2;
        seen.add(k);
        count++;
    }
    const improved = (k) => {
        const h = javaStringHash(k);
        return (h ^ (h >>> 16)) | 0;
    };
    return [...seen]
        .map((k) => ({ k, h: improved(k) }))
        .sort((a, b) => (a.h & (len - 1)) - (b.h & (len - 1)) || a.h - b.h)
        .map((e) => e.k);
}
/**
 * Iteration order of a `java.util.Properties` (Java 9+: a ConcurrentHashMap of initial capacity 8, i.e. 16 bins)
 * after `setProperty` calls in `keys` order: new keys go to the tail of their bin; on resize each bin is split the
 * way ConcurrentHashMap.transfer does it (nodes before the "last run" come out reversed). Treeified bins (8+ keys
 * in one bin) are not emulated: they need dozens of colliding config names.
 */
export function javaPropertiesOrder(keys) {
    let n = 16;
    let sizeCtl = 12;
    let table = Array.from({ length: n }, () => []);
    let count = 0;
    const spread = (h) => (h ^ (h >>> 16)) & 0x7fffffff;
    for (const k of keys) {
        const h = spread(javaStringHash(k));
        const bin = table[h & (n - 1)];
        if (bin.some((e) => e.k === k))
            continue;
        bin.push({ k, h });
        count++;
        if (count >= sizeCtl) {
            const next = Array.from({ length: 2 * n }, () => []);
            for (let i = 0; i < n; i++) {
                const f = table[i];
                if (f.length === 0)
                    continue;
                let runBit = f[0].h & n;
                let lastRun = 0;
                for (let j = 1; j < f.length; j++) {
                    const b = f[j].h & n;
                    if (b !== runBit) {
                        runBit = b;
                        lastRun = j;
                    }
                }
                let ln = runBit === 0 ? f.slice(lastRun) : [];
                let hn = runBit !== 0 ? f.slice(lastRun) : [];
                for (let j = 0; j < lastRun; j++) {
                    if ((f[j].h & n) === 0)
                        ln = [f[j], ...ln];
                    else
                        hn = [f[j], ...hn];
                }
                next[i] = ln;
                next[i + n] = hn;
            }
            table = next;
            n *= 2;
            sizeCtl = n - (n >>> 2);
        }
    }
    return table.flat().map((e) => e.k);
}
function parse(what, data) {
    if (data === null || data === undefined)
        throw new ZkDataError(what, 'no data', null);
    const text = typeof data === 'string' ? data : data.toString('utf8');
    let v;
    try {
        v = JSON.parse(text);
    }
    catch (e) {
        throw new ZkDataError(what, `not JSON (${e.message})`, text);
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v))
        throw new ZkDataError(what, 'not a JSON object', text);
    return v;
}
class Fields {
    what;
    obj;
    raw;
    constructor(what, obj, raw) {
        this.what = what;
        this.obj = obj;
        this.raw = raw;
    }
    static of(what, data) {
        const obj = parse(what, data);
        return new Fields(what, obj, typeof data === 'string' ? data : data.toString('utf8'));
    }
    fail(detail) {
        throw new ZkDataError(this.what, detail, this.raw);
    }
    has(key) {
        return Object.prototype.hasOwnProperty.call(this.obj, key) && this.obj[key] !== null;
    }
    raw_(key) {
        return Object.prototype.hasOwnProperty.call(this.obj, key) ? this.obj[key] : undefined;
    }
    int(key, dflt) {
        const v = this.raw_(key);
        if (v === undefined || v === null) {
            if (dflt !== undefined)
                return dflt;
            this.fail(`"${key}" missing`);
        }
        // As Kafka's DecodeJson[Int]: a JSON integer, not a numeric string.
        if (typeof v !== 'number' || !Number.isInteger(v))
            this.fail(`"${key}" is not an integer`);
        return v;
    }
    str(key, optional) {
        const v = this.raw_(key);
        if (v === undefined || v === null) {
            if (optional)
                return null;
            this.fail(`"${key}" missing`);
        }
        if (typeof v !== 'string')
            this.fail(`"${key}" is not a string`);
        return v;
    }
    /** An int64 written as a decimal string (timestamps, producer id blocks); numbers are accepted too. */
    longString(key) {
        const v = this.raw_(key);
        if (typeof v === 'number' && Number.isInteger(v))
            return v;
        if (typeof v !== 'string' || !/^-?\d+$/.test(v))
            this.fail(`"${key}" is not an integer string`);
        return Number(v);
    }
    intArray(key, v = this.raw_(key)) {
        if (!Array.isArray(v) || !v.every((x) => typeof x === 'number' && Number.isInteger(x))) {
            this.fail(`"${key}" is not an array of integers`);
        }
        return v;
    }
    object(key, optional = false) {
        const v = this.raw_(key);
        if (v === undefined || v === null) {
            if (optional)
                return null;
            this.fail(`"${key}" missing`);
        }
        if (typeof v !== 'object' || Array.isArray(v))
            this.fail(`"${key}" is not an object`);
        return v;
    }
    array(key) {
        const v = this.raw_(key);
        if (!Array.isArray(v))
            this.fail(`"${key}" is not an array`);
        return v;
    }
}
// ---------------------------------------------------------------- /controller_epoch, /controller, /cluster/id
/** /controller_epoch holds the epoch as plain decimal text. */
export function encodeControllerEpoch(epoch) {
    return Buffer.from(jsonInt(epoch));
}
export function decodeControllerEpoch(data) {
    const text = data ? data.toString('utf8') : '';
    if (!/^-?\d+$/.test(text.trim()))
        throw new ZkDataError('/controller_epoch', 'not an integer', text);
    return Number(text.trim());
}
export function encodeController(brokerId, timestampMs, kraftControllerEpoch = -1) {
    return Buffer.from(jsonObject([
        ['version', '2'],
        ['brokerid', jsonInt(brokerId)],
        ['timestamp', jsonString(String(timestampMs))],
        ['kraftControllerEpoch', jsonInt(kraftControllerEpoch)],
    ]));
}
export function decodeController(data) {
    const f = Fields.of('/controller', data);
    return {
        brokerId: f.int('brokerid'),
        kraftControllerEpoch: f.has('kraftControllerEpoch') ? f.int('kraftControllerEpoch') : null,
        timestamp: f.has('timestamp') ? f.longString('timestamp') : null,
    };
}
export function encodeClusterId(id) {
    return Buffer.from(jsonObject([
        ['version', jsonString('1')],
        ['id', jsonString(id)],
    ]));
}
export function decodeClusterId(data) {
    return Fields.of('/cluster/id', data).str('id');
}
/** Kafka's EndPoint.connectionString: LISTENER://host:port, IPv6 hosts in brackets, a null host as empty. */
export function endpointConnectionString(ep) {
    const host = ep.host.includes(':') ? `[${ep.host}]` : ep.host;
    return `${ep.name}://${host}:${ep.port}`;
}
/** Broker registration, JSON version 5 (Kafka 2.7+). */
export function encodeBrokerRegistration(reg) {
    // Top-level host/port are for pre-0.10 clients: the first PLAINTEXT endpoint, else null/-1 (as Kafka).
    const plaintext = reg.endpoints.find((e) => e.securityProtocol === 'PLAINTEXT');
    const features = Object.entries(reg.features ?? {}).map(([name, r]) => [
        name,
        jsonObject([
            ['min_version', jsonInt(r.min_version)],
            ['max_version', jsonInt(r.max_version)],
        ]),
    ]);
    // Kafka builds the listener map with Scala's Seq.toMap: insertion order for up to 4 listeners (Map1..Map4).
    const lsp = new Map();
    for (const e of reg.endpoints)
        lsp.set(e.name, jsonString(e.securityProtocol));
    const entries = [
        ['features', jsonObject(features)],
        ['listener_security_protocol_map', jsonObject([...lsp.entries()])],
        ['endpoints', '[' + reg.endpoints.map((e) => jsonString(endpointConnectionString(e))).join(',') + ']'],
    ];
    if (reg.rack !== null)
        entries.push(['rack', jsonString(reg.rack)]);
    entries.push(['jmx_port', jsonInt(reg.jmxPort ?? -1)], ['port', jsonInt(plaintext ? plaintext.port : -1)], ['host', plaintext ? jsonString(plaintext.host) : 'null'], ['version', '5'], ['timestamp', jsonString(String(reg.timestampMs))]);
    return Buffer.from(jsonObject(entries));
}
/** Kafka's default listener map when a registration has none (pre-v4): each protocol is its own listener. */
const DEFAULT_LISTENER_PROTOCOLS = {
    PLAINTEXT: 'PLAINTEXT',
    SSL: 'SSL',
    SASL_PLAINTEXT: 'SASL_PLAINTEXT',
    SASL_SSL: 'SASL_SSL',
};
/** Parses "LISTENER://host:port" (host may be [ipv6] or empty) as Kafka's listener parser does. */
export function parseEndpoint(s, protocols) {
    const m = /^([A-Za-z0-9_.-]+):\/\/(\[[^\]]*\]|[^:/]*):(-?\d+)$/.exec(s);
    if (!m)
        return null;
    const name = m[1];
    const host = m[2].startsWith('[') ? m[2].slice(1, -1) : m[2];
    const securityProtocol = protocols[name];
    if (securityProtocol === undefined)
        return null;
    return { name, host, port: Number(m[3]), securityProtocol };
}
export function decodeBrokerRegistration(id, data) {
    const what = `/brokers/ids/${id}`;
    const f = Fields.of(what, data);
    const version = f.int('version');
    if (version < 1)
        f.fail(`unsupported version ${version}`);
    const jmxPort = f.int('jmx_port', -1);
    let lsp = { ...DEFAULT_LISTENER_PROTOCOLS };
    const lspObj = f.object('listener_security_protocol_map', true);
    if (lspObj) {
        lsp = {};
        for (const [k, v] of Object.entries(lspObj)) {
            if (typeof v !== 'string')
                f.fail(`listener_security_protocol_map.${k} is not a string`);
            lsp[k] = v;
        }
    }
    let endpoints;
    if (version === 1) {
        endpoints = [{ name: 'PLAINTEXT', host: f.str('host'), port: f.int('port'), securityProtocol: 'PLAINTEXT' }];
    }
    else {
        endpoints = f.array('endpoints').map((e) => {
            if (typeof e !== 'string')
                f.fail('endpoints holds a non-string');
            const ep = parseEndpoint(e, lsp);
            if (!ep)
                f.fail(`bad endpoint "${e}" (or listener missing from listener_security_protocol_map)`);
            return ep;
        });
    }
    const features = {};
    const feat = f.object('features', true);
    if (feat) {
        for (const [name, r] of Object.entries(feat)) {
            if (r === null ||
                typeof r !== 'object' ||
                Array.isArray(r) ||
                !Number.isInteger(r.min_version) ||
                !Number.isInteger(r.max_version)) {
                f.fail(`features.${name} is not {min_version, max_version}`);
            }
            features[name] = { min_version: r.min_version, max_version: r.max_version };
        }
    }
    return {
        info: { id, rack: f.str('rack', true), endpoints },
        version,
        jmxPort,
        timestamp: f.has('timestamp') ? f.longString('timestamp') : null,
        listenerSecurityProtocolMap: lsp,
        features,
    };
}
/** A partition → replicas map as Kafka writes it (a Scala mutable.HashMap keyed by the partition number text). */
function partitionMapJson(m) {
    const keys = [...m.keys()].sort((a, b) => a - b).map(String);
    return jsonObject(scalaMutableHashMapOrder(keys).map((k) => [k, jsonIntArray(m.get(Number(k)) ?? [])]));
}
/** Topic assignment, JSON version 3 (Kafka 2.8+, with topic_id). Empty adding/removing lists are left out. */
export function encodeTopicAssignment(a) {
    const nonEmpty = (m) => new Map([...(m ?? new Map()).entries()].filter(([p, r]) => r.length > 0 && a.partitions.has(p)));
    const entries = [['partitions', partitionMapJson(a.partitions)]];
    if (a.topicId !== null)
        entries.push(['topic_id', jsonString(a.topicId)]);
    entries.push(['adding_replicas', partitionMapJson(nonEmpty(a.addingReplicas))], ['removing_replicas', partitionMapJson(nonEmpty(a.removingReplicas))], ['version', '3']);
    return Buffer.from(jsonObject(entries));
}
export function decodeTopicAssignment(topic, data) {
    const f = Fields.of(`/brokers/topics/${topic}`, data);
    const readMap = (key) => {
        const out = new Map();
        const o = f.object(key, true);
        if (!o)
            return out;
        for (const [p, r] of Object.entries(o)) {
            if (!/^\d+$/.test(p))
                f.fail(`${key} has a non-numeric partition "${p}"`);
            out.set(Number(p), f.intArray(`${key}.${p}`, r));
        }
        return out;
    };
    const topicId = f.str('topic_id', true);
    if (topicId !== null && !/^[A-Za-z0-9_-]{22}$/.test(topicId))
        f.fail(`topic_id "${topicId}" is not a UUID`);
    return {
        topicId,
        partitions: readMap('partitions'),
        addingReplicas: readMap('adding_replicas'),
        removingReplicas: readMap('removing_replicas'),
    };
}
export function encodePartitionState(s) {
    const entries = [
        ['controller_epoch', jsonInt(s.controllerEpoch)],
        ['leader', jsonInt(s.leader)],
        ['version', '1'],
    ];
    if ((s.leaderRecoveryState ?? 0) !== 0)
        entries.push(['leader_recovery_state', jsonInt(s.leaderRecoveryState ?? 0)]);
    entries.push(['leader_epoch', jsonInt(s.leaderEpoch)], ['isr', jsonIntArray(s.isr)]);
    return Buffer.from(jsonObject(entries));
}
export function decodePartitionState(path, data) {
    const f = Fields.of(path, data);
    return {
        leader: f.int('leader'),
        leaderEpoch: f.int('leader_epoch'),
        isr: f.intArray('isr'),
        controllerEpoch: f.int('controller_epoch'),
        leaderRecoveryState: f.int('leader_recovery_state', 0),
    };
}
// ---------------------------------------------------------------- /config/<type>/<name>, /config/changes
/** Entity config, JSON version 1; the config map in java.util.Properties order for these insertions. */
export function encodeEntityConfig(configs) {
    const pairs = Symbol.iterator in Object(configs)
        ? [...configs]
        : Object.entries(configs);
    const values = new Map();
    for (const [k, v] of pairs)
        values.set(k, v);
    const order = javaPropertiesOrder(pairs.map(([k]) => k));
    return Buffer.from(jsonObject([
        ['version', '1'],
        ['config', jsonObject(order.map((k) => [k, jsonString(values.get(k))]))],
    ]));
}
export function decodeEntityConfig(path, data) {
    // Kafka treats a missing or empty znode as "no overrides".
    if (data === null || data === undefined || data.length === 0)
        return {};
    const f = Fields.of(path, data);
    const cfg = f.object('config', true);
    const out = {};
    if (!cfg)
        return out;
    for (const [k, v] of Object.entries(cfg)) {
        if (typeof v !== 'string')
            f.fail(`config.${k} is not a string`);
        out[k] = v;
    }
    return out;
}
export function encodeConfigChangeNotification(entityPath) {
    return Buffer.from(jsonObject([
        ['version', '2'],
        ['entity_path', jsonString(entityPath)],
    ]));
}
/** Returns the entity path ("topics/<t>", "brokers/<id>", "brokers/<default>"); also reads version 1 notifications. */
export function decodeConfigChangeNotification(path, data) {
    const f = Fields.of(path, data);
    const version = f.int('version');
    if (version === 1)
        return `${f.str('entity_type')}/${f.str('entity_name')}`;
    if (version === 2)
        return f.str('entity_path');
    f.fail(`unsupported version ${version}`);
}
export function encodeReassignment(entries) {
    const parts = entries.map((e) => jsonObject([
        ['topic', jsonString(e.topic)],
        ['partition', jsonInt(e.partition)],
        ['replicas', jsonIntArray(e.replicas)],
    ]));
    return Buffer.from(jsonObject([['version', '1'], ['partitions', `[${parts.join(',')}]`]]));
}
export function decodeReassignment(data) {
    const f = Fields.of('/admin/reassign_partitions', data);
    return f.array('partitions').map((p, i) => {
        if (p === null || typeof p !== 'object' || Array.isArray(p))
            f.fail(`partitions[${i}] is not an object`);
        const topic = p.topic;
        const partition = p.partition;
        if (typeof topic !== 'string' || typeof partition !== 'number' || !Number.isInteger(partition)) {
            f.fail(`partitions[${i}] needs a topic and a partition`);
        }
        return { topic, partition, replicas: f.intArray(`partitions[${i}].replicas`, p.replicas) };
    });
}
/** Written by kafka-preferred-replica-election / tests; Kafka writes a Scala Set (order here: as given). */
export function encodePreferredReplicaElection(partitions) {
    const parts = partitions.map((p) => jsonObject([
        ['topic', jsonString(p.topic)],
        ['partition', jsonInt(p.partition)],
    ]));
    return Buffer.from(jsonObject([['version', '1'], ['partitions', `[${parts.join(',')}]`]]));
}
export function decodePreferredReplicaElection(data) {
    const f = Fields.of('/admin/preferred_replica_election', data);
    return f.array('partitions').map((p, i) => {
        if (p === null || typeof p !== 'object' || Array.isArray(p))
            f.fail(`partitions[${i}] is not an object`);
        if (typeof p.topic !== 'string' || typeof p.partition !== 'number' || !Number.isInteger(p.partition)) {
            f.fail(`partitions[${i}] needs a topic and a partition`);
        }
        return { topic: p.topic, partition: p.partition };
    });
}
export function encodeProducerIdBlock(b) {
    return Buffer.from(jsonObject([
        ['version', '1'],
        ['broker', jsonInt(b.brokerId)],
        ['block_start', jsonString(String(b.blockStart))],
        ['block_end', jsonString(String(b.blockEnd))],
    ]));
}
export function decodeProducerIdBlock(data) {
    const f = Fields.of('/latest_producer_id_block', data);
    const b = { brokerId: f.int('broker'), blockStart: f.longString('block_start'), blockEnd: f.longString('block_end') };
    if (b.blockEnd < b.blockStart)
        f.fail('block_end < block_start');
    return b;
}
//# sourceMappingURL=zk-json.js.map