/** `--csv`: one row per result, fixed columns, empty cells for n/a. RFC 4180 quoting. */
import type { MeasureReport } from './report-schema.js';
import { METRICS } from './types.js';

const STAT_FIELDS = ['median', 'min', 'max', 'iqr', 'spread', 'n'] as const;

export const CSV_COLUMNS: readonly string[] = [
  'cell',
  'preset',
  'scope',
  'method_id',
  'label',
  'kind',
  'runs',
  'warmup',
  'dest_fs',
  'dest_in_memory',
  ...METRICS.flatMap((m) => STAT_FIELDS.map((f) => `${m}_${f}`)),
];

function quote(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function reportToCsv(report: MeasureReport): string {
  const rows = report.results.map((r) => [
    r.cell,
    r.preset,
    r.scope,
    r.methodId,
    r.label,
    r.kind,
    r.runs,
    r.warmup,
    r.destination.fsType,
    r.destination.inMemory,
    ...METRICS.flatMap((m) => STAT_FIELDS.map((f) => r.stats[m]?.[f] ?? null)),
  ]);
  return [CSV_COLUMNS, ...rows].map((row) => row.map(quote).join(',')).join('\r\n') + '\r\n';
}
