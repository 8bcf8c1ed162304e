/**
 * What the presenter publishes to notes viewers: a small, self-contained snapshot. Elapsed
 * times are given as of `sentAt`, so a viewer advances them with its own clock unless paused.
 */
import type { RunState } from '../store/run-state.js';
import { isPaused, stepElapsed, talkElapsed, type TalkClock } from '../present/talk-clock.js';

export interface NotesSnapshot {
  scenario: string;
  /** 0-based index of the step on screen, and the count. */
  index: number;
  /** 0-based index of the focused step (the one the step clock and budget belong to); differs from index after ←. */
  current?: number;
  count: number;
  title: string;
  notes?: string;
  nextTitle?: string;
  status: string;
  paused: boolean;
  elapsedMs: number;
  stepElapsedMs: number;
  budgetMs?: number;
  stepBudgetMs?: number;
  /** The presenter's clock when this was sent (ms since epoch). */
  sentAt: number;
  /** The run has ended: viewers say so and keep the last state. */
  ended: boolean;
}

export function snapshotOf(state: RunState, clock: TalkClock, now: number): NotesSnapshot {
  const index = state.viewing;
  const step = state.steps[index];
  const next = state.steps[index + 1];
  return {
    scenario: state.scenario?.title ?? '',
    index,
    current: state.current,
    count: state.steps.length,
    title: step?.title ?? '',
    ...(step?.notes !== undefined ? { notes: step.notes } : {}),
    ...(next ? { nextTitle: next.title } : {}),
    status: step?.status ?? 'pending',
    paused: isPaused(clock),
    elapsedMs: talkElapsed(clock, now),
    stepElapsedMs: stepElapsed(clock, now),
    ...(state.budgetMs !== undefined ? { budgetMs: state.budgetMs } : {}),
    // The step clock is the focused step's (src/notes/presenter.ts), and so is its budget.
    ...(state.steps[state.current]?.budgetMs !== undefined ? { stepBudgetMs: state.steps[state.current]!.budgetMs } : {}),
    sentAt: now,
    ended: state.status !== 'idle' && state.status !== 'running',
  };
}

/** Runtime check for what arrives over the socket (another process: trust nothing). */
export function isSnapshot(v: unknown): v is NotesSnapshot {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Record<string, unknown>;
  return typeof s.title === 'string' && typeof s.index === 'number' && typeof s.count === 'number' && typeof s.elapsedMs === 'number' && typeof s.sentAt === 'number' && typeof s.paused === 'boolean';
}
