/**
 * Checks on action values that need no run: done at load so a typo fails before the first
 * step, with file:line:col, instead of two steps in. Only what is fully known at load is
 * checked: a value holding a `${…}` reference is left to run time.
 *  - `wait: { output }` must be a valid regular expression;
 *  - `wait: { from }` must be the `as:` name of an action in the scenario;
 *  - every `${a.b}` must name a variable set before it is used (variableProblems).
 */
import { interpolatedNames } from './interpolate.js';
import { ACTION_LISTS } from './scenario-names.js';
import { ACTION_MODIFIERS } from './scenario-schema.js';
import type { PathSegment, Problem } from './scenario-errors.js';

type ActionItem = Record<string, unknown>;

interface StepLike {
  show?: unknown;
  say?: unknown;
  notes?: unknown;
  hint?: unknown;
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

/** What variableProblems needs to know about an action: the names it sets for its (validated) arguments. */
export type SetsOf = (name: string, args: unknown) => string[];

const DISPLAY_FIELDS = ['show', 'say', 'notes', 'hint'] as const;

/** Every string inside `value` with its path below `path`. */
function* stringsIn(value: unknown, path: PathSegment[]): Generator<{ text: string; path: PathSegment[] }> {
  if (typeof value === 'string') yield { text: value, path };
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* stringsIn(v, [...path, i]);
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) yield* stringsIn(v, [...path, k]);
}

/**
 * Every `${a.b}` an action argument or a step's display text interpolates names a variable
 * the run will have: a param, a built-in (`known`), or one an earlier action declares it sets
 * (ActionDefinition.sets). Only dotted names: an unknown undotted name (`${HOME}`) is left for
 * the shell at run time, an unknown dotted one fails the action (interpolate.ts).
 *
 * "Earlier" follows how the runner runs a step: its `run` (or, skipped or fast-forwarded, its
 * `solve`) action by action, then its `check`; a step's display text is shown again with the
 * values its own actions set. An earlier step counts with everything any of its lists sets,
 * since which list ran is only known at run time.
 */
export function variableProblems(steps: readonly StepLike[], known: ReadonlySet<string>, setsOf: SetsOf): Problem[] {
  const problems: Problem[] = [];
  // Everything set before the current step; the step's own names are kept apart (no copy per step).
  const before = new Set(known);
  const checkRefs = (text: string, path: PathSegment[], local: readonly Set<string>[], where: string) => {
    for (const name of interpolatedNames(text)) {
      if (!name.includes('.') || before.has(name) || local.some((s) => s.has(name))) continue;
      const near = closest(name, [...before, ...local.flatMap((s) => [...s])]);
      problems.push({
        path,
        find: `\${${name}}`,
        message: `unknown variable \${${name}}: no param, built-in or ${where} sets it${near ? ` (did you mean \${${near}}?)` : ''}`,
      });
    }
  };
  for (const [i, step] of steps.entries()) {
    const own = { run: new Set<string>(), solve: new Set<string>(), check: new Set<string>() };
    const walk = (list: (typeof ACTION_LISTS)[number], also: readonly Set<string>[]) => {
      const items = step[list];
      if (!Array.isArray(items)) return;
      const local = [own[list], ...also];
      for (const [j, item] of items.entries()) {
        if (item === null || typeof item !== 'object' || Array.isArray(item)) continue;
        const name = Object.keys(item as ActionItem).find((k) => !(ACTION_MODIFIERS as readonly string[]).includes(k));
        if (name === undefined) continue;
        const args = (item as ActionItem)[name];
        for (const s of stringsIn(args, ['steps', i, list, j, name])) checkRefs(s.text, s.path, local, 'earlier action');
        for (const n of setsOf(name, args)) own[list].add(n);
      }
    };
    walk('run', []);
    walk('solve', []);
    walk('check', [own.run, own.solve]);
    const all = [own.run, own.solve, own.check];
    for (const field of DISPLAY_FIELDS) {
      for (const s of stringsIn(step[field], ['steps', i, field])) checkRefs(s.text, s.path, all, 'action of this step or an earlier one');
    }
    for (const set of all) for (const n of set) before.add(n);
  }
  return problems;
}

/** The known name nearest to a typo (edit distance at most 2), for a "did you mean". */
function closest(name: string, names: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of names) {
    const d = editDistance(name, candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}
