/**
 * The registry's data model over a RegistryStorage: blobs linked into repositories,
 * manifests, tags and referrer records. Protocol-independent (no HTTP here).
 *
 * Records (MetaStore keys; `_` cannot start a name component, so they never clash with names):
 *   repos/<name>/_links/<digest>                 blob is part of the repository
 *   repos/<name>/_manifests/<digest>             {"mediaType","size"}
 *   repos/<name>/_tags/<tag>                     manifest digest
 *   repos/<name>/_referrers/<subject>/<digest>   referrer descriptor (JSON)
 */
import { digestOf, parseDigest, type Digest } from './digest.js';
import { blobUnknown, manifestUnknown, nameUnknown, RegistryError } from './errors.js';
import { parseManifest, type Descriptor } from './manifest.js';
import { assertTag, isTag } from './names.js';
import type { ByteRange, RegistryStorage } from './storage.js';
import type { Readable } from 'node:stream';

/**
 * Manifest body cap, the CNCF distribution registry's (`maxManifestBodySize = 4 * 1024 * 1024`
 * in registry/handlers/manifests.go); the distribution-spec asks registries to accept at least
 * 4 MB and to answer 413 above their limit.
 */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/**
 * Descriptors (config + layers, or child manifests) one manifest may reference. Each is a
 * storage lookup on PUT; 4 MiB of JSON holds ~28,000 of them. Real images and Flux artifacts
 * have a few to a few dozen layers, indexes a handful of platforms.
 */
export const MAX_MANIFEST_DESCRIPTORS = 10_000;

/** Storage lookups in flight at once for one request (the fs store's threadpool has 4 threads). */
const LOOKUP_CONCURRENCY = 16;
/** Above this many distinct references, one directory listing beats a lookup each. */
const BULK_LOOKUP_THRESHOLD = 32;

/** `fn` over `items` with at most `limit` promises pending; results in order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export interface StoredManifest {
  digest: string;
  mediaType: string;
  size: number;
  bytes: Buffer;
}

const repoKey = (name: string, ...rest: string[]) => ['repos', name, ...rest].join('/');

export class OciStore {
  constructor(readonly storage: RegistryStorage) {}

  private get meta() {
    return this.storage.meta;
  }

  private get blobs() {
    return this.storage.blobs;
  }

  async repositoryExists(name: string): Promise<boolean> {
    return (await this.meta.list(repoKey(name))).some((n) => n.startsWith('_'));
  }

  /** Size of a blob that is part of `repo`, or undefined. */
  async blobSize(repo: string, digest: Digest): Promise<number | undefined> {
    if ((await this.meta.get(repoKey(repo, '_links', digest.text))) === undefined) return undefined;
    return this.blobs.stat(digest);
  }

  async openBlob(repo: string, digest: Digest, range?: ByteRange): Promise<Readable> {
    if ((await this.blobSize(repo, digest)) === undefined) throw blobUnknown(digest.text);
    return this.blobs.read(digest, range);
  }

  async linkBlob(repo: string, digest: Digest): Promise<void> {
    await this.meta.put(repoKey(repo, '_links', digest.text), '');
  }

  /** Unlink a blob from a repository; the bytes stay for other repositories. */
  async deleteBlob(repo: string, digest: Digest): Promise<void> {
    if (!(await this.meta.delete(repoKey(repo, '_links', digest.text)))) throw blobUnknown(digest.text);
  }

  /**
   * Cross-repository mount. With `from`, the blob must be in that repository; without it,
   * any stored blob can be mounted (spec 1.1 "automatic content discovery").
   */
  async mountBlob(repo: string, digest: Digest, from?: string): Promise<number | undefined> {
    const size = from ? await this.blobSize(from, digest) : await this.blobs.stat(digest);
    if (size === undefined) return undefined;
    await this.linkBlob(repo, digest);
    return size;
  }

  /** Resolve a tag or digest reference to a manifest digest in `repo`. */
  async resolve(repo: string, reference: string): Promise<string> {
    if (reference.includes(':')) {
      const d = parseDigest(reference).text;
      if ((await this.meta.get(repoKey(repo, '_manifests', d))) === undefined) throw manifestUnknown(reference);
      return d;
    }
    if (!isTag(reference)) throw new RegistryError(400, 'MANIFEST_INVALID', `"${reference}" is neither a tag nor a digest`, { reference });
    const d = await this.meta.get(repoKey(repo, '_tags', reference));
    if (d === undefined) throw manifestUnknown(reference);
    return d;
  }

  async getManifest(repo: string, reference: string): Promise<StoredManifest> {
    const digest = await this.resolve(repo, reference);
    const record = await this.meta.get(repoKey(repo, '_manifests', digest));
    const bytes = await this.blobs.readSmall(parseDigest(digest));
    if (record === undefined || bytes === undefined) throw manifestUnknown(reference);
    const { mediaType } = JSON.parse(record) as { mediaType: string };
    return { digest, mediaType, size: bytes.length, bytes };
  }

  /**
   * Store a manifest under a tag or digest. Checks size, JSON shape, media type, the
   * digest (when the reference is one) and that every referenced blob/manifest is in the
   * repository. Returns the digest and, if the manifest has one, its subject digest.
   */
  async putManifest(
    repo: string,
    reference: string,
    bytes: Buffer,
    contentType: string | undefined,
    extraTags: string[] = [],
  ): Promise<{ digest: string; subject?: string }> {
    if (bytes.length > MAX_MANIFEST_BYTES) {
      throw new RegistryError(413, 'SIZE_INVALID', `manifest is ${bytes.length} bytes; this registry accepts at most ${MAX_MANIFEST_BYTES}`, {
        size: bytes.length,
        limit: MAX_MANIFEST_BYTES,
      });
    }
    const byDigest = reference.includes(':');
    const expected = byDigest ? parseDigest(reference) : undefined;
    if (!byDigest) assertTag(reference);
    extraTags.forEach(assertTag);
    const digest = digestOf(bytes, expected?.algorithm ?? 'sha256');
    if (expected && expected.text !== digest) {
      throw new RegistryError(400, 'DIGEST_INVALID', `manifest body has digest ${digest}, not ${expected.text}`, { expected: expected.text, actual: digest });
    }
    const parsed = parseManifest(bytes, contentType);
    const referenced = parsed.blobs.length + parsed.manifests.length;
    if (referenced > MAX_MANIFEST_DESCRIPTORS) {
      throw new RegistryError(400, 'MANIFEST_INVALID', `manifest references ${referenced} descriptors; this registry accepts at most ${MAX_MANIFEST_DESCRIPTORS}`, {
        descriptors: referenced,
        limit: MAX_MANIFEST_DESCRIPTORS,
      });
    }
    const missingBlob = await this.firstMissing(repo, '_links', parsed.blobs);
    if (missingBlob === undefined) {
      // A link is only written after the bytes were committed; check the bytes are still there too.
      const blobs = [...new Set(parsed.blobs)];
      const sizes = await mapLimit(blobs, LOOKUP_CONCURRENCY, (b) => this.blobs.stat(parseDigest(b)));
      const gone = blobs.find((_, i) => sizes[i] === undefined);
      if (gone !== undefined) throw this.blobMissing(repo, gone);
    } else {
      throw this.blobMissing(repo, missingBlob);
    }
    const missingChild = await this.firstMissing(repo, '_manifests', parsed.manifests);
    if (missingChild !== undefined) {
      throw new RegistryError(400, 'MANIFEST_BLOB_UNKNOWN', `index references manifest ${missingChild}, which is not in repository ${repo}: push it first`, { digest: missingChild });
    }
    const d = parseDigest(digest);
    await this.blobs.putSmall(d, bytes);
    await this.meta.put(repoKey(repo, '_manifests', digest), JSON.stringify({ mediaType: parsed.mediaType, size: bytes.length }));
    for (const tag of byDigest ? extraTags : [reference, ...extraTags]) {
      await this.meta.put(repoKey(repo, '_tags', tag), digest);
    }
    if (parsed.subject) {
      const referrer: Descriptor = { mediaType: parsed.mediaType, digest, size: bytes.length };
      if (parsed.artifactType) referrer.artifactType = parsed.artifactType;
      if (parsed.annotations && Object.keys(parsed.annotations).length > 0) referrer.annotations = parsed.annotations;
      await this.meta.put(repoKey(repo, '_referrers', parsed.subject.digest, digest), JSON.stringify(referrer));
    }
    return { digest, subject: parsed.subject?.digest };
  }

  private blobMissing(repo: string, digest: string): RegistryError {
    return new RegistryError(400, 'MANIFEST_BLOB_UNKNOWN', `manifest references blob ${digest}, which is not in repository ${repo}: push it first`, { digest });
  }

  /**
   * The first of `digests` (in manifest order) with no `repos/<repo>/<kind>/<digest>` record.
   * Each distinct digest is looked up once: a few with a lookup each (in parallel), many with
   * one listing of the records, so the cost does not grow with the descriptor count.
   */
  private async firstMissing(repo: string, kind: '_links' | '_manifests', digests: readonly string[]): Promise<string | undefined> {
    const unique = [...new Set(digests)];
    if (unique.length === 0) return undefined;
    let present: (d: string) => boolean;
    if (unique.length > BULK_LOOKUP_THRESHOLD) {
      const listed = new Set(await this.meta.list(repoKey(repo, kind)));
      present = (d) => listed.has(d);
    } else {
      const found = await mapLimit(unique, LOOKUP_CONCURRENCY, async (d) => (await this.meta.get(repoKey(repo, kind, d))) !== undefined);
      const known = new Set(unique.filter((_, i) => found[i]));
      present = (d) => known.has(d);
    }
    return digests.find((d) => !present(d));
  }

  /** Delete by digest (the manifest, its tags and its referrer record) or by tag (the tag only). */
  async deleteManifest(repo: string, reference: string): Promise<void> {
    if (!reference.includes(':')) {
      if (!isTag(reference) || !(await this.meta.delete(repoKey(repo, '_tags', reference)))) throw manifestUnknown(reference);
      return;
    }
    const manifest = await this.getManifest(repo, reference);
    // Every tag must be read to find those pointing here: in parallel, not one after another.
    const tags = await this.meta.list(repoKey(repo, '_tags'));
    const targets = await mapLimit(tags, LOOKUP_CONCURRENCY, (tag) => this.meta.get(repoKey(repo, '_tags', tag)));
    const pointing = tags.filter((_, i) => targets[i] === manifest.digest);
    await mapLimit(pointing, LOOKUP_CONCURRENCY, (tag) => this.meta.delete(repoKey(repo, '_tags', tag)));
    try {
      const subject = (JSON.parse(manifest.bytes.toString('utf8')) as { subject?: { digest?: string } }).subject?.digest;
      if (subject) await this.meta.delete(repoKey(repo, '_referrers', subject, manifest.digest));
    } catch {
      // stored manifests were validated JSON; nothing to unindex otherwise
    }
    await this.meta.delete(repoKey(repo, '_manifests', manifest.digest));
  }

  async tags(repo: string): Promise<string[]> {
    if (!(await this.repositoryExists(repo))) throw nameUnknown(repo);
    return this.meta.list(repoKey(repo, '_tags'));
  }

  /** Every repository name, sorted. */
  async catalog(): Promise<string[]> {
    const found: string[] = [];
    const walk = async (prefix: string, name: string) => {
      const children = await this.meta.list(prefix);
      if (name && children.some((c) => c.startsWith('_'))) found.push(name);
      for (const child of children) {
        if (!child.startsWith('_')) await walk(`${prefix}/${child}`, name ? `${name}/${child}` : child);
      }
    };
    await walk('repos', '');
    return found.sort();
  }

  /** The referrers of `subject` in `repo`, optionally only those of one artifactType. */
  async referrers(repo: string, subject: Digest, artifactType?: string): Promise<Descriptor[]> {
    const prefix = repoKey(repo, '_referrers', subject.text);
    const out: Descriptor[] = [];
    for (const digest of await this.meta.list(prefix)) {
      const record = await this.meta.get(`${prefix}/${digest}`);
      if (record === undefined) continue;
      const d = JSON.parse(record) as Descriptor;
      if (artifactType === undefined || d.artifactType === artifactType) out.push(d);
    }
    return out;
  }
}

