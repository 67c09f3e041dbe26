/**
 * The embedded single-node metadata store: this broker is the only broker, the controller, and the leader
 * of every partition. State lives in `<first log dir>/gregor-metadata.json`.
 *
 * Durability: every change is written as a whole new file (tmp + fsync + rename + fsync of the directory)
 * before it becomes visible in memory or is announced to listeners, so after a kill -9 at any point the
 * file is either the previous state or the new one; a leftover `.tmp` is ignored and removed at start.
 * Writes are serialised through one promise chain, so concurrent callers never interleave.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { childLogger } from '../log.js';
import { ErrorCode, KafkaError } from '../protocol/errors.js';
const log = childLogger('local-store');
export const METADATA_FILE = 'gregor-metadata.json';
const FORMAT_VERSION = 1;
/** A random Kafka Uuid in its text form (22 chars of unpadded base64url), never starting with '-'. */
export function randomKafkaUuid() {
    for (;;) {
        const b = randomBytes(16);
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        const s = b.toString('base64url');
        if (!s.startsWith('-') && s !== 'AAAAAAAAAAAAAAAAAAAAAA')
            return s;
    }
}
function clone(v) {
    return structuredClone(v);
}
export class LocalStore {
    brokerId;
    path;
    tmpPath;
    self;
    configuredClusterId;
    state = null;
    byName = new Map();
    byId = new Map();
    listeners = [];
    chain = Promise.resolve();
    closed = false;
    constructor(opts) {
        this.brokerId = opts.brokerId;
        this.path = join(opts.logDir, METADATA_FILE);
        this.tmpPath = `${this.path}.tmp`;
        this.self = clone(opts.self);
        this.configuredClusterId = opts.clusterId ?? null;
    }
    /** The file holding the state (for tests and diagnostics). */
    get filePath() {
        return this.path;
    }
    async start() {
        mkdirSync(join(this.path, '..'), { recursive: true });
        // A tmp file is an interrupted write whose rename never happened: the real file is authoritative.
        await rm(this.tmpPath, { force: true });
        let text = null;
        try {
            text = await readFile(this.path, 'utf8');
        }
        catch (err) {
            if (err.code !== 'ENOENT')
                throw err;
        }
        if (text === null) {
            const fresh = {
                version: FORMAT_VERSION,
                clusterId: this.configuredClusterId ?? randomKafkaUuid(),
                topics: [],
                brokerConfigs: {},
                nextProducerId: 0,
            };
            // Persist at once: the cluster id goes into meta.properties and must never change afterwards.
            await this.persist(fresh);
            this.install(fresh);
            log.info({ clusterId: fresh.clusterId, path: this.path }, 'created new embedded metadata store');
            return;
        }
        let loaded;
        try {
            loaded = JSON.parse(text);
        }
        catch (err) {
            throw new Error(`${this.path} is not valid JSON (${err.message}); refusing to start with unknown metadata`);
        }
        if (loaded.version !== FORMAT_VERSION)
            throw new Error(`${this.path}: unsupported format version ${loaded.version}`);
        if (this.configuredClusterId && this.configuredClusterId !== loaded.clusterId) {
            // Same rule as Kafka's InconsistentClusterIdException: the data belongs to another cluster.
            throw new Error(`The cluster id ${loaded.clusterId} in ${this.path} does not match the configured gregor.cluster.id ${this.configuredClusterId}`);
        }
        loaded.brokerConfigs ??= {};
        loaded.nextProducerId ??= 0;
        this.install(loaded);
        log.info({ clusterId: loaded.clusterId, topics: loaded.topics.length }, 'loaded embedded metadata store');
    }
    async close() {
        this.closed = true;
        await this.chain.catch(() => undefined);
    }
    clusterId() {
        return this.current().clusterId;
    }
    controllerId() {
        return this.brokerId;
    }
    brokers() {
        return [clone(this.self)];
    }
    /** Updates this broker's published endpoints (after binding listeners with port 0). */
    setSelf(self) {
        this.self = clone(self);
    }
    topics() {
        return [...this.byName.values()];
    }
    topic(name) {
        return this.byName.get(name);
    }
    topicById(topicId) {
        return this.byId.get(topicId);
    }
    createTopic(spec) {
        return this.mutate((s) => {
            if (s.topics.some((t) => t.name === spec.name)) {
                throw new KafkaError(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${spec.name}' already exists.`);
            }
            if (s.topics.some((t) => t.topicId === spec.topicId)) {
                throw new KafkaError(ErrorCode.INVALID_REQUEST, `Topic id ${spec.topicId} is already in use`);
            }
            const record = {
                name: spec.name,
                topicId: spec.topicId,
                partitions: spec.assignment.map((replicas, partition) => this.newPartition(partition, replicas)),
                configs: { ...spec.configs },
                internal: spec.name === '__consumer_offsets' || spec.name === '__transaction_state',
            };
            s.topics.push(record);
            return { result: record, events: [{ type: 'topicCreated', topic: spec.name }] };
        }).then(() => this.byName.get(spec.name));
    }
    deleteTopic(name) {
        return this.mutate((s) => {
            const idx = s.topics.findIndex((t) => t.name === name);
            if (idx < 0)
                throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic ${name} does not exist`);
            const [removed] = s.topics.splice(idx, 1);
            return { result: undefined, events: [{ type: 'topicDeleted', topic: name, topicId: removed.topicId }] };
        });
    }
    /** `newAssignment` lists the replicas of the added partitions only; their ids continue from the current count. */
    addPartitions(name, newAssignment) {
        return this.mutate((s) => {
            const t = s.topics.find((x) => x.name === name);
            if (!t)
                throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic ${name} does not exist`);
            if (newAssignment.length === 0)
                throw new KafkaError(ErrorCode.INVALID_PARTITIONS, `Topic already has ${t.partitions.length} partitions.`);
            const first = t.partitions.length;
            newAssignment.forEach((replicas, i) => t.partitions.push(this.newPartition(first + i, replicas)));
            return { result: undefined, events: [{ type: 'partitionsAdded', topic: name }] };
        });
    }
    setTopicConfigs(name, configs) {
        return this.mutate((s) => {
            const t = s.topics.find((x) => x.name === name);
            if (!t)
                throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic ${name} does not exist`);
            t.configs = { ...configs };
            return { result: undefined, events: [{ type: 'topicConfigChanged', topic: name }] };
        });
    }
    brokerConfigs(brokerId) {
        return { ...(this.current().brokerConfigs[brokerId === null ? '' : String(brokerId)] ?? {}) };
    }
    setBrokerConfigs(brokerId, configs) {
        return this.mutate((s) => {
            const k = brokerId === null ? '' : String(brokerId);
            if (Object.keys(configs).length === 0)
                delete s.brokerConfigs[k];
            else
                s.brokerConfigs[k] = { ...configs };
            return { result: undefined, events: [{ type: 'brokerConfigChanged' }] };
        });
    }
    allocateProducerIds(count) {
        if (!Number.isInteger(count) || count <= 0)
            return Promise.reject(new Error(`invalid producer id block size ${count}`));
        return this.mutate((s) => {
            const first = s.nextProducerId;
            s.nextProducerId = first + count;
            return { result: first, events: [] };
        });
    }
    on(listener) {
        this.listeners.push(listener);
    }
    // -------------------------------------------------------------------------------------------------------
    newPartition(partition, replicas) {
        // Single node: this broker leads whatever it hosts; a replica elsewhere cannot exist.
        const hosted = replicas.includes(this.brokerId);
        return {
            partition,
            replicas: [...replicas],
            leader: hosted ? this.brokerId : -1,
            leaderEpoch: 0,
            isr: hosted ? [this.brokerId] : [],
            partitionEpoch: 0,
        };
    }
    current() {
        if (!this.state)
            throw new Error('LocalStore used before start()');
        return this.state;
    }
    install(state) {
        this.state = state;
        this.byName = new Map(state.topics.map((t) => [t.name, t]));
        this.byId = new Map(state.topics.map((t) => [t.topicId, t]));
    }
    /**
     * Applies `change` to a copy of the state, persists the copy, then swaps it in and emits the events.
     * Readers therefore never see a change that is not on disk.
     */
    mutate(change) {
        const run = async () => {
            if (this.closed)
                throw new Error('LocalStore is closed');
            const draft = clone(this.current());
            const { result, events } = change(draft);
            await this.persist(draft);
            this.install(draft);
            for (const event of events)
                this.emit(event);
            return result;
        };
        const p = this.chain.then(run, run);
        this.chain = p.catch(() => undefined);
        return p;
    }
    emit(event) {
        for (const l of this.listeners) {
            try {
                l(event);
            }
            catch (err) {
                log.error({ err, event }, 'metadata listener failed');
            }
        }
    }
    async persist(state) {
        const data = JSON.stringify(state, null, 1);
        const fh = await open(this.tmpPath, 'w', 0o644);
        try {
            await fh.writeFile(data, 'utf8');
            await fh.sync();
        }
        finally {
            await fh.close();
        }
        await rename(this.tmpPath, this.path);
        // The rename is durable only once the directory entry is on disk.
        const dir = await open(join(this.path, '..'), 'r');
        try {
            await dir.sync();
        }
        finally {
            await dir.close();
        }
    }
}
//# sourceMappingURL=local-store.js.map