/**
 * Tour mode's pacing, as pure functions: how long the reader gets for a step's narration
 * before it runs, and how long its result stays before the tour moves on.
 */

/** ~200 words a minute plus a moment to look at the screen; between 4 s and 45 s. */
export function readingMs(narration: string | undefined): number {
  const words = (narration ?? '').split(/\s+/).filter(Boolean).length;
  return Math.min(45_000, Math.max(4_000, 2_000 + words * 300));
}

/** After a step ran: time to look at its output before the next step's narration. */
export const RESULT_MS = 4_000;

export interface TourStep {
  status: 'pending' | 'running' | 'passed' | 'failed' | 'skipped';
  say?: string;
}

/** How long to wait before the tour acts on the focused step; undefined: it waits for the reader (failure, busy, end). */
export function tourDelayMs(step: TourStep | undefined): number | undefined {
  if (!step) return undefined;
  if (step.status === 'pending') return readingMs(step.say);
  if (step.status === 'passed' || step.status === 'skipped') return RESULT_MS;
  return undefined;
}
