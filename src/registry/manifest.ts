/**
 * Manifest validation on PUT: which media types the registry accepts, the blobs and
 * child manifests a manifest references (they must already be in the repository), and
 * the subject / artifactType the referrers API needs.
 */
import { parseDigest } from './digest.js';
import { RegistryError } from './errors.js';

export const MEDIA_TYPES = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
} as const;

const IMAGE_TYPES = new Set<string>([MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerManifest]);
const INDEX_TYPES = new Set<string>([MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerList]);

/** Layers a registry is not expected to hold (foreign / non-distributable), per the specs. */
function isNonDistributable(mediaType: string | undefined): boolean {
  return (
    !!mediaType &&
    (mediaType.startsWith('application/vnd.oci.image.layer.nondistributable.') ||
      mediaType === 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip')
  );
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

export interface ParsedManifest {
  mediaType: string;
  /** Blobs that must be in the repository (config + distributable layers). */
  blobs: string[];
  /** Child manifests of an index. */
  manifests: string[];
  subject?: Descriptor;
  /** artifactType for the referrers API: the field, else the config media type of an image. */
  artifactType?: string;
  annotations?: Record<string, string>;
}

function invalid(message: string): RegistryError {
  return new RegistryError(400, 'MANIFEST_INVALID', message);
}

function descriptor(value: unknown, where: string): Descriptor {
  if (typeof value !== 'object' || value === null) throw invalid(`${where} is not a descriptor object`);
  const d = value as Record<string, unknown>;
  if (typeof d.mediaType !== 'string') throw invalid(`${where}.mediaType is missing`);
  if (typeof d.digest !== 'string') throw invalid(`${where}.digest is missing`);
  if (typeof d.size !== 'number' || !Number.isInteger(d.size) || d.size < 0) throw invalid(`${where}.size is not a non-negative integer`);
  try {
    parseDigest(d.digest);
  } catch {
    throw invalid(`${where}.digest "${d.digest}" is not a valid digest`);
  }
  return d as unknown as Descriptor;
}

function stringMap(value: unknown, where: string): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Object.values(value).some((v) => typeof v !== 'string')) {
    throw invalid(`${where} must be an object of string values`);
  }
  return value as Record<string, string>;
}

/** Parse and check a manifest body sent with `contentType`. Throws MANIFEST_INVALID. */
export function parseManifest(bytes: Buffer, contentType: string | undefined): ParsedManifest {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  } catch (err) {
    throw invalid(`manifest is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw invalid('manifest is not a JSON object');
  if (doc.schemaVersion !== 2) throw invalid(`manifest schemaVersion must be 2, got ${JSON.stringify(doc.schemaVersion)}`);
  const declared = typeof doc.mediaType === 'string' ? doc.mediaType : undefined;
  const type = (contentType ?? '').split(';')[0]!.trim() || declared;
  if (!type) throw invalid('manifest has no Content-Type header and no mediaType field');
  if (declared && declared !== type) {
    throw invalid(`manifest mediaType "${declared}" does not match Content-Type "${type}"`);
  }
  const subject = doc.subject === undefined ? undefined : descriptor(doc.subject, 'subject');
  const artifactType = typeof doc.artifactType === 'string' ? doc.artifactType : undefined;
  const annotations = doc.annotations === undefined ? undefined : stringMap(doc.annotations, 'annotations');

  if (IMAGE_TYPES.has(type)) {
    const config = descriptor(doc.config, 'config');
    if (!Array.isArray(doc.layers)) throw invalid('manifest.layers must be an array');
    const layers = doc.layers.map((l, i) => descriptor(l, `layers[${i}]`));
    const blobs = [config.digest, ...layers.filter((l) => !isNonDistributable(l.mediaType)).map((l) => l.digest)];
    return { mediaType: type, blobs, manifests: [], subject, artifactType: artifactType ?? config.mediaType, annotations };
  }
  if (INDEX_TYPES.has(type)) {
    if (!Array.isArray(doc.manifests)) throw invalid('index.manifests must be an array');
    const manifests = doc.manifests.map((m, i) => descriptor(m, `manifests[${i}]`).digest);
    return { mediaType: type, blobs: [], manifests, subject, artifactType, annotations };
  }
  // 400 like the CNCF distribution registry (UnmarshalManifest fails → MANIFEST_INVALID, 400);
  // the distribution-spec names no status for it.
  throw new RegistryError(
    400,
    'MANIFEST_INVALID',
    `manifest media type "${type}" is not supported (OCI image manifest/index, Docker manifest v2/list)`,
    { mediaType: type },
  );
}
