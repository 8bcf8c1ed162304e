/**
 * Verify an artifact's cosign signatures with public keys, in source-controller's order:
 * v3 bundles first (referrers API or the `sha256-<hex>` fallback tag), then classic
 * signatures on `sha256-<hex>.sig`. Offline and tlog-ignored, as Flux does with a key.
 *
 * A classic signature only counts when its payload names this artifact's digest, as the
 * cosign CLI checks by default (`cosign verify --check-claims`, true unless turned off).
 */
import type { KeyObject } from 'node:crypto';
import { RegistryClient } from '../oci/client.js';
import { isOciError } from '../oci/errors.js';
import { formatReference, parseReference, repositoryName, type Reference } from '../oci/reference.js';
import { BUNDLE_MEDIA_TYPE, type NamedPublicKey } from './bundle-format.js';
import { OCI_MANIFEST_MEDIA_TYPE, SIGNATURE_ANNOTATION, signatureTag, type Descriptor } from './classic.js';
import { parsePublicKey } from './key-file.js';
import { parsePayload } from './payload.js';
import { resolveDigest } from './sign.js';
import { decodeBase64Strict, verifyMessage } from './signature.js';

/** A key by name: already parsed, or PEM text (a Secret's `cosign.pub` value). */
export type PublicKeyInput = NamedPublicKey | { name: string; pem: string | Uint8Array };

export interface VerifyArtifactOptions {
  /** Keys to try, or Secret-like data: every entry whose name ends in `.pub` (as Flux). */
  publicKeys: PublicKeyInput[] | Record<string, string | Uint8Array>;
  insecure?: boolean;
  client?: RegistryClient;
  signal?: AbortSignal;
}

export type SignatureKind = 'classic' | 'bundle';

export interface MatchedSignature {
  kind: SignatureKind;
  keyName: string;
  /** Where it was found, e.g. "sha256-ab….sig layer 2 of 3" or "referrer sha256:…". */
  where: string;
  /** Classic: sha256 of the simple-signing payload. Bundle: digest of the bundle manifest. */
  payloadDigest: string;
  /** Classic: the payload's docker-reference. Bundle: the in-toto subject digest. */
  identity: string;
}

/** Why a signature did not count, for a short summary. */
export type CheckCause = 'wrong-key' | 'other-artifact' | 'damaged' | 'malformed';

export interface SignatureCheck {
  kind: SignatureKind;
  where: string;
  ok: boolean;
  /** For a failed check: what did not match. */
  problem?: string;
  cause?: CheckCause;
}

export type VerifyReason = 'Succeeded' | 'VerificationError';

export interface VerifyArtifactResult {
  verified: boolean;
  /** `oci://host/repo@sha256:<hex>` of the artifact checked. */
  ref: string;
  digest?: string;
  matched?: MatchedSignature;
  /** Every signature looked at, in order, with why it failed. */
  checked: SignatureCheck[];
  /** Flux-like condition reason and message. */
  reason: VerifyReason;
  message: string;
  /** One plain sentence for a learner or an audience (the message has the details). */
  summary: string;
}

export async function verifyArtifact(ref: string | Reference, opts: VerifyArtifactOptions): Promise<VerifyArtifactResult> {
  let parsed: Reference;
  let keys: NamedPublicKey[];
  try {
    parsed = typeof ref === 'string' ? parseReference(ref, { insecure: opts.insecure }) : ref;
    keys = toNamedKeys(opts.publicKeys);
  } catch (err) {
    return failure(String(ref), undefined, [], (err as Error).message);
  }
  const client = opts.client ?? RegistryClient.forReference(parsed);
  const signal = opts.signal;
  const display = formatReference(parsed);
  try {
    let digest: string;
    try {
      digest = await resolveDigest(client, parsed, signal);
    } catch (err) {
      if (signal?.aborted) throw err;
      return failure(display, undefined, [], (err as Error).message);
    }
    const checked: SignatureCheck[] = [];
    const matched =
      (await checkBundles(client, parsed, digest, keys, checked, signal)) ??
      (await checkClassic(client, parsed, digest, keys, checked, signal));
    const pinned = formatReference({ ...parsed, digest });
    if (matched) {
      return {
        verified: true, ref: pinned, digest, matched, checked, reason: 'Succeeded',
        summary: `signed with ${matched.keyName}: the ${matched.kind} signature matches this artifact (${short(digest)})`,
        message: `verified signature of revision ${parsed.tag ? `${parsed.tag}@` : ''}${digest} with ${matched.keyName} (${matched.kind} signature, ${matched.where})`,
      };
    }
    return failure(pinned, digest, checked, explain(checked, parsed, digest, keys), keys);
  } catch (err) {
    if (signal?.aborted || isOciError(err, 'ABORTED')) throw err;
    return failure(display, undefined, [], (err as Error).message);
  } finally {
    if (!opts.client) await client.close();
  }
}

async function checkBundles(
  client: RegistryClient, ref: Reference, digest: string, keys: NamedPublicKey[], checked: SignatureCheck[], signal?: AbortSignal,
): Promise<MatchedSignature | undefined> {
  let referrers: Descriptor[];
  try {
    referrers = await client.referrers(ref.repository, digest, { signal, artifactType: BUNDLE_MEDIA_TYPE });
  } catch (err) {
    // As source-controller: a failed bundle lookup falls through to the classic signatures.
    if (isOciError(err, 'ABORTED')) throw err;
    checked.push({ kind: 'bundle', where: `referrers of ${digest}`, ok: false, cause: 'damaged', problem: (err as Error).message });
    return undefined;
  }
  for (const r of referrers) {
    const where = `referrer ${r.digest}`;
    try {
      const m = await client.getManifest(ref.repository, r.digest, { signal, accept: [OCI_MANIFEST_MEDIA_TYPE] });
      const layers = ((m.json.layers ?? []) as Descriptor[]).filter((l) => l.mediaType === BUNDLE_MEDIA_TYPE);
      if (layers.length === 0) {
        checked.push({ kind: 'bundle', where, ok: false, cause: 'malformed', problem: 'manifest has no bundle layer' });
        continue;
      }
      const blob = await client.fetchBlob(ref.repository, layers[0]!.digest, { signal, size: layers[0]!.size, max: 4 * 1024 * 1024 });
      // The verifier (sigstore's packages) only once there is a bundle to check.
      const res = (await import('./bundle.js')).verifyBundle(blob, keys, digest);
      if (res.ok) {
        checked.push({ kind: 'bundle', where, ok: true });
        return { kind: 'bundle', keyName: res.keyName, where, payloadDigest: r.digest, identity: res.subjectDigest };
      }
      checked.push({ kind: 'bundle', where, ok: false, cause: res.cause, problem: res.problem });
    } catch (err) {
      if (isOciError(err, 'ABORTED')) throw err;
      checked.push({ kind: 'bundle', where, ok: false, cause: 'damaged', problem: (err as Error).message });
    }
  }
  return undefined;
}

async function checkClassic(
  client: RegistryClient, ref: Reference, digest: string, keys: NamedPublicKey[], checked: SignatureCheck[], signal?: AbortSignal,
): Promise<MatchedSignature | undefined> {
  const tag = signatureTag(digest);
  let layers: Descriptor[];
  try {
    const m = await client.getManifest(ref.repository, tag, { signal });
    layers = ((m.json.layers ?? []) as Descriptor[]).filter((l) => l && typeof l.digest === 'string');
  } catch (err) {
    if (isOciError(err, 'NOT_FOUND')) return undefined;
    throw err;
  }
  for (const [i, layer] of layers.entries()) {
    const where = `${tag} layer ${i + 1} of ${layers.length}`;
    const fail = (problem: string, cause: CheckCause) => checked.push({ kind: 'classic', where, ok: false, problem, cause });
    const sig = decodeBase64Strict(layer.annotations?.[SIGNATURE_ANNOTATION] ?? '');
    if (!sig) {
      fail(`no valid base64 in the ${SIGNATURE_ANNOTATION} annotation`, 'malformed');
      continue;
    }
    let payload: Buffer;
    try {
      payload = await client.fetchBlob(ref.repository, layer.digest, { signal, size: layer.size, max: 1024 * 1024 });
    } catch (err) {
      if (isOciError(err, 'ABORTED')) throw err;
      fail(`payload ${layer.digest} cannot be read: ${(err as Error).message}`, 'damaged');
      continue;
    }
    const key = keys.find((k) => verifyMessage(k.key, payload, sig));
    if (!key) {
      fail(`signature over payload ${layer.digest} does not verify with ${keys.map((k) => k.name).join(', ')}`, 'wrong-key');
      continue;
    }
    let claimed;
    try {
      claimed = parsePayload(payload, layer.digest);
    } catch (err) {
      fail(`signature is valid (${key.name}) but ${(err as Error).message}`, 'malformed');
      continue;
    }
    if (claimed.manifestDigest !== digest) {
      fail(
        `signature is valid (${key.name}) but its payload names ${claimed.manifestDigest}, not this artifact ${digest}`,
        'other-artifact',
      );
      continue;
    }
    checked.push({ kind: 'classic', where, ok: true });
    return { kind: 'classic', keyName: key.name, where, payloadDigest: layer.digest, identity: claimed.dockerReference };
  }
  return undefined;
}

function explain(checked: SignatureCheck[], ref: Reference, digest: string, keys: NamedPublicKey[]): string {
  const head = `failed to verify the signature using provider 'cosign': no matching signatures were found for '${repositoryName(ref)}@${digest}'`;
  if (checked.length === 0) {
    return `${head}: the artifact is not signed (no ${signatureTag(digest)} tag and no cosign bundle referrer); tried ${keys.map((k) => k.name).join(', ')}`;
  }
  return `${head}: ${checked.map((c) => `${c.where}: ${c.problem}`).join('; ')}`;
}

function failure(ref: string, digest: string | undefined, checked: SignatureCheck[], message: string, keys: NamedPublicKey[] = []): VerifyArtifactResult {
  const msg = message.startsWith('failed to verify') ? message : `failed to verify the signature using provider 'cosign': ${message}`;
  return { verified: false, ref, digest, checked, reason: 'VerificationError', message: msg, summary: summarize(digest, checked, keys, message) };
}

/** The sentence a learner reads: the most telling cause first. */
function summarize(digest: string | undefined, checked: SignatureCheck[], keys: NamedPublicKey[], message: string): string {
  if (!digest) return `could not check the signature: ${message}`;
  const names = keys.map((k) => k.name).join(', ');
  const has = (c: CheckCause) => checked.some((x) => x.cause === c);
  if (checked.length === 0) return `not signed: this artifact (${short(digest)}) has no cosign signature at all`;
  if (has('other-artifact')) return `a signature by ${names} exists, but it was made for a different artifact, not ${short(digest)}`;
  if (has('damaged')) return `signature data in the registry is damaged or unreadable (${short(digest)})`;
  if (has('wrong-key')) return `signed, but not with ${names}: no signature on ${short(digest)} verifies with that key`;
  return `signature data for ${short(digest)} is malformed`;
}

function short(digest: string): string {
  return `${digest.slice(0, 'sha256:'.length + 12)}…`;
}

/** Parse key inputs; a Secret-like record keeps only `*.pub` entries, like source-controller. */
export function toNamedKeys(input: VerifyArtifactOptions['publicKeys']): NamedPublicKey[] {
  const list: PublicKeyInput[] = Array.isArray(input)
    ? input
    : Object.entries(input)
        .filter(([name]) => name.endsWith('.pub'))
        .map(([name, pem]) => ({ name, pem }));
  if (list.length === 0) throw new Error('no public keys given (a Secret needs at least one key whose name ends in .pub)');
  return list.map((k) => ('key' in k ? k : { name: k.name, key: parsePublicKey(Buffer.from(k.pem).toString('utf8'), k.name) as KeyObject }));
}
