import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createServer, request, type Server } from 'node:http';
import { mkdtemp, rm, writeFile, mkdir, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalReconciler, type SourceKey } from '../../src/reconcile/reconciler.js';
import { ArtifactStorage } from '../../src/reconcile/storage.js';
import { fluxTarballArchive } from '../../src/reconcile/archive.js';
import { parseLocalObjects, parseSources, type SecretObject } from '../../src/flux/sources.js';
import { getCondition } from '../../src/flux/conditions.js';
import type { SourceVerifier } from '../../src/reconcile/verifier.js';
import { pushArtifact } from '../../src/oci/remote.js';
import { RegistryClient } from '../../src/oci/client.js';
import { FLUX_CONFIG_BYTES, fluxManifest } from '../../src/oci/artifact.js';
import { digestOf } from '../../src/oci/digest.js';
import * as mt from '../../src/oci/media-types.js';
import { extractTarball } from '../../src/oci/extract.js';
import { peer } from '../helpers/peers.js';
import { startRegistry, type RunningRegistry } from '../oci/registry-peers.js';
import { rawTar } from '../oci/tar-fixtures.js';

const hasRegistry = peer('docker-registry', 'scripts/ci/install-oci.sh (apt-get install docker-registry)');

/** Reverse proxy in front of the real registry that records every request (method + path). */
async function loggingProxy(target: string): Promise<{ server: Server; host: string; log: string[] }> {
  const [host, port] = target.split(':') as [string, string];
  const log: string[] = [];
  const server = createServer((req, res) => {
    log.push(`${req.method} ${req.url}`);
    const up = request({ host, port, method: req.method, path: req.url, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, host: `127.0.0.1:${(server.address() as { port: number }).port}`, log };
}

const ociYaml = (host: string, name: string, tag: string, extra = '') => `
apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata:
  name: ${name}
  namespace: flux-system
spec:
  interval: 5m
  url: oci://${host}/fleet/manifests
  insecure: true
  ref:
    tag: ${tag}
${extra}`;

describe.skipIf(!hasRegistry)('local reconciler: OCIRepository against a real distribution registry', () => {
  let reg: RunningRegistry;
  let proxy: Awaited<ReturnType<typeof loggingProxy>>;
  let work: string;
  let storageDir: string;
  let rec: LocalReconciler;
  const key: SourceKey = { kind: 'OCIRepository', namespace: 'flux-system', name: 'app' };

  const push = async (tag: string, content: string) => {
    const dir = join(work, `src-${tag}-${content.length}`);
    await mkdir(join(dir, 'apps', 'app-000'), { recursive: true });
    await writeFile(join(dir, 'apps', 'app-000', 'configmap.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  V: "${content}"\n`);
    await writeFile(join(dir, 'logo.png'), 'not really a png');
    return pushArtifact(`oci://${reg.host}/fleet/manifests:${tag}`, { path: dir, source: 'http://git.example/fleet.git', revision: `main@sha1:${'a'.repeat(40)}` });
  };

  beforeAll(async () => {
    reg = await startRegistry('docker-registry');
    proxy = await loggingProxy(reg.host);
    work = await mkdtemp(join(tmpdir(), 'ocilab-ocirec-'));
    storageDir = join(work, 'storage');
    rec = new LocalReconciler({ storage: new ArtifactStorage(storageDir, fluxTarballArchive) });
  });
  afterAll(async () => {
    await rec?.stop();
    proxy?.server.close();
    await reg?.stop();
    await rm(work, { recursive: true, force: true });
  });

  it('pulls, extracts safely, re-archives, and reports Ready like Flux', async () => {
    const pushed = await push('v1', 'one');
    rec.apply(parseSources(ociYaml(proxy.host, 'app', 'v1'))[0]!);
    const s = await rec.reconcileNow(key);
    const revision = `v1@${pushed.digest}`;
    expect(getCondition(s.conditions, 'Ready')).toMatchObject({ status: 'True', reason: 'Succeeded', message: `stored artifact for digest '${revision}'` });
    expect(s.artifact).toMatchObject({ revision, path: `ocirepository/flux-system/app/${pushed.digest}.tar.gz` });
    expect(s.artifact?.metadata?.['org.opencontainers.image.source']).toBe('http://git.example/fleet.git');
    const out = join(work, 'out1');
    await extractTarball(join(storageDir, s.artifact!.path), out);
    expect(await readdir(join(out, 'apps', 'app-000'))).toEqual(['configmap.yaml']);
    expect(await readdir(out)).not.toContain('logo.png'); // default ignore rules (*.png)
  });

  it('does not pull when the digest is unchanged: one manifest HEAD only', async () => {
    proxy.log.length = 0;
    const s = await rec.reconcileNow(key);
    expect(s.lastFetch).toBe('skipped-unchanged');
    expect(proxy.log).toEqual(['HEAD /v2/fleet/manifests/manifests/v1']);
  });

  it('builds a new artifact when the tag moves to a new digest', async () => {
    const old = rec.get(key)!.status.artifact!;
    const pushed = await push('v1', 'two, longer');
    proxy.log.length = 0;
    const s = await rec.reconcileNow(key);
    expect(s.artifact?.revision).toBe(`v1@${pushed.digest}`);
    expect(s.artifact?.digest).not.toBe(old.digest);
    expect(proxy.log.some((l) => l.startsWith('GET /v2/fleet/manifests/blobs/'))).toBe(true);
  });

  it('refuses a hostile archive in the layer and writes nothing outside', async () => {
    const client = new RegistryClient({ registry: reg.host, insecure: true });
    const evil = rawTar([{ path: 'apps/ok.yaml', body: 'a: 1\n' }, { path: '../../escaped.txt', body: 'pwned' }]);
    await client.pushBlob('fleet/manifests', evil);
    await client.pushBlob('fleet/manifests', FLUX_CONFIG_BYTES);
    const manifest = fluxManifest(
      { mediaType: mt.FLUX_CONFIG, digest: digestOf(FLUX_CONFIG_BYTES), size: FLUX_CONFIG_BYTES.length },
      { mediaType: mt.FLUX_CONTENT_TARGZ, digest: digestOf(evil), size: evil.length },
      {},
    );
    await client.putManifest('fleet/manifests', 'evil', manifest, mt.OCI_MANIFEST);
    await client.close();
    rec.apply(parseSources(ociYaml(proxy.host, 'evil', 'evil'))[0]!);
    const s = await rec.reconcileNow({ ...key, name: 'evil' });
    const ready = getCondition(s.conditions, 'Ready')!;
    expect(ready).toMatchObject({ status: 'False', reason: 'OCIArtifactLayerOperationFailed' });
    expect(ready.message).toMatch(/^failed to extract layer contents from artifact: .*\.\./);
    expect(s.artifact).toBeUndefined();
    expect(await readdir(tmpdir())).not.toContain('escaped.txt');
    expect(await readdir(work)).not.toContain('escaped.txt');
  });

  it('verifies before pulling through the verifier seam, and does not pull when it fails', async () => {
    // Test double for the SourceVerifier seam; the real cosign verifier lives in the cosign area.
    const rejecting: SourceVerifier = { provider: 'cosign', verify: async () => Promise.reject(new Error('no matching signatures')) };
    rec.addVerifier(rejecting);
    rec.apply(parseSources(ociYaml(proxy.host, 'signed', 'v1', '  verify:\n    provider: cosign\n'))[0]!);
    proxy.log.length = 0;
    const s = await rec.reconcileNow({ ...key, name: 'signed' });
    expect(getCondition(s.conditions, 'SourceVerified')).toMatchObject({
      status: 'False',
      reason: 'VerificationError',
      message: "failed to verify the signature using provider 'cosign': no matching signatures",
    });
    expect(getCondition(s.conditions, 'Ready')?.status).toBe('False');
    expect(proxy.log.filter((l) => l.includes('/blobs/'))).toEqual([]);
    // Accepting double: passes only with the key from the Secret named by verify.secretRef.
    rec.addVerifier({
      provider: 'cosign',
      verify: async (req) => {
        if (req.secretData?.['cosign.pub']?.toString() !== 'PUBLIC KEY PEM') throw new Error('wrong key');
        return { message: `verified signature of revision v1@${req.digest}` };
      },
    });
    rec.apply(parseSources(ociYaml(proxy.host, 'signed', 'v1', '  verify:\n    provider: cosign\n    secretRef:\n      name: cosign-pub\n'))[0]!);
    const noSecret = await rec.reconcileNow({ ...key, name: 'signed' });
    expect(getCondition(noSecret.conditions, 'SourceVerified')?.message).toBe(
      "failed to verify the signature using provider 'cosign': secret 'flux-system/cosign-pub' not found: apply it first (a v1 Secret with the public key, e.g. cosign.pub)",
    );
    const [secret] = parseLocalObjects(`apiVersion: v1\nkind: Secret\nmetadata: {name: cosign-pub, namespace: flux-system}\ndata:\n  cosign.pub: ${Buffer.from('PUBLIC KEY PEM').toString('base64')}\n---\n${ociYaml(proxy.host, 'signed', 'v1')}`);
    rec.applySecret(secret as SecretObject);
    const ok = await rec.reconcileNow({ ...key, name: 'signed' });
    expect(getCondition(ok.conditions, 'SourceVerified')).toMatchObject({ status: 'True', reason: 'Succeeded' });
    expect(getCondition(ok.conditions, 'Ready')?.status).toBe('True');
  });

  it('says FetchFailed when the registry is unreachable, then recovers', async () => {
    const port = Number(proxy.host.split(':')[1]);
    await new Promise<void>((r) => {
      proxy.server.close(() => r());
      proxy.server.closeAllConnections();
    });
    const down = await rec.reconcileNow(key);
    expect(getCondition(down.conditions, 'FetchFailed')).toMatchObject({ status: 'True', reason: 'OCIArtifactPullFailed' });
    expect(getCondition(down.conditions, 'Ready')?.message).toMatch(/^failed to determine artifact digest: /);
    await new Promise<void>((r) => proxy.server.listen(port, '127.0.0.1', () => r()));
    const up = await rec.reconcileNow(key);
    expect(getCondition(up.conditions, 'Ready')?.status).toBe('True');
  });

  it('rejects a URL with a tag, as source-controller does', async () => {
    rec.apply(parseSources(ociYaml(proxy.host, 'tagged', 'v1').replace('/fleet/manifests', '/fleet/manifests:v1'))[0]!);
    const s = await rec.reconcileNow({ ...key, name: 'tagged' });
    expect(getCondition(s.conditions, 'Stalled')).toMatchObject({ status: 'True', reason: 'URLInvalid' });
  });
});
