import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm, readdir, cp, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFixture, PRESETS, type FixtureResult } from '../../src/git/fixtures/index.js';
import { GitServer } from '../../src/git/server/server.js';
import { commitChange } from '../../src/git/commit.js';
import { runGit, isolatedGitEnv } from '../../src/git/git-binary.js';
import { LocalReconciler, type SourceKey } from '../../src/reconcile/reconciler.js';
import { ArtifactStorage } from '../../src/reconcile/storage.js';
import { fluxTarballArchive } from '../../src/reconcile/archive.js';
import { parseSources } from '../../src/flux/sources.js';
import { getCondition } from '../../src/flux/conditions.js';
import { extractTarball } from '../../src/oci/extract.js';
import type { SourceEvent } from '../../src/reconcile/status.js';
import { peer } from '../helpers/peers.js';

const hasGit = peer('git', 'apt-get install git');
const identity = isolatedGitEnv({ GIT_COMMITTER_NAME: 'Release', GIT_COMMITTER_EMAIL: 'release@example.invalid' });

const gitRepoYaml = (url: string, extra = '') => `
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: fleet
  namespace: flux-system
spec:
  interval: 1m
  url: ${url}
  ref:
    branch: main
${extra}`;

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...(await listFiles(join(dir, e.name), `${prefix}${e.name}/`)));
    else out.push(`${prefix}${e.name}`);
  }
  return out.sort();
}

describe.skipIf(!hasGit)('local reconciler: GitRepository', () => {
  let root: string;
  let storageDir: string;
  let fx: FixtureResult;
  let server: GitServer;
  let rec: LocalReconciler;
  const events: SourceEvent[] = [];
  const key: SourceKey = { kind: 'GitRepository', namespace: 'flux-system', name: 'fleet' };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ocilab-rec-'));
    storageDir = await mkdtemp(join(tmpdir(), 'ocilab-store-'));
    fx = await createFixture(PRESETS.tiny, { dir: root });
    server = await new GitServer({ root, push: true }).start(); // commitChange pushes to it
    rec = new LocalReconciler({ storage: new ArtifactStorage(storageDir, fluxTarballArchive) });
    rec.on('event', (e) => events.push(e));
  });
  afterAll(async () => {
    await rec?.stop();
    await server?.stop();
    await rm(root, { recursive: true, force: true });
    await rm(storageDir, { recursive: true, force: true });
  });

  it('clones shallow, archives with the default ignore rules, and reports Ready like Flux', async () => {
    rec.apply(parseSources(gitRepoYaml(`${server.url}/tiny.git`))[0]!);
    const before = server.log.lastId();
    const status = await rec.reconcileNow(key);
    const revision = `main@sha1:${fx.head}`;
    expect(status.artifact?.revision).toBe(revision);
    expect(status.artifact?.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(status.artifact?.path).toBe(`gitrepository/flux-system/fleet/${fx.head}.tar.gz`);
    const ready = getCondition(status.conditions, 'Ready')!;
    expect([ready.status, ready.reason, ready.message]).toEqual(['True', 'Succeeded', `stored artifact for revision '${revision}'`]);
    expect(getCondition(status.conditions, 'ArtifactInStorage')?.status).toBe('True');
    expect(status.lastFetch).toBe('fetched');
    const commands = server.log.list(before).map((r) => r.command ?? r.endpoint);
    expect(commands).toEqual(['info/refs', 'ls-refs', 'info/refs', 'ls-refs', 'fetch']);
    const out = join(root, 'unpacked');
    await extractTarball(join(storageDir, status.artifact!.path), out);
    const files = await listFiles(out);
    expect(files).toContain('apps/app-000/deployment.yaml');
    expect(files.some((f) => f.startsWith('.git'))).toBe(false);
    expect(files).toHaveLength(fx.files);
    expect(events.at(-1)).toMatchObject({ type: 'Normal', reason: 'NewArtifact' });
  });

  it('skips the clone when the revision is unchanged (only the ref listing reaches the server)', async () => {
    const before = server.log.lastId();
    const status = await rec.reconcileNow(key);
    expect(status.lastFetch).toBe('skipped-unchanged');
    const reqs = server.log.list(before);
    expect(reqs.map((r) => r.command ?? r.endpoint)).toEqual(['info/refs', 'ls-refs']);
    expect(reqs.every((r) => /^GitRepository\/flux-system\/fleet#\d+$/.test(r.cloneId ?? ''))).toBe(true);
    expect(server.log.cloneTotals(reqs[0]!.cloneId!)?.requests).toBe(2);
    expect(events.at(-1)).toMatchObject({ type: 'Trace', reason: 'ArtifactUpToDate' });
  });

  it('builds a new artifact for a new commit', async () => {
    const old = rec.get(key)!.status.artifact!;
    const pushed = await commitChange({ url: `${server.url}/tiny.git`, app: 'app-001' });
    const status = await rec.reconcileNow(key);
    expect(status.artifact?.revision).toBe(`main@sha1:${pushed.commit}`);
    expect(status.artifact?.digest).not.toBe(old.digest);
    expect(events.at(-1)?.message).toBe(`stored artifact for commit '${pushed.message}'`);
  });

  it('says FetchFailed when the server is unreachable, then recovers when it returns', async () => {
    const port = server.port;
    const good = rec.get(key)!.status.artifact!;
    await server.stop();
    const down = await rec.reconcileNow(key);
    const fetchFailed = getCondition(down.conditions, 'FetchFailed')!;
    expect(fetchFailed).toMatchObject({ status: 'True', reason: 'GitOperationFailed' });
    expect(fetchFailed.message).toMatch(/^failed to checkout and determine revision: unable to list remote refs of 'http:\/\/127\.0\.0\.1:\d+\/tiny\.git': .*(connect|Connection refused)/i);
    expect(getCondition(down.conditions, 'Ready')).toMatchObject({ status: 'False', reason: 'GitOperationFailed', message: fetchFailed.message });
    expect(getCondition(down.conditions, 'ArtifactInStorage')?.status).toBe('True'); // the old artifact is kept
    expect(down.artifact).toEqual(good);
    server = await new GitServer({ root, port, push: true }).start();
    const up = await rec.reconcileNow(key);
    expect(getCondition(up.conditions, 'Ready')?.status).toBe('True');
    expect(getCondition(up.conditions, 'FetchFailed')).toBeUndefined();
  });

  it('reports a branch that does not exist', async () => {
    rec.apply(parseSources(gitRepoYaml(`${server.url}/tiny.git`).replace('branch: main', 'branch: nope').replace('name: fleet', 'name: nobranch'))[0]!);
    const s = await rec.reconcileNow({ ...key, name: 'nobranch' });
    expect(getCondition(s.conditions, 'Ready')?.message).toBe(
      `failed to checkout and determine revision: unable to clone '${server.url}/tiny.git': couldn't find remote ref "refs/heads/nope"`,
    );
    expect(s.artifact).toBeUndefined();
  });

  it('applies spec.ignore (replacing the defaults) and re-archives when it changes', async () => {
    const before = rec.get(key)!;
    rec.apply(parseSources(gitRepoYaml(`${server.url}/tiny.git`, '  ignore: |\n    apps/app-002/\n    README.md\n'))[0]!);
    expect(rec.get(key)!.generation).toBe(before.generation + 1);
    const s = await rec.reconcileNow(key);
    expect(s.lastFetch).toBe('fetched'); // same revision, new settings: no skip
    expect(s.observedIgnore).toContain('apps/app-002/');
    const out = join(root, 'unpacked-ignore');
    await extractTarball(join(storageDir, s.artifact!.path), out);
    const files = await listFiles(out);
    expect(files.some((f) => f.startsWith('apps/app-002/'))).toBe(false);
    expect(files).not.toContain('README.md');
    expect(files).toContain('apps/app-000/deployment.yaml');
  });

  it('follows a tag (annotated tags are peeled to their commit) and a new tag gives a new artifact', async () => {
    const head = (await runGit(['-C', fx.path, 'rev-parse', 'main'])).stdout.trim();
    await runGit(['-C', fx.path, 'tag', '-a', 'v1.0.0', '-m', 'release 1.0.0', head], { env: identity });
    const tagYaml = (tag: string) => gitRepoYaml(`${server.url}/tiny.git`).replace('branch: main', `tag: ${tag}`).replace('name: fleet', 'name: tagged');
    rec.apply(parseSources(tagYaml('v1.0.0'))[0]!);
    const k = { ...key, name: 'tagged' };
    const s1 = await rec.reconcileNow(k);
    expect(s1.artifact?.revision).toBe(`v1.0.0@sha1:${head}`);
    const pushed = await commitChange({ url: `${server.url}/tiny.git`, app: 'app-000', change: 'config' });
    await runGit(['-C', fx.path, 'tag', '-a', 'v1.1.0', '-m', 'release 1.1.0', pushed.commit], { env: identity });
    rec.apply(parseSources(tagYaml('v1.1.0'))[0]!);
    const s2 = await rec.reconcileNow(k);
    expect(s2.artifact?.revision).toBe(`v1.1.0@sha1:${pushed.commit}`);
    expect(s2.artifact?.digest).not.toBe(s1.artifact?.digest);
  });

  it('archives only the sparseCheckout folders', async () => {
    rec.apply(parseSources(gitRepoYaml(`${server.url}/tiny.git`, '  sparseCheckout:\n    - ./apps/app-001\n').replace('name: fleet', 'name: sparse'))[0]!);
    const s = await rec.reconcileNow({ ...key, name: 'sparse' });
    expect(getCondition(s.conditions, 'Ready')?.status).toBe('True');
    expect(s.observedSparseCheckout).toEqual(['./apps/app-001']);
    const out = join(root, 'unpacked-sparse');
    await extractTarball(join(storageDir, s.artifact!.path), out);
    expect(await listFiles(out)).toEqual(['apps/app-001/configmap.yaml', 'apps/app-001/deployment.yaml', 'apps/app-001/kustomization.yaml', 'apps/app-001/service.yaml']);
  });

  it('reports a corrupt repository as FetchFailed without losing the served data', async () => {
    const broken = join(root, 'broken.git');
    await cp(fx.path, broken, { recursive: true });
    for (const p of (await readdir(join(broken, 'objects', 'pack'))).filter((f) => f.endsWith('.pack'))) await truncate(join(broken, 'objects', 'pack', p), 64);
    rec.apply(parseSources(gitRepoYaml(`${server.url}/broken.git`).replace('name: fleet', 'name: broken'))[0]!);
    const s = await rec.reconcileNow({ ...key, name: 'broken' });
    const ready = getCondition(s.conditions, 'Ready')!;
    expect(ready).toMatchObject({ status: 'False', reason: 'GitOperationFailed' });
    expect(ready.message).toMatch(/^failed to checkout and determine revision: unable to clone '.*broken\.git': /);
    expect((await runGit(['-C', fx.path, 'fsck', '--no-progress'])).stderr).not.toMatch(/error/);
  });

  it('loops on the interval like the controller', async () => {
    rec.apply(parseSources(gitRepoYaml(`${server.url}/tiny.git`).replace('interval: 1m', 'interval: 300ms').replace('name: fleet', 'name: looping'))[0]!);
    const k = { ...key, name: 'looping' };
    rec.start();
    await rec.waitReady(k, { signal: AbortSignal.timeout(20_000) });
    const upToDate = new Promise<void>((resolve) =>
      rec.on('event', (e) => e.name === 'looping' && e.reason === 'ArtifactUpToDate' && resolve()),
    );
    await upToDate;
    await rec.stop();
    rec.delete(k);
  });
});

describe('Flux source YAML', () => {
  it('rejects objects Flux would reject, with where and why', () => {
    expect(() => parseSources('apiVersion: source.toolkit.fluxcd.io/v1beta2\nkind: OCIRepository\nmetadata: {name: a}\nspec: {}\n')).toThrow(/v1beta2 was removed/);
    expect(() => parseSources('apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata: {name: a}\nspec: {url: "git@github.com:x/y", interval: 1m}\n')).toThrow(
      /document 1 \(GitRepository\): spec.url: must start with http/,
    );
    expect(() => parseSources('apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata: {name: a}\nspec: {url: "oci://r/x"}\n')).toThrow(/spec.interval/);
    expect(() => parseSources('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n')).toThrow(/not a Flux source/);
    expect(() => parseSources('a: [\n')).toThrow(/invalid YAML/);
    const [o] = parseSources('apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata: {name: a}\nspec: {url: "oci://r/x", interval: 5m, ref: {tag: v1}}\n');
    expect(o).toMatchObject({ metadata: { namespace: 'flux-system' }, spec: { timeout: '60s' } });
  });
});
