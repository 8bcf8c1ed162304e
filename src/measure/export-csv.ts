/**
 * `--csv`: one row per result, fixed columns, empty cells for n/a. RFC 4180 quoting.
 * In-cluster figures (flux.measure on kind/cluster) follow as rows of their own: `label` says
 * which (in-cluster GitRepository / OCIRepository), `source`, `metric`, `value`, `unit` and
 * `note` (how it was measured) hold the figure; the local stat columns stay empty for them.
 * The fleet (`bench --fleet N`) follows the same way, scope `fleet`: one row per transport and
 * figure, the measured figure in `value`, the formula's in `projected`, `ratio` = measured ÷
 * projected (empty where the table has none), and the fleet's size and compressed interval in `note`.
 */
import { fleetServerCpuMs } from './export-fleet.js';
import type { FleetReport, FleetTransport, InClusterRow, MeasureReport } from './report-schema.js';
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
  'projected',
  'ratio',
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

type FleetFigure = [metric: string, unit: string, measured: number | null, projected: number | null, ratio: number | null];

function fleetFigures(t: FleetTransport): FleetFigure[] {
  const m = t.measured;
  const p = t.projected;
  return [
    ['server_cpu_ms', 'ms', fleetServerCpuMs(t), p.serverCpuMs, t.ratio.serverCpu],
    ['server_idle_cpu_ms', 'ms', m.idleCpuMs, null, null],
    ['server_cores', 'cores', t.serverCores.measured, t.serverCores.projected, t.ratio.serverCpu],
    ['bytes_down', 'bytes', m.bytesDown, p.bytesDown, t.ratio.bytesDown],
    ['requests', 'count', m.requests, p.requests, t.ratio.requests],
    ['polls', 'count', m.polls, p.polls, null],
    ['fetches', 'count', m.fetches, p.fetches, null],
    ['check_p50_ms', 'ms', m.checkP50Ms, null, null],
    ['check_p99_ms', 'ms', m.checkP99Ms, null, null],
    ['errors', 'count', m.errors, null, null],
    ['late_polls', 'count', m.latePolls, null, null],
  ];
}

function fleetCells(f: FleetReport): Cell[][] {
  const fleet = `${f.clusters} clusters polling every ${f.pollSeconds} s for ${f.windowSeconds} s, ${f.changes} change(s): the ${f.intervalMinutes} min interval compressed, the load of ${f.equivalentClusters} clusters every ${f.intervalMinutes} min`;
  return f.transports.flatMap((t) => {
    const note = t.fellBehind ? `${fleet}; fell behind (${t.measured.latePolls} late polls): ratios not comparable` : fleet;
    return fleetFigures(t).map(([metric, unit, value, projected, ratio]) => {
      const byName: Record<string, Cell> = { preset: f.preset, scope: 'fleet', label: t.label, kind: t.kind, client: f.clients, metric, value, unit, note, projected, ratio };
      return CSV_COLUMNS.map((c) => byName[c] ?? null);
    });
  });
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
    null,
    null,
  ]);
  for (const r of report.inCluster ?? []) rows.push(inClusterCells(r));
  if (report.fleet) rows.push(...fleetCells(report.fleet));
  return [CSV_COLUMNS, ...rows].map((row) => row.map(quote).join(',')).join('\r\n') + '\r\n';
}
