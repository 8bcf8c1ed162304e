/**
 * Bytes served by ocilab's own Git server and registry, read from another process: both
 * answer `GET /_ocilab/stats` with their running totals (src/git/server/server.ts,
 * src/registry/server.ts). A server that does not answer that way is not ocilab's (kind's
 * registry:3 container, GitHub, ghcr.io): its traffic is not measured, and the reason is said.
 */
import { z } from 'zod';
import type { Target } from '../targets/target.js';
import { deadline } from '../process/deadline.js';

export const STATS_PATH = '/_ocilab/stats';
const PROBE_TIMEOUT_MS = 3_000;

const StatsAnswer = z.object({
  server: z.enum(['ocilab-git', 'ocilab-registry']),
  requests: z.number().int().min(0),
  bytesIn: z.number().min(0),
  bytesOut: z.number().min(0),
});
export type ServedCounters = z.infer<typeof StatsAnswer>;

export type ServerRole = 'git' | 'registry';
const SERVER_OF: Record<ServerRole, ServedCounters['server']> = { git: 'ocilab-git', registry: 'ocilab-registry' };
export const ROLE_LABEL: Record<ServerRole, string> = { git: 'Git server', registry: 'registry' };
/** What each server counts as bytes out (they differ: say it next to the figure). */
export const BYTES_COUNTED: Record<ServerRole, string> = { git: 'TCP bytes, headers included', registry: 'TCP bytes, headers included' };

/** A server whose totals can be read: `read()` before and after some work, the difference is what it served. */
export interface ServedMeter {
  role: ServerRole;
  statsUrl: string;
  read(signal: AbortSignal): Promise<ServedCounters>;
}

/** Either a meter, or why the server's traffic is not measured. */
export type ServedProbe = { meter: ServedMeter } | { meter?: undefined; notMeasured: string };

/** The stats URL of the server at a target's host-side address (Git base URL, or registry host[:port][/path]). */
export function statsUrlOf(role: ServerRole, address: string, insecure = false): string {
  if (role === 'git') return new URL(STATS_PATH, address).toString();
  const hostPort = address.replace(/^(oci|https?):\/\//, '').split('/')[0]!;
  return `${insecure ? 'http' : 'https'}://${hostPort}${STATS_PATH}`;
}

async function readStats(url: string, role: ServerRole, signal: AbortSignal): Promise<ServedCounters> {
  const limit = deadline(PROBE_TIMEOUT_MS, signal, `GET ${url}`);
  let body: unknown;
  try {
    const res = await fetch(url, { signal: limit.signal, headers: { accept: 'application/json' } });
    if (!res.ok) {
      await res.body?.cancel();
      throw new Error(`${url} answered ${res.status}`);
    }
    body = await res.json().catch(() => undefined);
  } finally {
    limit.dispose();
  }
  const parsed = StatsAnswer.safeParse(body);
  if (!parsed.success || parsed.data.server !== SERVER_OF[role]) throw new Error(`${url} does not answer with ocilab's ${ROLE_LABEL[role]} counters`);
  return parsed.data;
}

/** Probe once; a server that is not ocilab's (or does not answer) is "not measured", with the reason. */
export async function probeServed(role: ServerRole, address: string, insecure: boolean, signal: AbortSignal): Promise<ServedProbe> {
  const url = statsUrlOf(role, address, insecure);
  try {
    await readStats(url, role, signal);
  } catch (err) {
    signal.throwIfAborted();
    return { notMeasured: `not measured: ${ROLE_LABEL[role]} not served by ocilab (${(err as Error).message})` };
  }
  return { meter: { role, statsUrl: url, read: (s) => readStats(url, role, s) } };
}

/** Probes the target's Git server and registry (their host-side addresses); a target without one says so. */
export async function probeTargetServers(t: Target, signal: AbortSignal): Promise<Record<ServerRole, ServedProbe>> {
  const probe = async (role: ServerRole, address: () => { address: string; insecure: boolean }): Promise<ServedProbe> => {
    let a: { address: string; insecure: boolean };
    try {
      a = address();
    } catch (err) {
      return { notMeasured: `not measured: no ${ROLE_LABEL[role]} (${(err as Error).message})` };
    }
    return probeServed(role, a.address, a.insecure, signal);
  };
  const [git, registry] = await Promise.all([
    // The server Flux fetches from: on kind the cluster side is the gateway server, while the
    // host side is its loopback twin (same repositories, separate counters).
    probe('git', () => ({ address: t.gitUrl().cluster, insecure: true })),
    probe('registry', () => {
      const r = t.registryUrl();
      return { address: r.host, insecure: r.insecure };
    }),
  ]);
  return { git, registry };
}
