/** Plain aligned tables for --plain output and logs (no Ink, no colours). */
import { describeDestination } from './destination.js';
import { METRIC_INFO, type MethodResult, type MetricName } from './types.js';
import { formatPercent, formatValue, NA } from './units.js';

export type Align = 'left' | 'right';

/** Columns padded to their widest cell; numbers usually right-aligned. */
export function renderTable(headers: string[], rows: string[][], align: Align[] = []): string {
  const width = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (align[i] === 'right' ? c.padStart(width[i]!) : c.padEnd(width[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), width.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** "135 ms (128–138)" for a metric, or n/a. */
export function medianWithRange(r: MethodResult, metric: MetricName): string {
  const s = r.stats[metric];
  if (!s) return NA;
  const unit = METRIC_INFO[metric].unit;
  const [med, min, max] = [s.median, s.min, s.max].map((v) => formatValue(unit, v)) as [string, string, string];
  const suffix = / [^ ]+$/.exec(med)?.[0];
  // "352 ms (322–381)" when all three share the unit, "980 ms (950 ms–1.02 s)" when they do not
  if (suffix && min.endsWith(suffix) && max.endsWith(suffix)) {
    return `${med} (${min.slice(0, -suffix.length)}–${max.slice(0, -suffix.length)})`;
  }
  return `${med} (${min}–${max})`;
}

const COLUMNS: MetricName[] = ['bytesDown', 'bytesUp', 'clientCpuMs', 'clientPeakRssBytes', 'serverCpuMs', 'requests'];

/** The results table for --plain: one row per method, medians, wall with its range and spread. */
export function renderResultsTable(results: readonly (MethodResult & { cell?: string })[]): string {
  const headers = ['method', 'runs', 'wall median (min–max)', 'spread', ...COLUMNS.map((m) => METRIC_INFO[m].label)];
  const rows = results.map((r) => [
    r.cell ? `${r.cell} ${r.methodId}` : r.methodId,
    String(r.runs),
    medianWithRange(r, 'wallMs'),
    formatPercent(r.stats.wallMs?.spread ?? null),
    ...COLUMNS.map((m) => formatValue(METRIC_INFO[m].unit, r.stats[m]?.median ?? null)),
  ]);
  const align: Align[] = ['left', ...headers.slice(1).map(() => 'right' as const)];
  const table = renderTable(headers, rows, align);
  const dests = [...new Set(results.map((r) => describeDestination(r.destination)))];
  return `${table}\nfiles written to: ${dests.join('; ')}\nmedians of the measured runs after warm-up; n/a = not measurable for that method`;
}
