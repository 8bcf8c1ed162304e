/**
 * The in-cluster rows in the exported report: flux.measure runs after measure.compare and
 * adds its rows (`inCluster`) to the report measure.compare wrote. The .json file is the
 * source: it is read, validated, amended and written back; every other format named
 * (.md, .html, .csv, .txt) is rendered again from it. Files are replaced atomically.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { formatForPath, writeReport } from '../measure/output.js';
import { parseReport } from '../measure/report.js';
import type { InClusterRow } from '../measure/report-schema.js';

export type { InClusterRow } from '../measure/report-schema.js';

/** Adds `rows` to the reports named (relative to `workDir`); returns the paths written. */
export async function amendReports(files: readonly string[], workDir: string, rows: readonly InClusterRow[]): Promise<string[]> {
  if (files.length === 0) return [];
  const paths = files.map((f) => (isAbsolute(f) ? f : join(workDir, f)));
  const json = paths.find((p) => p.toLowerCase().endsWith('.json'));
  if (!json) throw new Error(`flux.measure report: name the .json report measure.compare wrote (the other formats are rendered from it), got ${files.join(', ')}`);
  let text: string;
  try {
    text = await readFile(json, 'utf8');
  } catch (err) {
    throw new Error(`flux.measure report: cannot read ${json} (run measure.compare with report: [${files.join(', ')}] first): ${(err as Error).message}`);
  }
  const report = parseReport(text, json);
  // A second flux.measure in the same run replaces its sources' rows, never duplicates them.
  const sources = new Set(rows.map((r) => r.source));
  report.inCluster = [...(report.inCluster ?? []).filter((r) => !sources.has(r.source)), ...rows];
  // Every extension checked before any file is written: a bad one leaves all of them as they were.
  for (const p of paths) formatForPath(p);
  for (const p of paths) await writeReport(report, p);
  return paths;
}
