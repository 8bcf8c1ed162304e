/**
 * Tour mode auto-advance: a countdown per step (narration first, then the step runs, then
 * its result stays a moment), paused and resumed with space; → acts at once. Stops at a
 * failure (r or s, then the countdown goes on).
 */
import { useEffect, useRef, useState } from 'react';
import type { RunSource } from '../run-source.js';
import { tourDelayMs } from '../tour-clock.js';

export interface TourClock {
  /** Text for the header: "next in 12s · space pauses", "paused · space resumes". */
  label?: string;
  togglePause(): void;
}

export function useTour(store: RunSource, active: boolean): TourClock {
  const [paused, setPaused] = useState(false);
  const [, tick] = useState(0);
  // The step and status the countdown belongs to; a change restarts it.
  const timer = useRef<{ key: string; remaining: number; since: number } | null>(null);

  useEffect(() => {
    if (!active) return;
    const id = setInterval(() => {
      const s = store.getState();
      if (s.status !== 'running' || s.busy || s.viewing !== s.current) {
        timer.current = null;
        return tick((n) => n + 1);
      }
      const step = s.steps[s.current];
      const key = `${s.current}:${step?.status}:${(step as { attempt?: number } | undefined)?.attempt ?? 0}`;
      const delay = tourDelayMs(step as never);
      if (delay === undefined) {
        timer.current = null;
        return tick((n) => n + 1);
      }
      const now = Date.now();
      if (!timer.current || timer.current.key !== key) timer.current = { key, remaining: delay, since: now };
      if (!paused) {
        timer.current.remaining -= now - timer.current.since;
        if (timer.current.remaining <= 0) {
          timer.current = null;
          void Promise.resolve(s.next()).catch(() => undefined);
        }
      }
      if (timer.current) timer.current.since = now;
      tick((n) => n + 1);
    }, 250);
    return () => clearInterval(id);
  }, [active, paused, store]);

  const t = timer.current;
  const label = !active ? undefined : paused ? 'paused · space resumes · → goes on' : t ? `next in ${Math.ceil(t.remaining / 1000)}s · space pauses` : undefined;
  return { label, togglePause: () => setPaused((p) => !p) };
}
