/**
 * One registry for everything that must not outlive a run: child process trees,
 * servers, temp dirs. Unwound in reverse order on normal exit, failure, Ctrl-C,
 * SIGTERM and SIGHUP (see shutdown.ts for the signal wiring).
 *
 * Temp dirs are made only through makeTempDir, which creates the directory and registers
 * its removal in one synchronous operation: no signal can land between the two, so no
 * code path can leave a temp dir the unwinding does not know about.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type CleanupFn = () => void | Promise<void>;

interface Entry {
  label: string;
  fn: CleanupFn;
  /** Last-chance synchronous version, for process 'exit' where nothing can be awaited. */
  sync?: () => void;
}

export class CleanupRegistry {
  private entries: Entry[] = [];

  /**
   * Register a cleanup; returns a function that runs it early and unregisters it.
   * `sync` (optional) is called instead when the process exits without unwinding
   * (e.g. an exit from a library): keep it to synchronous kills and deletes.
   */
  add(label: string, fn: CleanupFn, sync?: () => void): () => Promise<void> {
    const entry: Entry = { label, fn, ...(sync ? { sync } : {}) };
    this.entries.push(entry);
    return async () => {
      const i = this.entries.indexOf(entry);
      if (i >= 0) {
        this.entries.splice(i, 1);
        await entry.fn();
      }
    };
  }

  /** Unregister without running (the resource went away by itself, e.g. a process exited). */
  forget(fn: CleanupFn): void {
    const i = this.entries.findIndex((e) => e.fn === fn);
    if (i >= 0) this.entries.splice(i, 1);
  }

  get size(): number {
    return this.entries.length;
  }

  labels(): string[] {
    return this.entries.map((e) => e.label);
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

  /** Synchronous last resort: run every `sync` cleanup, newest first, ignoring errors. */
  runAllSync(): void {
    while (this.entries.length > 0) {
      const entry = this.entries.pop()!;
      try {
        entry.sync?.();
      } catch {
        // Exiting anyway; nothing useful to do with the error here.
      }
    }
  }
}

/**
 * The process-wide registry the CLI unwinds on exit, Ctrl-C, SIGTERM and SIGHUP (shutdown.ts
 * wires it to the process). Code with no run context at hand registers here.
 */
export const appCleanup = new CleanupRegistry();

export interface TempDir {
  readonly path: string;
  /** Remove the directory now (recursively) and drop its registration; a second call does nothing. */
  remove(): Promise<void>;
}

export interface TempDirOptions {
  /** Directory to make it in (default: the OS temp dir, i.e. $TMPDIR). */
  parent?: string;
  /** Registry that removes it when unwound (default: appCleanup). */
  cleanup?: CleanupRegistry;
}

/**
 * Make a fresh directory `<parent>/<prefix>XXXXXX` and register its removal, in one
 * synchronous step. Call `remove()` when done; whatever is not removed by then goes when
 * the registry unwinds (normal exit, failure, Ctrl-C).
 */
export function makeTempDir(prefix: string, opts: TempDirOptions = {}): TempDir {
  const path = mkdtempSync(join(opts.parent ?? tmpdir(), prefix));
  liveTempDirs.add(path);
  const removeSync = () => rmSync(path, { recursive: true, force: true, maxRetries: 3, retryDelay: 20 });
  // retries: an interrupted action may still be writing into it (ENOTEMPTY)
  const removeAsync = () => rm(path, { recursive: true, force: true, maxRetries: 3, retryDelay: 20 });
  const release = (opts.cleanup ?? appCleanup).add(`temp dir ${path}`, removeAsync, removeSync);
  // Removed by the code that made it, with nothing in flight: no need to sweep it at exit.
  // Removed by the unwinding instead, it stays listed for the sweep.
  const remove = async () => {
    await release();
    liveTempDirs.delete(path);
  };
  return { path, remove };
}

/**
 * Temp dirs made in this process and not removed by their maker (still there, or removed by
 * the unwinding), for the last sweep before the process exits: a directory removed while an
 * interrupted action was still writing into it can come back (a mkdir that lands after the rm).
 */
const liveTempDirs = new Set<string>();

/**
 * Remove again every temp dir made in this process, synchronously. An interrupted action can
 * still have a write in flight while its directory is being removed (a mkdir that lands after
 * the rm recreates the folder): the exit path calls this last, after the unwinding.
 */
export function sweepTempDirs(): void {
  for (const path of [...liveTempDirs]) {
    try {
      rmSync(path, { recursive: true, force: true, maxRetries: 3, retryDelay: 20 });
    } catch {
      // exiting anyway
    }
  }
}
