/**
 * The presenter side with a real runner and store: the talk clock and the step clock as a
 * viewer receives them (time injected). The step clock follows the focused step: looking
 * back with ← does not restart it; pausing stops both.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { subscribeNotes } from '../../src/notes/channel.js';
import { notesSocketPath } from '../../src/notes/paths.js';
import { startPresenterNotes } from '../../src/notes/presenter.js';
import type { NotesSnapshot } from '../../src/notes/snapshot.js';
import { SCENARIO, startRun, type TestRun } from '../ui/run-store.js';

let run: TestRun | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await run?.dispose();
  run = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function until<T>(get: () => T | undefined, what: string, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

it('talk and step clocks: the step clock restarts on a new focused step only; pause stops both', { timeout: 30_000 }, async () => {
  const base = mkdtempSync(join(tmpdir(), 'ocilab-presenter-'));
  dirs.push(base);
  const path = notesSocketPath({ XDG_RUNTIME_DIR: base });
  run = startRun(SCENARIO, 'present');
  const store = run.store;
  let now = 1_000;
  const notes = await startPresenterNotes(store, path, () => now);
  const ctl = new AbortController();
  const got: NotesSnapshot[] = [];
  const viewer = subscribeNotes(path, (e) => e.kind === 'snapshot' && got.push(e.snapshot), ctl.signal, 20);
  const latest = (pred: (s: NotesSnapshot) => boolean, what: string) => until(() => [...got].reverse().find(pred), what);
  try {
    await latest((s) => s.index === 0, 'the first snapshot');

    now = 6_000;
    await store.getState().next(); // step 1 runs and passes
    let s = await latest((x) => x.index === 0 && x.status === 'passed', 'step 1 passed');
    expect([s.elapsedMs, s.stepElapsedMs]).toEqual([5_000, 5_000]);

    now = 8_000;
    await store.getState().next(); // focus moves to step 2: its clock starts
    s = await latest((x) => x.index === 1, 'step 2 focused');
    expect([s.elapsedMs, s.stepElapsedMs, s.title, s.nextTitle]).toEqual([7_000, 0, 'Fail on purpose', 'Sleep a while']);

    now = 11_000;
    store.getState().back(); // looking back at step 1 does not restart step 2's clock
    s = await latest((x) => x.index === 0 && x.sentAt === 11_000, 'step 1 viewed again');
    expect([s.elapsedMs, s.stepElapsedMs]).toEqual([10_000, 3_000]);

    now = 12_000;
    notes.togglePause();
    expect(notes.paused()).toBe(true);
    now = 20_000;
    void store.getState().next(); // back to step 2 (nothing runs), while paused
    s = await latest((x) => x.index === 1 && x.sentAt === 20_000, 'step 2 again, paused');
    expect([s.paused, s.elapsedMs, s.stepElapsedMs]).toEqual([true, 11_000, 4_000]);

    now = 21_000;
    notes.togglePause();
    s = await latest((x) => x.sentAt === 21_000, 'resumed');
    expect([s.paused, s.elapsedMs, s.stepElapsedMs]).toEqual([false, 11_000, 4_000]);
    now = 23_000;
    store.getState().back();
    s = await latest((x) => x.sentAt === 23_000, 'time goes on after resume');
    expect([s.elapsedMs, s.stepElapsedMs]).toEqual([13_000, 6_000]);
  } finally {
    ctl.abort();
    await notes.close();
    await viewer;
  }
});

it('the notes view names the focused step on the step line when the speaker looks back', async () => {
  const { notesLines } = await import('../../src/notes/view.js');
  const base = { scenario: 'S', index: 0, count: 3, title: 'One', status: 'passed', paused: false, elapsedMs: 10_000, stepElapsedMs: 3_000, stepBudgetMs: 20_000, sentAt: 0, ended: false };
  expect(notesLines({ ...base, current: 1 }, 0, 80, false).at(-1)).toBe('Step 2 00:03 / 00:20   00:17 left');
  expect(notesLines({ ...base, current: 0 }, 0, 80, false).at(-1)).toBe('Step 00:03 / 00:20   00:17 left');
  expect(notesLines(base, 0, 80, false).at(-1)).toBe('Step 00:03 / 00:20   00:17 left');
});
