import { describe, expect, it } from 'vitest';
import { seededRandom, typedCount, typedOnKeys, typingSchedule } from '../../src/present/typing.js';

describe('typing', () => {
  it('without jitter, types at exactly cps with an injected clock', () => {
    const s = typingSchedule('flux get', { cps: 10, jitter: 0 });
    expect(s).toEqual([100, 200, 300, 400, 500, 600, 700, 800]);
    expect(typedCount(s, 0)).toBe(0);
    expect(typedCount(s, 350)).toBe(3);
    expect(typedCount(s, 10_000)).toBe(8);
  });

  it('jitter stays within bounds and is deterministic for a seed', () => {
    const a = typingSchedule('x'.repeat(50), { cps: 20, jitter: 0.3, random: seededRandom(42) });
    const b = typingSchedule('x'.repeat(50), { cps: 20, jitter: 0.3, random: seededRandom(42) });
    expect(a).toEqual(b);
    const gaps = a.map((t, i) => t - (i ? a[i - 1]! : 0));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(34);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(66);
    expect(new Set(gaps).size).toBeGreaterThan(3);
    expect(() => typingSchedule('x', { cps: 0 })).toThrow(/positive/);
  });

  it('type-on-key shows a chunk per key, capped at the length', () => {
    expect(typedOnKeys(10, 0)).toBe(0);
    expect(typedOnKeys(10, 2)).toBe(6);
    expect(typedOnKeys(10, 9)).toBe(10);
  });
});
