/**
 * Scenario actions of the measurement harness.
 *
 *   - measure.compare:
 *       methods: [{ type: git-cli, url: "${git.url}/small.git", mode: shallow }, { type: oci-cli, registry: "${registry.hostPort}", repository: fleet/small }]
 *       runs: 5
 *       projection: { clusters: 1000, intervalMinutes: 1, changesPerHour: 2, pairs: [{ label: Git, check: 1, fetch: 0 }] }
 *       report: [bench.html, bench.json]
 */
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { defineAction, type ActionContext, type ActionDefinition } from '../engine/action.js';
import { resolveDestRoot } from './dest-root.js';
import { measureAll } from './matrix.js';
import { buildMethods, MethodSpecSchema } from './method-spec.js';
import { OwnServersSchema, startOwnServers, type OwnServers } from './own-servers.js';
import { writeReport } from './output.js';
import { buildReport, type ProjectionRequest, type ReportResult } from './report.js';
import { renderResultsTable } from './text-table.js';
import { metricInfo, SAMPLE_METRICS } from './metrics.js';
import type { FetchMethod, MethodResult, RunSample } from './types.js';
import { formatBytes, formatMs, formatPercent } from './units.js';
import { fleetActions } from './fleet-action.js';

/**
 * A whole number written as a number or as a string (a scenario param, `runs: "${runs}"`,
 * arrives as a string: `ocilab run git-vs-oci --param runs=10`).
 */
const wholeNumber = (what: string, min: number, max: number) =>
  z
    .union([z.number(), z.string().trim().regex(/^\d+$/).transform(Number)], { error: (iss) => `${what} must be a whole number, got ${JSON.stringify(iss.input)}` })
    .pipe(z.number().int(`${what} must be a whole number`).min(min, `${what} must be at least ${min}`).max(max, `${what} must be at most ${max}`));

const CompareArgs = z.object({
  methods: z.array(MethodSpecSchema).min(1).describe('The fetch methods to measure, one row each.'),
  runs: wholeNumber('runs', 1, 100).default(5).describe('Measured runs per method, 1 to 100 (default 5; a param\'s string is accepted).'),
  warmup: wholeNumber('warmup', 0, 20).default(1).describe('Runs before those, left out of the figures: 0 to 20 (default 1).'),
  dest: z.string().default('tmpfs').describe('Where each run writes: tmpfs (/dev/shm when it is one, else the temp dir), temp (the OS temp dir), or a directory.'),
  interleave: z.boolean().default(true).describe('Measure in rounds, every method once per round, so a slow drift hits all alike; false: one method\'s runs after another\'s.'),
  projection: z
    .object({
      clusters: z.number().min(0).describe('Clusters polling the source.'),
      intervalMinutes: z.number().positive().describe('Poll interval in minutes (Flux\'s spec.interval).'),
      changesPerHour: z.number().min(0).describe('Changes to the source per hour.'),
      fetchIncludesCheck: z.boolean().optional().describe('The measured fetch already includes the no-change check before it.'),
      pairs: z
        .array(
          z.object({
            label: z.string().describe('Row label, e.g. Git or OCI.'),
            check: z.number().int().min(0).describe('Index in methods of the no-change check.'),
            fetch: z.number().int().min(0).describe('Index in methods of the fetch.'),
          }),
        )
        .min(1)
        .describe('Which measured methods are one transport\'s check and fetch.'),
    })
    .optional()
    .describe('Fleet projection: the load per hour on the server when many clusters poll, from the measured costs.'),
  report: z.array(z.string()).default([]).describe('Report files to write (.json .csv .md .html .txt), relative to the run\'s work dir.'),
  servers: OwnServersSchema.optional(),
});
type CompareArgs = z.infer<typeof CompareArgs>;

/** Who a figure is about, for every measurement of one method. */
function identity(m: Pick<MethodResult, 'methodId' | 'label' | 'short' | 'kind' | 'client'>) {
  return { method: m.label, methodId: m.methodId, short: m.short, transport: m.kind, client: m.client };
}

/**
 * One measured run, as soon as it is measured: each figure as a sample for the live chart,
 * and one line for the log (what --plain prints per run). Figures the method marks as not
 * comparable are left out of the chart (they are n/a, with the reason, in the tables).
 */
export function reportSample(ctx: Pick<ActionContext, 'report' | 'log'>, method: FetchMethod, sample: RunSample, run: number, of: number): void {
  const who = identity({ methodId: method.id, label: method.label, short: method.short, kind: method.kind, client: method.client });
  for (const { name, field } of SAMPLE_METRICS) {
    const value = sample[field];
    if (value === null || value === undefined || method.notComparable?.[field]) continue;
    ctx.report({ ...who, metric: name, value, method_note: `run ${run} of ${of}`, sample: { run, of } });
  }
  ctx.log(`${method.id} run ${run}/${of}: ${sampleLine(sample)}`);
}

/** "615 ms · 22.3 KiB down · 43 ms client CPU · 64.7 ms server CPU · 3 requests" (n/a figures left out). */
export function sampleLine(s: RunSample): string {
  const parts = [formatMs(s.wallMs)];
  if (s.bytesDown !== null) parts.push(`${formatBytes(s.bytesDown)} down`);
  if (s.clientCpuMs !== null) parts.push(`${formatMs(s.clientCpuMs)} client CPU`);
  if (s.serverCpuMs !== null) parts.push(`${formatMs(s.serverCpuMs)} server CPU`);
  if (s.requests !== null) parts.push(`${s.requests} request${s.requests === 1 ? '' : 's'}`);
  return parts.join(' · ');
}

/**
 * Every measured median to the measurements panel, with its statistics and who measured it
 * (and for server CPU, where from). Views read `stats`, `transport` and `short`; the note
 * is for people.
 */
export function reportMedians(ctx: Pick<ActionContext, 'report'>, r: MethodResult, serverCpuFrom?: string): void {
  for (const { name, field } of SAMPLE_METRICS) {
    const s = r.stats[field];
    if (!s) continue;
    const from = field === 'serverCpuMs' && serverCpuFrom ? `; ${serverCpuFrom}` : '';
    ctx.report({
      ...identity(r),
      metric: name,
      value: s.median,
      stats: { n: s.n, warmup: r.warmup, median: s.median, min: s.min, max: s.max, spread: s.spread },
      method_note: `median of ${s.n} runs after ${r.warmup} warm-up, spread ${formatPercent(s.spread)} (${metricInfo(name).label}, ${r.client}${from})`,
    });
  }
}

/** "/proc of the git server's own process (pid 123)" for the method's server, if it has one of its own. */
function serverCpuSource(type: string, own: OwnServers | undefined): string | undefined {
  const server = type === 'git-cli' ? own?.git : own?.registry;
  return server && `/proc of the ${type === 'git-cli' ? 'Git server' : 'registry'}'s own process (pid ${server.pid})`;
}

async function compare(args: CompareArgs, ctx: ActionContext) {
  for (const pair of args.projection?.pairs ?? []) {
    for (const i of [pair.check, pair.fetch]) {
      if (i >= args.methods.length) return { ok: false, message: `projection "${pair.label}": method index ${i} is out of range (${args.methods.length} methods)` };
    }
  }
  const destRoot = resolveDestRoot(args.dest, ctx.workDir);
  let own: OwnServers | undefined;
  let releaseOwn = async () => {};
  if (args.servers) {
    // their request logs reach the output as the in-process servers' do (the wire view reads them)
    own = await startOwnServers(args.servers, ctx.signal, (server, line) =>
      ctx.log(line, server === 'registry' ? 'info' : / → [45]\d\d /.test(line) ? 'stderr' : 'stdout'),
    );
    releaseOwn = ctx.cleanup.add('measure: server processes', own.stop);
  }
  let release = releaseOwn;
  try {
    const specs = own ? own.redirect(args.methods) : args.methods;
    const built = await buildMethods(specs, ctx.signal);
    const releaseProxies = ctx.cleanup.add('measure: counting proxies', built.close);
    release = async () => {
      await releaseProxies();
      await releaseOwn();
    };
    ctx.log(`measuring ${built.methods.length} methods, ${args.runs} run${args.runs === 1 ? '' : 's'} each after ${args.warmup} warm-up, interleaved, files in ${destRoot}`, 'info');
    for (const line of own?.describe() ?? []) ctx.log(line, 'info');
    if (args.servers && !own?.git && !own?.registry) ctx.log(`server CPU: n/a on the ${ctx.target} target: its Git server and registry are not both ocilab's own processes, so the methods fetch from the target's servers as they are`, 'info');
    else if (!own && !args.methods.some((m) => m.serverPid)) ctx.log('server CPU: n/a unless a server runs in its own process (servers: or serverPid:); in-process servers share the CPU of the measuring client', 'info');
    const results = await measureAll(built.methods, {
      runs: args.runs,
      warmup: args.warmup,
      destRoot,
      interleave: args.interleave,
      signal: ctx.signal,
      onSample: (s, info) => {
        if (!info.warmup) reportSample(ctx, built.methods[info.position]!, s, info.index + 1, args.runs);
      },
      onFailure: (reason, info) => ctx.log(`${built.methods[info.position]!.id}: row failed, no figures: ${reason}`, 'stderr'),
    });
    const withCells: ReportResult[] = results.map((r, i) => {
      const spec = args.methods[i]!;
      return spec.preset && spec.scope ? { ...r, preset: spec.preset, scope: spec.scope, cell: `${spec.preset}/${spec.scope}` } : r;
    });
    const projections: ProjectionRequest[] = (args.projection?.pairs ?? []).map((p) => ({
      label: p.label,
      check: results[p.check]!,
      fetch: results[p.fetch]!,
      params: {
        clusters: args.projection!.clusters,
        intervalMinutes: args.projection!.intervalMinutes,
        changesPerHour: args.projection!.changesPerHour,
        fetchIncludesCheck: args.projection!.fetchIncludesCheck ?? false,
      },
    }));
    const report = buildReport(withCells, projections);
    results.forEach((r, i) => reportMedians(ctx, r, serverCpuSource(specs[i]!.type, own)));
    for (const line of renderResultsTable(withCells).split('\n')) ctx.log(line);
    for (const file of args.report) {
      const path = isAbsolute(file) ? file : join(ctx.workDir, file);
      await writeReport(report, path);
      ctx.log(`report written: ${path}`, 'info');
      ctx.vars[`measure.report.${path.split('.').pop()}`] = path;
    }
    const failed = results.filter((r) => r.failure !== undefined);
    if (failed.length) return { ok: false, message: `${failed.length} of ${results.length} rows did not do their work, so they have no figures: ${failed.map((r) => `${r.methodId}: ${r.failure}`).join('; ')}` };
    return { ok: true };
  } finally {
    await release();
  }
}

export const measureActions: ActionDefinition<any>[] = [
  defineAction({
    name: 'measure.compare',
    description: 'Measure fetch methods (git CLI, curl/skopeo against a registry) N times each, report medians, write report files',
    args: CompareArgs,
    sets: {
      'measure.report.<ext>': {
        description: 'Path of each report file written, by extension: measure.report.json, measure.report.md...',
        names: (a) => a.report.map((file) => `measure.report.${file.split('.').pop()}`),
      },
    },
    run: compare,
  }),
  ...fleetActions,
];
