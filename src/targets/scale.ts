/**
 * `flux.scale`: the in-cluster scale step of issue 7. N GitRepositories and N
 * OCIRepositories of the same content are applied, batch by batch, and waited for until all
 * are Ready; then source-controller's own figure, gotk_reconcile_duration_seconds per object,
 * is read from its metrics (through the API server's pod proxy, or a metrics URL when the
 * controllers run outside the cluster, as on the rig). Reported per kind: the batch's wall
 * time (apply → all Ready), the reconcile time source-controller spent, total and per
 * object, and source-controller's CPU-seconds (Δ process_cpu_seconds_total from batch start
 * until all Ready and its reconciles settled) and peak memory (the largest of readings taken
 * every 500 ms: the kubelet summary's working set when it answers, else
 * process_resident_memory_bytes). The objects are deleted afterwards unless `keep: true`.
 */
import { z } from 'zod';
import { defineAction, type ActionContext, type ActionDefinition } from '../engine/action.js';
import { parseDuration } from '../engine/duration.js';
import { reconcileDuration, UsageSampler, type ProcessUsage } from '../kube/metrics.js';
import type { Exposition } from '../kube/prometheus.js';
import { kubeletMemory, metricsReader } from './controller-metrics.js';
import { buildObject } from './apply-args.js';
import { guarded, refOfArgs, skipUnlessTarget, targetCtx, targetOf, targetsArg } from './action-support.js';
import { deleteObject } from './kube-delivery.js';
import type { ObjectRef } from '../kube/resources.js';

const KINDS = ['GitRepository', 'OCIRepository'] as const;

const scaleArgs = z.strictObject({
  count: z.coerce.number().int().min(1).max(500).describe('Objects per kind (1 to 500).'),
  gitUrl: z.string().min(1).describe('The repository every GitRepository clones, as Flux reaches it (e.g. ${git.repo.pull}).'),
  branch: z.string().default('main').describe('The GitRepositories\' branch.'),
  ociUrl: z.string().min(1).describe('`oci://<host>/<repository>` (no tag) every OCIRepository pulls, as Flux reaches it.'),
  tag: z.string().default('latest').describe('The OCIRepositories\' tag.'),
  insecure: z.union([z.boolean(), z.string()]).optional().describe('Plain-HTTP registry (the OCIRepositories\' spec.insecure); `${registry.insecure}` is accepted.'),
  metricsUrl: z.string().optional().describe('source-controller\'s metrics URL when it runs outside the cluster; empty: through the API server\'s pod proxy.'),
  batchTimeout: z
    .string()
    .regex(/^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/)
    .default('5m')
    .describe('How long one batch may take to become Ready.'),
  keep: z.boolean().default(false).describe('Keep the objects afterwards (default: they are deleted).'),
  targets: targetsArg,
});

/** After all Ready: wait until the batch's reconcile count holds still for two readings (≤ max). */
const SETTLE_MAX_MS = 15_000;
async function settle(sampler: UsageSampler, count: (exp: Exposition | undefined) => number, maxMs: number): Promise<{ ms: number; settled: boolean }> {
  const t0 = performance.now();
  let last = count(sampler.latest);
  let still = 0;
  while (performance.now() - t0 < maxMs) {
    await sampler.next();
    const now = count(sampler.latest);
    still = now === last ? still + 1 : 0;
    last = now;
    if (still >= 2) return { ms: performance.now() - t0, settled: true };
  }
  return { ms: performance.now() - t0, settled: false };
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

function reportUsage(
  ctx: ActionContext,
  kind: string,
  count: number,
  sampler: UsageSampler,
  usage: ProcessUsage,
  settled: { ms: number; settled: boolean },
  path: string,
): void {
  const method = `in-cluster ${kind} ×${count}`;
  const every = `sampled every ${sampler.intervalMs} ms (${usage.samples} samples${sampler.sampleErrors ? `, ${sampler.sampleErrors} failed` : ''})`;
  const settleNote = settled.settled ? `+ ${(settled.ms / 1000).toFixed(1)} s until its reconciles settled` : `+ ${(settled.ms / 1000).toFixed(0)} s, reconciles still running`;
  ctx.report({
    method,
    metric: 'controller_cpu_ms',
    value: usage.cpuSeconds * 1000,
    method_note: `in-cluster, source-controller CPU-seconds: Δ process_cpu_seconds_total (${path}), batch start → all Ready ${settleNote}; includes serving the scrapes`,
  });
  const fromKubelet = sampler.kubelet.length > 0;
  const peak = fromKubelet ? Math.max(...sampler.kubelet) : usage.peakResidentBytes;
  const source = fromKubelet
    ? `kubelet stats/summary working set, ${every.replace(/\(\d+ samples/, `(${sampler.kubelet.length} samples`)}; the kubelet refreshes it every ~10-15 s`
    : `process_resident_memory_bytes (${path}), ${every}, ${mib(usage.startResidentBytes)} at batch start${sampler.kubeletError ? `; kubelet summary unavailable: ${sampler.kubeletError}` : ''}`;
  ctx.report({ method, metric: 'controller_peak_memory_bytes', value: peak, method_note: `in-cluster, source-controller peak memory: max of ${source}` });
  ctx.log(
    `${kind} ×${count}: source-controller used ${usage.cpuSeconds.toFixed(2)} CPU-seconds, peak memory ${mib(peak)} (${fromKubelet ? 'kubelet working set' : 'process RSS'}, sampled every ${sampler.intervalMs} ms, ${fromKubelet ? sampler.kubelet.length : usage.samples} samples)`,
  );
}

export const fluxScale = defineAction({
  name: 'flux.scale',
  description:
    'In-cluster scale: N GitRepositories vs N OCIRepositories of the same content, until all are Ready; reconcile time from source-controller metrics (gotk_reconcile_duration_seconds)',
  args: scaleArgs,
  formerArgs: { timeout: 'batchTimeout' },
  plansInDryRun: true,
  run: (args, ctx) =>
    guarded(async () => {
      const skip = skipUnlessTarget(ctx, args.targets, `flux.scale ×${args.count}`);
      if (skip) return skip;
      const t = await targetOf(ctx);
      if (t.name === 'local') return { ok: false, message: 'flux.scale measures Flux controllers in a cluster: run it with --target kind or cluster' };
      const tctx = targetCtx(ctx);
      const timeoutMs = parseDuration(args.batchTimeout)!;
      const names = (kind: (typeof KINDS)[number]) => Array.from({ length: args.count }, (_, i) => `scale-${kind === 'GitRepository' ? 'git' : 'oci'}-${String(i).padStart(3, '0')}`);
      const walls: Record<string, number> = {};
      const refs: ObjectRef[] = [];
      const client = t.apiClient?.();
      const read = metricsReader(client, args.metricsUrl || undefined);
      const reconcileCount = (exp: Exposition | undefined, kind: (typeof KINDS)[number]) =>
        names(kind).reduce((n, name) => n + (exp ? (reconcileDuration(exp, { kind, name, namespace: t.namespace })?.count ?? 0) : 0), 0);
      const lastExposition: Partial<Record<(typeof KINDS)[number], Exposition>> = {};
      for (const kind of KINDS) {
        const sampler = t.plan ? undefined : new UsageSampler(read, { signal: ctx.signal, ...(client && !args.metricsUrl ? { kubeletMemory: kubeletMemory(client) } : {}) });
        try {
          await sampler?.start();
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
          if (!sampler) continue;
          ctx.log(`${kind} ×${args.count}: all Ready ${(walls[kind]! / 1000).toFixed(1)} s after the first apply`);
          const settled = await settle(sampler, (exp) => reconcileCount(exp, kind), SETTLE_MAX_MS);
          const usage = await sampler.stop();
          lastExposition[kind] = sampler.latest;
          reportUsage(ctx, kind, args.count, sampler, usage, settled, args.metricsUrl ? 'metricsUrl' : 'pod proxy');
        } finally {
          sampler?.dispose();
        }
      }
      if (t.plan) {
        ctx.log('note: reconcile durations, CPU and memory are read from source-controller metrics on a real run only');
        return { ok: true };
      }
      for (const kind of KINDS) {
        const exp = lastExposition[kind]!;
        let seconds = 0;
        let reconciles = 0;
        for (const name of names(kind)) {
          const h = reconcileDuration(exp, { kind, name, namespace: t.namespace });
          seconds += h?.sum ?? 0;
          reconciles += h?.count ?? 0;
        }
        const method = `in-cluster ${kind} ×${args.count}`;
        const note = `in-cluster, gotk_reconcile_duration_seconds of ${args.count} objects (${reconciles} reconciles)`;
        ctx.report({ method, metric: 'wall_ms', value: walls[kind]!, method_note: 'in-cluster, first apply → all Ready' });
        ctx.report({ method, metric: 'reconcile_total_ms', value: seconds * 1000, method_note: note });
        ctx.report({ method, metric: 'reconcile_mean_ms', value: (seconds * 1000) / args.count, method_note: note });
        ctx.log(`${kind} ×${args.count}: source-controller spent ${(seconds * 1000).toFixed(0)} ms reconciling them (${((seconds * 1000) / args.count).toFixed(1)} ms each, ${reconciles} reconciles)`);
      }
      if (!args.keep && client) {
        for (const ref of refs) await deleteObject(client, ref, ctx.signal);
        ctx.log(`deleted the ${refs.length} scale objects`);
      }
      return { ok: true };
    }),
});

/** The in-cluster measurement actions (registered with the target actions through this list). */
export const scaleActions: ActionDefinition<any>[] = [fluxScale];
