/**
 * Helpers every area's actions share, so each rule is written once: where a path in a
 * scenario points, how a thrown error becomes a failed step, and how a file named in a
 * scenario is read with `${name}` references filled in.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ActionContext, ActionResult } from './action.js';
import { interpolateString } from './interpolate.js';

/** A path written in a scenario: relative ones resolve against the scenario file's folder. */
export function scenarioPath(ctx: Pick<ActionContext, 'scenarioDir'>, path: string): string {
  return resolve(ctx.scenarioDir, path);
}

/**
 * Runs an action's body; an error it throws becomes a failed step with the error's message
 * (said so the user can fix it), shown once with the step. The engine does the same for an
 * action that throws; this keeps an action's result a result for callers other than the
 * engine (checks, tests). On an abort the engine reports the abort's reason instead.
 */
export async function guarded(fn: () => Promise<ActionResult>): Promise<ActionResult> {
  try {
    return await fn();
  } catch (err) {
    return { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * A file named in a scenario (`flux.apply {file}`), read and interpolated by the scenario's
 * own rules (engine/interpolate.ts): `${a.b}` must be set by an earlier step, `$${…}` stays
 * literal, and an undotted `${name}` that is not a parameter stays as written (Flux's
 * postBuild substitution uses that form). Errors name the action and the file.
 */
export async function readScenarioFile(ctx: Pick<ActionContext, 'scenarioDir' | 'vars'>, file: string, action: string): Promise<{ path: string; text: string }> {
  const path = scenarioPath(ctx, file);
  const raw = await readFile(path, 'utf8').catch((err: Error) => {
    throw new Error(`${action}: cannot read ${path}: ${err.message}`);
  });
  try {
    return { path, text: interpolateString(raw, ctx.vars) };
  } catch (err) {
    throw new Error(`${action}: ${path}: ${(err as Error).message}`);
  }
}
