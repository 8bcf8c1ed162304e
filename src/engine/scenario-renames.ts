/**
 * Former action names and argument spellings, rewritten at load: `reconcile.wait` becomes
 * `flux.wait`, `plainHttp` becomes `insecure`, and each rewrite is a warning naming the
 * spelling to use (file:line:col once located). The rewrite happens on the parsed data,
 * before validation, so the step is then validated and run as the current action.
 */
import type { ActionRegistry } from './action-registry.js';
import type { PathSegment, Problem } from './scenario-errors.js';
import { ACTION_MODIFIERS } from './scenario-schema.js';
import { ACTION_LISTS } from './scenario-names.js';

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** `obj` with key `from` renamed to `to`, keeping the key order (a scenario reads top to bottom). */
function renameKey(obj: Record<string, unknown>, from: string, to: string, value = obj[from]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => (k === from ? [to, value] : [k, v])));
}

/**
 * Rewrites every former action name and argument name in `data.steps` in place; returns one
 * warning per rewrite (path to the key). An argument written in both spellings is left as
 * written, so validation reports the old one as unknown.
 */
export function applyRenames(data: Record<string, unknown>, registry: ActionRegistry): Problem[] {
  const warnings: Problem[] = [];
  const steps = data['steps'];
  if (!Array.isArray(steps)) return warnings;
  steps.forEach((step, i) => {
    if (!isRecord(step)) return;
    for (const list of ACTION_LISTS) {
      const items = step[list];
      if (!Array.isArray(items)) continue;
      items.forEach((item, j) => {
        if (isRecord(item)) items[j] = renamedItem(item, ['steps', i, list, j], registry, warnings);
      });
    }
  });
  return warnings;
}

/** One action item with its former spellings rewritten (the same object when there were none); adds a warning per rewrite. */
function renamedItem(item: Record<string, unknown>, path: PathSegment[], registry: ActionRegistry, warnings: Problem[]): Record<string, unknown> {
  let current = item;
  let name = Object.keys(current).find((k) => !(ACTION_MODIFIERS as readonly string[]).includes(k));
  if (name === undefined) return item;
  const renamed = registry.renamed(name);
  if (renamed) {
    const args = renamed.former.args ? renamed.former.args(current[name]) : current[name];
    current = renameKey(current, name, renamed.def.name, args);
    warnings.push({ path: [...path, name], atKey: true, message: `${name} is now ${renamed.def.name}: write \`${renamed.def.name}\` (the old name still loads, with this warning)` });
    name = renamed.def.name;
  }
  const def = registry.get(name);
  const args = current[name];
  if (def?.formerArgs && isRecord(args)) {
    let next = args;
    // In the order the file writes them, so the warnings read top to bottom.
    for (const old of Object.keys(args)) {
      const now = Object.hasOwn(def.formerArgs, old) ? def.formerArgs[old] : undefined;
      if (now === undefined || Object.hasOwn(next, now)) continue;
      next = renameKey(next, old, now);
      const at = renamed ? [...path, renamed.former.name, old] : [...path, name, old];
      warnings.push({ path: at, atKey: true, message: `${name}: the argument ${old} is now ${now}: write \`${now}\` (the old spelling still loads, with this warning)` });
    }
    if (next !== args) current = { ...current, [name]: next };
  }
  if (def?.timeoutArgument && 'timeout' in current && isRecord(current[name]) && !('timeout' in (current[name] as Record<string, unknown>))) {
    // One timeout per action: the one its arguments take.
    const { timeout, ...rest } = current;
    current = { ...rest, [name]: { ...(current[name] as Record<string, unknown>), timeout } };
    warnings.push({ path: [...path, 'timeout'], atKey: true, message: `${name} takes its timeout as an argument: write it inside \`${name}: { …, timeout: ${String(timeout)} }\` (it still loads, with this warning)` });
  }
  return current;
}
