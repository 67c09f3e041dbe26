export const GROUP_STATES = ['Empty', 'PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead'];
/** Kafka's ConsumerProtocol.PROTOCOL_TYPE: groups of this type expose subscribed topics. */
export const CONSUMER_PROTOCOL_TYPE = 'consumer';
const VALID_PREVIOUS = {
    Empty: ['PreparingRebalance'],
    PreparingRebalance: ['Stable', 'CompletingRebalance', 'Empty'],
    CompletingRebalance: ['PreparingRebalance'],
    Stable: ['CompletingRebalance'],
    Dead: ['Stable', 'PreparingRebalance', 'CompletingRebalance', 'Empty', 'Dead'],
};
export const EMPTY_BYTES = Buffer.alloc(0);
export function joinError(memberId, errorCode) {
    return {
        errorCode,
        memberId,
        generationId: -1,
        protocolType: null,
        protocolName: null,
        leaderId: '',
        skipAssignment: false,
        members: [],
    };
}
export function syncError(errorCode) {
    return { errorCode, protocolType: null, protocolName: null, assignment: EMPTY_BYTES };
}
export class MemberMetadata {
    memberId;
    groupInstanceId;
    clientId;
    clientHost;
    rebalanceTimeoutMs;
    sessionTimeoutMs;
    protocolType;
    supportedProtocols;
    assignment = EMPTY_BYTES;
    awaitingJoinCallback = null;
    awaitingSyncCallback = null;
    /** Joined during the current rebalance and not yet answered: expires on NewMemberJoinTimeoutMs. */
    isNew = false;
    heartbeatTimer = null;
    constructor(memberId, groupInstanceId, clientId, clientHost, rebalanceTimeoutMs, sessionTimeoutMs, protocolType, supportedProtocols) {
        this.memberId = memberId;
        this.groupInstanceId = groupInstanceId;
        this.clientId = clientId;
        this.clientHost = clientHost;
        this.rebalanceTimeoutMs = rebalanceTimeoutMs;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.protocolType = protocolType;
        this.supportedProtocols = supportedProtocols;
    }
    get isAwaitingJoin() {
        return this.awaitingJoinCallback !== null;
    }
    get isAwaitingSync() {
        return this.awaitingSyncCallback !== null;
    }
    get isStaticMember() {
        return this.groupInstanceId !== null;
    }
    /** The member's metadata for `protocol` (empty if it does not support it, which a selected protocol excludes). */
    metadata(protocol) {
        return this.supportedProtocols.find((p) => p.name === protocol)?.metadata ?? EMPTY_BYTES;
    }
    /** Same protocols with the same metadata, in the same order: a rejoin that needs no rebalance. */
    matches(protocols) {
        if (protocols.length !== this.supportedProtocols.length)
            return false;
        return protocols.every((p, i) => {
            const mine = this.supportedProtocols[i];
            return mine.name === p.name && mine.metadata.equals(p.metadata);
        });
    }
    /** The member's most preferred protocol among the candidates (its list is in preference order). */
    vote(candidates) {
        const p = this.supportedProtocols.find((x) => candidates.has(x.name));
        if (!p)
            throw new Error(`member ${this.memberId} does not support any of the candidate protocols`);
        return p.name;
    }
}
export class ClassicGroup {
    groupId;
    state;
    protocolType = null;
    protocolName = null;
    generationId = 0;
    leaderId = null;
    currentStateTimestamp = null;
    /** Insertion-ordered, like Kafka's map, so "the first member" is well defined. */
    members = new Map();
    /** group.instance.id -> current member id. */
    staticMembers = new Map();
    /** Member ids handed out with MEMBER_ID_REQUIRED, awaiting their second JoinGroup (with expiry timers). */
    pendingJoinMembers = new Map();
    /** Members of the new generation that have not sent SyncGroup yet. */
    pendingSyncMembers = new Set();
    numMembersAwaitingJoin = 0;
    supportedProtocols = new Map();
    /** For the initial rebalance delay: a member joined during the current delay window. */
    newMemberAdded = false;
    /** Topics the members subscribe to (consumer protocol only); null when unknown. */
    subscribedTopics = null;
    offsets = new Map();
    /** The pending join completion (DelayedJoin / InitialDelayedJoin). */
    joinTimer = null;
    joinTimerIsInitialDelay = false;
    /** The pending-sync expiry for the current generation. */
    syncTimer = null;
    constructor(groupId, initialState) {
        this.groupId = groupId;
        this.state = initialState;
    }
    is(state) {
        return this.state === state;
    }
    transitionTo(state, now) {
        if (!VALID_PREVIOUS[state].includes(this.state)) {
            throw new Error(`Group ${this.groupId} should be in one of ${VALID_PREVIOUS[state].join(',')} before moving to ${state}, but is ${this.state}`);
        }
        this.state = state;
        this.currentStateTimestamp = now;
    }
    get size() {
        return this.members.size;
    }
    has(memberId) {
        return this.members.has(memberId);
    }
    get(memberId) {
        const m = this.members.get(memberId);
        if (!m)
            throw new Error(`member ${memberId} is not in group ${this.groupId}`);
        return m;
    }
    isLeader(memberId) {
        return this.leaderId === memberId;
    }
    isPendingMember(memberId) {
        return this.pendingJoinMembers.has(memberId);
    }
    currentStaticMemberId(groupInstanceId) {
        return this.staticMembers.get(groupInstanceId);
    }
    get isConsumerGroup() {
        return this.protocolType === CONSUMER_PROTOCOL_TYPE;
    }
    /** Max of the members' rebalance timeouts: how long a rebalance waits for everyone to rejoin. */
    get rebalanceTimeoutMs() {
        let max = 0;
        for (const m of this.members.values())
            max = Math.max(max, m.rebalanceTimeoutMs);
        return max;
    }
    get hasAllMembersJoined() {
        return this.members.size === this.numMembersAwaitingJoin && this.pendingJoinMembers.size === 0;
    }
    add(member, callback) {
        if (this.members.size === 0)
            this.protocolType = member.protocolType;
        if (this.leaderId === null)
            this.leaderId = member.memberId;
        this.members.set(member.memberId, member);
        if (member.groupInstanceId !== null)
            this.staticMembers.set(member.groupInstanceId, member.memberId);
        this.incSupportedProtocols(member);
        member.awaitingJoinCallback = callback;
        if (member.isAwaitingJoin)
            this.numMembersAwaitingJoin++;
    }
    remove(memberId) {
        const member = this.members.get(memberId);
        if (member) {
            this.members.delete(memberId);
            this.decSupportedProtocols(member);
            if (member.isAwaitingJoin)
                this.numMembersAwaitingJoin--;
            if (member.groupInstanceId !== null && this.staticMembers.get(member.groupInstanceId) === memberId) {
                this.staticMembers.delete(member.groupInstanceId);
            }
        }
        if (this.isLeader(memberId)) {
            const next = this.members.keys().next();
            this.leaderId = next.done ? null : next.value;
        }
        this.pendingSyncMembers.delete(memberId);
    }
    /** Replaces a static member's id (a restart of the same instance); the old id's callbacks are fenced. */
    replaceStaticMember(groupInstanceId, oldMemberId, newMemberId, fencedCode) {
        const member = this.members.get(oldMemberId);
        if (!member)
            throw new Error(`cannot replace non-existing member ${oldMemberId} of group ${this.groupId}`);
        this.members.delete(oldMemberId);
        // Fence a duplicate instance still waiting on the old id, right away.
        this.maybeInvokeJoinCallback(member, joinError(oldMemberId, fencedCode));
        this.maybeInvokeSyncCallback(member, syncError(fencedCode));
        member.memberId = newMemberId;
        this.members.set(newMemberId, member);
        if (this.isLeader(oldMemberId))
            this.leaderId = newMemberId;
        this.staticMembers.set(groupInstanceId, newMemberId);
        if (this.pendingSyncMembers.delete(oldMemberId))
            this.pendingSyncMembers.add(newMemberId);
        return member;
    }
    updateMember(member, protocols, rebalanceTimeoutMs, sessionTimeoutMs, callback) {
        this.decSupportedProtocols(member);
        member.supportedProtocols = protocols;
        this.incSupportedProtocols(member);
        member.rebalanceTimeoutMs = rebalanceTimeoutMs;
        member.sessionTimeoutMs = sessionTimeoutMs;
        if (callback !== null && !member.isAwaitingJoin)
            this.numMembersAwaitingJoin++;
        else if (callback === null && member.isAwaitingJoin)
            this.numMembersAwaitingJoin--;
        member.awaitingJoinCallback = callback;
    }
    maybeInvokeJoinCallback(member, result) {
        const cb = member.awaitingJoinCallback;
        if (!cb)
            return false;
        member.awaitingJoinCallback = null;
        this.numMembersAwaitingJoin--;
        cb(result);
        return true;
    }
    maybeInvokeSyncCallback(member, result) {
        const cb = member.awaitingSyncCallback;
        if (!cb)
            return false;
        member.awaitingSyncCallback = null;
        cb(result);
        return true;
    }
    incSupportedProtocols(member) {
        for (const p of new Set(member.supportedProtocols.map((x) => x.name))) {
            this.supportedProtocols.set(p, (this.supportedProtocols.get(p) ?? 0) + 1);
        }
    }
    decSupportedProtocols(member) {
        for (const p of new Set(member.supportedProtocols.map((x) => x.name))) {
            const n = (this.supportedProtocols.get(p) ?? 0) - 1;
            if (n <= 0)
                this.supportedProtocols.delete(p);
            else
                this.supportedProtocols.set(p, n);
        }
    }
    /** Protocols every member supports. */
    candidateProtocols() {
        const out = new Set();
        for (const [p, n] of this.supportedProtocols)
            if (n === this.members.size)
                out.add(p);
        return out;
    }
    /**
     * Can a member with this protocol type and protocols join? An empty group takes anything non-empty;
     * otherwise the type must match and one protocol must be supported by every current member.
     */
    supportsProtocols(memberProtocolType, memberProtocols) {
        if (this.is('Empty'))
            return memberProtocolType !== '' && memberProtocols.length > 0;
        return (this.protocolType === memberProtocolType &&
            memberProtocols.some((p) => this.supportedProtocols.get(p.name) === this.members.size));
    }
    /**
     * Each member votes for its most preferred candidate; most votes wins. Ties go to the protocol voted
     * first in member order (Kafka leaves ties to HashMap order, so any deterministic rule is compatible).
     */
    selectProtocol() {
        if (this.members.size === 0)
            throw new Error(`cannot select protocol for empty group ${this.groupId}`);
        const candidates = this.candidateProtocols();
        const votes = new Map();
        for (const m of this.members.values()) {
            const v = m.vote(candidates);
            votes.set(v, (votes.get(v) ?? 0) + 1);
        }
        let best = '';
        let bestVotes = -1;
        for (const [p, n] of votes) {
            if (n > bestVotes) {
                best = p;
                bestVotes = n;
            }
        }
        return best;
    }
    /**
     * If the leader has not rejoined, makes any rejoined member the leader. False when nobody rejoined
     * (or there is no leader).
     */
    maybeElectNewJoinedLeader() {
        if (this.leaderId === null)
            return false;
        const leader = this.members.get(this.leaderId);
        if (leader?.isAwaitingJoin)
            return true;
        for (const m of this.members.values()) {
            if (m.isAwaitingJoin) {
                this.leaderId = m.memberId;
                return true;
            }
        }
        return false;
    }
    notYetRejoinedMembers() {
        return [...this.members.values()].filter((m) => !m.isAwaitingJoin);
    }
    initNextGeneration(now) {
        this.generationId++;
        if (this.members.size > 0) {
            this.protocolName = this.selectProtocol();
            this.subscribedTopics = this.computeSubscribedTopics();
            this.transitionTo('CompletingRebalance', now);
        }
        else {
            this.protocolName = null;
            this.subscribedTopics = this.computeSubscribedTopics();
            this.transitionTo('Empty', now);
        }
        this.pendingSyncMembers.clear();
    }
    /** The members as the leader sees them in its JoinGroup response. */
    currentMemberMetadata() {
        const protocol = this.protocolName;
        if (protocol === null)
            throw new Error(`no protocol selected for group ${this.groupId}`);
        return [...this.members.values()].map((m) => ({
            memberId: m.memberId,
            groupInstanceId: m.groupInstanceId,
            metadata: m.metadata(protocol),
        }));
    }
    /**
     * Topics of all members' ConsumerProtocolSubscription (consumer groups only). null = unknown (not a
     * consumer group, or undecodable metadata), which callers treat as "maybe subscribed to anything".
     */
    computeSubscribedTopics() {
        if (this.protocolType !== CONSUMER_PROTOCOL_TYPE || this.protocolName === null || this.members.size === 0) {
            return this.members.size === 0 && this.protocolType === CONSUMER_PROTOCOL_TYPE ? new Set() : null;
        }
        const topics = new Set();
        for (const m of this.members.values()) {
            const t = subscriptionTopics(m.metadata(this.protocolName));
            if (t === null)
                return null;
            for (const x of t)
                topics.add(x);
        }
        return topics;
    }
    /** A consumer group subscribed to the topic, or unknown (then assume it is). */
    isSubscribedToTopic(topic) {
        return this.subscribedTopics === null ? true : this.subscribedTopics.has(topic);
    }
    get hasOffsets() {
        return this.offsets.size > 0;
    }
    offset(topic, partition) {
        return this.offsets.get(topic)?.get(partition);
    }
    setOffset(topic, partition, o) {
        let t = this.offsets.get(topic);
        if (!t)
            this.offsets.set(topic, (t = new Map()));
        t.set(partition, o);
    }
    removeOffset(topic, partition) {
        const t = this.offsets.get(topic);
        if (!t || !t.delete(partition))
            return false;
        if (t.size === 0)
            this.offsets.delete(topic);
        return true;
    }
    allOffsets() {
        const out = [];
        for (const [topic, parts] of this.offsets)
            for (const [partition, offset] of parts)
                out.push({ topic, partition, offset });
        return out;
    }
}
/**
 * The topics of a ConsumerProtocolSubscription (int16 version, then `[]string` topics first at every
 * version), read by hand so versions newer than our schema still work. null if the bytes do not parse.
 */
export function subscriptionTopics(metadata) {
    try {
        if (metadata.length < 6)
            return null;
        let pos = 2;
        const n = metadata.readInt32BE(pos);
        pos += 4;
        if (n < 0)
            return null;
        const out = [];
        for (let i = 0; i < n; i++) {
            const len = metadata.readInt16BE(pos);
            pos += 2;
            if (len < 0 || pos + len > metadata.length)
                return null;
            out.push(metadata.toString('utf8', pos, pos + len));
            pos += len;
        }
        return out;
    }
    catch {
        return null;
    }
}
//# sourceMappingURL=group.js.map