/**
 * Scenario actions that act on the run's target: `target.up`, `target.down`, `flux.apply`,
 * `flux.wait`, `flux.reconcile`. Written once, they run on local, kind and cluster; in
 * `--dry-run` they record into the plan (the targets do) and touch nothing.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { defineAction, type ActionContext, type ActionDefinition } from '../engine/action.js';
import { parseDuration } from '../engine/duration.js';
import { interpolateString } from '../engine/interpolate.js';
import { parseMultiDocYaml } from '../flux/render.js';
import { objectPath, type ObjectRef } from '../kube/resources.js';
import { buildObject, durationArg, objectArgs } from './apply-args.js';
import { FLUX_KIND_NAMES, guarded, refOfArgs, skipUnlessTarget, targetCtx, targetOf, targetsArg } from './action-support.js';
import { seedDryRunVars } from './dry-run.js';
import { expectActions } from './expect.js';
import { outageActions } from './outage.js';
import { repoActions } from './repo.js';
import { scaleActions } from './scale.js';
import { tamperActions } from './tamper.js';
import { TargetError, type Target, type TargetObject, type WaitCondition } from './target.js';
import { fluxIdentity } from './identity.js';
import { fluxMeasure } from './flux-measure.js';

export { targetOf } from './action-support.js';
export { buildObject } from './apply-args.js';

export const targetUp = defineAction({
  name: 'target.up',
  description: 'Bring up the run target (local: registry + Git server; kind: cluster + registry + Flux; cluster: Flux check + namespace); sets registry.host, registry.url, registry.pull, git.url, git.pull, target.namespace, and target.git.dir / target.registry.dir (what ocilab serves itself, for measure.compare servers:; empty when the target\'s Git server or registry is not ocilab\'s)',
  args: z.object({}).strict().default({}),
  plansInDryRun: true,
  run: (_args, ctx) =>
    guarded(async () => {
      const t = await targetOf(ctx);
      await t.prepare(targetCtx(ctx));
      ctx.vars['target.namespace'] = t.namespace;
      // Prefix for namespaces a scenario's Kustomizations fill: kind is ocilab's own cluster,
      // on a shared cluster they carry the attendee's namespace.
      ctx.vars['target.apps'] = t.name === 'cluster' ? t.namespace : 'demo';
      ctx.vars['target.flux'] = t.name === 'local' ? "ocilab's local reconciler (standing in for source-controller)" : "Flux's source-controller";
      try {
        const reg = t.registryUrl();
        ctx.vars['registry.host'] = reg.host;
        ctx.vars['registry.url'] = `${reg.insecure ? 'http' : 'https'}://${reg.host}`;
        ctx.vars['registry.pull'] = reg.cluster;
        ctx.vars['registry.insecure'] = String(reg.insecure);
      } catch (err) {
        if (!(err instanceof TargetError)) throw err;
        ctx.log(`registry: ${err.message}`);
      }
      try {
        const git = t.gitUrl();
        ctx.vars['git.url'] = git.host;
        ctx.vars['git.pull'] = git.cluster;
      } catch (err) {
        if (!(err instanceof TargetError)) throw err;
        ctx.log(`git: ${err.message}`);
      }
      // measure.compare's `servers:` restarts ocilab's own Git server and registry in their own
      // processes (server CPU). Only fair when both are ocilab's: kind's registry is a
      // container, the cluster target's are the user's; then both are empty and server CPU is n/a.
      const gitDir = t.gitRoot();
      const registryDir = t.registryRoot();
      const own = gitDir !== undefined && registryDir !== undefined;
      ctx.vars['target.git.dir'] = own ? gitDir : '';
      ctx.vars['target.registry.dir'] = own ? registryDir : '';
      if (ctx.plan) seedDryRunVars(ctx.vars);
      return { ok: true };
    }),
});

export const targetDown = defineAction({
  name: 'target.down',
  description: 'Remove what this run created on the target (never what it found there); kind keeps its cluster for the next run',
  args: z.object({}).strict().default({}),
  plansInDryRun: true,
  run: (_args, ctx) =>
    guarded(async () => {
      for (const line of await (await targetOf(ctx)).teardown(targetCtx(ctx))) ctx.log(line);
      return { ok: true };
    }),
});

const name = z.string().min(1);
const duration = durationArg;

const applyArgs = z.union([
  z.object({ yaml: z.string().min(1), targets: targetsArg }).strict(),
  /** `${var}` in the file are replaced from the run's variables. */
  z.object({ file: z.string().min(1), targets: targetsArg }).strict(),
  objectArgs,
]);
type ApplyArgs = z.infer<typeof applyArgs>;

/** Objects from YAML text: each needs apiVersion, kind and metadata.name, of a kind ocilab knows where to apply. */
export function objectsFromYaml(text: string, source: string, namespace: string): TargetObject[] {
  return parseMultiDocYaml(text, source).map((doc, i) => {
    const o = doc as Partial<TargetObject>;
    if (typeof o?.apiVersion !== 'string' || typeof o.kind !== 'string' || typeof o.metadata?.name !== 'string') {
      throw new TargetError(`${source}: document ${i + 1} needs apiVersion, kind and metadata.name`);
    }
    const object = { ...o, metadata: { ...o.metadata, ...(o.kind === 'Namespace' ? {} : { namespace: o.metadata.namespace ?? namespace }) } } as TargetObject;
    try {
      objectPath({ apiVersion: object.apiVersion, kind: object.kind, name: object.metadata.name, namespace: object.metadata.namespace });
    } catch (err) {
      throw new TargetError(`${source}: document ${i + 1}: ${(err as Error).message}`);
    }
    return object;
  });
}

async function objectsOf(a: ApplyArgs, ctx: ActionContext, namespace: string): Promise<TargetObject[]> {
  if ('yaml' in a) return objectsFromYaml(a.yaml, 'flux.apply yaml', namespace);
  if ('file' in a) {
    const path = resolve(ctx.scenarioDir, a.file);
    const raw = await readFile(path, 'utf8').catch((err: Error) => {
      throw new TargetError(`flux.apply: cannot read ${path}: ${err.message}`);
    });
    let text: string;
    try {
      text = interpolateString(raw, ctx.vars);
    } catch (err) {
      throw new TargetError(`flux.apply: ${path}: ${(err as Error).message}`);
    }
    return objectsFromYaml(text, path, namespace);
  }
  return [buildObject(a, namespace)];
}

export const fluxApply = defineAction({
  name: 'flux.apply',
  description: 'Apply Flux objects on the target: built from arguments (kind: OCIRepository|GitRepository|Kustomization|HelmRepository|HelmChart|HelmRelease), or from yaml / file',
  args: applyArgs,
  plansInDryRun: true,
  // reconcile.apply took a bare file path too.
  formerNames: [{ name: 'reconcile.apply', args: (old) => (typeof old === 'string' ? { file: old } : old) }],
  run: (args, ctx) =>
    guarded(async () => {
      const what = 'yaml' in args ? 'flux.apply (yaml)' : 'file' in args ? `flux.apply ${args.file}` : `flux.apply ${args.kind}/${args.name}`;
      const skip = skipUnlessTarget(ctx, args.targets, what);
      if (skip) return skip;
      const t = await targetOf(ctx);
      let objects: TargetObject[];
      try {
        objects = await objectsOf(args, ctx, t.namespace);
      } catch (err) {
        if ((err as Error).name === 'FluxObjectError') return { ok: false, message: `flux.apply: ${(err as Error).message}` };
        throw err;
      }
      for (const o of objects) await t.applySource(o, targetCtx(ctx));
      return { ok: true };
    }),
});

const refArgs = {
  kind: z.enum(FLUX_KIND_NAMES),
  name,
  namespace: z.string().optional(),
  /** How long to wait (default 2m). */
  timeout: duration.optional(),
  targets: targetsArg,
};

const waitArgs = z
  .object({
    ...refArgs,
    for: z.enum(['Ready', 'SourceVerified', 'ArtifactInStorage']).default('Ready'),
    /** Wait for this artifact revision (sources) or applied revision (Kustomization). */
    revision: z.string().optional(),
    /** `failure`: the step passes when Flux reports the failure (e.g. a broken signature), with Flux's message. */
    expect: z.enum(['success', 'failure']).default('success'),
    /** Also report the wait's wall time (until Flux reports) under this label in the measurements panel, e.g. `OCIRepository reconcile`. */
    method: z.string().min(1).optional(),
  })
  .strict();

/** reconcile.wait's arguments as flux.wait takes them: its default timeout (60s), its measurement label. */
function fromReconcileWait(old: unknown): unknown {
  if (old === null || typeof old !== 'object' || Array.isArray(old)) return old;
  const a = old as Record<string, unknown>;
  return { ...a, timeout: a['timeout'] ?? '60s', ...(typeof a['kind'] === 'string' && a['method'] === undefined ? { method: `${a['kind']} reconcile` } : {}) };
}


function report(
  ctx: ActionContext,
  a: { kind: string; name: string; expect?: 'success' | 'failure' },
  o: { ok: boolean; message: string; revision?: string; object?: { status?: { artifact?: { digest?: string; url?: string } } } },
  dryRun: boolean,
) {
  // `flux.<name>.*` is the last object of that name; `flux.<Kind>.<name>.*` that kind's only
  // (helm-oci's OCIRepository and HelmRelease are both podinfo-lite: a HelmRelease's revision
  // is its chart version, not the source's artifact revision).
  const keys = [`flux.${a.name}`, `flux.${a.kind}.${a.name}`];
  ctx.vars['flux.message'] = o.message;
  for (const k of keys) ctx.vars[`${k}.message`] = o.message;
  // Dry-run waits for nothing: later steps see where the revision would be.
  const revisionFor = (k: string) => o.revision ?? (dryRun && !ctx.vars[`${k}.revision`] ? `<revision of ${a.name}>` : undefined);
  const revision = revisionFor(keys[0]!);
  if (revision) ctx.vars['flux.revision'] = revision;
  for (const k of keys) {
    const r = revisionFor(k);
    if (r) ctx.vars[`${k}.revision`] = r;
  }
  const digest = o.object?.status?.artifact?.digest;
  if (digest) {
    ctx.vars['flux.digest'] = digest;
    for (const k of keys) ctx.vars[`${k}.digest`] = digest;
  }
  // The stored tarball, where it is a file on this machine (the local target's storage);
  // in a cluster it is behind source-controller's service, not set.
  const stored = o.object?.status?.artifact?.url;
  if (stored?.startsWith('file:')) {
    ctx.vars['flux.artifact'] = fileURLToPath(stored);
    for (const k of keys) ctx.vars[`${k}.artifact`] = fileURLToPath(stored);
  }
  ctx.log(`${o.ok ? 'Flux says' : 'Flux reports'}: ${o.message}${o.revision ? ` (revision ${o.revision})` : ''}`);
  if (dryRun) return { ok: true };
  const wanted = (a.expect ?? 'success') === 'success';
  if (o.ok === wanted) return { ok: true };
  return { ok: false, message: wanted ? o.message : `expected Flux to report a failure, but it says: ${o.message}` };
}

export const fluxWait = defineAction({
  name: 'flux.wait',
  description:
    "Wait until a Flux object is Ready / SourceVerified / ArtifactInStorage (or fails, in Flux's own words); sets flux.revision, flux.message, flux.digest (and flux.<name>.* of each), and on the local target flux.artifact: the stored tarball",
  args: waitArgs,
  timeoutArgument: true,
  plansInDryRun: true,
  formerNames: [{ name: 'reconcile.wait', args: fromReconcileWait }],
  run: (args, ctx) =>
    guarded(async () => {
      const skip = skipUnlessTarget(ctx, args.targets, `flux.wait ${args.kind}/${args.name}`);
      if (skip) return skip;
      const t = await targetOf(ctx);
      const req = { condition: args.for as WaitCondition, timeoutMs: parseDuration(args.timeout ?? '2m')!, ...(args.revision ? { revision: args.revision } : {}) };
      const outcome = await t.waitReady(refOfArgs(args, t), req, targetCtx(ctx));
      if (args.method && !t.plan && outcome.ok) ctx.report({ method: args.method, metric: 'wall_ms', value: outcome.elapsedMs, method_note: `until ${args.for}, single run` });
      return report(ctx, args, outcome, t.plan !== undefined);
    }),
});

export const fluxReconcile = defineAction({
  name: 'flux.reconcile',
  description: 'Ask Flux to reconcile an object now (as `flux reconcile` does) and wait until it has (Ready, or Flux\'s failure message)',
  args: z.object({ ...refArgs, expect: z.enum(['success', 'failure']).default('success') }).strict(),
  timeoutArgument: true,
  plansInDryRun: true,
  run: (args, ctx) =>
    guarded(async () => {
      const skip = skipUnlessTarget(ctx, args.targets, `flux.reconcile ${args.kind}/${args.name}`);
      if (skip) return skip;
      const t = await targetOf(ctx);
      const outcome = await t.reconcile(refOfArgs(args, t), { condition: 'Ready', timeoutMs: parseDuration(args.timeout ?? '2m')! }, targetCtx(ctx));
      return report(ctx, args, outcome, t.plan !== undefined);
    }),
});

export const targetsActions: ActionDefinition<any>[] = [targetUp, targetDown, fluxApply, fluxWait, fluxReconcile, ...expectActions, ...outageActions, ...repoActions, ...tamperActions, ...scaleActions, fluxMeasure, fluxIdentity];
