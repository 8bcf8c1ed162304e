/**
 * The fast path for large blob GETs over plain HTTP. Node's usual socket reads allocate a new
 * 64 KiB ArrayBuffer per read; at ~1 GB/s that churn (allocation, and full garbage
 * collections triggered by external memory) costs more CPU than curl spends on the whole
 * transfer. Here one connection per blob reads with `net`'s `onread` into 1 MiB slabs, carving
 * each read from the slab's free part, so 100 MiB arrive in ~100 reads into ~100 buffers and
 * chunks reach the consumer without a copy.
 *
 * Deliberately narrow: only a `200` with an identity body of exactly the expected
 * Content-Length is taken. Anything else (redirect, 401, 404, 5xx, chunked or compressed
 * body, a malformed or oversized head, connection refused, timeout before the head) resolves
 * `undefined` before a body byte is handed out, and the caller makes the request again through
 * undici, which owns retries, auth challenges, redirects and error messages. The bytes are not
 * trusted either way: the caller pipes them through VerifyingStream (size and digest).
 */
import { connect, type Socket } from 'node:net';
import { Readable } from 'node:stream';
import { OciError } from './errors.js';

export interface FastGetOptions {
  /** An `http:` URL (the caller checks). */
  url: URL;
  /** Extra request headers (User-Agent, Authorization); values must not contain CR or LF. */
  headers: Record<string, string>;
  /** The blob's size from the manifest; the response must announce exactly this. */
  size: number;
  /**
   * Silence allowed before the head, and between body bytes while the consumer keeps up:
   * checked by a timer every `timeoutMs`, so it fires after 1-2x this (a per-read socket
   * timeout would cost a timer refresh on every read).
   */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Names the blob in errors. */
  what: string;
}

const SLAB = 1 << 20;
/** Start a new slab when less than this is left in the current one. */
const MIN_READ = 64 * 1024;
const MAX_HEAD = 64 * 1024;
/** Adjacent reads are handed on together up to this size. */
const FLUSH = 512 * 1024;
/** Buffered ahead of a slow consumer before the socket is paused. */
const READ_AHEAD = 4 * SLAB;
const HEAD_END = Buffer.from('\r\n\r\n');

type Head = { status: number; headers: Map<string, string[]> };

/** Status and headers of an HTTP/1.x response head (without the blank line), or undefined when malformed. */
export function parseHead(text: string): Head | undefined {
  const lines = text.split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(lines[0] ?? '');
  if (!m) return undefined;
  const headers = new Map<string, string[]>();
  for (const line of lines.slice(1)) {
    const i = line.indexOf(':');
    if (i <= 0 || /[\s]/.test(line.slice(0, i))) return undefined;
    const name = line.slice(0, i).toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), line.slice(i + 1).trim()]);
  }
  return { status: Number(m[1]), headers };
}

/** True when the head is a 200 whose body is exactly `size` identity-encoded bytes. */
export function acceptableHead(head: Head, size: number): boolean {
  if (head.status !== 200) return false;
  if (head.headers.has('transfer-encoding')) return false;
  const enc = head.headers.get('content-encoding');
  if (enc && enc.some((e) => e.toLowerCase() !== 'identity')) return false;
  const len = head.headers.get('content-length');
  return len?.length === 1 && /^\d+$/.test(len[0]!) && Number(len[0]) === size;
}

export function requestHead(url: URL, headers: Record<string, string>): string | undefined {
  const lines = [`GET ${url.pathname}${url.search} HTTP/1.1`, `Host: ${url.host}`, 'Accept: */*', 'Connection: close'];
  for (const [k, v] of Object.entries(headers)) {
    if (/[\r\n:]/.test(k) || /[\r\n]/.test(v)) return undefined;
    lines.push(`${k}: ${v}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** GET `url` on a fresh connection: the body stream, or undefined when the caller should use undici instead. */
export function fastGet(opts: FastGetOptions): Promise<Readable | undefined> {
  const request = requestHead(opts.url, opts.headers);
  if (!request || opts.url.protocol !== 'http:') return Promise.resolve(undefined);
  opts.signal?.throwIfAborted();
  return new Promise((resolve, reject) => {
    let slab = Buffer.allocUnsafeSlow(SLAB);
    let used = 0;
    let head: Buffer | undefined;
    let body: Readable | undefined;
    let received = 0;
    let paused = false;
    let settled = false;
    let reads = 0;
    let readsAtLastTick = -1;

    const fallback = (): void => {
      if (settled) return;
      settled = true;
      cleanup();
      socket.destroy();
      resolve(undefined);
    };
    const fail = (err: OciError): void => {
      if (!settled) {
        settled = true;
        cleanup();
        socket.destroy();
        reject(err);
      } else {
        body?.destroy(err);
      }
    };
    const onAbort = (): void => fail(new OciError('ABORTED', `${opts.what}: aborted`));
    const cleanup = (): void => {
      clearInterval(watchdog);
      opts.signal?.removeEventListener('abort', onAbort);
    };
    const watchdog = setInterval(() => {
      if (reads === readsAtLastTick && !paused) {
        if (!body) return fallback();
        body.destroy(new OciError('TIMEOUT', `${opts.what}: no data for ${opts.timeoutMs} ms`));
        return;
      }
      readsAtLastTick = reads;
    }, opts.timeoutMs);
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    const startBody = (first: Buffer): void => {
      settled = true;
      body = new Readable({
        highWaterMark: READ_AHEAD,
        read() {
          if (!paused) return;
          paused = false;
          readsAtLastTick = -1; // the silence is counted from now
          socket.resume();
        },
        destroy(err, cb) {
          cleanup();
          socket.destroy();
          cb(err);
        },
      });
      resolve(body);
      if (first.length) onBody(first);
    };

    // Reads carved one after another from a slab are adjacent in memory: they are handed on
    // as one view of up to FLUSH bytes, so the stream machinery downstream (and the hash)
    // runs per ~half MiB instead of per socket read. A stall still delivers what arrived:
    // whatever is pending goes out at the next turn of the event loop.
    let pending: Buffer | undefined;
    let pushed = 0;
    let flushScheduled = false;
    const flush = (): void => {
      flushScheduled = false;
      if (!pending || body!.destroyed) return;
      const chunk = pending;
      pending = undefined;
      pushed += chunk.length;
      const more = body!.push(chunk);
      if (pushed === opts.size) {
        body!.push(null);
        cleanup();
        socket.destroy();
      } else if (!more && !paused) {
        paused = true; // a slow consumer is not a slow registry: the watchdog waits
        socket.pause();
      }
    };

    const onBody = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > opts.size) {
        body!.destroy(new OciError('SIZE_MISMATCH', `${opts.what}: more than the announced ${opts.size} bytes arrived`));
        return;
      }
      if (pending && pending.buffer === chunk.buffer && pending.byteOffset + pending.length === chunk.byteOffset) {
        pending = Buffer.from(pending.buffer, pending.byteOffset, pending.length + chunk.length);
      } else {
        if (pending) flush();
        pending = chunk;
      }
      if (pending.length >= FLUSH || received === opts.size) flush();
      else if (!flushScheduled) {
        flushScheduled = true;
        setImmediate(flush);
      }
    };

    const onHead = (chunk: Buffer): void => {
      head = head ? Buffer.concat([head, chunk]) : chunk;
      const end = head.indexOf(HEAD_END);
      if (end < 0) {
        if (head.length > MAX_HEAD) fallback();
        return;
      }
      const parsed = parseHead(head.toString('latin1', 0, end));
      if (!parsed || !acceptableHead(parsed, opts.size)) return fallback();
      startBody(head.subarray(end + HEAD_END.length));
    };

    const socket: Socket = connect({
      host: opts.url.hostname.replace(/^\[|\]$/g, ''),
      port: Number(opts.url.port || 80),
      onread: {
        // Each read lands in the free part of the current slab; chunks handed out are views, never overwritten.
        buffer: () => {
          if (SLAB - used < MIN_READ) {
            slab = Buffer.allocUnsafeSlow(SLAB);
            used = 0;
          }
          return slab.subarray(used);
        },
        callback: (n: number, buf: Uint8Array) => {
          const chunk = Buffer.from(buf.buffer, buf.byteOffset, n);
          used += n;
          reads++;
          if (body) onBody(chunk);
          else if (!settled) onHead(chunk);
          return !paused;
        },
      },
    });
    socket.setNoDelay(true);
    socket.once('connect', () => socket.write(request));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (!body) return fallback();
      body.destroy(new OciError('UNREACHABLE', `${opts.what}: connection failed after ${received} of ${opts.size} bytes (${err.code ?? err.message})`, { cause: err }));
    });
    socket.once('close', () => {
      if (!body) return fallback();
      if (received < opts.size) {
        body.destroy(new OciError('SIZE_MISMATCH', `${opts.what}: connection closed after ${received} of ${opts.size} bytes`));
      }
    });
  });
}
