/**
 * Checks on action values that need no run: done at load so a typo fails before the first
 * step, with file:line:col, instead of two steps in. Only what is fully known at load is
 * checked: a value holding a `${…}` reference is left to run time.
 *  - `wait: { output }` must be a valid regular expression;
 *  - `wait: { from }` must be the `as:` name of an action in the scenario.
 */
import type { PathSegment, Problem } from './scenario-errors.js';

const ACTION_LISTS = ['run', 'check', 'solve'] as const;

type ActionItem = Record<string, unknown>;

interface StepLike {
  run?: unknown;
  check?: unknown;
  solve?: unknown;
}

const known = (v: unknown): v is string => typeof v === 'string' && !v.includes('${');

function* actionsOf(steps: readonly StepLike[]): Generator<{ item: ActionItem; path: PathSegment[] }> {
  for (const [i, step] of steps.entries()) {
    for (const list of ACTION_LISTS) {
      const items = step[list];
      if (!Array.isArray(items)) continue;
      for (const [j, item] of items.entries()) {
        if (item !== null && typeof item === 'object' && !Array.isArray(item)) yield { item: item as ActionItem, path: ['steps', i, list, j] };
      }
    }
  }
}

export function valueProblems(steps: readonly StepLike[]): Problem[] {
  const names = new Set<string>();
  for (const { item } of actionsOf(steps)) if (typeof item['as'] === 'string') names.add(item['as']);
  const problems: Problem[] = [];
  for (const { item, path } of actionsOf(steps)) {
    const wait = item['wait'];
    if (wait === null || typeof wait !== 'object' || Array.isArray(wait)) continue;
    const { output, from } = wait as { output?: unknown; from?: unknown };
    if (known(output)) {
      try {
        new RegExp(output);
      } catch (err) {
        problems.push({ path: [...path, 'wait', 'output'], message: `not a valid regular expression: ${(err as Error).message.replace(/^Invalid regular expression: /, '')}` });
      }
    }
    if (known(from) && !names.has(from)) {
      const hint = names.size ? `; names set with as: ${[...names].sort().join(', ')}` : '; no action in this scenario sets one';
      problems.push({ path: [...path, 'wait', 'from'], message: `no action is named "${from}" (set \`as: ${from}\` on the action whose output to watch)${hint}` });
    }
  }
  return problems;
}
