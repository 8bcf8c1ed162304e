import { useEffect, useRef, useState } from 'react';
import type { RunSource, RunSourceState } from '../run-source.js';

/** How often log views may re-render while output streams in (Ink pitfall #3). */
export const LOG_FLUSH_MS = 80;

/**
 * Like useRunSelector, but store changes are batched: at most one re-render per `ms`,
 * whatever the rate of output lines. A change of `deps` (e.g. the step on screen)
 * re-selects at once.
 */
export function useThrottledSelector<T>(
  store: RunSource,
  selector: (state: RunSourceState) => T,
  deps: readonly unknown[],
  ms: number = LOG_FLUSH_MS,
): T {
  const selectorRef = useRef(selector);
  selectorRef.current = selector;
  const [value, setValue] = useState(() => selector(store.getState()));
  useEffect(() => {
    let timer: NodeJS.Timeout | undefined;
    let lastFlush = 0;
    const flush = () => {
      timer = undefined;
      lastFlush = Date.now();
      setValue(selectorRef.current(store.getState()));
    };
    flush();
    const unsubscribe = store.subscribe(() => {
      if (timer) return;
      timer = setTimeout(flush, Math.max(0, ms - (Date.now() - lastFlush)));
    });
    return () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [store, ms, ...deps]);
  return value;
}
