/**
 * What the views need, as plain data. src/ui/selectors.ts derives it from the run store;
 * the components take it as props, so they can be rendered and tested without a store.
 */
import type { Measurement, TargetName } from '../engine/action-definition.js';
import type { Mode, StepStatus } from '../engine/events.js';

export interface StepView {
  id: string;
  title: string;
  optional: boolean;
  status: StepStatus;
  /** Failure or skip reason, said so a learner can act on it. */
  message?: string;
  /** Wall time of the last attempt, when it has finished. */
  durationMs?: number;
  budgetMs?: number;
  /** Narration Markdown, when the store has it. */
  narration?: string;
  /** The command the audience sees (workshop: the one the learner types). */
  command?: string;
  /** Hints revealed so far (workshop: one more after each failed attempt). */
  hints?: string[];
}

export interface HeaderView {
  scenarioTitle: string;
  /** Index of the step shown (0-based). */
  index: number;
  total: number;
  target: TargetName;
  mode: Mode;
  /** Epoch ms the run started; undefined before run.start. */
  startedAt?: number;
  /** Epoch ms the run ended; the clock stops there. */
  endedAt?: number;
  budgetMs?: number;
}

export interface LogLine {
  /** Step the line belongs to. */
  index: number;
  stream: 'stdout' | 'stderr' | 'info';
  line: string;
}

export type { Measurement };

/** The store actions the views may call. Nothing else crosses from views to the engine. */
export interface UiActions {
  next(): void;
  back(): void;
  retry(): void;
  skip(): void;
  check(): void;
  goto(index: number): void;
  /** interrupted=true for Ctrl-C: abort now, exit 130. */
  quit(interrupted?: boolean): void;
}
