/**
 * The state of one run as the views see it, and the pure fold of RunEvents into it.
 * No React, no runner: `foldEvent(state, event)` is usable by a replay or a test alone.
 */
import type { Measurement, TargetName } from '../engine/action-definition.js';
import type { Mode, RunEvent, RunStatus, ScenarioInfo, StepInfo, StepStatus, StepVia } from '../engine/events.js';

/** How many output lines a step keeps in `tail` for the live pane (the full log is in `log`). */
export const TAIL_LINES = 200;

export interface OutputLine {
  at: number;
  stream: 'stdout' | 'stderr' | 'info';
  line: string;
}

export interface ActionState {
  action: string;
  display: string;
  startedAt: number;
  /** Undefined while running. */
  ok?: boolean;
  message?: string;
  durationMs?: number;
}

export interface StepState extends StepInfo {
  status: StepStatus;
  /** 0 before the first attempt; counts run, solve and check attempts. */
  attempt: number;
  via?: StepVia;
  startedAt?: number;
  durationMs?: number;
  /** Why the step failed (or the check's message). */
  message?: string;
  /** Actions of the latest attempt. */
  actions: ActionState[];
  /**
   * Every output line of the step, all attempts. Append-only and shared between states
   * (not copied per line, so a log flood stays cheap): watch `logLength` to re-render.
   */
  log: OutputLine[];
  logLength: number;
  /** The last TAIL_LINES lines, a new array on every line: what the live pane shows. */
  tail: OutputLine[];
  /** Workshop: hints the learner asked for with `h`. */
  hintsShown?: number;
}

export interface MeasurementEntry {
  at: number;
  index: number;
  measurement: Measurement;
}

export interface RunState {
  scenario: ScenarioInfo | null;
  target: TargetName;
  mode: Mode;
  params: Record<string, string>;
  steps: StepState[];
  /** The runner's focused step: next/retry/skip/check act on it. */
  current: number;
  /** The step the views display; back() moves only this (re-display, nothing re-runs). */
  viewing: number;
  /** running: between run.start and run.end; idle before. */
  status: 'idle' | 'running' | RunStatus;
  /** True while a step is running (views disable keys that would be ignored). */
  busy: boolean;
  measurements: MeasurementEntry[];
  startedAt?: number;
  endedAt?: number;
  /** Scenario budget in ms, for elapsed vs budget. */
  budgetMs?: number;
  /** A line for the user from outside the runner (workshop: resumed where, which env file to source). */
  notice?: string;
}

export function initialRunState(): RunState {
  return {
    scenario: null,
    target: 'local',
    mode: 'present',
    params: {},
    steps: [],
    current: 0,
    viewing: 0,
    status: 'idle',
    busy: false,
    measurements: [],
  };
}

function updateStep(state: RunState, index: number, patch: (s: StepState) => Partial<StepState>): RunState {
  const step = state.steps[index];
  if (!step) return state;
  const steps = state.steps.slice();
  steps[index] = { ...step, ...patch(step) };
  return { ...state, steps };
}

export function foldEvent(state: RunState, event: RunEvent): RunState {
  switch (event.type) {
    case 'run.start':
      return {
        ...initialRunState(),
        scenario: event.scenario,
        target: event.target,
        mode: event.mode,
        params: event.params,
        status: 'running',
        startedAt: event.at,
        ...(event.scenario.budgetMs !== undefined ? { budgetMs: event.scenario.budgetMs } : {}),
        steps: event.steps.map((info) => ({ ...info, status: 'pending', attempt: 0, actions: [], log: [], logLength: 0, tail: [] })),
      };
    case 'step.focus':
      return { ...state, current: event.index, viewing: event.index };
    case 'step.start': {
      const next = updateStep(state, event.index, () => ({
        status: 'running',
        attempt: event.attempt,
        via: event.via,
        startedAt: event.at,
        durationMs: undefined,
        message: undefined,
        actions: [],
      }));
      return { ...next, busy: true };
    }
    case 'step.text':
      return updateStep(state, event.index, () => ({
        say: event.text.say,
        notes: event.text.notes,
        show: event.text.show,
        hints: event.text.hints,
      }));
    case 'step.end': {
      const next = updateStep(state, event.index, () => ({
        status: event.status,
        durationMs: event.durationMs,
        message: event.message,
      }));
      return { ...next, busy: false };
    }
    case 'action.start':
      return updateStep(state, event.index, (s) => ({
        actions: [...s.actions, { action: event.action, display: event.display, startedAt: event.at }],
      }));
    case 'action.end':
      return updateStep(state, event.index, (s) => {
        const actions = s.actions.slice();
        const i = actions.findLastIndex((a) => a.action === event.action && a.ok === undefined);
        if (i >= 0) {
          actions[i] = {
            ...actions[i]!,
            ok: event.ok,
            durationMs: event.durationMs,
            ...(event.message !== undefined ? { message: event.message } : {}),
          };
        }
        return { actions };
      });
    case 'output':
      return updateStep(state, event.index, (s) => {
        const line: OutputLine = { at: event.at, stream: event.stream, line: event.line };
        s.log.push(line);
        const tail = s.tail.length >= TAIL_LINES ? s.tail.slice(s.tail.length - TAIL_LINES + 1) : s.tail.slice();
        tail.push(line);
        return { logLength: s.log.length, tail };
      });
    case 'measurement':
      return {
        ...state,
        measurements: [...state.measurements, { at: event.at, index: event.index, measurement: event.measurement }],
      };
    case 'run.end':
      return { ...state, status: event.status, endedAt: event.at, busy: false };
  }
}

/** Milliseconds since the run started (frozen at its end). */
export function elapsedMs(state: RunState, now: number = Date.now()): number {
  if (state.startedAt === undefined) return 0;
  return (state.endedAt ?? now) - state.startedAt;
}

/** Milliseconds of the scenario budget left (negative when over), or undefined without a budget. */
export function budgetLeftMs(state: RunState, now: number = Date.now()): number | undefined {
  return state.budgetMs === undefined ? undefined : state.budgetMs - elapsedMs(state, now);
}

/** Milliseconds the step has been running (or ran, once ended). */
export function stepElapsedMs(step: StepState, now: number = Date.now()): number {
  if (step.durationMs !== undefined && step.status !== 'running') return step.durationMs;
  return step.startedAt === undefined ? 0 : now - step.startedAt;
}

/** The process exit code for a finished run: 0 passed, 1 failed, 130 interrupted. */
export function exitCodeOf(status: RunState['status']): number {
  if (status === 'passed') return 0;
  if (status === 'interrupted') return 130;
  return 1;
}
