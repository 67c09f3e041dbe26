import { describe, expect, it } from 'vitest';
import { findCondition, isTrue, removeCondition, setCondition } from '../src/reconcile/conditions.js';

describe('conditions', () => {
  const t0 = new Date('2026-11-25T10:00:00.000Z');
  const t1 = new Date('2026-11-25T10:05:00.000Z');

  it('adds a condition with the transition time and generation', () => {
    const c = setCondition([], { type: 'Ready', status: 'False', reason: 'Reconciling', message: 'creating' }, 3, t0);
    expect(c).toEqual([
      { type: 'Ready', status: 'False', reason: 'Reconciling', message: 'creating', lastTransitionTime: '2026-11-25T10:00:00Z', observedGeneration: 3 },
    ]);
  });

  it('keeps lastTransitionTime while the status stays, moves it when the status flips', () => {
    let c = setCondition([], { type: 'Ready', status: 'False', reason: 'A', message: 'a' }, 1, t0);
    c = setCondition(c, { type: 'Ready', status: 'False', reason: 'B', message: 'b' }, 2, t1);
    expect(findCondition(c, 'Ready')).toMatchObject({ reason: 'B', lastTransitionTime: '2026-11-25T10:00:00Z', observedGeneration: 2 });
    c = setCondition(c, { type: 'Ready', status: 'True', reason: 'Ready', message: 'ok' }, 2, t1);
    expect(findCondition(c, 'Ready')?.lastTransitionTime).toBe('2026-11-25T10:05:00Z');
    expect(isTrue(c, 'Ready')).toBe(true);
  });

  it('keeps other conditions and their order; removes by type', () => {
    let c = setCondition([], { type: 'Ready', status: 'True', reason: 'R', message: '' }, 1, t0);
    c = setCondition(c, { type: 'Warning', status: 'True', reason: 'ScaleDownBlocked', message: 'rf 3 > 2 brokers' }, 1, t0);
    c = setCondition(c, { type: 'Ready', status: 'True', reason: 'R', message: 'still' }, 1, t1);
    expect(c.map((x) => x.type)).toEqual(['Ready', 'Warning']);
    expect(removeCondition(c, 'Warning').map((x) => x.type)).toEqual(['Ready']);
  });
});
