/**
 * The APIs this broker implements and the version range of each; ApiVersions advertises those that have
 * a handler (`advertisedApis`). Ranges cover what current Java (3.9/4.x), librdkafka 2.x and kafkajs clients
 * negotiate, and what Kafka 3.9 brokers speak to each other in ZooKeeper mode.
 */
import { parseVersions, precompile } from './codec.js';
import * as M from './messages/index.js';
/** Kafka's API keys for the APIs in this registry. */
export const ApiKey = {
    Produce: 0,
    Fetch: 1,
    ListOffsets: 2,
    Metadata: 3,
    LeaderAndIsr: 4,
    StopReplica: 5,
    UpdateMetadata: 6,
    ControlledShutdown: 7,
    OffsetCommit: 8,
    OffsetFetch: 9,
    FindCoordinator: 10,
    JoinGroup: 11,
    Heartbeat: 12,
    LeaveGroup: 13,
    SyncGroup: 14,
    DescribeGroups: 15,
    ListGroups: 16,
    ApiVersions: 18,
    CreateTopics: 19,
    DeleteTopics: 20,
    DeleteRecords: 21,
    InitProducerId: 22,
    OffsetForLeaderEpoch: 23,
    DescribeConfigs: 32,
    AlterConfigs: 33,
    DescribeLogDirs: 35,
    CreatePartitions: 37,
    DeleteGroups: 42,
    ElectLeaders: 43,
    IncrementalAlterConfigs: 44,
    AlterPartitionReassignments: 45,
    ListPartitionReassignments: 46,
    OffsetDelete: 47,
    AlterPartition: 56,
    DescribeCluster: 60,
};
/**
 * The inter-broker and cluster-admin APIs of ZooKeeper cluster mode (see docs/cluster-mode.md). They are in
 * `API_BY_KEY` so headers and the codec know them (a broker must decode a LeaderAndIsr it receives and
 * encode one it sends), but a broker only advertises and serves a key it has a handler for: see
 * `advertisedApis`.
 */
export const INTER_BROKER_KEYS = new Set([
    ApiKey.LeaderAndIsr,
    ApiKey.StopReplica,
    ApiKey.UpdateMetadata,
    ApiKey.ControlledShutdown,
    ApiKey.ElectLeaders,
    ApiKey.AlterPartitionReassignments,
    ApiKey.ListPartitionReassignments,
    ApiKey.AlterPartition,
]);
function api(name, request, response, minVersion, maxVersion, minServedVersion = minVersion) {
    const key = ApiKey[name];
    for (const spec of [request, response]) {
        if (spec.apiKey !== key)
            throw new Error(`${name}: ${spec.name} has apiKey ${spec.apiKey}, expected ${key}`);
        const valid = parseVersions(spec.validVersions);
        if (minVersion < valid.min || maxVersion > valid.max || minVersion > maxVersion) {
            throw new Error(`${name}: supported ${minVersion}-${maxVersion} is outside ${spec.name} ${spec.validVersions}`);
        }
    }
    return { key, name, request, response, minVersion, maxVersion, minServedVersion };
}
const APIS = [
    // Advertise v0 so librdkafka enables compression; v0-2 (message format v0/v1) are answered with
    // UNSUPPORTED_VERSION, as Kafka 4.0 does (KAFKA-18659).
    api('Produce', M.ProduceRequestSpec, M.ProduceResponseSpec, 0, 11, 3),
    api('Fetch', M.FetchRequestSpec, M.FetchResponseSpec, 4, 16),
    api('ListOffsets', M.ListOffsetsRequestSpec, M.ListOffsetsResponseSpec, 0, 8),
    api('Metadata', M.MetadataRequestSpec, M.MetadataResponseSpec, 0, 12),
    // Inter-broker (controller -> broker, broker -> controller) and reassignment/election admin APIs: the
    // versions Kafka 3.9 speaks in ZooKeeper mode.
    api('LeaderAndIsr', M.LeaderAndIsrRequestSpec, M.LeaderAndIsrResponseSpec, 0, 7),
    api('StopReplica', M.StopReplicaRequestSpec, M.StopReplicaResponseSpec, 0, 4),
    api('UpdateMetadata', M.UpdateMetadataRequestSpec, M.UpdateMetadataResponseSpec, 0, 8),
    api('ControlledShutdown', M.ControlledShutdownRequestSpec, M.ControlledShutdownResponseSpec, 0, 3),
    api('OffsetCommit', M.OffsetCommitRequestSpec, M.OffsetCommitResponseSpec, 0, 8),
    api('OffsetFetch', M.OffsetFetchRequestSpec, M.OffsetFetchResponseSpec, 0, 8),
    api('FindCoordinator', M.FindCoordinatorRequestSpec, M.FindCoordinatorResponseSpec, 0, 4),
    api('JoinGroup', M.JoinGroupRequestSpec, M.JoinGroupResponseSpec, 0, 9),
    api('Heartbeat', M.HeartbeatRequestSpec, M.HeartbeatResponseSpec, 0, 4),
    api('LeaveGroup', M.LeaveGroupRequestSpec, M.LeaveGroupResponseSpec, 0, 5),
    api('SyncGroup', M.SyncGroupRequestSpec, M.SyncGroupResponseSpec, 0, 5),
    api('DescribeGroups', M.DescribeGroupsRequestSpec, M.DescribeGroupsResponseSpec, 0, 5),
    api('ListGroups', M.ListGroupsRequestSpec, M.ListGroupsResponseSpec, 0, 4),
    api('ApiVersions', M.ApiVersionsRequestSpec, M.ApiVersionsResponseSpec, 0, 3),
    api('CreateTopics', M.CreateTopicsRequestSpec, M.CreateTopicsResponseSpec, 0, 7),
    api('DeleteTopics', M.DeleteTopicsRequestSpec, M.DeleteTopicsResponseSpec, 0, 6),
    api('DeleteRecords', M.DeleteRecordsRequestSpec, M.DeleteRecordsResponseSpec, 0, 2),
    api('InitProducerId', M.InitProducerIdRequestSpec, M.InitProducerIdResponseSpec, 0, 5),
    api('OffsetForLeaderEpoch', M.OffsetForLeaderEpochRequestSpec, M.OffsetForLeaderEpochResponseSpec, 0, 4),
    api('DescribeConfigs', M.DescribeConfigsRequestSpec, M.DescribeConfigsResponseSpec, 0, 4),
    api('AlterConfigs', M.AlterConfigsRequestSpec, M.AlterConfigsResponseSpec, 0, 2),
    api('DescribeLogDirs', M.DescribeLogDirsRequestSpec, M.DescribeLogDirsResponseSpec, 0, 4),
    api('CreatePartitions', M.CreatePartitionsRequestSpec, M.CreatePartitionsResponseSpec, 0, 3),
    api('DeleteGroups', M.DeleteGroupsRequestSpec, M.DeleteGroupsResponseSpec, 0, 2),
    api('ElectLeaders', M.ElectLeadersRequestSpec, M.ElectLeadersResponseSpec, 0, 2),
    api('IncrementalAlterConfigs', M.IncrementalAlterConfigsRequestSpec, M.IncrementalAlterConfigsResponseSpec, 0, 1),
    api('AlterPartitionReassignments', M.AlterPartitionReassignmentsRequestSpec, M.AlterPartitionReassignmentsResponseSpec, 0, 0),
    api('ListPartitionReassignments', M.ListPartitionReassignmentsRequestSpec, M.ListPartitionReassignmentsResponseSpec, 0, 0),
    api('OffsetDelete', M.OffsetDeleteRequestSpec, M.OffsetDeleteResponseSpec, 0, 0),
    api('AlterPartition', M.AlterPartitionRequestSpec, M.AlterPartitionResponseSpec, 0, 3),
    api('DescribeCluster', M.DescribeClusterRequestSpec, M.DescribeClusterResponseSpec, 0, 1),
];
export const API_BY_KEY = new Map(APIS.map((a) => [a.key, a]));
/** Whether a request of this key and version is within the advertised range. */
export function isSupported(apiKey, apiVersion) {
    const a = API_BY_KEY.get(apiKey);
    return a !== undefined && apiVersion >= a.minVersion && apiVersion <= a.maxVersion;
}
/**
 * The ApiVersions response's ApiKeys list, sorted by key: every registered API for which `hasHandler` is
 * true. The dispatcher passes its handler table, so an API is advertised exactly when it is served (the
 * inter-broker APIs appear once their handlers exist, and a single-node broker need not serve them).
 */
export function advertisedApis(hasHandler) {
    return [...API_BY_KEY.values()]
        .filter((a) => hasHandler(a.key))
        .sort((a, b) => a.key - b.key)
        .map((a) => ({ apiKey: a.key, minVersion: a.minVersion, maxVersion: a.maxVersion }));
}
/** The client-facing APIs only (what a single-node broker serves): the registry minus INTER_BROKER_KEYS. */
export function advertisedApiVersions() {
    return advertisedApis((key) => !INTER_BROKER_KEYS.has(key));
}
/**
 * Compiles the codec plan of every supported version of every API, so a schema mistake fails at startup
 * rather than on the first request that uses it.
 */
export function precompileAll() {
    for (const a of API_BY_KEY.values()) {
        for (let v = a.minVersion; v <= a.maxVersion; v++) {
            precompile(a.request, v);
            precompile(a.response, v);
        }
    }
}
//# sourceMappingURL=apis.js.map