/** flux.measure's rows in the exported report: compare.json amended, compare.md rendered again from it. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CSV_COLUMNS } from '../../src/measure/export-csv.js';
import { buildReport, parseReport, reportToJson } from '../../src/measure/report.js';
import { amendReports, type InClusterRow } from '../../src/flux/in-cluster-report.js';
import { parseCsv } from '../helpers/csv.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ocilab-incluster-report-'));
  await writeFile(join(dir, 'compare.json'), reportToJson(buildReport([])));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const row = (source: string, metric: string, value: number, unit: InClusterRow['unit'], note: string): InClusterRow => ({
  source,
  method: `in-cluster ${source.split('/')[0]}`,
  metric,
  value,
  unit,
  note,
});
const gitRows = [
  row('GitRepository/demo/fleet-git', 'wall_ms', 115.2, 'ms', 'in-cluster, fleet-git: requestedAt → lastHandledReconcileAt (patch, then watch), median of 2 runs, spread 4 %'),
  row('GitRepository/demo/fleet-git', 'bytes_down', 735, 'bytes', "in-cluster, fleet-git: bytes ocilab's Git server served per reconcile"),
];
const ociRows = [row('OCIRepository/demo/fleet-oci', 'reconcile_count', 2, 'count', 'in-cluster, fleet-oci: Δ gotk_reconcile_duration_seconds_count over the batch (2 requested)')];

describe('in-cluster rows in the report export', () => {
  it('adds them to the JSON (schema-valid) and renders the Markdown again with an in-cluster section', async () => {
    const written = await amendReports(['compare.json', 'compare.md'], dir, [...gitRows, ...ociRows]);
    expect(written).toEqual([join(dir, 'compare.json'), join(dir, 'compare.md')]);
    const report = parseReport(await readFile(join(dir, 'compare.json'), 'utf8'));
    expect(report.inCluster).toEqual([...gitRows, ...ociRows]);
    const md = await readFile(join(dir, 'compare.md'), 'utf8');
    expect(md).toContain('## In-cluster (Flux source-controller)');
    expect(md).toContain('| in-cluster GitRepository | GitRepository/demo/fleet-git | wall_ms | 115 ms | in-cluster, fleet-git: requestedAt → lastHandledReconcileAt');
    expect(md).toContain('| in-cluster GitRepository | GitRepository/demo/fleet-git | bytes_down | 735 B |');
    expect(md).toContain('| in-cluster OCIRepository | OCIRepository/demo/fleet-oci | reconcile_count | 2 |');
  });

  it('the plain-text export (.txt) gets the in-cluster table too', async () => {
    await amendReports(['compare.json', 'compare.txt'], dir, gitRows);
    const txt = await readFile(join(dir, 'compare.txt'), 'utf8');
    expect(txt).toContain('In-cluster (Flux source-controller)');
    expect(txt).toMatch(/in-cluster GitRepository +GitRepository\/demo\/fleet-git +wall_ms +115 ms +in-cluster, fleet-git: requestedAt/);
  });

  it('the CSV export (.csv) has a row per in-cluster figure: its label, source, metric, value, unit and how', async () => {
    await amendReports(['compare.json', 'compare.csv'], dir, [...gitRows, ...ociRows]);
    const [head, ...rows] = parseCsv(await readFile(join(dir, 'compare.csv'), 'utf8'));
    expect(head).toEqual(CSV_COLUMNS);
    const pick = (r: string[]) => Object.fromEntries(['label', 'kind', 'source', 'metric', 'value', 'unit', 'note'].map((c) => [c, r[CSV_COLUMNS.indexOf(c)]]));
    expect(rows.map(pick)).toEqual([
      { label: 'in-cluster GitRepository', kind: 'git', source: 'GitRepository/demo/fleet-git', metric: 'wall_ms', value: '115.2', unit: 'ms', note: gitRows[0]!.note },
      { label: 'in-cluster GitRepository', kind: 'git', source: 'GitRepository/demo/fleet-git', metric: 'bytes_down', value: '735', unit: 'bytes', note: gitRows[1]!.note },
      { label: 'in-cluster OCIRepository', kind: 'oci', source: 'OCIRepository/demo/fleet-oci', metric: 'reconcile_count', value: '2', unit: 'count', note: ociRows[0]!.note },
    ]);
    for (const r of rows) {
      expect(r).toHaveLength(CSV_COLUMNS.length);
      // No local figure is implied for them: every column outside the in-cluster ones is empty.
      expect(r.filter((cell, i) => cell !== '' && !['label', 'kind', 'source', 'metric', 'value', 'unit', 'note'].includes(CSV_COLUMNS[i]!))).toEqual([]);
    }
  });

  it('the HTML export (.html) gets the in-cluster table, every figure with its method and how', async () => {
    await amendReports(['compare.json', 'compare.html'], dir, [...gitRows, ...ociRows]);
    const html = await readFile(join(dir, 'compare.html'), 'utf8');
    // The table shown, not the report JSON embedded at the end of the page.
    const section = html.split('<h2>In-cluster (Flux source-controller)</h2>')[1]?.split('<h2>')[0];
    expect(section, 'no in-cluster section').toBeDefined();
    const unescape = (s: string) => s.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    const cells = (tr: string) => [...tr.matchAll(/<t[dh]>(.*?)<\/t[dh]>/g)].map((m) => unescape(m[1]!));
    const [head, ...rows] = [...section!.matchAll(/<tr>(.*?)<\/tr>/g)].map((m) => cells(m[1]!));
    expect(head).toEqual(['method', 'source', 'metric', 'value', 'how']);
    expect(rows).toEqual([
      ['in-cluster GitRepository', 'GitRepository/demo/fleet-git', 'wall_ms', '115 ms', gitRows[0]!.note],
      ['in-cluster GitRepository', 'GitRepository/demo/fleet-git', 'bytes_down', '735 B', gitRows[1]!.note],
      ['in-cluster OCIRepository', 'OCIRepository/demo/fleet-oci', 'reconcile_count', '2', ociRows[0]!.note],
    ]);
  });

  it("a second measurement of the same source replaces its rows; other sources' stay", async () => {
    await amendReports(['compare.json'], dir, [...gitRows, ...ociRows]);
    const again = [row('GitRepository/demo/fleet-git', 'wall_ms', 99, 'ms', 'second')];
    await amendReports(['compare.json'], dir, again);
    expect(parseReport(await readFile(join(dir, 'compare.json'), 'utf8')).inCluster).toEqual([...ociRows, ...again]);
  });

  it('refuses a list without the .json, or with an unknown format, and writes nothing', async () => {
    const before = await readFile(join(dir, 'compare.json'), 'utf8');
    await expect(amendReports(['compare.md'], dir, gitRows)).rejects.toThrow(/name the \.json report measure\.compare wrote/);
    await expect(amendReports(['compare.json', 'compare.pdf'], dir, gitRows)).rejects.toThrow(/cannot tell the report format of .*compare\.pdf/);
    expect(await readFile(join(dir, 'compare.json'), 'utf8')).toBe(before);
    await expect(amendReports(['missing.json'], dir, gitRows)).rejects.toThrow(/cannot read .*missing\.json \(run measure\.compare/);
  });

  it('nothing to do without report files', async () => {
    expect(await amendReports([], dir, gitRows)).toEqual([]);
  });
});
