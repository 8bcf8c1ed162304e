/**
 * The set-up the certSecretRef tests share: the embedded registry over HTTPS with a throwaway
 * CA (optionally requiring client certificates from it), one artifact pushed to
 * `oci://<reg>/fleet/<repo>:v1`, and a local reconciler with its own storage; plus the
 * Secret and OCIRepository the tests apply to it.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pushArtifact } from '../../src/oci/remote.js';
import { fluxTarballArchive } from '../../src/reconcile/archive.js';
import { LocalReconciler } from '../../src/reconcile/reconciler.js';
import { parseSources, type SecretObject } from '../../src/flux/sources.js';
import { ArtifactStorage } from '../../src/reconcile/storage.js';
import { startHttpsRegistry, type HttpsRegistry } from '../registry/tls-fixture.js';

export interface TlsReconciler extends HttpsRegistry {
  rec: LocalReconciler;
  /** `oci://<reg>/fleet/<repo>`, no tag. */
  url: string;
  /** Digest of `<url>:v1`. */
  digest: string;
}

/** Start it; `name` names the temp dir (`ocilab-<name>-…`). `close()` stops the reconciler too. */
export async function startTlsReconciler(name: string, repo: string, opts: { clientAuth?: boolean } = {}): Promise<TlsReconciler> {
  const https = await startHttpsRegistry(name, opts);
  const { work, cert, reg } = https;
  const url = `oci://${reg.hostPort}/fleet/${repo}`;
  await mkdir(join(work, 'src'));
  await writeFile(join(work, 'src', 'app.yaml'), 'kind: ConfigMap\n');
  const clientOptions = { ca: cert.caPem, ...(opts.clientAuth ? { clientCert: cert.client! } : {}) };
  const digest = (await pushArtifact(`${url}:v1`, { path: join(work, 'src'), source: 's', revision: 'r', clientOptions })).digest;
  const rec = new LocalReconciler({ storage: new ArtifactStorage(join(work, 'storage'), fluxTarballArchive) });
  return {
    ...https, rec, url, digest,
    close: async () => {
      await rec.stop();
      await https.close();
    },
  };
}

/** A Secret in flux-system with `stringData`. */
export const secret = (name: string, data: Record<string, string>): SecretObject => ({
  apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'flux-system' }, stringData: data,
} as SecretObject);

/** Apply OCIRepository flux-system/`name` on `<url>` tag v1 with the extra `spec` lines, and reconcile it now. */
export function reconcileOci(rec: LocalReconciler, url: string, name: string, spec: string) {
  rec.apply(parseSources(`
apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata: { name: ${name}, namespace: flux-system }
spec:
  interval: 10m
  url: ${url}
  ref: { tag: v1 }
${spec}`)[0]!);
  return rec.reconcileNow({ kind: 'OCIRepository', namespace: 'flux-system', name });
}
