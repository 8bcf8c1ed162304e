/**
 * One blob GET on its own plain-HTTP connection, read with `net`'s `onread` into buffers the
 * receiver chooses (fast-blob.ts: slabs handed on as a stream, or a small ring reused for a
 * download). Node's usual socket reads allocate a new 64 KiB ArrayBuffer per read; at ~1 GB/s
 * that churn costs more CPU than curl spends on the whole transfer.
 *
 * Deliberately narrow: only a `200` with an identity body of exactly the expected
 * Content-Length is taken. Anything else (redirect, 401, 404, 5xx, chunked or compressed
 * body, a malformed or oversized head, connection refused, timeout before the head) settles
 * `started` with false before a body byte reaches the receiver, and the caller makes the
 * request again through the transport (transport.ts), which owns retries, auth challenges, redirects and error
 * messages. The bytes are not trusted either way: the caller verifies size and digest.
 */
import { connect, type Socket } from 'node:net';
import { OciError } from './errors.js';

export interface FastGetOptions {
  /** An `http:` URL (the caller checks). */
  url: URL;
  /** Extra request headers (User-Agent, Authorization); values must not contain CR or LF. */
  headers: Record<string, string>;
  /** The blob's size from the manifest; the response must announce exactly this. */
  size: number;
  /**
   * Silence allowed before the head, and between body bytes while the receiver keeps up:
   * checked by a timer every `timeoutMs`, so it fires after 1-2x this (a per-read socket
   * timeout would cost a timer refresh on every read).
   */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Names the blob in errors. */
  what: string;
}

/** Where a fast GET's body goes. Called only after the head was accepted. */
export interface BodyReceiver {
  /** Where the next socket read lands: at least 64 KiB, never bytes still in use. Also asked for the head's reads. */
  buffer(): Uint8Array;
  /** Body bytes just read, in order: a view of the buffer last given. */
  data(chunk: Buffer): void;
  /** Every body byte has been given to `data`; the connection is closed. */
  end(): void;
  /** The body failed after it began (connection lost, stall, abort, more bytes than announced). */
  fail(err: OciError): void;
}

export const MIN_READ = 64 * 1024;
const MAX_HEAD = 64 * 1024;
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

export interface FastConnection {
  /**
   * True once the head was accepted (body bytes then flow to the receiver); false when the
   * caller should go through the transport instead. Rejects only with ABORTED.
   */
  started: Promise<boolean>;
  /** Stop reading (the receiver has nowhere to put bytes); the stall watchdog waits meanwhile. */
  pause(): void;
  resume(): void;
  /** Close the connection early (the consumer gave up); the receiver hears nothing more. */
  close(): void;
}

/** Open the connection and send the GET, or undefined when this request cannot go the fast way. */
export function startFastGet(opts: FastGetOptions, rx: BodyReceiver): FastConnection | undefined {
  const request = requestHead(opts.url, opts.headers);
  if (!request || opts.url.protocol !== 'http:') return undefined;
  opts.signal?.throwIfAborted();
  let head: Buffer | undefined;
  let inBody = false;
  let done = false;
  let received = 0;
  let paused = false;
  let reads = 0;
  let readsAtLastTick = -1;
  let decide!: (started: boolean) => void;
  let refuse!: (err: OciError) => void;
  const started = new Promise<boolean>((resolve, reject) => {
    decide = resolve;
    refuse = reject;
  });

  const finish = (): void => {
    done = true;
    clearInterval(watchdog);
    opts.signal?.removeEventListener('abort', onAbort);
    socket.destroy();
  };
  const fallback = (): void => {
    if (done) return;
    finish();
    decide(false);
  };
  const fail = (err: OciError): void => {
    if (done) return;
    finish();
    if (inBody) rx.fail(err);
    else refuse(err);
  };
  const onAbort = (): void => fail(new OciError('ABORTED', `${opts.what}: aborted`));
  const watchdog = setInterval(() => {
    if (reads === readsAtLastTick && !paused) {
      if (!inBody) return fallback();
      return fail(new OciError('TIMEOUT', `${opts.what}: no data for ${opts.timeoutMs} ms`));
    }
    readsAtLastTick = reads;
  }, opts.timeoutMs);
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  const onBody = (chunk: Buffer): void => {
    received += chunk.length;
    if (received > opts.size) return fail(new OciError('SIZE_MISMATCH', `${opts.what}: more than the announced ${opts.size} bytes arrived`));
    rx.data(chunk);
    if (received === opts.size && !done) {
      finish();
      rx.end();
    }
  };
  const onHead = (chunk: Buffer): void => {
    // A copy: the receiver may hand the same buffer to the next read.
    head = head ? Buffer.concat([head, chunk]) : Buffer.from(chunk);
    const end = head.indexOf(HEAD_END);
    if (end < 0) {
      if (head.length > MAX_HEAD) fallback();
      return;
    }
    const parsed = parseHead(head.toString('latin1', 0, end));
    if (!parsed || !acceptableHead(parsed, opts.size)) return fallback();
    inBody = true;
    decide(true);
    const first = chunk.subarray(chunk.length - (head.length - end - HEAD_END.length));
    if (first.length || opts.size === 0) onBody(first);
  };

  const socket: Socket = connect({
    host: opts.url.hostname.replace(/^\[|\]$/g, ''),
    port: Number(opts.url.port || 80),
    onread: {
      buffer: () => rx.buffer(),
      callback: (n: number, buf: Uint8Array) => {
        if (done) return false;
        reads++;
        const chunk = Buffer.from(buf.buffer, buf.byteOffset, n);
        if (inBody) onBody(chunk);
        else onHead(chunk);
        return !paused && !done;
      },
    },
  });
  socket.setNoDelay(true);
  socket.once('connect', () => socket.write(request));
  socket.on('error', (err: NodeJS.ErrnoException) => {
    if (!inBody) return fallback();
    fail(new OciError('UNREACHABLE', `${opts.what}: connection failed after ${received} of ${opts.size} bytes (${err.code ?? err.message})`, { cause: err }));
  });
  socket.once('close', () => {
    if (!inBody) return fallback();
    if (received < opts.size) fail(new OciError('SIZE_MISMATCH', `${opts.what}: connection closed after ${received} of ${opts.size} bytes`));
  });

  return {
    started,
    pause: () => {
      if (paused || done) return;
      paused = true;
      socket.pause();
    },
    resume: () => {
      if (!paused || done) return;
      paused = false;
      readsAtLastTick = -1; // the silence is counted from now
      socket.resume();
    },
    close: () => {
      if (!done) finish();
    },
  };
}
