/**
 * The contract between the scenario engine and the parts of ocilab that do things.
 *
 * Every area (oci/, registry/, git/, cosign/, measure/, kube/) exposes its work to
 * scenarios as named actions: `registry.start`, `git.serve`, `artifact.push`, ...
 * An action is a zod schema for its arguments plus an async function. The engine
 * validates arguments on load (so a typo in a scenario file is a load error with a
 * line number, not a failure on stage), interpolates `${var}` references from the
 * run's variables, and calls `run` with a context that carries the abort signal,
 * the cleanup registry, a line logger and the run's scope (run-scope.ts: what the run keeps
 * between steps — its registry, Git servers, reconciler, target — in slots the areas declare).
 *
 * Actions never import Ink or React: what the UI shows comes from `ctx.log`,
 * `ctx.report` and the variables they set.
 */
import type { z } from 'zod';
import type { CleanupRegistry } from './cleanup.js';
import { RunScope } from './run-scope.js';
import type { OutputStreams } from './streams.js';
import type { Plan } from '../kube/plan.js';
import type { MetricName, MetricUnit } from '../measure/metrics.js';

export type TargetName = 'local' | 'kind' | 'cluster';

/** A measured figure an action reports for the measurements panel. */
export interface Measurement {
  /** What was measured, for people: "git clone --depth 1 (what Flux does)", "oci pull". */
  method: string;
  /** Stable id of the method, e.g. "git.cli.shallow"; one id is one row of a chart. */
  methodId?: string;
  /** "git shallow", "oci HEAD": the few letters a bar has room for. */
  short?: string;
  /** Which transport the figure is about, when it is one side of a Git-vs-OCI comparison. */
  transport?: Transport;
  /** Which client fetched, in a few words ("git CLI process", "node process, src/oci only"). */
  client?: string;
  /** From the one metric table (src/measure/metrics.ts), which also gives the unit. */
  metric: MetricName;
  value: number;
  unit: MetricUnit;
  /** The statistics behind a summary figure (value = median). */
  stats?: MeasurementStats;
  /** How it was taken, for people only: no view parses it. */
  method_note?: string;
  /**
   * Set when the figure is one run of a repeated measurement, reported as soon as that run
   * is measured (live charts); the summary (median...) follows as a measurement without it.
   * `run` is 1-based, `of` the runs planned.
   */
  sample?: { run: number; of: number };
  /**
   * A figure of a measured fleet (measure.fleet): `value` is measured over the window, `projected`
   * is the projection formula's figure for the same fleet. The bars view shows these as a table.
   */
  fleet?: { projected: number | null };
}

export type Transport = 'git' | 'oci';

export interface MeasurementStats {
  /** Runs that had this figure, and warm-up runs left out before them. */
  n: number;
  warmup: number;
  median: number;
  min: number;
  max: number;
  /** (max − min) / median. */
  spread: number;
}

/** What an action hands to `ctx.report`: the unit comes from the metric table. */
export type ReportedMeasurement = Omit<Measurement, 'unit'>;

export interface ActionContext {
  /** Aborted on Ctrl-C, step timeout, or a step being skipped. Every await must honour it. */
  signal: AbortSignal;
  /** One line of output for the live pane and the full log. */
  log: (line: string, stream?: 'stdout' | 'stderr' | 'info') => void;
  /** Register processes, servers and temp dirs here; unwound on exit, Ctrl-C, failure. */
  cleanup: CleanupRegistry;
  /**
   * Variables shared by the steps of one run (`registry.url`, `git.url`, `keys.dir`...).
   * Actions set what later steps need; the engine interpolates `${name}` in arguments.
   */
  vars: Record<string, string>;
  /** A temp directory owned by this run (removed by the cleanup registry at the end). */
  workDir: string;
  /** The directory of the scenario file (relative paths in arguments resolve here). */
  scenarioDir: string;
  target: TargetName;
  /** Report a measurement for the measurements panel and the plain table. */
  report: (m: ReportedMeasurement) => void;
  /**
   * Output of the run's actions by stream name (an action's `as:` name, or an internal one),
   * and the name of the previous action's stream. Set by the runner; `wait` uses it.
   */
  outputs?: { streams: OutputStreams; previous?: string };
  /**
   * What this run keeps between its steps, in slots the areas declare (the registry
   * `registry.start` started, the Git servers, the reconciler, the target). One per run.
   */
  scope: RunScope;
  /**
   * `--dry-run`: changes are recorded here instead of made. Only actions that declare
   * `plansInDryRun` are called; the engine records the others as "not run".
   */
  plan?: Plan;
}

export interface ActionResult {
  ok: boolean;
  /** For a failure (or a failing check): what is wrong, said so a learner can fix it. */
  message?: string;
}

export interface ActionDefinition<A = unknown> {
  /** Dotted name used in scenario files, e.g. `artifact.push`. */
  name: string;
  /** One line, shown by `ocilab list --actions` and in the JSON schema. */
  description: string;
  /**
   * Arguments. A scenario writes `- name: <args>`; a bare string is passed as-is, so
   * an action whose natural argument is a string (`shell: "ls"`) accepts z.string() or a union.
   */
  args: z.ZodType<A>;
  /** True when run() honours ctx.plan (records its changes and makes none); called in `--dry-run`. */
  plansInDryRun?: boolean;
  /**
   * The variables the action sets in ctx.vars for later steps, each with one line about its
   * value. The load-time check lets a later `${name}` through only when an earlier action
   * declares `name`; docs/actions.md lists them.
   */
  sets?: VarsSet<NoInfer<A>>;
  /**
   * Names this action replaced (`reconcile.wait` → `flux.wait`). A scenario may still write
   * them: loading it rewrites the step to this action (`args` maps the old arguments) and
   * warns with file:line:col and the name to use.
   */
  formerNames?: FormerName[];
  /**
   * Argument names this action replaced by the one spelling used across actions
   * (`plainHttp` → `insecure`, `ref` → `url`): old name → new name. Loading a scenario
   * that writes an old one renames it and warns.
   */
  formerArgs?: Record<string, string>;
  /**
   * The `timeout` argument bounds this action as a whole (how long it waits, then fails in its
   * own words), so the action-level `timeout` modifier is not taken next to it: one `timeout`
   * per action. Written as a modifier, it loads as the argument, with a warning.
   */
  timeoutArgument?: true;
  run(args: A, ctx: ActionContext): Promise<ActionResult>;
}


/**
 * Variable name → one line about its value. A name that depends on the arguments (a key
 * pair's `<name>.passwordFile`) is written as a pattern with `<placeholders>` and maps to
 * a DynamicVar that computes the names set for given arguments.
 */
export type VarsSet<A> = Record<string, string | DynamicVar<A>>;

export interface DynamicVar<A> {
  description: string;
  /** The names set for these (validated) arguments; may be empty (set only with some arguments). */
  names(args: A): string[];
}

/** The names an action declares it sets for `args` (validated arguments). */
export function namesSet<A>(def: ActionDefinition<A>, args: A): string[] {
  const out: string[] = [];
  for (const [name, v] of Object.entries(def.sets ?? {})) {
    if (typeof v === 'string') out.push(name);
    else out.push(...v.names(args));
  }
  return out;
}

export interface FormerName {
  name: string;
  /** The old arguments as this action takes them (default: unchanged). */
  args?: (old: unknown) => unknown;
}

/** Helper that keeps the args type attached to the definition. */
export function defineAction<A>(def: ActionDefinition<A>): ActionDefinition<A> {
  return def;
}

/** The registry actions are looked up in; areas add theirs at start-up. */
export class ActionRegistry {
  private readonly actions = new Map<string, ActionDefinition<any>>();
  private readonly scopeSetups: ((scope: RunScope) => void)[] = [];

  /** Something every run's scope starts with, e.g. a verifier one area plugs into another's reconciler. */
  onRunScope(setup: (scope: RunScope) => void): this {
    this.scopeSetups.push(setup);
    return this;
  }

  /** A new scope for one run, set up by every onRunScope. */
  newRunScope(): RunScope {
    const scope = new RunScope();
    for (const setup of this.scopeSetups) setup(scope);
    return scope;
  }
  private readonly former = new Map<string, { def: ActionDefinition<any>; former: FormerName }>();

  register(...defs: ActionDefinition<any>[]): this {
    for (const def of defs) {
      if (this.actions.has(def.name) || this.former.has(def.name)) throw new Error(`action ${def.name} is registered twice`);
      this.actions.set(def.name, def);
      for (const f of def.formerNames ?? []) {
        if (this.actions.has(f.name) || this.former.has(f.name)) throw new Error(`action ${f.name} is registered twice (former name of ${def.name})`);
        this.former.set(f.name, { def, former: f });
      }
    }
    return this;
  }

  /** The action that replaced a former name, and how its old arguments map; undefined for any other name. */
  renamed(name: string): { def: ActionDefinition<any>; former: FormerName } | undefined {
    return this.former.get(name);
  }

  get(name: string): ActionDefinition<any> | undefined {
    return this.actions.get(name);
  }

  names(): string[] {
    return [...this.actions.keys()].sort();
  }

  all(): ActionDefinition<any>[] {
    return this.names().map((n) => this.actions.get(n)!);
  }
}
