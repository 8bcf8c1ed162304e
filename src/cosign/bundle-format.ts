/**
 * The names of cosign's v3 bundle format, apart from the verifier (bundle.ts, which loads
 * @sigstore/bundle and @sigstore/verify): `cosign verify` looks for bundles with these and loads
 * the verifier only when it finds one.
 */
import type { KeyObject } from 'node:crypto';

export const BUNDLE_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';

export interface NamedPublicKey {
  /** How the key is named in messages: a file name or Secret key, never its bytes. */
  name: string;
  key: KeyObject;
}
