"""kafka-python: producer (acks=all) then a group consumer round trip with a commit. Prints one JSON line."""
import json
import sys
import time

from kafka import KafkaConsumer, KafkaProducer, TopicPartition

bootstrap, topic, group, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
deadline = time.time() + 90

producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5, compression_type="gzip")
futures = [producer.send(topic, key=f"k{i}".encode(), value=f"kp-{i}".encode()) for i in range(n)]
producer.flush(30)
metas = [f.get(timeout=30) for f in futures]
producer.close()

consumer = KafkaConsumer(
    topic,
    bootstrap_servers=bootstrap,
    group_id=group,
    auto_offset_reset="earliest",
    enable_auto_commit=False,
    session_timeout_ms=10000,
)
values = []
while len(values) < n and time.time() < deadline:
    batch = consumer.poll(timeout_ms=500)
    for _tp, records in batch.items():
        for r in records:
            values.append(r.value.decode())
consumer.commit()
parts = consumer.partitions_for_topic(topic) or set()
committed = {str(part): consumer.committed(TopicPartition(topic, part)) for part in sorted(parts)}
consumer.close()

print(json.dumps({
    "acked": len(metas),
    "acked_partitions": sorted({m.partition for m in metas}),
    "consumed": len(values),
    "unique": len(set(values)),
    "values_ok": sorted(values) == sorted(f"kp-{i}" for i in range(n)),
    "committed": committed,
}))
