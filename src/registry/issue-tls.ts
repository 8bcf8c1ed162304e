/**
 * A throwaway CA + server certificate for the embedded registry, as the `tls` option of
 * startRegistry wants it. Loads the X.509 issuer (and its Reflect polyfill) on demand, so a
 * plain-HTTP run never pays for it. Shared by `registry.start {tls}` and `registry serve --tls`.
 * With `clientAuth`, the registry also requires client certificates signed by that CA, and
 * the one it issues (client.crt, client.key 0600) is written next to ca.crt.
 */
import type { CertificateOptions, RegistryCertificate } from './tls-cert.js';
import type { RegistryTls } from './server.js';

export async function issueRegistryTls(opts: CertificateOptions & { dir: string }): Promise<{ tls: RegistryTls; files: NonNullable<RegistryCertificate['files']> }> {
  const { createRegistryCertificate } = await import('./tls-cert.js');
  const cert = await createRegistryCertificate(opts);
  const tls: RegistryTls = { cert: cert.certPem, key: cert.keyPem, ...(opts.clientAuth ? { clientCa: cert.caPem } : {}) };
  return { tls, files: cert.files! };
}
