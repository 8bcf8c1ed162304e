import { expect, test } from 'vitest';
import { selectLogWindow, selectStateLabel, stoppedBefore, type RunStateLike, type StepStateLike } from '../../src/ui/run-source.js';

const step = (id: string, lines: string[], over: Partial<StepStateLike> = {}): StepStateLike => {
  const log = lines.map((line) => ({ stream: 'stdout' as const, line }));
  return { id, title: id, optional: false, status: 'passed', log, logLength: log.length, tail: log, ...over };
};

const state = (over: Partial<RunStateLike> = {}): RunStateLike => ({
  scenario: { title: 'T' },
  target: 'local',
  mode: 'present',
  steps: [step('a', ['a1', 'a2', 'a3']), step('b', []), step('c', ['c1', 'c2'])],
  current: 2,
  viewing: 2,
  status: 'running',
  busy: false,
  measurements: [],
  ...over,
});

test('the full-log window spans steps and copies only what it returns', () => {
  const s = state();
  const lines = (end: number, count: number) => selectLogWindow(s, end, count).map((l) => `${l.index}:${l.line}`);
  expect(lines(5, 5)).toEqual(['0:a1', '0:a2', '0:a3', '2:c1', '2:c2']);
  expect(lines(5, 3)).toEqual(['0:a3', '2:c1', '2:c2']);
  expect(lines(4, 2)).toEqual(['0:a3', '2:c1']);
  expect(lines(2, 10)).toEqual(['0:a1', '0:a2']);
  expect(lines(0, 10)).toEqual([]);
});

test.each([
  [{ status: 'idle' as const }, 'ready: → runs step 1'],
  [{ busy: true }, '▶ running 3/3'],
  [{ viewing: 0 }, 'viewing 1/3 · → returns'],
  [{ current: 1, viewing: 1 }, '→ goes to 3/3'],
  [{}, '→ finishes'],
  [{ status: 'passed' as const }, '✓ run passed · q quits'],
  [{ status: 'failed' as const }, '✗ run failed · q quits'],
])('state label %o', (over, label) => {
  expect(selectStateLabel(state(over))).toBe(label);
});

test('a failed focused step says how to go on', () => {
  const s = state({ steps: [step('a', []), step('b', [], { status: 'failed' })], current: 1, viewing: 1 });
  expect(selectStateLabel(s)).toBe('✗ 2/2 failed · r or s');
});

test('stoppedBefore: a run left with q is stopped at its first step not run; a real failure stays a failure', () => {
  const steps = (...statuses: [StepStateLike['status'], boolean?][]) => statuses.map(([status, optional = false]) => ({ status, optional }));
  expect(stoppedBefore('failed', steps(['passed'], ['pending'], ['pending']))).toBe(1);
  expect(stoppedBefore('failed', steps(['passed'], ['failed', true], ['skipped'], ['pending']))).toBe(3);
  expect(stoppedBefore('failed', steps(['passed'], ['failed'], ['pending']))).toBeUndefined();
  expect(stoppedBefore('passed', steps(['passed'], ['passed']))).toBeUndefined();
  expect(stoppedBefore('interrupted', steps(['passed'], ['pending']))).toBeUndefined();
  expect(stoppedBefore('running', steps(['passed'], ['pending']))).toBeUndefined();
});
