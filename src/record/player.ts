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

/**
 * Lines drawn over the top rows of the screen, cursor saved and restored around them (DECSC,
 * DECRC): a recording as tall as the terminal scrolls a banner printed above it away with its
 * first full frame, and a replay must never pass for live.
 */
export function pinLines(lines: readonly string[]): string {
  return `\u001b7${lines.map((line, i) => `\u001b[${i + 1};1H${line}\u001b[K`).join('')}\u001b8`;
}

/**
 * Resolves when the user quits, or at the end when `exitAtEnd` (non-interactive). `banner` is
 * written again after a redraw; `pinned` lines are drawn over the top rows after every write
 * but the one that reaches the end, which is followed by `endLine` instead (a recording's last
 * frame, its summary, often sits on those rows).
 */
export function playCast(
  cast: Cast,
  io: PlayerIO,
  opts: { exitAtEnd?: boolean; idleLimit?: number; speed?: number; banner?: string; pinned?: readonly string[]; endLine?: string } = {},
): Promise<void> {
  const pin = opts.pinned?.length ? pinLines(opts.pinned) : '';
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
        let wrote = false;
        for (let i = effect.from; i < effect.to; i++) {
          const e = events[i]!;
          if (e.code === 'o') {
            io.write(e.data);
            wrote = true;
          }
        }
        if (state.done) {
          if (opts.endLine) io.write(opts.endLine);
        } else if (wrote && pin) {
          io.write(pin);
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
