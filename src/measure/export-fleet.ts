/**
 * The "fleet: measured vs projected" table, shaped once for every output (plain, Markdown,
 * HTML, the bars view): one row per transport and figure, and the lines that say how it was
 * measured (fleet size, compressed interval, clients, load average, late polls, errors).
 */
import type { FleetReport, FleetTransport } from './report-schema.js';
import { formatBytes, formatCount, formatMs } from './units.js';

export const FLEET_TITLE = 'fleet: measured vs projected';
export const FLEET_HEAD = ['transport', 'figure', 'measured', 'projected', 'measured ÷ projected'];
export const FLEET_ALIGN: ('left' | 'right')[] = ['left', 'left', 'right', 'right', 'right'];

const ratioText = (r: number | null) => (r === null ? 'n/a' : `${r.toFixed(2)}×`);
const cores = (c: number | null) => (c === null ? 'n/a' : c.toFixed(3));

function transportRows(t: FleetTransport): string[][] {
  const m = t.measured;
  const p = t.projected;
  const name = t.kind === 'git' ? 'Git' : 'OCI';
  return [
    [name, 'server CPU, all', formatMs(m.serverCpuMs), '', ''],
    [name, '  of it idle (nobody polling)', formatMs(m.idleCpuMs), '', ''],
    [name, 'server CPU, the fleet', formatMs(m.serverCpuMs === null || m.idleCpuMs === null ? null : m.serverCpuMs - m.idleCpuMs), formatMs(p.serverCpuMs), ratioText(t.ratio.serverCpu)],
    [name, 'server cores (window average)', cores(t.serverCores.measured), cores(t.serverCores.projected), ratioText(t.ratio.serverCpu)],
    [name, 'bytes down', formatBytes(m.bytesDown), formatBytes(p.bytesDown), ratioText(t.ratio.bytesDown)],
    [name, 'requests', formatCount(m.requests), formatCount(p.requests === null ? null : Math.round(p.requests)), ratioText(t.ratio.requests)],
    [name, 'polls / fetches', `${formatCount(m.polls)} / ${formatCount(m.fetches)}`, `${formatCount(Math.round(p.polls))} / ${formatCount(Math.round(p.fetches))}`, ''],
    [name, 'check latency p50 / p99', `${formatMs(m.checkP50Ms)} / ${formatMs(m.checkP99Ms)}`, '', ''],
    [name, 'errors / late polls', `${m.errors} / ${m.latePolls}`, '', ''],
  ];
}

export function fleetRows(f: FleetReport): string[][] {
  return f.transports.flatMap(transportRows);
}

const load = (l: readonly number[]) => l.map((x) => x.toFixed(2)).join(' ');

/** What was run, on what, and anything that did not go to plan. */
export function fleetNotes(f: FleetReport): string[] {
  const lines = [
    `${f.clusters} simulated clusters per transport polled every ${f.pollSeconds} s for ${f.windowSeconds} s (${f.wallSeconds.toFixed(1)} s wall), ${f.changes} change(s) pushed during the window: ` +
      `the ${f.intervalMinutes} min interval compressed ${formatCompression(f.compression)}, the same load as ${formatCount(f.equivalentClusters)} clusters polling every ${f.intervalMinutes} min with ${formatRate(f.changesPerHourEquivalent)} changes an hour.`,
    `Clients: ${f.clients}; their CPU: ${formatMs(f.clientCpuMs)}.`,
    `Projected: the formula (projection.ts) for the same fleet, interval and changes, from ${f.calibrationRuns} checks (each on a new connection, as a poll after the servers' 5 s keep-alive) and ${f.calibrationRuns} fetches per transport run one at a time before the window, each batch's total ÷ ${f.calibrationRuns} (the Git server's children report CPU in 10 ms ticks: single readings would be quantized). Fixture: ${f.preset}.`,
    `Server CPU from /proc of each server process (threads, and the Git server's reaped http-backend children); its idle rate, read for 3 s before the window, times the wall time is left out of the fleet's figure (the formula has no idle term).`,
    `Load average (1/5/15 min) before ${load(f.loadAverage.before)}, after ${load(f.loadAverage.after)}.`,
  ];
  for (const t of f.transports) {
    const name = t.kind === 'git' ? 'Git server' : 'registry';
    if (t.fellBehind) lines.push(`${name} fell behind: ${t.measured.latePolls} poll(s) started late, up to ${formatMs(t.measured.maxLagMs)} after their slot; its figures cover ${f.wallSeconds.toFixed(1)} s, not the ${f.windowSeconds} s window, and changes polled late merge into one fetch: read its ratios as not comparable.`);
    if (t.measured.errors > 0) lines.push(`${name}: ${t.measured.errors} error(s), e.g. ${t.measured.errorSamples.join('; ')}`);
  }
  return lines;
}

function formatCompression(k: number): string {
  return `${Number.isInteger(k) ? k : k.toFixed(1)}×`;
}

function formatRate(r: number): string {
  return Number.isInteger(r) ? String(r) : r.toFixed(1);
}
