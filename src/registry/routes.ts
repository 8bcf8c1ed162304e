/**
 * The distribution-spec endpoints, mapped onto OciStore and UploadSessions.
 * Repository names contain slashes, so routes are matched from the end of the path.
 */
import { parseDigest } from './digest.js';
import { RegistryError } from './errors.js';
import { drain, readBody, send, sendJson, sendStream, parseRangeHeader, parseUploadRange, type Exchange } from './http-util.js';
import { MEDIA_TYPES } from './manifest.js';
import { assertRepositoryName } from './names.js';
import { MAX_MANIFEST_BYTES, type OciStore } from './store.js';
import type { UploadSessions } from './uploads.js';

export interface RouteContext {
  store: OciStore;
  uploads: UploadSessions;
}

type Handler = (ex: Exchange, ctx: RouteContext, name: string, arg: string) => Promise<void>;

const blobPath = (name: string, digest: string) => `/v2/${name}/blobs/${digest}`;
const uploadPath = (name: string, id: string) => `/v2/${name}/blobs/uploads/${id}`;

const ROUTES: { pattern: RegExp; methods: Record<string, Handler> }[] = [
  { pattern: /^\/v2\/(.+)\/blobs\/uploads\/?()$/, methods: { POST: startUpload } },
  { pattern: /^\/v2\/(.+)\/blobs\/uploads\/([^/]+)$/, methods: { GET: uploadStatus, PATCH: patchUpload, PUT: putUpload, DELETE: cancelUpload } },
  { pattern: /^\/v2\/(.+)\/blobs\/([^/]+)$/, methods: { GET: getBlob, HEAD: getBlob, DELETE: deleteBlob } },
  { pattern: /^\/v2\/(.+)\/manifests\/([^/]+)$/, methods: { GET: getManifest, HEAD: getManifest, PUT: putManifest, DELETE: deleteManifest } },
  { pattern: /^\/v2\/(.+)\/tags\/list()$/, methods: { GET: listTags } },
  { pattern: /^\/v2\/(.+)\/referrers\/([^/]+)$/, methods: { GET: listReferrers } },
];

export async function route(ex: Exchange, ctx: RouteContext): Promise<void> {
  // The raw path, not URL-normalised: "a/../b" must be refused as a name, not resolved.
  const path = (ex.req.url ?? '/').split('?')[0]!;
  if (path === '/v2/' || path === '/v2') {
    drain(ex);
    onlyReads(ex, path);
    return sendJson(ex, 200, {}, { 'Docker-Distribution-API-Version': 'registry/2.0' });
  }
  if (path === '/v2/_catalog') {
    drain(ex);
    onlyReads(ex, path);
    return catalog(ex, ctx);
  }
  for (const { pattern, methods } of ROUTES) {
    const m = pattern.exec(path);
    if (!m) continue;
    const handler = methods[ex.req.method ?? ''];
    if (!handler) {
      drain(ex);
      throw new RegistryError(405, 'UNSUPPORTED', `${ex.req.method} is not supported on ${path}`, undefined, { Allow: Object.keys(methods).join(', ') });
    }
    const name = decodePart(m[1]!, 'NAME_INVALID');
    assertRepositoryName(name);
    return handler(ex, ctx, name, decodePart(m[2]!, 'UNSUPPORTED'));
  }
  drain(ex);
  throw new RegistryError(404, 'UNSUPPORTED', `no registry endpoint at ${ex.req.method} ${path}`);
}

/** The version check and the catalog are read-only: any other method is 405 (spec: end-1 is GET). */
function onlyReads(ex: Exchange, path: string): void {
  const method = ex.req.method ?? '';
  if (method !== 'GET' && method !== 'HEAD') {
    throw new RegistryError(405, 'UNSUPPORTED', `${method} is not supported on ${path}`, undefined, { Allow: 'GET, HEAD' });
  }
}

function decodePart(part: string, code: 'NAME_INVALID' | 'UNSUPPORTED'): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new RegistryError(400, code, `"${part}" is not a valid URL path segment (bad %-encoding)`);
  }
}

/** Paginate a sorted list with `n` and `last`; adds a Link header when more remain. */
function paginate(ex: Exchange, items: string[], base: string): { page: string[]; headers: Record<string, string> } {
  const last = ex.url.searchParams.get('last');
  const nText = ex.url.searchParams.get('n');
  let rest = last === null ? items : items.filter((t) => t > last);
  if (nText === null) return { page: rest, headers: {} };
  const n = Number(nText);
  if (!Number.isInteger(n) || n < 0) throw new RegistryError(400, 'UNSUPPORTED', `n=${nText} is not a non-negative integer`);
  const page = rest.slice(0, n);
  rest = rest.slice(n);
  const headers: Record<string, string> = {};
  if (rest.length > 0 && page.length > 0) {
    headers.Link = `<${base}?n=${n}&last=${encodeURIComponent(page[page.length - 1]!)}>; rel="next"`;
  }
  return { page, headers };
}

async function catalog(ex: Exchange, ctx: RouteContext) {
  const { page, headers } = paginate(ex, await ctx.store.catalog(), '/v2/_catalog');
  sendJson(ex, 200, { repositories: page }, headers);
}

async function listTags(ex: Exchange, ctx: RouteContext, name: string) {
  drain(ex);
  const { page, headers } = paginate(ex, await ctx.store.tags(name), `/v2/${name}/tags/list`);
  sendJson(ex, 200, { name, tags: page }, headers);
}

async function getBlob(ex: Exchange, ctx: RouteContext, name: string, ref: string) {
  drain(ex);
  const digest = parseDigest(ref);
  const size = await ctx.store.blobSize(name, digest);
  if (size === undefined) throw new RegistryError(404, 'BLOB_UNKNOWN', `blob ${digest.text} is not known to repository ${name}`, { digest: digest.text });
  const headers: Record<string, string | number> = {
    'Content-Type': 'application/octet-stream',
    'Docker-Content-Digest': digest.text,
    'Accept-Ranges': 'bytes',
    ETag: `"${digest.text}"`,
  };
  const range = parseRangeHeader(ex.req.headers.range, size);
  if (ex.req.method === 'HEAD') return send(ex, 200, { ...headers, 'Content-Length': size });
  if (size === 0) return send(ex, 200, headers);
  if (range) {
    const partial = { ...headers, 'Content-Length': range.end - range.start + 1, 'Content-Range': `bytes ${range.start}-${range.end}/${size}` };
    return sendStream(ex, 206, partial, await ctx.store.openBlob(name, digest, range));
  }
  return sendStream(ex, 200, { ...headers, 'Content-Length': size }, await ctx.store.openBlob(name, digest));
}

async function deleteBlob(ex: Exchange, ctx: RouteContext, name: string, ref: string) {
  drain(ex);
  await ctx.store.deleteBlob(name, parseDigest(ref));
  send(ex, 202, {});
}

function blobCreated(ex: Exchange, name: string, digest: string) {
  send(ex, 201, { Location: blobPath(name, digest), 'Docker-Content-Digest': digest });
}

async function startUpload(ex: Exchange, ctx: RouteContext, name: string) {
  const params = ex.url.searchParams;
  const mount = params.get('mount');
  if (mount !== null) {
    const from = params.get('from') ?? undefined;
    if (from !== undefined) assertRepositoryName(from);
    const digest = parseDigest(mount);
    if ((await ctx.store.mountBlob(name, digest, from)) !== undefined) {
      drain(ex);
      return blobCreated(ex, name, digest.text);
    }
    // Not mountable: fall back to an ordinary upload session, as the spec asks.
  }
  const id = await ctx.uploads.start(name);
  const digestParam = params.get('digest');
  if (digestParam !== null && mount === null) {
    // Monolithic upload: POST ?digest= with the whole blob as body.
    const length = ex.req.headers['content-length'] === undefined ? undefined : Number(ex.req.headers['content-length']);
    try {
      await ctx.uploads.append(name, id, ex.req, { length, onBytes: (n) => (ex.bytesIn += n) });
    } catch (err) {
      // The client never learnt this upload's location: nothing to resume, so nothing is kept.
      await ctx.uploads.cancel(name, id).catch(() => {});
      throw err;
    }
    const { digest } = await ctx.uploads.finish(name, id, digestParam);
    await ctx.store.linkBlob(name, digest);
    return blobCreated(ex, name, digest.text);
  }
  drain(ex);
  send(ex, 202, { Location: uploadPath(name, id), 'Docker-Upload-UUID': id, Range: '0-0', 'OCI-Chunk-Min-Length': 0 });
}

async function uploadStatus(ex: Exchange, ctx: RouteContext, name: string, id: string) {
  drain(ex);
  const s = ctx.uploads.get(name, id);
  send(ex, 204, { Location: uploadPath(name, id), 'Docker-Upload-UUID': id, ...ctx.uploads.rangeHeaders(s) });
}

async function appendBody(ex: Exchange, ctx: RouteContext, name: string, id: string) {
  const range = parseUploadRange(ex.req.headers['content-range']);
  const declared = ex.req.headers['content-length'] === undefined ? undefined : Number(ex.req.headers['content-length']);
  if (range && declared !== undefined && declared !== range.length) {
    await ctx.uploads.cancel(name, id);
    throw new RegistryError(400, 'SIZE_INVALID', `Content-Range covers ${range.length} bytes but Content-Length is ${declared}`);
  }
  await ctx.uploads.append(name, id, ex.req, { start: range?.start, length: range?.length ?? declared, onBytes: (n) => (ex.bytesIn += n) });
}

async function patchUpload(ex: Exchange, ctx: RouteContext, name: string, id: string) {
  await appendBody(ex, ctx, name, id);
  const s = ctx.uploads.get(name, id);
  send(ex, 202, { Location: uploadPath(name, id), 'Docker-Upload-UUID': id, ...ctx.uploads.rangeHeaders(s) });
}

async function putUpload(ex: Exchange, ctx: RouteContext, name: string, id: string) {
  const digestParam = ex.url.searchParams.get('digest');
  ctx.uploads.get(name, id); // BLOB_UPLOAD_UNKNOWN before anything else
  if (digestParam === null) {
    await ctx.uploads.cancel(name, id);
    drain(ex);
    throw new RegistryError(400, 'DIGEST_INVALID', 'PUT to finish an upload needs ?digest=<digest>');
  }
  await appendBody(ex, ctx, name, id);
  const { digest } = await ctx.uploads.finish(name, id, digestParam);
  await ctx.store.linkBlob(name, digest);
  blobCreated(ex, name, digest.text);
}

async function cancelUpload(ex: Exchange, ctx: RouteContext, name: string, id: string) {
  drain(ex);
  await ctx.uploads.cancel(name, id);
  send(ex, 204, {});
}

async function getManifest(ex: Exchange, ctx: RouteContext, name: string, ref: string) {
  drain(ex);
  const m = await ctx.store.getManifest(name, ref);
  send(ex, 200, { 'Content-Type': m.mediaType, 'Docker-Content-Digest': m.digest, 'Content-Length': m.size, ETag: `"${m.digest}"` }, m.bytes);
}

async function putManifest(ex: Exchange, ctx: RouteContext, name: string, ref: string) {
  const tooLarge = (size: number) =>
    new RegistryError(413, 'SIZE_INVALID', `manifest is ${size} bytes; this registry accepts at most ${MAX_MANIFEST_BYTES}`, { size, limit: MAX_MANIFEST_BYTES });
  const body = await readBody(ex, MAX_MANIFEST_BYTES, tooLarge);
  const tags = ex.url.searchParams.getAll('tag');
  const { digest, subject } = await ctx.store.putManifest(name, ref, body, ex.req.headers['content-type'], tags);
  const headers: Record<string, string> = { Location: `/v2/${name}/manifests/${digest}`, 'Docker-Content-Digest': digest };
  if (subject) headers['OCI-Subject'] = subject;
  // Tags applied with ?tag= on a push by digest (distribution-spec 1.2 draft), one header value.
  if (ref.includes(':') && tags.length > 0) headers['OCI-Tag'] = tags.join(', ');
  send(ex, 201, headers);
}

async function deleteManifest(ex: Exchange, ctx: RouteContext, name: string, ref: string) {
  drain(ex);
  await ctx.store.deleteManifest(name, ref);
  send(ex, 202, {});
}

async function listReferrers(ex: Exchange, ctx: RouteContext, name: string, ref: string) {
  drain(ex);
  const subject = parseDigest(ref);
  const artifactType = ex.url.searchParams.get('artifactType') ?? undefined;
  const manifests = await ctx.store.referrers(name, subject, artifactType);
  const headers: Record<string, string> = { 'Content-Type': MEDIA_TYPES.ociIndex };
  if (artifactType !== undefined) headers['OCI-Filters-Applied'] = 'artifactType';
  send(ex, 200, headers, JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests }));
}

