/**
 * Sign an artifact by digest in the classic cosign format that Flux accepts: a simple-signing
 * payload, signed with the private key, appended as a layer to the `sha256-<hex>.sig` image
 * in the artifact's repository. Equivalent to
 *   cosign sign --key cosign.key --tlog-upload=false --use-signing-config=false --new-bundle-format=false <ref>
 */
import type { KeyObject } from 'node:crypto';
import { RegistryClient } from '../oci/client.js';
import { isOciError } from '../oci/errors.js';
import { formatReference, parseReference, repositoryName, type Reference } from '../oci/reference.js';
import { buildSignatureImage, newSignatureLayer, OCI_CONFIG_MEDIA_TYPE, OCI_MANIFEST_MEDIA_TYPE, signatureLayersOf, signatureTag, type Descriptor } from './classic.js';
import { CosignError } from './errors.js';
import { buildPayload } from './payload.js';
import { sha256Digest, signMessage } from './signature.js';

export interface SignArtifactOptions {
  privateKey: KeyObject;
  /** Names the key in results and logs (e.g. the file name); never key bytes. */
  keyName?: string;
  /** `-a key=value` annotations, written into the payload's `optional`. */
  annotations?: Record<string, string>;
  /** Plain HTTP (cosign's --allow-http-registry); loopback and private hosts default to it. */
  insecure?: boolean;
  /** Reuse a client (tests, scenarios with auth); otherwise one is made for the reference. */
  client?: RegistryClient;
  signal?: AbortSignal;
}

export interface SignArtifactResult {
  /** The artifact as signed: `oci://host/repo@sha256:<hex>`. */
  ref: string;
  digest: string;
  /** `sha256-<hex>.sig` */
  signatureTag: string;
  signatureManifestDigest: string;
  /** sha256 of the simple-signing payload (the new layer's digest). */
  payloadDigest: string;
  /** The payload's critical.identity.docker-reference. */
  identity: string;
  /** How many signatures the `.sig` image holds now (signing again appends). */
  signatureCount: number;
  keyName: string;
}

export async function signArtifact(ref: string | Reference, opts: SignArtifactOptions): Promise<SignArtifactResult> {
  const parsed = typeof ref === 'string' ? parseReference(ref, { insecure: opts.insecure }) : ref;
  const client = opts.client ?? RegistryClient.forReference(parsed);
  const signal = opts.signal;
  try {
    const digest = await resolveDigest(client, parsed, signal);
    const repo = parsed.repository;
    const identity = repositoryName(parsed);
    const payload = buildPayload(identity, digest, opts.annotations);
    const layer = newSignatureLayer(payload, signMessage(opts.privateKey, payload));
    const tag = signatureTag(digest);
    const existing = await existingSignatureLayers(client, repo, tag, signal);
    const image = buildSignatureImage(existing, [layer]);
    // Blobs first, manifest last: a reader never sees a manifest pointing at missing blobs.
    for (const blob of image.blobs.values()) await client.pushBlob(repo, blob, { signal });
    await client.pushBlob(repo, image.config, { signal });
    const manifestDigest = await client.putManifest(repo, tag, image.manifest, OCI_MANIFEST_MEDIA_TYPE, { signal });
    return {
      ref: formatReference({ ...parsed, tag: undefined, digest }),
      digest,
      signatureTag: tag,
      signatureManifestDigest: manifestDigest,
      payloadDigest: sha256Digest(payload),
      identity,
      signatureCount: existing.length + 1,
      keyName: opts.keyName ?? 'private key',
    };
  } finally {
    if (!opts.client) await client.close();
  }
}

/** The digest a reference points at now (HEAD, like cosign's remote.Get). */
export async function resolveDigest(client: RegistryClient, ref: Reference, signal?: AbortSignal): Promise<string> {
  if (ref.digest) return ref.digest;
  const tag = ref.tag ?? 'latest';
  const desc = await client.headManifest(ref.repository, tag, { signal });
  if (!desc) {
    throw new CosignError('REGISTRY', `${repositoryName(ref)}:${tag} does not exist in the registry (nothing to sign or verify)`);
  }
  return desc.digest;
}

async function existingSignatureLayers(client: RegistryClient, repo: string, tag: string, signal?: AbortSignal): Promise<Descriptor[]> {
  try {
    const m = await client.getManifest(repo, tag, { signal, accept: [OCI_MANIFEST_MEDIA_TYPE, 'application/vnd.docker.distribution.manifest.v2+json'] });
    const config = (m.json.config ?? {}) as { mediaType?: string };
    if (config.mediaType && config.mediaType !== OCI_CONFIG_MEDIA_TYPE && !config.mediaType.includes('docker')) {
      throw new CosignError('REGISTRY', `${repo}:${tag} exists but is not a cosign signature image (config ${config.mediaType})`);
    }
    return signatureLayersOf(m.bytes, `${repo}:${tag}`);
  } catch (err) {
    if (isOciError(err, 'NOT_FOUND')) return [];
    throw err;
  }
}
