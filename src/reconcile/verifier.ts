/**
 * The seam between the OCIRepository reconciler and signature verification. The cosign
 * area implements `SourceVerifier` (provider "cosign"); the reconciler calls it only when
 * `spec.verify` is set, before pulling anything, as source-controller does.
 */
import type { RegistryClient } from '../oci/client.js';
import type { Reference } from '../oci/reference.js';
import type { OCIRepository } from '../flux/sources.js';

export interface VerifyRequest {
  /** The artifact being verified, pinned by digest. */
  ref: Reference;
  digest: string;
  client: RegistryClient;
  /** spec.verify as written in the object. */
  verify: NonNullable<OCIRepository['spec']['verify']>;
  /** Namespace of the object (secretRef names resolve there). */
  namespace: string;
  /** Data of the Secret named by verify.secretRef (e.g. `cosign.pub`), when set. */
  secretData?: Record<string, Buffer>;
  signal: AbortSignal;
}

export interface SourceVerifier {
  /** `spec.verify.provider` this verifier handles: "cosign" or "notation". */
  readonly provider: string;
  /** Resolve when a valid signature is found; reject with a message saying what failed. */
  verify(req: VerifyRequest): Promise<{ message?: string }>;
}
