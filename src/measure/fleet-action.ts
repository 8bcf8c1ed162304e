/**
 * `measure.fleet`: the fleet, measured (fleet.ts) from a scenario step. Each transport's server
 * CPU, bytes down and requests reach the measurements panel with their projected figure (the
 * bars view's "fleet: measured vs projected" table); the table and how it was measured go to the
 * output, and to the `report` files (as `ocilab bench --fleet --json/--md…`). `clusters: 0` is
 * off: the step says how to turn it on and succeeds; its .md/.txt report files then hold that one
 * line, so a check on them reads "off" rather than a figure.
 */
import { writeFile } from 'node:fs/promises';
import { extname, isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { defineAction, type ActionContext } from '../engine/action-definition.js';
import { FLEET_HEAD, FLEET_TITLE, fleetNotes, fleetRows, fleetServerCpuMs } from './export-fleet.js';
import { FLEET_DEFAULTS, runFleet } from './fleet.js';
import { PRESETS } from './matrix.js';
import { writeReport } from './output.js';
import { ReportSchema } from './report-schema.js';
import { buildReport } from './report.js';
import { renderTable } from './text-table.js';

const count = z.coerce.number().int().min(0);
export const FleetArgs = z
  .object({
    clusters: count.describe('Simulated clusters per transport; 0 = off (the step says so and succeeds).'),
    window: z.coerce.number().positive().default(FLEET_DEFAULTS.windowSeconds).describe('The measured window, seconds.'),
    pollSeconds: z.coerce.number().positive().default(FLEET_DEFAULTS.pollSeconds).describe('The compressed poll interval, seconds.'),
    interval: z.coerce.number().positive().default(FLEET_DEFAULTS.intervalMinutes).describe('The interval it stands for, minutes.'),
    changes: count.default(FLEET_DEFAULTS.changes).describe('Changes pushed during the window.'),
    workers: count.min(1).default(FLEET_DEFAULTS.workers).describe('Worker processes the pollers run in.'),
    preset: z.enum(PRESETS).default(FLEET_DEFAULTS.preset).describe('The fixture polled.'),
    report: z.array(z.string()).default([]).describe('Report files to write (.json .csv .md .html .txt), relative to the run\'s work dir; when off, only .md/.txt, saying so.'),
  })
  .strict();
export type FleetArgs = z.infer<typeof FleetArgs>;

const OFF = 'fleet: off (clusters 0), nothing measured; --param fleet=200 runs 200 simulated clusters per transport';

export async function measureFleet(args: FleetArgs, ctx: Pick<ActionContext, 'signal' | 'log' | 'report' | 'workDir'>) {
  const paths = args.report.map((file) => (isAbsolute(file) ? file : join(ctx.workDir, file)));
  if (args.clusters === 0) {
    ctx.log(OFF, 'info');
    for (const path of paths.filter((p) => ['.md', '.txt'].includes(extname(p).toLowerCase()))) {
      await writeFile(path, `${OFF}\n`, { mode: 0o644 });
      ctx.log(`report written: ${path}`, 'info');
    }
    return { ok: true };
  }
  const f = await runFleet({
    clusters: args.clusters,
    windowSeconds: args.window,
    pollSeconds: args.pollSeconds,
    intervalMinutes: args.interval,
    changes: args.changes,
    workers: args.workers,
    preset: args.preset,
    calibrationRuns: FLEET_DEFAULTS.calibrationRuns,
    signal: ctx.signal,
    log: (l) => ctx.log(l, 'info'),
  });
  for (const t of f.transports) {
    const who = { method: `fleet: ${t.label}`, methodId: `fleet.${t.kind}`, short: `fleet ${t.kind}`, transport: t.kind, client: `${f.clusters} pollers in ${f.workers} processes` };
    const note = `${f.clusters} clusters every ${f.pollSeconds} s for ${f.windowSeconds} s (≙ ${f.equivalentClusters} every ${f.intervalMinutes} min)`;
    const figures = [
      ['server_cpu_ms', fleetServerCpuMs(t), t.projected.serverCpuMs],
      ['bytes_down', t.measured.bytesDown, t.projected.bytesDown],
      ['requests', t.measured.requests, t.projected.requests],
    ] as const;
    for (const [metric, value, projected] of figures) {
      if (value !== null) ctx.report({ ...who, metric, value, fleet: { projected }, method_note: `measured over the window; ${note}` });
    }
  }
  ctx.log(FLEET_TITLE);
  for (const line of renderTable(FLEET_HEAD, fleetRows(f)).split('\n')) ctx.log(line);
  for (const line of fleetNotes(f)) ctx.log(line);
  const report = ReportSchema.parse({ ...buildReport([]), fleet: f });
  for (const path of paths) {
    await writeReport(report, path);
    ctx.log(`report written: ${path}`, 'info');
  }
  const errors = f.transports.reduce((n, t) => n + t.measured.errors, 0);
  if (errors > 0) return { ok: false, message: `${errors} poll(s) failed: ${f.transports.flatMap((t) => t.measured.errorSamples).join('; ')}` };
  return { ok: true };
}

export const fleetActions = [
  defineAction({
    name: 'measure.fleet',
    description: 'N simulated source-controllers poll the Git server and registry (own processes) for a window: server CPU, bytes, requests measured vs projected',
    args: FleetArgs,
    run: measureFleet,
  }),
];
