/**
 * The local target's two ports, filled from the run's parts: the Git server (src/git/server,
 * from the run's GitServers, shared with git.serve) and the local reconciler (src/reconcile,
 * the run's RunReconciler, shared with the flux.* actions on local). A scenario may mix
 * `git.serve` and `target.up`: it gets one server per directory and
 * one reconciler per run. createTarget receives the parts (targetParts: from the run's scope).
 */
import { mkdir } from 'node:fs/promises';
import type { RunScope } from '../engine/run-scope.js';
import { formatRequest } from '../git/server/request-log.js';
import { gitServers, type GitServers } from '../git/running.js';
import { keyString, type SourceKey } from '../reconcile/reconciler.js';
import { runReconciler, type RunReconciler } from '../reconcile/run-reconciler.js';
import { SourceYamlError, validateLocalObject } from '../flux/sources.js';
import type { SourceKind } from '../flux/types.js';
import type { CreateLocalReconciler, StartLocalGitServer } from './local.js';
import { TargetError } from './target.js';

/** What a target needs of its run: the run's Git servers and its reconciler. */
export interface TargetParts {
  git: GitServers;
  reconciler: RunReconciler;
}

/** The parts of the run whose scope this is (the ones its git.serve and flux.* on local use). */
export function targetParts(scope: RunScope): TargetParts {
  return { git: scope.get(gitServers), reconciler: scope.get(runReconciler) };
}

/** Starts the target's Git server among the run's servers. */
export const sharedGitServer =
  (servers: GitServers): StartLocalGitServer =>
  async ({ root, host, port, ctx }) => {
    await mkdir(root, { recursive: true });
    // With a host (kind: the kind network's gateway) or a port (a restart), a server of its own;
    // without, the one git.serve shares.
    const { server, reused, stop } = await servers.serve({ root, cleanup: ctx.cleanup, ...(host ? { host } : {}), ...(port ? { port } : {}) });
    if (!reused) server.log.on('request', (e) => ctx.log(formatRequest(e)));
    return { url: server.url, reused, close: stop };
  };

const SOURCE_KINDS: readonly string[] = ['GitRepository', 'OCIRepository'] satisfies SourceKind[];

function keyOfRef(ref: { kind: string; name: string; namespace?: string }): SourceKey {
  if (!SOURCE_KINDS.includes(ref.kind)) {
    throw new TargetError(`${ref.kind} ${ref.name}: the local target runs Flux sources only (GitRepository, OCIRepository); use --target kind for ${ref.kind}`);
  }
  return { kind: ref.kind as SourceKind, name: ref.name, namespace: ref.namespace ?? 'flux-system' };
}

/** The target's reconciler: the run's. */
export const sharedReconciler = (run: RunReconciler): CreateLocalReconciler => (ctx) => {
  const rec = run.use(ctx);
  return {
    apply(object) {
      if (object.kind !== 'Secret') keyOfRef({ kind: object.kind, name: object.metadata.name });
      let valid;
      try {
        valid = validateLocalObject(object as unknown as Record<string, unknown>, `${object.kind} ${object.metadata.name}`);
      } catch (err) {
        if (err instanceof SourceYamlError) throw new TargetError(err.message);
        throw err;
      }
      if (valid.kind === 'Secret') rec.applySecret(valid);
      else rec.apply(valid);
    },
    status(ref) {
      const entry = rec.get(keyOfRef(ref));
      if (!entry) return undefined;
      const { name, namespace } = entry.object.metadata;
      return { metadata: { name, namespace, generation: entry.generation }, status: entry.status };
    },
    onChange(listener) {
      rec.on('status', listener);
      return () => void rec.off('status', listener);
    },
    use(caller) {
      // The run's reconciler logs its events and measurements in the latest caller's step.
      run.use(caller);
    },
    reconcileNow(ref, opts) {
      const key = keyOfRef(ref);
      if (!rec.get(key)) throw new TargetError(`${keyString(key)} has not been applied (flux.apply first)`);
      // A failed pass is reported in the status (conditions), which the wait reads; a pass
      // not done in time (or cancelled) rejects, so the caller fails instead of waiting on.
      return rec.reconcileNow(key, opts).then(() => undefined);
    },
    stop: () => run.stop(),
  };
};
