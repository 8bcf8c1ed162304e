/**
 * Bounded waits that survive garbage collection. `AbortSignal.any([s, AbortSignal.timeout(ms)])`
 * never fires on Node 20 once a GC has run (the timeout signal is held only weakly: nodejs/node
 * #57736), so a wait built on it can hang for ever under GC pressure (a full CI run). Here the
 * timer's closure holds the controller: the deadline fires, and `dispose` clears the timer.
 */

export class DeadlineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeadlineError';
  }
}

export interface Deadline {
  /** Aborts when `ms` elapse (reason: a DeadlineError saying what did not finish) or when `parent` aborts. */
  readonly signal: AbortSignal;
  /** Clear the timer and stop following `parent`. Call it when the bounded work is over. */
  dispose(): void;
}

/** A signal that aborts after `ms` or with `parent`; `what` names the work in the timeout message. */
export function deadline(ms: number, parent: AbortSignal | undefined, what: string): Deadline {
  const ac = new AbortController();
  const onParent = () => ac.abort(parent?.reason);
  const timer = setTimeout(() => ac.abort(new DeadlineError(`${what} did not finish within ${formatMs(ms)}`)), ms);
  if (parent?.aborted) onParent();
  else parent?.addEventListener('abort', onParent, { once: true });
  return {
    signal: ac.signal,
    dispose() {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParent);
    },
  };
}

/**
 * `work` or, when the deadline or `signal` comes first, a rejection saying so. The work itself
 * is not cancelled here (pass it the deadline's signal for that): this only guarantees the
 * caller gets an answer in time, even when the work ignores its signal.
 */
export async function within<T>(work: Promise<T>, ms: number, signal: AbortSignal | undefined, what: string): Promise<T> {
  const d = deadline(ms, signal, what);
  try {
    return await new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(abortReason(d.signal, what));
      if (d.signal.aborted) return onAbort();
      d.signal.addEventListener('abort', onAbort, { once: true });
      work.then(resolve, reject).finally(() => d.signal.removeEventListener('abort', onAbort));
    });
  } finally {
    d.dispose();
  }
}

/** The error a bounded wait rejects with: the DeadlineError, or "<what> was cancelled". */
export function abortReason(signal: AbortSignal, what: string): Error {
  const r: unknown = signal.reason;
  if (r instanceof DeadlineError) return r;
  return Object.assign(new Error(`${what} was cancelled`), { name: 'AbortError' });
}

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  return s < 120 ? `${Number.isInteger(s) ? s : s.toFixed(1)} s` : `${Math.round(s / 60)} min`;
}
