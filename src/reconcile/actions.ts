/**
 * Scenario actions of the local reconciler: reconcile.apply and reconcile.wait.
 * One LocalReconciler per run (storage under the run's workDir), stopped by the run's cleanup.
 * Variables set: source.revision, source.digest, source.artifact (path of the stored .tar.gz).
 */
import { join } from 'node:path';
import { z } from 'zod';
import { defineAction, type ActionContext, type ActionDefinition } from '../engine/action.js';
import { readScenarioFile } from '../engine/action-helpers.js';
import { fluxTarballArchive } from './archive.js';
import { deadline } from '../engine/deadline.js';
import { getCondition } from './conditions.js';
import { LOCAL_RECONCILER_DIFFERENCES } from './differences.js';
import { ConditionExpectationSchema, describeStatus, statusMismatches, type StatusExpectation } from './expectation.js';
import { LocalReconciler, keyOf, keyString, type PassRecord, type SourceKey } from './reconciler.js';
import { serverFor } from '../git/running.js';
import { durationMs, parseLocalObjects, type SourceObject } from './schema.js';
import { ArtifactStorage } from './storage.js';
import type { SourceStatus } from './status.js';
import type { SourceVerifier } from './verifier.js';

const perRun = new Map<string, { rec: LocalReconciler; stop: () => Promise<void> }>();
/** The scope of the latest caller that used the run's reconciler: its events and passes are logged in that step. */
const latestScope = new Map<string, ReconcilerScope>();
const pendingVerifiers: SourceVerifier[] = [];

/** Let another area (cosign) plug its verifier into every local reconciler of this process. */
export function registerSourceVerifier(v: SourceVerifier): void {
  pendingVerifiers.push(v);
  for (const { rec } of perRun.values()) rec.addVerifier(v);
}

/** What reconcilerFor needs of its caller: an action's context, or the local target's (no measurements there unless given). */
export type ReconcilerScope = Pick<ActionContext, 'workDir' | 'cleanup' | 'log'> & { report?: ActionContext['report'] };

/**
 * The run's reconciler (one per workDir, shared by the reconcile.* actions and the local
 * target), created and started on first use; the run's cleanup stops it.
 */
export function reconcilerFor(ctx: ReconcilerScope): LocalReconciler {
  latestScope.set(ctx.workDir, ctx);
  const running = perRun.get(ctx.workDir);
  if (running) return running.rec;
  const rec = new LocalReconciler({ storage: new ArtifactStorage(join(ctx.workDir, 'source-storage'), fluxTarballArchive), verifiers: pendingVerifiers });
  ctx.log('local reconciler (stand-in for source-controller); where it differs:', 'info');
  for (const d of LOCAL_RECONCILER_DIFFERENCES) ctx.log(`  - ${d}`, 'info');
  const now = () => latestScope.get(ctx.workDir) ?? ctx;
  rec.on('event', (e) => now().log(`${e.kind}/${e.name} ${e.type} ${e.reason}: ${e.message}`, e.type === 'Warning' ? 'stderr' : 'info'));
  rec.on('pass', (p) => {
    const report = now().report ?? ctx.report;
    if (report) void reportPass(report, p);
  });
  const stop = ctx.cleanup.add('local reconciler', async () => {
    perRun.delete(ctx.workDir);
    latestScope.delete(ctx.workDir);
    await rec.stop();
  });
  perRun.set(ctx.workDir, { rec, stop });
  rec.start();
  return rec;
}

/** Stop the run's reconciler now (target.down), if it runs; the next reconcilerFor starts a new one. */
export async function stopReconcilerFor(workDir: string): Promise<void> {
  await perRun.get(workDir)?.stop();
}

/** Each pass as measurements: wall time, and our Git server's bytes and CPU for it when it is ours. */
async function reportPass(report: ActionContext['report'], p: PassRecord): Promise<void> {
  const method = `${p.key.kind} pass (${p.outcome})`;
  report({ method, metric: 'wall_ms', value: p.durationMs, method_note: 'single pass' });
  const server = serverFor(p.url);
  if (!server) return;
  await server.settled();
  const t = server.log.cloneTotals(p.passId);
  if (!t) return;
  report({ method, metric: 'bytes_down', value: t.bytesOut, method_note: 'server socket counters' });
  report({ method, metric: 'server_cpu_ms', value: t.cpuMs, method_note: 'git tree rusage' });
  report({ method, metric: 'requests', value: t.requests });
}

export const reconcileApply = defineAction({
  name: 'reconcile.apply',
  description: 'Apply Flux source YAML (GitRepository/OCIRepository, source.toolkit.fluxcd.io/v1, plus v1 Secrets for verify.secretRef) to the local reconciler.',
  args: z.union([z.string(), z.object({ file: z.string().optional(), yaml: z.string().optional() })]),
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
      kind: z.enum(['GitRepository', 'OCIRepository']).optional(),
      name: z.string().optional(),
      namespace: z.string().optional(),
      timeout: z.string().regex(/^(\d+(\.\d+)?(ms|s|m|h))+$/).default('60s'),
      /** Wait for a revision other than the current one (after a push), and reconcile now. */
      newRevision: z.boolean().optional(),
      revision: z.string().optional(),
    })
    .default({ timeout: '60s' }),
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
    kind: z.enum(['GitRepository', 'OCIRepository']).optional(),
    name: z.string().optional(),
    namespace: z.string().optional(),
    /** Run one reconcile pass now, then check once (what `flux reconcile source oci <name>` does). */
    reconcile: z.boolean().default(false),
    conditions: z.record(z.string(), ConditionExpectationSchema).default({}),
    /** status.artifact.revision must be exactly this, e.g. the last good revision that must stay in use. */
    revision: z.string().optional(),
    /** With reconcile: how long the pass may take (default 2m); without: how long to wait for the status to match (default 10s). */
    timeout: z.string().regex(/^(\d+(\.\d+)?(ms|s|m|h))+$/).optional(),
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
