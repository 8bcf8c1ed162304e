/**
 * An ActionContext for calling an action directly in a test: a fresh signal, cleanup registry,
 * vars and run scope, on the local target, with what the action logged and reported collected.
 * `overrides` replaces any field (a shared cleanup registry, another target, a log of one's own).
 */
import type { ActionContext, ReportedMeasurement } from '../../src/engine/action-definition.js';
import { RunScope } from '../../src/engine/run-scope.js';
import { CleanupRegistry } from '../../src/process/cleanup.js';

export function actionContext(
  workDir: string,
  overrides: Partial<ActionContext> = {},
): { ctx: ActionContext; measurements: ReportedMeasurement[]; lines: string[] } {
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
    ...overrides,
  };
  return { ctx, measurements, lines };
}
