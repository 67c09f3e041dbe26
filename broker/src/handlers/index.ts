/** API key → handler. The file names in this directory are the supported APIs, as in franz-go's kfake. */
import type { Handler } from './context.js';
import { handleProduce } from './00_produce.js';
import { handleFetch } from './01_fetch.js';
import { handleListOffsets } from './02_list_offsets.js';
import { handleMetadata } from './03_metadata.js';
import { handleOffsetCommit } from './08_offset_commit.js';
import { handleOffsetFetch } from './09_offset_fetch.js';
import { handleFindCoordinator } from './10_find_coordinator.js';
import { handleJoinGroup } from './11_join_group.js';
import { handleHeartbeat } from './12_heartbeat.js';
import { handleLeaveGroup } from './13_leave_group.js';
import { handleSyncGroup } from './14_sync_group.js';
import { handleDescribeGroups } from './15_describe_groups.js';
import { handleListGroups } from './16_list_groups.js';
import { handleApiVersions } from './18_api_versions.js';
import { handleLeaderAndIsr } from './04_leader_and_isr.js';
import { handleStopReplica } from './05_stop_replica.js';
import { handleUpdateMetadata } from './06_update_metadata.js';
import { handleControlledShutdown } from './07_controlled_shutdown.js';
import { handleElectLeaders } from './43_elect_leaders.js';
import { handleAlterPartitionReassignments } from './45_alter_partition_reassignments.js';
import { handleListPartitionReassignments } from './46_list_partition_reassignments.js';
import { handleAlterPartition } from './56_alter_partition.js';
import { handleCreateTopics } from './19_create_topics.js';
import { handleDeleteTopics } from './20_delete_topics.js';
import { handleDeleteRecords } from './21_delete_records.js';
import { handleInitProducerId } from './22_init_producer_id.js';
import { handleOffsetForLeaderEpoch } from './23_offset_for_leader_epoch.js';
import { handleDescribeConfigs } from './32_describe_configs.js';
import { handleAlterConfigs } from './33_alter_configs.js';
import { handleDescribeLogDirs } from './35_describe_log_dirs.js';
import { handleCreatePartitions } from './37_create_partitions.js';
import { handleDeleteGroups } from './42_delete_groups.js';
import { handleIncrementalAlterConfigs } from './44_incremental_alter_configs.js';
import { handleOffsetDelete } from './47_offset_delete.js';
import { handleDescribeCluster } from './60_describe_cluster.js';

// Handlers are typed per message; the dispatcher only knows that the codec produced the matching request.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyHandler = Handler<any, any>;

export const HANDLERS: ReadonlyMap<number, AnyHandler> = new Map<number, AnyHandler>([
  [0, handleProduce],
  [1, handleFetch],
  [2, handleListOffsets],
  [3, handleMetadata],
  [4, handleLeaderAndIsr],
  [5, handleStopReplica],
  [6, handleUpdateMetadata],
  [7, handleControlledShutdown],
  [8, handleOffsetCommit],
  [9, handleOffsetFetch],
  [10, handleFindCoordinator],
  [11, handleJoinGroup],
  [12, handleHeartbeat],
  [13, handleLeaveGroup],
  [14, handleSyncGroup],
  [15, handleDescribeGroups],
  [16, handleListGroups],
  [18, handleApiVersions],
  [19, handleCreateTopics],
  [20, handleDeleteTopics],
  [21, handleDeleteRecords],
  [22, handleInitProducerId],
  [23, handleOffsetForLeaderEpoch],
  [32, handleDescribeConfigs],
  [33, handleAlterConfigs],
  [35, handleDescribeLogDirs],
  [37, handleCreatePartitions],
  [42, handleDeleteGroups],
  [43, handleElectLeaders],
  [44, handleIncrementalAlterConfigs],
  [45, handleAlterPartitionReassignments],
  [46, handleListPartitionReassignments],
  [47, handleOffsetDelete],
  [56, handleAlterPartition],
  [60, handleDescribeCluster],
]);
