/** Terminal behaviour: resize, Ctrl-L redraw, the scenario picker, no keys without a TTY. */
import { afterEach, expect, test } from 'vitest';
import { ScenarioPicker, type ScenarioChoice } from '../../src/ui/components/ScenarioPicker.js';
import { RunApp } from '../../src/ui/RunApp.js';
import { createTheme, ThemeContext } from '../../src/ui/theme.js';
import { KEY, renderAt, frameShows, settle, type Rendered } from './render.js';
import { SCENARIO, startRun, until, type TestRun } from './run-store.js';

let run: TestRun | undefined;
let ui: Rendered | undefined;
afterEach(async () => {
  ui?.instance.unmount();
  await run?.dispose();
  ui = undefined;
  run = undefined;
});

const themed = (node: React.ReactNode) => <ThemeContext.Provider value={createTheme(false)}>{node}</ThemeContext.Provider>;

test('a resize re-lays out the live area at the new size', async () => {
  run = startRun(SCENARIO);
  ui = renderAt(themed(<RunApp store={run.store} onExit={() => {}} />), { columns: 120, rows: 40 });
  await until(() => ui!.frame().includes('→ runs 1/3'), 'ready', ui.frame);
  expect(ui.frame()).toMatch(/›· +1 Print two lines +── 1 Print two lines/); // side by side
  ui.stdout.resize(80, 24);
  await until(() => ui!.live().length === 23 && /^── 1 Print two lines ─+$/m.test(ui!.frame()), 'the narrow layout', ui.frame);
  for (const row of ui.live()) expect(row.length).toBeLessThanOrEqual(80);
});

test('Ctrl-L clears the terminal and prints the transcript again', async () => {
  run = startRun(SCENARIO);
  ui = renderAt(themed(<RunApp store={run.store} onExit={() => {}} />), { columns: 80, rows: 24 });
  await until(() => ui!.frame().includes('→ runs 1/3'), 'ready', ui.frame);
  await ui.press(KEY.right);
  await until(() => /^✓ passed +1\/3 Print two lines/m.test(ui!.frame()), 'the transcript line', ui.frame);
  const before = ui.stdout.frames.length;
  await ui.press(KEY.ctrlL);
  const written = ui.stdout.frames.slice(before).join('');
  expect(written).toContain('\u001B[2J'); // clear screen (ansi-escapes clearTerminal)
  // The transcript is printed again after the clear, then the live area.
  expect(ui.frame()).toMatch(/^✓ passed +1\/3 Print two lines/m);
  expect(ui.frame()).toContain('→ goes to 2/3');
});

test('without a terminal on stdin no key is read and nothing runs', async () => {
  run = startRun(SCENARIO);
  ui = renderAt(themed(<RunApp store={run.store} onExit={() => {}} />), { columns: 80, rows: 24, tty: false });
  await until(() => ui!.frame().includes('→ runs 1/3'), 'ready', ui.frame);
  ui.stdin.write(KEY.right);
  await settle(200);
  expect(run.store.getState().steps[0]!.status).toBe('pending');
});

const scenarios: ScenarioChoice[] = [
  { id: 'git-vs-oci', title: 'Git vs OCI', summary: 'The same manifests from Git and from an OCI artifact, measured.' },
  { id: 'cosign-verify', title: 'Signatures', summary: 'Sign, verify, break.' },
  { id: 'hello', title: 'Hello, ocilab', summary: 'A warm-up.' },
];

test('scenario picker: ↓ ↓ Enter picks the third', async () => {
  const picked: (string | undefined)[] = [];
  ui = renderAt(themed(<ScenarioPicker scenarios={scenarios} onPick={(id) => picked.push(id)} />), { columns: 80, rows: 24 });
  const frame = await frameShows(ui, '› 1. Git vs OCI (git-vs-oci)');
  expect(frame).toContain('ocilab: pick a scenario');
  expect(frame).toMatch(/› 1\. Git vs OCI \(git-vs-oci\)\n +The same manifests/);
  expect(frame).toContain('  3. Hello, ocilab (hello)');
  await ui.press(KEY.down, KEY.down, KEY.enter);
  expect(picked).toEqual(['hello']);
});

test('scenario picker: a number then Enter; q leaves without a pick', async () => {
  const picked: (string | undefined)[] = [];
  ui = renderAt(themed(<ScenarioPicker scenarios={scenarios} onPick={(id) => picked.push(id)} />), { columns: 80, rows: 24 });
  await frameShows(ui, '› 1. Git vs OCI (git-vs-oci)');
  await ui.press('2', KEY.enter);
  expect(picked).toEqual(['cosign-verify']);
  const second: (string | undefined)[] = [];
  ui.instance.unmount();
  ui = renderAt(themed(<ScenarioPicker scenarios={scenarios} onPick={(id) => second.push(id)} />), { columns: 80, rows: 24 });
  await frameShows(ui, '› 1. Git vs OCI (git-vs-oci)');
  await ui.press('q');
  expect(second).toEqual([undefined]);
});
