/**
 * src/kube and src/flux against a real kube-apiserver and real Flux controllers (the rig,
 * docs/rig.md): server-side apply of a GitRepository (git http-backend over smart HTTP), an
 * OCIRepository (embedded registry, artifact pushed by crane) and Kustomizations applying
 * ConfigMaps; Ready, revisions, inventory; a requested reconcile; and
 * gotk_reconcile_duration_seconds scraped from the controller's metrics address, which out of
 * cluster is a loopback port (no pod, so no pod proxy).
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitRepository, kustomization, ociRepository } from '../../src/flux/index.js';
import {
  KubeClient,
  applyObject,
  getObject,
  parseExposition,
  readyPredicate,
  reconcileAndWait,
  reconcileDuration,
  refOf,
  waitFor,
} from '../../src/kube/index.js';
import { startRegistry, type RegistryHandle } from '../../src/registry/server.js';
import { peer } from '../helpers/peers.js';
import { serveGitHttp, type GitHttpServer } from './git-http.js';
import { rigAvailable, startRig, stopRig, type RigEnv } from './rig.js';

const exec = promisify(execFile);
const ready = rigAvailable();
const crane = ready ? peer('crane', 'scripts/ci/install-registry.sh') : undefined;

let rig: RigEnv | undefined;
let client: KubeClient;
let work: string;
let git: GitHttpServer;
let registry: RegistryHandle;
let gitCommit: string;
let ociDigest: string;
const WAIT = { timeoutMs: 90_000 };

function configMap(name: string, value: string): string {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: default\ndata:\n  delivered-by: ${value}\n`;
}

async function run(cmd: string, args: string[], cwd: string): Promise<string> {
  try {
    const env = { ...process.env, HOME: work, GIT_AUTHOR_NAME: 'rig', GIT_AUTHOR_EMAIL: 'rig@ocilab.invalid', GIT_COMMITTER_NAME: 'rig', GIT_COMMITTER_EMAIL: 'rig@ocilab.invalid' };
    return (await exec(cmd, args, { cwd, env, timeout: 60_000 })).stdout.trim();
  } catch (err) {
    throw new Error(`${cmd} ${args.join(' ')}: ${(err as { stderr?: string }).stderr || (err as Error).message}`);
  }
}

describe.skipIf(!ready || !crane)('Flux on the rig (real kube-apiserver, source-controller, kustomize-controller)', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'ocilab-rig-flux-'));
    // Git: a bare repo with deploy/configmap.yaml on main, served over smart HTTP.
    const src = join(work, 'src');
    await mkdir(join(src, 'deploy'), { recursive: true });
    await writeFile(join(src, 'deploy', 'configmap.yaml'), configMap('rig-git', 'git'));
    await run('git', ['init', '-q', '-b', 'main'], src);
    await run('git', ['add', '.'], src);
    await run('git', ['commit', '-q', '-m', 'rig demo'], src);
    gitCommit = await run('git', ['rev-parse', 'HEAD'], src);
    await mkdir(join(work, 'repos'));
    await run('git', ['clone', '-q', '--bare', src, join(work, 'repos', 'app.git')], work);
    git = await serveGitHttp(join(work, 'repos'));

    // OCI: the same layout as a tar+gzip layer, pushed by crane to the embedded registry.
    const oci = join(work, 'oci');
    await mkdir(join(oci, 'deploy'), { recursive: true });
    await writeFile(join(oci, 'deploy', 'configmap.yaml'), configMap('rig-oci', 'oci'));
    await run('tar', ['-czf', join(work, 'layer.tgz'), '-C', oci, '.'], work);
    registry = await startRegistry();
    await run(crane!, ['append', '--oci-empty-base', '-f', join(work, 'layer.tgz'), '-t', `${registry.hostPort}/rig/app:v1`], work);
    ociDigest = await run(crane!, ['digest', `${registry.hostPort}/rig/app:v1`], work);

    rig = await startRig();
    if (rig.upMs) console.log(`[rig] scripts/rig/up took ${Math.round(rig.upMs)} ms`);
    client = KubeClient.fromContext({ kubeconfigPath: rig.kubeconfig });
  }, 300_000);

  afterAll(async () => {
    await stopRig(rig);
    await git?.close();
    await registry?.close();
    if (work) await rm(work, { recursive: true, force: true });
  }, 120_000);

  it('GitRepository over smart HTTP becomes Ready with revision main@sha1:<commit>', async () => {
    const repo = gitRepository({ name: 'rig-git', url: `${git.url}/app.git`, ref: { branch: 'main' }, interval: '10m' });
    const stored = (await applyObject(client, repo)) as { metadata?: { managedFields?: { manager?: string; operation?: string }[] } };
    expect(stored.metadata?.managedFields?.some((f) => f.manager === 'ocilab' && f.operation === 'Apply')).toBe(true);
    const res = await waitFor(client, refOf(repo), readyPredicate(), WAIT);
    expect(res.ok, res.message).toBe(true);
    expect(res.object?.status?.artifact?.revision).toBe(`main@sha1:${gitCommit}`);
    expect(git.requests.some((r) => r.path.endsWith('/git-upload-pack') && r.status === 200)).toBe(true);
  });

  it('OCIRepository from the embedded registry becomes Ready with revision v1@<manifest digest>', async () => {
    const repo = ociRepository({ name: 'rig-oci', url: `oci://${registry.hostPort}/rig/app`, ref: { tag: 'v1' }, insecure: true, interval: '10m' });
    await applyObject(client, repo);
    const res = await waitFor(client, refOf(repo), readyPredicate(), WAIT);
    expect(res.ok, res.message).toBe(true);
    expect(res.object?.status?.artifact?.revision).toBe(`v1@${ociDigest}`);
    expect(res.object?.status?.artifact?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/ocirepository\/flux-system\/rig-oci\//);
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

  it('reconcileAndWait: the controller handles the requested reconcile (lastHandledReconcileAt == token)', async () => {
    const ref = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'OCIRepository', name: 'rig-oci', namespace: 'flux-system' };
    const res = await reconcileAndWait(client, ref, { ...WAIT, token: `rig-${Date.now()}` });
    expect(res.ok, res.message).toBe(true);
    expect(res.object?.status?.lastHandledReconcileAt).toBe(res.token);
  });

  it('gotk_reconcile_duration_seconds is scraped from source-controller on loopback', async () => {
    const text = await (await fetch(rig!.sourceControllerMetrics)).text();
    const exp = parseExposition(text);
    for (const [kind, name] of [['GitRepository', 'rig-git'], ['OCIRepository', 'rig-oci']] as const) {
      const h = reconcileDuration(exp, { kind, name, namespace: 'flux-system' });
      expect(h, `${kind} histogram`).toBeDefined();
      expect(h!.count).toBeGreaterThanOrEqual(1);
      expect(h!.sum).toBeGreaterThan(0);
    }
  });
});
