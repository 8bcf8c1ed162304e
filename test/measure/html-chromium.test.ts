import { execFile } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportToHtml } from '../../src/measure/export-html.js';
import type { MeasureReport } from '../../src/measure/report-schema.js';
import { chartedMetrics } from '../../src/measure/svg-chart.js';
import { peer } from '../helpers/peers.js';
import { measureRealReport } from './real-report.js';

const run = promisify(execFile);
const chromium = peer('chromium', 'scripts/ci/install-measure.sh');
let root: string;
let report: MeasureReport;
let htmlFile: string;

function chromiumArgs(profile: string): string[] {
  return ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', `--user-data-dir=${profile}`];
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'measure-html-'));
  report = await measureRealReport(root);
  htmlFile = join(root, 'report.html');
  writeFileSync(htmlFile, reportToHtml(report));
}, 60_000);
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('HTML report', () => {
  it('is self-contained: no external scripts, styles, images or fonts', () => {
    const html = readFileSync(htmlFile, 'utf8');
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/i);
    expect(html).not.toMatch(/url\(/);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });
});

describe.skipIf(!chromium)('HTML report in headless Chromium', () => {
  it('loads and shows one bar per measured result per metric', async () => {
    const profile = join(root, 'profile-dom');
    const { stdout } = await run(chromium!, [...chromiumArgs(profile), '--dump-dom', `file://${htmlFile}`], { maxBuffer: 32 * 1024 * 1024, timeout: 60_000 });
    const metrics = chartedMetrics(report);
    expect(metrics).toContain('wallMs');
    expect(metrics).toContain('bytesDown');
    for (const metric of metrics) {
      const bars = stdout.match(new RegExp(`<rect class="bar" data-metric="${metric}"`, 'g')) ?? [];
      const expected = report.results.filter((r) => r.stats[metric] !== null).length;
      expect(bars.length, metric).toBe(expected);
    }
    expect(stdout.match(/<svg[^>]+class="chart"/g)).toHaveLength(metrics.length);
    // the report data travels with the page
    expect(stdout).toContain('id="report-data"');
  }, 90_000);

  it('renders a screenshot', async () => {
    const profile = join(root, 'profile-shot');
    const png = join(root, 'report.png');
    await run(chromium!, [...chromiumArgs(profile), '--hide-scrollbars', '--window-size=1200,1400', `--screenshot=${png}`, `file://${htmlFile}`], {
      timeout: 60_000,
    });
    const bytes = readFileSync(png);
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(bytes.readUInt32BE(16)).toBe(1200); // IHDR width
    expect(statSync(png).size).toBeGreaterThan(20_000); // a page with charts, not a blank one
    if (process.env.OCILAB_KEEP_SCREENSHOT) writeFileSync(process.env.OCILAB_KEEP_SCREENSHOT, bytes);
  }, 90_000);
});
