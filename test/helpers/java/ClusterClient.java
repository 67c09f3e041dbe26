// Java Kafka client (kafka-clients 3.9) used by the cluster tests; compiled at test time by
// test/helpers/java-clients.ts. Three modes, every output line on stdout, logs (errors only) on stderr:
//
//   produce <bootstrap> <topic> <recordsPerSecond> [maxRecords]
//       idempotent acks=all producer of numbered records (value "<seq>:<padding>", partition = seq % partitions)
//       until stdin closes or maxRecords were sent; prints "ACK <seq> <partition> <offset>" per acknowledged
//       record, "ERR <seq> <error>" per failed one, then "DONE sent=<n> acked=<n> failed=<n>".
//   consume <bootstrap> <topic> <group>
//       group member (subscribe, auto commit each second) until stdin closes; prints
//       "REC <partition> <offset> <value>" per record, "DONE committed" after a final commitSync.
//   dump <bootstrap> <topic> <timeoutMs>
//       reads every partition from the beginning up to its end offset (taken at start); prints
//       "END <partition> <endOffset>" per partition, "REC <partition> <offset> <value>" per record, "DONE".
import java.io.BufferedWriter;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

public final class ClusterClient {
  private static final PrintWriter OUT =
      new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16), false);
  private static final AtomicBoolean STOP = new AtomicBoolean(false);

  private static synchronized void emit(String line) {
    OUT.println(line);
  }

  private static synchronized void flush() {
    OUT.flush();
  }

  /** Sets STOP when stdin reaches EOF (the test closes it to stop the client). */
  private static void watchStdin() {
    Thread t = new Thread(() -> {
      try {
        InputStream in = System.in;
        byte[] buf = new byte[256];
        while (in.read(buf) >= 0) {
          // ignore input; EOF stops
        }
      } catch (Exception e) {
        // treat as EOF
      }
      STOP.set(true);
    }, "stdin-watch");
    t.setDaemon(true);
    t.start();
  }

  /** Flushes stdout every 100 ms so the test sees progress. */
  private static void startFlusher() {
    Thread t = new Thread(() -> {
      while (true) {
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        }
        flush();
      }
    }, "flusher");
    t.setDaemon(true);
    t.start();
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: ClusterClient produce|consume|dump <bootstrap> <topic> ...");
      System.exit(2);
    }
    startFlusher();
    switch (args[0]) {
      case "produce":
        produce(args[1], args[2], Double.parseDouble(args[3]), args.length > 4 ? Long.parseLong(args[4]) : Long.MAX_VALUE);
        break;
      case "consume":
        consume(args[1], args[2], args[3]);
        break;
      case "dump":
        dump(args[1], args[2], Long.parseLong(args[3]));
        break;
      default:
        System.err.println("unknown mode " + args[0]);
        System.exit(2);
    }
    flush();
    System.exit(0);
  }

  private static void produce(String bootstrap, String topic, double rate, long max) throws Exception {
    watchStdin();
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "cluster-test-producer");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
    p.put(ProducerConfig.RETRIES_CONFIG, Integer.toString(Integer.MAX_VALUE));
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "180000");
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "100");
    p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "180000");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    AtomicLong acked = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    long sent = 0;
    String pad = "x".repeat(64);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      List<PartitionInfo> parts = producer.partitionsFor(topic);
      int n = parts.size();
      long start = System.nanoTime();
      while (!STOP.get() && sent < max) {
        long due = (long) ((System.nanoTime() - start) / 1e9 * rate) + 1;
        if (sent >= due) {
          Thread.sleep(2);
          continue;
        }
        final long seq = sent++;
        int partition = (int) (seq % n);
        producer.send(new ProducerRecord<>(topic, partition, null, seq + ":" + pad), (md, err) -> {
          if (err == null) {
            acked.incrementAndGet();
            emit("ACK " + seq + " " + md.partition() + " " + md.offset());
          } else {
            failed.incrementAndGet();
            emit("ERR " + seq + " " + err.getClass().getSimpleName() + ": " + String.valueOf(err.getMessage()).replace('\n', ' '));
          }
        });
      }
      producer.flush();
    }
    emit("DONE sent=" + sent + " acked=" + acked.get() + " failed=" + failed.get());
  }

  private static Properties consumerProps(String bootstrap, String group) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "cluster-test-consumer");
    if (group != null) p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
    p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "1000");
    p.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
    p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
    p.put(ConsumerConfig.RETRY_BACKOFF_MS_CONFIG, "100");
    p.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "200");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    return p;
  }

  private static String valueOf(ConsumerRecord<String, String> r) {
    String v = r.value();
    if (v == null) return "null";
    int i = v.indexOf(':');
    return i >= 0 ? v.substring(0, i) : v;
  }

  private static void consume(String bootstrap, String topic, String group) {
    watchStdin();
    Properties p = consumerProps(bootstrap, group);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "true");
    p.put(ConsumerConfig.AUTO_COMMIT_INTERVAL_MS_CONFIG, "1000");
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
      c.subscribe(Collections.singletonList(topic));
      while (!STOP.get()) {
        ConsumerRecords<String, String> recs = c.poll(Duration.ofMillis(200));
        for (ConsumerRecord<String, String> r : recs) emit("REC " + r.partition() + " " + r.offset() + " " + valueOf(r));
      }
      try {
        c.commitSync(Duration.ofSeconds(20));
        emit("DONE committed");
      } catch (Exception e) {
        emit("DONE commit-failed " + e.getClass().getSimpleName());
      }
    }
  }

  private static void dump(String bootstrap, String topic, long timeoutMs) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    Properties p = consumerProps(bootstrap, null);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
      List<TopicPartition> tps = new ArrayList<>();
      for (PartitionInfo pi : c.partitionsFor(topic, Duration.ofSeconds(30))) tps.add(new TopicPartition(topic, pi.partition()));
      c.assign(tps);
      c.seekToBeginning(tps);
      Map<TopicPartition, Long> end = c.endOffsets(tps, Duration.ofSeconds(30));
      for (TopicPartition tp : tps) emit("END " + tp.partition() + " " + end.get(tp));
      Map<TopicPartition, Long> remaining = new HashMap<>(end);
      while (true) {
        remaining.entrySet().removeIf(e -> c.position(e.getKey(), Duration.ofSeconds(30)) >= e.getValue());
        if (remaining.isEmpty()) break;
        if (System.currentTimeMillis() > deadline) {
          emit("TIMEOUT " + remaining);
          break;
        }
        ConsumerRecords<String, String> recs = c.poll(Duration.ofMillis(500));
        for (ConsumerRecord<String, String> r : recs) {
          Long e = end.get(new TopicPartition(r.topic(), r.partition()));
          if (e != null && r.offset() < e) emit("REC " + r.partition() + " " + r.offset() + " " + valueOf(r));
        }
      }
    }
    emit("DONE");
  }
}
