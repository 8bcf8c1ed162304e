/** Plain aligned tables for --plain output and logs (no Ink, no colours). */
import { describeDestination } from './destination.js';
import { fieldInfo, type MethodResult, type SampleField } from './types.js';
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

/** A result row with the fields the tables read. */
type Row = Pick<MethodResult, 'stats' | 'notComparable' | 'failure' | 'methodId'> & { cell?: string };

/** "n/a*" for a figure measured but not comparable (the reason is listed under the table), n/a otherwise. */
function missing(r: Row, field: SampleField): string {
  if (r.failure !== undefined) return 'failed';
  return r.notComparable[field] ? `${NA}*` : NA;
}

/** The median of one figure, formatted; n/a, n/a* or "failed" when there is none. */
export function medianCell(r: Row, field: SampleField): string {
  const s = r.stats[field];
  return s ? formatValue(fieldInfo(field).unit, s.median) : missing(r, field);
}

/**
 * The lines under a results table: every failed row with its reason, and every n/a* figure
 * with why it cannot be compared like for like.
 */
export function tableFootnotes(results: readonly Row[]): string[] {
  const label = (r: Row) => (r.cell ? `${r.cell} ${r.methodId}` : r.methodId);
  const lines: string[] = [];
  for (const r of results) if (r.failure !== undefined) lines.push(`failed: ${label(r)}: ${r.failure}`);
  for (const r of results) {
    for (const [field, why] of Object.entries(r.notComparable)) lines.push(`n/a*: ${label(r)} ${fieldInfo(field as SampleField).label}: ${why}`);
  }
  return lines;
}

/** "135 ms (128–138)" for a metric, or n/a. */
export function medianWithRange(r: Row, metric: SampleField): string {
  const s = r.stats[metric];
  if (!s) return missing(r, metric);
  const unit = fieldInfo(metric).unit;
  const [med, min, max] = [s.median, s.min, s.max].map((v) => formatValue(unit, v)) as [string, string, string];
  const suffix = / [^ ]+$/.exec(med)?.[0];
  // "352 ms (322–381)" when all three share the unit, "980 ms (950 ms–1.02 s)" when they do not
  if (suffix && min.endsWith(suffix) && max.endsWith(suffix)) {
    return `${med} (${min.slice(0, -suffix.length)}–${max.slice(0, -suffix.length)})`;
  }
  return `${med} (${min}–${max})`;
}

const COLUMNS: SampleField[] = ['bytesDown', 'bytesUp', 'clientCpuMs', 'clientPeakRssBytes', 'serverCpuMs', 'requests'];

/** The results table for --plain: one row per method, medians, wall with its range and spread. */
export function renderResultsTable(results: readonly (MethodResult & { cell?: string })[]): string {
  const headers = ['method', 'client', 'runs', 'wall median (min–max)', 'spread', ...COLUMNS.map((m) => fieldInfo(m).label)];
  const rows = results.map((r) => [
    r.cell ? `${r.cell} ${r.methodId}` : r.methodId,
    r.client,
    String(r.runs),
    medianWithRange(r, 'wallMs'),
    formatPercent(r.stats.wallMs?.spread ?? null),
    ...COLUMNS.map((m) => medianCell(r, m)),
  ]);
  const align: Align[] = ['left', 'left', ...headers.slice(2).map(() => 'right' as const)];
  const table = renderTable(headers, rows, align);
  const dests = [...new Set(results.map((r) => describeDestination(r.destination)))];
  const notes = tableFootnotes(results);
  return [
    table,
    `files written to: ${dests.join('; ')}`,
    'medians of the measured runs after warm-up; n/a = not measurable for that method; client figures are of one client process per run, start-up included',
    ...notes,
  ].join('\n');
}
