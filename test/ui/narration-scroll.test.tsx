/**
 * A narration taller than its pane scrolls: ↓/j and ↑/k move it a row, PgDn/PgUp a page, the
 * pane says `↓ more` while rows are below and `↑ more` once scrolled, and another step (or
 * the same one shown again) starts from the top. A real run (runner + store) under RunApp.
 */
import { afterEach, expect, test, vi } from 'vitest';
import { RunApp } from '../../src/ui/RunApp.js';
import { createTheme, ThemeContext } from '../../src/ui/theme.js';
import { KEY, renderAt, type Rendered } from './render.js';
import { startRun, until, type TestRun } from './run-store.js';

vi.setConfig({ testTimeout: 60_000 });

const items = Array.from({ length: 30 }, (_, i) => `      - item ${String(i + 1).padStart(2, '0')}`).join('\n');
const SCENARIO = `
id: scroll-test
title: Narration scroll
summary: A long narration and a short one.
targets: [local]
budget: 1m
steps:
  - id: long
    title: A long narration
    say: |
${items}
    run:
      - print: done
  - id: short
    title: A short one
    say: Short.
    run:
      - print: done too
`;

let run: TestRun | undefined;
let ui: Rendered | undefined;
afterEach(async () => {
  ui?.instance.unmount();
  await run?.dispose();
});

const PG_DOWN = '\u001B[6~';
const PG_UP = '\u001B[5~';

test('keys scroll a clipped narration; the markers say where more is; another step starts at the top', async () => {
  run = startRun(SCENARIO);
  ui = renderAt(
    <ThemeContext.Provider value={createTheme(false)}>
      <RunApp store={run.store} onExit={() => {}} />
    </ThemeContext.Provider>,
    { columns: 80, rows: 24 },
  );
  const f = ui.frame;
  // The first row of the narration pane, and whether it says more is below / above.
  const first = () => f().match(/• item (\d\d)/)?.[1];
  const below = () => /↓ more/.test(f());
  const above = () => /↑ more/.test(f());

  await until(() => below(), 'the clipped narration says ↓ more', f);
  expect(first()).toBe('01');
  expect(above()).toBe(false);
  expect(f()).not.toContain('item 30');

  await ui.press(KEY.down, 'j', KEY.down);
  await until(() => first() === '04', 'three rows down', f);
  expect(above() && below(), f()).toBe(true);

  await ui.press('k');
  await until(() => first() === '03', 'one row up', f);

  // To the end: the last item shows, ↓ more goes, ↑ more stays; more keys do not go further.
  await ui.press(PG_DOWN, PG_DOWN, PG_DOWN, PG_DOWN, PG_DOWN, 'j', 'j');
  await until(() => f().includes('item 30') && !below(), 'the end of the narration', f);
  expect(above()).toBe(true);
  const last = first();
  await ui.press('k');
  await until(() => below(), 'one row up from the end', f);
  expect(Number(first())).toBe(Number(last) - 1);

  await ui.press(PG_UP, PG_UP, PG_UP, PG_UP, PG_UP);
  await until(() => first() === '01' && !above(), 'back at the top', f);

  // Run the step, scroll, go on to the next step and back: each shows from the top.
  await ui.press(KEY.right);
  await until(() => /✓ +1 A long narration/.test(f()), 'step 1 passed', f);
  await ui.press(KEY.down, KEY.down);
  await until(() => first() === '03', 'scrolled after the run', f);
  await ui.press(KEY.right);
  await until(() => f().includes('── 2 A short one') && f().includes('Short.'), 'step 2 shown', f);
  expect(below() || above(), 'a narration that fits has no marker').toBe(false);
  await ui.press(KEY.left);
  await until(() => f().includes('── 1 A long narration'), 'step 1 shown again', f);
  expect(first()).toBe('01');
  expect(above()).toBe(false);
});
