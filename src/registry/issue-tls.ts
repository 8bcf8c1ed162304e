/**
 * A throwaway CA + server certificate for the embedded registry, as the `tls` option of
 * startRegistry wants it. Loads the X.509 issuer (and its Reflect polyfill) on demand, so a
 * plain-HTTP run never pays for it. Shared by `registry.start {tls}` and `registry serve --tls`.
 */
import type { CertificateOptions, RegistryCertificate } from './tls-cert.js';

export async function issueRegistryTls(opts: CertificateOptions & { dir: string }): Promise<{ tls: { cert: string; key: string }; files: NonNullable<RegistryCertificate['files']> }> {
  const { createRegistryCertificate } = await import('./tls-cert.js');
  const cert = await createRegistryCertificate(opts);
  return { tls: { cert: cert.certPem, key: cert.keyPem }, files: cert.files! };
}
