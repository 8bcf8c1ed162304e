/**
 * Output of the run's actions by name, so `wait: { output: "ready", from: "srv" }` can wait
 * for a line a background server prints. Each action writes to its own stream; `previous`
 * is the stream of the action before the current one.
 */
/** Lines kept per stream: enough for any readiness line, bounded for a chatty server. */
export const STREAM_LINES = 5000;

export class OutputStreams {
  private readonly lines = new Map<string, string[]>();
  private readonly waiters = new Set<{ key: string; test: (line: string) => boolean; resolve: (line: string) => void }>();

  append(key: string, line: string): void {
    let list = this.lines.get(key);
    if (!list) this.lines.set(key, (list = []));
    list.push(line);
    if (list.length > STREAM_LINES) list.splice(0, list.length - STREAM_LINES);
    for (const w of [...this.waiters]) {
      if (w.key === key && w.test(line)) {
        this.waiters.delete(w);
        w.resolve(line);
      }
    }
  }

  has(key: string): boolean {
    return this.lines.has(key);
  }

  get(key: string): readonly string[] {
    return this.lines.get(key) ?? [];
  }

  /** The first line of `key` (already printed or still to come) matching `pattern`. */
  waitFor(key: string, pattern: RegExp, signal: AbortSignal): Promise<string> {
    const seen = this.get(key).find((l) => pattern.test(l));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter = {
        key,
        test: (l: string) => pattern.test(l),
        resolve: (l: string) => {
          signal.removeEventListener('abort', onAbort);
          resolve(l);
        },
      };
      const onAbort = () => {
        this.waiters.delete(waiter);
        reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.add(waiter);
    });
  }
}
