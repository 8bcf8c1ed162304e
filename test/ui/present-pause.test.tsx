/** Present mode's `.` key: calls the notes' pause and the presenter's header says the timer is paused. */
import { afterEach, expect, test, vi } from 'vitest';
import { RunApp } from '../../src/ui/RunApp.js';
import { createTheme, ThemeContext } from '../../src/ui/theme.js';
import { renderAt, type Rendered } from './render.js';
import { SCENARIO, startRun, until, type TestRun } from './run-store.js';

vi.setConfig({ testTimeout: 30_000 });

let run: TestRun | undefined;
let ui: Rendered | undefined;
afterEach(async () => {
  ui?.instance.unmount();
  await run?.dispose();
});

test('. toggles the talk timer: onPause is called, the header shows ‖ timer paused until . again', async () => {
  run = startRun(SCENARIO, 'present');
  const onPause = vi.fn();
  ui = renderAt(
    <ThemeContext.Provider value={createTheme(false)}>
      <RunApp store={run.store} onExit={() => undefined} onPause={onPause} />
    </ThemeContext.Provider>,
    { columns: 80, rows: 24 },
  );
  const f = ui.frame;
  await until(() => f().includes('→ runs 1/3'), 'ready', f);
  await ui.press('.');
  expect(onPause).toHaveBeenCalledTimes(1);
  expect(ui.live()[1]).toMatch(/mode present +‖ timer paused · → runs 1\/3$/);
  await ui.press('.');
  expect(onPause).toHaveBeenCalledTimes(2);
  expect(ui.live()[1]).toMatch(/mode present +→ runs 1\/3$/);
});
