/**
 * Blob uploads (distribution spec "push"): existence check, cross-repository mount, monolithic
 * PUT or chunked PATCH, and the registry's digest checked against ours.
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { OciError } from './errors.js';
import { HttpBodyTooLargeError } from './http.js';
import { digestOf } from './digest.js';
import { describeRegistryErrors, header, type RegistryTransport } from './transport.js';
import { isPrivateHost } from './reference.js';

export interface Signal {
  signal?: AbortSignal;
}

/** Blob source for upload: bytes in memory, or a file of known digest and size (streamed). */
export type BlobSource = Buffer | { path: string; digest: string; size: number };

export interface PushedBlob {
  mediaType: string;
  digest: string;
  size: number;
  existed: boolean;
  mounted: boolean;
}

function blobWhat(repo: string, digest: string): string {
  return `blob ${digest} in ${repo}`;
}

/**
 * Resolve a Location header against the registry. Like ggcr ≥ 0.21.6 ("SSRF protection"), a
 * Location on another host that is a loopback or private IP literal is refused: a registry must
 * not steer the client at internal services.
 */
export function resolveLocation(t: RegistryTransport, location: string, base = t.origin + '/'): string {
  const url = new URL(location, base);
  const origin = new URL(t.origin);
  if (url.host !== origin.host && isIpLiteral(url.hostname) && isPrivateHost(url.host)) {
    throw new OciError('PROTOCOL', `${t.registry}: refusing a Location on another private address (${url.host})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new OciError('PROTOCOL', `${t.registry}: refusing a Location with scheme ${url.protocol}`);
  }
  return url.toString();
}

function isIpLiteral(hostname: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname) || hostname.startsWith('[');
}

export async function mountBlob(t: RegistryTransport, repo: string, digest: string, fromRepo: string, opts: Signal = {}): Promise<boolean> {
  const q = new URLSearchParams({ mount: digest, from: fromRepo });
  const res = await t.call({
    method: 'POST', path: `/v2/${repo}/blobs/uploads/?${q}`, headers: { 'content-length': '0' },
    scope: { repository: repo, actions: ['pull', 'push'], extra: [`repository:${fromRepo}:pull`] },
    signal: opts.signal, what: `mount ${digest} from ${fromRepo} into ${repo}`,
  });
  await res.body.dump();
  if (res.statusCode === 201) return true;
  const location = header(res, 'location');
  if (location) await cancelUpload(t, repo, location, opts.signal);
  return false;
}

async function cancelUpload(t: RegistryTransport, repo: string, location: string, signal?: AbortSignal): Promise<void> {
  try {
    const res = await t.call({
      method: 'DELETE', path: resolveLocation(t, location), scope: { repository: repo, actions: ['pull', 'push'] },
      signal, accept: [404, 405], retry: false, what: 'cancel upload',
    });
    await res.body.dump();
  } catch {
    // the session expires on the registry anyway
  }
}


async function startUpload(t: RegistryTransport, repo: string, signal?: AbortSignal): Promise<string> {
  const res = await t.call({
    method: 'POST', path: `/v2/${repo}/blobs/uploads/`, headers: { 'content-length': '0' },
    scope: { repository: repo, actions: ['pull', 'push'] }, signal, what: `start upload to ${repo}`,
  });
  await res.body.dump();
  const location = header(res, 'location');
  if (res.statusCode !== 202 || !location) {
    throw new OciError('PROTOCOL', `${t.registry}: start upload to ${repo}: expected 202 with a Location, got ${res.statusCode}`);
  }
  return resolveLocation(t, location);
}

/**
 * Upload a blob unless the registry already has it: optional cross-repo mount, then a
 * monolithic PUT, or PATCH chunks of `chunkSize` when given. The registry's digest is checked.
 */
export async function pushBlob(
  t: RegistryTransport,
  exists: (repo: string, digest: string, opts: Signal) => Promise<unknown>,
  repo: string,
  source: BlobSource,
  opts: Signal & { chunkSize?: number; mountFrom?: string; digest?: string } = {},
): Promise<PushedBlob> {
  const isBuf = Buffer.isBuffer(source);
  const digest = isBuf ? (opts.digest ?? digestOf(source)) : source.digest;
  const size = isBuf ? source.length : source.size;
  const desc = { mediaType: 'application/octet-stream', digest, size };
  if (await exists(repo, digest, opts)) return { ...desc, existed: true, mounted: false };
  if (opts.mountFrom && (await mountBlob(t, repo, digest, opts.mountFrom, opts))) return { ...desc, existed: false, mounted: true };
  const scope = { repository: repo, actions: ['pull', 'push'] };
  const what = `upload ${blobWhat(repo, digest)}`;
  let location = await startUpload(t, repo, opts.signal);
  try {
    const body = (start: number, end: number): Buffer | (() => Readable) =>
      isBuf ? source.subarray(start, end) : () => createReadStream(source.path, { start, end: end - 1 });
    if (opts.chunkSize && opts.chunkSize > 0 && size > 0) {
      for (let start = 0; start < size; start += opts.chunkSize) {
        const end = Math.min(size, start + opts.chunkSize);
        const res = await t.call({
          method: 'PATCH', path: location, body: body(start, end), scope, signal: opts.signal, what,
          headers: { 'content-type': 'application/octet-stream', 'content-length': String(end - start), 'content-range': `${start}-${end - 1}` },
        });
        await res.body.dump();
        const next = header(res, 'location');
        if (!next) throw new OciError('PROTOCOL', `${t.registry}: ${what}: PATCH answered without a Location`);
        location = resolveLocation(t, next);
      }
      await finishUpload(t, location, digest, Buffer.alloc(0), scope, opts.signal, what);
    } else {
      await finishUpload(t, location, digest, size === 0 ? Buffer.alloc(0) : body(0, size), scope, opts.signal, what, size);
    }
  } catch (err) {
    await cancelUpload(t, repo, location);
    throw err;
  }
  return { ...desc, existed: false, mounted: false };
}

async function finishUpload(
  t: RegistryTransport,
  location: string, digest: string, body: Buffer | (() => Readable),
  scope: { repository: string; actions: string[] }, signal: AbortSignal | undefined, what: string, size?: number,
): Promise<void> {
  const url = new URL(location);
  url.searchParams.set('digest', digest);
  const length = Buffer.isBuffer(body) ? body.length : size ?? 0;
  const res = await t.call({
    method: 'PUT', path: url.toString(), body, scope, signal, what, accept: [400],
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(length) },
  });
  const text = await res.body.text().catch((err: unknown) => {
    if (!(err instanceof HttpBodyTooLargeError)) throw err;
    throw new OciError('REGISTRY_ERROR', `${t.registry}: ${what}: the registry's answer to the upload: ${(err as Error).message}`, { cause: err });
  });
  if (res.statusCode === 400) {
    const detail = describeRegistryErrors(text);
    const code = /DIGEST_INVALID|BLOB_UPLOAD_INVALID|SIZE_INVALID/.test(detail) ? 'DIGEST_MISMATCH' : 'REGISTRY_ERROR';
    throw new OciError(code, `${t.registry}: ${what}: the registry rejected the upload (HTTP 400)${detail}`, { status: 400 });
  }
  const got = header(res, 'docker-content-digest');
  if (got && got !== digest) throw new OciError('DIGEST_MISMATCH', `${t.registry}: ${what}: registry stored ${got}, we sent ${digest}`);
}
