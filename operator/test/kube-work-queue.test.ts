import { describe, expect, it } from 'vitest';
import { WorkQueue } from '../src/kube/work-queue.js';

function manualTimers() {
  let now = 0;
  const timers: { at: number; fn: () => void; id: number }[] = [];
  let nextId = 1;
  return {
    opts: {
      now: () => now,
      setTimer: (fn: () => void, ms: number) => {
        const t = { at: now + ms, fn, id: nextId++ };
        timers.push(t);
        return t.id;
      },
      clearTimer: (h: unknown) => {
        const i = timers.findIndex((t) => t.id === h);
        if (i >= 0) timers.splice(i, 1);
      },
    },
    advance(ms: number) {
      now += ms;
      for (const t of [...timers].sort((a, b) => a.at - b.at)) {
        if (t.at <= now) {
          timers.splice(timers.indexOf(t), 1);
          t.fn();
        }
      }
    },
    pending: () => timers.length,
  };
}

describe('WorkQueue', () => {
  it('deduplicates keys added before a worker takes them', async () => {
    const q = new WorkQueue();
    q.add('ns/a');
    q.add('ns/a');
    q.add('ns/b');
    expect(q.length).toBe(2);
    expect(await q.get()).toBe('ns/a');
    expect(await q.get()).toBe('ns/b');
  });

  it('never hands out a key that is being processed; re-adds run after done()', async () => {
    const q = new WorkQueue();
    q.add('k');
    const k = await q.get();
    q.add('k'); // changed while reconciling
    expect(q.length).toBe(0);
    q.done(k!);
    expect(q.length).toBe(1);
    expect(await q.get()).toBe('k');
  });

  it('wakes a waiting worker on add', async () => {
    const q = new WorkQueue();
    const pending = q.get();
    q.add('x');
    expect(await pending).toBe('x');
  });

  it('backs off exponentially per key and resets on forget', () => {
    const t = manualTimers();
    const q = new WorkQueue({ baseDelayMs: 100, maxDelayMs: 1000, ...t.opts });
    expect(q.addRateLimited('k')).toBe(100);
    expect(q.addRateLimited('k')).toBe(200);
    expect(q.addRateLimited('k')).toBe(400);
    expect(q.addRateLimited('k')).toBe(800);
    expect(q.addRateLimited('k')).toBe(1000);
    q.forget('k');
    expect(q.addRateLimited('k')).toBe(100);
  });

  it('delayed adds fire once, the earliest wins', () => {
    const t = manualTimers();
    const q = new WorkQueue(t.opts);
    q.addAfter('k', 500);
    q.addAfter('k', 100);
    q.addAfter('k', 900);
    expect(t.pending()).toBe(1);
    t.advance(100);
    expect(q.length).toBe(1);
    t.advance(1000);
    expect(q.length).toBe(1);
  });

  it('shutdown releases waiting workers with null', async () => {
    const q = new WorkQueue();
    const pending = q.get();
    q.shutdown();
    expect(await pending).toBeNull();
    q.add('late');
    expect(await q.get()).toBeNull();
  });
});
