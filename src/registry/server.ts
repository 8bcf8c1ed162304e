/**
 * The embedded OCI registry: a node:http server speaking the distribution-spec 1.1 API
 * over a disk or memory store. `startRegistry()` is the programmatic entry point used by
 * the CLI (`ocilab registry serve`), the scenario actions and the measurement harness.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import { RegistryError } from './errors.js';
import { drain, sendError, type Exchange } from './http-util.js';
import { hostRefusedMessage, isAllowedHost } from '../net/host-check.js';
import { route } from './routes.js';
import { OciStore } from './store.js';
import { UploadSessions } from './uploads.js';
import { createFsStorage } from './fs-storage.js';
import { createMemoryStorage } from './memory-storage.js';
import type { RegistryStorage } from './storage.js';

export interface RegistryOptions {
  /** Storage directory; without it the registry keeps everything in memory. */
  dir?: string;
  /** Interface to bind; 127.0.0.1 unless told otherwise. */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Aborting it closes the registry. */
  signal?: AbortSignal;
  /** Bring your own storage (takes precedence over `dir`). */
  storage?: RegistryStorage;
  /**
   * Serve HTTPS with this certificate and key (PEM), e.g. from createRegistryCertificate().
   * With `clientCa` (PEM), mutual TLS: the handshake fails for a client that presents no
   * certificate, or one not signed by that CA (requestCert + rejectUnauthorized).
   */
  tls?: RegistryTls;
  /**
   * Host names (besides IP addresses, localhost and `host`) a request's Host header may carry,
   * e.g. a DNS name of this machine that cluster nodes use. Anything else gets 403 DENIED
   * (DNS rebinding, src/net/host-check.ts).
   */
  allowedHosts?: readonly string[];
  /** Time limits; see REGISTRY_TIMEOUTS for the defaults and why there is no total request timeout. */
  timeouts?: Partial<RegistryTimeouts>;
}

export interface RegistryTimeouts {
  /** The request line and headers must arrive within this (node:http `headersTimeout`; 408 and close). */
  headersMs: number;
  /**
   * A request body that sends nothing for this long, or a response the client stops reading for
   * this long, has its connection closed. An inactivity limit, not a total: a slow upload that
   * keeps moving is never cut. 0 disables it.
   */
  idleMs: number;
  /** The whole request (headers and body) must arrive within this; 0 (default) = no limit. */
  requestMs: number;
  /** An idle keep-alive connection is closed after this (node:http `keepAliveTimeout`). */
  keepAliveMs: number;
}

/**
 * Defaults: generous next to what loopback needs (headers arrive in microseconds, a 1 GiB push
 * never pauses for seconds), short enough that a stalled or malicious client does not hold a
 * socket, a file descriptor and an upload for ever. No total request time: a 1 GiB push over a
 * slow link legitimately takes minutes, and node's own 300 s default would cut it.
 */
export const REGISTRY_TIMEOUTS: RegistryTimeouts = { headersMs: 30_000, idleMs: 60_000, requestMs: 0, keepAliveMs: 5_000 };

export interface RegistryTls {
  cert: string;
  key: string;
  /** Require client certificates signed by this CA (PEM). */
  clientCa?: string;
}

/** node:https options for `tls`: server identity, and client-certificate checks when asked for. */
function httpsOptions(tls: RegistryTls) {
  const identity = { cert: tls.cert, key: tls.key };
  return tls.clientCa === undefined ? identity : { ...identity, ca: tls.clientCa, requestCert: true, rejectUnauthorized: true };
}

/** One line of the request log. */
export interface RequestEvent {
  method: string;
  /** Path and query as requested. */
  path: string;
  status: number;
  bytesIn: number;
  bytesOut: number;
  durationMs: number;
  /** The spec error code, for failed requests. */
  error?: string;
}

/**
 * `GET /_ocilab/stats` → `{"server":"ocilab-registry","requests":…,"bytesIn":…,"bytesOut":…,"bodyBytesIn":…,"bodyBytesOut":…}`:
 * the running totals, so a measurement in another process (an in-cluster batch against
 * `ocilab registry serve`) can read what the registry served. bytesIn/bytesOut are TCP bytes,
 * headers included, counted as the Git server counts them; the body* fields are the request
 * and response bodies alone (what the request log shows). Outside the distribution API's /v2/.
 */
export const STATS_PATH = '/_ocilab/stats';

export interface RegistryStats {
  requests: number;
  bytesIn: number;
  bytesOut: number;
}

export interface RegistryHandle {
  /** `http://127.0.0.1:PORT` (`https://` when started with `tls`) */
  url: string;
  /** `127.0.0.1:PORT`, the form used in image references (loopback when bound to 0.0.0.0 / ::). */
  hostPort: string;
  host: string;
  port: number;
  /** "memory" or the storage directory. */
  location: string;
  storage: RegistryStorage;
  /** Running totals since start (or the last resetStats). */
  readonly stats: RegistryStats;
  resetStats(): void;
  on(event: 'request', listener: (e: RequestEvent) => void): RegistryHandle;
  off(event: 'request', listener: (e: RequestEvent) => void): RegistryHandle;
  close(): Promise<void>;
}

const PLACEHOLDER_URL = new URL('http://registry.invalid/');

/** The request target as a URL (for its query); a target no URL parser accepts is a 400, not a crash. */
function requestUrl(target: string | undefined): URL {
  try {
    return new URL(target ?? '/', 'http://registry.invalid');
  } catch {
    throw new RegistryError(400, 'UNSUPPORTED', `request target "${(target ?? '').slice(0, 200)}" is not a valid URL path`);
  }
}

/** Any thrown value (an Error, a RegistryError, a string, undefined) as the error to answer. */
function asRegistryError(err: unknown): RegistryError {
  if (err instanceof RegistryError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new RegistryError(500, 'UNSUPPORTED', `internal registry error: ${message}`);
}

/**
 * Close the connection of a request whose body stops arriving for `idleMs`: an inactivity
 * limit (node restarts the socket's timer on every chunk it parses), not a total. Requests
 * without a body are not watched. (A 'data' listener on `req` would start the body flowing
 * before the route reads it, so the socket's own timer is used.)
 */
function closeIfBodyIdle(req: IncomingMessage, res: ServerResponse, idleMs: number): void {
  const length = req.headers['content-length'];
  const hasBody = req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
  if (idleMs <= 0 || !hasBody) return;
  const socket = req.socket;
  const onIdle = () => socket.destroy();
  socket.setTimeout(idleMs);
  socket.once('timeout', onIdle);
  let watching = true;
  // Once the body is in: back to no socket limit (node sets its keep-alive one after the response).
  req.once('end', () => {
    if (!watching) return;
    watching = false;
    socket.off('timeout', onIdle);
    socket.setTimeout(0);
  });
  // Answered before the body ended: stop watching, and leave the socket's timer to node.
  res.once('close', () => {
    watching = false;
    socket.off('timeout', onIdle);
  });
}

export class PortInUseError extends Error {
  constructor(host: string, port: number) {
    super(`cannot start the registry: ${host}:${port} is already in use (another registry or server?). Stop it, or pick another port (--port 0 chooses a free one).`);
    this.name = 'PortInUseError';
  }
}

export async function startRegistry(options: RegistryOptions = {}): Promise<RegistryHandle> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  options.signal?.throwIfAborted();
  const storage = options.storage ?? (options.dir ? await createFsStorage(options.dir) : createMemoryStorage());
  const ctx = { store: new OciStore(storage), uploads: new UploadSessions(storage.blobs) };
  const events = new EventEmitter();
  let stats: RegistryStats = { requests: 0, bytesIn: 0, bytesOut: 0 };
  // TCP bytes, headers included, as the Git server counts them: what /_ocilab/stats answers,
  // so a measurement in another process counts both servers' bytes the same way.
  let wire = { bytesIn: 0, bytesOut: 0 };
  const seenSockets = new WeakMap<object, { read: number; written: number }>();

  const timeouts = { ...REGISTRY_TIMEOUTS, ...options.timeouts };
  const allowedHosts = [host, ...(options.allowedHosts ?? [])];

  // The one entry point for every request: whatever goes wrong inside (a malformed request
  // target, a storage error, a throw in a route, a rejected promise) becomes an error answer
  // for this request only; the server goes on.
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    const ex: Exchange = { req, res, url: PLACEHOLDER_URL, bytesIn: 0, bytesOut: 0, idleTimeoutMs: timeouts.idleMs };
    let errorCode: string | undefined;
    // Without listeners, an 'error' on either stream (a write after the socket died) would be
    // thrown as an uncaught exception and end the process.
    req.on('error', () => {});
    res.on('error', () => {});
    const fail = (err: unknown) => {
      try {
        const regErr = asRegistryError(err);
        errorCode = regErr.code;
        if (res.headersSent || res.destroyed) {
          res.destroy();
          return;
        }
        if (!req.complete) drain(ex); // let the client finish sending so it can read the answer
        sendError(ex, regErr);
      } catch {
        res.destroy();
      }
    };
    // ocilab's own counters for a measurement in another process (flux.measure); not counted themselves.
    const isStats = req.method === 'GET' && req.url === STATS_PATH;
    if (!isStats) {
      res.on('close', () => {
        stats = { requests: stats.requests + 1, bytesIn: stats.bytesIn + ex.bytesIn, bytesOut: stats.bytesOut + ex.bytesOut };
        const s = req.socket;
        const last = seenSockets.get(s) ?? { read: 0, written: 0 };
        wire = { bytesIn: wire.bytesIn + (s.bytesRead - last.read), bytesOut: wire.bytesOut + (s.bytesWritten - last.written) };
        seenSockets.set(s, { read: s.bytesRead, written: s.bytesWritten });
        const event: RequestEvent = {
          method: req.method ?? '',
          path: req.url ?? '',
          status: res.statusCode,
          bytesIn: ex.bytesIn,
          bytesOut: ex.bytesOut,
          durationMs: Math.round((performance.now() - started) * 100) / 100,
        };
        if (errorCode) event.error = errorCode;
        events.emit('request', event);
      });
    }
    try {
      if (!isAllowedHost(req.headers.host, allowedHosts)) {
        throw new RegistryError(403, 'DENIED', hostRefusedMessage(req.headers.host, 'this registry', 'start it with --allowed-host <name> (startRegistry({ allowedHosts }))'), {
          host: req.headers.host ?? null,
        });
      }
      if (isStats) {
        req.resume();
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ server: 'ocilab-registry', requests: stats.requests, ...wire, bodyBytesIn: stats.bytesIn, bodyBytesOut: stats.bytesOut }));
        return;
      }
      closeIfBodyIdle(req, res, timeouts.idleMs);
      ex.url = requestUrl(req.url);
      route(ex, ctx).catch(fail);
    } catch (err) {
      fail(err);
    }
  };
  const serverOptions = {
    keepAliveTimeout: timeouts.keepAliveMs,
    // node refuses a headers limit above a (non-zero) request limit: the request limit covers both then.
    headersTimeout: timeouts.requestMs > 0 ? Math.min(timeouts.headersMs, timeouts.requestMs) : timeouts.headersMs,
    requestTimeout: timeouts.requestMs,
    // How often node checks headersTimeout/requestTimeout (default 30 s, too coarse for short limits).
    connectionsCheckingInterval: Math.max(50, Math.min(30_000, Math.floor(Math.min(timeouts.headersMs, timeouts.requestMs || Infinity) / 4))),
  };
  const server = options.tls
    ? createHttpsServer({ ...serverOptions, ...httpsOptions(options.tls) }, handler)
    : createServer(serverOptions, handler);

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      reject(err.code === 'EADDRINUSE' ? new PortInUseError(host, port) : err);
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const actualPort = (server.address() as AddressInfo).port;
  // Bound to every interface: clients on this machine still reach it through loopback.
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  const hostPort = `${reachable.includes(':') ? `[${reachable}]` : reachable}:${actualPort}`;

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      options.signal?.removeEventListener('abort', onAbort);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await ctx.uploads.clear();
      await storage.close?.();
    })();
    return closing;
  };
  const onAbort = () => void close();
  options.signal?.addEventListener('abort', onAbort, { once: true });

  const handle: RegistryHandle = {
    url: `${options.tls ? 'https' : 'http'}://${hostPort}`,
    hostPort,
    host,
    port: actualPort,
    location: storage.location,
    storage,
    get stats() {
      return { ...stats };
    },
    resetStats() {
      stats = { requests: 0, bytesIn: 0, bytesOut: 0 };
      wire = { bytesIn: 0, bytesOut: 0 };
    },
    on(event, listener) {
      events.on(event, listener);
      return handle;
    },
    off(event, listener) {
      events.off(event, listener);
      return handle;
    },
    close,
  };
  return handle;
}
