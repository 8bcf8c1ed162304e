import { describe, expect, it } from 'vitest';
import type { RunEvent, StepInfo } from '../../src/engine/events.js';
import { foldRehearsal, overBudget, rehearsalTable } from '../../src/present/rehearsal.js';
import { rehearsalFile } from '../../src/record/recordings.js';

const step = (title: string, budgetMs?: number): StepInfo => ({ id: title, title, optional: false, hints: [], hasCheck: false, hasSolve: false, ...(budgetMs ? { budgetMs } : {}) });

const events: RunEvent[] = [
  { type: 'run.start', at: 0, scenario: { id: 'talk', title: 'Talk', budgetMs: 60_000, file: '/x' }, steps: [step('Intro', 10_000), step('Demo', 20_000), step('Outro')], target: 'local', mode: 'present', params: {} },
  { type: 'step.end', at: 1, index: 0, status: 'passed', durationMs: 8_000 },
  { type: 'step.end', at: 2, index: 1, status: 'failed', durationMs: 15_000 },
  { type: 'step.end', at: 3, index: 1, status: 'passed', durationMs: 10_000 }, // a retry adds up
  { type: 'step.end', at: 4, index: 2, status: 'passed', durationMs: 40_000 },
];

describe('rehearsal report', () => {
  it('sums attempts per step, flags steps and the total over budget', () => {
    const r = foldRehearsal(events);
    expect(r.rows.map((x) => [x.status, x.durationMs])).toEqual([
      ['passed', 8_000],
      ['passed', 25_000],
      ['passed', 40_000],
    ]);
    expect(r.totalMs).toBe(73_000);
    expect(overBudget(r).map((x) => x.title)).toEqual(['Demo']);
    const table = rehearsalTable(r);
    expect(table).toMatch(/2 +Demo +passed +25s +20s +OVER by 5(\.0)?s/);
    expect(table).toMatch(/total +1m 13s +1m +OVER by 13s/);
  });

  it('stores recordings per scenario in XDG_DATA_HOME', () => {
    expect(rehearsalFile('git-vs-oci', { XDG_DATA_HOME: '/d' })).toBe('/d/ocilab/recordings/git-vs-oci.cast');
    expect(rehearsalFile('../evil', { XDG_DATA_HOME: '/d' })).toBe('/d/ocilab/recordings/.._evil.cast');
  });
});
