/**
 * ocilab's Git server: a Node HTTP server in front of the real `git http-backend`
 * (smart HTTP, protocol v2), serving every repository under one directory, push enabled.
 * Binds 127.0.0.1 unless told otherwise (`host: '0.0.0.0'` or the kind bridge address
 * to serve a kind cluster). Every request is accounted (bytes, duration, git CPU) in
 * `log`, which emits a `request` event per request for the UI.
 */
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { realpath, stat } from 'node:fs/promises';
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
}

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
    const server = createServer((req, res) => {
      // ocilab's own counters for a measurement in another process (flux.measure); not counted themselves.
      if (req.method === 'GET' && req.url === STATS_PATH) {
        req.resume();
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ server: 'ocilab-git', ...this.totals }));
        return;
      }
      const p = this.handle(req, res);
      this.inflight.add(p);
      void p.finally(() => this.inflight.delete(p));
    });
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

  private async handle(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): Promise<void> {
    const at = Date.now();
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
      const target = await resolveRepoRequest(this.root, rawPath, new URLSearchParams(query));
      event.repo = target.repo;
      event.service = target.service;
      event.endpoint = target.endpoint;
      const outcome = await runHttpBackend(this.git!, this.root, req, res, target, query);
      event.status = outcome.status;
      event.cpuMs = outcome.cpuMs;
      event.command = outcome.command;
      event.error = outcome.error;
    } catch (err) {
      const status = err instanceof RepoPathError ? err.status : 500;
      event.status = status;
      event.error = (err as Error).message;
      if (!res.headersSent) res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`${event.error}\n`);
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

/** Start a server; convenience for actions and the CLI. */
export async function startGitServer(opts: GitServerOptions): Promise<GitServer> {
  return new GitServer(opts).start();
}
