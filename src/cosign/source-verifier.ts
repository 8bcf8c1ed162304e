/**
 * The cosign verifier for the local reconciler's OCIRepository `spec.verify` (the
 * `SourceVerifier` seam in src/reconcile/verifier.ts, matched structurally so this area does
 * not depend on the reconciler). src/actions.ts puts it in every run's `sourceVerifiers`
 * (src/reconcile/run-reconciler.ts) when the run's scope is made.
 * Key-based only, offline, tlog ignored, like source-controller with a secretRef.
 */
import type { RegistryClient } from '../oci/client.js';
import type { Reference } from '../oci/reference.js';
import { verifyArtifact } from './verify.js';

/** The fields of the reconciler's VerifyRequest this verifier reads. */
export interface CosignVerifyRequest {
  ref: Reference;
  digest: string;
  client: RegistryClient;
  verify: { provider?: string; secretRef?: { name: string } };
  namespace: string;
  secretData?: Record<string, Buffer | Uint8Array | string>;
  signal: AbortSignal;
}

const FLUX_PREFIX = "failed to verify the signature using provider 'cosign': ";

export const cosignSourceVerifier = {
  provider: 'cosign' as const,

  /** Resolves when a signature matches; rejects with what failed (the caller adds Flux's prefix). */
  async verify(req: CosignVerifyRequest): Promise<{ message?: string }> {
    if (!req.verify.secretRef || !req.secretData) {
      throw new Error(
        'keyless verification (no secretRef) needs Rekor and a TUF trusted root, which this offline run does not have: ' +
          'set spec.verify.secretRef to a Secret holding cosign.pub',
      );
    }
    const publicKeys: Record<string, Uint8Array | string> = {};
    for (const [name, value] of Object.entries(req.secretData)) publicKeys[name] = value;
    if (!Object.keys(publicKeys).some((k) => k.endsWith('.pub'))) {
      throw new Error(`secret '${req.namespace}/${req.verify.secretRef.name}' has no key ending in .pub (e.g. cosign.pub)`);
    }
    const r = await verifyArtifact({ ...req.ref, digest: req.digest }, { publicKeys, client: req.client, signal: req.signal });
    if (!r.verified) {
      throw new Error(r.message.startsWith(FLUX_PREFIX) ? r.message.slice(FLUX_PREFIX.length) : r.message);
    }
    // No message: the reconciler then writes Flux's exact "verified signature of revision <tag>@<digest>"
    // (it knows spec.ref.tag; the request carries only the digest-pinned reference).
    return {};
  },
};
