/**
 * Wait until a Flux object satisfies a predicate: read it once, then follow a watch on it
 * (fieldSelector metadata.name=<name>, from the read's resourceVersion), re-reading and
 * re-watching when the server closes the stream or answers 410 Gone. Ends on the
 * predicate's verdict, the timeout (with the last conditions seen) or the AbortSignal.
 */
import { Watch } from '@kubernetes/client-node';
import type { KubeClient } from './client.js';
import { describeStatus, type FluxStatusObject, type StatusPredicate } from '../flux/conditions.js';
import { describeRef, getObject } from './objects.js';
import { objectPath, type ObjectRef } from './resources.js';

/** The shape of client-node's Watch.watch, so the loop can be driven by any event source. */
export interface WatchSource {
  watch(
    path: string,
    query: Record<string, string | number | boolean | undefined>,
    onEvent: (phase: string, obj: any) => void,
    onDone: (err: unknown) => void,
  ): Promise<{ abort(): void }>;
}

export interface WaitOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Called with every version of the object seen (for the live pane). */
  onUpdate?: (obj: FluxStatusObject | undefined) => void;
  /** Defaults to client-node's Watch and a GET through the client. */
  source?: { get(): Promise<FluxStatusObject | undefined>; watcher: WatchSource };
}

export interface WaitResult {
  ok: boolean;
  message: string;
  object: FluxStatusObject | undefined;
  elapsedMs: number;
}

export class WaitTimeoutError extends Error {
  constructor(
    what: string,
    readonly timeoutMs: number,
    readonly last: FluxStatusObject | undefined,
  ) {
    super(`${what} did not get there within ${Math.round(timeoutMs / 1000)}s; last status: ${describeStatus(last)}`);
    this.name = 'WaitTimeoutError';
  }
}

/** Query parameters of the watch request for one object. */
export function watchQuery(ref: ObjectRef, resourceVersion?: string): Record<string, string | boolean | undefined> {
  return { fieldSelector: `metadata.name=${ref.name}`, resourceVersion, allowWatchBookmarks: true };
}

export function waitFor(client: KubeClient, ref: ObjectRef, predicate: StatusPredicate, opts: WaitOptions): Promise<WaitResult> {
  const started = performance.now();
  // Dry-run: nothing was applied, so there is nothing to wait for.
  if (client.plan) return Promise.resolve({ ok: true, message: 'dry-run: not waited for', object: undefined, elapsedMs: 0 });
  const source = opts.source ?? { get: () => getObject(client, ref, { signal: opts.signal }), watcher: new Watch(client.kc) };
  const collection = objectPath({ ...ref, name: undefined });
  const what = describeRef(ref);

  return new Promise<WaitResult>((resolve, reject) => {
    let last: FluxStatusObject | undefined;
    let current: { abort(): void } | undefined;
    let finished = false;
    let restartTimer: NodeJS.Timeout | undefined;
    let streamError: unknown;

    const finish = (err: Error | undefined, verdict?: { ok: boolean; message: string }) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      if (restartTimer) clearTimeout(restartTimer);
      opts.signal?.removeEventListener('abort', onAbort);
      current?.abort();
      if (err) reject(err);
      else resolve({ ...verdict!, object: last, elapsedMs: performance.now() - started });
    };
    const see = (obj: FluxStatusObject | undefined) => {
      last = obj;
      opts.onUpdate?.(obj);
      const v = predicate(obj);
      if (v.done) finish(undefined, { ok: v.ok, message: v.message });
    };
    const onAbort = () => finish(Object.assign(new Error(`waiting for ${what} was cancelled`), { name: 'AbortError' }));
    const timer = setTimeout(() => {
      const err = new WaitTimeoutError(what, opts.timeoutMs, last);
      if (streamError) err.message += `; the watch kept failing: ${(streamError as Error).message ?? String(streamError)}`;
      finish(err);
    }, opts.timeoutMs);
    if (opts.signal?.aborted) return onAbort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    const start = async (): Promise<void> => {
      if (finished) return;
      const obj = await source.get();
      see(obj);
      if (finished) return;
      current = await source.watcher.watch(
        collection,
        watchQuery(ref, obj?.metadata?.resourceVersion),
        (phase, o) => {
          if (finished) return;
          if (phase === 'ADDED' || phase === 'MODIFIED') see(o as FluxStatusObject);
          else if (phase === 'DELETED') see(undefined);
          else if (phase === 'ERROR') restart(); // e.g. 410 Gone: resourceVersion too old
        },
        (err) => {
          streamError = err ?? undefined;
          restart(err ? 1000 : 200); // a failing watch (403, network) is retried slowly
        },
      );
      if (finished) current.abort();
    };
    const restart = (delayMs = 200) => {
      if (finished) return;
      current?.abort();
      restartTimer = setTimeout(() => start().catch((e: Error) => finish(e)), delayMs);
    };
    start().catch((e: Error) => finish(e));
  });
}
