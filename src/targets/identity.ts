/**
 * `flux.identity`: the workload-identity step. On the cluster target, when the nodes run on
 * EKS/AKS/GKE and `url` is that cloud's registry, an OCIRepository with `provider: <cloud>` is
 * applied and waited for (source-controller logs in with its own cloud identity: no pull
 * Secret). Everywhere else the step is shown, not run: it says why and succeeds.
 * Sets `flux.identity`: `ran` or `shown`.
 */
import { z } from 'zod';
import { defineAction, type ActionContext } from '../engine/action.js';
import { parseDuration } from '../engine/duration.js';
import { guarded, refOfArgs, targetCtx, targetOf } from './action-support.js';
import { buildObject, durationArg } from './apply-args.js';
import { cloudOfRegistry, decideIdentity, registryHostOf } from './cloud-identity.js';
import type { Target } from './target.js';

const identityArgs = z.strictObject({
  name: z.string().default('app-identity').describe('The OCIRepository\'s name.'),
  url: z.string().optional().describe('`oci://<ECR, ACR or Artifact Registry host>/<repository>`; empty: the step is shown, not run.'),
  semver: z.string().default('>=0.0.0').describe('The OCIRepository\'s ref.semver: the highest tag in this range.'),
  timeout: durationArg.optional().describe('How long to wait for Ready (default 2m).'),
});

async function nodeProviderIds(t: Target, ctx: ActionContext): Promise<{ ids?: string[]; error?: string }> {
  const client = t.apiClient?.();
  if (!client) return { error: 'no Kubernetes client' };
  try {
    const list = await client.core.listNode({}, client.requestOptions({ signal: ctx.signal }));
    return { ids: list.items.map((n) => n.spec?.providerID ?? '') };
  } catch (err) {
    return { error: (err as Error).message.split('\n')[0]! };
  }
}

export const fluxIdentity = defineAction({
  name: 'flux.identity',
  description:
    "Workload identity: on a cluster on EKS/AKS/GKE with `url` in that cloud's registry, apply an OCIRepository with provider aws|azure|gcp and wait for it; elsewhere say why it is shown, not run, and succeed",
  args: identityArgs,
  timeoutArgument: true,
  plansInDryRun: true,
  sets: { 'flux.identity': '`ran` when the OCIRepository was applied and waited for, `shown` when the step was shown, not run.' },
  run: (args, ctx) =>
    guarded(async () => {
      const t = await targetOf(ctx);
      const url = args.url?.trim() || undefined;
      const cloudRegistry = url ? cloudOfRegistry(registryHostOf(url)) : undefined;
      if (ctx.plan && t.name === 'cluster' && cloudRegistry) {
        ctx.plan.action(`flux.identity: read the nodes' spec.providerID; when they are on the registry's cloud, apply OCIRepository ${args.name} (url ${url}, provider ${cloudRegistry}) and wait for Ready`);
        return { ok: true };
      }
      const real = t.name === 'cluster' && cloudRegistry !== undefined && !ctx.plan;
      // Only a cluster with a cloud registry to try needs the API (target.up is idempotent).
      if (real && !t.isUp()) await t.prepare(targetCtx(ctx));
      const nodes = real ? await nodeProviderIds(t, ctx) : {};
      const decision = decideIdentity({ target: t.name, url, ...(nodes.ids ? { nodeProviderIds: nodes.ids } : {}), ...(nodes.error ? { nodesError: nodes.error } : {}) });
      if (!decision.run) {
        const line = `shown, not run: ${decision.reason}`;
        ctx.log(line);
        ctx.plan?.action(`flux.identity: ${line}`);
        ctx.vars['flux.identity'] = 'shown';
        return { ok: true };
      }
      const object = buildObject({ kind: 'OCIRepository', name: args.name, url: url!, semver: args.semver, provider: decision.provider }, t.namespace);
      ctx.log(`OCIRepository ${args.name}: provider ${decision.provider}, no secretRef — source-controller asks the cloud for a registry token`);
      await t.applySource(object, targetCtx(ctx));
      const ref = refOfArgs({ kind: 'OCIRepository', name: args.name }, t);
      const outcome = await t.waitReady(ref, { condition: 'Ready', timeoutMs: parseDuration(args.timeout ?? '2m')! }, targetCtx(ctx));
      ctx.log(`${outcome.ok ? 'Flux says' : 'Flux reports'}: ${outcome.message}`);
      ctx.vars['flux.identity'] = 'ran';
      return outcome.ok ? { ok: true } : { ok: false, message: outcome.message };
    }),
});
