import { useEffect, useRef, useState } from 'react';
import type { RunSource, RunSourceState } from '../run-source.js';

/** How often log views may re-render while output streams in (Ink pitfall #3). */
export const LOG_FLUSH_MS = 80;

/** What subscribeThrottled needs of a store (a RunSource, or any zustand-like store). */
interface Store<S> {
  getState(): S;
  subscribe(listener: () => void): () => unknown;
}

/**
 * `onValue(select(state))` now, then at most once per `ms` while the store changes, whatever
 * the rate of changes — except that a change of `flushKey(state)` (say, the step's status)
 * delivers at once, in the same store notification, so a step never shows as passed while its
 * last output lines still wait for the next flush. Returns the unsubscribe.
 */
export function subscribeThrottled<S, T>(
  store: Store<S>,
  select: (state: S) => T,
  onValue: (value: T) => void,
  ms: number,
  flushKey?: (state: S) => unknown,
): () => void {
  let timer: NodeJS.Timeout | undefined;
  let lastFlush = 0;
  let key = flushKey?.(store.getState());
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    lastFlush = Date.now();
    onValue(select(store.getState()));
  };
  flush();
  const unsubscribe = store.subscribe(() => {
    if (flushKey) {
      const next = flushKey(store.getState());
      if (!Object.is(next, key)) {
        key = next;
        flush();
        return;
      }
    }
    if (timer) return;
    timer = setTimeout(flush, Math.max(0, ms - (Date.now() - lastFlush)));
  });
  return () => {
    unsubscribe();
    if (timer) clearTimeout(timer);
  };
}

/**
 * Like useRunSelector, but store changes are batched: at most one re-render per `ms`,
 * whatever the rate of output lines. A change of `deps` (e.g. the step on screen)
 * re-selects at once, and so does a change of `flushKey` (subscribeThrottled).
 */
export function useThrottledSelector<T>(
  store: RunSource,
  selector: (state: RunSourceState) => T,
  deps: readonly unknown[],
  ms: number = LOG_FLUSH_MS,
  flushKey?: (state: RunSourceState) => unknown,
): T {
  const selectorRef = useRef(selector);
  selectorRef.current = selector;
  const flushKeyRef = useRef(flushKey);
  flushKeyRef.current = flushKey;
  const [value, setValue] = useState(() => selector(store.getState()));
  useEffect(
    () => subscribeThrottled(store, (s) => selectorRef.current(s), (v) => setValue(() => v), ms, flushKeyRef.current ? (s) => flushKeyRef.current?.(s) : undefined),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [store, ms, ...deps],
  );
  return value;
}
