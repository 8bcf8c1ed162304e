/**
 * A client for the OCI distribution API (blobs, manifests, tags, referrers) on one registry.
 * Digests and sizes are verified where bytes arrive; manifests are capped at 4 MiB; blobs are
 * streamed, never held whole in memory. Transport concerns (auth, retries, timeouts,
 * keep-alive) live in transport.ts.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fastFetch, fastGet, type FastGetOptions } from './fast-blob.js';
import { OciError } from './errors.js';
import { DigestCheck, digestOf, VerifyingStream } from './digest.js';
import { defaultScheme, isValidDigest, registryOrigin, type Reference, type Scheme } from './reference.js';
import { header, RegistryTransport, type TransportOptions } from './transport.js';
import { discard, nextLink, readCapped } from './http-body.js';
import { mountBlob, pushBlob, resolveLocation, type BlobSource, type PushedBlob, type Signal } from './upload.js';

import * as mt from './media-types.js';

export { nextLink };

export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

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
  /**
   * Blobs of at least this many bytes over plain HTTP are fetched on the fast path
   * (fast-blob.ts: own connection, slab reads) when the registry answers a plain 200; else,
   * and for HTTPS, through the transport. Default 1 MiB; Infinity disables it.
   */
  fastBlobMinBytes?: number;
}

const FAST_BLOB_MIN_BYTES = 1 << 20;

export type { BlobSource, PushedBlob, Signal };

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
    this.fastBlobMinBytes = opts.fastBlobMinBytes ?? FAST_BLOB_MIN_BYTES;
  }

  private readonly fastBlobMinBytes: number;

  /** The request for a large plain-HTTP blob on the fast path (fast-blob.ts), or undefined to go through the transport. */
  private async fastRequest(repo: string, digest: string, size: number | undefined, signal?: AbortSignal): Promise<FastGetOptions | undefined> {
    if (size === undefined || size < Math.max(1, this.fastBlobMinBytes)) return undefined;
    if (!this.transport.origin.startsWith('http://')) return undefined;
    const call = { method: 'GET' as const, path: `/v2/${repo}/blobs/${digest}`, scope: { repository: repo, actions: ['pull'] }, what: `GET ${blobWhat(repo, digest)}` };
    return {
      url: new URL(this.transport.origin + call.path),
      headers: await this.transport.requestHeaders(call),
      size,
      timeoutMs: this.transport.timeoutMs,
      signal,
      what: `${this.registry}: ${call.what}`,
    };
  }

  /**
   * Fetch a blob on the fast path into `write` (or nowhere), checking size and digest: the byte
   * count, or undefined when the registry's answer needs the transport (nothing was written then).
   */
  private async fastFetchVerified(request: FastGetOptions, repo: string, digest: string, write?: (run: Buffer) => Promise<void>): Promise<number | undefined> {
    const check = new DigestCheck({ digest, size: request.size, what: `${this.registry}: ${blobWhat(repo, digest)}` });
    if (!(await fastFetch({ ...request, inspect: (chunk) => check.update(chunk), write }))) return undefined;
    check.finish();
    return check.bytes;
  }

  static forReference(ref: Reference, opts: Omit<ClientOptions, 'registry' | 'scheme' | 'insecure'> = {}): RegistryClient {
    // A CA bundle or a client certificate means the registry speaks TLS, even on loopback where plain HTTP is the default.
    const tls = opts.ca !== undefined || opts.clientCert !== undefined;
    return new RegistryClient({ ...opts, registry: ref.registry, scheme: tls ? 'https' : ref.scheme });
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
  async openBlob(repo: string, digest: string, opts: Signal & { size?: number } = {}): Promise<{ stream: VerifyingStream; size?: number }> {
    if (!isValidDigest(digest)) throw new OciError('PROTOCOL', `"${digest}" is not a valid digest`);
    const request = await this.fastRequest(repo, digest, opts.size, opts.signal);
    const fast = request && (await fastGet(request));
    if (fast) {
      const verify = new VerifyingStream({ digest, size: opts.size, what: `${this.registry}: ${blobWhat(repo, digest)}` });
      fast.on('error', (err) => verify.destroy(err));
      verify.on('close', () => fast.destroy());
      fast.pipe(verify);
      return { stream: verify, size: opts.size };
    }
    return this.openBlobViaTransport(repo, digest, opts);
  }

  /** openBlob without the fast path. */
  private async openBlobViaTransport(repo: string, digest: string, opts: Signal & { size?: number }): Promise<{ stream: VerifyingStream; size?: number }> {
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
        path = resolveLocation(this.transport, location, this.transport.origin + path);
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
      res.body.pipe(verify);
      return { stream: verify, size };
    }
  }

  /** Stream a blob to `file` (written to a temp name, renamed once verified). Returns the byte count. */
  async downloadBlob(repo: string, digest: string, file: string, opts: Signal & { size?: number } = {}): Promise<number> {
    if (!isValidDigest(digest)) throw new OciError('PROTOCOL', `"${digest}" is not a valid digest`);
    const tmp = `${file}.part-${process.pid}-${Date.now()}`;
    try {
      const bytes = (await this.fastDownload(repo, digest, tmp, opts)) ?? (await this.transportDownload(repo, digest, tmp, opts));
      await rename(tmp, file);
      return bytes;
    } catch (err) {
      await rm(tmp, { force: true });
      throw wrapAbort(err, opts.signal, `${this.registry}: download of ${digest} aborted`);
    }
  }

  private async fastDownload(repo: string, digest: string, tmp: string, opts: Signal & { size?: number }): Promise<number | undefined> {
    const request = await this.fastRequest(repo, digest, opts.size, opts.signal);
    if (!request) return undefined;
    const fh = await open(tmp, 'w', 0o644);
    try {
      let at = 0;
      return await this.fastFetchVerified(request, repo, digest, (run) => {
        const position = at;
        at += run.length;
        return writeAllAt(fh, run, position);
      });
    } finally {
      await fh.close();
    }
  }

  private async transportDownload(repo: string, digest: string, tmp: string, opts: Signal & { size?: number }): Promise<number> {
    const { stream } = await this.openBlobViaTransport(repo, digest, opts);
    // A 4 MiB write buffer lets fs.WriteStream batch 64 KiB chunks into writev calls (3x faster to tmpfs).
    const out = createWriteStream(tmp, { mode: 0o644, highWaterMark: 4 * 1024 * 1024 });
    try {
      await pipeline(stream, out, { signal: opts.signal });
    } finally {
      stream.destroy();
      // A failure can come while the file is still being opened: wait, or it appears after the caller removed it.
      if (!out.closed) await once(out, 'close').catch(() => undefined);
    }
    return stream.bytes;
  }

  /**
   * Fetch a blob and check its size and digest without keeping it (does the registry serve it
   * intact?). Returns the byte count; a mismatch rejects as openBlob's stream would.
   */
  async verifyBlob(repo: string, digest: string, opts: Signal & { size?: number } = {}): Promise<number> {
    if (!isValidDigest(digest)) throw new OciError('PROTOCOL', `"${digest}" is not a valid digest`);
    try {
      const request = await this.fastRequest(repo, digest, opts.size, opts.signal);
      const fast = request && (await this.fastFetchVerified(request, repo, digest));
      if (fast !== undefined) return fast;
      const { stream } = await this.openBlobViaTransport(repo, digest, opts);
      await pipeline(stream, new Writable({ write: (_chunk, _enc, cb) => cb() }), { signal: opts.signal });
      return stream.bytes;
    } catch (err) {
      throw wrapAbort(err, opts.signal, `${this.registry}: fetch of ${digest} aborted`);
    }
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
  /** Try a cross-repository mount; true when the registry mounted it (201), false when it opened an upload instead. */
  mountBlob(repo: string, digest: string, fromRepo: string, opts: Signal = {}): Promise<boolean> {
    return mountBlob(this.transport, repo, digest, fromRepo, opts);
  }

  /** Upload a blob unless present (see upload.ts): mount, monolithic PUT, or PATCH chunks. */
  pushBlob(repo: string, source: BlobSource, opts: Signal & { chunkSize?: number; mountFrom?: string; digest?: string } = {}): Promise<PushedBlob> {
    return pushBlob(this.transport, (r, d, o) => this.headBlob(r, d, o), repo, source, opts);
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
      if (path) path = resolveLocation(this.transport, path);
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

/** Write all of `buf` at `position` (a write may take fewer bytes than asked). */
async function writeAllAt(fh: FileHandle, buf: Buffer, position: number): Promise<void> {
  for (let done = 0; done < buf.length; ) {
    const { bytesWritten } = await fh.write(buf, done, buf.length - done, position + done);
    done += bytesWritten;
  }
}

function wrapAbort(err: unknown, signal: AbortSignal | undefined, message: string): unknown {
  if (signal?.aborted && !(err instanceof OciError)) return new OciError('ABORTED', message, { cause: err });
  return err;
}
