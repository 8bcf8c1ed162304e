/**
 * Flux artifacts on a registry: push, pull, tag, list (the library behind `ocilab artifact`,
 * the scenario actions and the Git-vs-OCI measurement harness, which calls pullArtifact
 * in-process and reads its timings).
 *
 * The archive code is loaded where a tarball is packed (push) or extracted (pull): `artifact tag`
 * and `artifact list` move manifests only and never load node-tar or the gitignore matcher.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { PassThrough } from 'node:stream';
import { finished } from 'node:stream/promises';
import { makeTempDir } from '../process/cleanup.js';
import { pullTarget } from './pull-target.js';
import { RegistryClient, type ClientOptions, type Descriptor } from './client.js';
import { FLUX_CONFIG_BYTES, fluxAnnotations, fluxManifest, type ArtifactMetadata } from './flux-manifest.js';
import { isOciError, OciError } from './errors.js';
import type { ExtractOptions, ExtractResult, extractTarball } from './extract.js';
import { DEFAULT_MAX_BYTES, WHOLE_READ_MAX_BYTES } from './limits.js';
import { digestOf, type VerifyingStream } from './digest.js';
import * as mt from './media-types.js';
import { formatReference, manifestIdentifier, parseReference, withDigest, type Reference } from './reference.js';

export type ClientSettings = Omit<ClientOptions, 'registry' | 'scheme' | 'insecure'>;

/** Either a ready client (kept alive across calls, as the harness does) or settings to make one. */
export interface RemoteOptions {
  client?: RegistryClient;
  clientOptions?: ClientSettings;
  signal?: AbortSignal;
}

/** Runs fn with the caller's client, or with one made for `ref` and closed afterwards. */
export async function withClient<T>(ref: Reference, opts: RemoteOptions, fn: (c: RegistryClient) => Promise<T>): Promise<T> {
  if (opts.client) return fn(opts.client);
  const client = RegistryClient.forReference(ref, opts.clientOptions);
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}

function asRef(ref: Reference | string): Reference {
  return typeof ref === 'string' ? parseReference(ref) : ref;
}

export interface PushOptions extends RemoteOptions, ArtifactMetadata {
  /** Directory or file to package, or... */
  path?: string;
  /** ...an already built .tgz (from `artifact build`). */
  tarball?: string;
  ignorePaths?: string[];
  addIgnorePaths?: string[];
  resolveSymlinks?: boolean;
  /** Upload the layer in PATCH chunks of this many bytes (default: one monolithic PUT). */
  chunkSize?: number;
}

export interface PushResult {
  /** "oci://host/repo@sha256:…", what flux push prints. */
  url: string;
  repository: string;
  tag: string;
  digest: string;
  layer: Descriptor;
  config: Descriptor;
  annotations: Record<string, string>;
}

/** Build (unless given a tarball) and push a Flux artifact, like `flux push artifact`. */
export async function pushArtifact(reference: Reference | string, opts: PushOptions): Promise<PushResult> {
  const ref = asRef(reference);
  if (ref.digest) throw new OciError('INVALID_REFERENCE', `push needs a tag, not a digest: ${formatReference(ref)}`);
  const tag = ref.tag ?? 'latest';
  const temp = makeTempDir('ocilab-push-');
  const work = temp.path;
  try {
    let tgz = opts.tarball;
    if (!tgz) {
      if (!opts.path) throw new OciError('PROTOCOL', 'push needs --path (a directory or file) or a built tarball');
      const { buildArtifact } = await import('./artifact.js');
      tgz = (await buildArtifact({ path: opts.path, output: join(work, 'artifact.tgz'), ignorePaths: opts.ignorePaths, addIgnorePaths: opts.addIgnorePaths, resolveSymlinks: opts.resolveSymlinks, signal: opts.signal })).output;
    }
    const { digest: layerDigest, size } = await fileDigest(tgz);
    const layer: Descriptor = { mediaType: mt.FLUX_CONTENT_TARGZ, digest: layerDigest, size };
    const config: Descriptor = { mediaType: mt.FLUX_CONFIG, digest: digestOf(FLUX_CONFIG_BYTES), size: FLUX_CONFIG_BYTES.length };
    const annotations = fluxAnnotations(opts);
    const manifest = fluxManifest(config, layer, annotations);
    return await withClient(ref, opts, async (client) => {
      await client.pushBlob(ref.repository, { path: tgz, digest: layerDigest, size }, { signal: opts.signal, chunkSize: opts.chunkSize });
      await client.pushBlob(ref.repository, FLUX_CONFIG_BYTES, { signal: opts.signal });
      const digest = await client.putManifest(ref.repository, tag, manifest, mt.OCI_MANIFEST, { signal: opts.signal });
      return { url: formatReference(withDigest({ ...ref, tag: undefined }, digest)), repository: `${ref.registry}/${ref.repository}`, tag, digest, layer, config, annotations };
    });
  } finally {
    await temp.remove();
  }
}

async function fileDigest(path: string): Promise<{ digest: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { digest: `sha256:${hash.digest('hex')}`, size };
}

export interface ArtifactInfo {
  digest: string;
  manifest: Record<string, unknown>;
  manifestDescriptor: Descriptor;
  layer: Descriptor;
  source?: string;
  revision?: string;
  created?: string;
  annotations: Record<string, string>;
}

/** Fetch and check the manifest of an artifact: an image manifest with at least one layer. */
export async function resolveArtifact(client: RegistryClient, ref: Reference, signal?: AbortSignal): Promise<ArtifactInfo> {
  const m = await client.getManifest(ref.repository, manifestIdentifier(ref), { signal });
  const where = formatReference(ref);
  if (m.descriptor.mediaType !== mt.OCI_MANIFEST && m.descriptor.mediaType !== mt.DOCKER_MANIFEST) {
    throw new OciError('UNSUPPORTED_MEDIA_TYPE', `${where} is a ${m.descriptor.mediaType} (an index), not a single artifact manifest`);
  }
  const layers = (m.json.layers as Descriptor[] | undefined) ?? [];
  const layer = layers[0];
  if (!layer || typeof layer.digest !== 'string' || typeof layer.size !== 'number') throw new OciError('PROTOCOL', `${where}: the manifest has no layers`);
  const annotations = (m.json.annotations as Record<string, string> | undefined) ?? {};
  return {
    digest: m.descriptor.digest, manifest: m.json, manifestDescriptor: m.descriptor, layer, annotations,
    source: annotations[mt.ANNOTATION_SOURCE], revision: annotations[mt.ANNOTATION_REVISION], created: annotations[mt.ANNOTATION_CREATED],
  };
}

type Extractor = typeof extractTarball;

/** Tarball layers up to this size are read whole (verified) before extraction; larger ones are streamed into it. */
export const WHOLE_LAYER_MAX_BYTES = WHOLE_READ_MAX_BYTES;

export interface PullOptions extends RemoteOptions {
  /** Directory to extract into (replaced when it exists and `replace` is set). */
  output: string;
  replace?: boolean;
  /** Cap on extracted bytes (default 100 MiB, Flux's default). */
  maxBytes?: number;
  maxEntries?: number;
  /** Refuse symlinks instead of dropping them as flux pull does. Default false (drop). */
  refuseSymlinks?: boolean;
}

export interface PullResult extends ArtifactInfo {
  url: string;
  output: string;
  files: number;
  bytes: { manifest: number; layer: number; extracted: number };
  /** Milliseconds per phase, measured in-process (performance.now). */
  timings: { manifestMs: number; layerMs: number; extractMs: number; totalMs: number };
}

/**
 * Extract a layer as it arrives. When the extraction fails before the last byte was verified,
 * the rest is read (and discarded) to tell a tampered layer from a hostile or broken one: a
 * size or digest mismatch is the error then, as it was when the layer was downloaded first.
 */
async function extractVerified(extractTarball: Extractor, stream: VerifyingStream, output: string, opts: ExtractOptions): Promise<ExtractResult> {
  const tee = new PassThrough({ highWaterMark: 256 * 1024 });
  stream.on('error', (err) => tee.destroy(err));
  stream.pipe(tee);
  try {
    return await extractTarball(tee, output, opts);
  } catch (err) {
    if (stream.readableEnded || stream.destroyed) throw err;
    stream.unpipe(tee);
    const verdict = await finished(stream.resume(), { signal: opts.signal }).then(() => undefined, (e: unknown) => e);
    if (verdict instanceof OciError && (verdict.code === 'DIGEST_MISMATCH' || verdict.code === 'SIZE_MISMATCH')) throw verdict;
    throw err;
  } finally {
    stream.destroy();
  }
}

/** Pull an artifact's first layer and extract it safely, like `flux pull artifact`. */
export async function pullArtifact(reference: Reference | string, opts: PullOptions): Promise<PullResult> {
  const ref = asRef(reference);
  const output = resolve(opts.output);
  // Checked before anything is fetched; a symlinked --output is kept (its target is written).
  const target = pullTarget(opts.output, opts.replace ?? false);
  // The extractor (and node-tar) loads here, before the clock starts: not in the timings.
  const { extractTarball } = await import('./extract.js');
  return withClient(ref, opts, async (client) => {
    const t0 = performance.now();
    const info = await resolveArtifact(client, ref, opts.signal);
    const t1 = performance.now();
    const { layer } = info;
    const tarball = mt.TARBALL_LAYER_TYPES.includes(layer.mediaType);
    const isStatic = !tarball && layer.mediaType.startsWith(mt.FLUX_CONTENT_PREFIX);
    if (!tarball && !isStatic) {
      throw new OciError('UNSUPPORTED_MEDIA_TYPE', `${formatReference(ref)}: layer ${layer.digest} has media type "${layer.mediaType}", not a Flux content layer`);
    }
    const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
    if (isStatic && layer.size > maxBytes) throw new OciError('ARCHIVE_LIMIT', `${formatReference(ref)}: layer is ${layer.size} bytes, over ${maxBytes}`);
    const label = `layer ${layer.digest} of ${formatReference(ref)}`;
    if (tarball) {
      const extractOpts: ExtractOptions = {
        signal: opts.signal, replace: opts.replace, maxBytes, maxEntries: opts.maxEntries,
        skipSymlinks: !opts.refuseSymlinks, label,
      };
      let layerBytes: number;
      let t2: number;
      let r: ExtractResult;
      if (layer.size <= WHOLE_LAYER_MAX_BYTES) {
        // Small (most artifacts): read whole and verified, then extracted from memory (one
        // inflate, one parser write); a tampered layer fails before a file is written.
        const bytes = await client.fetchBlob(ref.repository, layer.digest, { size: layer.size, max: WHOLE_LAYER_MAX_BYTES, signal: opts.signal });
        t2 = performance.now();
        layerBytes = bytes.length;
        r = await extractTarball(bytes, target, extractOpts);
      } else {
        // Streamed: registry → size/digest check → gunzip → tar → files in a temp dir beside the
        // output, renamed into place only after the last byte verified (a mismatch fails the
        // stream before its end, so the extraction is discarded). No temp copy of the layer.
        const { stream } = await client.openBlob(ref.repository, layer.digest, { size: layer.size, signal: opts.signal });
        t2 = NaN;
        stream.once('end', () => (t2 = performance.now()));
        r = await extractVerified(extractTarball, stream, target, extractOpts);
        layerBytes = stream.bytes;
      }
      const t3 = performance.now();
      return {
        ...info, url: formatReference(withDigest(ref, info.digest)), output, files: r.files,
        bytes: { manifest: info.manifestDescriptor.size, layer: layerBytes, extracted: r.bytes },
        timings: { manifestMs: t1 - t0, layerMs: t2 - t1, extractMs: t3 - t2, totalMs: t3 - t0 },
      };
    }
    const temp = makeTempDir(`.${basename(target)}.pull-`, { parent: dirname(target) });
    const work = temp.path;
    try {
      const blob = join(work, 'layer');
      const layerBytes = await client.downloadBlob(ref.repository, layer.digest, blob, { size: layer.size, signal: opts.signal });
      const t2 = performance.now();
      // A static layer (application/vnd.cncf.flux.content.v1[.ext]) is one file, written as-is.
      await mkdir(target, { recursive: true });
      await copyFile(blob, join(target, `artifact${layer.mediaType.slice(mt.FLUX_CONTENT_PREFIX.length) || ''}`));
      const t3 = performance.now();
      return {
        ...info, url: formatReference(withDigest(ref, info.digest)), output, files: 1,
        bytes: { manifest: info.manifestDescriptor.size, layer: layerBytes, extracted: layerBytes },
        timings: { manifestMs: t1 - t0, layerMs: t2 - t1, extractMs: t3 - t2, totalMs: t3 - t0 },
      };
    } finally {
      await temp.remove();
    }
  });
}

/** Give an artifact another tag by re-PUTting its manifest (crane.Tag, as flux tag artifact does). */
export async function tagArtifact(reference: Reference | string, newTag: string, opts: RemoteOptions = {}): Promise<{ url: string; digest: string }> {
  const ref = asRef(reference);
  const target = parseReference(`${ref.registry}/${ref.repository}:${newTag}`, { insecure: ref.scheme === 'http' });
  return withClient(ref, opts, async (client) => {
    const m = await client.getManifest(ref.repository, manifestIdentifier(ref), { signal: opts.signal });
    const digest = await client.putManifest(ref.repository, newTag, m.bytes, m.descriptor.mediaType, { signal: opts.signal });
    return { url: formatReference(target), digest };
  });
}

/**
 * Delete every tag of a repository: each distinct manifest a tag names is deleted by digest
 * (registries delete manifests, not tags; a tag goes with its manifest). A repository that
 * does not exist has nothing to delete. A registry that does not allow deletes answers 405
 * (distribution without storage.delete.enabled): an OciError saying so.
 */
export async function deleteTags(reference: Reference | string, opts: RemoteOptions = {}): Promise<{ tags: string[]; digests: string[] }> {
  const ref = asRef(reference);
  return withClient(ref, opts, async (client) => {
    let tags: string[];
    try {
      tags = (await client.listTags(ref.repository, { signal: opts.signal })).sort();
    } catch (err) {
      if (isOciError(err, 'NOT_FOUND')) return { tags: [], digests: [] };
      throw err;
    }
    const digests: string[] = [];
    for (const tag of tags) {
      const d = await client.headManifest(ref.repository, tag, { signal: opts.signal });
      if (d && !digests.includes(d.digest)) digests.push(d.digest);
    }
    for (const digest of digests) {
      try {
        await client.deleteManifest(ref.repository, digest, { signal: opts.signal });
      } catch (err) {
        if (isOciError(err, 'NOT_FOUND')) continue; // gone already (another tag's manifest, or a race)
        if (err instanceof OciError && err.status === 405) {
          throw new OciError('REGISTRY_ERROR', `${ref.registry}: deleting ${ref.repository}@${digest}: the registry does not allow deletes (HTTP 405)`, { status: 405, cause: err });
        }
        throw err;
      }
    }
    return { tags, digests };
  });
}

export interface ListedArtifact {
  tag: string;
  digest: string;
  source?: string;
  revision?: string;
  created?: string;
}

/** Tags of a repository with digest, source and revision of each (like flux list artifacts). */
export async function listArtifacts(reference: Reference | string, opts: RemoteOptions & { concurrency?: number } = {}): Promise<ListedArtifact[]> {
  const ref = asRef(reference);
  return withClient(ref, opts, async (client) => {
    const tags = (await client.listTags(ref.repository, { signal: opts.signal })).sort();
    const out: ListedArtifact[] = new Array(tags.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let i = next++; i < tags.length; i = next++) {
        const tag = tags[i]!;
        const m = await client.getManifest(ref.repository, tag, { signal: opts.signal });
        const a = (m.json.annotations as Record<string, string> | undefined) ?? {};
        out[i] = { tag, digest: m.descriptor.digest, source: a[mt.ANNOTATION_SOURCE], revision: a[mt.ANNOTATION_REVISION], created: a[mt.ANNOTATION_CREATED] };
      }
    };
    await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 4, tags.length) }, worker));
    return out;
  });
}

