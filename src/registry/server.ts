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
import { sendError, type Exchange } from './http-util.js';
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
}

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
 * `GET /_ocilab/stats` → `{"server":"ocilab-registry","requests":…,"bytesIn":…,"bytesOut":…}`: the
 * running totals, so a measurement in another process (an in-cluster batch against
 * `ocilab registry serve`) can read what the registry served. Outside the distribution API's /v2/.
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

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    // ocilab's own counters for a measurement in another process (flux.measure); not counted themselves.
    if (req.method === 'GET' && req.url === STATS_PATH) {
      req.resume();
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ server: 'ocilab-registry', ...stats }));
      return;
    }
    const started = performance.now();
    const ex: Exchange = { req, res, url: new URL(req.url ?? '/', 'http://registry.invalid'), bytesIn: 0, bytesOut: 0 };
    let errorCode: string | undefined;
    res.on('close', () => {
      stats = { requests: stats.requests + 1, bytesIn: stats.bytesIn + ex.bytesIn, bytesOut: stats.bytesOut + ex.bytesOut };
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
    route(ex, ctx).catch((err: unknown) => {
      const regErr =
        err instanceof RegistryError
          ? err
          : new RegistryError(500, 'UNSUPPORTED', `internal registry error: ${(err as Error).message ?? String(err)}`);
      errorCode = regErr.code;
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (!req.complete) req.resume(); // let the client finish sending so it can read the answer
      sendError(ex, regErr);
    });
  };
  const serverOptions = { keepAliveTimeout: 5_000, requestTimeout: 0 };
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
