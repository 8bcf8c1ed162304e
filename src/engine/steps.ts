/** What views need to know about a step, and `--from-step` resolution. */
import { parseDuration } from './duration.js';
import type { StepInfo, StepText } from './events.js';
import { interpolateKnown, referencedNames } from './interpolate.js';
import type { Scenario, Step } from './scenario-schema.js';

/**
 * A step's display text (say, notes, show, hints) with the `${name}`s known so far replaced
 * (interpolateKnown: unknown names stay as written). Without vars, the text as written.
 */
export function stepTextOf(step: Step, vars: Record<string, string> = {}): StepText {
  const text = (t: string) => interpolateKnown(t, vars);
  const hints = step.hint === undefined ? [] : Array.isArray(step.hint) ? step.hint : [step.hint];
  return {
    ...(step.say !== undefined ? { say: text(step.say) } : {}),
    ...(step.notes !== undefined ? { notes: text(step.notes) } : {}),
    ...(step.show !== undefined ? { show: text(step.show) } : {}),
    hints: hints.map(text),
  };
}

/** Every variable name a step's display text (say, notes, show, hints) refers to. */
export function stepTextNames(step: Step): Set<string> {
  const hints = step.hint === undefined ? [] : Array.isArray(step.hint) ? step.hint : [step.hint];
  const names = new Set<string>();
  for (const t of [step.say, step.notes, step.show, ...hints]) if (t !== undefined) for (const n of referencedNames(t)) names.add(n);
  return names;
}

export function stepInfoOf(step: Step, vars: Record<string, string> = {}): StepInfo {
  const { hints, ...text } = stepTextOf(step, vars);
  const budgetMs = step.budget ? parseDuration(step.budget) : undefined;
  return {
    id: step.id,
    title: step.title,
    optional: step.optional,
    ...(budgetMs !== undefined ? { budgetMs } : {}),
    ...text,
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
