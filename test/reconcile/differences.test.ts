/**
 * LOCAL_RECONCILER_DIFFERENCES says where the local reconciler and source-controller differ;
 * these tests tie two of its entries to what the local reconciler really does.
 * - Git: the local reconciler runs the git CLI with protocol v2 (ls-refs, fetch; asserted
 *   request by request in git-repository.test.ts); source-controller v1.9.5's go-git v5.19.1
 *   speaks protocol v0/v1 only (no ls-refs, no Git-Protocol header in its source).
 * - Registry scheme: `insecure: false` makes the local reconciler use HTTPS even on loopback;
 *   go-containerregistry (pkg/name/registry.go Scheme(), pkg/v1/remote/transport/ping.go)
 *   tries HTTPS first and falls back to plain HTTP for localhost/loopback/private hosts.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushArtifact } from '../../src/oci/remote.js';
import { fluxTarballArchive } from '../../src/reconcile/archive.js';
import { getCondition } from '../../src/flux/conditions.js';
import { LOCAL_RECONCILER_DIFFERENCES } from '../../src/reconcile/differences.js';
import { LocalReconciler } from '../../src/reconcile/reconciler.js';
import { parseSources } from '../../src/flux/sources.js';
import { ArtifactStorage } from '../../src/reconcile/storage.js';
import { startRegistry, type RegistryHandle } from '../../src/registry/server.js';

const entry = (re: RegExp) => LOCAL_RECONCILER_DIFFERENCES.find((d) => re.test(d));

describe('LOCAL_RECONCILER_DIFFERENCES', () => {
  it('Git: says the git CLI speaks protocol v2 and go-git v0/v1, not that the requests are the same', () => {
    const git = entry(/git CLI/);
    expect(git).toBeDefined();
    expect(git).toMatch(/protocol v2/);
    expect(git).toMatch(/ls-refs/);
    expect(git).toMatch(/go-git/);
    expect(git).toMatch(/v0\/v1/);
    expect(LOCAL_RECONCILER_DIFFERENCES.join('\n')).not.toMatch(/same requests|same shallow clone and ref listing/i);
  });

  describe('registry scheme with insecure: false', () => {
    let reg: RegistryHandle;
    let work: string;
    let rec: LocalReconciler;

    beforeAll(async () => {
      reg = await startRegistry();
      work = await mkdtemp(join(tmpdir(), 'ocilab-differences-'));
      await mkdir(join(work, 'src'));
      await writeFile(join(work, 'src', 'app.yaml'), 'kind: ConfigMap\n');
      await pushArtifact(`oci://${reg.hostPort}/fleet/plain:v1`, { path: join(work, 'src'), source: 's', revision: 'r' });
      rec = new LocalReconciler({ storage: new ArtifactStorage(join(work, 'storage'), fluxTarballArchive) });
    });
    afterAll(async () => {
      await rec?.stop();
      await reg?.close();
      if (work) await rm(work, { recursive: true, force: true });
    });

    it('the local reconciler uses HTTPS on loopback (a plain-HTTP registry fails), and the list says Flux would fall back to HTTP', async () => {
      rec.apply(parseSources(`
apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata: { name: plain, namespace: flux-system }
spec:
  interval: 10m
  url: oci://${reg.hostPort}/fleet/plain
  insecure: false
  ref: { tag: v1 }
`)[0]!);
      const s = await rec.reconcileNow({ kind: 'OCIRepository', namespace: 'flux-system', name: 'plain' });
      expect(getCondition(s.conditions, 'Ready')).toMatchObject({ status: 'False', reason: 'OCIArtifactPullFailed' });
      const scheme = entry(/insecure: false/);
      expect(scheme, LOCAL_RECONCILER_DIFFERENCES.join('\n')).toBeDefined();
      expect(scheme).toMatch(/HTTPS first/);
      expect(scheme).toMatch(/plain HTTP/);
      expect(scheme).toMatch(/127\.0\.0\.1/);
      expect(scheme).toMatch(/192\.168/);
    });
  });
});
