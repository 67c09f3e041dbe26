// Shared fixtures for the coordinator tests: an in-memory __consumer_offsets, a manual clock, and
// helpers to drive members through join/sync.
import { ManualClock } from '../src/coordinator/clock.js';
import { GroupCoordinator, type GroupCoordinatorOptions, type JoinGroupParams, type JoinGroupResult } from '../src/coordinator/group-coordinator.js';
import { decodeOffsetsTopicRecord, splitBatches, type OffsetsTopicRecord, type OffsetsTopicStore } from '../src/coordinator/offsets-topic.js';
import { readRecords } from '../src/records/record.js';

export class MemoryStore implements OffsetsTopicStore {
  readonly partitions = new Map<number, Buffer[]>();
  /** While set, appends wait for it (to observe "response only after append"). */
  gate: Promise<void> | null = null;
  /** While set, appends fail with it. */
  fail: Error | null = null;
  appends = 0;

  async append(partition: number, batch: Buffer): Promise<void> {
    if (this.gate) await this.gate;
    if (this.fail) throw this.fail;
    this.appends++;
    let list = this.partitions.get(partition);
    if (!list) this.partitions.set(partition, (list = []));
    list.push(Buffer.from(batch));
  }

  readAll(partition: number): Iterable<Buffer> {
    return this.partitions.get(partition) ?? [];
  }

  /** Every record of the store, decoded, oldest first per partition, with raw key/value bytes. */
  records(): (OffsetsTopicRecord & { partition_: number; key: Buffer; value_: Buffer | null })[] {
    const out: (OffsetsTopicRecord & { partition_: number; key: Buffer; value_: Buffer | null })[] = [];
    for (const [p, batches] of this.partitions) {
      for (const chunk of batches) {
        for (const b of splitBatches(chunk)) {
          for (const r of readRecords(b)) {
            out.push({ ...decodeOffsetsTopicRecord(r.key!, r.value), partition_: p, key: r.key!, value_: r.value });
          }
        }
      }
    }
    return out;
  }
}

export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

/** Lets queued microtasks and promise chains run (the coordinator's per-group queue is promise based). */
export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
}

export interface Tracked<T> {
  promise: Promise<T>;
  done: boolean;
  value: T | undefined;
}

export function track<T>(promise: Promise<T>): Tracked<T> {
  const t: Tracked<T> = { promise, done: false, value: undefined };
  void promise.then((v) => {
    t.done = true;
    t.value = v;
  });
  return t;
}

/** A ConsumerProtocolSubscription v0: int16 version, []string topics, nullable bytes user data. */
export function subscription(topics: string[]): Buffer {
  const parts: Buffer[] = [];
  const head = Buffer.alloc(6);
  head.writeInt16BE(0, 0);
  head.writeInt32BE(topics.length, 2);
  parts.push(head);
  for (const t of topics) {
    const len = Buffer.alloc(2);
    len.writeInt16BE(Buffer.byteLength(t), 0);
    parts.push(len, Buffer.from(t));
  }
  const userData = Buffer.alloc(4);
  userData.writeInt32BE(-1, 0);
  parts.push(userData);
  return Buffer.concat(parts);
}

export async function setup(opts: Partial<GroupCoordinatorOptions> = {}, store = new MemoryStore(), clock = new ManualClock()) {
  let n = 0;
  let ensured = 0;
  const gc = new GroupCoordinator({
    store,
    ensureOffsetsTopic: async () => {
      ensured++;
    },
    clock,
    groupInitialRebalanceDelayMs: 0,
    uuid: () => `uuid${++n}`,
    ...opts,
  });
  await gc.load();
  return { gc, store, clock, ensured: () => ensured };
}

export const GROUP = 'my-group';

export function joinParams(clientId: string, over: Partial<JoinGroupParams> = {}): JoinGroupParams {
  return {
    groupId: GROUP,
    memberId: '',
    groupInstanceId: null,
    requireKnownMemberId: false,
    supportSkippingAssignment: false,
    clientId,
    clientHost: '/127.0.0.1',
    rebalanceTimeoutMs: 30_000,
    sessionTimeoutMs: 10_000,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: subscription(['t1']) }],
    ...over,
  };
}

/** Joins members one by one with no initial delay; returns the first member's generation-1 result. */
export async function expectJoined(results: Tracked<JoinGroupResult>[]): Promise<JoinGroupResult[]> {
  await flush();
  for (const r of results) if (!r.done) throw new Error('join still pending');
  return results.map((r) => r.value!);
}
