/**
 * The OCI client an OCIRepository reconcile uses, with its TLS settings as source-controller
 * builds them (`transport` / `getTLSConfig` in ocirepository_controller.go):
 * - `spec.certSecretRef`: a Secret in the object's namespace whose `ca.crt` (or the older
 *   `caFile` key) is trusted for the registry's certificate; the connection is HTTPS.
 *   A missing Secret, or one without a CA, fails as "failed to generate transport for
 *   '<url>': …" with reason AuthenticationFailed, before any request.
 * - `insecure: true` (no certSecretRef): plain HTTP allowed.
 * - `insecure: false` written out: HTTPS, even on loopback, where ocilab otherwise defaults
 *   to plain HTTP for convenience.
 * Client certificates (`tls.crt`/`tls.key`, mutual TLS) are not supported locally and say so.
 */
import { RegistryClient } from '../oci/client.js';
import { parseCaBundle } from '../oci/ca-file.js';
import type { Reference } from '../oci/reference.js';
import { Reason } from './conditions.js';
import { ReconcileError } from './outcome.js';
import type { OCIRepository } from './schema.js';

type Secrets = ReadonlyMap<string, Record<string, Buffer>>;

function transportError(obj: OCIRepository, message: string): ReconcileError {
  return new ReconcileError('FetchFailed', Reason.AuthenticationFailed, `failed to generate transport for '${obj.spec.url}': ${message}`);
}

/** The CA bundle from spec.certSecretRef, or undefined without one. */
export function certSecretCa(obj: OCIRepository, secrets: Secrets): string | undefined {
  const ref = obj.spec.certSecretRef;
  if (!ref?.name) return undefined;
  const key = `${obj.metadata.namespace}/${ref.name}`;
  const data = secrets.get(key);
  if (!data) throw transportError(obj, `secret '${key}' not found`);
  const ca = data['ca.crt'] ?? data['caFile'];
  if (!ca) {
    const mtls = data['tls.crt'] && data['tls.key'] ? ' (client certificates, tls.crt/tls.key, are not supported by the local reconciler: add ca.crt)' : '';
    throw transportError(obj, `secret '${key}' must contain either 'ca.crt' or both 'tls.crt' and 'tls.key'${mtls}`);
  }
  try {
    return parseCaBundle(ca.toString('utf8'), `secret '${key}' key 'ca.crt'`);
  } catch (err) {
    throw transportError(obj, `failed to parse CA certificate: ${(err as Error).message}`);
  }
}

export function ociClientFor(obj: OCIRepository, ref: Reference, secrets: Secrets): RegistryClient {
  const ca = certSecretCa(obj, secrets);
  if (ca !== undefined) return RegistryClient.forReference(ref, { ca });
  if (obj.spec.insecure === false) return RegistryClient.forReference({ ...ref, scheme: 'https' });
  return RegistryClient.forReference(ref);
}
