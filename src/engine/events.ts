/**
 * What the runner tells the world. The store (zustand, vanilla) folds these into state;
 * the Ink views, the plain reporter, the recorder and the notes view read that state.
 * Contract shared by engine and UI; extend by adding event kinds, never by UI imports here.
 */
import type { Measurement, TargetName } from './action.js';

export type StepStatus = 'pending' | 'running' | 'passed' | 'failed' | 'skipped';
export type Mode = 'present' | 'workshop' | 'tour';

export interface StepInfo {
  id: string;
  title: string;
  optional: boolean;
  /** Budget in milliseconds, when the step has one. */
  budgetMs?: number;
}

export type RunEvent =
  | {
      type: 'run.start';
      at: number;
      scenario: { id: string; title: string; budgetMs?: number };
      steps: StepInfo[];
      target: TargetName;
      mode: Mode;
    }
  | { type: 'step.start'; at: number; index: number; attempt: number; via: 'run' | 'solve' | 'check' }
  | { type: 'step.end'; at: number; index: number; status: Exclude<StepStatus, 'pending' | 'running'>; message?: string }
  | { type: 'action.start'; at: number; index: number; action: string; display: string }
  | { type: 'action.end'; at: number; index: number; action: string; ok: boolean; message?: string; durationMs: number }
  | { type: 'output'; at: number; index: number; stream: 'stdout' | 'stderr' | 'info'; line: string }
  | { type: 'measurement'; at: number; index: number; measurement: Measurement }
  | { type: 'run.end'; at: number; status: 'passed' | 'failed' | 'interrupted' };

export type RunEventListener = (event: RunEvent) => void;
