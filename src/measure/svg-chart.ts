/**
 * Inline SVG bar charts for the HTML report: one chart per metric, one bar per result
 * (the median), with a thin whisker from min to max so the spread is visible.
 */
import type { MeasureReport } from './report-schema.js';
import { rowLabel } from './report.js';
import { fieldInfo, SAMPLE_FIELDS, type SampleField } from './types.js';
import { formatValue } from './units.js';

export const KIND_COLOURS = { git: '#d9472b', oci: '#1f6fd1' } as const;

const ROW = 28;
const LABEL_W = 300;
const BAR_W = 360;
const VALUE_W = 110;
const WIDTH = LABEL_W + BAR_W + VALUE_W;

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Metrics with at least one measured value, in report order. */
export function chartedMetrics(report: MeasureReport): SampleField[] {
  return SAMPLE_FIELDS.filter((m) => report.results.some((r) => r.stats[m] !== null));
}

export function metricChartSvg(report: MeasureReport, metric: SampleField): string {
  const info = fieldInfo(metric);
  const scale = Math.max(0, ...report.results.map((r) => r.stats[metric]?.max ?? 0));
  const x = (v: number) => LABEL_W + (scale === 0 ? 0 : (v / scale) * BAR_W);
  const height = report.results.length * ROW + 8;
  const rows = report.results.map((r, i) => {
    const y = 4 + i * ROW;
    const s = r.stats[metric];
    // a thin rule where the matrix moves on to the next preset, so groups read apart
    const prev = report.results[i - 1];
    const rule = prev && prev.preset !== r.preset ? `<line class="group" x1="0" x2="${WIDTH}" y1="${y}" y2="${y}" stroke="#ccc"/>` : '';
    const label = `<text x="${LABEL_W - 8}" y="${y + 18}" text-anchor="end" class="label">${escapeXml(rowLabel(r))}</text>`;
    if (!s) return `${rule}${label}<text x="${LABEL_W + 4}" y="${y + 18}" class="na">n/a</text>`;
    const colour = KIND_COLOURS[r.kind];
    const w = Math.max(1, x(s.median) - LABEL_W);
    const tip = `${rowLabel(r)}: median ${formatValue(info.unit, s.median)}, min ${formatValue(info.unit, s.min)}, max ${formatValue(info.unit, s.max)}, n=${s.n}`;
    return (
      rule +
      label +
      `<rect class="bar" data-metric="${metric}" data-method="${escapeXml(r.methodId)}" x="${LABEL_W}" y="${y + 4}" width="${w.toFixed(1)}" height="${ROW - 10}" fill="${colour}"><title>${escapeXml(tip)}</title></rect>` +
      `<line class="whisker" x1="${x(s.min).toFixed(1)}" x2="${x(s.max).toFixed(1)}" y1="${y + 13}" y2="${y + 13}" stroke="#222" stroke-width="1.5"/>` +
      `<text x="${LABEL_W + BAR_W + 8}" y="${y + 18}" class="value">${escapeXml(formatValue(info.unit, s.median))}</text>`
    );
  });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" data-metric="${metric}" role="img" ` +
    `aria-label="${escapeXml(info.label)} per method" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}">` +
    rows.join('') +
    '</svg>'
  );
}
