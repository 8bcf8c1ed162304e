/**
 * Scenario actions that act on the run's target itself: `target.up`, `target.down` here,
 * `target.stop` / `target.restart` (outage.ts), `target.repo` / `target.check` (repo.ts).
 * Written once, they run on local, kind and cluster; in `--dry-run` they record into the plan
 * (the targets do) and touch nothing. The `flux.*` actions are in src/flux.
 */
import { z } from 'zod';
import { defineAction, type ActionDefinition } from '../engine/action-definition.js';
import { guarded, targetCtx, targetOf } from './action-support.js';
import { seedDryRunVars } from './dry-run.js';
import { outageActions } from './outage.js';
import { repoActions } from './repo.js';
import { TargetError } from './target.js';

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
    'registry.url': 'The registry\'s base URL from this machine, `http://<registry.host>` (https when it speaks TLS).',
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

export const targetActions: ActionDefinition<any>[] = [targetUp, targetDown, ...outageActions, ...repoActions];
