/** Bar data for a chart of one metric across methods, so a view only draws. */
import { fieldInfo, type MethodResult, type SampleField } from './types.js';
import { formatValue } from './units.js';

export interface Bar {
  label: string;
  methodId: string;
  kind: 'git' | 'oci';
  /** Median, or null when the method has no figure for the metric. */
  value: number | null;
  /** value / largest value among the bars, 0..1 (0 for n/a or when every value is 0). */
  fraction: number;
  formatted: string;
}

export function barsFor(results: readonly (MethodResult & { cell?: string })[], metric: SampleField): Bar[] {
  const values = results.map((r) => r.stats[metric]?.median ?? null);
  const max = Math.max(0, ...values.filter((v): v is number => v !== null));
  return results.map((r, i) => {
    const value = values[i] ?? null;
    return {
      label: r.cell ? `${r.cell} ${r.label}` : r.label,
      methodId: r.methodId,
      kind: r.kind,
      value,
      fraction: value === null || max === 0 ? 0 : value / max,
      formatted: formatValue(fieldInfo(metric).unit, value),
    };
  });
}
