/**
 * Fleet projection: the load on a Git server or registry when F clusters poll every I
 * minutes and the source changes C times an hour, from measured per-operation costs.
 *
 * Per hour, for the whole fleet:
 *   polls   = F · 60 / I                 every poll is a no-change check (ls-refs / manifest HEAD)
 *   fetches = F · min(C, 60 / I)         a change is picked up at the next poll; several changes
 *                                        between two polls cost one fetch (evenly spaced changes;
 *                                        for random changes this is an upper bound)
 *   checksWithoutChange = polls − fetches
 *   X/hour  = polls · X_check + fetches · X_fetch       (X = bytes down, bytes up, server CPU, requests)
 * because source-controller checks first and pulls only when the revision changed, so a poll that
 * finds a change costs a check and a fetch. When the measured fetch already includes its check
 * (fetchIncludesCheck), a changed poll costs the fetch alone:
 *   X/hour  = checksWithoutChange · X_check + fetches · X_fetch
 */
import type { MethodResult } from './types.js';

/** Cost of one operation (a check or a fetch); null where it was not measured. */
export interface OpCost {
  bytesDown: number | null;
  bytesUp: number | null;
  serverCpuMs: number | null;
  requests: number | null;
}

export interface FleetParams {
  /** Clusters polling the source. */
  clusters: number;
  /** Poll interval in minutes (Flux's spec.interval). */
  intervalMinutes: number;
  /** Changes to the source per hour. */
  changesPerHour: number;
  /** True when the measured fetch already includes the no-change check before it. */
  fetchIncludesCheck?: boolean;
}

export interface FleetProjection {
  params: Required<FleetParams>;
  check: OpCost;
  fetch: OpCost;
  pollsPerHour: number;
  fetchesPerHour: number;
  checksWithoutChangePerHour: number;
  bytesDownPerHour: number | null;
  bytesUpPerHour: number | null;
  serverCpuSecondsPerHour: number | null;
  /** Average server cores busy: CPU-seconds per hour / 3600. */
  serverCores: number | null;
  requestsPerHour: number | null;
  requestsPerSecond: number | null;
  /** Average download bandwidth, bytes per second. */
  bytesDownPerSecond: number | null;
}

/** The median costs of a measured method, as an operation cost. */
export function costFromResult(r: MethodResult): OpCost {
  return {
    bytesDown: r.stats.bytesDown?.median ?? null,
    bytesUp: r.stats.bytesUp?.median ?? null,
    serverCpuMs: r.stats.serverCpuMs?.median ?? null,
    requests: r.stats.requests?.median ?? null,
  };
}

function checkParams(p: FleetParams): Required<FleetParams> {
  const bad = (what: string, v: number) => new Error(`fleet projection: ${what} must be ${v < 0 ? '≥ 0' : 'a finite number'}, got ${v}`);
  if (!Number.isFinite(p.clusters) || p.clusters < 0) throw bad('clusters', p.clusters);
  if (!Number.isFinite(p.intervalMinutes) || p.intervalMinutes <= 0) {
    throw new Error(`fleet projection: interval must be > 0 minutes, got ${p.intervalMinutes}`);
  }
  if (!Number.isFinite(p.changesPerHour) || p.changesPerHour < 0) throw bad('changes per hour', p.changesPerHour);
  return { fetchIncludesCheck: false, ...p };
}

export function projectFleet(params: FleetParams, check: OpCost, fetch: OpCost): FleetProjection {
  const p = checkParams(params);
  const pollsPerCluster = 60 / p.intervalMinutes;
  const pollsPerHour = p.clusters * pollsPerCluster;
  const fetchesPerHour = p.clusters * Math.min(p.changesPerHour, pollsPerCluster);
  const checksWithoutChangePerHour = pollsPerHour - fetchesPerHour;
  const checksPerHour = p.fetchIncludesCheck ? checksWithoutChangePerHour : pollsPerHour;
  const total = (c: number | null, f: number | null): number | null => {
    // A term with zero count does not need its cost measured.
    const checkPart = checksPerHour === 0 ? 0 : c;
    const fetchPart = fetchesPerHour === 0 ? 0 : f;
    if (checkPart === null || fetchPart === null) return null;
    return checksPerHour * checkPart + fetchesPerHour * fetchPart;
  };
  const bytesDownPerHour = total(check.bytesDown, fetch.bytesDown);
  const cpuMs = total(check.serverCpuMs, fetch.serverCpuMs);
  const requestsPerHour = total(check.requests, fetch.requests);
  return {
    params: p,
    check,
    fetch,
    pollsPerHour,
    fetchesPerHour,
    checksWithoutChangePerHour,
    bytesDownPerHour,
    bytesUpPerHour: total(check.bytesUp, fetch.bytesUp),
    serverCpuSecondsPerHour: cpuMs === null ? null : cpuMs / 1000,
    serverCores: cpuMs === null ? null : cpuMs / 1000 / 3600,
    requestsPerHour,
    requestsPerSecond: requestsPerHour === null ? null : requestsPerHour / 3600,
    bytesDownPerSecond: bytesDownPerHour === null ? null : bytesDownPerHour / 3600,
  };
}

/** The formula, as plain text, for next to the table. */
export function projectionFormulaText(fetchIncludesCheck = false): string[] {
  return [
    'polls/h   = F × 60 / I  (every poll is a no-change check)',
    'fetches/h = F × min(C, 60 / I)  (a change is picked up at the next poll; changes between two polls cost one fetch)',
    fetchIncludesCheck
      ? 'X/h       = (polls − fetches) × X_check + fetches × X_fetch  (the measured fetch includes its check)'
      : 'X/h       = polls × X_check + fetches × X_fetch  (a poll that finds a change checks, then fetches)',
    'X = bytes down, bytes up, server CPU, requests; per-operation X are medians measured in this run',
  ];
}
