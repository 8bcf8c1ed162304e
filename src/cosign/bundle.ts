/**
 * cosign v3 "new bundle format" signatures, verified key-based and offline the way Flux does
 * (IgnoreTlog + Offline): the Sigstore bundle (v0.3) holds a DSSE envelope around an in-toto
 * Statement whose subject is the signed manifest digest. Bundle parsing and the DSSE signature
 * check come from @sigstore/bundle and @sigstore/verify; the subject check is ours.
 */
import type { KeyObject } from 'node:crypto';
import { bundleFromJSON, isBundleWithDsseEnvelope, type Bundle } from '@sigstore/bundle';
import { toSignedEntity, Verifier, type TrustMaterial } from '@sigstore/verify';
import { IN_TOTO_PAYLOAD_TYPE, type NamedPublicKey } from './bundle-format.js';

export type BundleCheck =
  | { ok: true; keyName: string; subjectDigest: string; predicateType: string }
  | { ok: false; problem: string; cause: 'malformed' | 'wrong-key' | 'other-artifact' };

/** Verify one bundle blob against the keys; `artifactDigest` is `sha256:<hex>`. */
export function verifyBundle(json: Uint8Array, keys: NamedPublicKey[], artifactDigest: string): BundleCheck {
  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(JSON.parse(Buffer.from(json).toString('utf8')));
  } catch (err) {
    return { ok: false, cause: 'malformed', problem: `not a valid Sigstore bundle (${(err as Error).message})` };
  }
  if (!isBundleWithDsseEnvelope(bundle)) {
    return { ok: false, cause: 'malformed', problem: 'bundle holds a message signature, not the DSSE envelope cosign uses for images' };
  }
  // Flux verifies with IgnoreTlog: transparency-log entries are not required or checked.
  const offline: Bundle = {
    ...bundle,
    verificationMaterial: { ...bundle.verificationMaterial, tlogEntries: [], timestampVerificationData: undefined },
  };
  let entity;
  try {
    entity = toSignedEntity(offline);
  } catch (err) {
    return { ok: false, cause: 'malformed', problem: `bundle cannot be checked (${(err as Error).message})` };
  }
  if (entity.key.$case !== 'public-key') {
    return { ok: false, cause: 'wrong-key', problem: 'bundle was signed keyless (a certificate, not a key); a public key cannot verify it' };
  }
  let keyName: string | undefined;
  for (const k of keys) {
    try {
      new Verifier(trustFor(k.key), { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 }).verify(entity);
      keyName = k.name;
      break;
    } catch {
      // try the next key
    }
  }
  if (!keyName) {
    return { ok: false, cause: 'wrong-key', problem: `DSSE signature does not verify with ${keys.map((k) => k.name).join(', ')}` };
  }
  const envelope = bundle.content.dsseEnvelope;
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    return { ok: false, cause: 'malformed', problem: `signed payload type is "${envelope.payloadType}", expected ${IN_TOTO_PAYLOAD_TYPE}` };
  }
  let statement: any;
  try {
    statement = JSON.parse(envelope.payload.toString('utf8'));
  } catch {
    return { ok: false, cause: 'malformed', problem: 'signed in-toto statement is not JSON' };
  }
  const hex = artifactDigest.replace(/^sha256:/, '');
  const subjects: { digest?: Record<string, string> }[] = Array.isArray(statement?.subject) ? statement.subject : [];
  const found = subjects.map((s) => s?.digest?.sha256).filter((d): d is string => typeof d === 'string');
  if (!found.includes(hex)) {
    return {
      ok: false,
      cause: 'other-artifact',
      problem: `signature is valid (${keyName}) but signs ${found.map((d) => `sha256:${d}`).join(', ') || 'no subject'}, not ${artifactDigest}`,
    };
  }
  return { ok: true, keyName, subjectDigest: artifactDigest, predicateType: String(statement.predicateType) };
}

/** Trust material with no CAs or logs: only the given key, valid at any time. */
function trustFor(key: KeyObject): TrustMaterial {
  return {
    certificateAuthorities: [],
    timestampAuthorities: [],
    tlogs: [],
    ctlogs: [],
    publicKey: () => ({ publicKey: key, validFor: () => true }),
  };
}
