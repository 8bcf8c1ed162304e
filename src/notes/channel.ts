/**
 * The speaker-notes channel: the presenter listens on a Unix socket (0600, in a 0700 dir)
 * and sends every snapshot as one JSON line to each attached viewer; a viewer connects,
 * and retries until a presentation is there (started before the talk, it waits).
 */
import { chmodSync, unlinkSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { ensureNotesDir } from './paths.js';
import { isSnapshot, type NotesSnapshot } from './snapshot.js';

export interface NotesPublisher {
  publish(snapshot: NotesSnapshot): void;
  /** How many viewers are attached. */
  viewers(): number;
  close(): Promise<void>;
}

/** True when something answers on the socket (a live presenter), false for a stale file. */
function probe(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export async function publishNotes(path: string): Promise<NotesPublisher> {
  ensureNotesDir(dirname(path));
  if (await probe(path)) throw new Error(`another presentation already publishes notes on ${path}`);
  try {
    unlinkSync(path); // stale socket of a presenter that crashed
  } catch {
    /* none */
  }
  const clients = new Set<Socket>();
  let last: string | undefined;
  const server: Server = createServer((sock) => {
    clients.add(sock);
    sock.on('error', () => clients.delete(sock));
    sock.on('close', () => clients.delete(sock));
    if (last !== undefined) sock.write(last);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // The umask could leave the socket group-writable for a moment; the 0700 dir covers that.
    server.listen(path, () => resolve());
  });
  chmodSync(path, 0o600);
  return {
    publish(snapshot) {
      last = JSON.stringify(snapshot) + '\n';
      for (const c of clients) c.write(last);
    },
    viewers: () => clients.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of clients) c.end();
        server.close(() => resolve());
        try {
          unlinkSync(path);
        } catch {
          /* gone */
        }
      }),
  };
}

export type ViewerEvent = { kind: 'snapshot'; snapshot: NotesSnapshot } | { kind: 'waiting' } | { kind: 'connected' };

/** Follows the presenter until `signal` aborts; reconnects (every `retryMs`) when it goes away. */
export function subscribeNotes(path: string, onEvent: (e: ViewerEvent) => void, signal: AbortSignal, retryMs = 500): Promise<void> {
  return new Promise<void>((resolve) => {
    let sock: Socket | undefined;
    let timer: NodeJS.Timeout | undefined;
    const stop = () => {
      if (timer) clearTimeout(timer);
      sock?.destroy();
      resolve();
    };
    if (signal.aborted) return stop();
    signal.addEventListener('abort', stop, { once: true });
    const attempt = () => {
      if (signal.aborted) return;
      let buf = '';
      const s = connect(path);
      sock = s;
      s.setEncoding('utf8');
      s.once('connect', () => onEvent({ kind: 'connected' }));
      s.on('data', (chunk: string) => {
        buf += chunk;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          try {
            const v: unknown = JSON.parse(line);
            if (isSnapshot(v)) onEvent({ kind: 'snapshot', snapshot: v });
          } catch {
            /* a torn or foreign line: ignore */
          }
        }
      });
      s.on('error', () => undefined);
      s.once('close', () => {
        if (signal.aborted) return;
        onEvent({ kind: 'waiting' });
        timer = setTimeout(attempt, retryMs);
      });
    };
    attempt();
  });
}
