/**
 * The only file in src/ui that knows the run store's shape. It declares the part of the
 * state the views read (structurally, so the store can grow freely) and the selectors
 * that turn it into view data. Selectors return primitives or small objects compared
 * field by field, so an output line re-renders the output pane and nothing else.
 */
import type { Measurement, TargetName } from '../engine/action-definition.js';
import type { Mode, StepStatus } from '../engine/events.js';
import type { LiveSample } from '../measure/live.js';
import type { HeaderView, LogLine, StepView } from './view-model.js';

export interface OutputLineLike {
  stream: 'stdout' | 'stderr' | 'info';
  line: string;
}

/** A step as the store holds it: the fields a StepView copies as they are, and what selectors derive the rest from. */
export interface StepStateLike extends Pick<StepView, 'id' | 'title' | 'optional' | 'status' | 'message' | 'durationMs' | 'budgetMs'> {
  say?: string;
  show?: string;
  hints?: readonly string[];
  /** Hints asked for with `h` (workshop). */
  hintsShown?: number;
  attempt?: number;
  /** Every line of the step (append-only); `logLength` changes when it grows. */
  log: readonly OutputLineLike[];
  logLength: number;
  /** The last lines, a new array per line. */
  tail: readonly OutputLineLike[];
}

export type RunStatusLike = 'idle' | 'running' | 'passed' | 'failed' | 'interrupted';

export interface RunStateLike {
  scenario: { title: string; budgetMs?: number } | null;
  target: TargetName;
  mode: Mode;
  steps: readonly StepStateLike[];
  current: number;
  viewing: number;
  status: RunStatusLike;
  busy: boolean;
  measurements: readonly { index: number; measurement: Measurement }[];
  startedAt?: number;
  endedAt?: number;
  budgetMs?: number;
  /** A line for the user from outside the runner (workshop resume, env file). */
  notice?: string;
}

export interface RunActionsLike {
  next(): unknown;
  back(): void;
  retry(): unknown;
  skip(): unknown;
  check(): unknown;
  goto(index: number, opts?: { catchUp?: boolean }): unknown;
  /** Tour mode: run the remaining steps, stopping at a failure. */
  play(): unknown;
  /** End the run now, not as an interrupt (q when no step runs). */
  end(): void;
  /** Interrupt the running step and end the run (Ctrl-C, or q confirmed while a step runs). */
  quit(): void;
  /** Workshop: reveal one more hint (optional: older stores lack it). */
  hint?(): void;
}

export type RunSourceState = RunStateLike & RunActionsLike;

/** A vanilla zustand store (or anything with the same three methods). */
export interface RunSource<S extends RunSourceState = RunSourceState> {
  getState(): S;
  subscribe(listener: (state: S, previous: S) => void): () => void;
}

export const isFinished = (status: RunStatusLike): boolean =>
  status === 'passed' || status === 'failed' || status === 'interrupted';

/**
 * Where a run was left with `q` before its end: the first step not run, when the run ended
 * 'failed' with no required step failed (what ended it was the quit, not a failure); else
 * undefined. The exit code stays 1 (the run did not reach its end), the words say "stopped".
 */
export function stoppedBefore(status: RunStatusLike, steps: readonly { status: StepStatus; optional: boolean }[]): number | undefined {
  if (status !== 'failed' || steps.some((step) => step.status === 'failed' && !step.optional)) return undefined;
  const index = steps.findIndex((step) => step.status === 'pending');
  return index < 0 ? undefined : index;
}

/** 0 passed, 1 failed, 130 interrupted (the store's rule, repeated for runs that never ended). */
export function exitCode(status: RunStatusLike): number {
  if (status === 'passed') return 0;
  if (status === 'interrupted') return 130;
  return 1;
}

export function selectHeader(s: RunStateLike): HeaderView {
  return {
    scenarioTitle: s.scenario?.title ?? 'ocilab',
    index: s.viewing,
    total: s.steps.length,
    target: s.target,
    mode: s.mode,
    startedAt: s.startedAt,
    endedAt: s.endedAt,
    budgetMs: s.budgetMs ?? s.scenario?.budgetMs,
  };
}

export function selectSteps(s: RunStateLike): StepView[] {
  return s.steps.map((step) => ({
    ...revealedHints(s.mode, step),
    id: step.id,
    title: step.title,
    optional: step.optional,
    status: step.status,
    message: step.message,
    durationMs: step.durationMs,
    budgetMs: step.budgetMs,
    narration: step.say,
    command: step.show,
  }));
}

/**
 * Workshop hints come one at a time: as many as the learner asked for with `h`, and at
 * least one more per failed attempt.
 */
function revealedHints(mode: Mode, step: StepStateLike): { hints?: string[] } {
  if (mode !== 'workshop' || !step.hints?.length) return {};
  const byFailure = step.status === 'failed' ? Math.max(1, step.attempt ?? 1) : 0;
  const shown = Math.min(step.hints.length, byFailure + (step.hintsShown ?? 0));
  return shown > 0 ? { hints: step.hints.slice(0, shown) } : {};
}

/** Summary figures (medians, single runs); the per-run samples of a comparison are left out. */
export function selectMeasurements(s: RunStateLike): readonly Measurement[] {
  return s.measurements.filter((m) => !m.measurement.sample).map((m) => m.measurement);
}

/** The per-run samples of comparisons, in the order they were measured (for the live bars). */
export function selectSamples(s: Pick<RunStateLike, 'measurements'>): LiveSample[] {
  const out: LiveSample[] = [];
  for (const { measurement: m } of s.measurements) {
    // only figures that say which row and transport they are (measure.compare's runs)
    if (m.sample && m.methodId && m.transport) {
      out.push({ method: m.method, methodId: m.methodId, short: m.short ?? m.method, transport: m.transport, client: m.client ?? '', metric: m.metric, value: m.value, unit: m.unit, run: m.sample.run, of: m.sample.of });
    }
  }
  return out;
}

/** The tail of the step on screen (what the live pane slices from). */
export function selectTail(s: RunStateLike, index: number): LogLine[] {
  return (s.steps[index]?.tail ?? []).map((l) => ({ index, stream: l.stream, line: l.line }));
}

/**
 * Lines [end - count, end) of the whole run's log (every step in order), for the full-log
 * view: only the window on screen is copied, however long the log.
 */
export function selectLogWindow(s: RunStateLike, end: number, count: number): LogLine[] {
  const out: LogLine[] = [];
  let stepEnd = totalLogLength(s);
  for (let index = s.steps.length - 1; index >= 0 && out.length < count; index--) {
    const log = s.steps[index]!.log;
    const stepStart = stepEnd - log.length;
    for (let i = Math.min(log.length, end - stepStart) - 1; i >= 0 && out.length < count; i--) {
      out.push({ index, stream: log[i]!.stream, line: log[i]!.line });
    }
    stepEnd = stepStart;
  }
  return out.reverse();
}

export function totalLogLength(s: RunStateLike): number {
  return s.steps.reduce((n, step) => n + step.log.length, 0);
}

/** Run state for the status bar: says what the next key will do. */
export function selectStateLabel(s: RunStateLike): string {
  const n = s.steps.length;
  switch (s.status) {
    case 'idle':
      return 'ready: → runs step 1';
    case 'passed':
      return '✓ run passed · q quits';
    case 'failed':
      return '✗ run failed · q quits';
    case 'interrupted':
      return 'interrupted';
    case 'running':
      break;
  }
  if (s.busy) return `▶ running ${s.current + 1}/${n}`;
  if (s.viewing < s.current) return `viewing ${s.viewing + 1}/${n} · → returns`;
  const focused = s.steps[s.current];
  if (!focused) return '';
  if (focused.status === 'pending') return `→ runs ${s.current + 1}/${n}`;
  if (focused.status === 'failed') return `✗ ${s.current + 1}/${n} failed · r or s`;
  return s.current + 1 >= n ? '→ finishes' : `→ goes to ${s.current + 2}/${n}`;
}

/** Field-by-field equality of two flat objects. */
export function sameFields<T extends object>(a: T, b: T): boolean {
  if (a === b) return true;
  const ka = Object.keys(a) as (keyof T)[];
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.is(a[k], b[k]) || sameList(a[k], b[k]));
}

/** Two arrays of primitives with the same elements (hint lists are rebuilt on each selection). */
function sameList(a: unknown, b: unknown): boolean {
  return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}

/** Arrays of flat objects, equal element by element. */
export function sameRows<T extends object>(a: readonly T[], b: readonly T[]): boolean {
  return a === b || (a.length === b.length && a.every((row, i) => sameFields(row, b[i]!)));
}
