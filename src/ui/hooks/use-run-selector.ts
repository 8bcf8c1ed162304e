import { useRef, useSyncExternalStore } from 'react';
import type { RunSource, RunSourceState } from '../run-source.js';

/**
 * Subscribe to the run store through a selector; re-render only when `isEqual` says the
 * selected value changed (zustand's selector model, with an equality for derived objects).
 */
export function useRunSelector<T>(
  store: RunSource,
  selector: (state: RunSourceState) => T,
  isEqual: (a: T, b: T) => boolean = Object.is,
): T {
  const last = useRef<{ value: T } | null>(null);
  const snapshot = (): T => {
    const next = selector(store.getState());
    if (last.current && isEqual(last.current.value, next)) return last.current.value;
    last.current = { value: next };
    return next;
  };
  return useSyncExternalStore(store.subscribe, snapshot, snapshot);
}
