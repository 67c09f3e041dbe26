// Node.js clients against the broker: kafkajs (admin, producer, a rebalancing 3-member group, committed
// offsets surviving a broker restart) and @platformatic/kafka (admin, producer, consumer round trip, and the same
// rebalancing 3-member group with committed offsets resumed after a restart).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigResourceTypes, type Consumer, type Kafka } from 'kafkajs';
import {
  Admin as PAdmin,
  Consumer as PConsumer,
  MessagesStreamFallbackModes,
  type MessagesStream,
  type MessagesStreamFallbackModeValue,
  MessagesStreamModes,
  Producer as PProducer,
  stringDeserializers,
  stringSerializers,
} from '@platformatic/kafka';
import { startBroker, type TestBroker } from './helpers/broker.js';
import { kafkajs, waitFor } from './helpers/util.js';

describe('kafkajs', () => {
  let broker: TestBroker;
  let kafka: Kafka;

  beforeAll(async () => {
    broker = await startBroker({ name: 'node-clients' });
    kafka = kafkajs(broker, 'node-clients');
  });
  afterAll(async () => {
    await broker?.cleanup();
  });

  it('admin: createTopics, fetchTopicMetadata, describeConfigs; producer with acks=-1', async () => {
    let againPartition = -1;
    let againOffset = '';
    const admin = kafka.admin();
    await admin.connect();
    try {
      const created = await admin.createTopics({
        waitForLeaders: true,
        topics: [
          {
            topic: 'kjs-admin',
            numPartitions: 4,
            replicationFactor: 1,
            configEntries: [
              { name: 'retention.ms', value: '3600000' },
              { name: 'cleanup.policy', value: 'delete' },
            ],
          },
        ],
      });
      expect(created).toBe(true);
      // Creating it again: Kafka answers TOPIC_ALREADY_EXISTS (36) for the topic, which kafkajs turns into a
      // resolved `false` (any other error code would reject and fail the test here).
      const again = await admin.createTopics({ topics: [{ topic: 'kjs-admin', numPartitions: 4 }] });
      expect(again).toBe(false);

      expect(await admin.listTopics()).toContain('kjs-admin');
      const md = await admin.fetchTopicMetadata({ topics: ['kjs-admin'] });
      expect(md.topics).toHaveLength(1);
      const parts = md.topics[0].partitions.sort((a, b) => a.partitionId - b.partitionId);
      expect(parts.map((p) => p.partitionId)).toEqual([0, 1, 2, 3]);
      for (const p of parts) {
        expect(p.leader).toBe(broker.brokerId);
        expect(p.replicas).toEqual([broker.brokerId]);
        expect(p.isr).toEqual([broker.brokerId]);
      }

      const cfg = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: 'kjs-admin' }],
      });
      const entries = Object.fromEntries(cfg.resources[0].configEntries.map((e) => [e.configName, e]));
      expect(entries['retention.ms'].configValue).toBe('3600000');
      expect(entries['retention.ms'].isDefault).toBe(false);
      expect(entries['cleanup.policy'].configValue).toBe('delete');
      expect(entries['segment.bytes']).toBeDefined();

      const producer = kafka.producer({ allowAutoTopicCreation: false });
      await producer.connect();
      try {
        const res = await producer.send({
          topic: 'kjs-admin',
          acks: -1,
          messages: Array.from({ length: 40 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })),
        });
        expect(res.every((r) => r.errorCode === 0)).toBe(true);
        // A fresh topic: every partition that got records reports base offset 0.
        expect(res.every((r) => r.baseOffset === '0')).toBe(true);
        // Same key → same partition: a second send with key k0 (value "again").
        const again2 = await producer.send({ topic: 'kjs-admin', acks: -1, messages: [{ key: 'k0', value: 'again' }] });
        expect(again2).toHaveLength(1);
        expect(again2[0].errorCode).toBe(0);
        againPartition = again2[0].partition;
        againOffset = again2[0].baseOffset!;
      } finally {
        await producer.disconnect();
      }
      const offsets = await admin.fetchTopicOffsets('kjs-admin');
      expect(offsets.reduce((s, o) => s + Number(o.high), 0)).toBe(41);
      expect(offsets.every((o) => o.low === '0')).toBe(true);

      // Read every record back to see where each one was stored: "v0" (first record with key k0) and "again"
      // must sit in the partition the second send reported, "again" at the reported offset.
      const reader = kafka.consumer({ groupId: 'kjs-admin-reader', maxWaitTimeInMs: 200 });
      const stored = new Map<string, { key: string; partition: number; offset: string }>();
      await reader.connect();
      try {
        await reader.subscribe({ topic: 'kjs-admin', fromBeginning: true });
        await reader.run({
          eachMessage: async ({ partition, message }) => {
            stored.set(message.value!.toString(), { key: message.key!.toString(), partition, offset: message.offset });
          },
        });
        await waitFor(() => stored.size >= 41, { timeoutMs: 60_000, what: '41 records read back' });
      } finally {
        await reader.disconnect();
      }
      expect(stored.size).toBe(41);
      expect(stored.get('v0')).toMatchObject({ key: 'k0', partition: againPartition });
      expect(stored.get('again')).toEqual({ key: 'k0', partition: againPartition, offset: againOffset });
      // Per partition the stored records are exactly what fetchTopicOffsets counts.
      for (const o of offsets) {
        expect([...stored.values()].filter((r) => r.partition === o.partition).length).toBe(Number(o.high));
      }
    } finally {
      await admin.disconnect();
    }
  });

  it('3-member group: rebalances when one leaves, every partition consumed, no duplicates after commit, offsets survive a broker restart', async () => {
    const topic = 'kjs-group';
    const groupId = 'kjs-group-1';
    const partitions = 6;
    const admin = kafka.admin();
    await admin.connect();
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const consumers: Consumer[] = [];
    try {
      await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: partitions }] });

      const seen: { member: number; partition: number; value: string }[] = [];
      const assignments = new Map<number, number[]>();
      const startMember = async (member: number, k: Kafka): Promise<Consumer> => {
        const c = k.consumer({
          groupId,
          sessionTimeout: 10_000,
          rebalanceTimeout: 15_000,
          heartbeatInterval: 500,
          maxWaitTimeInMs: 200,
          retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 3000 },
        });
        c.on(c.events.GROUP_JOIN, (e) => {
          assignments.set(member, [...(e.payload.memberAssignment[topic] ?? [])].sort((a, b) => a - b));
        });
        await c.connect();
        await c.subscribe({ topic, fromBeginning: true });
        await c.run({
          autoCommitThreshold: 1,
          eachMessage: async ({ partition, message }) => {
            seen.push({ member, partition, value: message.value!.toString() });
          },
        });
        consumers.push(c);
        return c;
      };
      const coverage = (members: number[]) => {
        const all = members.flatMap((m) => assignments.get(m) ?? []);
        return (
          members.every((m) => (assignments.get(m) ?? []).length > 0) &&
          all.length === partitions &&
          new Set(all).size === partitions
        );
      };
      const produce = async (prefix: string, n: number) => {
        await producer.send({
          topic,
          acks: -1,
          messages: Array.from({ length: n }, (_, i) => ({ key: `${prefix}-${i}`, value: `${prefix}-${i}`, partition: i % partitions })),
        });
      };
      const committedTotal = async () => {
        const o = await admin.fetchOffsets({ groupId, topics: [topic] });
        return o[0].partitions.reduce((s, p) => s + Math.max(0, Number(p.offset)), 0);
      };

      // Three members, each in its own client, join one by one.
      const c1 = await startMember(1, kafka);
      const c2 = await startMember(2, kafkajs(broker, 'member-2'));
      const c3 = await startMember(3, kafkajs(broker, 'member-3'));
      await waitFor(() => coverage([1, 2, 3]), { timeoutMs: 60_000, what: '3 members sharing 6 partitions' });

      await produce('p1', 60);
      await waitFor(() => seen.length >= 60, { timeoutMs: 60_000, what: '60 records consumed by the group' });
      expect(new Set(seen.map((s) => s.member)).size).toBe(3);
      await waitFor(async () => (await committedTotal()) === 60, { timeoutMs: 30_000, what: 'offsets committed' });

      // One member leaves: the other two take over all partitions.
      await c3.disconnect();
      consumers.splice(consumers.indexOf(c3), 1);
      assignments.delete(3);
      await waitFor(
        () => {
          const a = [...(assignments.get(1) ?? []), ...(assignments.get(2) ?? [])];
          return a.length === partitions && new Set(a).size === partitions;
        },
        { timeoutMs: 60_000, what: 'rebalance to 2 members' },
      );
      await produce('p2', 60);
      await waitFor(() => seen.length >= 120, { timeoutMs: 60_000, what: '120 records consumed' });
      await waitFor(async () => (await committedTotal()) === 120, { timeoutMs: 30_000, what: 'offsets committed' });

      const values = seen.map((s) => s.value);
      expect(new Set(values).size).toBe(values.length); // no duplicates
      expect(values.length).toBe(120);
      const phase2 = seen.filter((s) => s.value.startsWith('p2-'));
      expect(new Set(phase2.map((s) => s.partition)).size).toBe(partitions);
      expect(phase2.every((s) => s.member === 1 || s.member === 2)).toBe(true);

      await c1.disconnect();
      await c2.disconnect();
      consumers.length = 0;
      const before = await admin.fetchOffsets({ groupId, topics: [topic] });
      await admin.disconnect();
      await producer.disconnect();

      // Broker restart: committed offsets come back, a new member resumes exactly after them.
      await broker.restart();
      const k2 = kafkajs(broker, 'after-restart');
      const admin2 = k2.admin();
      await admin2.connect();
      try {
        const after = await waitFor(
          async () => {
            const o = await admin2.fetchOffsets({ groupId, topics: [topic] });
            return o[0].partitions.length === partitions ? o : null;
          },
          { timeoutMs: 30_000, what: 'offsets after restart' },
        );
        const norm = (o: typeof before) =>
          o[0].partitions.map((p) => [p.partition, p.offset]).sort((a, b) => Number(a[0]) - Number(b[0]));
        expect(norm(after)).toEqual(norm(before));

        const p2 = k2.producer({ allowAutoTopicCreation: false });
        await p2.connect();
        await p2.send({
          topic,
          acks: -1,
          messages: Array.from({ length: 30 }, (_, i) => ({ value: `p3-${i}`, partition: i % partitions })),
        });
        await p2.disconnect();
        seen.length = 0;
        await startMember(4, k2);
        await waitFor(() => seen.length >= 30, { timeoutMs: 60_000, what: '30 records after restart' });
        await new Promise((r) => setTimeout(r, 1500)); // anything re-delivered would show up now
        const vals = seen.map((s) => s.value).sort();
        expect(vals).toEqual(Array.from({ length: 30 }, (_, i) => `p3-${i}`).sort());
      } finally {
        await admin2.disconnect();
      }
    } finally {
      for (const c of consumers) await c.disconnect().catch(() => {});
      await producer.disconnect().catch(() => {});
      await admin.disconnect().catch(() => {});
    }
  }, 300_000);
});

describe('@platformatic/kafka', () => {
  let broker: TestBroker;

  beforeAll(async () => {
    broker = await startBroker({ name: 'platformatic' });
  });
  afterAll(async () => {
    await broker?.cleanup();
  });

  it('admin, producer, consumer round trip', async () => {
    const topic = 'plt-topic';
    const bootstrapBrokers = [broker.bootstrap];
    const admin = new PAdmin({ clientId: 'plt-admin', bootstrapBrokers });
    const producer = new PProducer({ clientId: 'plt-producer', bootstrapBrokers, serializers: stringSerializers });
    const consumer = new PConsumer({
      clientId: 'plt-consumer',
      groupId: 'plt-group',
      bootstrapBrokers,
      deserializers: stringDeserializers,
      sessionTimeout: 10_000,
      heartbeatInterval: 500,
    });
    try {
      const created = await admin.createTopics({ topics: [topic], partitions: 3, replicas: 1 });
      expect(created.map((t) => t.name)).toEqual([topic]);
      await waitFor(async () => (await admin.listTopics()).includes(topic), { what: 'topic listed' });
      const md = await admin.metadata({ topics: [topic] });
      expect(md.topics.get(topic)?.partitionsCount).toBe(3);

      const values = Array.from({ length: 30 }, (_, i) => `plt-${i}`);
      const res = await producer.send({
        acks: -1,
        messages: values.map((v, i) => ({ topic, key: `k${i}`, value: v, headers: { h: 'x' } })),
      });
      // One entry per partition written to (a fresh topic: base offset 0 each), no errors, no other partitions.
      expect(res.offsets).toBeDefined();
      const produced = [...res.offsets!].sort((a, b) => a.partition - b.partition);
      expect(produced.every((o) => o.topic === topic && o.offset === 0n)).toBe(true);
      expect(new Set(produced.map((o) => o.partition)).size).toBe(produced.length);
      expect(produced.every((o) => o.partition >= 0 && o.partition < 3)).toBe(true);

      const got: { value: string; key: string; header: string | undefined; partition: number; offset: bigint }[] = [];
      const stream = await consumer.consume({
        topics: [topic],
        mode: MessagesStreamModes.EARLIEST,
        autocommit: true,
        maxWaitTime: 200,
      });
      stream.on('data', (m) => {
        got.push({ value: m.value, key: m.key, header: m.headers.get('h'), partition: m.partition, offset: m.offset });
      });
      await waitFor(() => got.length >= values.length, { timeoutMs: 60_000, what: 'platformatic consumer' });
      await stream.close();
      expect(got.map((g) => g.value).sort()).toEqual([...values].sort());
      expect(got.every((g) => g.header === 'x' && g.key === `k${g.value.slice(4)}`)).toBe(true);
      // The produce result named exactly the partitions the records were stored in, and each partition holds
      // offsets 0..n-1 (base offset 0 as reported, one offset per record, no gaps).
      const byPartition = new Map<number, bigint[]>();
      for (const g of got) byPartition.set(g.partition, [...(byPartition.get(g.partition) ?? []), g.offset]);
      expect(produced.map((o) => o.partition)).toEqual([...byPartition.keys()].sort((a, b) => a - b));
      for (const offs of byPartition.values()) {
        expect(offs.sort((a, b) => Number(a - b))).toEqual(offs.map((_, i) => BigInt(i)));
      }
      // A second send to partition 0 gets the next offset there: the number of records partition 0 already has.
      const next = await producer.send({ acks: -1, messages: [{ topic, key: 'k-next', value: 'next', partition: 0 }] });
      expect(next.offsets).toEqual([{ topic, partition: 0, offset: BigInt(byPartition.get(0)?.length ?? 0) }]);

      const groups = await admin.listGroups();
      expect([...groups.keys()]).toContain('plt-group');
      await admin.deleteTopics({ topics: [topic] });
      await waitFor(async () => !(await admin.listTopics()).includes(topic), { what: 'topic deleted' });
    } finally {
      await consumer.close().catch(() => {});
      await producer.close().catch(() => {});
      await admin.close().catch(() => {});
    }
  });

  it('3-member group: rebalances when one leaves, every partition consumed, committed offsets resumed after a broker restart', async () => {
    const topic = 'plt-group-topic';
    const groupId = 'plt-group-3';
    const partitions = 6;
    const allPartitions = Array.from({ length: partitions }, (_, i) => i);
    const sessionTimeout = 30_000;
    const bootstrapBrokers = [broker.bootstrap];
    let admin = new PAdmin({ clientId: 'plt-group-admin', bootstrapBrokers });
    let producer = new PProducer({ clientId: 'plt-group-producer', bootstrapBrokers, serializers: stringSerializers });
    type Member = {
      id: number;
      consumer: PConsumer<string, string, string, string>;
      stream: MessagesStream<string, string, string, string>;
    };
    const members = new Map<number, Member>();
    const seen: { member: number; partition: number; offset: bigint; value: string }[] = [];
    const errors: string[] = [];

    const startMember = async (id: number, fallbackMode: MessagesStreamFallbackModeValue): Promise<Member> => {
      const consumer = new PConsumer({
        clientId: `plt-member-${id}`,
        groupId,
        bootstrapBrokers,
        deserializers: stringDeserializers,
        sessionTimeout,
        rebalanceTimeout: sessionTimeout, // the client requires rebalanceTimeout >= sessionTimeout
        heartbeatInterval: 500,
      });
      consumer.on('error', (e: Error) => errors.push(`member ${id} consumer: ${String(e)}`));
      const stream = await consumer.consume({
        topics: [topic],
        mode: MessagesStreamModes.COMMITTED,
        fallbackMode,
        autocommit: true,
        maxWaitTime: 200,
      });
      stream.on('error', (e: Error) => errors.push(`member ${id} stream: ${String(e)}`));
      stream.on('data', (m) => {
        seen.push({ member: id, partition: m.partition, offset: m.offset, value: m.value });
      });
      const m = { id, consumer, stream };
      members.set(id, m);
      return m;
    };
    const assigned = (id: number): number[] =>
      [...(members.get(id)?.consumer.assignments?.find((a) => a.topic === topic)?.partitions ?? [])].sort(
        (a, b) => a - b,
      );
    // Stable = every listed member in the same generation, each with a non-empty share, together every partition once.
    const stableAssignment = (ids: number[]): Map<number, number[]> | null => {
      const gens = new Set(ids.map((id) => members.get(id)?.consumer.generationId));
      if (gens.size !== 1) return null;
      const shares = new Map(ids.map((id) => [id, assigned(id)]));
      const all = [...shares.values()].flat();
      const ok =
        [...shares.values()].every((p) => p.length > 0) &&
        all.length === partitions &&
        new Set(all).size === partitions;
      return ok ? shares : null;
    };
    // @platformatic/kafka does not drop a fetch response for partitions revoked while the fetch was in flight: a
    // long poll issued under the previous assignment would still deliver records produced after the rebalance
    // to the old owner. One fetch in flight per broker per stream, so after two completed fetches per member
    // every fetch in flight uses the current assignment.
    const settled = (ids: number[]) =>
      Promise.all(
        ids.map(
          (id) =>
            new Promise<void>((resolve, reject) => {
              const stream = members.get(id)!.stream;
              let n = 0;
              const timer = setTimeout(() => reject(new Error(`member ${id}: no fetch completed in 30 s`)), 30_000);
              const onFetch = () => {
                if (++n < 2) return;
                clearTimeout(timer);
                stream.off('fetch', onFetch);
                resolve();
              };
              stream.on('fetch', onFetch);
            }),
        ),
      );
    const produce = async (prefix: string, n: number) => {
      const res = await producer.send({
        acks: -1,
        messages: Array.from({ length: n }, (_, i) => ({
          topic,
          key: `${prefix}-${i}`,
          value: `${prefix}-${i}`,
          partition: i % partitions,
        })),
      });
      expect(res.offsets?.length).toBe(partitions);
    };
    const committed = async (a: PAdmin): Promise<number[]> => {
      const [g] = await a.listConsumerGroupOffsets({
        groups: [{ groupId, topics: [{ name: topic, partitionIndexes: allPartitions }] }],
      });
      const t = g.topics.find((x) => x.name === topic);
      const out = Array.from({ length: partitions }, () => -1);
      for (const p of t?.partitions ?? []) out[p.partitionIndex] = Number(p.committedOffset);
      return out;
    };
    const committedEverywhere = (n: number) =>
      waitFor(async () => (await committed(admin)).every((o) => o === n), {
        timeoutMs: 30_000,
        what: `offset ${n} committed on every partition`,
      });
    const closeMember = async (id: number) => {
      const m = members.get(id)!;
      await m.stream.close();
      await m.consumer.close();
      members.delete(id);
    };

    try {
      const created = await admin.createTopics({ topics: [topic], partitions, replicas: 1 });
      expect(created.map((t) => t.name)).toEqual([topic]);
      await waitFor(
        async () => (await admin.metadata({ topics: [topic] })).topics.get(topic)?.partitionsCount === partitions,
        { what: 'topic metadata' },
      );

      // Three members, one consumer each, join one by one.
      await startMember(1, MessagesStreamFallbackModes.EARLIEST);
      await startMember(2, MessagesStreamFallbackModes.EARLIEST);
      await startMember(3, MessagesStreamFallbackModes.EARLIEST);
      const three = await waitFor(() => stableAssignment([1, 2, 3]), {
        timeoutMs: 60_000,
        what: '3 members sharing 6 partitions',
      });
      const generationOfThree = members.get(1)!.consumer.generationId;

      await settled([1, 2, 3]);
      await produce('p1', 60);
      await waitFor(() => seen.length >= 60, { timeoutMs: 60_000, what: '60 records consumed by the group' });
      // Each member consumed exactly its own partitions.
      for (const [id, share] of three) {
        const consumedFrom = new Set(seen.filter((s) => s.member === id).map((s) => s.partition));
        expect([...consumedFrom].sort((a, b) => a - b)).toEqual(share);
      }
      await committedEverywhere(10);

      // Member 3 leaves (LeaveGroup on close): the other two take over all partitions well before its session
      // would have expired.
      const leftAt = Date.now();
      await closeMember(3);
      const two = await waitFor(() => stableAssignment([1, 2]), {
        timeoutMs: sessionTimeout - 10_000,
        what: 'rebalance to 2 members',
      });
      expect(Date.now() - leftAt).toBeLessThan(sessionTimeout);
      expect([...two.values()].flat().sort((a, b) => a - b)).toEqual(allPartitions);
      expect(members.get(1)!.consumer.generationId).toBeGreaterThan(generationOfThree);

      await settled([1, 2]);
      await produce('p2', 60);
      await waitFor(() => seen.length >= 120, { timeoutMs: 60_000, what: '120 records consumed' });
      await committedEverywhere(20);

      const values = seen.map((s) => s.value);
      expect(new Set(values).size).toBe(values.length); // no duplicates
      expect(values.length).toBe(120);
      const phase2 = seen.filter((s) => s.value.startsWith('p2-'));
      expect(phase2).toHaveLength(60);
      expect(new Set(phase2.map((s) => s.partition)).size).toBe(partitions);
      for (const s of phase2) expect(two.get(s.member)).toContain(s.partition);
      // Phase-2 records sit at offsets 10..19 of their partition.
      expect(phase2.every((s) => s.offset >= 10n && s.offset < 20n)).toBe(true);

      await closeMember(1);
      await closeMember(2);
      const before = await committed(admin);
      expect(before).toEqual(allPartitions.map(() => 20));
      await producer.close();
      await admin.close();

      // Broker restart: the committed offsets come back, a new member resumes exactly after them.
      await broker.restart();
      admin = new PAdmin({ clientId: 'plt-group-admin-2', bootstrapBrokers });
      producer = new PProducer({ clientId: 'plt-group-producer-2', bootstrapBrokers, serializers: stringSerializers });
      const after = await waitFor(
        async () => {
          const c = await committed(admin);
          return c.every((o) => o >= 0) ? c : null;
        },
        { timeoutMs: 30_000, what: 'committed offsets after restart' },
      );
      expect(after).toEqual(before);

      await produce('p3', 30);
      seen.length = 0;
      // FAIL: a partition without a committed offset would be an error, not a silent restart from earliest.
      await startMember(4, MessagesStreamFallbackModes.FAIL);
      await waitFor(() => stableAssignment([4]), { timeoutMs: 60_000, what: 'member 4 owning all partitions' });
      await waitFor(() => seen.length >= 30, { timeoutMs: 60_000, what: '30 records after restart' });
      await new Promise((r) => setTimeout(r, 1500)); // anything re-delivered would show up now
      expect(seen.map((s) => s.value).sort()).toEqual(Array.from({ length: 30 }, (_, i) => `p3-${i}`).sort());
      expect(seen.every((s) => s.offset >= 20n && s.offset < 25n)).toBe(true);
      await committedEverywhere(25);
      await closeMember(4);
      expect(errors).toEqual([]);
    } finally {
      for (const m of members.values()) {
        await m.stream.close().catch(() => {});
        await Promise.resolve(m.consumer.close(true)).catch(() => {});
      }
      await producer.close().catch(() => {});
      await admin.close().catch(() => {});
    }
  }, 300_000);
});
