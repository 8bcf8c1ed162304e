/**
 * A client's own floor: what one process of that client costs when it does nothing
 * (`git --version`), measured the same way as the fetches (child-steps.ts wrappers), a few
 * times, medians, in the same run. The git rows report their figures above it, so they show
 * the fetch's cost on a ready client, as ocilab's OCI rows do (their child reports its own
 * work: oci-client-child.ts); each row says its floor.
 */
import type { MethodOutcome } from '../types.js';
import { formatBytes, formatMs } from '../units.js';
import { runChildStepsWithOutput, type ChildStep } from './child-steps.js';

export interface ClientFloor {
  runs: number;
  wallMs: number;
  cpuMs: number | null;
  peakRssBytes: number | null;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** `runs` no-op runs of the client (after one thrown away), medians. */
export async function measureClientFloor(step: ChildStep, signal: AbortSignal, env?: NodeJS.ProcessEnv, runs = 3): Promise<ClientFloor> {
  const walls: number[] = [];
  const cpus: (number | null)[] = [];
  const rss: (number | null)[] = [];
  for (let i = 0; i <= runs; i++) {
    const r = await runChildStepsWithOutput([{ ...step, gitTrace: false }], signal, env);
    if (i === 0) continue; // warm-up: page cache, first exec
    walls.push(r.wallMs);
    cpus.push(r.outcome.clientCpuMs ?? null);
    rss.push(r.outcome.clientPeakRssBytes ?? null);
  }
  const all = <T>(xs: (T | null)[]): xs is T[] => xs.every((x) => x !== null);
  return { runs, wallMs: median(walls), cpuMs: all(cpus) ? median(cpus) : null, peakRssBytes: all(rss) ? median(rss) : null };
}

/**
 * A run's whole-process figures minus the floor (`processes` client processes in the run:
 * wall and CPU subtract one floor per process, peak RSS one floor), never below 0.
 */
export function aboveFloor(run: { wallMs: number; outcome: MethodOutcome }, floor: ClientFloor, processes = 1): { wallMs: number; clientCpuMs: number | null; clientPeakRssBytes: number | null } {
  const cpu = run.outcome.clientCpuMs;
  const peak = run.outcome.clientPeakRssBytes;
  return {
    wallMs: Math.max(0, run.wallMs - floor.wallMs * processes),
    clientCpuMs: cpu == null || floor.cpuMs === null ? null : Math.max(0, cpu - floor.cpuMs * processes),
    clientPeakRssBytes: peak == null || floor.peakRssBytes === null ? null : Math.max(0, peak - floor.peakRssBytes),
  };
}

/** The note every row measured above its floor carries. */
export function floorNote(what: string, f: ClientFloor): string {
  return `client figures above the client's own floor (${what}, median of ${f.runs} in this run: ${formatMs(f.wallMs)}, ${formatMs(f.cpuMs)} CPU, ${formatBytes(f.peakRssBytes)} peak RSS)`;
}
