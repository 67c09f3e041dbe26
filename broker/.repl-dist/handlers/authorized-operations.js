/**
 * Gregor has no ACLs yet, so every principal may do everything. Kafka encodes "not requested" as
 * Integer.MIN_VALUE and otherwise a bit set of AclOperation codes.
 */
export const OPERATIONS_NOT_REQUESTED = -2147483648;
const bits = (...ops) => ops.reduce((acc, op) => acc | (1 << op), 0);
// AclOperation: READ 3, WRITE 4, CREATE 5, DELETE 6, ALTER 7, DESCRIBE 8, CLUSTER_ACTION 9,
// DESCRIBE_CONFIGS 10, ALTER_CONFIGS 11, IDEMPOTENT_WRITE 12, CREATE_TOKENS 13, DESCRIBE_TOKENS 14.
export const TOPIC_OPERATIONS = bits(3, 4, 5, 6, 7, 8, 10, 11);
export const CLUSTER_OPERATIONS = bits(5, 7, 8, 9, 10, 11, 12, 13, 14);
export const GROUP_OPERATIONS = bits(3, 6, 8);
//# sourceMappingURL=authorized-operations.js.map