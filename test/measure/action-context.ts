/** An ActionContext for measure.compare tests: what it reported and logged is collected. */
import type { ActionContext, ReportedMeasurement } from '../../src/engine/action.js';
import { CleanupRegistry } from '../../src/engine/cleanup.js';
import { measureActions } from '../../src/measure/actions.js';
import { RunScope } from '../../src/engine/run-scope.js';

export function measureContext(workDir: string): { ctx: ActionContext; measurements: ReportedMeasurement[]; lines: string[] } {
  const measurements: ReportedMeasurement[] = [];
  const lines: string[] = [];
  const ctx: ActionContext = {
    signal: new AbortController().signal,
    log: (line) => lines.push(line),
    cleanup: new CleanupRegistry(),
    vars: {},
    workDir,
    scenarioDir: workDir,
    scope: new RunScope(),
    target: 'local',
    report: (m) => measurements.push(m),
  };
  return { ctx, measurements, lines };
}

export const measureCompare = measureActions.find((a) => a.name === 'measure.compare')!;
