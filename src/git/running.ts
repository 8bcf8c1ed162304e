/**
 * Git servers started by actions in this process, so later steps (git.clone) can find the
 * server behind a URL and report its CPU. Entries are removed by the run's cleanup.
 */
import type { GitServer } from './server/server.js';

const servers = new Set<GitServer>();

export function trackServer(server: GitServer): () => void {
  servers.add(server);
  return () => servers.delete(server);
}

/** The running server whose base URL prefixes `url`, if it is one of ours. */
export function serverFor(url: string): GitServer | undefined {
  for (const s of servers) {
    try {
      if (url.startsWith(`${s.url}/`)) return s;
    } catch {
      // stopped server
    }
  }
  return undefined;
}
