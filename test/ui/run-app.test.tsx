import { afterEach, describe, expect, test, vi } from 'vitest';
import { RunApp } from '../../src/ui/RunApp.js';
import { createTheme, ThemeContext } from '../../src/ui/theme.js';
import { KEY, renderAt, type Rendered } from './render.js';
import { SCENARIO, startRun, until, type TestRun } from './run-store.js';

// Real processes on a shared, loaded machine: give each test room (steps take ~0.1-1 s each).
vi.setConfig({ testTimeout: 60_000 });

let run: TestRun | undefined;
let ui: Rendered | undefined;
afterEach(async () => {
  ui?.instance.unmount();
  await run?.dispose();
  ui = undefined;
  run = undefined;
});

function mount(size: { columns: number; rows: number }, mode: 'present' | 'workshop' | 'tour' = 'present') {
  run = startRun(SCENARIO, mode);
  const exits: number[] = [];
  ui = renderAt(
    <ThemeContext.Provider value={createTheme(false)}>
      <RunApp store={run.store} onExit={(code) => exits.push(code)} />
    </ThemeContext.Provider>,
    size,
  );
  return { ui, run, exits };
}

describe.each([
  { columns: 80, rows: 24 },
  { columns: 120, rows: 40 },
])('a real run at $columns x $rows', (size) => {
  test('next runs a step, back re-displays it without re-running, a failure shows its message', async () => {
    const { ui, run } = mount(size);
    const f = ui.frame;
    await until(() => f().includes('→ runs 1/3'), 'the first step focused', f);
    expect(f()).toMatch(/›· +1 Print two lines/);
    expect(f()).toContain('Bold narration with `code`.');

    await ui.press(KEY.right);
    await until(() => /✓ +1 Print two lines/.test(f()) && f().includes('  second'), 'step 1 passed with its output', f);
    expect(f()).toContain('✓ passed in');

    // The full log: every step so far, with a heading per step; Esc closes it.
    await ui.press('l');
    await until(() => f().includes('── full log'), 'the full log', f);
    expect(f()).toMatch(/› ── 1 Print two lines\n +first\n +second/);
    expect(f()).toMatch(/end of 2 lines/);
    await ui.press(KEY.escape);
    await until(() => !f().includes('── full log'), 'the log closed', f);

    await ui.press(' '); // moves the focus to step 2
    await until(() => f().includes('→ runs 2/3'), 'step 2 focused', f);
    await ui.press('n'); // runs step 2, which fails
    await until(() => /›✗ +2 Fail on purpose/.test(f()) && f().includes('  about to fail'), 'step 2 failed with its stderr', f);
    const failed = f();
    const live = ui.live();
    expect(failed).toContain('command exited with code 3');
    expect(failed).toContain('r retry · s skip (runs solve) · l full log');
    expect(failed).toContain('  about to fail');
    expect(live[0]).toMatch(/^UI test run +⏱ 00:0\d \/ 01:00$/);
    expect(live[1]).toMatch(/^step 2\/3 · target local · mode present +✗ 2\/3 failed · r or s$/);
    expect(live.at(-1)).toMatch(/^→ next .* q quit$/);
    for (const row of live) expect(row.length).toBeLessThanOrEqual(size.columns);
    // The transcript above the live area has the finished steps.
    expect(failed).toMatch(/^✓ passed +1\/3 Print two lines · (\d+ms|[\d.]+s)$/m);
    expect(failed).toMatch(/^✗ failed +2\/3 Fail on purpose · (\d+ms|[\d.]+s)\n +command exited with code 3/m);

    // Back shows step 1 again; its attempt count does not change (nothing re-ran).
    await ui.press(KEY.left);
    await until(() => f().includes('viewing 1/3'), 'step 1 re-displayed', f);
    expect(f()).toContain('  second');
    expect(run.store.getState().steps[0]!.attempt).toBe(1);

    // Skip runs the solve of the focused step (2), after walking forward again.
    await ui.press(KEY.right);
    await ui.press('s');
    await until(() => /↷ +2 Fail on purpose/.test(f()) && f().includes('solved by solve'), 'step 2 skipped by its solve', f);
  });
});

test('help overlay opens with ? and closes with Esc', async () => {
  const { ui } = mount({ columns: 80, rows: 24 });
  await until(() => ui.frame().includes('→ runs 1/3'), 'ready', ui.frame);
  await ui.press('?');
  expect(ui.frame()).toContain('Keys (present mode)');
  await ui.press(KEY.escape);
  expect(ui.frame()).not.toContain('Keys (present mode)');
  expect(ui.frame()).toContain('1 Print two lines');
});

test('goto picks a step by number; earlier steps are caught up by their solve', async () => {
  const { ui, run } = mount({ columns: 120, rows: 40 });
  await until(() => ui.frame().includes('→ runs 1/3'), 'ready', ui.frame);
  await ui.press('g');
  expect(ui.frame()).toContain('Go to step');
  await ui.press('3', KEY.enter);
  await until(() => run.store.getState().current === 2, 'focus on step 3', ui.frame);
  await until(() => ui.frame().includes('→ runs 3/3'), 'step 3 ready', ui.frame);
  expect(ui.frame()).toMatch(/↷ +1 Print two lines/);
  expect(ui.frame()).toMatch(/↷ +2 Fail on purpose/);
});

test('q while a step runs asks first; y stops the step and exits 130', async () => {
  const { ui, run, exits } = mount({ columns: 80, rows: 24 });
  await until(() => ui.frame().includes('→ runs 1/3'), 'ready', ui.frame);
  await run.store.getState().goto(2, { catchUp: true });
  await ui.press(KEY.right);
  await until(() => ui.frame().includes('▶ running 3/3') && ui.frame().includes('  sleeping'), 'step 3 running', ui.frame);
  await ui.press('q');
  expect(ui.frame()).toContain('A step is running. Quit now, stop it and clean up?');
  await ui.press('n');
  expect(ui.frame()).not.toContain('A step is running');
  expect(run.store.getState().busy).toBe(true);
  await ui.press('q', 'y');
  await until(() => exits.length > 0, 'exit', ui.frame);
  expect(exits).toEqual([130]);
  expect(run.store.getState().status).toBe('interrupted');
  // The last frame is a one-line summary; the transcript printed the finished steps above it.
  const all = ui.frames().join('\n');
  const last = ui.frames().filter((frame) => frame.trim() !== '').at(-1)!;
  expect(last).toMatch(/UI test run: interrupted · ↷↷‖ · 0 passed, 0 failed, 2 skipped, 0 not run/);
  expect(all).toMatch(/↷ skipped +1\/3 Print two lines/);
});

test('Ctrl-C stops at once and exits 130', async () => {
  const { ui, run, exits } = mount({ columns: 80, rows: 24 });
  await until(() => ui.frame().includes('→ runs 1/3'), 'ready', ui.frame);
  await run.store.getState().goto(2, { catchUp: true });
  await ui.press(KEY.right);
  await until(() => ui.frame().includes('▶ running 3/3'), 'step 3 running', ui.frame);
  await ui.press(KEY.ctrlC);
  await until(() => exits.length > 0, 'exit', ui.frame);
  expect(exits).toEqual([130]);
});

test('q after a finished run exits with the run status', async () => {
  const { ui, run, exits } = mount({ columns: 80, rows: 24 });
  await until(() => ui.frame().includes('→ runs 1/3'), 'ready', ui.frame);
  await ui.press(KEY.right);
  await until(() => /✓ +1 Print/.test(ui.frame()), 'step 1 passed', ui.frame);
  await run.store.getState().quit();
  await until(() => ui.frame().includes('interrupted'), 'run ended', ui.frame);
  await ui.press('q');
  await until(() => exits.length > 0, 'exit', ui.frame);
  expect(exits).toEqual([130]);
});

test('q with no step running ends the run: exit 1 (it did not reach its end), shown as stopped, not failed', async () => {
  const { ui, exits } = mount({ columns: 80, rows: 24 });
  await until(() => ui.frame().includes('→ runs 1/3'), 'ready', ui.frame);
  await ui.press(KEY.right);
  await until(() => /✓ +1 Print/.test(ui.frame()) && !ui.frame().includes('▶ running'), 'step 1 passed', ui.frame);
  await ui.press('q');
  await until(() => exits.length > 0, 'exit', ui.frame);
  expect(exits).toEqual([1]);
  const all = ui.frames().join('\n');
  const last = ui.frames().filter((frame) => frame.trim() !== '').at(-1)!;
  expect(all).toMatch(/‖ run stopped before step 2\/3 in \d\d:\d\d/);
  expect(all).not.toMatch(/run failed/);
  expect(last.replace(/\s+/g, ' ')).toMatch(/UI test run: stopped before step 2 · ✓·· · 1 passed, 0 failed, 0 skipped, 2 not run/);
});

test('tour mode: → plays on until a failure', async () => {
  const { ui, run } = mount({ columns: 80, rows: 24 }, 'tour');
  await until(() => ui.frame().includes('→ runs 1/3'), 'ready', ui.frame);
  await ui.press(KEY.right);
  await until(() => /›✗ +2 Fail on purpose/.test(ui.frame()), 'stopped at the failing step', ui.frame);
  expect(ui.frame()).toMatch(/✓ +1 Print two lines/);
  expect(run.store.getState().steps[2]!.status).toBe('pending');
});

test('workshop: a failed step reveals one more hint per attempt', async () => {
  const { ui, run } = mount({ columns: 80, rows: 24 }, 'workshop');
  const f = ui.frame;
  await until(() => f().includes('→ runs 1/3'), 'ready', f);
  await run.store.getState().goto(1);
  await until(() => f().includes('→ runs 2/3'), 'step 2 focused', f);
  expect(f()).toContain('$ exit 3');
  expect(f()).not.toContain('hint 1');
  await ui.press('n');
  await until(() => /›✗ +2 Fail on purpose/.test(f()), 'step 2 failed', f);
  expect(f()).toContain('hint 1: Exit code 3 is on purpose.');
  expect(f()).not.toContain('hint 2');
  await ui.press('r');
  await until(() => f().includes('hint 2: Press s to skip it.'), 'the second hint', f);
});

test('workshop: c runs the check only', async () => {
  const { ui, run } = mount({ columns: 80, rows: 24 }, 'workshop');
  await until(() => ui.frame().includes('→ runs 1/3'), 'ready', ui.frame);
  expect(ui.frame().split('\n').at(-1)).toContain('c check');
  await ui.press('c');
  await until(() => run.store.getState().steps[0]!.via === 'check' && !run.store.getState().busy, 'check ran', ui.frame);
});
