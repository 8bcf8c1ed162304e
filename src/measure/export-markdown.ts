/** `--md`: Markdown tables ready for slides: results, fleet projection, the formula. */
import { describeDestination } from './destination.js';
import { FLEET_HEAD, FLEET_TITLE, fleetNotes, fleetRows } from './export-fleet.js';
import type { InClusterRow, MeasureReport, ReportProjection } from './report-schema.js';
import { rowLabel } from './report.js';
import { medianCell, medianWithRange, tableFootnotes } from './text-table.js';
import { fieldInfo, type SampleField } from './types.js';
import { formatBytes, formatCount, formatMs, formatPercent, formatValue } from './units.js';

const esc = (s: string) => s.replace(/\|/g, '\\|');
const row = (cells: string[]) => `| ${cells.map(esc).join(' | ')} |`;
const METRIC_COLUMNS: SampleField[] = ['bytesDown', 'bytesUp', 'clientCpuMs', 'clientPeakRssBytes', 'serverCpuMs', 'requests'];

export function resultsMarkdown(report: MeasureReport): string {
  const head = ['method', 'client', 'runs', 'wall median (min–max)', 'spread', ...METRIC_COLUMNS.map((m) => fieldInfo(m).label)];
  const lines = [row(head), row(head.map((_, i) => (i < 2 ? '---' : '---:')))];
  for (const r of report.results) {
    lines.push(
      row([
        rowLabel(r),
        r.client,
        String(r.runs),
        `**${medianWithRange(r, 'wallMs')}**`,
        formatPercent(r.stats.wallMs?.spread ?? null),
        ...METRIC_COLUMNS.map((m) => medianCell(r, m)),
      ]),
    );
  }
  const notes = tableFootnotes(report.results);
  return [...lines, ...(notes.length ? ['', ...notes.map((n) => `- ${n}`)] : [])].join('\n');
}

export const PROJECTION_HEAD = ['source', 'clusters', 'interval', 'changes/h', 'polls/h', 'fetches/h', 'bytes down/h', 'server CPU/h', 'server cores', 'requests/s'];

/** The projection table's cells, formatted (shared by the Markdown and HTML exports). */
export function projectionRows(projections: readonly ReportProjection[]): string[][] {
  return projections.map((p) => [
    p.label,
    formatCount(p.params.clusters),
    `${p.params.intervalMinutes} min`,
    formatCount(p.params.changesPerHour),
    formatCount(p.pollsPerHour),
    formatCount(p.fetchesPerHour),
    formatBytes(p.bytesDownPerHour),
    formatMs(p.serverCpuSecondsPerHour === null ? null : p.serverCpuSecondsPerHour * 1000),
    p.serverCores === null ? 'n/a' : p.serverCores.toFixed(3),
    p.requestsPerSecond === null ? 'n/a' : p.requestsPerSecond.toFixed(2),
  ]);
}

export function projectionMarkdown(projections: readonly ReportProjection[]): string {
  const lines = [row(PROJECTION_HEAD), row(PROJECTION_HEAD.map((_, i) => (i === 0 ? '---' : '---:')))];
  for (const r of projectionRows(projections)) lines.push(row(r));
  return lines.join('\n');
}

export const IN_CLUSTER_TITLE = 'In-cluster (Flux source-controller)';
export const IN_CLUSTER_HEAD = ['method', 'source', 'metric', 'value', 'how'];

/** The in-cluster table's cells, formatted (shared by the Markdown, HTML and plain exports). */
export function inClusterRows(rows: readonly InClusterRow[]): string[][] {
  return rows.map((r) => [r.method, r.source, r.metric, formatValue(r.unit === 'ratio' ? 'count' : r.unit, r.value), r.note]);
}

/** The in-cluster rows (flux.measure), each with how it was measured. */
export function inClusterMarkdown(rows: readonly InClusterRow[]): string {
  const lines = [row(IN_CLUSTER_HEAD), row(['---', '---', '---', '---:', '---'])];
  for (const r of inClusterRows(rows)) lines.push(row(r));
  return lines.join('\n');
}

/** The fleet table (`ocilab bench --fleet`) and how it was measured. */
export function fleetMarkdown(report: MeasureReport): string {
  if (!report.fleet) return '';
  const lines = [row(FLEET_HEAD), row(FLEET_HEAD.map((_, i) => (i < 2 ? '---' : '---:')))];
  for (const r of fleetRows(report.fleet)) lines.push(row(r));
  return [...lines, '', ...fleetNotes(report.fleet).map((n) => `- ${n}`)].join('\n');
}

export function reportToMarkdown(report: MeasureReport): string {
  const dests = [...new Set(report.results.map((r) => describeDestination(r.destination)))];
  const runs = [...new Set(report.results.map((r) => `${r.runs} runs after ${r.warmup} warm-up`))];
  const m = report.machine;
  if (report.fleet && !report.results.length) {
    const machine = `Measured ${report.createdAt} on ${m.cpus} × ${m.cpuModel}, ${formatBytes(m.totalMemoryBytes)} RAM, ${m.platform} ${m.release}, Node ${m.node}.`;
    return [`## ${FLEET_TITLE}`, '', fleetMarkdown(report), '', machine, ''].join('\n');
  }
  const parts = [
    '## Fetch cost, measured live',
    '',
    resultsMarkdown(report),
    '',
    `Medians of ${runs.join(' / ')}, measured ${report.createdAt} on ${m.cpus} × ${m.cpuModel}, ${formatBytes(m.totalMemoryBytes)} RAM, ${m.platform} ${m.release}, Node ${m.node}. Files written to ${dests.join('; ')}. n/a = not measurable for that method.`,
  ];
  if (report.inCluster?.length) parts.push('', `## ${IN_CLUSTER_TITLE}`, '', inClusterMarkdown(report.inCluster));
  if (report.fleet) parts.push('', `## ${FLEET_TITLE}`, '', fleetMarkdown(report));
  if (report.projections.length) {
    parts.push('', '## Fleet projection', '', projectionMarkdown(report.projections), '', '```', ...report.projectionFormula, '```');
  }
  return parts.join('\n') + '\n';
}
