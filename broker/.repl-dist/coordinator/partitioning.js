/**
 * Which `__consumer_offsets` partition holds a group: Kafka's
 * `Utils.abs(groupId.hashCode) % offsets.topic.num.partitions`. The hash must be Java's String.hashCode
 * bit for bit, or a group would move partitions when a cluster switches between Kafka and Gregor.
 */
/** Java's String.hashCode: s[0]*31^(n-1) + ... + s[n-1] over UTF-16 code units, in int32 arithmetic. */
export function javaStringHashCode(s) {
    let h = 0;
    // JS strings are UTF-16 code unit sequences, exactly what Java hashes (surrogate pairs count as two).
    for (let i = 0; i < s.length; i++)
        h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
    return h;
}
/** Kafka's Utils.abs: Math.abs except that Integer.MIN_VALUE maps to 0 (Math.abs would stay negative). */
export function kafkaAbs(n) {
    return n === -2147483648 ? 0 : Math.abs(n);
}
export function offsetsPartitionFor(groupId, numPartitions) {
    return kafkaAbs(javaStringHashCode(groupId)) % numPartitions;
}
//# sourceMappingURL=partitioning.js.map