/** Reading traffic meters around a run: the delta is what the run cost the server. */
import type { CountingProxy } from './counting-proxy.js';
import type { MethodOutcome, TrafficCounters, TrafficMeter } from './types.js';

export function trafficDelta(before: TrafficCounters, after: TrafficCounters): TrafficCounters {
  const sub = (a: number | null, b: number | null) => (a === null || b === null ? null : b - a);
  return {
    bytesDown: after.bytesDown - before.bytesDown,
    bytesUp: after.bytesUp - before.bytesUp,
    requests: sub(before.requests, after.requests),
    serverCpuMs: sub(before.serverCpuMs, after.serverCpuMs),
  };
}

/**
 * The counting proxy as a meter: bytes and HTTP requests, no server CPU. Requests become
 * n/a once any connection carried something other than plain HTTP/1.x (git://, TLS).
 */
export function proxyMeter(proxy: CountingProxy): TrafficMeter {
  return {
    source: 'counting proxy (TCP payload bytes, HTTP/1.x requests)',
    read: () => {
      const c = proxy.counters();
      const requests = c.opaqueConnections > 0 ? null : c.httpRequests;
      return { bytesDown: c.bytesDown, bytesUp: c.bytesUp, requests, serverCpuMs: null };
    },
  };
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
