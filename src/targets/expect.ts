/**
 * `flux.expect`: check a Flux object's conditions and the revision in use, on any target,
 * the way a workshop check or a tamper step needs it ("SourceVerified=False, reason
 * VerificationError, and the artifact in use is still the signed one"). With
 * `reconcile: true` it first asks for a reconcile (`flux reconcile source oci …`) and checks
 * the status that reconcile left; otherwise it waits up to `timeout` for a match.
 */
import { z } from 'zod';
import { defineAction, type ActionContext, type ActionDefinition } from '../engine/action.js';
import { parseDuration } from '../engine/duration.js';
import { condition, currentFailure, isObserved, isWorking, type StatusPredicate } from '../flux/conditions.js';
import { ConditionExpectationSchema, describeExpectation, describeObject, mismatches, type Expectation } from '../flux/expectation.js';
import { FLUX_KIND_NAMES, guarded, refOfArgs, skipUnlessTarget, targetCtx, targetOf, targetsArg } from './action-support.js';
import type { WaitOutcome } from './target.js';

/** What `flux reconcile` calls each kind. */
const FLUX_RECONCILE_NOUN: Record<(typeof FLUX_KIND_NAMES)[number], string> = {
  OCIRepository: 'source oci',
  GitRepository: 'source git',
  HelmRepository: 'source helm',
  HelmChart: 'source chart',
  Kustomization: 'kustomization',
  HelmRelease: 'helmrelease',
};

/**
 * Done when the controller has finished with the current spec, whatever the outcome: Ready
 * True for the observed generation, or a failure as conditions.ts decides it for every wait
 * (currentFailure: Ready=False written for the current generation, including one it will retry,
 * Reconciling=True/ProgressingWithRetry, and one for a new generation Flux left
 * status.observedGeneration behind on). A missing object ends it too.
 */
export const reconcileSettled: StatusPredicate = (obj) => {
  if (!obj) return { done: true, ok: false, message: 'not found' };
  const succeeded = isObserved(obj) && !isWorking(obj) && condition(obj, 'Ready')?.status === 'True';
  return succeeded || currentFailure(obj) ? { done: true, ok: true, message: 'reconciled' } : { done: false };
};

/** Done when the object matches, or at once when it does not exist (a check before its step fails fast). */
function matching(want: Expectation): StatusPredicate {
  return (obj) => {
    if (!obj) return { done: true, ok: false, message: 'not found' };
    return mismatches(obj, want).length === 0 ? { done: true, ok: true, message: 'matches' } : { done: false };
  };
}

const expectArgs = z.strictObject({
  kind: z.enum(FLUX_KIND_NAMES).describe('Kind of the Flux object.'),
  name: z.string().min(1).describe('Its metadata.name.'),
  namespace: z.string().optional().describe('Its namespace (default: the target\'s, ${target.namespace}).'),
  reconcile: z.boolean().default(false).describe('Ask for a reconcile first (as `flux reconcile` does), then check the status it leaves, once.'),
  conditions: z
    .record(z.string(), ConditionExpectationSchema)
    .default({})
    .describe('Expected conditions by type (Ready, SourceVerified...): `{ SourceVerified: { status: False, reason: VerificationError } }`.'),
  revision: z.string().optional().describe('The revision in use must be exactly this: status.artifact.revision (sources), status.lastAppliedRevision (Kustomization), the chart version (HelmRelease).'),
  whenOwnServer: z
    .enum(['registry', 'git'])
    .optional()
    .describe('Check only where ocilab runs this server (so target.stop really stopped it); elsewhere skipped, the reason printed.'),
  timeout: z
    .string()
    .regex(/^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/)
    .optional()
    .describe('With reconcile: how long the reconcile may take (default 2m); without: how long to wait for a match (default 10s).'),
  targets: targetsArg,
});

function isNotFound(err: unknown): boolean {
  return (err as { code?: number })?.code === 404;
}

export const fluxExpect = defineAction({
  name: 'flux.expect',
  description:
    "Check a Flux object's conditions (e.g. SourceVerified=False/VerificationError) and the revision in use, on any target; with reconcile: true, `flux reconcile` first",
  args: expectArgs,
  timeoutArgument: true,
  plansInDryRun: true,
  formerNames: [{ name: 'reconcile.expect' }],
  run: (args, ctx: ActionContext) =>
    guarded(async () => {
      const skip = skipUnlessTarget(ctx, args.targets, `flux.expect ${args.kind}/${args.name}`);
      if (skip) return skip;
      const t = await targetOf(ctx);
      const label = `${args.kind}/${args.name}`;
      const notOurs = args.whenOwnServer && t.notOwnServer(args.whenOwnServer);
      if (notOurs) {
        ctx.log(`skipped on the ${t.name} target: flux.expect ${label} checks an outage ocilab did not cause — ${notOurs}`);
        return { ok: true };
      }
      const ref = refOfArgs(args, t);
      const want: Expectation = { conditions: args.conditions, ...(args.revision !== undefined ? { revision: args.revision } : {}) };
      let outcome: WaitOutcome;
      try {
        if (args.reconcile) {
          ctx.log(`reconciling ${label} now (flux reconcile ${FLUX_RECONCILE_NOUN[args.kind]} ${args.name} -n ${ref.namespace})`);
          const describe = `the reconcile handled, then check once: ${describeExpectation(want)}`;
          outcome = await t.reconcile(ref, { condition: 'Ready', predicate: reconcileSettled, describe, timeoutMs: parseDuration(args.timeout ?? '2m')! }, targetCtx(ctx));
        } else {
          const describe = `check: ${describeExpectation(want)}`;
          outcome = await t.waitReady(ref, { condition: 'Ready', predicate: matching(want), describe, timeoutMs: parseDuration(args.timeout ?? '10s')! }, targetCtx(ctx));
        }
      } catch (err) {
        if (isNotFound(err)) return { ok: false, message: `${label} in ${ref.namespace} does not exist (apply it first)` };
        throw err;
      }
      if (t.plan) return { ok: true };
      // A reconcile that was not handled in time says nothing about the status left behind.
      if (args.reconcile && !outcome.ok) return { ok: false, message: `${label}: ${outcome.message}` };
      if (!outcome.object) return { ok: false, message: `${label}: ${outcome.message}` };
      for (const line of describeObject(label, outcome.object)) ctx.log(line);
      const wrong = mismatches(outcome.object, want);
      return wrong.length === 0 ? { ok: true } : { ok: false, message: `${label} in ${ref.namespace}: ${wrong.join('; ')}` };
    }),
});

export const expectActions: ActionDefinition<any>[] = [fluxExpect];
