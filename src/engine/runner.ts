/**
 * The scenario state machine. Per step: pending → running → passed | failed | skipped, or
 * interrupted when the run is aborted while the step runs.
 * Emits RunEvents (events.ts); never imports UI code. One operation at a time: a call made
 * while a step runs is ignored (returns undefined), except abort().
 *
 * Interactive use (the store calls these): start, next, retry, skip, check, goto, abort.
 * Headless use (--plain, CI): runAll({ from }).
 */
import { dirname, join } from 'node:path';
import type { ActionRegistry, TargetName } from './action.js';
import { makeTempDir, type CleanupRegistry } from './cleanup.js';
import { parseDuration } from './duration.js';
import type { Mode, RunEvent, RunEventListener, RunStatus, StepStatus, StepVia } from './events.js';
import { executeActions } from './execute.js';
import type { Scenario } from './scenario-schema.js';
import { stepInfoOf, stepTextNames, stepTextOf } from './steps.js';
import type { RunScope } from './run-scope.js';
import { OutputStreams } from './streams.js';

export interface RunnerOptions {
  scenario: Scenario;
  registry: ActionRegistry;
  cleanup: CleanupRegistry;
  target?: TargetName;
  mode?: Mode;
  /** `--param key=value` overrides of the scenario's params. */
  params?: Record<string, string>;
  /** A temp dir is created (and registered for removal) when not given. */
  workDir?: string;
  /** Timeout of a step without its own `timeout` (default 10 minutes). */
  defaultStepTimeoutMs?: number;
  now?: () => number;
  /**
   * The run's scope (ActionContext.scope), e.g. with the target `ocilab run` built in it; made
   * by `registry.newRunScope()` when not given. One scope per runner: the runner drops it when
   * its cleanup registry unwinds.
   */
  scope?: RunScope;
  /** `--dry-run`: actions record into this plan instead of acting (see ActionContext.plan). */
  plan?: import('../kube/plan.js').Plan;
}

export const DEFAULT_STEP_TIMEOUT_MS = 10 * 60_000;

/** The reason a step's signal is aborted with; its message becomes the step's message. */
export class StepAborted extends Error {
  constructor(
    readonly kind: 'interrupted' | 'timeout',
    message: string,
  ) {
    super(message);
  }
}

export class Runner {
  readonly scenario: Scenario;
  readonly mode: Mode;
  readonly target: TargetName;
  readonly params: Record<string, string>;
  /** Variables shared by the run's actions (params included), interpolated as ${name}. */
  readonly vars: Record<string, string>;
  /** What the run keeps between steps (its registry, Git servers, reconciler, target): see run-scope.ts. */
  readonly scope: RunScope;
  private readonly opts: RunnerOptions;
  private readonly listeners = new Set<RunEventListener>();
  private readonly statuses: StepStatus[];
  private readonly attempts: number[];
  /** Each step's display text as last emitted (JSON), to emit step.text only on a change. */
  private readonly texts: string[] = [];
  /** Variable name → the steps whose display text names it, and the value that text was last made with. */
  private readonly textNames = new Map<string, { steps: number[]; value: string | undefined }>();
  private readonly streams = new OutputStreams();
  private readonly runAbort = new AbortController();
  private stepAbort: AbortController | undefined;
  private workDir: string | undefined;
  private focus = 0;
  private busy = false;
  private started = false;
  private ended: RunStatus | undefined;
  private readonly now: () => number;

  constructor(opts: RunnerOptions) {
    this.opts = opts;
    this.scenario = opts.scenario;
    this.mode = opts.mode ?? 'present';
    this.target = opts.target ?? 'local';
    this.now = opts.now ?? Date.now;
    this.scope = opts.scope ?? opts.registry.newRunScope();
    this.params = {};
    for (const [k, v] of Object.entries(opts.scenario.params)) this.params[k] = typeof v === 'string' ? v : v.default;
    for (const [k, v] of Object.entries(opts.params ?? {})) {
      if (!Object.hasOwn(this.params, k)) {
        const known = Object.keys(this.params).join(', ') || 'none';
        throw new Error(`unknown param "${k}" for scenario ${opts.scenario.id} (params: ${known})`);
      }
      this.params[k] = v;
    }
    this.vars = { ...this.params, target: this.target, 'scenario.dir': dirname(opts.scenario.file) };
    this.statuses = opts.scenario.steps.map(() => 'pending');
    this.attempts = opts.scenario.steps.map(() => 0);
  }

  on(listener: RunEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get current(): number {
    return this.focus;
  }
  get isBusy(): boolean {
    return this.busy;
  }
  get result(): RunStatus | undefined {
    return this.ended;
  }
  statusOf(index: number): StepStatus {
    return this.statuses[index] ?? 'pending';
  }

  /** Emits run.start and focuses the first step. Idempotent. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.workDir = this.opts.workDir ?? this.makeWorkDir();
    // Unwound after everything the steps register (newest first), before the work dir goes.
    this.opts.cleanup.add('run scope', () => this.scope.dispose());
    this.vars['run.workDir'] = this.workDir;
    const s = this.scenario;
    const budgetMs = parseDuration(s.budget);
    // var name → the steps whose display text names it, and the value their text is made with
    s.steps.forEach((step, index) => {
      for (const name of stepTextNames(step)) {
        const entry = this.textNames.get(name) ?? { steps: [], value: Object.hasOwn(this.vars, name) ? this.vars[name] : undefined };
        entry.steps.push(index);
        this.textNames.set(name, entry);
      }
    });
    this.emit({
      type: 'run.start',
      at: this.now(),
      scenario: { id: s.id, title: s.title, summary: s.summary, file: s.file, ...(budgetMs !== undefined ? { budgetMs } : {}) },
      steps: s.steps.map((step, i) => {
        this.texts[i] = JSON.stringify(stepTextOf(step, this.vars));
        return stepInfoOf(step, this.vars);
      }),
      target: this.target,
      mode: this.mode,
      params: { ...this.params },
    });
    this.emit({ type: 'step.focus', at: this.now(), index: 0 });
  }

  /**
   * One press of "next": runs the focused step when it is pending; moves the focus to the
   * following step when the focused one passed, was skipped, or is optional and failed (ends
   * the run after the last). A failed required step stays focused until retry() or skip().
   */
  async next(): Promise<StepStatus | undefined> {
    this.start();
    if (this.busy || this.ended) return undefined;
    const status = this.statuses[this.focus]!;
    if (status === 'pending') return this.runStep(this.focus, 'run');
    if (this.isSettled(this.focus)) {
      if (this.focus + 1 >= this.statuses.length) this.finish();
      else this.setFocus(this.focus + 1);
    }
    return this.statuses[this.focus];
  }

  /** Runs the focused step again (its `run`, then its `check`). */
  retry(): Promise<StepStatus | undefined> {
    return this.runStep(this.focus, 'run');
  }

  /**
   * Skips the focused step by running its `solve` (then its check); a step without a solve
   * is marked skipped without running anything — the presenter moves on.
   */
  skip(): Promise<StepStatus | undefined> {
    return this.runStep(this.focus, 'solve', { solveFallback: 'nothing' });
  }

  /** Runs only the focused step's `check`: passed when it succeeds, failed with its message otherwise. */
  check(): Promise<StepStatus | undefined> {
    return this.runStep(this.focus, 'check');
  }

  /** Moves the focus to step `index` without running anything. False while a step runs. */
  goto(index: number): boolean {
    this.start();
    if (this.busy || this.ended || index < 0 || index >= this.statuses.length) return false;
    this.setFocus(index);
    return true;
  }

  /**
   * Brings the run to the start of step `index`: every earlier pending step is skipped by
   * its `solve` (or its `run` when it has none). Focuses `index` when all succeeded.
   */
  async fastForward(index: number): Promise<boolean> {
    this.start();
    for (let i = 0; i < index; i++) {
      if (this.ended) return false;
      if (this.statuses[i] !== 'pending') continue;
      this.setFocus(i);
      const status = await this.runStep(i, 'solve');
      if (status !== 'skipped' && !this.isSettled(i)) return false;
    }
    return this.goto(index);
  }

  /**
   * Runs the remaining steps from the focused one until the run ends or a required step
   * fails (an optional one that fails is passed over); the run stays open after a failure
   * (retry/skip, then play again). Tour mode, auto-advance.
   */
  async play(): Promise<StepStatus | undefined> {
    this.start();
    while (!this.ended) {
      const status = await this.next();
      if (status === undefined) return status;
      if (status !== 'pending' && !this.isSettled(this.focus)) return status;
    }
    return undefined;
  }

  /** Headless: runs every step from `from` (earlier ones fast-forwarded), ends the run at the first failure of a required step. */
  async runAll(opts: { from?: number } = {}): Promise<RunStatus> {
    this.start();
    if (opts.from && !(await this.fastForward(opts.from))) return this.finish();
    await this.play();
    return this.finish();
  }

  /** Interrupt: aborts the running step (its processes are killed) and ends the run. */
  abort(reason = 'interrupted'): void {
    if (!this.runAbort.signal.aborted) this.runAbort.abort(new StepAborted('interrupted', reason));
    if (!this.busy) this.finish('interrupted');
  }

  /**
   * Ends the run (idempotent): interrupted; passed when every step passed, was skipped, or is
   * optional and failed; failed otherwise.
   */
  finish(status?: RunStatus): RunStatus {
    if (this.ended) return this.ended;
    this.start();
    this.ended =
      status ??
      (this.runAbort.signal.aborted
        ? 'interrupted'
        : this.statuses.every((_, i) => this.isSettled(i))
          ? 'passed'
          : 'failed');
    this.emit({ type: 'run.end', at: this.now(), status: this.ended });
    return this.ended;
  }

  /**
   * Runs step `index` via its run, solve or check. Undefined when ignored (busy or ended).
   * Via solve, a step without one runs its `run` instead (what --from-step needs), unless it
   * is optional or `solveFallback` is 'nothing'; then nothing runs and it is skipped.
   */
  async runStep(index: number, via: StepVia, opts: { solveFallback?: 'run' | 'nothing' } = {}): Promise<StepStatus | undefined> {
    this.start();
    const step = this.scenario.steps[index];
    if (!step || this.busy || this.ended) return undefined;
    this.busy = true;
    const attempt = ++this.attempts[index]!;
    const started = this.now();
    this.statuses[index] = 'running';
    this.emit({ type: 'step.start', at: started, index, attempt, via });
    const timeoutMs = (step.timeout ? parseDuration(step.timeout) : undefined) ?? this.opts.defaultStepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
    const controller = new AbortController();
    this.stepAbort = controller;
    const onRunAbort = () => controller.abort(this.runAbort.signal.reason);
    this.runAbort.signal.addEventListener('abort', onRunAbort, { once: true });
    if (this.runAbort.signal.aborted) onRunAbort();
    const timer = setTimeout(
      () => controller.abort(new StepAborted('timeout', `step ${step.id} timed out after ${step.timeout ?? `${timeoutMs}ms`}`)),
      timeoutMs,
    );
    let status: 'passed' | 'failed' | 'skipped' | 'interrupted';
    let message: string | undefined;
    try {
      const env = this.executeEnv(index, controller.signal);
      const runsNothing = via === 'solve' && !step.solve && (step.optional || opts.solveFallback === 'nothing');
      // A task step (no run, a solve): the learner does it in workshop mode; elsewhere (present,
      // tour, plain/CI) its solve is what the step demonstrates.
      const demo = via === 'run' && step.run.length === 0 && step.solve !== undefined && this.mode !== 'workshop';
      const main = demo ? step.solve! : via === 'run' ? step.run : via === 'solve' ? (step.solve ?? (runsNothing ? [] : step.run)) : [];
      let outcome = await executeActions(main, env);
      if (outcome.ok && step.check && step.check.length > 0 && !runsNothing) {
        outcome = await executeActions(step.check, env);
        if (!outcome.ok) {
          const detail = outcome.message ?? outcome.lastLines?.at(-1) ?? 'the check did not pass';
          outcome = { ok: false, message: `check: ${detail}` };
        }
      }
      const interrupted = controller.signal.aborted && (controller.signal.reason as StepAborted | undefined)?.kind === 'interrupted';
      status = outcome.ok ? (via === 'solve' ? 'skipped' : 'passed') : interrupted ? 'interrupted' : 'failed';
      message = outcome.ok ? undefined : (outcome.message ?? 'failed');
    } finally {
      clearTimeout(timer);
      this.runAbort.signal.removeEventListener('abort', onRunAbort);
      this.stepAbort = undefined;
    }
    this.statuses[index] = status;
    this.refreshTexts();
    // Not busy any more before listeners hear step.end, so they may call next() right away.
    this.busy = false;
    this.emit({
      type: 'step.end',
      at: this.now(),
      index,
      status,
      durationMs: this.now() - started,
      ...(message !== undefined ? { message } : {}),
    });
    if (this.runAbort.signal.aborted) this.finish('interrupted');
    return status;
  }

  private executeEnv(index: number, signal: AbortSignal) {
    return {
      registry: this.opts.registry,
      cleanup: this.opts.cleanup,
      vars: this.vars,
      workDir: this.workDir!,
      scenarioDir: dirname(this.scenario.file),
      target: this.target,
      streams: this.streams,
      signal,
      now: this.now,
      onActionStart: (action: string, display: string) =>
        this.emit({ type: 'action.start', at: this.now(), index, action, display }),
      onActionEnd: (action: string, ok: boolean, durationMs: number, message?: string) =>
        this.emit({ type: 'action.end', at: this.now(), index, action, ok, durationMs, ...(message !== undefined ? { message } : {}) }),
      onLine: (line: string, stream: 'stdout' | 'stderr' | 'info') =>
        this.emit({ type: 'output', at: this.now(), index, stream, line }),
      onMeasurement: (measurement: import('./action.js').Measurement) =>
        this.emit({ type: 'measurement', at: this.now(), index, measurement }),
      scope: this.scope,
      ...(this.opts.plan ? { plan: this.opts.plan } : {}),
    };
  }

  /**
   * Re-interpolates the display text of pending steps whose text names a variable that changed
   * since the last refresh; emits what changed. Only those steps: re-rendering every pending
   * step after every step made a run (and a --dry-run) quadratic in its step count.
   */
  private refreshTexts(): void {
    const stale = new Set<number>();
    for (const [name, entry] of this.textNames) {
      const value = Object.hasOwn(this.vars, name) ? this.vars[name] : undefined;
      if (value === entry.value) continue;
      entry.value = value;
      for (const index of entry.steps) if (this.statuses[index] === 'pending') stale.add(index);
    }
    for (const index of [...stale].sort((a, b) => a - b)) {
      const text = stepTextOf(this.scenario.steps[index]!, this.vars);
      const json = JSON.stringify(text);
      if (json === this.texts[index]) continue;
      this.texts[index] = json;
      this.emit({ type: 'step.text', at: this.now(), index, text });
    }
  }

  /** Done with, as far as the run's result goes: passed, skipped, or an optional step that failed. */
  private isSettled(index: number): boolean {
    const status = this.statuses[index];
    return status === 'passed' || status === 'skipped' || (status === 'failed' && this.scenario.steps[index]!.optional);
  }

  private setFocus(index: number): void {
    this.focus = index;
    this.emit({ type: 'step.focus', at: this.now(), index });
  }

  private makeWorkDir(): string {
    return makeTempDir(`ocilab-${this.scenario.id}-`, { cleanup: this.opts.cleanup }).path;
  }

  private emit(event: RunEvent): void {
    // Background processes killed by the final cleanup still print; the run is over by then.
    if (this.ended && event.type === 'output') return;
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // A broken view must not break the run; say so once per event on stderr.
        process.emitWarning(`run event listener failed on ${event.type}`);
      }
    }
  }
}
