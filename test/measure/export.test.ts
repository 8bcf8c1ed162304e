import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_COLUMNS, reportToCsv } from '../../src/measure/export-csv.js';
import { reportToMarkdown } from '../../src/measure/export-markdown.js';
import { parseReport, reportToJson } from '../../src/measure/report.js';
import { reportJsonSchema, type MeasureReport } from '../../src/measure/report-schema.js';
import { parseCsv } from '../helpers/csv.js';
import { measureRealReport } from './real-report.js';

const schemaPath = new URL('../../src/measure/report.schema.json', import.meta.url);
let root: string;
let report: MeasureReport;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'measure-export-'));
  report = await measureRealReport(root);
}, 60_000);
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('JSON export', () => {
  const validate = () => new Ajv2020({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(schemaPath, 'utf8')));

  it('the shipped report.schema.json is the one generated from the zod schema', () => {
    expect(JSON.parse(readFileSync(schemaPath, 'utf8'))).toEqual(reportJsonSchema());
  });

  it('a measured report validates against the shipped schema and reads back', () => {
    const json = reportToJson(report);
    const check = validate();
    expect(check(JSON.parse(json)), JSON.stringify(check.errors)).toBe(true);
    expect(parseReport(json).results).toHaveLength(4);
  });

  it('every median can be traced to its samples', () => {
    for (const r of report.results) {
      const walls = r.samples.map((s) => s.wallMs).sort((a, b) => a - b);
      expect(r.stats.wallMs!.median).toBe(walls[1]);
      expect(r.samples).toHaveLength(r.runs);
    }
  });

  it('the schema rejects a report with a missing figure, and parseReport says where', () => {
    const broken = JSON.parse(reportToJson(report));
    delete broken.results[0].samples[0].bytesDown;
    expect(validate()(broken)).toBe(false);
    expect(() => parseReport(JSON.stringify(broken), 'bench.json')).toThrow(/bench\.json: not an ocilab measurement report: results\.0\.samples\.0\.bytesDown/);
    expect(() => parseReport('{', 'x.json')).toThrow(/x\.json: not JSON/);
  });
});

describe('CSV export', () => {
  it('has the fixed columns and one row per result, numbers as numbers, n/a empty', () => {
    const rows = parseCsv(reportToCsv(report));
    expect(rows[0]).toEqual(CSV_COLUMNS);
    expect(rows).toHaveLength(1 + report.results.length);
    for (const r of rows) expect(r).toHaveLength(CSV_COLUMNS.length);
    const col = (name: string) => CSV_COLUMNS.indexOf(name);
    const shallow = rows[1]!;
    expect(shallow[col('method_id')]).toBe('git.cli.shallow');
    expect(shallow[col('cell')]).toBe('small/repo');
    expect(Number(shallow[col('wallMs_median')])).toBe(report.results[0]!.stats.wallMs!.median);
    expect(Number(shallow[col('bytesDown_median')])).toBeGreaterThan(0);
    expect(shallow[col('serverCpuMs_median')]).toBe(''); // not metered through the proxy
  });
});

describe('Markdown export', () => {
  it('renders a slide-ready table, the projection and its formula', () => {
    const md = reportToMarkdown(report);
    const lines = md.split('\n');
    const tableStart = lines.findIndex((l) => l.startsWith('| method |'));
    expect(lines[tableStart + 1]).toMatch(/^\| --- \| --- \| ---: \|/);
    // which client each row used, and why an in-process figure is n/a*
    expect(md).toMatch(/\| small\/repo git\.cli\.shallow \| git CLI process \| /);
    expect(md).toMatch(/\| small\/repo oci\.untar-only \| in the ocilab process \(node-tar\) \|.* n\/a\* \|/);
    expect(md).toContain('- n/a*: small/repo oci.untar-only client CPU: measured inside the ocilab process, not a client process like the other rows');
    expect(lines.slice(tableStart + 2, tableStart + 6).map((l) => l.split(' | ')[0])).toEqual([
      '| small/repo git.cli.shallow',
      '| small/repo git.cli.ls-remote',
      '| small/app git.cli.sparse',
      '| small/repo oci.untar-only',
    ]);
    expect(md).toContain('## Fleet projection');
    expect(md).toContain('| Git, git:// (ls-remote + shallow clone) | 1,000 | 1 min | 2 | 60,000 | 2,000 |');
    expect(md).toContain('polls/h   = F × 60 / I');
  });
});

describe('report files', () => {
  it('picks the format from the extension and writes atomically', async () => {
    const { formatForPath, writeReport, renderReport } = await import('../../src/measure/output.js');
    expect(formatForPath('out/bench.JSON')).toBe('json');
    expect(formatForPath('x.htm')).toBe('html');
    expect(() => formatForPath('x.pdf')).toThrow(/use \.json, \.csv, \.md, \.html or \.txt/);
    const file = join(root, 'r.csv');
    await writeReport(report, file);
    expect(readFileSync(file, 'utf8')).toBe(renderReport(report, 'csv'));
    await expect(writeReport(report, join(root, 'missing-dir', 'r.md'))).rejects.toThrow(/cannot write the report to .*missing-dir/);
    const plain = renderReport(report, 'plain');
    expect(plain).toContain('Fleet projection');
    expect(plain).toContain('polls/h   = F × 60 / I');
  });
});
