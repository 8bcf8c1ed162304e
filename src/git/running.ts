/**
 * The Git servers one run started (by git.serve or the local target), so its later steps find
 * the server behind a URL (git.clone, the reconciler's measurements) and a second request to
 * serve the same directory reuses the running server instead of starting another. One
 * GitServers per run: the `gitServers` slot of the run's scope (ctx.scope). Each server is
 * stopped (and forgotten) by the cleanup registry of the run that started it.
 */
import { resolve } from 'node:path';
import type { CleanupRegistry } from '../engine/cleanup.js';
import { scopeSlot } from '../engine/run-scope.js';
import { GitServer } from './server/server.js';

interface Tracked {
  root: string;
  /** Stops the server now and unregisters its cleanup. */
  stop: () => Promise<void>;
}

export interface ServeOptions {
  root: string;
  cleanup: CleanupRegistry;
  host?: string;
  /** 0 or unset = any free port. */
  port?: number;
}

export interface Served {
  server: GitServer;
  /** True when a server of this run already served `root` and is reused. */
  reused: boolean;
  stop: () => Promise<void>;
}

export class GitServers {
  private readonly servers = new Map<GitServer, Tracked>();

  /**
   * The server for `root`: the run's running one when there is one and no explicit host/port
   * asks for another, else a new one (registered with `cleanup`).
   *
   * A run's server accepts pushes, explicitly: scenarios push to it (git.commit, the workshop's
   * learners). It serves the run's own repositories on loopback (or the kind gateway), and
   * non-fast-forward updates stay refused, so a push can add commits but not replace history.
   */
  async serve(o: ServeOptions): Promise<Served> {
    const root = resolve(o.root);
    if (o.host === undefined && !o.port) {
      for (const [server, t] of this.servers) if (t.root === root) return { server, reused: true, stop: t.stop };
    }
    const server = await new GitServer({ root, host: o.host, port: o.port ?? 0, portFallback: o.port !== undefined && o.port !== 0, push: true }).start();
    const url = server.url;
    const stop = o.cleanup.add(`git server ${url}`, async () => {
      this.servers.delete(server);
      await server.stop();
    });
    this.servers.set(server, { root, stop });
    return { server, reused: false, stop };
  }

  /** The running server whose base URL prefixes `url`, if it is one of this run's. */
  serverFor(url: string): GitServer | undefined {
    for (const s of this.servers.keys()) {
      try {
        if (url.startsWith(`${s.url}/`)) return s;
      } catch {
        // stopped server
      }
    }
    return undefined;
  }
}

/** The run's Git servers (ctx.scope.get(gitServers)). */
export const gitServers = scopeSlot('git servers', () => new GitServers());
