import { afterEach, describe, expect, test } from 'vitest';
import { MainScreen, type MainScreenProps } from '../../src/ui/components/MainScreen.js';
import { initialUiState } from '../../src/ui/input.js';
import { createTheme, ThemeContext } from '../../src/ui/theme.js';
import type { StepView } from '../../src/ui/view-model.js';
import { header, lines, measurements, steps, T0 } from './fixtures.js';
import { renderAt, frameShows, type Rendered } from './render.js';

const mounted: Rendered[] = [];
afterEach(() => {
  while (mounted.length) mounted.pop()!.instance.unmount();
});

async function screen(size: { columns: number; rows: number }, over: Partial<MainScreenProps> = {}) {
  const props: MainScreenProps = {
    columns: size.columns,
    rows: size.rows,
    header,
    steps,
    viewing: 1,
    lines: lines.filter((l) => l.index === 1),
    totalLines: lines.length,
    logWindow: (end: number, count: number) => lines.slice(Math.max(0, end - count), end),
    measurements: [],
    ui: initialUiState,
    state: '▶ running 2/4',
    now: T0 + 83_000,
    ...over,
  };
  const r = renderAt(
    <ThemeContext.Provider value={createTheme(false)}>
      <MainScreen {...props} />
    </ThemeContext.Provider>,
    size,
  );
  mounted.push(r);
  await frameShows(r, props.state ?? '');
  return r;
}

const sizes = [
  { columns: 80, rows: 24 },
  { columns: 120, rows: 40 },
];

describe.each(sizes)('main screen at $columns x $rows', (size) => {
  test('header, step marks, narration, output and key bar fit the terminal', async () => {
    const r = await screen(size, { measurements });
    const frame = r.frame();
    const rows = frame.split('\n');
    // The live area stays shorter than the terminal (Ink pitfall #2) and no row is wider.
    expect(rows.length).toBeLessThanOrEqual(size.rows - 1);
    for (const row of rows) expect(row.length).toBeLessThanOrEqual(size.columns);

    expect(rows[0]).toMatch(/^Hello, ocilab\s+⏱ 01:23 \/ 05:00$/);
    expect(rows[1]).toMatch(/^step 2\/4 · target local · mode present +▶ running 2\/4$/);
    expect(frame).toMatch(/ ✓ +1 Say hello .*1\.2s/);
    expect(frame).toMatch(/›▶ +2 Wait a moment/);
    expect(frame).toMatch(/ · +3 List the work directory \(option/);
    expect(frame).toMatch(/ · +4 Say goodbye/);
    // Narration is Markdown rendered, not shown raw.
    expect(frame).toContain('── 2 Wait a moment ──');
    expect(frame).toContain('This step runs `sleep 2` so you can see a running step.');
    expect(frame).not.toContain('**running**');
    expect(frame).not.toContain('## Waiting');
    expect(frame).toMatch(/• it prints a line\n.*• then waits/);
    // Output pane: the step's own lines, not the previous step's.
    expect(frame).toContain('› $ sleep 2');
    expect(frame).toContain('  waiting for two seconds');
    expect(frame).not.toContain('$ echo hello');
    expect(frame).toContain('l: full log (4 lines)');
    // Measurements table.
    expect(frame).toMatch(/git shallow clone +wall_ms +412ms +median of 5 runs/);
    expect(frame).toMatch(/oci pull +bytes_down +18\.0 KiB +single run/);
    // Key bar on the last row.
    expect(rows.at(-1)).toMatch(/^→ next {2}← back {2}r retry {2}s skip {2}g goto {2}l log {2}\? help {2}q quit$/);
  });

  test('help overlay lists every key and the step marks', async () => {
    const r = await screen(size, { ui: { ...initialUiState, overlay: 'help' } });
    const frame = r.frame();
    expect(frame.split('\n').length).toBeLessThanOrEqual(size.rows - 1);
    for (const [keys, text] of [
      ['→ space n', 'run the next step'],
      ['← p', 'does not re-run'],
      ['r', 'run the current step again'],
      ['s', 'runs its solve'],
      ['g', 'pick a step'],
      ['l', 'full output log'],
      ['Ctrl-L', 'redraw'],
      ['q', 'quit'],
      ['Ctrl-C', 'exits 130'],
    ]) {
      expect(frame).toMatch(new RegExp(`│ ${keys!.replace(/[?]/g, '\\?')} +.*${text}`));
    }
    expect(frame).not.toContain('check your work'); // workshop only
    expect(frame).toContain('· pending  ▶ running  ✓ passed  ✗ failed  ↷ skipped');
  });

  test('a failed step shows its mark, the error message and the way out', async () => {
    const failed: StepView[] = steps.map((s, i) =>
      i === 1
        ? { ...s, status: 'failed', durationMs: 2100, message: 'exit code 2: sleep: invalid time interval "two"' }
        : s,
    );
    const r = await screen(size, {
      steps: failed,
      state: '✗ 2/4 failed · r or s',
      lines: [...lines.filter((l) => l.index === 1), { index: 1, stream: 'stderr', line: 'sleep: invalid time interval "two"' }],
    });
    const frame = r.frame();
    expect(frame).toMatch(/›✗ +2 Wait a moment +2\.1s/);
    expect(frame).toContain('✗ failed in 2.1s');
    expect(frame).toContain('exit code 2: sleep: invalid time interval "two"');
    expect(frame).toContain('r retry · s skip (runs solve) · l full log');
    expect(frame).toContain('  sleep: invalid time interval "two"');
    expect(frame.split('\n')[1]).toMatch(/mode present +✗ 2\/4 failed · r or s$/);
    expect(frame.split('\n').at(-1)).toMatch(/q quit$/);
  });
});

test('workshop mode offers c check in the key bar and the help', async () => {
  const r = await screen({ columns: 120, rows: 40 }, { header: { ...header, mode: 'workshop' } });
  expect(r.frame().split('\n').at(-1)).toContain('c check');
  const help = await screen({ columns: 120, rows: 40 }, { header: { ...header, mode: 'workshop' }, ui: { ...initialUiState, overlay: 'help' } });
  expect(help.frame()).toMatch(/│ c +check your work on this step/);
});

test('a log flood is sliced to the pane: only the last rows reach the screen', async () => {
  const flood = Array.from({ length: 5000 }, (_, i) => ({ index: 1, stream: 'stdout' as const, line: `line ${i + 1} ${'x'.repeat(i % 150)}` }));
  const r = await screen({ columns: 80, rows: 24 }, { lines: flood, totalLines: 5000 });
  const frame = r.frame();
  expect(frame.split('\n').length).toBeLessThanOrEqual(23);
  expect(frame).toContain('l: full log (5000 lines)');
  expect(frame).not.toContain('line 4990 ');
  // The last line wraps over several rows; its tail is on screen.
  expect(frame).toMatch(/line 5000 x+\n/);
});

test('over budget is said in words, not only in colour', async () => {
  const r = await screen({ columns: 80, rows: 24 }, { now: T0 + 6 * 60_000 });
  expect(r.frame().split('\n')[0]).toMatch(/⏱ 06:00 \/ 05:00 ! over budget$/);
});

test('long step lists keep the viewed step visible', async () => {
  const many: StepView[] = Array.from({ length: 30 }, (_, i) => ({
    id: `s${i}`,
    title: `Step number ${i + 1}`,
    optional: false,
    status: i < 20 ? 'passed' : i === 20 ? 'running' : 'pending',
  }));
  const r = await screen({ columns: 80, rows: 24 }, { steps: many, viewing: 20, header: { ...header, index: 20, total: 30 } });
  const frame = r.frame();
  expect(frame).toMatch(/›▶ 21 Step number 21/);
  expect(frame).toMatch(/↑ \d+ more/);
  expect(frame).toMatch(/↓ \d+ more/);
  expect(frame.split('\n').length).toBeLessThanOrEqual(23);
});
