/**
 * Plays an asciicast in the terminal (the offline fallback of a live demo): pauses at each
 * step marker, n/p next/previous marker, +/- speed, space pause/resume, q quits.
 * All decisions are in replay-state.ts; this file only times and writes.
 */
import type { Cast } from './asciicast.js';
import { delayBefore, initialReplay, reduceReplay, type ReplayEffect, type ReplayInput, type ReplayState } from './replay-state.js';

export interface PlayerIO {
  write(text: string): void;
  /** Subscribes to key presses (raw, one string per read); returns the unsubscribe. */
  onKeys(listener: (keys: string) => void): () => void;
}

const CLEAR = '\u001b[2J\u001b[3J\u001b[H';

/** Resolves when the user quits, or at the end when `exitAtEnd` (non-interactive). */
export function playCast(cast: Cast, io: PlayerIO, opts: { exitAtEnd?: boolean; idleLimit?: number; speed?: number; banner?: string } = {}): Promise<void> {
  const events = cast.events;
  let state: ReplayState = { ...initialReplay(events, opts.exitAtEnd !== true), speed: opts.speed ?? 1 };
  let timer: NodeJS.Timeout | undefined;
  return new Promise<void>((resolve) => {
    const finish = () => {
      if (timer) clearTimeout(timer);
      off();
      resolve();
    };
    const perform = (effect: ReplayEffect) => {
      if (effect.kind === 'quit') return finish();
      if (effect.kind === 'redraw') {
        // Going back clears the screen: the RECORDED banner comes back first, so a replay is never mistaken for live.
        io.write(CLEAR + (opts.banner ?? ''));
        effect = { kind: 'write', from: 0, to: effect.to };
      }
      if (effect.kind === 'write') {
        for (let i = effect.from; i < effect.to; i++) {
          const e = events[i]!;
          if (e.code === 'o') io.write(e.data);
        }
      }
    };
    const dispatch = (input: ReplayInput) => {
      const r = reduceReplay(state, input, events);
      state = r.state;
      perform(r.effect);
      schedule();
    };
    const schedule = () => {
      if (timer) clearTimeout(timer);
      timer = undefined;
      if (state.done && opts.exitAtEnd) return finish();
      if (state.paused || state.done) return;
      timer = setTimeout(() => dispatch({ kind: 'tick' }), delayBefore(events, state.pos, state.speed, opts.idleLimit) * 1000);
    };
    const off = io.onKeys((keys) => {
      for (const key of keys) dispatch({ kind: 'key', key });
    });
    schedule();
  });
}
