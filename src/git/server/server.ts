/**
 * ocilab's Git server: a Node HTTP server in front of the real `git http-backend`
 * (smart HTTP, protocol v2), serving every repository under one directory.
 * Secure by default (issue 16): binds 127.0.0.1 unless told otherwise (`host: '0.0.0.0'` or
 * the kind bridge address to serve a kind cluster), read-only unless `push` (as
 * http-backend itself), and with push a branch only moves forward unless
 * `allowNonFastForward`; a request whose Host header is a DNS name other than localhost, the
 * container engines' names for the host and `allowedHosts` is refused (DNS rebinding, src/net/host-check.ts). One entry point
 * (`onRequest`) answers any failure with an HTTP error and keeps serving. Every request is
 * accounted (bytes, duration, git CPU) in `log`, which emits a `request` event per request.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { realpath, stat } from 'node:fs/promises';
import { hostRefusedMessage, isAllowedHost } from '../../net/host-check.js';
import { findGit, httpBackendPath, type GitInstall } from '../git-binary.js';
import { resolveRepoRequest, RepoPathError } from './paths.js';
import { runHttpBackend } from './http-backend.js';
import { RequestLog, CLONE_ID_HEADER, type GitRequestEvent } from './request-log.js';

export interface GitServerOptions {
  /** Directory whose repositories are served (e.g. the fixtures directory). */
  root: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 = ephemeral (tests). */
  port?: number;
  /** When the port is taken, try the next ones (up to 20) instead of failing. */
  portFallback?: boolean;
  /** Accept pushes (git-receive-pack). Default false: read-only, like `git http-backend` itself. */
  push?: boolean;
  /**
   * With push: accept non-fast-forward updates (`push -f`) and deletions of branches.
   * Default false: git's own receive.denyNonFastForwards and receive.denyDeletes refuse them.
   */
  allowNonFastForward?: boolean;
  /**
   * DNS names answered in the Host header besides localhost and the container engines' names
   * for the host (IP addresses always are), e.g. a DNS name of this machine that a cluster uses.
   */
  allowedHosts?: readonly string[];
}

/** A request refused before any git runs, with the status and the words the client sees. */
export class RequestRefused extends Error {
  constructor(
    readonly status: 400 | 403,
    message: string,
  ) {
    super(message);
    this.name = 'RequestRefused';
  }
}

/** What a git client prints (as "remote: …") when it pushes to a read-only server. */
export const READ_ONLY_MESSAGE = 'push refused: this Git server is read-only (start it with `ocilab git serve --allow-push` to accept pushes)';

export class PortInUseError extends Error {
  constructor(host: string, port: number) {
    super(`port ${port} on ${host} is already in use; choose another with --port (or --port 0 for any free port), or stop what is using it`);
    this.name = 'PortInUseError';
  }
}

/**
 * `GET /_ocilab/stats` → `{"server":"ocilab-git","requests":…,"bytesIn":…,"bytesOut":…}`: totals since
 * start, for a measurement in another process (flux.measure against `ocilab git serve`). Not a
 * repository path (those end in .git/…).
 */
export const STATS_PATH = '/_ocilab/stats';

export class GitServer {
  readonly log = new RequestLog();
  /** Requests and bytes (TCP, headers included) since start; what STATS_PATH answers. */
  readonly totals = { requests: 0, bytesIn: 0, bytesOut: 0 };
  /** Set when the requested port was busy and another was used: say it on screen. */
  portNote?: string;
  private server?: Server;
  private root = '';
  private git?: GitInstall;
  private readonly sockets = new Set<Socket>();
  private readonly seen = new WeakMap<Socket, { read: number; written: number }>();
  private readonly inflight = new Set<Promise<void>>();

  constructor(private readonly opts: GitServerOptions) {}

  /** Base URL, e.g. http://127.0.0.1:43121 (repos are at `${url}/<name>.git`). */
  get url(): string {
    const addr = this.server?.address();
    if (!addr || typeof addr === 'string') throw new Error('git server is not listening');
    const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${addr.port}`;
  }

  get port(): number {
    const addr = this.server?.address();
    return addr && typeof addr !== 'string' ? addr.port : 0;
  }

  async start(): Promise<this> {
    this.git = await findGit();
    httpBackendPath(this.git); // fail now, not on the first request
    const st = await stat(this.opts.root).catch(() => undefined);
    if (!st?.isDirectory()) throw new Error(`cannot serve ${this.opts.root}: not a directory`);
    this.root = await realpath(this.opts.root);
    const host = this.opts.host ?? '127.0.0.1';
    const first = this.opts.port ?? 0;
    const tries = this.opts.portFallback && first !== 0 ? 20 : 1;
    for (let i = 0; i < tries; i++) {
      try {
        await this.listen(host, first + i);
        if (i > 0) this.portNote = `port ${first} on ${host} was in use; serving on ${first + i} instead`;
        return this;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
        if (i === tries - 1) throw new PortInUseError(host, first + i);
      }
    }
    return this;
  }

  private listen(host: string, port: number): Promise<void> {
    const server = createServer((req, res) => this.onRequest(req, res));
    server.on('connection', (s) => {
      this.sockets.add(s);
      this.seen.set(s, { read: 0, written: 0 });
      s.on('close', () => this.sockets.delete(s));
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        this.server = server;
        resolve();
      });
    });
  }

  /** Names answered in the Host header besides those isAllowedHost always answers (IP addresses, localhost, …): the bound name, if it is one, and `allowedHosts`. */
  private get allowedHosts(): string[] {
    return [this.opts.host ?? '127.0.0.1', ...(this.opts.allowedHosts ?? [])];
  }

  /**
   * The one entry point of every request: whatever goes wrong below (a throw, a rejected
   * promise, an error event on either stream) ends this request with an HTTP error or a
   * closed connection, never the process (issue 16).
   */
  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    req.on('error', () => undefined); // client went away mid-body: handled by res 'close'
    res.on('error', () => undefined); // write to a connection the client reset
    let p: Promise<void>;
    try {
      p = this.handle(req, res);
    } catch (err) {
      p = Promise.reject(err);
    }
    const tracked = p.catch((err: unknown) => internalError(res, err));
    this.inflight.add(tracked);
    void tracked.finally(() => this.inflight.delete(tracked));
  }

  /** Resolves when every request in flight has been accounted (call after a client exits). */
  async settled(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  /** Stop listening, end idle connections, wait for requests in flight. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
      setTimeout(() => this.sockets.forEach((s) => s.destroy()), 2000).unref();
    });
    await Promise.allSettled([...this.inflight]);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    // ocilab's own counters for a measurement in another process (flux.measure); not counted themselves.
    if (req.method === 'GET' && req.url === STATS_PATH && isAllowedHost(req.headers.host, this.allowedHosts)) {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ server: 'ocilab-git', ...this.totals }));
      return;
    }
    const started = performance.now();
    // Not `new URL()` for the path: it would resolve `..` before we can refuse it.
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const query = q < 0 ? '' : rawUrl.slice(q + 1);
    const cloneHeader = req.headers[CLONE_ID_HEADER];
    const event: GitRequestEvent = {
      id: this.log.newId(),
      at,
      method: req.method ?? 'GET',
      path: rawPath,
      status: 0,
      bytesIn: 0,
      bytesOut: 0,
      durationMs: 0,
      cloneId: typeof cloneHeader === 'string' ? cloneHeader : undefined,
      gitProtocol: typeof req.headers['git-protocol'] === 'string' ? req.headers['git-protocol'] : undefined,
    };
    const finished = new Promise<void>((resolve) => res.on('close', resolve));

    try {
      if (!isAllowedHost(req.headers.host, this.allowedHosts)) {
        throw new RequestRefused(403, hostRefusedMessage(req.headers.host, "ocilab's Git server", 'start it with `ocilab git serve --allowed-host <name>` (GitServer({ allowedHosts }))'));
      }
      if (!rawPath.startsWith('/')) throw new RequestRefused(400, `malformed request-target ${JSON.stringify(rawUrl)}: a path starting with / is expected`);
      const target = await resolveRepoRequest(this.root, rawPath, new URLSearchParams(query));
      event.repo = target.repo;
      event.service = target.service;
      event.endpoint = target.endpoint;
      if (target.service === 'git-receive-pack' && !this.opts.push) throw new RequestRefused(403, READ_ONLY_MESSAGE);
      const backend = { push: this.opts.push ?? false, allowNonFastForward: this.opts.allowNonFastForward ?? false };
      const outcome = await runHttpBackend(this.git!, this.root, req, res, target, query, backend);
      event.status = outcome.status;
      event.cpuMs = outcome.cpuMs;
      event.command = outcome.command;
      event.error = outcome.error;
    } catch (err) {
      const status = err instanceof RepoPathError || err instanceof RequestRefused ? err.status : 500;
      event.status = status;
      event.error = (err as Error).message;
      if (res.headersSent) res.destroy(); // a response already under way cannot turn into an error: cut it
      else res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(`${event.error}\n`);
      req.resume();
    }
    await finished;
    const s = req.socket;
    const last = this.seen.get(s) ?? { read: 0, written: 0 };
    event.bytesIn = s.bytesRead - last.read;
    event.bytesOut = s.bytesWritten - last.written;
    this.seen.set(s, { read: s.bytesRead, written: s.bytesWritten });
    event.durationMs = performance.now() - started;
    this.totals.requests += 1;
    this.totals.bytesIn += event.bytesIn;
    this.totals.bytesOut += event.bytesOut;
    this.log.record(event);
  }
}

/** Last resort of onRequest: a 500 when nothing was sent yet, else cut the connection (the body is incomplete). */
function internalError(res: ServerResponse, err: unknown): void {
  try {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' }).end(`internal error: ${(err as Error)?.message ?? String(err)}\n`);
  } catch {
    res.destroy();
  }
}

/** Start a server; convenience for actions and the CLI. */
export async function startGitServer(opts: GitServerOptions): Promise<GitServer> {
  return new GitServer(opts).start();
}
