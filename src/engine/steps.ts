/** What views need to know about a step, and `--from-step` resolution. */
import { parseDuration } from './duration.js';
import type { StepInfo } from './events.js';
import type { Scenario, Step } from './scenario-schema.js';

export function stepInfoOf(step: Step): StepInfo {
  const hints = step.hint === undefined ? [] : Array.isArray(step.hint) ? step.hint : [step.hint];
  const budgetMs = step.budget ? parseDuration(step.budget) : undefined;
  return {
    id: step.id,
    title: step.title,
    optional: step.optional,
    ...(budgetMs !== undefined ? { budgetMs } : {}),
    ...(step.say !== undefined ? { say: step.say } : {}),
    ...(step.notes !== undefined ? { notes: step.notes } : {}),
    ...(step.show !== undefined ? { show: step.show } : {}),
    hints,
    hasCheck: (step.check?.length ?? 0) > 0,
    hasSolve: step.solve !== undefined,
  };
}

/** Resolve `--from-step`: a step id, or a 1-based number. Returns a 0-based index. */
export function resolveStepRef(scenario: Scenario, ref: string): number | undefined {
  const byId = scenario.steps.findIndex((s) => s.id === ref);
  if (byId >= 0) return byId;
  if (/^\d+$/.test(ref)) {
    const n = Number(ref);
    if (n >= 1 && n <= scenario.steps.length) return n - 1;
  }
  return undefined;
}
