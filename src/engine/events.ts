/**
 * What the runner tells the world. The store (zustand, vanilla) folds these into state;
 * the Ink views, the plain reporter, the recorder and the notes view read that state.
 * Contract shared by engine and UI; extend by adding event kinds, never by UI imports here.
 */
import type { Measurement, TargetName } from './action-definition.js';

/** `interrupted`: stopped by Ctrl-C (or another signal) while running; a step timeout is `failed`. */
export type StepStatus = 'pending' | 'running' | 'passed' | 'failed' | 'skipped' | 'interrupted';
export type Mode = 'present' | 'workshop' | 'tour';
/** What a step attempt executes: its `run` actions, its `solve` actions, or only its `check`. */
export type StepVia = 'run' | 'solve' | 'check';
export type RunStatus = 'passed' | 'failed' | 'interrupted';

export interface StepInfo {
  id: string;
  title: string;
  optional: boolean;
  /** Budget in milliseconds, when the step has one. */
  budgetMs?: number;
  /** Narration (Markdown) shown to the audience. */
  say?: string;
  /** Speaker notes (second screen only). */
  notes?: string;
  /** The command the audience sees (workshop: the command the learner types). */
  show?: string;
  /** Hints, in the order a learner should see them. */
  hints: string[];
  hasCheck: boolean;
  hasSolve: boolean;
}

/** The text of a step shown to people, `${name}`s interpolated with the values known so far. */
export type StepText = Pick<StepInfo, 'say' | 'notes' | 'show' | 'hints'>;

export interface ScenarioInfo {
  id: string;
  title: string;
  summary?: string;
  budgetMs?: number;
  /** Absolute path of the scenario file. */
  file: string;
}

export type RunEvent =
  | {
      type: 'run.start';
      at: number;
      scenario: ScenarioInfo;
      steps: StepInfo[];
      target: TargetName;
      mode: Mode;
      /** Resolved params (defaults overridden from the CLI). */
      params: Record<string, string>;
    }
  /** The step the runner will act on next (next/retry/skip/check apply to it). */
  | { type: 'step.focus'; at: number; index: number }
  | { type: 'step.start'; at: number; index: number; attempt: number; via: StepVia }
  /**
   * A pending step's display text changed: a step that ended set variables its `${name}`s
   * use. Replaces the step's say, notes, show and hints (an absent field stays absent).
   */
  | { type: 'step.text'; at: number; index: number; text: StepText }
  | {
      type: 'step.end';
      at: number;
      index: number;
      status: Exclude<StepStatus, 'pending' | 'running'>;
      message?: string;
      durationMs: number;
    }
  | { type: 'action.start'; at: number; index: number; action: string; display: string }
  | { type: 'action.end'; at: number; index: number; action: string; ok: boolean; message?: string; durationMs: number }
  | { type: 'output'; at: number; index: number; stream: 'stdout' | 'stderr' | 'info'; line: string }
  | { type: 'measurement'; at: number; index: number; measurement: Measurement }
  | { type: 'run.end'; at: number; status: RunStatus };

export type RunEventListener = (event: RunEvent) => void;
