/**
 * Digests as the registry sees them: `<algorithm>:<hex>`, parsed once into a typed value.
 * sha256 and sha512 are the registered algorithms the spec names; both are verified.
 */
import { createHash, type Hash } from 'node:crypto';
import { RegistryError } from './errors.js';

export type DigestAlgorithm = 'sha256' | 'sha512';

export interface Digest {
  algorithm: DigestAlgorithm;
  hex: string;
  /** `algorithm:hex`, the canonical string form. */
  text: string;
}

const HEX_LENGTH: Record<DigestAlgorithm, number> = { sha256: 64, sha512: 128 };
// The grammar from the OCI image spec: algorithm ":" encoded.
const DIGEST_GRAMMAR = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/** Parse and validate a digest; a malformed or unsupported one is DIGEST_INVALID (400). */
export function parseDigest(text: string): Digest {
  if (!DIGEST_GRAMMAR.test(text)) {
    throw new RegistryError(400, 'DIGEST_INVALID', `"${text}" is not a digest (expected sha256:<64 hex>)`, { digest: text });
  }
  const [algorithm, hex] = text.split(':') as [string, string];
  if (algorithm !== 'sha256' && algorithm !== 'sha512') {
    throw new RegistryError(400, 'DIGEST_INVALID', `digest algorithm "${algorithm}" is not supported (sha256, sha512)`, { digest: text });
  }
  if (hex.length !== HEX_LENGTH[algorithm] || !/^[a-f0-9]+$/.test(hex)) {
    throw new RegistryError(400, 'DIGEST_INVALID', `"${text}" is not a valid ${algorithm} digest (${HEX_LENGTH[algorithm]} lowercase hex)`, { digest: text });
  }
  return { algorithm, hex, text };
}

export function isDigest(text: string): boolean {
  try {
    parseDigest(text);
    return true;
  } catch {
    return false;
  }
}

export function newHash(algorithm: DigestAlgorithm): Hash {
  return createHash(algorithm);
}

export function digestOf(bytes: Uint8Array, algorithm: DigestAlgorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}
