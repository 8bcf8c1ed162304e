/**
 * Scenario actions of the local reconciler: reconcile.apply, reconcile.wait, reconcile.expect.
 * One LocalReconciler per run (run-reconciler.ts: the run scope's `runReconciler` slot,
 * storage under the run's workDir), stopped by the run's cleanup.
 * Variables set: source.revision, source.digest, source.artifact (path of the stored .tar.gz).
 */
import { join } from 'node:path';
import { z } from 'zod';
import { defineAction, type ActionContext, type ActionDefinition } from '../engine/action.js';
import { readScenarioFile } from '../engine/action-helpers.js';
import { deadline } from '../engine/deadline.js';
import { getCondition } from './conditions.js';
import { ConditionExpectationSchema, describeStatus, statusMismatches, type StatusExpectation } from './expectation.js';
import { keyOf, keyString, type LocalReconciler, type SourceKey } from './reconciler.js';
import { runReconciler } from './run-reconciler.js';
import { durationMs, parseLocalObjects, type SourceObject } from './schema.js';
import type { SourceStatus } from './status.js';

/** The run's reconciler (one per run, in its scope), with this action as the step its events go to. */
const reconcilerFor = (ctx: ActionContext): LocalReconciler => ctx.scope.get(runReconciler).use(ctx);

export const reconcileApply = defineAction({
  name: 'reconcile.apply',
  description: 'Apply Flux source YAML (GitRepository/OCIRepository, source.toolkit.fluxcd.io/v1, plus v1 Secrets for verify.secretRef) to the local reconciler.',
  args: z.union([
    z.string().describe('The YAML file alone, relative to the scenario file.'),
    z.object({
      file: z.string().optional().describe('YAML file, relative to the scenario file; its `${name}` references are replaced from the run\'s variables.'),
      yaml: z.string().optional().describe('The YAML inline (interpolated like any argument).'),
    }),
  ]),
  sets: {
    'source.kind': 'Kind of the last source applied (GitRepository or OCIRepository).',
    'source.name': 'Its name.',
    'source.namespace': 'Its namespace.',
  },
  async run(args, ctx) {
    try {
      let text: string;
      let origin: string;
      if (typeof args === 'string' || args.file) {
        ({ path: origin, text } = await readScenarioFile(ctx, typeof args === 'string' ? args : args.file!, 'reconcile.apply'));
      } else if (args.yaml) {
        text = args.yaml;
        origin = 'inline yaml';
      } else {
        return { ok: false, message: 'reconcile.apply needs a file or yaml' };
      }
      const objects = parseLocalObjects(text, origin);
      const rec = reconcilerFor(ctx);
      for (const o of objects.filter((x) => x.kind === 'Secret')) {
        rec.applySecret(o);
        ctx.log(`Secret/${o.metadata.namespace}/${o.metadata.name} applied (${Object.keys({ ...o.data, ...o.stringData }).join(', ')})`, 'info');
      }
      const sources = objects.filter((x): x is SourceObject => x.kind !== 'Secret');
      for (const o of sources) {
        const entry = rec.apply(o);
        ctx.log(`${keyString(keyOf(o))} applied (generation ${entry.generation})`, 'info');
      }
      const last = sources.at(-1)!;
      Object.assign(ctx.vars, { 'source.kind': last.kind, 'source.name': last.metadata.name, 'source.namespace': last.metadata.namespace });
      return { ok: true };
    } catch (err) {
      return { ok: false, message: (err as Error).message };
    }
  },
});

export const reconcileWait = defineAction({
  name: 'reconcile.wait',
  description: 'Wait until a source is Ready with an artifact (optionally a new revision); sets source.revision.',
  args: z
    .object({
      kind: z.enum(['GitRepository', 'OCIRepository']).optional().describe('Kind of the source. Default: ${source.kind} (the last reconcile.apply).'),
      name: z.string().optional().describe('Its name. Default: ${source.name}.'),
      namespace: z.string().optional().describe('Its namespace. Default: ${source.namespace}, else flux-system.'),
      timeout: z.string().regex(/^(\d+(\.\d+)?(ms|s|m|h))+$/).default('60s').describe('Give up after this long.'),
      newRevision: z.boolean().optional().describe('Reconcile now and wait for a revision other than the current one (after a push).'),
      revision: z.string().optional().describe('Wait for exactly this artifact revision.'),
    })
    .default({ timeout: '60s' }),
  sets: {
    'source.revision': 'The stored artifact\'s revision, e.g. `main@sha1:<commit>` or `latest@sha256:<digest>`.',
    'source.digest': 'The stored artifact\'s digest.',
    'source.artifact': 'Path of the stored artifact in the run\'s work dir.',
  },
  async run(args, ctx) {
    const key = sourceKeyOf(args, ctx);
    const rec = reconcilerFor(ctx);
    const entry = rec.get(key);
    if (!entry) return { ok: false, message: `${keyString(key)} has not been applied (reconcile.apply first)` };
    const notRevision = args.newRevision ? entry.status.artifact?.revision : undefined;
    const started = performance.now();
    try {
      const limit = deadline(durationMs(args.timeout), ctx.signal, `waiting for ${keyString(key)}`);
      if (args.newRevision) void rec.reconcileNow(key, { signal: limit.signal }).catch(() => undefined);
      const status = await rec.waitReady(key, { signal: limit.signal, notRevision, revision: args.revision }).finally(() => limit.dispose());
      const a = status.artifact!;
      Object.assign(ctx.vars, { 'source.revision': a.revision, 'source.digest': a.digest, 'source.artifact': join(ctx.workDir, 'source-storage', a.path) });
      ctx.log(`${keyString(key)} Ready: ${getCondition(status.conditions, 'Ready')?.message}`, 'info');
      ctx.report({ method: `${key.kind} reconcile`, metric: 'wall_ms', value: performance.now() - started, method_note: 'until Ready, single run' });
      return { ok: true };
    } catch (err) {
      return { ok: false, message: (err as Error).message };
    }
  },
});

/** The source named by the args, else by the last reconcile.apply (source.kind/name/namespace). */
function sourceKeyOf(args: { kind?: SourceKey['kind']; name?: string; namespace?: string }, ctx: ActionContext): SourceKey {
  return {
    kind: args.kind ?? ((ctx.vars['source.kind'] as SourceKey['kind'] | undefined) ?? 'GitRepository'),
    name: args.name ?? ctx.vars['source.name'] ?? '',
    namespace: args.namespace ?? ctx.vars['source.namespace'] ?? 'flux-system',
  };
}

/** Until `status` of `key` matches (resolves the matching status) or the signal aborts (resolves undefined). */
function untilMatches(rec: LocalReconciler, key: SourceKey, want: StatusExpectation, signal: AbortSignal): Promise<SourceStatus | undefined> {
  return new Promise((resolve) => {
    const done = (s: SourceStatus | undefined) => {
      rec.off('status', onStatus);
      signal.removeEventListener('abort', onAbort);
      resolve(s);
    };
    const onStatus = (c: { key: SourceKey; status: SourceStatus }) => {
      if (keyString(c.key) === keyString(key) && statusMismatches(c.status, want).length === 0) done(c.status);
    };
    const onAbort = () => done(undefined);
    if (signal.aborted) return done(undefined);
    rec.on('status', onStatus);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export const reconcileExpect = defineAction({
  name: 'reconcile.expect',
  description:
    'Check a source\'s conditions (e.g. SourceVerified=False/VerificationError) and the artifact revision in use; with reconcile: true, one pass first (flux reconcile source).',
  args: z.strictObject({
    kind: z.enum(['GitRepository', 'OCIRepository']).optional().describe('Kind of the source. Default: ${source.kind} (the last reconcile.apply).'),
    name: z.string().optional().describe('Its name. Default: ${source.name}.'),
    namespace: z.string().optional().describe('Its namespace. Default: ${source.namespace}, else flux-system.'),
    reconcile: z.boolean().default(false).describe('Run one reconcile pass now, then check once (what `flux reconcile source oci <name>` asks for).'),
    conditions: z
      .record(z.string(), ConditionExpectationSchema)
      .default({})
      .describe('Expected conditions by type (Ready, SourceVerified...): `{ SourceVerified: { status: False, reason: VerificationError } }`.'),
    revision: z.string().optional().describe('status.artifact.revision must be exactly this, e.g. the last good revision that must stay in use.'),
    timeout: z
      .string()
      .regex(/^(\d+(\.\d+)?(ms|s|m|h))+$/)
      .optional()
      .describe('With reconcile: how long the pass may take (default 2m); without: how long to wait for the status to match (default 10s).'),
  }),
  async run(args, ctx) {
    const key = sourceKeyOf(args, ctx);
    const rec = reconcilerFor(ctx);
    if (!rec.get(key)) return { ok: false, message: `${keyString(key)} has not been applied (reconcile.apply first)` };
    const want: StatusExpectation = { conditions: args.conditions, revision: args.revision };
    let status: SourceStatus;
    if (args.reconcile) {
      ctx.log(`reconciling ${keyString(key)} now (flux reconcile source ${key.kind === 'OCIRepository' ? 'oci' : 'git'} ${key.name} -n ${key.namespace})`, 'info');
      try {
        status = await rec.reconcileNow(key, { signal: ctx.signal, timeoutMs: durationMs(args.timeout ?? '2m') });
      } catch (err) {
        return { ok: false, message: (err as Error).message };
      }
    } else {
      status = rec.get(key)!.status;
      if (statusMismatches(status, want).length > 0) {
        const limit = deadline(durationMs(args.timeout ?? '10s'), ctx.signal, `waiting for ${keyString(key)}`);
        status = (await untilMatches(rec, key, want, limit.signal).finally(() => limit.dispose())) ?? rec.get(key)!.status;
      }
    }
    for (const line of describeStatus(`${key.kind}/${key.name}`, status)) ctx.log(line);
    const wrong = statusMismatches(status, want);
    return wrong.length === 0 ? { ok: true } : { ok: false, message: `${keyString(key)}: ${wrong.join('; ')}` };
  },
});

export const reconcileActions: ActionDefinition<any>[] = [reconcileApply, reconcileWait, reconcileExpect];
