/**
 * Runs a list of actions for one step: interpolates arguments, validates them against the
 * action's schema, applies the action timeout, and turns throws, aborts and timeouts into
 * a failed result with a message. Stops at the first failed action.
 */
import { unitOf } from '../measure/metrics.js';
import type { ActionContext, ActionRegistry, ActionResult, Measurement, TargetName } from './action.js';
import type { CleanupRegistry } from './cleanup.js';
import { parseDuration } from './duration.js';
import { interpolate } from './interpolate.js';
import { actionNameOf, type ActionSpec } from './scenario-schema.js';
import type { OutputStreams } from './streams.js';
import type { Plan } from '../kube/plan.js';
import type { RunScope } from './run-scope.js';

export interface ExecuteEnv {
  registry: ActionRegistry;
  cleanup: CleanupRegistry;
  vars: Record<string, string>;
  workDir: string;
  scenarioDir: string;
  target: TargetName;
  streams: OutputStreams;
  /** Aborted on interrupt, step timeout or skip; its reason (an Error) is the message. */
  signal: AbortSignal;
  now: () => number;
  onActionStart(name: string, display: string): void;
  onActionEnd(name: string, ok: boolean, durationMs: number, message?: string): void;
  onLine(line: string, stream: 'stdout' | 'stderr' | 'info'): void;
  onMeasurement(m: Measurement): void;
  /** The run's scope (ActionContext.scope). */
  scope: RunScope;
  /** `--dry-run`: see ActionContext.plan. */
  plan?: Plan;
}

export interface ActionsOutcome extends ActionResult {
  /** The last output lines of the failed action, for a message when it gave none. */
  lastLines?: string[];
}

let streamSeq = 0;
/** Name of the stream the previous action wrote to, shared across steps of a run. */
const previousStream = new WeakMap<OutputStreams, string>();

/** How an action is shown in logs: its string argument, a shell's command, or its arguments as JSON. */
export function displayOf(name: string, args: unknown): string {
  if (typeof args === 'string') return `${name}: ${args}`;
  if (args !== null && typeof args === 'object' && typeof (args as { command?: unknown }).command === 'string') {
    const a = args as { command: string; background?: boolean };
    return `${name}: ${a.command}${a.background ? ' (background)' : ''}`;
  }
  return `${name}: ${JSON.stringify(args)}`;
}

function reasonOf(signal: AbortSignal): string {
  const r: unknown = signal.reason;
  return r instanceof Error ? r.message : 'aborted';
}

export async function executeActions(specs: readonly ActionSpec[], env: ExecuteEnv): Promise<ActionsOutcome> {
  for (const spec of specs) {
    if (env.signal.aborted) return { ok: false, message: reasonOf(env.signal) };
    const outcome = await executeAction(spec, env);
    if (!outcome.ok) return outcome;
  }
  return { ok: true };
}

async function executeAction(spec: ActionSpec, env: ExecuteEnv): Promise<ActionsOutcome> {
  const name = actionNameOf(spec);
  const def = env.registry.get(name);
  const started = env.now();
  let display = name;
  const timeoutText = typeof spec.timeout === 'string' ? spec.timeout : undefined;
  const timeoutMs = timeoutText ? parseDuration(timeoutText) : undefined;
  const controller = new AbortController();
  const onOuterAbort = () => controller.abort(env.signal.reason);
  env.signal.addEventListener('abort', onOuterAbort, { once: true });
  const timer =
    timeoutMs !== undefined
      ? setTimeout(() => controller.abort(new Error(`${name} timed out after ${timeoutText}`)), timeoutMs)
      : undefined;
  const key = typeof spec.as === 'string' ? spec.as : `#${++streamSeq}`;
  const previous = previousStream.get(env.streams);
  previousStream.set(env.streams, key);
  const lastLines: string[] = [];

  const finish = (ok: boolean, message?: string): ActionsOutcome => {
    if (timer) clearTimeout(timer);
    env.signal.removeEventListener('abort', onOuterAbort);
    env.onActionEnd(name, ok, env.now() - started, message);
    return ok ? { ok } : { ok, ...(message !== undefined ? { message } : {}), lastLines };
  };

  try {
    if (!def) {
      env.onActionStart(name, display);
      return finish(false, `unknown action "${name}"`);
    }
    let raw: unknown;
    try {
      raw = interpolate(spec[name], env.vars);
    } catch (err) {
      env.onActionStart(name, displayOf(name, spec[name]));
      return finish(false, (err as Error).message);
    }
    const parsed = def.args.safeParse(raw);
    display = displayOf(name, raw);
    env.onActionStart(name, display);
    if (!parsed.success) {
      return finish(false, `${name}: invalid arguments after interpolation: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    }
    if (env.plan && !def.plansInDryRun) {
      env.plan.action(display, 'not run in dry-run (it acts inside ocilab or on this machine, not on the target)');
      return finish(true);
    }
    const ctx: ActionContext = {
      signal: controller.signal,
      log: (line, stream = 'info') => {
        env.streams.append(key, line);
        lastLines.push(line);
        if (lastLines.length > 5) lastLines.shift();
        env.onLine(line, stream);
      },
      cleanup: env.cleanup,
      vars: env.vars,
      workDir: env.workDir,
      scenarioDir: env.scenarioDir,
      target: env.target,
      report: (m) => env.onMeasurement({ ...m, unit: unitOf(m.metric) }),
      outputs: { streams: env.streams, ...(previous !== undefined ? { previous } : {}) },
      scope: env.scope,
      ...(env.plan ? { plan: env.plan } : {}),
    };
    if (controller.signal.aborted) return finish(false, reasonOf(controller.signal));
    const aborted = new Promise<ActionResult>((resolve) => {
      controller.signal.addEventListener('abort', () => resolve({ ok: false, message: reasonOf(controller.signal) }), {
        once: true,
      });
    });
    const result = await Promise.race([def.run(parsed.data, ctx), aborted]);
    if (!result.ok) return finish(false, result.message);
    // An action that resolved ok while being aborted did not finish its work.
    if (controller.signal.aborted) return finish(false, reasonOf(controller.signal));
    return finish(true);
  } catch (err) {
    return finish(false, controller.signal.aborted ? reasonOf(controller.signal) : (err as Error).message);
  }
}
