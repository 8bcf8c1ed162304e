/** Reading traffic meters around a run: the delta is what the run cost the server. */
import type { CountingProxy } from './counting-proxy.js';
import { processCpuMs } from './process-cpu.js';
import { processTree } from '../process/process-tree.js';
import type { MethodOutcome, TrafficCounters, TrafficMeter } from './types.js';

export function trafficDelta(before: TrafficCounters, after: TrafficCounters): TrafficCounters {
  const sub = (a: number | null, b: number | null) => (a === null || b === null ? null : b - a);
  const uncounted = (after.uncountedConnections ?? 0) - (before.uncountedConnections ?? 0);
  return {
    bytesDown: after.bytesDown - before.bytesDown,
    bytesUp: after.bytesUp - before.bytesUp,
    requests: uncounted > 0 ? null : sub(before.requests, after.requests),
    serverCpuMs: sub(before.serverCpuMs, after.serverCpuMs),
  };
}

/**
 * The counting proxy as a meter: bytes and HTTP requests, and the server's CPU from /proc
 * when its pid is known. A run's requests are n/a when one of its connections carried
 * something other than plain HTTP/1.x (git://, TLS).
 */
export function proxyMeter(proxy: CountingProxy, opts: { serverPid?: number } = {}): TrafficMeter {
  const cpuSource = opts.serverPid ? `; server CPU from /proc/${opts.serverPid} (threads' schedstat + children's ticks)` : '';
  return {
    source: `counting proxy (TCP payload bytes, HTTP/1.x requests)${cpuSource}`,
    read: async () => {
      // A CGI child (git http-backend) counts in the server's CPU once reaped: let it finish.
      if (opts.serverPid) await childrenGone(opts.serverPid);
      const c = proxy.counters();
      const serverCpuMs = opts.serverPid ? processCpuMs(opts.serverPid) : null;
      return { bytesDown: c.bytesDown, bytesUp: c.bytesUp, requests: c.httpRequests, serverCpuMs, uncountedConnections: c.opaqueConnections };
    },
  };
}

/** Waits (up to `maxMs`) until `pid` has no child processes left. */
async function childrenGone(pid: number, maxMs = 500): Promise<void> {
  const until = Date.now() + maxMs;
  while (processTree(pid).length > 1 && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
}

/**
 * Run `work` between two meter readings and return its traffic as outcome fields.
 * One tick is awaited before the second reading so socket data already delivered is counted.
 */
export async function withTraffic<T>(meter: TrafficMeter | undefined, work: () => Promise<T>): Promise<{ value: T; traffic: MethodOutcome }> {
  if (!meter) return { value: await work(), traffic: {} };
  const before = await meter.read();
  const value = await work();
  await new Promise((r) => setImmediate(r));
  const d = trafficDelta(before, await meter.read());
  return {
    value,
    traffic: { ...d, notes: [`bytes and requests: ${meter.source}`] },
  };
}
