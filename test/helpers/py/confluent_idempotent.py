"""confluent-kafka (librdkafka): idempotent producer (enable.idempotence, acks=all), then a consumer group
reads everything, commits synchronously, and reports the committed offsets. Prints one JSON line."""
import json
import sys
import time

from confluent_kafka import Consumer, Producer, TopicPartition

bootstrap, topic, group, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
deadline = time.time() + 90

errors = []
delivered = []


def on_delivery(err, msg):
    if err is not None:
        errors.append(str(err))
    else:
        delivered.append((msg.partition(), msg.offset()))


p = Producer({
    "bootstrap.servers": bootstrap,
    "enable.idempotence": True,
    "acks": "all",
    "linger.ms": 5,
    "compression.type": "lz4",
})
for i in range(n):
    while True:
        try:
            p.produce(topic, key=f"k{i}".encode(), value=f"idem-{i}".encode(), on_delivery=on_delivery)
            break
        except BufferError:
            p.poll(0.05)
    p.poll(0)
remaining = p.flush(30)

c = Consumer({
    "bootstrap.servers": bootstrap,
    "group.id": group,
    "auto.offset.reset": "earliest",
    "enable.auto.commit": False,
    "session.timeout.ms": 10000,
})
c.subscribe([topic])
values = []
last = {}
while len(values) < n and time.time() < deadline:
    msg = c.poll(0.5)
    if msg is None:
        continue
    if msg.error():
        errors.append(str(msg.error()))
        continue
    values.append(msg.value().decode())
    last[msg.partition()] = msg.offset()
c.commit(asynchronous=False)
committed = c.committed([TopicPartition(topic, part) for part in sorted(last)], timeout=10)
c.close()

print(json.dumps({
    "delivered": len(delivered),
    "unflushed": remaining,
    "errors": errors,
    "consumed": len(values),
    "unique": len(set(values)),
    "values_ok": sorted(values) == sorted(f"idem-{i}" for i in range(n)),
    "committed": {str(tp.partition): tp.offset for tp in committed},
    "last_offsets": {str(k): v for k, v in last.items()},
}))
