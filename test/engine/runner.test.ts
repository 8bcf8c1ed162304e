import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineAction } from '../../src/engine/action.js';
import { isAlive as alive } from '../../src/engine/spawn.js';
import { makeRunner } from './helpers.js';

/** Declares registry.url (so the scenario loads) but, like an action that sets it only sometimes, does not set it. */
const declaresOnly = defineAction({
  name: 'test.declares',
  description: 'declares a variable it does not set',
  args: z.strictObject({}),
  sets: { 'registry.url': 'declared, never set here' },
  run: async () => ({ ok: true }),
});

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});
function track<T extends { cleanup: { runAll(): Promise<unknown> } }>(r: T): T {
  cleanups.push(() => r.cleanup.runAll());
  return r;
}

describe('Runner', () => {
  it('walks each step pending → running → passed and ends the run passed', async () => {
    const t = track(makeRunner(`  - { id: a, title: A, run: [{ shell: "echo one" }] }\n  - { id: b, title: B, run: [{ print: two }] }\n`));
    expect(t.runner.statusOf(0)).toBe('pending');
    expect(await t.runner.runAll()).toBe('passed');
    expect(t.transitions()).toEqual(['0:running(run#1)', '0:passed', '1:running(run#1)', '1:passed']);
    expect(t.lines()).toEqual(['one', 'two']);
    expect(t.events.at(-1)).toMatchObject({ type: 'run.end', status: 'passed' });
  });

  it('stops at a failed step with the exit code in the message, leaving later steps pending', async () => {
    const t = track(makeRunner(`  - { id: a, title: A, run: [{ shell: "echo oops >&2; exit 3" }] }\n  - { id: b, title: B, run: [{ print: never }] }\n`));
    expect(await t.runner.runAll()).toBe('failed');
    expect(t.transitions()).toEqual(['0:running(run#1)', '0:failed']);
    expect(t.events.find((e) => e.type === 'step.end')).toMatchObject({ message: 'command exited with code 3: echo oops >&2; exit 3' });
    expect(t.events.find((e) => e.type === 'output')).toMatchObject({ stream: 'stderr', line: 'oops' });
    expect(t.runner.statusOf(1)).toBe('pending');
  });

  it('next() runs the focused step, then moves on; a failed step stays until retry()', async () => {
    const t = track(makeRunner(`  - { id: a, title: A, run: [{ test.flaky: { key: next-retry, passOn: 2 } }] }\n  - { id: b, title: B, run: [{ print: b }] }\n`));
    expect(await t.runner.next()).toBe('failed');
    expect(await t.runner.next()).toBe('failed'); // nothing happens on a failed step
    expect(t.runner.current).toBe(0);
    expect(await t.runner.retry()).toBe('passed');
    expect(await t.runner.next()).toBe('pending'); // focus moved to b
    expect(t.runner.current).toBe(1);
    expect(await t.runner.next()).toBe('passed');
    await t.runner.next();
    expect(t.runner.result).toBe('passed');
    expect(t.transitions()).toEqual(['0:running(run#1)', '0:failed', '0:running(run#2)', '0:passed', '1:running(run#1)', '1:passed']);
  });

  it('skip() runs the solve and marks the step skipped; check() runs only the check', async () => {
    const t = track(
      makeRunner(`  - id: a
    title: A
    run: [{ shell: "exit 1" }]
    solve: [{ shell: "touch done" }]
    check: [{ shell: "test -f done" }]
`),
    );
    expect(await t.runner.check()).toBe('failed');
    expect(t.events.filter((e) => e.type === 'step.end').at(-1)).toMatchObject({ message: expect.stringMatching(/^check: command exited with code 1/) });
    expect(await t.runner.skip()).toBe('skipped');
    expect(await t.runner.check()).toBe('passed');
    expect(t.transitions()).toEqual(['0:running(check#1)', '0:failed', '0:running(solve#2)', '0:skipped', '0:running(check#3)', '0:passed']);
  });

  it('a step whose check fails after its run fails with the check message', async () => {
    const t = track(makeRunner(`  - { id: a, title: A, run: [{ shell: "true" }], check: [{ shell: "echo not there yet; exit 1" }] }\n`, { mode: 'workshop' }));
    expect(await t.runner.runAll()).toBe('failed');
    expect(t.events.find((e) => e.type === 'step.end')).toMatchObject({ status: 'failed', message: 'check: command exited with code 1: echo not there yet; exit 1' });
  });

  it('--from-step: earlier steps run their solve, or their run without one; optional ones without solve run nothing', async () => {
    const t = track(
      makeRunner(`  - { id: a, title: A, run: [{ print: a-run }], solve: [{ print: a-solve }] }
  - { id: b, title: B, run: [{ print: b-run }] }
  - { id: c, title: C, optional: true, run: [{ print: c-run }] }
  - { id: d, title: D, run: [{ print: d-run }] }
`),
    );
    expect(await t.runner.runAll({ from: 3 })).toBe('passed');
    expect(t.lines()).toEqual(['a-solve', 'b-run', 'd-run']);
    expect(t.transitions()).toEqual([
      '0:running(solve#1)', '0:skipped', '1:running(solve#1)', '1:skipped', '2:running(solve#1)', '2:skipped', '3:running(run#1)', '3:passed',
    ]);
  });

  it('goto() moves the focus without running anything', async () => {
    const t = track(makeRunner(`  - { id: a, title: A, run: [{ print: a }] }\n  - { id: b, title: B, run: [{ print: b }] }\n`));
    expect(t.runner.goto(1)).toBe(true);
    expect(t.runner.goto(5)).toBe(false);
    expect(await t.runner.next()).toBe('passed');
    expect(t.lines()).toEqual(['b']);
    expect(t.runner.statusOf(0)).toBe('pending');
  });

  it('fails a step at its timeout, even when an action ignores its signal', async () => {
    const t = track(makeRunner(`  - { id: a, title: A, timeout: 300ms, run: [{ test.stubborn: {} }] }\n`));
    const started = Date.now();
    expect(await t.runner.runAll()).toBe('failed');
    expect(Date.now() - started).toBeLessThan(3000);
    expect(t.events.find((e) => e.type === 'step.end')).toMatchObject({ status: 'failed', message: 'step a timed out after 300ms' });
  });

  it('fails an action at its own timeout and kills its process', async () => {
    const t = track(makeRunner(`  - id: a\n    title: A\n    run:\n      - shell: "echo pid $$; exec sleep 30"\n        timeout: 300ms\n`));
    expect(await t.runner.runAll()).toBe('failed');
    expect(t.events.find((e) => e.type === 'step.end')).toMatchObject({ message: 'shell timed out after 300ms' });
    const pid = Number(t.lines()[0]!.split(' ')[1]);
    await expect.poll(() => alive(pid), { timeout: 4000 }).toBe(false);
  });

  it('interpolates params (CLI overrides defaults) and run vars; an unknown dotted name fails the action', async () => {
    const t = track(
      makeRunner(`  - { id: a, title: A, run: [{ print: "\${greeting} on \${target}, \${HOME} stays, $\${greeting} is literal" }, { test.declares: {} }] }\n  - { id: b, title: B, run: [{ print: "\${registry.url}" }] }\n`, {
        extra: 'params:\n  greeting: { default: hi }\n',
        params: { greeting: 'bonjour' },
        extraActions: [declaresOnly],
      }),
    );
    expect(await t.runner.runAll()).toBe('failed');
    expect(t.lines()).toEqual(['bonjour on local, ${HOME} stays, ${greeting} is literal']);
    expect(t.events.filter((e) => e.type === 'step.end').at(-1)).toMatchObject({
      message: 'unknown variable ${registry.url} (set so far: greeting, run.workDir, scenario.dir, target)',
    });
  });

  it('rejects an unknown --param', () => {
    expect(() => makeRunner(`  - { id: a, title: A }\n`, { params: { nope: '1' } })).toThrow('unknown param "nope" for scenario t (params: none)');
  });

  it('abort() interrupts the running step, kills its process tree and ends the run interrupted', async () => {
    const t = track(makeRunner(`  - { id: a, title: A, run: [{ shell: "sleep 30 & echo child $!; echo pid $$; wait" }] }\n  - { id: b, title: B, run: [{ print: b }] }\n`));
    const done = t.runner.runAll();
    await expect.poll(() => t.lines().length, { timeout: 4000 }).toBe(2);
    const pids = t.lines().map((l) => Number(l.split(' ')[1]));
    expect(pids.every(alive)).toBe(true);
    t.runner.abort();
    expect(await done).toBe('interrupted');
    await expect.poll(() => pids.some(alive), { timeout: 4000 }).toBe(false);
    // Interrupted, not failed: Ctrl-C mid-step is not the step's fault.
    expect(t.transitions()).toEqual(['0:running(run#1)', '0:interrupted']);
    expect(t.events.find((e) => e.type === 'step.end')).toMatchObject({ status: 'interrupted', message: 'interrupted' });
  });
});

