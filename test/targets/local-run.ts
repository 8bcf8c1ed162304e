/**
 * Shared by the tests that drive the local target through its actions: the action registry
 * with step/run (run fails the test with the last log lines when an action is not ok), and a
 * context on createTarget('local') in a fresh temp dir.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { buildActionRegistry } from '../../src/actions.js';
import type { ActionContext, ActionResult } from '../../src/engine/action.js';
import { CleanupRegistry } from '../../src/engine/cleanup.js';
import type { RunScope } from '../../src/engine/run-scope.js';
import { createTarget, setRunTarget, targetParts, type Target } from '../../src/targets/index.js';

const registry = buildActionRegistry();

/** True when nothing answers at `url` (the connection is refused). */
export const refused = (url: string) => fetch(url).then(() => false, () => true);

export interface ActionHarness {
  cleanup: CleanupRegistry;
  /** Every line the actions log, in order. */
  lines: string[];
  /** Run action `name` with `raw` arguments on the context last set; its result. */
  step(name: string, raw: unknown): Promise<ActionResult>;
  /** The same, expecting `{ ok: true }`. */
  run(name: string, raw: unknown): Promise<void>;
  set(ctx: ActionContext): ActionContext;
}

export function actionHarness(): ActionHarness {
  const cleanup = new CleanupRegistry();
  const lines: string[] = [];
  let ctx!: ActionContext;
  const step = async (name: string, raw: unknown) => {
    const def = registry.get(name);
    if (!def) throw new Error(`no action ${name}`);
    return def.run(def.args.parse(raw), ctx);
  };
  const run = async (name: string, raw: unknown) => {
    const res = await step(name, raw);
    expect(res, `${name}: ${res.message}\n${lines.slice(-10).join('\n')}`).toEqual({ ok: true });
  };
  return { cleanup, lines, step, run, set: (c: ActionContext) => (ctx = c) };
}

/** A run's scope (as `ocilab run` makes it) whose target is `target`, else createTarget('local') on the scope's parts. */
export function runScope(target?: Target): RunScope {
  const scope = registry.newRunScope();
  setRunTarget(scope, target ?? createTarget('local', {}, targetParts(scope)));
  return scope;
}

/** A context on the local target in a new temp dir `ocilab-<name>-…` (the caller removes it), set on `h`. */
export async function localContext(h: ActionHarness, name: string): Promise<ActionContext> {
  const workDir = await mkdtemp(join(tmpdir(), `ocilab-${name}-`));
  return h.set({ signal: new AbortController().signal, log: (l) => h.lines.push(l), cleanup: h.cleanup, vars: {}, workDir, scenarioDir: workDir, target: 'local', report: () => undefined, scope: runScope() });
}
