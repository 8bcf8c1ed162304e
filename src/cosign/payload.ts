/**
 * The "simple signing" payload cosign signs in the classic format
 * (sigstore/sigstore pkg/signature/payload/payload.go). Byte layout matters: the signature is
 * over these exact bytes, so they are written the way Go's encoding/json writes them
 * (field order, compact, `<>&` escaped as \u003c \u003e \u0026).
 */
import { CosignError } from './errors.js';

export const SIMPLE_SIGNING_TYPE = 'cosign container image signature';
export const SIMPLE_SIGNING_MEDIA_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';

export interface SimpleSigningPayload {
  /** Registry and repository, e.g. `127.0.0.1:5000/demo/app` (no tag, no digest). */
  dockerReference: string;
  /** `sha256:<hex>` of the signed manifest. */
  manifestDigest: string;
  /** `-a key=value` annotations, or null. */
  optional: Record<string, unknown> | null;
}

const DIGEST_RE = /^sha256:[0-9a-f]{64}$/;

export function buildPayload(
  dockerReference: string,
  manifestDigest: string,
  annotations?: Record<string, string>,
): Buffer {
  if (!DIGEST_RE.test(manifestDigest)) {
    throw new CosignError('PAYLOAD_MALFORMED', `cannot sign "${manifestDigest}": expected sha256:<64 hex>`);
  }
  const optional = annotations && Object.keys(annotations).length > 0 ? sortKeys(annotations) : null;
  const doc = {
    critical: {
      identity: { 'docker-reference': dockerReference },
      image: { 'docker-manifest-digest': manifestDigest },
      type: SIMPLE_SIGNING_TYPE,
    },
    optional,
  };
  return Buffer.from(goJson(doc), 'utf8');
}

/** Parse and check the shape of a payload; `where` names it in errors (e.g. the layer digest). */
export function parsePayload(bytes: Uint8Array, where: string): SimpleSigningPayload {
  let doc: any;
  try {
    doc = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new CosignError('PAYLOAD_MALFORMED', `payload ${where} is not JSON`);
  }
  const critical = doc?.critical;
  const ref = critical?.identity?.['docker-reference'];
  const digest = critical?.image?.['docker-manifest-digest'];
  if (critical?.type !== SIMPLE_SIGNING_TYPE) {
    throw new CosignError('PAYLOAD_MALFORMED', `payload ${where} has type "${String(critical?.type)}", expected "${SIMPLE_SIGNING_TYPE}"`);
  }
  if (typeof ref !== 'string' || typeof digest !== 'string') {
    throw new CosignError('PAYLOAD_MALFORMED', `payload ${where} lacks critical.identity.docker-reference or critical.image.docker-manifest-digest`);
  }
  const optional = doc.optional && typeof doc.optional === 'object' ? (doc.optional as Record<string, unknown>) : null;
  return { dockerReference: ref, manifestDigest: digest, optional };
}

/** JSON.stringify plus Go's HTML-safe escaping (encoding/json escapes <, >, & and U+2028/9). */
export function goJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function sortKeys(obj: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(obj).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
