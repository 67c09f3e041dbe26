/** Kafka marks a partition of a topic being deleted with this leader id in UpdateMetadata. */
const LEADER_DURING_DELETE = -2;
const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';
const SECURITY_PROTOCOLS = { 0: 'PLAINTEXT', 1: 'SSL', 2: 'SASL_PLAINTEXT', 3: 'SASL_SSL' };
/**
 * A broker's view of the cluster in ZooKeeper mode, as Kafka's ZkMetadataCache: the controller sends the
 * live brokers in full and partition states incrementally; this cache merges them. Reads are synchronous
 * and cheap because every Metadata request comes through here.
 */
export class MetadataCache {
    brokers = new Map();
    topics = new Map();
    byId = new Map();
    controller = -1;
    epoch = -1;
    /** Applies one UpdateMetadata; returns what changed so the store can raise events. */
    apply(req, version) {
        const change = { created: [], deleted: [], grown: [], brokersChanged: false };
        this.controller = req.controllerId;
        this.epoch = req.controllerEpoch;
        const brokers = new Map();
        for (const b of req.liveBrokers) {
            const endpoints = version === 0
                ? [{ name: 'PLAINTEXT', host: b.v0Host, port: b.v0Port, securityProtocol: 'PLAINTEXT' }]
                : b.endpoints.map((e) => {
                    const securityProtocol = SECURITY_PROTOCOLS[e.securityProtocol] ?? 'PLAINTEXT';
                    // Before v3 endpoints had no listener name: it was the security protocol's name.
                    return { name: version >= 3 ? e.listener : securityProtocol, host: e.host, port: e.port, securityProtocol };
                });
            brokers.set(b.id, { id: b.id, rack: b.rack, endpoints });
        }
        change.brokersChanged = !sameBrokers(this.brokers, brokers);
        this.brokers = brokers;
        const states = [];
        for (const p of req.ungroupedPartitionStates)
            states.push({ topicId: ZERO_UUID, p });
        for (const t of req.topicStates) {
            for (const p of t.partitionStates)
                states.push({ topicId: t.topicId, p: { ...p, topicName: t.topicName } });
        }
        const grown = new Set();
        for (const { topicId, p } of states) {
            const name = p.topicName;
            if (p.leader === LEADER_DURING_DELETE) {
                const t = this.topics.get(name);
                if (!t)
                    continue;
                t.partitions.delete(p.partitionIndex);
                if (t.partitions.size === 0) {
                    this.topics.delete(name);
                    this.byId.delete(t.topicId);
                    change.deleted.push({ name, topicId: t.topicId });
                }
                continue;
            }
            let t = this.topics.get(name);
            if (!t) {
                t = { topicId, partitions: new Map() };
                this.topics.set(name, t);
                change.created.push(name);
            }
            else if (topicId !== ZERO_UUID && t.topicId !== topicId) {
                // Same name, new id: the topic was deleted and re-created while we missed the deletion.
                this.byId.delete(t.topicId);
                change.deleted.push({ name, topicId: t.topicId });
                t = { topicId, partitions: new Map() };
                this.topics.set(name, t);
                change.created.push(name);
            }
            if (topicId !== ZERO_UUID) {
                t.topicId = topicId;
                this.byId.set(topicId, name);
            }
            if (!t.partitions.has(p.partitionIndex) && !change.created.includes(name))
                grown.add(name);
            t.partitions.set(p.partitionIndex, {
                topic: name,
                partition: p.partitionIndex,
                replicas: p.replicas,
                leader: p.leader,
                leaderEpoch: p.leaderEpoch,
                isr: p.isr,
                partitionEpoch: p.zkVersion,
                offlineReplicas: p.offlineReplicas,
                controllerEpoch: p.controllerEpoch,
            });
        }
        change.grown = [...grown];
        return change;
    }
    controllerId() {
        return this.controller;
    }
    controllerEpoch() {
        return this.epoch;
    }
    liveBrokers() {
        return [...this.brokers.values()].sort((a, b) => a.id - b.id);
    }
    broker(id) {
        return this.brokers.get(id);
    }
    brokerEndpoint(id, listenerName) {
        const ep = this.brokers.get(id)?.endpoints.find((e) => e.name === listenerName);
        return ep ? { host: ep.host, port: ep.port } : undefined;
    }
    topicNames() {
        return [...this.topics.keys()];
    }
    topicId(name) {
        return this.topics.get(name)?.topicId;
    }
    topicNameById(topicId) {
        return this.byId.get(topicId);
    }
    /** Partitions of a topic in index order (gaps are possible only while an update is in flight). */
    partitions(name) {
        const t = this.topics.get(name);
        if (!t)
            return [];
        return [...t.partitions.values()].sort((a, b) => a.partition - b.partition);
    }
    partition(topic, partition) {
        return this.topics.get(topic)?.partitions.get(partition);
    }
}
function sameBrokers(a, b) {
    if (a.size !== b.size)
        return false;
    for (const [id, info] of a) {
        const other = b.get(id);
        if (!other || JSON.stringify(other) !== JSON.stringify(info))
            return false;
    }
    return true;
}
//# sourceMappingURL=metadata-cache.js.map