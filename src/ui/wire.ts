/**
 * What travels on the wire, from the servers' own request logs in this run's output:
 * the Git server's lines (`POST /x.git/git-upload-pack git-upload-pack (fetch) → 200 in 523 B out 5765 B ...`)
 * and the embedded registry's (`HEAD /v2/fleet/x/manifests/latest 200 in=0 out=0 1.2ms`).
 */
import type { LogLine } from './view-model.js';

export interface WireEntry {
  side: 'git' | 'oci';
  /** What the request is, in protocol terms. */
  what: string;
  request: string;
  status: number;
  bytesOut: number;
}

const GIT = /^(GET|POST) (\S+) git-upload-pack \(([a-z-]+)\) → (\d{3})\s+in ([\d.]+) B\s+out ([\d.]+) B/;
const OCI = /^(GET|HEAD|PUT|POST|PATCH|DELETE) (\/v2\/\S*) (\d{3}) in=(\d+) out=(\d+)/;

const GIT_WHAT: Record<string, string> = {
  refs: 'ref advertisement (capabilities)',
  'ls-refs': 'ls-refs: list refs',
  fetch: 'fetch: want/have → packfile',
};

function ociWhat(method: string, path: string): string {
  if (path === '/v2/' || path === '/v2') return 'API version check';
  if (path.includes('/manifests/sha256:')) return `${method} manifest by digest`;
  if (path.includes('/manifests/')) return method === 'HEAD' ? 'HEAD tag → digest (no-change check)' : `${method} manifest by tag`;
  if (path.includes('/blobs/uploads')) return `${method} blob upload`;
  if (path.includes('/blobs/')) return `${method} blob by digest`;
  return method;
}

/** Shorten long digests so a line fits: sha256:0123456789ab… */
function shortPath(path: string): string {
  return path.replace(/sha256:([0-9a-f]{12})[0-9a-f]{52}/g, 'sha256:$1…');
}

export function wireEntry(line: string): WireEntry | null {
  const g = GIT.exec(line);
  if (g) {
    return { side: 'git', what: GIT_WHAT[g[3]!] ?? g[3]!, request: `${g[1]} ${g[2]}`, status: Number(g[4]), bytesOut: Number(g[6]) };
  }
  const o = OCI.exec(line);
  if (o) return { side: 'oci', what: ociWhat(o[1]!, o[2]!), request: `${o[1]} ${shortPath(o[2]!)}`, status: Number(o[3]), bytesOut: Number(o[5]) };
  return null;
}

export function wireEntries(lines: readonly LogLine[]): WireEntry[] {
  const out: WireEntry[] = [];
  for (const l of lines) {
    const e = wireEntry(l.line);
    if (e) out.push(e);
  }
  return out;
}
