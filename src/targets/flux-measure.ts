/**
 * `flux.measure`: in-cluster measurements of the talk's sources (issue 7). For each named
 * source, N requested reconciles (the reconcile.fluxcd.io/requestedAt annotation, as
 * `flux reconcile` sets it), one after the other, and per kind:
 *   - per run, requestedAt → status.lastHandledReconcileAt == that token (wall, watched);
 *   - Δ gotk_reconcile_duration_seconds (sum / count) over the batch: source-controller's own figure;
 *   - source-controller's CPU-seconds over the batch and its memory at the end: the kubelet
 *     summary when the node proxy answers, else its own process_cpu_seconds_total /
 *     process_resident_memory_bytes (the method note says which);
 *   - bytes and requests served per reconcile by ocilab's Git server (GitRepository) or
 *     registry (OCIRepository), read from their /_ocilab/stats; "not measured" otherwise.
 * Every figure is a measurement (method `in-cluster <Kind>`) for the panel, --plain and,
 * with `report:`, the exported report (src/targets/in-cluster-report.ts).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { defineAction, type ActionContext } from '../engine/action.js';
import { parseDuration } from '../engine/duration.js';
import type { KubeClient } from '../kube/client.js';
import { readyPredicate } from '../flux/conditions.js';
import { processReading, reconcileDuration } from '../kube/metrics.js';
import { histogramDelta, type Exposition } from '../kube/prometheus.js';
import { reconcileAndWait } from '../kube/reconcile.js';
import { cpuMsBetween, type PodUsage } from '../kube/stats.js';
import { unitOf, type MetricName } from '../measure/metrics.js';
import { summarize } from '../measure/stats.js';
import { formatPercent } from '../measure/units.js';
import { guarded, refOfArgs, skipUnlessTarget, targetCtx, targetOf, targetsArg } from './action-support.js';
import { kubeletUsage, metricsReader } from './controller-metrics.js';
import { amendReports, type InClusterRow } from './in-cluster-report.js';
import { BYTES_COUNTED, probeTargetServers, ROLE_LABEL, type ServedMeter, type ServedProbe } from './served-stats.js';
import type { Target } from './target.js';

const runsArg = z
  .union([z.number(), z.string().trim().regex(/^\d+$/, 'runs must be a whole number').transform(Number)])
  .pipe(z.number().int().min(1, 'runs must be at least 1').max(100, 'runs must be at most 100'));

const measureArgs = z.strictObject({
  sources: z
    .array(
      z.strictObject({
        kind: z.enum(['GitRepository', 'OCIRepository']).describe('Kind of the source.'),
        name: z.string().min(1).describe('Its name.'),
        namespace: z.string().optional().describe('Its namespace (default: the target\'s, ${target.namespace}).'),
      }),
    )
    .min(1)
    .default([
      { kind: 'GitRepository', name: 'fleet-git' },
      { kind: 'OCIRepository', name: 'fleet-oci' },
    ])
    .describe('The sources to measure, already applied.'),
  runs: runsArg.default(3).describe('Requested reconciles per source, one after the other: 1 to 100 (default 3).'),
  metricsUrl: z.string().optional().describe('source-controller\'s metrics URL when it runs outside the cluster (the rig); empty: through the API server\'s pod proxy.'),
  reconcileTimeout: z
    .string()
    .regex(/^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/)
    .default('2m')
    .describe('How long one requested reconcile may take.'),
  report: z
    .array(z.string())
    .default([])
    .describe('Report files to add the in-cluster rows to, relative to the run\'s work dir: the .json measure.compare wrote (the other formats are rendered again from it).'),
  targets: targetsArg,
});
type MeasureArgs = z.infer<typeof measureArgs>;
type Source = MeasureArgs['sources'][number];

/** How long to wait, after the last handled reconcile, for the histogram to count it. */
const METRICS_SETTLE_MS = 5_000;

/** Where source-controller's CPU and memory come from: the kubelet summary, or (why not) its own metrics. */
interface CpuMemorySource {
  kubelet?: (signal?: AbortSignal) => Promise<PodUsage>;
  why?: string;
}

interface Usage {
  exp: Exposition;
  kubelet?: PodUsage;
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

function spreadNote(values: number[], unit: string): string {
  const s = summarize(values)!;
  return `median of ${s.n} run${s.n === 1 ? '' : 's'}, spread ${formatPercent(s.spread)} (${s.min.toFixed(0)}–${s.max.toFixed(0)} ${unit})`;
}

async function planOnly(t: Target, args: MeasureArgs, ctx: ActionContext) {
  for (const src of args.sources) {
    for (let i = 0; i < args.runs; i++) {
      await t.reconcile(refOfArgs(src, t), { condition: 'Ready', timeoutMs: parseDuration(args.reconcileTimeout)! }, targetCtx(ctx));
    }
  }
  ctx.log(`note: reconcile times, gotk_reconcile_duration_seconds, source-controller CPU and memory and bytes served are measured on a real run only (${args.runs} reconciles per source)`);
  return { ok: true };
}

async function measureSource(
  src: Source,
  args: MeasureArgs,
  ctx: ActionContext,
  t: Target,
  client: KubeClient,
  read: (signal: AbortSignal) => Promise<Exposition>,
  cpuMem: CpuMemorySource,
  served: ServedProbe,
  rows: InClusterRow[],
): Promise<string | undefined> {
  const ref = refOfArgs(src, t);
  const method = `in-cluster ${src.kind}`;
  const path = args.metricsUrl ? 'metricsUrl' : 'API server pod proxy';
  const transport = src.kind === 'GitRepository' ? 'git' : 'oci';
  const who = 'Flux source-controller in the cluster';
  const report = (metric: MetricName, value: number, note: string) => {
    const method_note = `in-cluster, ${src.name}: ${note}`;
    ctx.report({ method, methodId: `in-cluster.${transport}`, short: `in-cluster ${transport}`, transport, client: who, metric, value, method_note });
    rows.push({ source: `${src.kind}/${ref.namespace}/${src.name}`, method, metric, value, unit: unitOf(metric), note: method_note });
  };
  const usageNow = async (): Promise<Usage> => ({ exp: await read(ctx.signal), ...(cpuMem.kubelet ? { kubelet: await cpuMem.kubelet(ctx.signal) } : {}) });
  const before = await usageNow();
  const walls: number[] = [];
  const bytes: number[] = [];
  const requests: number[] = [];
  const meter: ServedMeter | undefined = served.meter;
  for (let run = 1; run <= args.runs; run++) {
    const c0 = await meter?.read(ctx.signal);
    const t0 = performance.now();
    const r = await reconcileAndWait(client, ref, { timeoutMs: parseDuration(args.reconcileTimeout)!, signal: ctx.signal, predicate: readyPredicate() });
    const ms = performance.now() - t0;
    if (!r.ok) return `${src.kind}/${src.name} reconcile ${run} of ${args.runs}: ${r.message}`;
    const handled = r.object?.status?.lastHandledReconcileAt;
    walls.push(ms);
    ctx.report({ method, methodId: `in-cluster.${transport}`, short: `in-cluster ${transport}`, transport, client: who, metric: 'reconcile_wall_ms', value: ms, method_note: `run ${run} of ${args.runs}`, sample: { run, of: args.runs } });
    let servedText = '';
    if (meter && c0) {
      await new Promise((res) => setImmediate(res));
      const c1 = await meter.read(ctx.signal);
      bytes.push(c1.bytesOut - c0.bytesOut);
      requests.push(c1.requests - c0.requests);
      servedText = `; ${ROLE_LABEL[meter.role]} served ${c1.bytesOut - c0.bytesOut} bytes in ${c1.requests - c0.requests} requests`;
    }
    ctx.log(`${src.kind}/${src.name} reconcile ${run}/${args.runs}: requestedAt ${r.token} → lastHandledReconcileAt ${handled} in ${ms.toFixed(0)} ms${servedText}`);
  }

  // The histogram is observed when the reconcile returns, around the status patch: wait until it counts the batch.
  const key = { kind: src.kind, name: src.name, namespace: ref.namespace! };
  const h0 = reconcileDuration(before.exp, key);
  let after = await usageNow();
  for (const until = performance.now() + METRICS_SETTLE_MS; performance.now() < until; ) {
    const count = reconcileDuration(after.exp, key)?.count ?? 0;
    if (count - (h0?.count ?? 0) >= args.runs) break;
    await sleep(250, undefined, { signal: ctx.signal });
    after = await usageNow();
  }

  report('reconcile_wall_ms', summarize(walls)!.median, `requestedAt → lastHandledReconcileAt (patch, then watch), ${spreadNote(walls, 'ms')}`);
  const h1 = reconcileDuration(after.exp, key);
  if (h1) {
    const d = histogramDelta(h0, h1);
    report('reconcile_count', d.count, `Δ gotk_reconcile_duration_seconds_count over the batch (${args.runs} requested; ${path})`);
    if (d.count > 0) report('reconcile_mean_ms', (d.sum * 1000) / d.count, `Δ gotk_reconcile_duration_seconds sum / count over the batch: ${d.count} reconciles, ${(d.sum * 1000).toFixed(0)} ms in all (source-controller's own figure; ${path})`);
    ctx.log(`${src.kind}/${src.name}: gotk_reconcile_duration_seconds count +${d.count}, sum +${(d.sum * 1000).toFixed(0)} ms (${path})`);
  } else {
    ctx.log(`${src.kind}/${src.name}: source-controller's metrics have no gotk_reconcile_duration_seconds for it (${path})`);
  }

  if (before.kubelet && after.kubelet) {
    const cpu = cpuMsBetween(before.kubelet, after.kubelet);
    if (cpu !== undefined) report('controller_cpu_ms', cpu, `source-controller CPU over the batch: Δ usageCoreNanoSeconds of its pod, kubelet summary (node proxy; the kubelet refreshes it every ~10-15 s, ${before.kubelet.time} → ${after.kubelet.time})`);
    if (after.kubelet.memoryWorkingSetBytes !== undefined) report('controller_memory_bytes', after.kubelet.memoryWorkingSetBytes, `source-controller memory after the batch: working set of its pod, kubelet summary (node proxy, at ${after.kubelet.time})`);
  } else {
    const p0 = processReading(before.exp, 0);
    const p1 = processReading(after.exp, 0);
    const restarted = p0.startTime !== undefined && p1.startTime !== undefined && p0.startTime !== p1.startTime;
    if (restarted || p1.cpuSeconds < p0.cpuSeconds) return `${src.kind}/${src.name}: source-controller restarted during the batch (its process counters went back): measure again`;
    // The method first, the reason last: the panel truncates long notes at its right edge.
    const why = cpuMem.why ? `; kubelet summary unavailable: ${cpuMem.why}` : '';
    report('controller_cpu_ms', Math.round((p1.cpuSeconds - p0.cpuSeconds) * 1e6) / 1e3, `source-controller CPU over the batch: its own Δ process_cpu_seconds_total (${path}; 10 ms ticks; includes serving the scrapes)${why}`);
    report('controller_memory_bytes', p1.residentBytes, `source-controller memory after the batch: its own process_resident_memory_bytes (${path}; ${mib(p0.residentBytes)} before)${why}`);
  }

  if (meter) {
    report('served_bytes', summarize(bytes)!.median, `bytes ocilab's ${ROLE_LABEL[meter.role]} served per reconcile (its ${meter.statsUrl}: ${BYTES_COUNTED[meter.role]}; any other client's too), ${spreadNote(bytes, 'bytes')}`);
    report('served_requests', summarize(requests)!.median, `requests to ocilab's ${ROLE_LABEL[meter.role]} per reconcile, ${spreadNote(requests, 'requests')}`);
  } else {
    ctx.log(`${method} bytes served: ${'notMeasured' in served ? served.notMeasured : 'not measured'}`);
  }
  return undefined;
}

/** The kubelet summary when the node proxy answers for source-controller's pod, else why not. */
async function cpuMemorySource(client: KubeClient, signal: AbortSignal): Promise<CpuMemorySource> {
  const kubelet = kubeletUsage(client);
  try {
    await kubelet(signal);
    return { kubelet };
  } catch (err) {
    signal.throwIfAborted();
    return { why: ((err as Error).message ?? String(err)).split('\n')[0] };
  }
}

export const fluxMeasure = defineAction({
  name: 'flux.measure',
  description:
    "In-cluster measurements of named sources: N requested reconciles each (requestedAt → lastHandledReconcileAt), Δ gotk_reconcile_duration_seconds, source-controller CPU and memory (kubelet summary, else its own metrics), bytes served by ocilab's Git server and registry",
  args: measureArgs,
  formerArgs: { timeout: 'reconcileTimeout' },
  plansInDryRun: true,
  run: (args, ctx) =>
    guarded(async () => {
      const skip = skipUnlessTarget(ctx, args.targets, 'flux.measure (in-cluster measurements)');
      if (skip) return skip;
      const t = await targetOf(ctx);
      if (t.name === 'local') return { ok: false, message: 'flux.measure measures Flux controllers in a cluster: run it with --target kind or cluster' };
      if (t.plan) return planOnly(t, args, ctx);
      const client = t.apiClient?.();
      if (!client) return { ok: false, message: `the ${t.name} target is not up: run target.up first` };
      const read = metricsReader(client, args.metricsUrl || undefined);
      const cpuMem = await cpuMemorySource(client, ctx.signal);
      ctx.log(
        cpuMem.kubelet
          ? 'source-controller CPU and memory: from the kubelet summary of its node (API server node proxy)'
          : `source-controller CPU and memory: from its own metrics (process_cpu_seconds_total, process_resident_memory_bytes); kubelet summary unavailable: ${cpuMem.why}`,
        'info',
      );
      const servers = await probeTargetServers(t, ctx.signal);
      for (const role of ['git', 'registry'] as const) {
        const p = servers[role];
        ctx.log(p.meter ? `bytes served by ocilab's ${ROLE_LABEL[role]}: read from ${p.meter.statsUrl}` : `bytes served by the ${ROLE_LABEL[role]}: ${p.notMeasured}`, 'info');
      }
      const rows: InClusterRow[] = [];
      for (const src of args.sources) {
        const failed = await measureSource(src, args, ctx, t, client, read, cpuMem, src.kind === 'GitRepository' ? servers.git : servers.registry, rows);
        if (failed) return { ok: false, message: failed };
      }
      for (const path of await amendReports(args.report, ctx.workDir, rows)) ctx.log(`in-cluster rows added to ${path}`, 'info');
      return { ok: true };
    }),
});
