/**
 * The `local` target's stand-in for source-controller: holds GitRepository and
 * OCIRepository objects applied from Flux YAML, reconciles each on its interval, and emits
 * a `status` event on every status change and an `event` for what source-controller would
 * record as a Kubernetes event. Differences from the real controller: ./differences.ts.
 */
import { EventEmitter } from 'node:events';
import { Reason, getCondition } from '../flux/conditions.js';
import { DeadlineError, deadline, within } from '../engine/deadline.js';
import { reconcileGitRepository } from './git-source.js';
import { reconcileOCIRepository } from './oci-source.js';
import { failed, ReconcileError } from './outcome.js';
import { durationMs, secretBytes, unsupportedFields, type SecretObject, type SourceObject } from '../flux/sources.js';
import { emptyStatus, type SourceEvent, type SourceStatus } from './status.js';
import type { ArtifactStorage } from './storage.js';
import type { SourceVerifier } from './verifier.js';

export interface SourceKey {
  kind: SourceObject['kind'];
  namespace: string;
  name: string;
}

export interface SourceEntry {
  object: SourceObject;
  generation: number;
  status: SourceStatus;
}

export interface StatusChange {
  key: SourceKey;
  status: SourceStatus;
}

/** One finished reconcile pass: what the UI's measurements panel shows per interval. */
export interface PassRecord {
  key: SourceKey;
  /** Also the X-Ocilab-Clone header of its Git requests (see GitServer.log.cloneTotals). */
  passId: string;
  url: string;
  startedAt: number;
  durationMs: number;
  outcome: NonNullable<SourceStatus['lastFetch']>;
}

/** Past spec.timeout, how long a pass may take to wind down (close connections, remove temp dirs). */
const PASS_GRACE_MS = 2_000;

/** The longest one pass may take: spec.timeout plus the grace. */
export function passLimitMs(o: SourceObject): number {
  return durationMs(o.spec.timeout) + PASS_GRACE_MS;
}

export const keyOf = (o: SourceObject): SourceKey => ({ kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name });
export const keyString = (k: SourceKey) => `${k.kind}/${k.namespace}/${k.name}`;

interface Slot extends SourceEntry {
  timer?: NodeJS.Timeout;
  running?: Promise<SourceStatus>;
  abort?: AbortController;
}

export interface LocalReconcilerOptions {
  storage: ArtifactStorage;
  verifiers?: SourceVerifier[];
}

export class LocalReconciler extends EventEmitter<{ event: [SourceEvent]; status: [StatusChange]; pass: [PassRecord] }> {
  private passes = 0;
  private readonly slots = new Map<string, Slot>();
  private readonly verifiers: Map<string, SourceVerifier>;
  private readonly secrets = new Map<string, Record<string, Buffer>>();
  private running = false;
  /** Set by stop(): passes queued behind one in flight do not start any more. */
  private stopped = false;

  constructor(private readonly opts: LocalReconcilerOptions) {
    super();
    this.verifiers = new Map((opts.verifiers ?? []).map((v) => [v.provider, v]));
  }

  /** Add or replace a verifier (the cosign area registers one). */
  addVerifier(v: SourceVerifier): void {
    this.verifiers.set(v.provider, v);
  }

  /** Apply a Secret for verify.secretRef; used from the next verification on. */
  applySecret(secret: SecretObject): void {
    this.secrets.set(`${secret.metadata.namespace}/${secret.metadata.name}`, secretBytes(secret));
  }

  /** Apply an object like `kubectl apply`: a changed spec bumps the generation and reconciles now. */
  apply(object: SourceObject): SourceEntry {
    const id = keyString(keyOf(object));
    const slot = this.slots.get(id);
    if (slot && JSON.stringify(slot.object.spec) === JSON.stringify(object.spec)) {
      slot.object = object;
      return this.view(slot);
    }
    const next: Slot = slot ?? { object, generation: 0, status: emptyStatus() };
    next.object = object;
    next.generation += 1;
    this.slots.set(id, next);
    const unsupported = unsupportedFields(object);
    if (unsupported.length > 0) {
      this.emitEvent(object, { type: 'Warning', reason: Reason.UnsupportedByLocalReconciler, message: `ignored by the local reconciler: ${unsupported.join(', ')}` });
    }
    if (this.running) this.schedule(next, 0);
    return this.view(next);
  }

  /** Remove an object and stop its loop (its stored artifacts stay until the run's cleanup). */
  delete(key: SourceKey): boolean {
    const slot = this.slots.get(keyString(key));
    if (!slot) return false;
    clearTimeout(slot.timer);
    slot.abort?.abort();
    return this.slots.delete(keyString(key));
  }

  get(key: SourceKey): SourceEntry | undefined {
    const slot = this.slots.get(keyString(key));
    return slot && this.view(slot);
  }

  list(): SourceEntry[] {
    return [...this.slots.values()].map((s) => this.view(s));
  }

  /** Start the interval loops (each object reconciles now, then every spec.interval). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopped = false;
    for (const slot of this.slots.values()) this.schedule(slot, 0);
  }

  /** Stop all loops and abort passes in flight. */
  async stop(): Promise<void> {
    this.running = false;
    this.stopped = true;
    for (const slot of this.slots.values()) {
      clearTimeout(slot.timer);
      slot.abort?.abort();
    }
    await Promise.allSettled([...this.slots.values()].map((s) => s.running));
  }

  /**
   * One pass now (what `flux reconcile source` asks for); passes never overlap per object.
   * Bounded: by `timeoutMs` (default: twice spec.timeout plus a grace, room for a pass in
   * flight and this one) and by `signal`; either rejects with what did not finish and the
   * last Ready message, while the pass itself is cut at spec.timeout.
   */
  async reconcileNow(key: SourceKey, opts: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<SourceStatus> {
    const slot = this.slots.get(keyString(key));
    if (!slot) throw new Error(`${keyString(key)} is not applied`);
    const timeoutMs = opts.timeoutMs ?? 2 * passLimitMs(slot.object);
    const what = `the reconcile of ${keyString(key)}`;
    try {
      return await within(this.queuePass(slot), timeoutMs, opts.signal, what);
    } catch (err) {
      if (err instanceof DeadlineError) throw new DeadlineError(`${err.message} (${this.lastReady(key)})`);
      throw err;
    }
  }

  /** After the pass in flight (if any), one more; its promise is the slot's `running` until it settles. */
  private queuePass(slot: Slot): Promise<SourceStatus> {
    const before = slot.running?.catch(() => undefined) ?? Promise.resolve(undefined);
    const run = before.then(() => this.pass(slot));
    slot.running = run;
    const clear = () => {
      if (slot.running === run) slot.running = undefined;
    };
    run.then(clear, clear);
    return run;
  }

  private lastReady(key: SourceKey): string {
    const ready = this.get(key) && getCondition(this.get(key)!.status.conditions, 'Ready');
    return ready ? `last Ready=${ready.status} ${ready.reason}: ${ready.message}` : 'not reconciled yet';
  }

  /**
   * Resolve when the object is Ready=True with an artifact (optionally a revision other than
   * `notRevision`, or the exact `revision`); reject on abort with the last Ready message.
   */
  waitReady(key: SourceKey, opts: { signal?: AbortSignal; notRevision?: string; revision?: string } = {}): Promise<SourceStatus> {
    const ok = (s: SourceStatus | undefined) => {
      const ready = s && getCondition(s.conditions, 'Ready');
      const rev = s?.artifact?.revision;
      return !!(ready?.status === 'True' && rev && (!opts.notRevision || rev !== opts.notRevision) && (!opts.revision || rev === opts.revision));
    };
    const now = this.get(key)?.status;
    if (ok(now)) return Promise.resolve(now!);
    return new Promise((resolve, reject) => {
      const onStatus = (c: StatusChange) => {
        if (keyString(c.key) === keyString(key) && ok(c.status)) {
          cleanup();
          resolve(c.status);
        }
      };
      const onAbort = () => {
        cleanup();
        const ready = this.get(key) && getCondition(this.get(key)!.status.conditions, 'Ready');
        reject(new Error(`${keyString(key)} not ready: ${ready ? `${ready.reason}: ${ready.message}` : 'not reconciled yet'}`));
      };
      if (opts.signal?.aborted) return onAbort();
      const cleanup = () => {
        this.off('status', onStatus);
        opts.signal?.removeEventListener('abort', onAbort);
      };
      this.on('status', onStatus);
      opts.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private schedule(slot: Slot, delay: number): void {
    clearTimeout(slot.timer);
    slot.timer = setTimeout(() => {
      void this.reconcileNow(keyOf(slot.object))
        .catch(() => undefined)
        .finally(() => {
          if (this.running && this.slots.get(keyString(keyOf(slot.object))) === slot) {
            this.schedule(slot, durationMs(slot.object.spec.interval));
          }
        });
    }, delay);
    slot.timer.unref?.();
  }

  private async pass(slot: Slot): Promise<SourceStatus> {
    const object = slot.object;
    if (object.spec.suspend || this.stopped || this.slots.get(keyString(keyOf(object))) !== slot) return slot.status;
    const abort = new AbortController();
    slot.abort = abort;
    const passId = `${keyString(keyOf(object))}#${++this.passes}`;
    const startedAt = Date.now();
    const t0 = performance.now();
    const limit = durationMs(object.spec.timeout);
    // spec.timeout, as source-controller's context deadline; not AbortSignal.timeout (see deadline.ts).
    const cut = deadline(limit, abort.signal, `${keyString(keyOf(object))}: the pass (spec.timeout ${object.spec.timeout})`);
    const deps = {
      storage: this.opts.storage,
      signal: cut.signal,
      verifiers: this.verifiers,
      secrets: this.secrets,
      emit: (e: Pick<SourceEvent, 'type' | 'reason' | 'message' | 'revision'>) => this.emitEvent(object, e),
      onProgress: (s: SourceStatus) => this.setStatus(slot, s),
      passId,
    };
    let status: SourceStatus;
    try {
      const work =
        object.kind === 'GitRepository'
          ? reconcileGitRepository(object, slot.status, slot.generation, deps)
          : reconcileOCIRepository(object, slot.status, slot.generation, deps);
      // A step that ignores the signal must not hold the object's queue: the pass ends at the limit (plus a grace).
      status = await within(work, limit + PASS_GRACE_MS, abort.signal, `${keyString(keyOf(object))}: the pass`);
    } catch (err) {
      if (!(err instanceof DeadlineError)) throw err;
      const reason = object.kind === 'GitRepository' ? Reason.GitOperationFailed : Reason.OCIArtifactPullFailed;
      const e = new ReconcileError('FetchFailed', reason, `${err.message}: context deadline exceeded`);
      this.emitEvent(object, { type: 'Warning', reason: e.reason, message: e.message });
      status = failed(slot.status, slot.generation, e);
    } finally {
      cut.dispose();
    }
    this.setStatus(slot, status);
    const outcome = status.lastFetch ?? 'failed';
    this.emit('pass', { key: keyOf(object), passId, url: object.spec.url, startedAt, durationMs: performance.now() - t0, outcome });
    return status;
  }

  private setStatus(slot: Slot, status: SourceStatus): void {
    slot.status = status;
    this.emit('status', { key: keyOf(slot.object), status });
  }

  private emitEvent(o: SourceObject, e: Pick<SourceEvent, 'type' | 'reason' | 'message' | 'revision'>): void {
    this.emit('event', { at: Date.now(), kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name, ...e });
  }

  private view(slot: Slot): SourceEntry {
    return { object: slot.object, generation: slot.generation, status: slot.status };
  }
}
