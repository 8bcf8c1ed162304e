/**
 * The OCI client an OCIRepository reconcile uses, with its TLS settings as source-controller
 * builds them (`transport` in ocirepository_controller.go, fluxcd/pkg
 * `secrets.TLSConfigFromSecret`):
 * - `spec.certSecretRef`: a Secret in the object's namespace with `ca.crt` (trusted for the
 *   registry's certificate), or both `tls.crt` and `tls.key` (a client certificate for mutual
 *   TLS), or all three. The older `caFile`/`certFile`/`keyFile` keys are read when the standard
 *   key is absent. The connection is HTTPS. Without `ca.crt` the system roots are trusted.
 *   A missing Secret, one with neither a CA nor a pair, half a pair, or PEM that does not parse
 *   fails as "failed to generate transport for '<url>': …" with reason AuthenticationFailed,
 *   before any request, in source-controller's words.
 * - `insecure: true` (no certSecretRef): plain HTTP.
 * - `insecure: false` written out: HTTPS, even on loopback, where ocilab otherwise defaults
 *   to plain HTTP for convenience.
 * source-controller does not pick the scheme up front: go-containerregistry tries HTTPS
 * first and falls back to plain HTTP for insecure or loopback/private hosts, whatever
 * `insecure` says for those hosts (LOCAL_RECONCILER_DIFFERENCES, differences.ts).
 */
import { RegistryClient, type ClientOptions } from '../oci/client.js';
import type { Reference } from '../oci/reference.js';
import { Reason } from '../flux/conditions.js';
import { parseCaPool, parseKeyPair } from '../oci/key-pair.js';
import { ReconcileError } from './outcome.js';
import type { OCIRepository } from '../flux/sources.js';

type Secrets = ReadonlyMap<string, Record<string, Buffer>>;
type TlsSettings = Pick<ClientOptions, 'ca' | 'clientCert'>;

function transportError(obj: OCIRepository, message: string): ReconcileError {
  return new ReconcileError('FetchFailed', Reason.AuthenticationFailed, `failed to generate transport for '${obj.spec.url}': ${message}`);
}

/** The standard key's value, else the legacy key's (as getSecretData: a present key wins, even empty). */
function secretValue(data: Record<string, Buffer>, key: string, legacy: string): Buffer | undefined {
  return key in data ? data[key] : data[legacy];
}

/** CA bundle and client certificate from spec.certSecretRef, or undefined without one. */
export function certSecretTls(obj: OCIRepository, secrets: Secrets): TlsSettings | undefined {
  const ref = obj.spec.certSecretRef;
  if (!ref?.name) return undefined;
  const key = `${obj.metadata.namespace}/${ref.name}`;
  const data = secrets.get(key);
  if (!data) throw transportError(obj, `secret '${key}' not found`);
  const cert = secretValue(data, 'tls.crt', 'certFile');
  const privateKey = secretValue(data, 'tls.key', 'keyFile');
  const ca = secretValue(data, 'ca.crt', 'caFile');
  const hasCert = !!cert?.length;
  const hasKey = !!privateKey?.length;
  if (hasCert && !hasKey) throw transportError(obj, `secret '${key}' contains 'tls.crt' but missing 'tls.key'`);
  if (hasKey && !hasCert) throw transportError(obj, `secret '${key}' contains 'tls.key' but missing 'tls.crt'`);
  if (!hasCert && !ca?.length) throw transportError(obj, `secret '${key}' must contain either 'ca.crt' or both 'tls.crt' and 'tls.key'`);
  const settings: TlsSettings = {};
  if (hasCert) {
    const problem = parseKeyPair(cert!.toString('utf8'), privateKey!.toString('utf8'));
    if (typeof problem === 'string') throw transportError(obj, `failed to parse TLS certificate and key: ${problem}`);
    settings.clientCert = problem;
  }
  if (ca?.length) {
    const pool = parseCaPool(ca.toString('utf8'));
    if (pool === undefined) throw transportError(obj, 'failed to parse CA certificate');
    settings.ca = pool;
  }
  return settings;
}

export function ociClientFor(obj: OCIRepository, ref: Reference, secrets: Secrets): RegistryClient {
  const tls = certSecretTls(obj, secrets);
  if (tls !== undefined) return RegistryClient.forReference({ ...ref, scheme: 'https' }, tls);
  if (obj.spec.insecure === false) return RegistryClient.forReference({ ...ref, scheme: 'https' });
  return RegistryClient.forReference(ref);
}
