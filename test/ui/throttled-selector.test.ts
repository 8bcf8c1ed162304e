/**
 * The output pane's throttle (subscribeThrottled, behind useThrottledSelector): output lines
 * reach the screen at most every LOG_FLUSH_MS, but when the step's status changes its last
 * lines are delivered in the same store notification, so a ✓ never shows beside stale output.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LOG_FLUSH_MS, subscribeThrottled } from '../../src/ui/hooks/use-throttled-selector.js';

interface S {
  status: string;
  tail: string[];
}

function store(initial: S) {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    getState: () => state,
    subscribe: (l: () => void) => (listeners.add(l), () => listeners.delete(l)),
    set(next: Partial<S>) {
      state = { ...state, ...next };
      for (const l of listeners) l();
    },
  };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('subscribeThrottled', () => {
  it('delivers output at most every LOG_FLUSH_MS while it streams', () => {
    const s = store({ status: 'running', tail: [] });
    const seen: string[][] = [];
    const stop = subscribeThrottled(s, (x) => x.tail, (v) => seen.push(v), LOG_FLUSH_MS, (x) => x.status);
    expect(seen).toEqual([[]]);
    s.set({ tail: ['a'] });
    s.set({ tail: ['a', 'b'] });
    expect(seen).toHaveLength(1); // nothing yet: within the window
    vi.advanceTimersByTime(LOG_FLUSH_MS);
    expect(seen).toEqual([[], ['a', 'b']]); // one delivery for both lines
    stop();
  });

  it("delivers the step's last lines at once when its status changes, and drops the pending timer", () => {
    const s = store({ status: 'running', tail: [] });
    const seen: string[][] = [];
    const stop = subscribeThrottled(s, (x) => x.tail, (v) => seen.push(v), LOG_FLUSH_MS, (x) => x.status);
    s.set({ tail: ['hello from ocilab'] }); // would wait for the window
    s.set({ status: 'passed' }); // the step finished: its output goes with it
    expect(seen).toEqual([[], ['hello from ocilab']]);
    vi.advanceTimersByTime(LOG_FLUSH_MS * 2);
    expect(seen).toHaveLength(2); // no second, stale delivery
    stop();
  });

  it('without a flush key, a status change waits for the window like any other change', () => {
    const s = store({ status: 'running', tail: [] });
    const seen: string[][] = [];
    const stop = subscribeThrottled(s, (x) => x.tail, (v) => seen.push(v), LOG_FLUSH_MS);
    s.set({ tail: ['x'] });
    s.set({ status: 'passed' });
    expect(seen).toHaveLength(1);
    vi.advanceTimersByTime(LOG_FLUSH_MS);
    expect(seen).toEqual([[], ['x']]);
    stop();
  });
});
