/**
 * The bars view growing run by run: the per-run samples measure.compare reports become
 * range bars (median, fastest, slowest) while the comparison runs, and the median, range
 * and spread once it is complete. Frames at 80, 100 and 120 columns; and through the real
 * runner and store, a step whose action reports runs one at a time (gated by the test, so
 * every intermediate frame is deterministic).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { z } from 'zod';
import { buildActionRegistry } from '../../src/all-actions.js';
import { defineAction, type Measurement } from '../../src/engine/action-definition.js';
import { CleanupRegistry } from '../../src/process/cleanup.js';
import { Runner } from '../../src/engine/runner.js';
import { parseScenario } from '../../src/engine/scenario-load.js';
import type { LiveSample } from '../../src/measure/live.js';
import type { MetricName } from '../../src/measure/metrics.js';
import { createRunStore } from '../../src/store/run-store.js';
import { barCells } from '../../src/ui/components/BarsView.js';
import { MainScreen } from '../../src/ui/components/MainScreen.js';
import { liveCharts } from '../../src/ui/measure-bars.js';
import { RunApp } from '../../src/ui/RunApp.js';
import { createTheme, ThemeContext } from '../../src/ui/theme.js';
import { barsOverlayProps } from './fixtures.js';
import { KEY, renderAt, frameShows, type Rendered } from './render.js';
import { until } from './run-store.js';

const mounted: Rendered[] = [];
const disposers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (mounted.length) mounted.pop()!.instance.unmount();
  while (disposers.length) await disposers.pop()!();
});

const METHODS = [
  'git clone (full)',
  'git clone --depth 1 --single-branch --no-tags (shallow, what Flux does)',
  'git clone --depth 1 --filter=blob:none --sparse (one app)',
  'git ls-remote (no-change check)',
  'ocilab pull (manifest + layer, digest checked)',
  'ocilab manifest HEAD (no-change check)',
];
/** Who each method is, as measure.compare reports it (typed fields: no view reads the label). */
const WHO = [
  { methodId: 'git.cli.full', short: 'git full', transport: 'git', client: 'git CLI process' },
  { methodId: 'git.cli.shallow', short: 'git shallow', transport: 'git', client: 'git CLI process' },
  { methodId: 'git.cli.sparse', short: 'git sparse', transport: 'git', client: 'git CLI process' },
  { methodId: 'git.cli.ls-remote', short: 'git ls-remote', transport: 'git', client: 'git CLI process' },
  { methodId: 'oci.ocilab.pull', short: 'oci pull', transport: 'oci', client: 'node process, ocilab OCI client (src/oci only)' },
  { methodId: 'oci.ocilab.head', short: 'oci HEAD', transport: 'oci', client: 'node process, ocilab OCI client (src/oci only)' },
] as const;
/** Per method: wall ms, bytes down, server CPU ms, client CPU ms, peak RSS, requests of a typical run. */
const BASE: [number, number, number, number, number, number][] = [
  [760, 498_000, 56, 112, 11.5e6, 3],
  [615, 22_800, 65, 43, 11.4e6, 3],
  [970, 13_800, 136, 91, 11.5e6, 7],
  [320, 921, 31, 18, 11.4e6, 2],
  [45, 8_080, 2, 30, 120e6, 2],
  [5, 331, 1, 3, 120e6, 1],
];
const METRICS: [MetricName, Measurement['unit']][] = [
  ['wall_ms', 'ms'],
  ['bytes_down', 'bytes'],
  ['server_cpu_ms', 'ms'],
  ['client_cpu_ms', 'ms'],
  ['peak_rss_bytes', 'bytes'],
  ['requests', 'count'],
];
/** Run k of `of` for every method, interleaved as measure.compare does; time varies per run. */
function round(run: number, of: number): LiveSample[] {
  const factor = [1, 0.8, 1.3, 1.1, 0.9][run - 1] ?? 1;
  return METHODS.flatMap((method, i) =>
    METRICS.map(([metric, unit], j) => ({ method, ...WHO[i]!, metric, unit, run, of, value: j === 0 || j === 3 ? Math.round(BASE[i]![j]! * factor * 10) / 10 : BASE[i]![j]! })),
  );
}

async function barsScreen(size: { columns: number; rows: number }, samples: LiveSample[]) {
  const props = barsOverlayProps(size, { measurements: [], samples });
  const r = renderAt(
    <ThemeContext.Provider value={createTheme(false)}>
      <MainScreen {...props} />
    </ThemeContext.Provider>,
    size,
  );
  mounted.push(r);
  await frameShows(r, '▶ running 2/4');
  return r;
}

function fits(frame: string, size: { columns: number; rows: number }) {
  const rows = frame.split('\n');
  expect(rows.length).toBeLessThanOrEqual(size.rows - 1);
  for (const row of rows) expect(row.length, row).toBeLessThanOrEqual(size.columns);
}

/** Through RunApp the frame starts with the <Static> transcript: the live area is the last rows-1 lines, header first. */
function fitsLive(ui: Rendered, size: { columns: number; rows: number }) {
  const live = ui.live();
  expect(live[0]).toMatch(/^Live bars /);
  for (const row of live) expect(row.length, row).toBeLessThanOrEqual(size.columns);
}

describe('live charts from samples', () => {
  test('median, fastest and slowest of the runs so far, on one scale per metric', () => {
    const partial = liveCharts([...round(1, 3), ...round(2, 3)]);
    const time = partial.find((c) => c.title === 'time')!;
    const full = time.bars.find((b) => b.short === 'git full')!;
    expect(full).toMatchObject({ runs: 2, of: 3, complete: false, value: 684, spread: '±11%' });
    expect(full.minFraction).toBeCloseTo(608 / 970, 5);
    expect(time.bars.find((b) => b.short === 'git sparse')!.maxFraction).toBe(1);
    const done = liveCharts([...round(1, 3), ...round(2, 3), ...round(3, 3)]);
    expect(done.find((c) => c.title === 'time')!.bars.find((b) => b.short === 'git full')).toMatchObject({
      runs: 3, complete: true, value: 760, formatted: '760 ms', range: '608–988 ms', spread: '±25%',
    });
    expect(done.map((c) => c.title)).toEqual(['time', 'bytes down', 'server CPU', 'client CPU', 'memory (peak RSS)', 'requests', 'in-cluster: reconcile', 'in-cluster: source-controller CPU']);
    // which client each row used, from the typed fields
    expect(done[0]!.bars.find((b) => b.short === 'oci pull')!.client).toBe('node process, ocilab OCI client (src/oci only)');
  });

  test("flux.measure's in-cluster reconciles get a chart of their own, never a bar beside a local client's time", () => {
    const inCluster = (kind: 'git' | 'oci', run: number, value: number): LiveSample => ({
      method: `in-cluster ${kind === 'git' ? 'GitRepository' : 'OCIRepository'}`, methodId: `in-cluster.${kind}`, short: `in-cluster ${kind}`, transport: kind,
      client: 'Flux source-controller in the cluster', metric: 'reconcile_wall_ms', value, unit: 'ms', run, of: 2,
    });
    const charts = liveCharts([...round(1, 1), inCluster('git', 1, 120), inCluster('oci', 1, 90), inCluster('git', 2, 110)]);
    const time = charts.find((c) => c.title === 'time')!.bars;
    expect(time.map((b) => b.short)).not.toContain('in-cluster git');
    const reconcile = charts.find((c) => c.title === 'in-cluster: reconcile')!.bars;
    expect(reconcile.find((b) => b.methodId === 'in-cluster.git')).toMatchObject({ short: 'in-cluster git', kind: 'git', runs: 2, of: 2, value: 115 });
    expect(reconcile.find((b) => b.methodId === 'in-cluster.oci')).toMatchObject({ short: 'in-cluster oci', kind: 'oci', runs: 1, of: 2 });
    expect(reconcile).toHaveLength(2);
  });

  test('a step run again starts its bars from scratch', () => {
    const again = liveCharts([...round(1, 3), ...round(2, 3), ...round(3, 3), ...round(1, 1)]);
    expect(again[0]!.bars.every((b) => b.runs === 1 && b.of === 1 && b.complete)).toBe(true);
  });

  test('bar cells: solid to the median, a tick where the fastest run ends, light cells to the slowest', () => {
    expect(barCells({ value: 50, fraction: 0.5, minFraction: 0.2, maxFraction: 0.9 }, 10)).toEqual({ solid: ['x', 'x', '│', 'x', 'x'], tail: 4 });
    expect(barCells({ value: 1, fraction: 0.001, minFraction: 0.001, maxFraction: 0.001 }, 10)).toEqual({ solid: ['x'], tail: 0 });
    expect(barCells({ value: null, fraction: 0 }, 10)).toEqual({ solid: [], tail: 0 });
  });
});

describe.each([
  { columns: 80, rows: 24 },
  { columns: 100, rows: 30 },
  { columns: 120, rows: 40 },
])('bars view at $columns x $rows', (size) => {
  test('while measuring: the runs so far, which run is next, n/N per row', async () => {
    const r = await barsScreen(size, round(1, 3));
    const f = r.frame();
    fits(f, size);
    expect(f).toMatch(/── measurements · live · run 2\/3 ─/);
    expect(f).toMatch(/git full +█+ +760 ms.* 1\/3/);
    expect(f).toMatch(/oci HEAD +▓ +5 ms.* 1\/3/);
    expect(f).toContain('│ fastest run, ░ to slowest');
  });

  test('complete: median, spread, and the range where there is room; as many metrics as fit', async () => {
    const r = await barsScreen(size, [...round(1, 3), ...round(2, 3), ...round(3, 3)]);
    const f = r.frame();
    fits(f, size);
    expect(f).toMatch(/── measurements · 3 runs each ─/);
    expect(f).toMatch(/git full +█+│?█*░* +760 ms .*±25%/);
    expect(f).toMatch(/git ls-remote +█+.* 320 ms/);
    expect(f).toMatch(/oci pull +▓+ +45 ms/);
    for (const title of ['time', 'bytes down', 'server CPU', 'client CPU']) expect(f).toMatch(new RegExp(`^${title}|  ${title}`, 'm'));
    if (size.rows >= 30) expect(f).toMatch(/memory \(peak RSS\)/);
    // the min–max column where the bar keeps its room beside it; equal figures need none
    if (size.columns >= 120) expect(f).toMatch(/760 ms +608–988 ms +±25%/);
    else expect(f).not.toContain('608–988');
    expect(f).not.toMatch(/486 KiB +486 KiB/);
  });
});

describe('through the runner and the store', () => {
  test('each reported run grows the bars on screen; b toggles them', async () => {
    const gates: (() => void)[] = [];
    const gate = () => new Promise<void>((resolve) => gates.push(resolve));
    const registry = buildActionRegistry().register(
      defineAction({
        name: 'test.report-runs',
        description: 'reports three rounds of samples, waiting for the test between rounds',
        args: z.object({}).default({}),
        async run(_args, ctx) {
          for (const run of [1, 2, 3]) {
            for (const s of round(run, 3)) ctx.report({ method: s.method, methodId: s.methodId, short: s.short, transport: s.transport, client: s.client, metric: s.metric, value: s.value, sample: { run: s.run, of: s.of } });
            if (run < 3) await gate();
          }
          ctx.report({ method: METHODS[0]!, ...WHO[0], metric: 'wall_ms', value: 760, stats: { n: 3, warmup: 1, median: 760, min: 608, max: 988, spread: 0.495 }, method_note: 'median of 3 runs after 1 warm-up, spread 49.5 % (wall time)' });
          return { ok: true };
        },
      }),
    );
    const dir = mkdtempSync(join(tmpdir(), 'ocilab-live-bars-'));
    const scenario = parseScenario(
      'id: live\ntitle: Live bars\nsummary: Runs reported one by one.\nbudget: 1m\ntargets: [local]\nsteps:\n  - id: compare\n    title: Compare\n    run:\n      - test.report-runs: {}\n',
      join(dir, 'scenario.yaml'),
      registry,
    );
    const cleanup = new CleanupRegistry();
    const runner = new Runner({ scenario, registry, cleanup, mode: 'present' });
    const store = createRunStore(runner);
    runner.start();
    disposers.push(async () => {
      for (const g of gates) g();
      runner.abort();
      await cleanup.runAll();
      rmSync(dir, { recursive: true, force: true });
    });
    const size = { columns: 100, rows: 30 };
    const ui = renderAt(
      <ThemeContext.Provider value={createTheme(false)}>
        <RunApp store={store} onExit={() => undefined} />
      </ThemeContext.Provider>,
      size,
    );
    mounted.push(ui);
    const f = ui.frame;
    await until(() => f().includes('→ runs 1/1'), 'the step focused', f);
    await ui.press(KEY.right);
    await ui.press('b');
    await until(() => f().includes('live · run 2/3') && / 1\/3$/m.test(f()), 'run 1 on screen', f);
    fitsLive(ui, size);
    const afterOne = f();
    gates.shift()!();
    await until(() => f().includes('live · run 3/3') && / 2\/3$/m.test(f()), 'run 2 on screen', f);
    expect(f()).not.toBe(afterOne);
    gates.shift()!();
    await until(() => f().includes('measurements · 3 runs each') && f().includes('±25%'), 'the complete comparison', f);
    fitsLive(ui, size);
    // the summary (median) went to the measurements panel, not into the bars as a fourth run
    await ui.press('b');
    await until(() => !f().includes('measurements · 3 runs each') && /git clone \(full\) +wall_ms +760 ?ms/.test(f()), 'the panel with the median', f);
    expect(f()).not.toMatch(/run \d of 3/);
  });
});
