/**
 * scripts/soak.mjs reads the failures out of the plain reporter's lines: the output parsed
 * here is written by the real reporter (src/plain/reporter.ts), so a change of its format
 * breaks this test, not the soak's report.
 */
import { describe, expect, test } from 'vitest';
import type { RunEvent, StepInfo } from '../../src/engine/events.js';
import { plainReporter } from '../../src/plain/reporter.js';
import { formatWall, parsePlainFailures, planParams, planRuns, spread, summaryTable } from '../../scripts/soak.mjs';

const step = (id: string, optional = false): StepInfo => ({ id, title: `Title of ${id}`, optional, hints: [], hasCheck: false, hasSolve: false });

function plainOutput(events: RunEvent[]): string {
  let text = '';
  const report = plainReporter({ write: (t) => (text += t), color: false });
  for (const e of events) report(e);
  return text;
}

const at = Date.UTC(2026, 11, 7, 4, 0, 0);
const steps = [step('side-by-side'), step('fleet'), step('release', true)];
const start: RunEvent = { type: 'run.start', at, scenario: { id: 'git-vs-oci', title: 'Git vs OCI', file: '/x.yaml' }, steps, target: 'local', mode: 'present', params: { preset: 'tiny' } };

describe('parsePlainFailures', () => {
  test('a failed step: its id, number, message, the failed action and the output before it', () => {
    const text = plainOutput([
      start,
      { type: 'step.start', at, index: 0, attempt: 1, via: 'run' },
      { type: 'output', at, index: 0, stream: 'stdout', line: 'measured' },
      { type: 'step.end', at, index: 0, status: 'passed', durationMs: 1200 },
      { type: 'step.start', at, index: 1, attempt: 1, via: 'run' },
      { type: 'action.start', at, index: 1, action: 'shell', display: 'shell: node project.mjs compare.json 1000 1 2' },
      { type: 'output', at, index: 1, stream: 'stderr', line: 'TypeError: costFromResult is not a function' },
      { type: 'output', at, index: 1, stream: 'stderr', line: '    at file:///x/project.mjs:33:13' },
      { type: 'action.end', at, index: 1, action: 'shell', ok: false, message: 'exit 1', durationMs: 300 },
      { type: 'step.end', at, index: 1, status: 'failed', message: 'shell: exit 1', durationMs: 310 },
      { type: 'run.end', at, status: 'failed' },
    ]);
    const { failures, runStatus } = parsePlainFailures(text);
    expect(runStatus).toBe('FAILED');
    expect(failures).toEqual([
      {
        step: 'fleet',
        index: 2,
        total: 3,
        status: 'FAILED',
        message: 'shell: exit 1',
        actions: [{ action: 'shell', message: 'exit 1' }],
        output: ['TypeError: costFromResult is not a function', '    at file:///x/project.mjs:33:13'],
      },
    ]);
  });

  test('an optional step that failed is not a failure of the run; a passed run has none', () => {
    const text = plainOutput([
      start,
      { type: 'step.start', at, index: 2, attempt: 1, via: 'run' },
      { type: 'step.end', at, index: 2, status: 'failed', message: 'no helm-controller', durationMs: 5 },
      { type: 'run.end', at, status: 'passed' },
    ]);
    expect(parsePlainFailures(text)).toEqual({ failures: [], runStatus: 'passed' });
  });

  test('an interrupted step counts, with no message', () => {
    const text = plainOutput([start, { type: 'step.start', at, index: 0, attempt: 1, via: 'run' }, { type: 'step.end', at, index: 0, status: 'interrupted', durationMs: 5 }]);
    expect(parsePlainFailures(text).failures).toMatchObject([{ step: 'side-by-side', status: 'interrupted', message: '' }]);
  });
});

test('runs per scenario: defaults, SOAK_RUNS, then --runs; bad entries are usage errors', () => {
  expect(planRuns([], undefined)).toEqual({ 'git-vs-oci': 20, 'cosign-verify': 10, 'helm-oci': 10 });
  expect(planRuns(['helm-oci=1'], 'git-vs-oci=2,cosign-verify=2,helm-oci=2')).toEqual({ 'git-vs-oci': 2, 'cosign-verify': 2, 'helm-oci': 1 });
  expect(planRuns(['git-vs-oci=0'], undefined)['git-vs-oci']).toBe(0);
  expect(() => planRuns(['hello=2'], undefined)).toThrow('unknown scenario "hello"');
  expect(() => planRuns(['git-vs-oci'], undefined)).toThrow('is not <scenario>=<count>');
  expect(() => planRuns(['git-vs-oci=1000'], undefined)).toThrow('more than 200');
  expect(planParams(['git-vs-oci:preset=small', 'git-vs-oci:runs=1'])).toEqual({ 'git-vs-oci': ['preset=small', 'runs=1'] });
  expect(() => planParams(['preset=small'])).toThrow('is not <scenario>:<key>=<value>');
});

test('the summary: runs, passed, failed, wall median and min–max per scenario', () => {
  expect(spread([3, 1, 2, 10])).toEqual({ median: 2.5, min: 1, max: 10 });
  expect(formatWall(9_240)).toBe('9.2 s');
  expect(formatWall(72_400)).toBe('1m 12s');
  const table = summaryTable([
    { scenario: 'git-vs-oci', ok: true, wallMs: 9_000 },
    { scenario: 'git-vs-oci', ok: false, wallMs: 11_000 },
    { scenario: 'git-vs-oci', ok: true, wallMs: 10_000 },
    { scenario: 'helm-oci', ok: true, wallMs: 61_000 },
  ]);
  expect(table.split('\n')).toEqual([
    'scenario    runs  passed  failed  wall median  wall min–max',
    '----------  ----  ------  ------  -----------  ---------------',
    'git-vs-oci     3       2       1       10.0 s  9.0 s – 11.0 s',
    'helm-oci       1       1       0       1m 01s  1m 01s – 1m 01s',
  ]);
});
