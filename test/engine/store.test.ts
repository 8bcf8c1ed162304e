import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/engine/events.js';
import { budgetLeftMs, elapsedMs, exitCodeOf, foldEvent, initialRunState, TAIL_LINES } from '../../src/store/run-state.js';
import { createRunStore } from '../../src/store/run-store.js';
import { makeRunner } from './helpers.js';

const start: RunEvent = {
  type: 'run.start',
  at: 1000,
  scenario: { id: 's', title: 'S', file: '/x/s.yaml', budgetMs: 60_000 },
  steps: [
    { id: 'a', title: 'A', optional: false, hints: ['h1'], hasCheck: true, hasSolve: false },
    { id: 'b', title: 'B', optional: true, hints: [], hasCheck: false, hasSolve: true },
  ],
  target: 'local',
  mode: 'workshop',
  params: { p: '1' },
};

describe('foldEvent', () => {
  it('folds a run into steps with status, attempt, duration, message, actions and measurements', () => {
    const events: RunEvent[] = [
      start,
      { type: 'step.start', at: 1100, index: 0, attempt: 1, via: 'run' },
      { type: 'action.start', at: 1101, index: 0, action: 'shell', display: 'shell: x' },
      { type: 'output', at: 1102, index: 0, stream: 'stdout', line: 'hello' },
      { type: 'measurement', at: 1103, index: 0, measurement: { method: 'oci pull', metric: 'wall_ms', value: 12, unit: 'ms' } },
      { type: 'action.end', at: 1104, index: 0, action: 'shell', ok: false, message: 'exit 1', durationMs: 3 },
      { type: 'step.end', at: 1105, index: 0, status: 'failed', message: 'exit 1', durationMs: 5 },
    ];
    const s = events.reduce(foldEvent, initialRunState());
    expect(s).toMatchObject({ status: 'running', mode: 'workshop', budgetMs: 60_000, busy: false, params: { p: '1' } });
    expect(s.steps[0]).toMatchObject({ status: 'failed', attempt: 1, via: 'run', durationMs: 5, message: 'exit 1', logLength: 1 });
    expect(s.steps[0]!.actions).toEqual([{ action: 'shell', display: 'shell: x', startedAt: 1101, ok: false, durationMs: 3, message: 'exit 1' }]);
    expect(s.steps[0]!.tail.map((l) => l.line)).toEqual(['hello']);
    expect(s.steps[1]).toMatchObject({ status: 'pending', attempt: 0, optional: true });
    expect(s.measurements).toHaveLength(1);
    expect(elapsedMs(s, 4000)).toBe(3000);
    expect(budgetLeftMs(s, 4000)).toBe(57_000);
    const retried = foldEvent(s, { type: 'step.start', at: 2000, index: 0, attempt: 2, via: 'run' });
    expect(retried.steps[0]).toMatchObject({ status: 'running', attempt: 2, message: undefined, actions: [] });
    expect(retried.busy).toBe(true);
  });

  it('keeps the full log but a bounded tail', () => {
    let s = foldEvent(initialRunState(), start);
    for (let i = 0; i < TAIL_LINES + 50; i++) s = foldEvent(s, { type: 'output', at: 1, index: 0, stream: 'stdout', line: `l${i}` });
    expect(s.steps[0]!.logLength).toBe(TAIL_LINES + 50);
    expect(s.steps[0]!.log).toHaveLength(TAIL_LINES + 50);
    expect(s.steps[0]!.tail).toHaveLength(TAIL_LINES);
    expect(s.steps[0]!.tail[0]!.line).toBe('l50');
  });

  it('maps the run result to exit codes', () => {
    expect([exitCodeOf('passed'), exitCodeOf('failed'), exitCodeOf('interrupted')]).toEqual([0, 1, 130]);
  });
});

describe('createRunStore', () => {
  it('drives the runner: next, back (re-display only), skip, check, and ends the run', async () => {
    const t = makeRunner(`  - { id: a, title: A, run: [{ print: a }] }
  - { id: b, title: B, run: [{ shell: "exit 1" }], solve: [{ print: solved }], check: [{ shell: "true" }] }
`);
    const store = createRunStore(t.runner);
    t.runner.start();
    const get = store.getState;
    expect(get().steps.map((s) => s.status)).toEqual(['pending', 'pending']);
    await get().next();
    expect(get().steps[0]!.status).toBe('passed');
    await get().next();
    expect([get().current, get().viewing]).toEqual([1, 1]);
    get().back();
    expect([get().current, get().viewing]).toEqual([1, 0]);
    await get().next(); // walks the display forward, runs nothing
    expect([get().viewing, get().steps[1]!.status]).toEqual([1, 'pending']);
    await get().next();
    expect(get().steps[1]).toMatchObject({ status: 'failed', attempt: 1 });
    await get().skip();
    expect(get().steps[1]).toMatchObject({ status: 'skipped', attempt: 2, via: 'solve' });
    expect(get().steps[1]!.tail.map((l) => l.line)).toEqual(['solved']);
    await get().check();
    expect(get().steps[1]).toMatchObject({ status: 'passed', attempt: 3, via: 'check' });
    await get().next();
    expect(get().status).toBe('passed');
    await t.cleanup.runAll();
  });

  it('quit() interrupts a running step', async () => {
    const t = makeRunner(`  - { id: a, title: A, run: [{ shell: "sleep 30" }] }\n`);
    const store = createRunStore(t.runner);
    const playing = store.getState().play();
    await expect.poll(() => store.getState().busy).toBe(true);
    store.getState().quit();
    await playing;
    expect(store.getState()).toMatchObject({ status: 'interrupted', busy: false });
    await t.cleanup.runAll();
  });
});

describe('play and end', () => {
  it('play() stops at a failure with the run open; end() then ends it failed', async () => {
    const t = makeRunner(`  - { id: a, title: A, run: [{ shell: "exit 1" }] }\n  - { id: b, title: B, run: [{ print: b }] }\n`);
    const store = createRunStore(t.runner);
    await store.getState().play();
    expect(store.getState()).toMatchObject({ status: 'running', current: 0 });
    expect(store.getState().steps[0]!.status).toBe('failed');
    await store.getState().skip();
    await store.getState().play();
    expect(store.getState().status).toBe('passed');
    const t2 = makeRunner(`  - { id: a, title: A, run: [{ shell: "exit 1" }] }\n`);
    const store2 = createRunStore(t2.runner);
    await store2.getState().play();
    store2.getState().end();
    expect(store2.getState().status).toBe('failed');
    await t.cleanup.runAll();
    await t2.cleanup.runAll();
  });
});
