/**
 * `flux.scale`: the in-cluster scale step of issue 7. N GitRepositories and N
 * OCIRepositories of the same content are applied, batch by batch, and waited for until all
 * are Ready; then source-controller's own figure, gotk_reconcile_duration_seconds per object,
 * is read from its metrics (through the API server's pod proxy, or a metrics URL when the
 * controllers run outside the cluster, as on the rig). Reported per kind: the batch's wall
 * time (apply → all Ready) and the reconcile time source-controller spent, total and per
 * object. The objects are deleted afterwards unless `keep: true`.
 */
import { z } from 'zod';
import { defineAction, type ActionDefinition } from '../engine/action.js';
import { parseDuration } from '../engine/duration.js';
import type { KubeClient } from '../kube/client.js';
import { reconcileDuration, scrapeControllerMetrics } from '../kube/metrics.js';
import { parseExposition, type Exposition } from '../kube/prometheus.js';
import { buildObject } from './actions.js';
import { guarded, refOfArgs, skipUnlessTarget, targetCtx, targetOf, targetsArg } from './action-support.js';
import { deleteObject } from './kube-delivery.js';
import type { ObjectRef } from '../kube/resources.js';

const KINDS = ['GitRepository', 'OCIRepository'] as const;

const scaleArgs = z.strictObject({
  /** Objects per kind (issue 7: default 20). */
  count: z.coerce.number().int().min(1).max(500),
  gitUrl: z.string().min(1),
  branch: z.string().default('main'),
  /** oci://host/repository (no tag). */
  ociUrl: z.string().min(1),
  tag: z.string().default('latest'),
  insecure: z.union([z.boolean(), z.string()]).optional(),
  /** source-controller's metrics URL when it runs outside the cluster; empty: the pod proxy. */
  metricsUrl: z.string().optional(),
  /** How long one batch may take to become Ready. */
  timeout: z
    .string()
    .regex(/^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/)
    .default('5m'),
  keep: z.boolean().default(false),
  targets: targetsArg,
});

async function metricsOf(client: KubeClient | undefined, url: string | undefined, signal: AbortSignal): Promise<Exposition> {
  if (url) {
    const res = await fetch(url, { signal });
    if (!res.ok) throw new Error(`source-controller metrics at ${url} answered ${res.status}`);
    return parseExposition(await res.text());
  }
  if (!client) throw new Error('no Kubernetes client: run target.up first');
  return scrapeControllerMetrics(client, 'source-controller', 'flux-system', { signal });
}

export const fluxScale = defineAction({
  name: 'flux.scale',
  description:
    'In-cluster scale: N GitRepositories vs N OCIRepositories of the same content, until all are Ready; reconcile time from source-controller metrics (gotk_reconcile_duration_seconds)',
  args: scaleArgs,
  plansInDryRun: true,
  run: (args, ctx) =>
    guarded(async () => {
      const skip = skipUnlessTarget(ctx, args.targets, `flux.scale ×${args.count}`);
      if (skip) return skip;
      const t = await targetOf(ctx);
      if (t.name === 'local') return { ok: false, message: 'flux.scale measures Flux controllers in a cluster: run it with --target kind or cluster' };
      const tctx = targetCtx(ctx);
      const timeoutMs = parseDuration(args.timeout)!;
      const names = (kind: (typeof KINDS)[number]) => Array.from({ length: args.count }, (_, i) => `scale-${kind === 'GitRepository' ? 'git' : 'oci'}-${String(i).padStart(3, '0')}`);
      const walls: Record<string, number> = {};
      const refs: ObjectRef[] = [];
      for (const kind of KINDS) {
        const started = performance.now();
        const batch: ObjectRef[] = [];
        for (const name of names(kind)) {
          const object =
            kind === 'GitRepository'
              ? buildObject({ kind, name, url: args.gitUrl, branch: args.branch, interval: '60m' }, t.namespace)
              : buildObject({ kind, name, url: args.ociUrl, tag: args.tag, interval: '60m', ...(args.insecure !== undefined ? { insecure: args.insecure } : {}) }, t.namespace);
          await t.applySource(object, { ...tctx, log: () => undefined });
          batch.push(refOfArgs({ kind, name }, t));
        }
        refs.push(...batch);
        ctx.log(`${t.plan ? 'would apply' : 'applied'} ${args.count} ${kind}s (${batch[0]!.name} … ${batch.at(-1)!.name}) in ${t.namespace}`);
        const outcomes = await Promise.all(batch.map((ref) => t.waitReady(ref, { condition: 'Ready', timeoutMs }, { ...tctx, log: () => undefined })));
        walls[kind] = performance.now() - started;
        const failed = outcomes.filter((o) => !o.ok);
        if (failed.length > 0) return { ok: false, message: `${failed.length} of ${args.count} ${kind}s did not become Ready: ${failed[0]!.message}` };
        if (!t.plan) ctx.log(`${kind} ×${args.count}: all Ready ${(walls[kind]! / 1000).toFixed(1)} s after the first apply`);
      }
      if (t.plan) {
        ctx.log('note: reconcile durations are read from source-controller metrics on a real run only');
        return { ok: true };
      }
      const client = (t as { apiClient?: () => KubeClient | undefined }).apiClient?.();
      const exp = await metricsOf(client, args.metricsUrl || undefined, ctx.signal);
      for (const kind of KINDS) {
        let seconds = 0;
        let reconciles = 0;
        for (const name of names(kind)) {
          const h = reconcileDuration(exp, { kind, name, namespace: t.namespace });
          seconds += h?.sum ?? 0;
          reconciles += h?.count ?? 0;
        }
        const method = `in-cluster ${kind} ×${args.count}`;
        const note = `in-cluster, gotk_reconcile_duration_seconds of ${args.count} objects (${reconciles} reconciles)`;
        ctx.report({ method, metric: 'wall_ms', value: walls[kind]!, unit: 'ms', method_note: 'in-cluster, first apply → all Ready' });
        ctx.report({ method, metric: 'reconcile_total_ms', value: seconds * 1000, unit: 'ms', method_note: note });
        ctx.report({ method, metric: 'reconcile_mean_ms', value: (seconds * 1000) / args.count, unit: 'ms', method_note: note });
        ctx.log(`${kind} ×${args.count}: source-controller spent ${(seconds * 1000).toFixed(0)} ms reconciling them (${((seconds * 1000) / args.count).toFixed(1)} ms each, ${reconciles} reconciles)`);
      }
      if (!args.keep && client) {
        for (const ref of refs) await deleteObject(client, ref, ctx.signal);
        ctx.log(`deleted the ${refs.length} scale objects`);
      }
      return { ok: true };
    }),
});

export const scaleActions: ActionDefinition<any>[] = [fluxScale];
