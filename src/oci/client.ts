/**
 * A client for the OCI distribution API (blobs, manifests, tags, referrers) on one registry.
 * Digests and sizes are verified where bytes arrive; manifests are capped at 4 MiB; blobs are
 * streamed, never held whole in memory. Transport concerns (auth, retries, timeouts,
 * keep-alive) live in transport.ts.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Dispatcher } from 'undici';
import { OciError } from './errors.js';
import { digestOf, VerifyingStream } from './digest.js';
import { defaultScheme, isValidDigest, registryOrigin, type Reference, type Scheme } from './reference.js';
import { describeRegistryErrors, header, RegistryTransport, type TransportOptions } from './transport.js';
import * as mt from './media-types.js';

export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const DEFAULT_CHUNK = 8 * 1024 * 1024;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  artifactType?: string;
}

export interface FetchedManifest {
  descriptor: Descriptor;
  /** The exact bytes the registry sent (their sha256 is descriptor.digest). */
  bytes: Buffer;
  json: Record<string, unknown>;
}

export interface ClientOptions extends Omit<TransportOptions, 'origin' | 'registry'> {
  registry: string;
  scheme?: Scheme;
  /** Force plain HTTP. */
  insecure?: boolean;
}

export interface Signal {
  signal?: AbortSignal;
}

/** Blob source for upload: bytes in memory, or a file of known digest and size (streamed). */
export type BlobSource = Buffer | { path: string; digest: string; size: number };

const REDIRECTS = [301, 302, 303, 307, 308];

function blobWhat(repo: string, digest: string): string {
  return `blob ${digest} in ${repo}`;
}

export class RegistryClient {
  readonly registry: string;
  readonly transport: RegistryTransport;

  constructor(opts: ClientOptions) {
    const scheme = opts.scheme ?? defaultScheme(opts.registry, opts.insecure);
    this.registry = opts.registry;
    this.transport = new RegistryTransport({ ...opts, origin: registryOrigin({ registry: opts.registry, scheme }) });
  }

  static forReference(ref: Reference, opts: Omit<ClientOptions, 'registry' | 'scheme' | 'insecure'> = {}): RegistryClient {
    return new RegistryClient({ ...opts, registry: ref.registry, scheme: ref.scheme });
  }

  close(): Promise<void> {
    return this.transport.close();
  }

  /** GET /v2/: resolves when the registry answers 200 (after auth, if it asks for it). */
  async ping(opts: Signal = {}): Promise<void> {
    const res = await this.transport.call({ method: 'GET', path: '/v2/', signal: opts.signal, what: 'ping /v2/' });
    await res.body.dump();
  }

  // ---- blobs ----

  /** HEAD a blob: its size, or undefined when the registry does not have it. */
  async headBlob(repo: string, digest: string, opts: Signal = {}): Promise<{ size: number } | undefined> {
    const res = await this.transport.call({
      method: 'HEAD', path: `/v2/${repo}/blobs/${digest}`, scope: { repository: repo, actions: ['pull'] },
      signal: opts.signal, accept: [404, ...REDIRECTS], what: `HEAD ${blobWhat(repo, digest)}`,
    });
    await res.body.dump();
    if (res.statusCode === 404) return undefined;
    const len = Number(header(res, 'content-length'));
    return { size: Number.isFinite(len) ? len : -1 };
  }

  /**
   * Open a blob as a stream that verifies size and digest as bytes pass and errors (never ends
   * cleanly) on a mismatch. Follows redirects; credentials are not sent to another host.
   */
  async openBlob(repo: string, digest: string, opts: Signal & { size?: number } = {}): Promise<{ stream: Readable; size?: number }> {
    if (!isValidDigest(digest)) throw new OciError('PROTOCOL', `"${digest}" is not a valid digest`);
    let path = `/v2/${repo}/blobs/${digest}`;
    for (let hop = 0; ; hop++) {
      const res = await this.transport.call({
        method: 'GET', path, scope: { repository: repo, actions: ['pull'] },
        signal: opts.signal, accept: REDIRECTS, what: `GET ${blobWhat(repo, digest)}`,
      });
      if (REDIRECTS.includes(res.statusCode)) {
        await res.body.dump();
        const location = header(res, 'location');
        if (!location || hop >= 5) throw new OciError('PROTOCOL', `${this.registry}: GET ${blobWhat(repo, digest)}: bad redirect`);
        path = new URL(location, this.transport.origin + path).toString();
        continue;
      }
      const len = Number(header(res, 'content-length'));
      if (opts.size !== undefined && Number.isFinite(len) && len !== opts.size) {
        discard(res);
        throw new OciError('SIZE_MISMATCH', `${this.registry}: ${blobWhat(repo, digest)}: registry announces ${len} bytes, the manifest says ${opts.size}`);
      }
      const size = opts.size ?? (Number.isFinite(len) ? len : undefined);
      const verify = new VerifyingStream({ digest, size, what: `${this.registry}: ${blobWhat(repo, digest)}` });
      res.body.on('error', (err) => verify.destroy(err));
      return { stream: res.body.pipe(verify), size };
    }
  }

  /** Stream a blob to `file` (written to a temp name, renamed once verified). Returns the byte count. */
  async downloadBlob(repo: string, digest: string, file: string, opts: Signal & { size?: number } = {}): Promise<number> {
    const { stream } = await this.openBlob(repo, digest, opts);
    const tmp = `${file}.part-${process.pid}-${Date.now()}`;
    let bytes = 0;
    stream.on('data', (c: Buffer) => (bytes += c.length));
    try {
      await pipeline(stream, createWriteStream(tmp, { mode: 0o644 }), { signal: opts.signal });
      await rename(tmp, file);
    } catch (err) {
      stream.destroy();
      await rm(tmp, { force: true });
      throw wrapAbort(err, opts.signal, `${this.registry}: download of ${digest} aborted`);
    }
    return bytes;
  }

  /** Read a (small) blob whole, e.g. a config; verified, capped at `max` bytes. */
  async fetchBlob(repo: string, digest: string, opts: Signal & { size?: number; max?: number } = {}): Promise<Buffer> {
    const max = opts.max ?? MAX_MANIFEST_BYTES;
    if (opts.size !== undefined && opts.size > max) {
      throw new OciError('MANIFEST_TOO_LARGE', `${this.registry}: ${blobWhat(repo, digest)} is ${opts.size} bytes, over the ${max}-byte cap`);
    }
    const { stream } = await this.openBlob(repo, digest, opts);
    const chunks: Buffer[] = [];
    let n = 0;
    for await (const chunk of stream) {
      n += (chunk as Buffer).length;
      if (n > max) {
        stream.destroy();
        throw new OciError('MANIFEST_TOO_LARGE', `${this.registry}: ${blobWhat(repo, digest)} is over the ${max}-byte cap`);
      }
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  }

  /** Try a cross-repository mount; true when the registry mounted it (201), false when it opened an upload instead. */
  async mountBlob(repo: string, digest: string, fromRepo: string, opts: Signal = {}): Promise<boolean> {
    const q = new URLSearchParams({ mount: digest, from: fromRepo });
    const res = await this.transport.call({
      method: 'POST', path: `/v2/${repo}/blobs/uploads/?${q}`, headers: { 'content-length': '0' },
      scope: { repository: repo, actions: ['pull', 'push'], extra: [`repository:${fromRepo}:pull`] },
      signal: opts.signal, what: `mount ${digest} from ${fromRepo} into ${repo}`,
    });
    await res.body.dump();
    if (res.statusCode === 201) return true;
    const location = header(res, 'location');
    if (location) await this.cancelUpload(repo, location, opts.signal);
    return false;
  }

  private async cancelUpload(repo: string, location: string, signal?: AbortSignal): Promise<void> {
    try {
      const res = await this.transport.call({
        method: 'DELETE', path: this.resolve(location), scope: { repository: repo, actions: ['pull', 'push'] },
        signal, accept: [404, 405], retry: false, what: 'cancel upload',
      });
      await res.body.dump();
    } catch {
      // the session expires on the registry anyway
    }
  }

  private resolve(location: string): string {
    return new URL(location, this.transport.origin + '/').toString();
  }

  private async startUpload(repo: string, signal?: AbortSignal): Promise<string> {
    const res = await this.transport.call({
      method: 'POST', path: `/v2/${repo}/blobs/uploads/`, headers: { 'content-length': '0' },
      scope: { repository: repo, actions: ['pull', 'push'] }, signal, what: `start upload to ${repo}`,
    });
    await res.body.dump();
    const location = header(res, 'location');
    if (res.statusCode !== 202 || !location) {
      throw new OciError('PROTOCOL', `${this.registry}: start upload to ${repo}: expected 202 with a Location, got ${res.statusCode}`);
    }
    return this.resolve(location);
  }

  /**
   * Upload a blob unless the registry already has it: optional cross-repo mount, then a
   * monolithic PUT, or PATCH chunks of `chunkSize` when given. The registry's digest is checked.
   */
  async pushBlob(
    repo: string,
    source: BlobSource,
    opts: Signal & { chunkSize?: number; mountFrom?: string; digest?: string } = {},
  ): Promise<Descriptor & { existed: boolean; mounted: boolean }> {
    const isBuf = Buffer.isBuffer(source);
    const digest = isBuf ? (opts.digest ?? digestOf(source)) : source.digest;
    const size = isBuf ? source.length : source.size;
    const desc = { mediaType: 'application/octet-stream', digest, size };
    if (await this.headBlob(repo, digest, opts)) return { ...desc, existed: true, mounted: false };
    if (opts.mountFrom && (await this.mountBlob(repo, digest, opts.mountFrom, opts))) return { ...desc, existed: false, mounted: true };
    const scope = { repository: repo, actions: ['pull', 'push'] };
    const what = `upload ${blobWhat(repo, digest)}`;
    let location = await this.startUpload(repo, opts.signal);
    try {
      const body = (start: number, end: number): Buffer | (() => Readable) =>
        isBuf ? source.subarray(start, end) : () => createReadStream(source.path, { start, end: end - 1 });
      if (opts.chunkSize && opts.chunkSize > 0 && size > 0) {
        for (let start = 0; start < size; start += opts.chunkSize) {
          const end = Math.min(size, start + opts.chunkSize);
          const res = await this.transport.call({
            method: 'PATCH', path: location, body: body(start, end), scope, signal: opts.signal, what,
            headers: { 'content-type': 'application/octet-stream', 'content-length': String(end - start), 'content-range': `${start}-${end - 1}` },
          });
          await res.body.dump();
          const next = header(res, 'location');
          if (!next) throw new OciError('PROTOCOL', `${this.registry}: ${what}: PATCH answered without a Location`);
          location = this.resolve(next);
        }
        await this.finishUpload(location, digest, Buffer.alloc(0), scope, opts.signal, what);
      } else {
        await this.finishUpload(location, digest, size === 0 ? Buffer.alloc(0) : body(0, size), scope, opts.signal, what, size);
      }
    } catch (err) {
      await this.cancelUpload(repo, location);
      throw err;
    }
    return { ...desc, existed: false, mounted: false };
  }

  private async finishUpload(
    location: string, digest: string, body: Buffer | (() => Readable),
    scope: { repository: string; actions: string[] }, signal: AbortSignal | undefined, what: string, size?: number,
  ): Promise<void> {
    const url = new URL(location);
    url.searchParams.set('digest', digest);
    const length = Buffer.isBuffer(body) ? body.length : size ?? 0;
    const res = await this.transport.call({
      method: 'PUT', path: url.toString(), body, scope, signal, what, accept: [400],
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(length) },
    });
    const text = await res.body.text();
    if (res.statusCode === 400) {
      const detail = describeRegistryErrors(text);
      const code = /DIGEST_INVALID|BLOB_UPLOAD_INVALID|SIZE_INVALID/.test(detail) ? 'DIGEST_MISMATCH' : 'REGISTRY_ERROR';
      throw new OciError(code, `${this.registry}: ${what}: the registry rejected the upload (HTTP 400)${detail}`, { status: 400 });
    }
    const got = header(res, 'docker-content-digest');
    if (got && got !== digest) throw new OciError('DIGEST_MISMATCH', `${this.registry}: ${what}: registry stored ${got}, we sent ${digest}`);
  }

  // ---- manifests ----

  /** HEAD a manifest: its descriptor, or undefined when absent. Falls back to GET when headers are missing. */
  async headManifest(repo: string, reference: string, opts: Signal & { accept?: string[] } = {}): Promise<Descriptor | undefined> {
    const res = await this.transport.call({
      method: 'HEAD', path: `/v2/${repo}/manifests/${reference}`, headers: { accept: (opts.accept ?? mt.MANIFEST_ACCEPT).join(', ') },
      scope: { repository: repo, actions: ['pull'] }, signal: opts.signal, accept: [404], what: `HEAD manifest ${repo}:${reference}`,
    });
    await res.body.dump();
    if (res.statusCode === 404) return undefined;
    const digest = header(res, 'docker-content-digest');
    const mediaType = header(res, 'content-type');
    const size = Number(header(res, 'content-length'));
    if (!digest || !mediaType || !Number.isFinite(size)) return (await this.getManifest(repo, reference, opts)).descriptor;
    if (isValidDigest(reference) && digest !== reference) {
      throw new OciError('DIGEST_MISMATCH', `${this.registry}: manifest ${repo}@${reference}: registry reports digest ${digest}`);
    }
    return { mediaType: (mediaType.split(';')[0] ?? '').trim(), digest, size };
  }

  /** GET a manifest by tag or digest; body capped at 4 MiB, digest verified, media type checked. */
  async getManifest(repo: string, reference: string, opts: Signal & { accept?: string[] } = {}): Promise<FetchedManifest> {
    const what = `manifest ${repo}${isValidDigest(reference) ? '@' : ':'}${reference}`;
    const accept = opts.accept ?? mt.MANIFEST_ACCEPT;
    const res = await this.transport.call({
      method: 'GET', path: `/v2/${repo}/manifests/${reference}`, headers: { accept: accept.join(', ') },
      scope: { repository: repo, actions: ['pull'] }, signal: opts.signal, what: `GET ${what}`,
    });
    const bytes = await readCapped(res, MAX_MANIFEST_BYTES, `${this.registry}: ${what}`);
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(bytes.toString('utf8'));
    } catch {
      throw new OciError('PROTOCOL', `${this.registry}: ${what} is not valid JSON`);
    }
    const contentType = header(res, 'content-type')?.split(';')[0]?.trim();
    const mediaType = (typeof json.mediaType === 'string' ? json.mediaType : undefined) ?? contentType ?? '';
    if (!accept.includes(mediaType)) {
      throw new OciError('UNSUPPORTED_MEDIA_TYPE', `${this.registry}: ${what} has media type "${mediaType || '(none)'}", expected one of ${accept.join(', ')}`);
    }
    const expected = isValidDigest(reference) ? reference : header(res, 'docker-content-digest');
    const digest = digestOf(bytes, expected ?? 'sha256:');
    if (expected && isValidDigest(expected) && digest !== expected) {
      throw new OciError('DIGEST_MISMATCH', `${this.registry}: ${what}: body digest is ${digest}, expected ${expected}`);
    }
    return { descriptor: { mediaType, digest, size: bytes.length }, bytes, json };
  }

  /** PUT a manifest under a tag or its digest; returns the digest of `bytes`. */
  async putManifest(repo: string, reference: string, bytes: Buffer, mediaType: string, opts: Signal = {}): Promise<string> {
    if (bytes.length > MAX_MANIFEST_BYTES) {
      throw new OciError('MANIFEST_TOO_LARGE', `manifest for ${repo}:${reference} is ${bytes.length} bytes, over the ${MAX_MANIFEST_BYTES}-byte cap`);
    }
    const digest = digestOf(bytes);
    if (isValidDigest(reference) && reference !== digest) {
      throw new OciError('DIGEST_MISMATCH', `manifest for ${repo}@${reference}: its bytes hash to ${digest}`);
    }
    const res = await this.transport.call({
      method: 'PUT', path: `/v2/${repo}/manifests/${reference}`, body: bytes,
      headers: { 'content-type': mediaType, 'content-length': String(bytes.length) },
      scope: { repository: repo, actions: ['pull', 'push'] }, signal: opts.signal, what: `PUT manifest ${repo}:${reference}`,
    });
    await res.body.dump();
    const got = header(res, 'docker-content-digest');
    if (got && got !== digest) throw new OciError('DIGEST_MISMATCH', `${this.registry}: PUT manifest ${repo}:${reference}: registry stored ${got}, we sent ${digest}`);
    return digest;
  }

  /** DELETE a manifest (registries require the digest, not a tag). */
  async deleteManifest(repo: string, digest: string, opts: Signal = {}): Promise<void> {
    const res = await this.transport.call({
      method: 'DELETE', path: `/v2/${repo}/manifests/${digest}`, scope: { repository: repo, actions: ['delete'] },
      signal: opts.signal, what: `DELETE manifest ${repo}@${digest}`,
    });
    await res.body.dump();
  }

  // ---- tags and referrers ----

  /** All tags of a repository, following Link rel="next" pagination. */
  async listTags(repo: string, opts: Signal & { pageSize?: number } = {}): Promise<string[]> {
    const tags: string[] = [];
    let path: string | undefined = `/v2/${repo}/tags/list${opts.pageSize ? `?n=${opts.pageSize}` : ''}`;
    for (let page = 0; path; page++) {
      if (page > 10_000) throw new OciError('PROTOCOL', `${this.registry}: tags of ${repo}: pagination does not end`);
      const res = await this.transport.call({
        method: 'GET', path, scope: { repository: repo, actions: ['pull'] }, signal: opts.signal, what: `list tags of ${repo}`,
      });
      const body = JSON.parse((await readCapped(res, MAX_MANIFEST_BYTES, `${this.registry}: tags of ${repo}`)).toString('utf8')) as { tags?: string[] | null };
      tags.push(...(body.tags ?? []));
      path = nextLink(header(res, 'link'));
      if (path) path = this.resolve(path);
    }
    return tags;
  }

  /** Referrers of a manifest: the referrers API, or the `sha256-<hex>` fallback tag (empty index when absent). */
  async referrers(repo: string, digest: string, opts: Signal & { artifactType?: string } = {}): Promise<Descriptor[]> {
    const q = opts.artifactType ? `?artifactType=${encodeURIComponent(opts.artifactType)}` : '';
    const res = await this.transport.call({
      method: 'GET', path: `/v2/${repo}/referrers/${digest}${q}`, headers: { accept: mt.OCI_INDEX },
      scope: { repository: repo, actions: ['pull'] }, signal: opts.signal, accept: [400, 404, 405, 406], what: `referrers of ${repo}@${digest}`,
    });
    const ctype = header(res, 'content-type')?.split(';')[0]?.trim();
    if (res.statusCode === 200 && ctype === mt.OCI_INDEX) {
      const body = await readCapped(res, MAX_MANIFEST_BYTES, `${this.registry}: referrers of ${digest}`);
      return filterType(((JSON.parse(body.toString('utf8')) as { manifests?: Descriptor[] }).manifests ?? []), opts.artifactType);
    }
    await res.body.dump();
    const fallback = digest.replace(':', '-');
    try {
      const index = await this.getManifest(repo, fallback, { signal: opts.signal, accept: [mt.OCI_INDEX] });
      return filterType((index.json.manifests as Descriptor[] | undefined) ?? [], opts.artifactType);
    } catch (err) {
      if (err instanceof OciError && err.code === 'NOT_FOUND') return [];
      throw err;
    }
  }
}

function filterType(list: Descriptor[], artifactType?: string): Descriptor[] {
  return artifactType ? list.filter((d) => d.artifactType === artifactType) : list;
}

/** The target of a `Link: <url>; rel="next"` header. */
export function nextLink(link: string | undefined): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (m?.[1]) return m[1];
  }
  return undefined;
}

async function readCapped(res: Dispatcher.ResponseData, max: number, what: string): Promise<Buffer> {
  const announced = Number(header(res, 'content-length'));
  if (Number.isFinite(announced) && announced > max) {
    discard(res);
    throw new OciError('MANIFEST_TOO_LARGE', `${what} is ${announced} bytes, over the ${max}-byte cap`);
  }
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of res.body) {
    n += (chunk as Buffer).length;
    if (n > max) {
      discard(res);
      throw new OciError('MANIFEST_TOO_LARGE', `${what} is over the ${max}-byte cap`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Drop a response body we will not read (destroying without a listener would raise an unhandled AbortError). */
function discard(res: Dispatcher.ResponseData): void {
  res.body.on('error', () => undefined);
  res.body.destroy();
}

function wrapAbort(err: unknown, signal: AbortSignal | undefined, message: string): unknown {
  if (signal?.aborted && !(err instanceof OciError)) return new OciError('ABORTED', message, { cause: err });
  return err;
}
