import { describe, expect, it } from 'vitest';
import { median, quantile, summarize } from '../../src/measure/stats.js';

describe('statistics of runs', () => {
  it.each([
    { values: [5], median: 5 },
    { values: [3, 1, 2], median: 2 },
    { values: [4, 1, 3, 2], median: 2.5 },
    { values: [10, 20], median: 15 },
    { values: [7, 7, 7, 7, 100], median: 7 },
    { values: [135.8, 127.5, 137.9, 130.1, 133.0, 129.9], median: 131.55 },
  ])('median of $values is $median', ({ values, median: expected }) => {
    expect(median(values)).toBeCloseTo(expected, 10);
  });

  it('does not reorder the caller’s array', () => {
    const v = [3, 1, 2];
    median(v);
    expect(v).toEqual([3, 1, 2]);
  });

  it('quartiles interpolate between order statistics (type 7)', () => {
    const v = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    expect(quantile(v, 0.25)).toBe(3);
    expect(quantile(v, 0.75)).toBe(7);
    expect(quantile([1, 2, 3, 4], 0.25)).toBeCloseTo(1.75);
    expect(quantile([1, 2, 3, 4], 0)).toBe(1);
    expect(quantile([1, 2, 3, 4], 1)).toBe(4);
  });

  it('summarizes min, max, IQR and spread = (max − min) / median', () => {
    const s = summarize([100, 110, 90, 105, 95])!;
    expect(s).toMatchObject({ n: 5, median: 100, min: 90, max: 110, q1: 95, q3: 105, iqr: 10 });
    expect(s.spread).toBeCloseTo(0.2);
  });

  it('spread is 0 when the median is 0 (an operation that sends no bytes)', () => {
    expect(summarize([0, 0, 0])!.spread).toBe(0);
  });

  it('has no stats for no values and rejects non-finite input', () => {
    expect(summarize([])).toBeNull();
    expect(() => median([])).toThrow(/no values/);
    expect(() => summarize([1, NaN])).toThrow(/finite/);
    expect(() => quantile([1], 1.5)).toThrow(/outside/);
  });
});
