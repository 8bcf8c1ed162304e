/**
 * `--csv`: one row per result, fixed columns, empty cells for n/a. RFC 4180 quoting.
 * In-cluster figures (flux.measure on kind/cluster) follow as rows of their own: `label` says
 * which (in-cluster GitRepository / OCIRepository), `source`, `metric`, `value`, `unit` and
 * `note` (how it was measured) hold the figure; the local stat columns stay empty for them.
 */
import type { InClusterRow, MeasureReport } from './report-schema.js';
import { SAMPLE_FIELDS } from './types.js';

const STAT_FIELDS = ['median', 'min', 'max', 'iqr', 'spread', 'n'] as const;

export const CSV_COLUMNS: readonly string[] = [
  'cell',
  'preset',
  'scope',
  'method_id',
  'label',
  'kind',
  'client',
  'failure',
  'not_comparable',
  'runs',
  'warmup',
  'dest_fs',
  'dest_in_memory',
  ...SAMPLE_FIELDS.flatMap((m) => STAT_FIELDS.map((f) => `${m}_${f}`)),
  'source',
  'metric',
  'value',
  'unit',
  'note',
];

type Cell = string | number | boolean | null | undefined;

function quote(v: Cell): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** git / oci from the Flux source kind the figure was taken on; empty for any other. */
function sourceKind(source: string): 'git' | 'oci' | null {
  const kind = source.split('/')[0];
  return kind === 'GitRepository' ? 'git' : kind === 'OCIRepository' ? 'oci' : null;
}

function inClusterCells(r: InClusterRow): Cell[] {
  const byName: Record<string, Cell> = { label: r.method, kind: sourceKind(r.source), source: r.source, metric: r.metric, value: r.value, unit: r.unit, note: r.note };
  return CSV_COLUMNS.map((c) => byName[c] ?? null);
}

export function reportToCsv(report: MeasureReport): string {
  const rows: Cell[][] = report.results.map((r) => [
    r.cell,
    r.preset,
    r.scope,
    r.methodId,
    r.label,
    r.kind,
    r.client,
    r.failure ?? null,
    Object.entries(r.notComparable).map(([f, why]) => `${f}: ${why}`).join('; ') || null,
    r.runs,
    r.warmup,
    r.destination.fsType,
    r.destination.inMemory,
    ...SAMPLE_FIELDS.flatMap((m) => STAT_FIELDS.map((f) => r.stats[m]?.[f] ?? null)),
    null,
    null,
    null,
    null,
    null,
  ]);
  for (const r of report.inCluster ?? []) rows.push(inClusterCells(r));
  return [CSV_COLUMNS, ...rows].map((row) => row.map(quote).join(',')).join('\r\n') + '\r\n';
}
