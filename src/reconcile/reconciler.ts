/**
 * The `local` target's stand-in for source-controller: holds GitRepository and
 * OCIRepository objects applied from Flux YAML, reconciles each on its interval, and emits
 * a `status` event on every status change and an `event` for what source-controller would
 * record as a Kubernetes event. Differences from the real controller: ./differences.ts.
 */
import { EventEmitter } from 'node:events';
import { Reason, getCondition } from './conditions.js';
import { reconcileGitRepository } from './git-source.js';
import { reconcileOCIRepository } from './oci-source.js';
import { durationMs, secretBytes, unsupportedFields, type SecretObject, type SourceObject } from './schema.js';
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
    for (const slot of this.slots.values()) this.schedule(slot, 0);
  }

  /** Stop all loops and abort passes in flight. */
  async stop(): Promise<void> {
    this.running = false;
    for (const slot of this.slots.values()) {
      clearTimeout(slot.timer);
      slot.abort?.abort();
    }
    await Promise.allSettled([...this.slots.values()].map((s) => s.running));
  }

  /** One pass now (what `flux reconcile source` asks for); passes never overlap per object. */
  async reconcileNow(key: SourceKey): Promise<SourceStatus> {
    const slot = this.slots.get(keyString(key));
    if (!slot) throw new Error(`${keyString(key)} is not applied`);
    if (slot.running) await slot.running.catch(() => undefined);
    const run = this.pass(slot);
    slot.running = run;
    try {
      return await run;
    } finally {
      if (slot.running === run) slot.running = undefined;
    }
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
    if (object.spec.suspend) return slot.status;
    const abort = new AbortController();
    slot.abort = abort;
    const passId = `${keyString(keyOf(object))}#${++this.passes}`;
    const startedAt = Date.now();
    const t0 = performance.now();
    const signal = AbortSignal.any([abort.signal, AbortSignal.timeout(durationMs(object.spec.timeout))]);
    const deps = {
      storage: this.opts.storage,
      signal,
      verifiers: this.verifiers,
      secrets: this.secrets,
      emit: (e: Pick<SourceEvent, 'type' | 'reason' | 'message' | 'revision'>) => this.emitEvent(object, e),
      onProgress: (s: SourceStatus) => this.setStatus(slot, s),
      passId,
    };
    const status =
      object.kind === 'GitRepository'
        ? await reconcileGitRepository(object, slot.status, slot.generation, deps)
        : await reconcileOCIRepository(object, slot.status, slot.generation, deps);
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
