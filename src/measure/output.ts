/**
 * One entry point for every export format, and a file writer that never leaves a
 * half-written report behind (write to a temp file beside the target, then rename).
 */
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { reportToCsv } from './export-csv.js';
import { reportToHtml } from './export-html.js';
import { reportToMarkdown } from './export-markdown.js';
import { reportToJson } from './report.js';
import type { MeasureReport } from './report-schema.js';
import { renderResultsTable } from './text-table.js';
import { IN_CLUSTER_HEAD, IN_CLUSTER_TITLE, inClusterRows, projectionRows, PROJECTION_HEAD } from './export-markdown.js';
import { renderTable } from './text-table.js';
import { FLEET_ALIGN, FLEET_HEAD, FLEET_TITLE, fleetNotes, fleetRows } from './export-fleet.js';

export const REPORT_FORMATS = ['plain', 'json', 'csv', 'md', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** `--plain`: the aligned results table, then the projection and its formula. */
export function reportToPlain(report: MeasureReport): string {
  const parts: string[] = report.results.length || !report.fleet ? [renderResultsTable(report.results)] : [];
  if (report.fleet) {
    if (parts.length) parts.push('');
    parts.push(FLEET_TITLE, renderTable(FLEET_HEAD, fleetRows(report.fleet), FLEET_ALIGN), '', ...fleetNotes(report.fleet));
  }
  if (report.inCluster?.length) {
    parts.push('', IN_CLUSTER_TITLE, renderTable(IN_CLUSTER_HEAD, inClusterRows(report.inCluster), ['left', 'left', 'left', 'right', 'left']));
  }
  if (report.projections.length) {
    const align = PROJECTION_HEAD.map((_, i) => (i === 0 ? 'left' : 'right') as 'left' | 'right');
    parts.push('', 'Fleet projection', renderTable(PROJECTION_HEAD, projectionRows(report.projections), align), '', ...report.projectionFormula);
  }
  return parts.join('\n') + '\n';
}

export function renderReport(report: MeasureReport, format: ReportFormat): string {
  switch (format) {
    case 'plain':
      return reportToPlain(report);
    case 'json':
      return reportToJson(report);
    case 'csv':
      return reportToCsv(report);
    case 'md':
      return reportToMarkdown(report);
    case 'html':
      return reportToHtml(report);
  }
}

/** The format a file name asks for: .json, .csv, .md, .html/.htm, .txt (plain). */
export function formatForPath(path: string): ReportFormat {
  const ext = extname(path).toLowerCase();
  const byExt: Record<string, ReportFormat> = { '.json': 'json', '.csv': 'csv', '.md': 'md', '.html': 'html', '.htm': 'html', '.txt': 'plain' };
  const f = byExt[ext];
  if (!f) throw new Error(`cannot tell the report format of ${path}: use .json, .csv, .md, .html or .txt`);
  return f;
}

/** Write the report to `path` atomically; the format comes from the extension unless given. */
export async function writeReport(report: MeasureReport, path: string, format: ReportFormat = formatForPath(path)): Promise<void> {
  const text = renderReport(report, format);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    await writeFile(tmp, text, { mode: 0o644 });
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw new Error(`cannot write the report to ${path}: ${(err as Error).message}`);
  }
}
