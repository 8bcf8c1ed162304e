/** Order statistics for a handful of runs: median, quartiles, min, max, spread. */
import type { Stats } from './types.js';

function sorted(values: readonly number[]): number[] {
  for (const v of values) {
    if (!Number.isFinite(v)) throw new Error(`statistics need finite numbers, got ${v}`);
  }
  return [...values].sort((a, b) => a - b);
}

/**
 * The q-quantile (0..1) by linear interpolation between order statistics
 * (Hyndman & Fan type 7, what numpy and spreadsheets use by default).
 */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new Error('quantile of no values');
  if (q < 0 || q > 1) throw new Error(`quantile ${q} is outside 0..1`);
  const s = sorted(values);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = s[lo]!;
  const b = s[hi]!;
  return a + (b - a) * (pos - lo);
}

/** Median: the middle value, or the mean of the two middle values for an even count. */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Summary of one metric; null when there are no values (the metric is n/a). */
export function summarize(values: readonly number[]): Stats | null {
  if (values.length === 0) return null;
  const s = sorted(values);
  const med = quantile(s, 0.5);
  const q1 = quantile(s, 0.25);
  const q3 = quantile(s, 0.75);
  const min = s[0]!;
  const max = s[s.length - 1]!;
  return {
    n: s.length,
    median: med,
    min,
    max,
    q1,
    q3,
    iqr: q3 - q1,
    spread: med === 0 ? 0 : (max - min) / Math.abs(med),
  };
}
