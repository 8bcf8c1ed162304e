/**
 * A loopback TCP proxy that counts the bytes each way, so the traffic of any client
 * (git, curl, skopeo, crane) against any server on this machine can be measured without
 * touching the server. Counts are TCP payload bytes (no IP/TCP headers), so they are a
 * little lower than IP-level counts. HTTP/1.x requests are counted from the client's
 * stream; TLS or other protocols count bytes and connections only (a TLS probe that a
 * plain-HTTP server answers with an HTTP error counts as one request).
 *
 * Caveat for registries: a server that answers with absolute URLs (a blob upload Location,
 * a redirect to storage) sends the client past the proxy; those bytes are not counted.
 */
import { createServer, connect, isIP, type AddressInfo, type Server, type Socket } from 'node:net';
import { HttpRequestCounter } from './http-request-counter.js';

export interface ProxyCounters {
  bytesUp: number;
  bytesDown: number;
  connections: number;
  /** HTTP/1.x requests seen; connections whose stream was not plain HTTP add none. */
  httpRequests: number;
  /** Connections whose client stream was not plain HTTP/1.x (TLS, git://): requests unknown. */
  opaqueConnections: number;
}

export interface CountingProxy {
  host: string;
  port: number;
  /** "127.0.0.1:PORT", for URLs. */
  hostPort: string;
  counters(): ProxyCounters;
  close(): Promise<void>;
}

export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1' || host === '[::1]';
}

/** Difference of two snapshots: what happened in between. */
export function counterDelta(before: ProxyCounters, after: ProxyCounters): ProxyCounters {
  return {
    bytesUp: after.bytesUp - before.bytesUp,
    bytesDown: after.bytesDown - before.bytesDown,
    connections: after.connections - before.connections,
    httpRequests: after.httpRequests - before.httpRequests,
    opaqueConnections: after.opaqueConnections - before.opaqueConnections,
  };
}

export async function startCountingProxy(opts: { targetHost: string; targetPort: number; signal?: AbortSignal }): Promise<CountingProxy> {
  const { targetHost, targetPort } = opts;
  if (!isLoopbackHost(targetHost)) {
    throw new Error(`counting proxy: target ${targetHost} is not a loopback address (only 127.0.0.0/8, ::1, localhost)`);
  }
  if (!Number.isInteger(targetPort) || targetPort < 1 || targetPort > 65535) {
    throw new Error(`counting proxy: target port ${targetPort} is not a TCP port`);
  }
  const totals = { bytesUp: 0, bytesDown: 0, connections: 0 };
  const counters = new Set<HttpRequestCounter>();
  const sockets = new Set<Socket>();

  const server: Server = createServer((client) => {
    totals.connections++;
    const counter = new HttpRequestCounter();
    counters.add(counter);
    const upstream = connect({ host: targetHost.replace(/^\[|\]$/g, ''), port: targetPort });
    sockets.add(client).add(upstream);
    client.on('data', (b: Buffer) => {
      totals.bytesUp += b.length;
      counter.push(b);
    });
    let firstResponse = true;
    upstream.on('data', (b: Buffer) => {
      totals.bytesDown += b.length;
      if (firstResponse && b.subarray(0, 7).toString('latin1') === 'HTTP/1.') counter.serverAnsweredHttp();
      firstResponse = false;
    });
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  opts.signal?.addEventListener('abort', () => void close(), { once: true });

  return {
    host: '127.0.0.1',
    port,
    hostPort: `127.0.0.1:${port}`,
    counters: () => ({
      ...totals,
      httpRequests: [...counters].reduce((n, c) => n + c.requests, 0),
      opaqueConnections: [...counters].filter((c) => c.opaque).length,
    }),
    close,
  };
}
