/**
 * Every API message schema and decoded-object interface, one module per API key (named `<key>_<name>.ts`).
 * Names follow Kafka's JSON: `<Name>RequestSpec` / `<Name>ResponseSpec`, interfaces `<Name>Request` /
 * `<Name>Response`, nested structs by Kafka's struct name, prefixed by the message name where Kafka's name
 * alone could clash between messages.
 */
export * from './00_produce.js';
export * from './01_fetch.js';
export * from './02_list_offsets.js';
export * from './03_metadata.js';
export * from './04_leader_and_isr.js';
export * from './05_stop_replica.js';
export * from './06_update_metadata.js';
export * from './07_controlled_shutdown.js';
export * from './08_offset_commit.js';
export * from './09_offset_fetch.js';
export * from './10_find_coordinator.js';
export * from './11_join_group.js';
export * from './12_heartbeat.js';
export * from './13_leave_group.js';
export * from './14_sync_group.js';
export * from './15_describe_groups.js';
export * from './16_list_groups.js';
export * from './18_api_versions.js';
export * from './19_create_topics.js';
export * from './20_delete_topics.js';
export * from './21_delete_records.js';
export * from './22_init_producer_id.js';
export * from './23_offset_for_leader_epoch.js';
export * from './32_describe_configs.js';
export * from './33_alter_configs.js';
export * from './35_describe_log_dirs.js';
export * from './37_create_partitions.js';
export * from './42_delete_groups.js';
export * from './43_elect_leaders.js';
export * from './44_incremental_alter_configs.js';
export * from './45_alter_partition_reassignments.js';
export * from './46_list_partition_reassignments.js';
export * from './47_offset_delete.js';
export * from './56_alter_partition.js';
export * from './60_describe_cluster.js';
//# sourceMappingURL=index.js.map