/** An optional step that fails is reported as such and does not fail the run (exit 0). */
import { afterEach, describe, expect, it } from 'vitest';
import { plainReporter } from '../../src/plain/reporter.js';
import { exitCodeOf } from '../../src/store/run-state.js';
import { createRunStore } from '../../src/store/run-store.js';
import { makeRunner } from './helpers.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});
function track<T extends { cleanup: { runAll(): Promise<unknown> } }>(r: T): T {
  cleanups.push(() => r.cleanup.runAll());
  return r;
}

const steps = `  - { id: a, title: A, run: [{ print: a }] }
  - { id: b, title: B, optional: true, run: [{ shell: "echo nope >&2; exit 4" }] }
  - { id: c, title: C, run: [{ print: c }] }
`;

describe('optional steps', () => {
  it('runAll goes on past a failed optional step and the run passes (exit 0)', async () => {
    const t = track(makeRunner(steps));
    let out = '';
    t.runner.on(plainReporter({ write: (s) => (out += s), color: false }));
    const status = await t.runner.runAll();
    expect(status).toBe('passed');
    expect(exitCodeOf(status)).toBe(0);
    expect(t.transitions()).toEqual(['0:running(run#1)', '0:passed', '1:running(run#1)', '1:failed', '2:running(run#1)', '2:passed']);
    const lines = out.trimEnd().split('\n').map((l) => l.replace(/^\d\d:\d\d:\d\d\.\d{3} /, ''));
    expect(lines).toContainEqual(expect.stringMatching(/^\[2\/3\] b FAILED \(optional\) in \d+ms: command exited with code 4: /));
    expect(lines).toContain('  optional step failed, continuing');
    expect(lines.at(-1)).toMatch(/^run t passed in \d+ms \(budget 1m\), 1 optional step failed$/);
  });

  it('a required step that fails still fails the run and stops it', async () => {
    const t = track(makeRunner(steps.replace('optional: true', 'optional: false')));
    let out = '';
    t.runner.on(plainReporter({ write: (s) => (out += s), color: false }));
    expect(await t.runner.runAll()).toBe('failed');
    expect(t.runner.statusOf(2)).toBe('pending');
    expect(out).not.toContain('optional');
  });

  it('interactively: next() moves on from a failed optional step, play() does not stop there, end() passes', async () => {
    const t = track(makeRunner(steps));
    const store = createRunStore(t.runner);
    await store.getState().next();
    await store.getState().next();
    await store.getState().next();
    expect(store.getState().steps[1]).toMatchObject({ status: 'failed', optional: true });
    await store.getState().next(); // moves on
    expect(store.getState().current).toBe(2);
    store.getState().end();
    expect(store.getState().status).toBe('failed'); // c never ran

    const t2 = track(makeRunner(steps));
    const store2 = createRunStore(t2.runner);
    await store2.getState().play();
    expect(store2.getState().steps.map((s) => s.status)).toEqual(['passed', 'failed', 'passed']);
    expect(store2.getState().status).toBe('passed');
  });

  it('a retried optional step that then passes no longer counts as failed in the summary', async () => {
    const t = track(
      makeRunner(`  - { id: a, title: A, optional: true, run: [{ test.flaky: { key: optional-retry, passOn: 2 } }] }\n`),
    );
    let out = '';
    t.runner.on(plainReporter({ write: (s) => (out += s), color: false }));
    expect(await t.runner.next()).toBe('failed');
    expect(await t.runner.retry()).toBe('passed');
    t.runner.finish();
    expect(out.trimEnd().split('\n').at(-1)).toMatch(/run t passed in \d+ms \(budget 1m\)$/);
  });
});
