/**
 * The contract between the scenario engine and the parts of ocilab that do things.
 *
 * Every area (oci/, registry/, git/, cosign/, measure/, kube/) exposes its work to
 * scenarios as named actions: `registry.start`, `git.serve`, `artifact.push`, ...
 * An action is a zod schema for its arguments plus an async function. The engine
 * validates arguments on load (so a typo in a scenario file is a load error with a
 * line number, not a failure on stage), interpolates `${var}` references from the
 * run's variables, and calls `run` with a context that carries the abort signal,
 * the cleanup registry and a line logger.
 *
 * Actions never import Ink or React: what the UI shows comes from `ctx.log`,
 * `ctx.report` and the variables they set.
 */
import type { z } from 'zod';
import type { CleanupRegistry } from './cleanup.js';
import type { OutputStreams } from './streams.js';
import type { Plan } from '../kube/plan.js';
import type { Target } from '../targets/target.js';
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
   * The run's target implementation (src/targets): `target.up`, `flux.apply`... act through it.
   * Set by `ocilab run`; absent in unit tests of other areas.
   */
  runTarget?: Target;
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
  run(args: A, ctx: ActionContext): Promise<ActionResult>;
}

/** Helper that keeps the args type attached to the definition. */
export function defineAction<A>(def: ActionDefinition<A>): ActionDefinition<A> {
  return def;
}

/** The registry actions are looked up in; areas add theirs at start-up. */
export class ActionRegistry {
  private readonly actions = new Map<string, ActionDefinition<any>>();

  register(...defs: ActionDefinition<any>[]): this {
    for (const def of defs) {
      if (this.actions.has(def.name)) throw new Error(`action ${def.name} is registered twice`);
      this.actions.set(def.name, def);
    }
    return this;
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
