/**
 * The replay player's navigation as a pure reducer: where playback is (events already shown),
 * paused or not, speed. It pauses at each marker (asciinema-player's pauseOnMarkers) so a
 * recording plays one step per key, like the live talk. The player does the I/O.
 */
import type { CastEvent } from './asciicast.js';

export interface ReplayState {
  /** How many events have been shown (the next one to show is events[pos]). */
  pos: number;
  paused: boolean;
  speed: number;
  done: boolean;
  /** Pause after each marker (interactive); off when playing straight through. */
  pauseOnMarkers: boolean;
}

export type ReplayInput = { kind: 'tick' } | { kind: 'key'; key: string };

/** What the player must do after a transition. */
export type ReplayEffect =
  | { kind: 'none' }
  /** Write events [from, to) in order (forward). */
  | { kind: 'write'; from: number; to: number }
  /** Clear the screen, then write events [0, to) at once (going back). */
  | { kind: 'redraw'; to: number }
  | { kind: 'quit' };

export const MIN_SPEED = 0.25;
export const MAX_SPEED = 16;

export function initialReplay(events: readonly CastEvent[], pauseOnMarkers = true): ReplayState {
  return { pos: 0, paused: false, speed: 1, done: events.length === 0, pauseOnMarkers };
}

function markerIndexes(events: readonly CastEvent[]): number[] {
  const out: number[] = [];
  events.forEach((e, i) => e.code === 'm' && out.push(i));
  return out;
}

export function reduceReplay(state: ReplayState, input: ReplayInput, events: readonly CastEvent[]): { state: ReplayState; effect: ReplayEffect } {
  const none = { kind: 'none' } as const;
  if (input.kind === 'tick') {
    if (state.paused || state.pos >= events.length) return { state: { ...state, done: state.pos >= events.length }, effect: none };
    const ev = events[state.pos]!;
    const pos = state.pos + 1;
    return {
      state: { ...state, pos, paused: state.pauseOnMarkers && ev.code === 'm', done: pos >= events.length },
      effect: { kind: 'write', from: state.pos, to: pos },
    };
  }
  const markers = markerIndexes(events);
  switch (input.key) {
    case 'q':
    case '\u0003':
      return { state, effect: { kind: 'quit' } };
    case ' ':
      if (state.done) return { state, effect: none };
      return { state: { ...state, paused: !state.paused }, effect: none };
    case '+':
    case '=':
      return { state: { ...state, speed: Math.min(MAX_SPEED, state.speed * 2) }, effect: none };
    case '-':
    case '_':
      return { state: { ...state, speed: Math.max(MIN_SPEED, state.speed / 2) }, effect: none };
    case 'n': {
      // Show everything up to and including the next marker, then pause there.
      const next = markers.find((m) => m >= state.pos);
      const to = next === undefined ? events.length : next + 1;
      return {
        state: { ...state, pos: to, paused: next !== undefined, done: to >= events.length },
        effect: to > state.pos ? { kind: 'write', from: state.pos, to } : none,
      };
    }
    case 'p': {
      // Back to the start of the step before the one being shown (or the very start).
      const shown = markers.filter((m) => m < state.pos);
      const target = shown.length >= 2 ? shown[shown.length - 2]! + 1 : 0;
      return { state: { ...state, pos: target, paused: true, done: false }, effect: { kind: 'redraw', to: target } };
    }
    default:
      return { state, effect: none };
  }
}

/** Seconds to wait before showing events[pos], at `speed`, idle gaps capped at `idleLimit`. */
export function delayBefore(events: readonly CastEvent[], pos: number, speed: number, idleLimit = 2): number {
  const ev = events[pos];
  if (!ev) return 0;
  const prev = pos > 0 ? events[pos - 1]!.time : 0;
  return Math.min(idleLimit, Math.max(0, ev.time - prev)) / speed;
}
