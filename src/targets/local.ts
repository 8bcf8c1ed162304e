/**
 * The local target: no cluster. The embedded OCI registry (src/registry) and ocilab's Git
 * server run in this process on 127.0.0.1; ocilab's local reconciler stands in for
 * source-controller. The Git server and the reconciler come through the two small ports
 * below (filled by ./local-git.ts in createTarget), so this file does not change when they do.
 */
import { join } from 'node:path';
import type { TargetName } from '../engine/action.js';
import { FLUX_NAMESPACE } from '../flux/types.js';
import { revisionOf, type FluxStatusObject } from '../flux/conditions.js';
import type { ObjectRef } from '../kube/resources.js';
import { startRegistry, type RegistryHandle } from '../registry/server.js';
import { predicateFor } from './kube-delivery.js';
import {
  TargetError,
  type Endpoint,
  type PrepareReport,
  type RegistryEndpoint,
  type ServerName,
  type Target,
  type TargetContext,
  type TargetObject,
  type WaitOutcome,
  type WaitRequest,
} from './target.js';

/** What the local target needs from the git area's server (src/git/server). */
export interface LocalGitServer {
  /** Base URL, e.g. http://127.0.0.1:43121 (repositories at `<url>/<name>.git`). */
  url: string;
  /** True when a server already serving `root` (git.serve) is reused. */
  reused?: boolean;
  close(): Promise<void>;
}
/**
 * `host`: the address to bind (default 127.0.0.1); the kind target passes the kind network's gateway.
 * `port`: a given port (a restart after an outage); default any free port.
 */
export type StartLocalGitServer = (o: { root: string; host?: string; port?: number; ctx: TargetContext }) => Promise<LocalGitServer>;

/** What the local target needs from the local reconciler (src/reconcile): apply, status in Flux's shape, change events. */
export interface LocalSourceReconciler {
  apply(object: TargetObject): void;
  /** The object's status as source-controller would write it (conditions, artifact). */
  status(ref: ObjectRef): FluxStatusObject | undefined;
  /** Called on every status change; returns the unsubscribe function. */
  onChange(listener: () => void): () => void;
  /** The step now acting: the reconciler's events and pass measurements go to its output from here on. */
  use?(ctx: TargetContext): void;
  /**
   * Reconcile one object now (what `flux reconcile` asks the controller for); resolves when the
   * pass is done, rejects when it is not done within `timeoutMs` or `signal` aborts.
   */
  reconcileNow(ref: ObjectRef, opts: { signal: AbortSignal; timeoutMs: number }): void | Promise<void>;
  stop(): Promise<void>;
}
export type CreateLocalReconciler = (ctx: TargetContext) => LocalSourceReconciler;

export interface LocalTargetOptions {
  /** createTarget('local') passes ./local-git.ts (see docs/targets.md, "local target and the git area"). */
  startGitServer?: StartLocalGitServer;
  createReconciler?: CreateLocalReconciler;
  /** Registry port, default 0 (any free port). */
  registryPort?: number;
}

const NO_PORT = 'this LocalTarget was built without it (createTarget(\'local\') passes it; see LocalTargetOptions)';

export class LocalTarget implements Target {
  readonly name: TargetName = 'local';
  readonly namespace = FLUX_NAMESPACE;
  readonly plan = undefined;
  private registry?: RegistryHandle;
  private git?: LocalGitServer;
  private gitServedRoot?: string;
  private registryDir?: string;
  /** Servers stopped by stopServer (an outage), until restartServer. */
  private readonly down = new Set<ServerName>();
  private reconciler?: LocalSourceReconciler;
  private readonly releases: (() => Promise<void>)[] = [];

  constructor(readonly options: LocalTargetOptions = {}) {}

  async prepare(ctx: TargetContext): Promise<PrepareReport> {
    const lines: string[] = [];
    const say = (l: string) => (lines.push(l), ctx.log(l));
    if (!this.registry) {
      const dir = join(ctx.workDir, 'registry');
      const handle = await this.startRegistryAt(dir, this.options.registryPort ?? 0, ctx);
      // The registry outlives the step that started it: its lifetime is the run's cleanup registry.
      this.releases.push(ctx.cleanup.add(`embedded registry ${handle.url}`, () => this.closeRegistry()));
      say(`embedded OCI registry on ${handle.url} (storage ${dir})`);
    } else {
      say(`embedded OCI registry on ${this.registry.url} (reused)`);
    }
    if (!this.git && this.options.startGitServer) {
      // Where fixtures.create puts its repositories by default: `${git.url}/<fixture>.git` works.
      const root = join(ctx.workDir, 'fixtures');
      const git = await this.options.startGitServer({ root, ctx });
      this.git = git;
      this.gitServedRoot = root;
      this.releases.push(ctx.cleanup.add(`git server ${git.url}`, () => this.closeGit()));
      say(`Git server (git http-backend) on ${git.url}${git.reused ? ' (reused)' : ''} serving ${root}`);
    } else if (this.git) {
      say(`Git server on ${this.git.url} (reused)`);
    }
    if (!this.reconciler && this.options.createReconciler) {
      const reconciler = this.options.createReconciler(ctx);
      this.reconciler = reconciler;
      this.releases.push(ctx.cleanup.add('local reconciler', () => this.stopReconciler()));
      say('local reconciler: running (does what source-controller does, in this process)');
    }
    return { lines };
  }

  isUp(): boolean {
    return this.registry !== undefined;
  }

  gitRoot(): string | undefined {
    return this.git ? this.gitServedRoot : undefined;
  }

  registryRoot(): string | undefined {
    return this.registry ? this.registryDir : undefined;
  }

  registryUrl(): RegistryEndpoint {
    if (!this.registry) throw new TargetError('the local registry is not running: run target.up first');
    // The local reconciler runs on this host, so it sees the registry where the host does.
    return { host: this.registry.hostPort, cluster: `oci://${this.registry.hostPort}`, insecure: true };
  }

  gitUrl(): Endpoint {
    if (!this.git) throw new TargetError(this.options.startGitServer ? 'no local Git server: run target.up first' : `no local Git server: ${NO_PORT}`);
    return { host: this.git.url, cluster: this.git.url };
  }

  async applySource(object: TargetObject, ctx: TargetContext): Promise<void> {
    const r = this.requireReconciler();
    r.use?.(ctx);
    r.apply({ ...object, metadata: { ...object.metadata, namespace: object.metadata.namespace ?? this.namespace } });
    ctx.log(`applied ${object.kind} ${object.metadata.namespace ?? this.namespace}/${object.metadata.name} to the local reconciler`);
  }

  waitReady(ref: ObjectRef, req: WaitRequest, ctx: TargetContext): Promise<WaitOutcome> {
    this.requireReconciler().use?.(ctx);
    return this.waitLocal(ref, req, ctx);
  }

  async reconcile(ref: ObjectRef, req: WaitRequest, ctx: TargetContext): Promise<WaitOutcome> {
    const r = this.requireReconciler();
    r.use?.(ctx);
    // The pass runs to its end first, so the wait sees its outcome, not the status before it;
    // bounded by the request's timeout and the step's signal (a pass that hangs is a failure).
    const started = performance.now();
    try {
      await r.reconcileNow(ref, { signal: ctx.signal, timeoutMs: req.timeoutMs });
    } catch (err) {
      if (ctx.signal.aborted) throw Object.assign(new Error(`reconciling ${ref.kind} ${ref.name} was cancelled`), { name: 'AbortError' });
      const object = r.status(ref);
      return { ok: false, message: (err as Error).message, elapsedMs: performance.now() - started, ...(object ? { object } : {}) };
    }
    const left = Math.max(1, req.timeoutMs - (performance.now() - started));
    return this.waitLocal(ref, { ...req, timeoutMs: left }, ctx);
  }

  notOwnServer(server: ServerName): string | undefined {
    if (server === 'git' && !this.git) return 'no Git server runs on the local target (target.up first)';
    if (server === 'registry' && !this.registry) return 'no registry runs on the local target (target.up first)';
    return undefined;
  }

  async stopServer(server: ServerName, ctx: TargetContext): Promise<string[]> {
    const why = this.notOwnServer(server);
    if (why) throw new TargetError(why);
    if (this.down.has(server)) return [`${server === 'git' ? 'the Git server' : 'the registry'} is already stopped`];
    this.down.add(server);
    if (server === 'registry') {
      const { url, stats } = this.registry!;
      await this.registry!.close();
      ctx.log(`embedded registry ${url} stopped after ${stats.requests} requests (storage kept; the port now refuses connections)`);
      return [`embedded registry ${url} stopped`];
    }
    await this.git!.close();
    ctx.log(`Git server ${this.git!.url} stopped (repositories kept; the port now refuses connections)`);
    return [`Git server ${this.git!.url} stopped`];
  }

  async restartServer(server: ServerName, ctx: TargetContext): Promise<string[]> {
    const why = this.notOwnServer(server);
    if (why) throw new TargetError(why);
    if (!this.down.has(server)) return [`${server === 'git' ? 'the Git server' : 'the registry'} is running (nothing to restart)`];
    ctx.signal.throwIfAborted();
    if (server === 'registry') {
      const old = this.registry!;
      await this.startRegistryAt(this.registryDir!, old.port, ctx);
      this.down.delete(server);
      return [`embedded registry back on ${this.registry!.url}, same storage (${this.registryDir})`];
    }
    const old = this.git!;
    const port = Number(new URL(old.url).port);
    const git = await this.options.startGitServer!({ root: this.gitServedRoot!, port, ctx });
    if (git.url !== old.url) {
      await git.close();
      throw new TargetError(`the Git server could not come back on ${old.url} (it got ${git.url}): something else took port ${port}`);
    }
    this.git = git;
    this.down.delete(server);
    return [`Git server back on ${git.url}, serving ${this.gitServedRoot}`];
  }

  async teardown(): Promise<string[]> {
    const lines: string[] = [];
    if (this.reconciler) lines.push('local reconciler stopped');
    if (this.git) lines.push(`Git server ${this.git.url} stopped`);
    if (this.registry) lines.push(`embedded registry ${this.registry.url} stopped`);
    for (const release of this.releases.splice(0).reverse()) await release();
    return lines;
  }

  private requireReconciler(): LocalSourceReconciler {
    if (!this.reconciler) throw new TargetError(this.options.createReconciler ? 'no local reconciler: run target.up first' : `no local reconciler: ${NO_PORT}`);
    return this.reconciler;
  }

  /** Same predicates as on a cluster, evaluated on every status change the reconciler reports. */
  private waitLocal(ref: ObjectRef, req: WaitRequest, ctx: TargetContext): Promise<WaitOutcome> {
    const r = this.requireReconciler();
    const predicate = predicateFor(req, ref.kind);
    const started = performance.now();
    return new Promise<WaitOutcome>((resolve, reject) => {
      const done = (fn: () => void) => {
        off();
        clearTimeout(timer);
        ctx.signal.removeEventListener('abort', onAbort);
        fn();
      };
      const check = () => {
        const obj = r.status(ref);
        const v = predicate(obj);
        if (!v.done) return;
        const revision = revisionOf(obj);
        done(() => resolve({ ok: v.ok, message: v.message, elapsedMs: performance.now() - started, ...(revision ? { revision } : {}), ...(obj ? { object: obj } : {}) }));
      };
      const onAbort = () => done(() => reject(Object.assign(new Error(`waiting for ${ref.kind} ${ref.name} was cancelled`), { name: 'AbortError' })));
      const off = r.onChange(check);
      const timer = setTimeout(
        () => done(() => resolve({ ok: false, message: `${ref.kind} ${ref.name} did not get there within ${Math.round(req.timeoutMs / 1000)}s`, elapsedMs: req.timeoutMs })),
        req.timeoutMs,
      );
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      check();
    });
  }

  /** Start the registry on `dir` and `port` (0: any), logging every request (press w in the UI). */
  private async startRegistryAt(dir: string, port: number, ctx: TargetContext): Promise<RegistryHandle> {
    const handle = await startRegistry({ dir, port });
    this.registry = handle;
    this.registryDir = dir;
    handle.on('request', (e) => ctx.log(`${e.method} ${e.path} ${e.status} in=${e.bytesIn} out=${e.bytesOut} ${e.durationMs}ms`, 'info'));
    return handle;
  }

  private async closeRegistry(): Promise<void> {
    const h = this.registry;
    this.registry = undefined;
    await h?.close();
  }

  private async closeGit(): Promise<void> {
    const g = this.git;
    this.git = undefined;
    await g?.close();
  }

  private async stopReconciler(): Promise<void> {
    const r = this.reconciler;
    this.reconciler = undefined;
    await r?.stop();
  }
}
