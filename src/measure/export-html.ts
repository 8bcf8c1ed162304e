/**
 * A self-contained HTML report (no external assets): charts per metric, the results table,
 * the in-cluster rows, phases, method notes, the fleet projection with its formula, and every raw sample.
 */
import { describeDestination } from './destination.js';
import { FLEET_HEAD, FLEET_TITLE, fleetNotes, fleetRows } from './export-fleet.js';
import { IN_CLUSTER_HEAD, IN_CLUSTER_TITLE, inClusterRows, PROJECTION_HEAD, projectionRows } from './export-markdown.js';
import type { MeasureReport } from './report-schema.js';
import { rowLabel } from './report.js';
import { chartedMetrics, escapeXml as esc, KIND_COLOURS, metricChartSvg } from './svg-chart.js';
import { medianCell, medianWithRange, tableFootnotes } from './text-table.js';
import { fieldInfo, SAMPLE_FIELDS } from './types.js';
import { formatBytes, formatMs, formatPercent, formatValue } from './units.js';

const CSS = `
body{font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#111;background:#fff}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5rem 0;font-variant-numeric:tabular-nums}
th,td{padding:.25rem .6rem;border-bottom:1px solid #eee;text-align:right;white-space:nowrap}th:first-child,td:first-child{text-align:left;white-space:normal}
.chart text{font-size:13px}.chart .label{fill:#222}.chart .value{fill:#111;font-weight:600}.chart .na{fill:#888;font-style:italic}
.legend span{display:inline-block;width:.9em;height:.9em;margin:0 .3em 0 1em;vertical-align:-.1em}
.meta,.notes{color:#444;font-size:.92rem}pre{background:#f6f6f6;padding:.6rem;overflow-x:auto}
details{margin:.3rem 0}summary{cursor:pointer}
.fleet td:nth-child(2),.fleet th:nth-child(2){text-align:left}
.in-cluster td:nth-child(-n+3),.in-cluster th:nth-child(-n+3){text-align:left}.in-cluster td:last-child,.in-cluster th:last-child{text-align:left;white-space:normal}
`;

function table(head: string[], rows: string[][]): string {
  const th = head.map((h) => `<th>${esc(h)}</th>`).join('');
  const trs = rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${trs}\n</tbody></table>`;
}

function resultsTable(report: MeasureReport): string {
  const cols = SAMPLE_FIELDS.filter((m) => m !== 'wallMs');
  return table(
    ['method', 'client', 'runs', 'wall median (min–max)', 'spread', ...cols.map((m) => fieldInfo(m).label), 'files on'],
    report.results.map((r) => [
      rowLabel(r),
      r.client,
      String(r.runs),
      medianWithRange(r, 'wallMs'),
      formatPercent(r.stats.wallMs?.spread ?? null),
      ...cols.map((m) => medianCell(r, m)),
      `${r.destination.fsType} (${r.destination.inMemory ? 'memory' : 'disk'})`,
    ]),
  );
}

function footnotesHtml(report: MeasureReport): string {
  const notes = tableFootnotes(report.results);
  return notes.length ? `<ul class="notes">${notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : '';
}

function phasesSection(report: MeasureReport): string {
  const names = [...new Set(report.results.flatMap((r) => Object.keys(r.phaseStats)))];
  if (!names.length) return '';
  const rows = report.results
    .filter((r) => Object.keys(r.phaseStats).length)
    .map((r) => [rowLabel(r), ...names.map((n) => formatMs(r.phaseStats[n]?.median ?? null))]);
  return `<h2>Where the time goes (median per phase)</h2>${table(['method', ...names], rows)}`;
}

function samplesSection(report: MeasureReport): string {
  return report.results
    .map((r) => {
      const rows = r.samples.map((s, i) => [
        String(i + 1),
        ...SAMPLE_FIELDS.map((m) => formatValue(fieldInfo(m).unit, s[m])),
        (s.phases ?? []).map((p) => `${p.name} ${formatMs(p.ms)}`).join(', '),
      ]);
      const notes = r.notes.length ? `<ul class="notes">${r.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : '';
      return `<details><summary>${esc(rowLabel(r))}: ${esc(r.label)} (${r.samples.length} runs)</summary>${notes}${table(
        ['run', ...SAMPLE_FIELDS.map((m) => fieldInfo(m).label), 'phases'],
        rows,
      )}</details>`;
    })
    .join('\n');
}

/** flux.measure's rows (kind/cluster runs), each figure with how it was taken. */
function inClusterSection(report: MeasureReport): string {
  if (!report.inCluster?.length) return '';
  return `<h2>${esc(IN_CLUSTER_TITLE)}</h2><div class="in-cluster">${table(IN_CLUSTER_HEAD, inClusterRows(report.inCluster))}</div>`;
}

/** `ocilab bench --fleet`: the fleet measured next to its projection, and how. */
function fleetSection(report: MeasureReport): string {
  if (!report.fleet) return '';
  const notes = `<ul class="notes">${fleetNotes(report.fleet).map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`;
  return `<h2>${esc(FLEET_TITLE)}</h2><div class="fleet">${table(FLEET_HEAD, fleetRows(report.fleet))}</div>${notes}`;
}

function projectionSection(report: MeasureReport): string {
  if (!report.projections.length) return '';
  const rows = projectionRows(report.projections);
  return `<h2>Fleet projection</h2>${table(PROJECTION_HEAD, rows)}<pre class="formula">${esc(report.projectionFormula.join('\n'))}</pre>`;
}

export function reportToHtml(report: MeasureReport, title = 'Git vs OCI: fetch cost, measured live'): string {
  const m = report.machine;
  const dests = [...new Set(report.results.map((r) => describeDestination(r.destination)))];
  const charts = chartedMetrics(report)
    .map((metric) => `<figure><figcaption><strong>${esc(fieldInfo(metric).label)}</strong> (median; line: min–max)</figcaption>${metricChartSvg(report, metric)}</figure>`)
    .join('\n');
  const data = JSON.stringify(report).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><style>${CSS}</style></head>
<body>
<h1>${esc(title)}</h1>
<p class="meta">Measured ${esc(report.createdAt)} on ${m.cpus} × ${esc(m.cpuModel)}, ${esc(formatBytes(m.totalMemoryBytes))} RAM, ${esc(m.platform)} ${esc(m.release)}, Node ${esc(m.node)}.
${report.results.length ? `Files written to ${esc(dests.join('; '))}. Every figure is a median of the runs listed at the bottom; n/a = not measurable for that method.` : ''}</p>
<p class="legend"><span style="background:${KIND_COLOURS.git}"></span>Git<span style="background:${KIND_COLOURS.oci}"></span>OCI</p>
${charts}
${report.results.length ? `<h2>Results</h2>\n${resultsTable(report)}${footnotesHtml(report)}` : ''}
${inClusterSection(report)}
${fleetSection(report)}
${phasesSection(report)}
${projectionSection(report)}
${report.results.length ? `<h2>Every run</h2>\n${samplesSection(report)}` : ''}
<script type="application/json" id="report-data">${data}</script>
</body></html>
`;
}
