/**
 * The local target's two ports, filled from the git area: the Git server (src/git/server,
 * shared with git.serve through src/git/running.ts) and the local reconciler (src/reconcile,
 * one per run through reconcilerFor). A scenario may add `git.serve` to `target.up`: it gets
 * one server per directory.
 */
import { mkdir } from 'node:fs/promises';
import { formatRequest } from '../git/server/request-log.js';
import { serveRoot } from '../git/running.js';
import { reconcilerFor, stopReconcilerFor } from '../reconcile/actions.js';
import { keyString, type SourceKey } from '../reconcile/reconciler.js';
import { SourceYamlError, validateLocalObject } from '../flux/sources.js';
import type { SourceKind } from '../flux/types.js';
import type { CreateLocalReconciler, StartLocalGitServer } from './local.js';
import { TargetError } from './target.js';

export const startSharedGitServer: StartLocalGitServer = async ({ root, host, port, ctx }) => {
  await mkdir(root, { recursive: true });
  // With a host (kind: the kind network's gateway) or a port (a restart), a server of its own;
  // without, the one git.serve shares.
  const { server, reused, stop } = await serveRoot({ root, cleanup: ctx.cleanup, ...(host ? { host } : {}), ...(port ? { port } : {}) });
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

export const createSharedReconciler: CreateLocalReconciler = (ctx) => {
  const rec = reconcilerFor(ctx);
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
    use(scope) {
      // reconcilerFor keeps the latest caller as the scope its events and measurements go to.
      reconcilerFor(scope);
    },
    reconcileNow(ref, opts) {
      const key = keyOfRef(ref);
      if (!rec.get(key)) throw new TargetError(`${keyString(key)} has not been applied (flux.apply first)`);
      // A failed pass is reported in the status (conditions), which the wait reads; a pass
      // not done in time (or cancelled) rejects, so the caller fails instead of waiting on.
      return rec.reconcileNow(key, opts).then(() => undefined);
    },
    stop: () => stopReconcilerFor(ctx.workDir),
  };
};
