/**
 * What the target actions share: the run's target, the TargetContext built from an action's
 * context, a thrown error → failed step (engine/action-helpers.ts), and the `targets:` argument that limits an action to
 * some targets (skipped elsewhere, with the reason printed).
 */
import { z } from 'zod';
import type { ActionContext, ActionResult, TargetName } from '../engine/action.js';
import { scopeSlot, type RunScope } from '../engine/run-scope.js';
import { HELM_API } from '../flux/helm.js';
import { KUSTOMIZE_API, SOURCE_API } from '../flux/types.js';
import type { ObjectRef } from '../kube/resources.js';
import type { Target, TargetContext } from './target.js';

/** The run's target, in its scope: the one `ocilab run` built from its flags, else made on first use. */
const runTarget = scopeSlot<{ target?: Promise<Target> }>('target', () => ({}));

/** Make `target` the run's (ocilab run: the target built from its flags, with targetParts of the same scope). */
export function setRunTarget(scope: RunScope, target: Target): void {
  scope.get(runTarget).target = Promise.resolve(target);
}

/**
 * The run's target; a run without one set (tests, other front ends) gets one of `ctx.target`
 * on first use, made with the run's Git servers and reconciler. Imported lazily: the kind and
 * cluster targets load @kubernetes/client-node (~1 s of CPU).
 */
export function targetOf(ctx: ActionContext): Promise<Target> {
  const held = ctx.scope.get(runTarget);
  held.target ??= import('./index.js')
    .then(({ createTarget, targetParts }) => createTarget(ctx.target, ctx.plan ? { plan: ctx.plan } : {}, targetParts(ctx.scope)))
    .catch((err: unknown) => {
      held.target = undefined; // the next action tries again
      throw err;
    });
  return held.target;
}

export function targetCtx(ctx: ActionContext): TargetContext {
  return { signal: ctx.signal, log: (l, stream) => ctx.log(l, stream), cleanup: ctx.cleanup, workDir: ctx.workDir, report: ctx.report };
}

/** The one error wrapper of actions (engine/action-helpers.ts): a thrown error becomes a failed step with its message. */
export { guarded } from '../engine/action-helpers.js';

/** `targets: [kind, cluster]`: the action runs on those targets only. */
export const targetsArg = z
  .array(z.enum(['local', 'kind', 'cluster']))
  .min(1)
  .optional()
  .describe('Run this action on these targets only; elsewhere it is skipped and the reason printed.');

/** Why a part of a scenario cannot run on a target (printed when it is skipped). */
const WHY: Record<TargetName, string> = {
  local: 'the local target has no Kubernetes and no kustomize-controller (its reconciler stands in for source-controller only)',
  kind: 'it measures or changes what only exists on the local target',
  cluster: 'it measures or changes what only exists on the local target',
};

/** A result when the action must be skipped on this run's target, after printing why; undefined to run it. */
export function skipUnlessTarget(ctx: ActionContext, targets: readonly TargetName[] | undefined, what: string): ActionResult | undefined {
  if (!targets || targets.includes(ctx.target)) return undefined;
  ctx.log(`skipped on the ${ctx.target} target: ${what} runs on ${targets.join(', ')} only; ${WHY[ctx.target]}`);
  return { ok: true };
}

export const FLUX_KINDS = {
  OCIRepository: SOURCE_API,
  GitRepository: SOURCE_API,
  Kustomization: KUSTOMIZE_API,
  HelmRepository: SOURCE_API,
  HelmChart: SOURCE_API,
  HelmRelease: HELM_API,
} as const;
/** The kinds flux.wait / flux.expect / flux.reconcile accept. */
export const FLUX_KIND_NAMES = Object.keys(FLUX_KINDS) as [keyof typeof FLUX_KINDS, ...(keyof typeof FLUX_KINDS)[]];

export function refOfArgs(a: { kind: keyof typeof FLUX_KINDS; name: string; namespace?: string }, t: Target): ObjectRef {
  return { apiVersion: FLUX_KINDS[a.kind], kind: a.kind, name: a.name, namespace: a.namespace ?? t.namespace };
}
