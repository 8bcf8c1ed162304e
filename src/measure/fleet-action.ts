/**
 * `measure.fleet`: the fleet, measured (fleet.ts) from a scenario step. Each transport's server
 * CPU, bytes down and requests reach the measurements panel with their projected figure (the
 * bars view's "fleet: measured vs projected" table); the table and how it was measured go to the
 * output. `clusters: 0` is off: the step says how to turn it on and succeeds.
 */
import { z } from 'zod';
import { defineAction, type ActionContext } from '../engine/action.js';
import { FLEET_HEAD, FLEET_TITLE, fleetNotes, fleetRows } from './export-fleet.js';
import { FLEET_DEFAULTS, runFleet } from './fleet.js';
import { PRESETS } from './matrix.js';
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
  })
  .strict();
export type FleetArgs = z.infer<typeof FleetArgs>;

export async function measureFleet(args: FleetArgs, ctx: Pick<ActionContext, 'signal' | 'log' | 'report'>) {
  if (args.clusters === 0) {
    ctx.log('fleet: off (clusters 0); --param fleet=200 runs 200 simulated clusters per transport', 'info');
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
      ['server_cpu_ms', t.measured.serverCpuMs === null || t.measured.idleCpuMs === null ? null : t.measured.serverCpuMs - t.measured.idleCpuMs, t.projected.serverCpuMs],
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
