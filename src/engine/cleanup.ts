/**
 * One registry for everything that must not outlive a run: child process trees,
 * servers, temp dirs. Unwound in reverse order on normal exit, failure, Ctrl-C,
 * SIGTERM and SIGHUP. (Contract only here; the foundation fills in process handling.)
 */
export type CleanupFn = () => void | Promise<void>;

export class CleanupRegistry {
  private entries: { label: string; fn: CleanupFn }[] = [];

  /** Register a cleanup; returns a function that runs it early and unregisters it. */
  add(label: string, fn: CleanupFn): () => Promise<void> {
    const entry = { label, fn };
    this.entries.push(entry);
    return async () => {
      const i = this.entries.indexOf(entry);
      if (i >= 0) {
        this.entries.splice(i, 1);
        await entry.fn();
      }
    };
  }

  get size(): number {
    return this.entries.length;
  }

  /** Run every cleanup, newest first; errors are collected, never stop the unwinding. */
  async runAll(): Promise<Error[]> {
    const errors: Error[] = [];
    while (this.entries.length > 0) {
      const entry = this.entries.pop()!;
      try {
        await entry.fn();
      } catch (err) {
        errors.push(new Error(`cleanup ${entry.label}: ${(err as Error).message}`));
      }
    }
    return errors;
  }
}
