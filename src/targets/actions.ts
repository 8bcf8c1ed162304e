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
import { readScenarioFile } from '../engine/action-helpers.js';
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
  sets: {
    'target.namespace': 'The namespace Flux objects go to (flux-system on local and kind; the attendee\'s on a shared cluster).',
    'target.apps': 'Prefix for the namespaces a scenario\'s Kustomizations fill: `demo`, or the attendee\'s namespace on the cluster target.',
    'target.flux': 'Who fetches sources, in words: Flux\'s source-controller, or ocilab\'s local reconciler standing in for it.',
    'registry.host': '`host:port` (and path) where this machine pushes, e.g. `127.0.0.1:40123`, `localhost:5001`.',
    'registry.pull': 'Where Flux pulls from, e.g. `oci://kind-registry:5000` (differs from registry.host on kind).',
    'registry.insecure': '`true` when the registry is plain HTTP (the OCIRepository then needs `insecure: true`), else `false`.',
    'git.url': 'Base URL of the target\'s Git server, from this machine (repositories are `<url>/<name>.git`).',
    'git.pull': 'Base URL Flux clones from.',
    'target.git.dir': 'The directory ocilab\'s own Git server serves, when both servers are ocilab\'s (for measure.compare servers:); else empty.',
    'target.registry.dir': 'The storage of ocilab\'s own registry, when both servers are ocilab\'s; else empty.',
  },
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
  z.object({ yaml: z.string().min(1).describe('Flux objects as YAML (several documents allowed); each needs apiVersion, kind and metadata.name.'), targets: targetsArg }).strict(),
  z
    .object({
      file: z.string().min(1).describe('A YAML file of Flux objects, relative to the scenario file; its `${name}` references are replaced from the run\'s variables.'),
      targets: targetsArg,
    })
    .strict(),
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
    const { path, text } = await readScenarioFile(ctx, a.file, 'flux.apply');
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
  kind: z.enum(FLUX_KIND_NAMES).describe('Kind of the Flux object.'),
  name: name.describe('Its metadata.name.'),
  namespace: z.string().optional().describe('Its namespace (default: the target\'s, ${target.namespace}).'),
  timeout: duration.optional().describe('How long to wait (default 2m).'),
  targets: targetsArg,
};

/** Flux's words for the outcome: success, or `failure` when the step is to show Flux refusing (a broken signature). */
const expectOutcome = z
  .enum(['success', 'failure'])
  .default('success')
  .describe('failure: the action passes when Flux reports a failure (e.g. a broken signature), with Flux\'s message.');

/** What flux.wait and flux.reconcile set, keyed by the object's name and kind. */
const reportedVars = {
  'flux.message': 'Flux\'s message about the object (its Ready condition\'s).',
  'flux.revision': 'The revision in use: artifact revision (sources), last applied revision (Kustomization), chart version (HelmRelease); when there is one.',
  'flux.digest': 'The stored artifact\'s digest (sources), when there is one.',
  'flux.<name>.message': { description: 'flux.message, for this object by name.', names: (a: { name: string }) => [`flux.${a.name}.message`] },
  'flux.<name>.revision': { description: 'flux.revision, for this object by name (the last object waited for with that name).', names: (a: { name: string }) => [`flux.${a.name}.revision`] },
  'flux.<name>.digest': { description: 'flux.digest, for this object by name.', names: (a: { name: string }) => [`flux.${a.name}.digest`] },
  'flux.<kind>.<name>.message': { description: 'flux.message, for this kind and name.', names: (a: { kind: string; name: string }) => [`flux.${a.kind}.${a.name}.message`] },
  'flux.<kind>.<name>.revision': {
    description: 'flux.revision, for this kind and name (helm-oci\'s OCIRepository and HelmRelease share a name).',
    names: (a: { kind: string; name: string }) => [`flux.${a.kind}.${a.name}.revision`],
  },
  'flux.<kind>.<name>.digest': { description: 'flux.digest, for this kind and name.', names: (a: { kind: string; name: string }) => [`flux.${a.kind}.${a.name}.digest`] },
  'flux.artifact': 'Path of the stored artifact tarball, on the local target only (in a cluster it is behind source-controller\'s service).',
  'flux.<name>.artifact': { description: 'flux.artifact, for this object by name (local target).', names: (a: { name: string }) => [`flux.${a.name}.artifact`] },
  'flux.<kind>.<name>.artifact': { description: 'flux.artifact, for this kind and name (local target).', names: (a: { kind: string; name: string }) => [`flux.${a.kind}.${a.name}.artifact`] },
};

const waitArgs = z
  .object({
    ...refArgs,
    for: z.enum(['Ready', 'SourceVerified', 'ArtifactInStorage']).default('Ready').describe('The condition to wait for.'),
    revision: z.string().optional().describe('Wait for this artifact revision (sources) or applied revision (Kustomization).'),
    expect: expectOutcome,
    method: z.string().min(1).optional().describe('Also report the wait\'s wall time (until Flux reports) under this label in the measurements panel, e.g. `OCIRepository reconcile`.'),
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
  sets: reportedVars,
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
  args: z.object({ ...refArgs, expect: expectOutcome }).strict(),
  timeoutArgument: true,
  plansInDryRun: true,
  sets: reportedVars,
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
