import { describe, expect, it } from 'vitest';
import { FrameDecoder, FrameTooLargeError } from '../src/server/frame-decoder.js';
import { assignReplicas } from '../src/controller/replica-assignment.js';
import { validateTopicName, newTopicId } from '../src/server/topic-names.js';

function frame(body: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

describe('FrameDecoder', () => {
  it('splits frames delivered byte by byte and in one chunk', () => {
    const bodies = [Buffer.from('a'), Buffer.alloc(0), Buffer.from('hello world'), Buffer.alloc(5000, 7)];
    const stream = Buffer.concat(bodies.map(frame));
    const one = new FrameDecoder(1 << 20).push(stream);
    expect(one).toEqual(bodies);
    const d = new FrameDecoder(1 << 20);
    const got: Buffer[] = [];
    for (const b of stream) got.push(...d.push(Buffer.from([b])));
    expect(got).toEqual(bodies);
    expect(d.pendingBytes).toBe(0);
  });

  it('rejects oversized and negative sizes', () => {
    expect(() => new FrameDecoder(10).push(frame(Buffer.alloc(11)))).toThrow(FrameTooLargeError);
    const neg = Buffer.alloc(4);
    neg.writeInt32BE(-5);
    expect(() => new FrameDecoder(10).push(neg)).toThrow(FrameTooLargeError);
  });
});

describe('assignReplicas', () => {
  it('spreads leaders and followers like Kafka', () => {
    const a = assignReplicas([0, 1, 2], 6, 2, { startIndex: 0, replicaShift: 0 });
    expect(a.map((r) => r[0])).toEqual([0, 1, 2, 0, 1, 2]);
    for (const r of a) expect(new Set(r).size).toBe(2);
    // The shift changes after each full round so follower pairs differ.
    expect(a[0]).toEqual([0, 1]);
    expect(a[3]).toEqual([0, 2]);
  });

  it('refuses a replication factor above the broker count', () => {
    expect(() => assignReplicas([0], 1, 2)).toThrow(/larger than available brokers/);
  });
});

describe('topic names and ids', () => {
  it('follows Kafka rules', () => {
    for (const ok of ['a', 'my-topic.v1_x', 'x'.repeat(249)]) expect(() => validateTopicName(ok)).not.toThrow();
    for (const bad of ['', '.', '..', 'has space', 'x'.repeat(250), 'ümlaut', 'a/b']) {
      expect(() => validateTopicName(bad)).toThrow();
    }
  });
  it('renders ids as 22 base64url characters', () => {
    const id = newTopicId();
    expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
  });
});
