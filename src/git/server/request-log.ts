/**
 * What the Git server did, per request and per clone, for the UI and the measurements.
 * A clone is the set of requests carrying the same `X-Ocilab-Clone` header (the clone
 * strategies set it with `git -c http.extraHeader=...`).
 */
import { EventEmitter } from 'node:events';

export const CLONE_ID_HEADER = 'x-ocilab-clone';

export interface GitRequestEvent {
  id: number;
  /** Epoch ms when the request arrived. */
  at: number;
  method: string;
  path: string;
  repo?: string;
  /** upload-pack (fetch side) or receive-pack (push side). */
  service?: string;
  endpoint?: 'info/refs' | 'service';
  status: number;
  /** Bytes read from the client on the TCP connection for this request (headers + body). */
  bytesIn: number;
  /** Bytes written to the client for this request (headers + body). */
  bytesOut: number;
  durationMs: number;
  /** user+sys CPU of the git process tree spawned for this request; undefined if none ran. */
  cpuMs?: number;
  cloneId?: string;
  /** Protocol v2 command of a POST (ls-refs = ref listing, fetch = pack download). */
  command?: string;
  /** The client's Git-Protocol header ("version=2" for protocol v2). */
  gitProtocol?: string;
  /** Why it failed, in words (path refused, repository missing, git's own error line). */
  error?: string;
}

export interface CloneTotals {
  cloneId: string;
  requests: number;
  bytesIn: number;
  bytesOut: number;
  cpuMs: number;
  durationMs: number;
}

export class RequestLog extends EventEmitter<{ request: [GitRequestEvent] }> {
  private readonly events: GitRequestEvent[] = [];
  private readonly clones = new Map<string, CloneTotals>();
  private nextId = 1;

  constructor(private readonly capacity = 5000) {
    super();
  }

  newId(): number {
    return this.nextId++;
  }

  record(event: GitRequestEvent): void {
    this.events.push(event);
    if (this.events.length > this.capacity) this.events.shift();
    if (event.cloneId) {
      const t = this.clones.get(event.cloneId) ?? { cloneId: event.cloneId, requests: 0, bytesIn: 0, bytesOut: 0, cpuMs: 0, durationMs: 0 };
      t.requests += 1;
      t.bytesIn += event.bytesIn;
      t.bytesOut += event.bytesOut;
      t.cpuMs += event.cpuMs ?? 0;
      t.durationMs += event.durationMs;
      this.clones.set(event.cloneId, t);
    }
    this.emit('request', event);
  }

  /** Requests so far (newest last), optionally only those after id `afterId`. */
  list(afterId = 0): GitRequestEvent[] {
    return this.events.filter((e) => e.id > afterId);
  }

  lastId(): number {
    return this.nextId - 1;
  }

  cloneTotals(cloneId: string): CloneTotals | undefined {
    return this.clones.get(cloneId);
  }
}

/** One line per request for logs and `ocilab git serve`. */
export function formatRequest(e: GitRequestEvent): string {
  const cpu = e.cpuMs === undefined ? 'cpu n/a' : `cpu ${e.cpuMs.toFixed(1)} ms`;
  const svc = e.service ? ` ${e.service}${e.endpoint === 'info/refs' ? ' (refs)' : e.command ? ` (${e.command})` : ''}` : '';
  const err = e.error ? `  ${e.error}` : '';
  return `${e.method} ${e.path}${svc} → ${e.status}  in ${e.bytesIn} B  out ${e.bytesOut} B  ${e.durationMs.toFixed(1)} ms  ${cpu}${err}`;
}
