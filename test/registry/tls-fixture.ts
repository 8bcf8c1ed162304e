/**
 * The set-up the TLS tests share: the embedded registry over HTTPS with a throwaway CA
 * (optionally requiring client certificates from it) and one small artifact pushed to it.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { OciError } from '../../src/oci/errors.js';
import { parseReference } from '../../src/oci/reference.js';
import { pushArtifact } from '../../src/oci/remote.js';
import { startRegistry, type RegistryHandle } from '../../src/registry/server.js';
import { createRegistryCertificate, type RegistryCertificate } from '../../src/registry/tls-cert.js';

export interface HttpsRegistry {
  /** Temp dir `ocilab-<name>-…`; `tls/` holds the certificate files. */
  work: string;
  cert: RegistryCertificate;
  reg: RegistryHandle;
  /** Stops the registry and removes the temp dir. */
  close(): Promise<void>;
}

/** The embedded registry over HTTPS with a throwaway CA (requiring client certificates from it with `clientAuth`); nothing pushed. */
export async function startHttpsRegistry(name: string, opts: { clientAuth?: boolean } = {}): Promise<HttpsRegistry> {
  const work = await mkdtemp(join(tmpdir(), `ocilab-${name}-`));
  const cert = await createRegistryCertificate({ dir: join(work, 'tls'), clientAuth: opts.clientAuth });
  const reg = await startRegistry({ tls: { cert: cert.certPem, key: cert.keyPem, ...(opts.clientAuth ? { clientCa: cert.caPem } : {}) } });
  return {
    work, cert, reg,
    close: async () => {
      await reg.close();
      await rm(work, { recursive: true, force: true });
    },
  };
}

export interface TlsRegistry extends HttpsRegistry {
  /** Digest of `oci://<reg>/ocilab/<name>:v1`, pushed with the CA (and the client certificate). */
  pushedDigest: string;
}

/** Start it; `name` names the temp dir, the repository and the ConfigMap in the artifact. */
export async function startTlsRegistry(name: string, opts: { clientAuth?: boolean } = {}): Promise<TlsRegistry> {
  const https = await startHttpsRegistry(name, opts);
  const { work, cert, reg } = https;
  await mkdir(join(work, 'src'));
  await writeFile(join(work, 'src', 'app.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: ${name}-demo }\n`);
  const pushed = await pushArtifact(parseReference(`oci://${reg.hostPort}/ocilab/${name}:v1`), {
    path: join(work, 'src'), source: 'test', revision: 'v1', clientOptions: { ca: cert.caPem, ...(opts.clientAuth ? { clientCert: cert.client! } : {}) },
  });
  return { ...https, pushedDigest: pushed.digest };
}

/** The OciError `p` rejects with (fails the test when it resolves or rejects otherwise). */
export async function ociFailure(p: Promise<unknown>): Promise<OciError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(OciError);
  return err as OciError;
}
