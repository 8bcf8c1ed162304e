/**
 * The talk's clocks with pause: elapsed for the whole talk and for the current step, both
 * stopped while the speaker has paused (the `.` key). Pure: the time is passed in.
 */
export interface TalkClock {
  startedAt?: number;
  stepStartedAt?: number;
  /** Paused time before `pausedSince`, for the talk and for the current step. */
  pausedMs: number;
  stepPausedMs: number;
  pausedSince?: number;
}

export const idleClock: TalkClock = { pausedMs: 0, stepPausedMs: 0 };

export function startTalk(c: TalkClock, now: number): TalkClock {
  return c.startedAt !== undefined ? c : { ...c, startedAt: now, stepStartedAt: now };
}

export function startStep(c: TalkClock, now: number): TalkClock {
  return { ...startTalk(c, now), stepStartedAt: now, stepPausedMs: 0 };
}

export function togglePause(c: TalkClock, now: number): TalkClock {
  if (c.pausedSince === undefined) return { ...c, pausedSince: now };
  const since = c.pausedSince;
  const { pausedSince: _, ...rest } = c;
  const stepFrom = Math.max(since, c.stepStartedAt ?? since);
  return { ...rest, pausedMs: c.pausedMs + (now - since), stepPausedMs: c.stepPausedMs + Math.max(0, now - stepFrom) };
}

export function isPaused(c: TalkClock): boolean {
  return c.pausedSince !== undefined;
}

function running(since: number | undefined, paused: number, c: TalkClock, now: number): number {
  if (since === undefined) return 0;
  const pausing = c.pausedSince !== undefined ? now - Math.max(c.pausedSince, since) : 0;
  return Math.max(0, now - since - paused - pausing);
}

export function talkElapsed(c: TalkClock, now: number): number {
  return running(c.startedAt, c.pausedMs, c, now);
}

export function stepElapsed(c: TalkClock, now: number): number {
  return running(c.stepStartedAt, c.stepPausedMs, c, now);
}
