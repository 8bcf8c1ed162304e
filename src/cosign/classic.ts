/**
 * The classic ("tag-based") cosign signature image: an OCI image manifest at tag
 * `sha256-<hex>.sig` whose layers are simple-signing payloads, one per signature, each with
 * the base64 signature in the `dev.cosignproject.cosign/signature` annotation
 * (cosign pkg/oci/remote, pkg/oci/static, pkg/oci/mutate). Bytes are laid out the way
 * go-containerregistry marshals them, so a manifest we append to stays byte-identical
 * to what cosign would write.
 */
import { CosignError } from './errors.js';
import { SIMPLE_SIGNING_MEDIA_TYPE } from './payload.js';
import type { Descriptor } from '../oci/client.js';
import { DOCKER_MANIFEST, OCI_IMAGE_CONFIG, OCI_MANIFEST } from '../oci/media-types.js';
import { sha256Digest } from './signature.js';

export const SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';
// The OCI media types and descriptor are the OCI layer's (src/oci), under the names cosign's code uses.
export const OCI_MANIFEST_MEDIA_TYPE = OCI_MANIFEST;
export const OCI_CONFIG_MEDIA_TYPE = OCI_IMAGE_CONFIG;
export const DOCKER_MANIFEST_MEDIA_TYPE = DOCKER_MANIFEST;
export type { Descriptor };

/** One signature layer, as found in (or about to go into) a `.sig` manifest. */
export interface SignatureLayer {
  descriptor: Descriptor;
  payload: Buffer;
  /** The signature bytes decoded from the annotation (undefined when it is not base64). */
  signatureB64: string;
}

export interface SignatureImage {
  manifest: Buffer;
  config: Buffer;
  /** Blobs to upload (payloads), by digest. */
  blobs: Map<string, Buffer>;
}

/** `sha256:<hex>` → `sha256-<hex>.sig`, the tag cosign stores classic signatures under. */
export function signatureTag(manifestDigest: string): string {
  return `${digestToTagPrefix(manifestDigest)}.sig`;
}

/** `sha256:<hex>` → `sha256-<hex>`, the referrers fallback tag (cosign v3 bundles). */
export function referrersFallbackTag(manifestDigest: string): string {
  return digestToTagPrefix(manifestDigest);
}

function digestToTagPrefix(manifestDigest: string): string {
  const m = /^(sha256|sha512):([0-9a-f]+)$/.exec(manifestDigest);
  if (!m) throw new CosignError('PAYLOAD_MALFORMED', `"${manifestDigest}" is not a digest (expected sha256:<hex>)`);
  return `${m[1]}-${m[2]}`;
}

export function newSignatureLayer(payload: Buffer, signature: Uint8Array, extra: Record<string, string> = {}): SignatureLayer {
  const signatureB64 = Buffer.from(signature).toString('base64');
  return {
    payload,
    signatureB64,
    descriptor: {
      mediaType: SIMPLE_SIGNING_MEDIA_TYPE,
      size: payload.length,
      digest: sha256Digest(payload),
      annotations: sortedRecord({ ...extra, [SIGNATURE_ANNOTATION]: signatureB64 }),
    },
  };
}

/**
 * The ggcr ConfigFile cosign uploads for a signature image: one diff_id and one empty history
 * entry per layer (the payload is stored uncompressed, so diff_id = layer digest).
 */
export function signatureConfig(layers: Descriptor[]): Buffer {
  const created = '0001-01-01T00:00:00Z';
  return Buffer.from(
    JSON.stringify({
      architecture: '',
      created,
      history: layers.map(() => ({ created })),
      os: '',
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
      config: {},
    }),
  );
}

/** Build the `.sig` image from the existing layers (if any) plus new ones; signing appends. */
export function buildSignatureImage(existing: Descriptor[], added: SignatureLayer[]): SignatureImage {
  const layers = [...existing, ...added.map((a) => a.descriptor)];
  const config = signatureConfig(layers);
  const manifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST_MEDIA_TYPE,
    config: { mediaType: OCI_CONFIG_MEDIA_TYPE, size: config.length, digest: sha256Digest(config) },
    layers: layers.map(descriptorJson),
  };
  const blobs = new Map<string, Buffer>();
  for (const a of added) blobs.set(a.descriptor.digest, a.payload);
  return { manifest: Buffer.from(JSON.stringify(manifest)), config, blobs };
}

/** Layer descriptors of a `.sig` manifest that carry a simple-signing payload. */
export function signatureLayersOf(manifestBytes: Uint8Array, where: string): Descriptor[] {
  let doc: any;
  try {
    doc = JSON.parse(Buffer.from(manifestBytes).toString('utf8'));
  } catch {
    throw new CosignError('REGISTRY', `signature manifest ${where} is not JSON`);
  }
  if (!Array.isArray(doc?.layers)) throw new CosignError('REGISTRY', `signature manifest ${where} has no layers`);
  return (doc.layers as Descriptor[]).filter((l) => l && typeof l.digest === 'string');
}

/** ggcr Descriptor field order: mediaType, size, digest, ..., annotations. */
function descriptorJson(d: Descriptor): Descriptor {
  const out: Descriptor = { mediaType: d.mediaType, size: d.size, digest: d.digest };
  if (d.annotations && Object.keys(d.annotations).length > 0) out.annotations = sortedRecord(d.annotations);
  if (d.artifactType) out.artifactType = d.artifactType;
  return out;
}

function sortedRecord(r: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
