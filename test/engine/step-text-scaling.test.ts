/**
 * Re-rendering step texts is linear in the step count: after a step ends, only pending steps
 * whose text names a variable that changed are interpolated again. It used to re-render every
 * pending step after every step (n²/2 calls: a 4,000-step --dry-run spent ~40 s of CPU there).
 * Counted, not timed: the number of stepTextOf calls for a 2,000-step run.
 */
import { describe, expect, it, vi } from 'vitest';
import * as steps from '../../src/engine/steps.js';
import { makeRunner, setVarAction } from './helpers.js';

vi.mock('../../src/engine/steps.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/engine/steps.js')>();
  return { ...actual, stepTextOf: vi.fn(actual.stepTextOf) };
});

describe('step texts with many steps', () => {
  it('2,000 steps, each setting a variable the next one shows: a linear number of re-renders, texts still right', async () => {
    const n = 2000;
    const yaml = Array.from(
      { length: n },
      (_, i) => `  - id: s${i}\n    title: S${i}\n    say: "on \${target}, after ${i === 0 ? 'nothing' : `\${v.${i - 1}}`}"\n    run: [{ test.set: { name: v.${i}, value: "done ${i}" } }]\n`,
    ).join('');
    const t = makeRunner(yaml, { extraActions: [setVarAction] });
    const calls = vi.mocked(steps.stepTextOf);
    calls.mockClear();
    t.runner.start();
    expect(calls.mock.calls.length).toBeLessThanOrEqual(2 * n); // the first render (text + info)
    calls.mockClear();
    expect(await t.runner.runAll()).toBe('passed');
    // one re-render per step whose variable changed; the old code made n(n-1)/2 ≈ 2,000,000
    expect(calls.mock.calls.length).toBeLessThanOrEqual(n);
    const texts = t.events.flatMap((e) => (e.type === 'step.text' ? [[e.index, e.text.say]] : []));
    expect(texts).toHaveLength(n - 1);
    expect(texts[0]).toEqual([1, 'on local, after done 0']);
    expect(texts.at(-1)).toEqual([n - 1, `on local, after done ${n - 2}`]);
    await t.cleanup.runAll();
  }, 60_000);
});
