/**
 * Test helpers for the client tests: a real Gregor broker started in-process on an ephemeral port, and
 * small request builders. In-process (not a child process) so the tests exercise the actual server code
 * paths quickly and can start several brokers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Broker } from '../src/broker.js';
import { configFromProperties } from '../src/config.js';
import type { BrokerAddress } from '../src/client/broker-connection.js';
import { validateBatches } from '../src/records/batch.js';
import { buildBatch } from '../src/records/builder.js';
import { readRecords } from '../src/records/record.js';
import type { FetchRequest, ProduceRequest } from '../src/protocol/messages/index.js';

export interface TestBroker {
  broker: Broker;
  address: BrokerAddress;
  stop(): Promise<void>;
}

export async function startBroker(brokerId = 0, overrides: Record<string, string> = {}): Promise<TestBroker> {
  const dir = mkdtempSync(join(tmpdir(), 'gregor-client-test-'));
  const broker = await Broker.start(
    configFromProperties({
      'broker.id': String(brokerId),
      listeners: 'PLAINTEXT://127.0.0.1:0',
      'log.dirs': dir,
      'gregor.metrics.port': '-1',
      'auto.create.topics.enable': 'false',
      'offsets.topic.replication.factor': '1',
      'num.partitions': '1',
      ...overrides,
    }),
  );
  const address = { host: '127.0.0.1', port: broker.bound[0]!.port };
  return {
    broker,
    address,
    async stop() {
      await broker.shutdown();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function produceRequest(topic: string, values: string[], acks = -1): Partial<ProduceRequest> {
  const records = buildBatch({ records: values.map((v) => ({ key: null, value: Buffer.from(v) })) });
  return {
    transactionalId: null,
    acks,
    timeoutMs: 5000,
    topicData: [{ name: topic, partitionData: [{ index: 0, records }] }],
  };
}

/** Fetch v12 (topic names) of partition 0 from `offset`. */
export function fetchRequest(topic: string, offset: number, maxWaitMs = 0, minBytes = 0): Partial<FetchRequest> {
  return {
    replicaId: -1,
    maxWaitMs,
    minBytes,
    maxBytes: 1 << 20,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        topic,
        topicId: 'AAAAAAAAAAAAAAAAAAAAAA',
        partitions: [
          {
            partition: 0,
            currentLeaderEpoch: -1,
            fetchOffset: offset,
            lastFetchedEpoch: -1,
            logStartOffset: -1,
            partitionMaxBytes: 1 << 20,
            replicaDirectoryId: 'AAAAAAAAAAAAAAAAAAAAAA',
          },
        ],
      },
    ],
    forgottenTopicsData: [],
    rackId: '',
  };
}

/** Record values of a fetched records buffer (any number of batches). */
export function recordValues(records: Buffer | Buffer[] | null): string[] {
  if (records === null) return [];
  const buf = Array.isArray(records) ? Buffer.concat(records) : records;
  if (buf.length === 0) return [];
  const out: string[] = [];
  for (const h of validateBatches(buf, Number.MAX_SAFE_INTEGER, false)) {
    for (const r of readRecords(buf.subarray(h.position, h.position + h.size))) out.push(r.value?.toString() ?? '');
  }
  return out;
}
