/** Small HTTP helpers shared by the registry routes: responses, bodies, ranges. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { RegistryError } from './errors.js';
import type { ByteRange } from './storage.js';

/** Per-request byte counters, read by the request log. */
export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  bytesIn: number;
  bytesOut: number;
  /** A response the client stops reading for this long is cut (0: never). */
  idleTimeoutMs: number;
}

export function send(ex: Exchange, status: number, headers: Record<string, string | number>, body?: Buffer | string): void {
  const buf = body === undefined ? undefined : typeof body === 'string' ? Buffer.from(body) : body;
  const head: Record<string, string | number> = { ...headers };
  if (buf && head['Content-Length'] === undefined) head['Content-Length'] = buf.length;
  if (!buf && head['Content-Length'] === undefined) head['Content-Length'] = 0;
  ex.res.writeHead(status, head);
  if (buf && ex.req.method !== 'HEAD') {
    ex.bytesOut += buf.length;
    ex.res.end(buf);
  } else {
    ex.res.end();
  }
}

export function sendJson(ex: Exchange, status: number, value: unknown, headers: Record<string, string> = {}): void {
  send(ex, status, { 'Content-Type': 'application/json', ...headers }, JSON.stringify(value));
}

export function sendError(ex: Exchange, err: RegistryError): void {
  send(ex, err.status, { 'Content-Type': 'application/json', ...err.headers }, err.body());
}

/** Stream `source` as the response body; counts bytes served; never buffers it whole. */
export function sendStream(ex: Exchange, status: number, headers: Record<string, string | number>, source: Readable): Promise<void> {
  ex.res.writeHead(status, headers);
  // A client that stops reading would hold the file open for ever: close it after the idle limit
  // (node replaces the socket's timer with its keep-alive one once the response is out).
  if (ex.idleTimeoutMs > 0) ex.res.setTimeout(ex.idleTimeoutMs, () => ex.res.destroy());
  return new Promise((resolve) => {
    source.on('data', (chunk: Buffer) => {
      ex.bytesOut += chunk.length;
    });
    source.on('error', (err) => {
      ex.res.destroy(err); // headers are out: the only honest signal left is a cut connection
      resolve();
    });
    ex.res.on('close', () => {
      source.destroy();
      resolve();
    });
    source.pipe(ex.res);
  });
}

/**
 * Read a whole (small) request body, refusing more than `limit` bytes. Past the limit the
 * rest is read and discarded rather than the socket destroyed, so the client gets the error.
 */
export function readBody(ex: Exchange, limit: number, tooLarge: (size: number) => RegistryError): Promise<Buffer> {
  const declared = Number(ex.req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    drain(ex);
    return Promise.reject(tooLarge(declared));
  }
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    let refused = false;
    ex.req.on('data', (chunk: Buffer) => {
      ex.bytesIn += chunk.length;
      if (refused) return;
      size += chunk.length;
      if (size > limit) {
        refused = true;
        parts.length = 0;
        reject(tooLarge(size));
        return;
      }
      parts.push(chunk);
    });
    ex.req.on('end', () => {
      if (!refused) resolve(Buffer.concat(parts));
    });
    ex.req.on('error', reject);
  });
}

/** Drain and discard a request body (for endpoints that take none). */
export function drain(ex: Exchange): void {
  ex.req.on('data', (c: Buffer) => (ex.bytesIn += c.length));
  ex.req.resume();
}

/** `Range: bytes=a-b` / `bytes=a-` / `bytes=-n` against a blob of `size` bytes. */
export function parseRangeHeader(header: string | undefined, size: number): ByteRange | undefined {
  if (!header) return undefined;
  const unsatisfiable = () =>
    new RegistryError(416, 'RANGE_INVALID', `range "${header}" is outside the blob (${size} bytes)`, { size }, { 'Content-Range': `bytes */${size}` });
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) throw unsatisfiable();
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) throw unsatisfiable();
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) throw unsatisfiable();
  return { start, end };
}

/** `Content-Range: a-b` (the upload form, no unit) → start and declared length. */
export function parseUploadRange(header: string | undefined): { start: number; length: number } | undefined {
  if (!header) return undefined;
  const m = /^(?:bytes[ =])?(\d+)-(\d+)(?:\/\d+|\/\*)?$/.exec(header.trim());
  if (!m || Number(m[2]) < Number(m[1])) {
    throw new RegistryError(416, 'BLOB_UPLOAD_INVALID', `Content-Range "${header}" is not "<start>-<end>"`);
  }
  return { start: Number(m[1]), length: Number(m[2]) - Number(m[1]) + 1 };
}
