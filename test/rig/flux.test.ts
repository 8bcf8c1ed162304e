/**
 * src/kube and src/flux against a real kube-apiserver and real Flux controllers (the rig,
 * docs/rig.md), with ocilab's own servers as the sources: a GitRepository cloned by
 * source-controller from ocilab's Git server (src/git/server), an OCIRepository pulled from
 * the embedded registry (src/registry) holding a Flux artifact pushed by src/oci, and one
 * Kustomization per source applying a ConfigMap. Ready, revisions, inventory; a new commit and
 * a new artifact picked up after a reconcile request; gotk_reconcile_duration_seconds scraped
 * from the controller's metrics address, which out of cluster is a loopback port (no pod).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitRepository, kustomization, ociRepository } from '../../src/flux/objects.js';
import { GitServer } from '../../src/git/server/server.js';
import { applyObject } from '../../src/kube/apply.js';
import { KubeClient } from '../../src/kube/client.js';
import { readyPredicate } from '../../src/flux/conditions.js';
import { reconcileDuration } from '../../src/kube/metrics.js';
import { getObject } from '../../src/kube/objects.js';
import { parseExposition } from '../../src/kube/prometheus.js';
import { reconcileAndWait } from '../../src/kube/reconcile.js';
import { refOf } from '../../src/kube/resources.js';
import { waitFor } from '../../src/kube/watch.js';
import { pushArtifact } from '../../src/oci/remote.js';
import { startRegistry, type RegistryHandle } from '../../src/registry/server.js';
import { commitAndPush, configMap, seedGitRepo } from './sources.js';
import { rigAvailable, startRig, stopRig, type RigEnv } from './rig.js';

const ready = rigAvailable();

let rig: RigEnv | undefined;
let client: KubeClient;
let work: string;
let git: GitServer | undefined;
let registry: RegistryHandle | undefined;
let gitCommit: string;
let ociDigest: string;
const WAIT = { timeoutMs: 90_000 };
const OCI_REF = () => `${registry!.hostPort}/rig/app:v1`;

async function pushOci(value: string, revision: string): Promise<string> {
  const dir = join(work, `oci-${value}`);
  await mkdir(join(dir, 'deploy'), { recursive: true });
  await writeFile(join(dir, 'deploy', 'configmap.yaml'), configMap('rig-oci', value));
  const pushed = await pushArtifact(OCI_REF(), { path: dir, source: `${git!.url}/app.git`, revision });
  return pushed.digest;
}

describe.skipIf(!ready)('Flux on the rig (real kube-apiserver, source-controller, kustomize-controller)', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'ocilab-rig-flux-'));
    // Git: a bare repo with deploy/configmap.yaml on main, served by ocilab's Git server.
    gitCommit = await seedGitRepo(join(work, 'repos', 'app.git'), { 'deploy/configmap.yaml': configMap('rig-git', 'git') });
    git = await new GitServer({ root: join(work, 'repos'), push: true }).start(); // commitAndPush pushes to it
    // OCI: a Flux artifact of the same layout, pushed by src/oci to the embedded registry.
    registry = await startRegistry();
    ociDigest = await pushOci('oci', `main@sha1:${gitCommit}`);

    rig = await startRig();
    if (rig.upMs) console.log(`[rig] scripts/rig/up took ${Math.round(rig.upMs)} ms`);
    client = KubeClient.fromContext({ kubeconfigPath: rig.kubeconfig });
  }, 300_000);

  afterAll(async () => {
    await stopRig(rig);
    await git?.stop();
    await registry?.close();
    if (work) await rm(work, { recursive: true, force: true });
  }, 120_000);

  it('GitRepository from ocilab\'s Git server becomes Ready with revision main@sha1:<commit>', async () => {
    const repo = gitRepository({ name: 'rig-git', url: `${git!.url}/app.git`, ref: { branch: 'main' }, interval: '10m' });
    const stored = (await applyObject(client, repo)) as { metadata?: { managedFields?: { manager?: string; operation?: string }[] } };
    expect(stored.metadata?.managedFields?.some((f) => f.manager === 'ocilab' && f.operation === 'Apply')).toBe(true);
    const res = await waitFor(client, refOf(repo), readyPredicate(), WAIT);
    expect(res.ok, res.message).toBe(true);
    expect(res.object?.status?.artifact?.revision).toBe(`main@sha1:${gitCommit}`);
    // source-controller (go-git, protocol v0/v1) fetched over smart HTTP through ocilab's server.
    const fetches = git!.log.list().filter((e) => e.repo === 'app.git' && e.service === 'git-upload-pack' && e.endpoint === 'service');
    expect(fetches.some((e) => e.status === 200 && e.bytesOut > 0)).toBe(true);
  });

  it('OCIRepository from the embedded registry becomes Ready with revision v1@<digest src/oci pushed>', async () => {
    const repo = ociRepository({ name: 'rig-oci', url: `oci://${registry!.hostPort}/rig/app`, ref: { tag: 'v1' }, insecure: true, interval: '10m' });
    await applyObject(client, repo);
    const res = await waitFor(client, refOf(repo), readyPredicate(), WAIT);
    expect(res.ok, res.message).toBe(true);
    expect(res.object?.status?.artifact?.revision).toBe(`v1@${ociDigest}`);
    expect(res.object?.status?.artifact?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/ocirepository\/flux-system\/rig-oci\//);
    // The origin annotations src/oci wrote are what source-controller reports as the artifact's metadata.
    const metadata = (res.object?.status?.artifact as { metadata?: Record<string, string> } | undefined)?.metadata;
    expect(metadata?.['org.opencontainers.image.revision']).toBe(`main@sha1:${gitCommit}`);
  });

  for (const kind of ['GitRepository', 'OCIRepository'] as const) {
    const name = kind === 'GitRepository' ? 'rig-git' : 'rig-oci';
    it(`Kustomization from the ${kind} applies its ConfigMap (Ready, lastAppliedRevision, inventory)`, async () => {
      const ks = kustomization({ name, source: { kind, name }, path: './deploy', interval: '10m' });
      await applyObject(client, ks);
      const res = await waitFor(client, refOf(ks), readyPredicate(), WAIT);
      expect(res.ok, res.message).toBe(true);
      const source = await getObject(client, { apiVersion: 'source.toolkit.fluxcd.io/v1', kind, name, namespace: 'flux-system' });
      expect(res.object?.status?.lastAppliedRevision).toBe(source?.status?.artifact?.revision);
      const inventory = (res.object?.status as { inventory?: { entries?: { id: string; v: string }[] } }).inventory;
      expect(inventory?.entries).toEqual([{ id: `default_${name}__ConfigMap`, v: 'v1' }]);
      const cm = await client.core.readNamespacedConfigMap({ name, namespace: 'default' });
      expect(cm.data?.['delivered-by']).toBe(kind === 'GitRepository' ? 'git' : 'oci');
      expect(cm.metadata?.labels?.['kustomize.toolkit.fluxcd.io/name']).toBe(name);
    });
  }

  it('a new commit pushed to ocilab\'s Git server is picked up after a reconcile request, and applied', async () => {
    const commit = await commitAndPush(`${git!.url}/app.git`, { 'deploy/configmap.yaml': configMap('rig-git', 'git-2') }, 'second');
    expect(commit).not.toBe(gitCommit);
    const ref = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', name: 'rig-git', namespace: 'flux-system' };
    const revision = `main@sha1:${commit}`;
    const res = await reconcileAndWait(client, ref, { ...WAIT, token: `rig-git-${Date.now()}`, predicate: readyPredicate({ revision }) });
    expect(res.ok, res.message).toBe(true);
    expect(res.object?.status?.lastHandledReconcileAt).toBe(res.token);
    // kustomize-controller follows the source's new revision by itself (it watches sources).
    const ks = await waitFor(client, { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', name: 'rig-git', namespace: 'flux-system' }, readyPredicate({ appliedRevision: revision }), WAIT);
    expect(ks.ok, ks.message).toBe(true);
    const cm = await client.core.readNamespacedConfigMap({ name: 'rig-git', namespace: 'default' });
    expect(cm.data?.['delivered-by']).toBe('git-2');
  });

  it('a new artifact pushed to the same tag is picked up after a reconcile request, and applied', async () => {
    const digest = await pushOci('oci-2', 'main@sha1:second');
    expect(digest).not.toBe(ociDigest);
    const ref = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'OCIRepository', name: 'rig-oci', namespace: 'flux-system' };
    const revision = `v1@${digest}`;
    const res = await reconcileAndWait(client, ref, { ...WAIT, token: `rig-oci-${Date.now()}`, predicate: readyPredicate({ revision }) });
    expect(res.ok, res.message).toBe(true);
    expect(res.object?.status?.lastHandledReconcileAt).toBe(res.token);
    const ks = await waitFor(client, { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', name: 'rig-oci', namespace: 'flux-system' }, readyPredicate({ appliedRevision: revision }), WAIT);
    expect(ks.ok, ks.message).toBe(true);
    const cm = await client.core.readNamespacedConfigMap({ name: 'rig-oci', namespace: 'default' });
    expect(cm.data?.['delivered-by']).toBe('oci-2');
  });

  it('gotk_reconcile_duration_seconds for both sources (and both Kustomizations) is scraped on loopback', async () => {
    const sources = parseExposition(await (await fetch(rig!.sourceControllerMetrics)).text());
    for (const [kind, name] of [['GitRepository', 'rig-git'], ['OCIRepository', 'rig-oci']] as const) {
      const h = reconcileDuration(sources, { kind, name, namespace: 'flux-system' });
      expect(h, `${kind} histogram`).toBeDefined();
      // The first reconcile and the requested one at least.
      expect(h!.count).toBeGreaterThanOrEqual(2);
      expect(h!.sum).toBeGreaterThan(0);
    }
    const kustomizations = parseExposition(await (await fetch(rig!.kustomizeControllerMetrics)).text());
    for (const name of ['rig-git', 'rig-oci']) {
      const h = reconcileDuration(kustomizations, { kind: 'Kustomization', name, namespace: 'flux-system' });
      expect(h, `Kustomization ${name} histogram`).toBeDefined();
      expect(h!.count).toBeGreaterThanOrEqual(2);
    }
  });
});
