import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm, writeFile, readdir, cp, truncate } from 'node:fs/promises';
import { createServer } from 'node:net';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFixture, PRESETS, type FixtureResult } from '../../src/git/fixtures/index.js';
import { runGit, findGit, GitNotFoundError, isolatedGitEnv } from '../../src/git/git-binary.js';
import { GitServer, PortInUseError } from '../../src/git/server/server.js';
import { measureClone } from '../../src/git/clone.js';
import { peer } from '../helpers/peers.js';

const hasGit = peer('git', 'apt-get install git');
const identity = isolatedGitEnv({
  GIT_AUTHOR_NAME: 'Learner',
  GIT_AUTHOR_EMAIL: 'learner@example.invalid',
  GIT_COMMITTER_NAME: 'Learner',
  GIT_COMMITTER_EMAIL: 'learner@example.invalid',
});

describe.skipIf(!hasGit)('git server (real git client against git http-backend)', () => {
  let root: string;
  let work: string;
  let fx: FixtureResult;
  let server: GitServer;
  let url: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ocilab-srv-'));
    work = await mkdtemp(join(tmpdir(), 'ocilab-cli-'));
    fx = await createFixture({ ...PRESETS.tiny, commits: 20 }, { dir: root });
    server = await new GitServer({ root, push: true }).start(); // the push test below pushes
    url = `${server.url}/tiny.git`;
  });
  afterAll(async () => {
    await server?.stop();
    await rm(root, { recursive: true, force: true });
    await rm(work, { recursive: true, force: true });
  });

  it('serves a full clone over protocol v2, accounted per request', async () => {
    const before = server.log.lastId();
    await runGit(['-c', 'protocol.version=2', 'clone', '-q', url, join(work, 'full')]);
    expect((await runGit(['-C', join(work, 'full'), 'rev-parse', 'HEAD'])).stdout.trim()).toBe(fx.head);
    const reqs = server.log.list(before);
    expect(reqs.map((r) => `${r.method} ${r.endpoint} ${r.status}`)).toEqual(['GET info/refs 200', 'POST service 200', 'POST service 200']);
    expect(reqs.every((r) => r.gitProtocol === 'version=2' && r.service === 'git-upload-pack')).toBe(true);
    expect(reqs.every((r) => r.cpuMs !== undefined && r.cpuMs >= 0 && r.bytesOut > 0 && r.bytesIn > 0)).toBe(true);
  });

  it('shallow-clones and sparse-clones, and the accounting matches the client side', async () => {
    const shallow = await measureClone({ url, strategy: 'shallow', server });
    expect(shallow.head).toBe(fx.head);
    expect(shallow.filesCheckedOut).toBe(fx.files);
    const full = await measureClone({ url, strategy: 'full', server });
    expect(shallow.objectsReceived).toBeLessThan(full.objectsReceived);
    expect(full.objectsReceived).toBe(fx.objects);
    const sparse = await measureClone({ url, strategy: 'sparse', sparsePath: 'apps/app-001', server });
    expect(sparse.filesCheckedOut).toBe(4 + 2); // the app folder plus the root files cone mode keeps
    const ls = await measureClone({ url, strategy: 'ls-remote', server });
    expect(ls.head).toBe(fx.head);
    expect(ls.server?.requests).toBe(2);
    for (const m of [shallow, full, sparse, ls]) {
      // client-side TCP relay vs server-side socket counters: the same stream, both ways
      expect(Math.abs(m.server!.bytesOut - m.bytesDown!)).toBeLessThanOrEqual(m.bytesDown! * 0.01);
      expect(Math.abs(m.server!.bytesIn - m.bytesUp!)).toBeLessThanOrEqual(m.bytesUp! * 0.01);
      expect(m.serverCpuMs).toBeGreaterThan(0);
      expect(m.clientCpuMs).toBeGreaterThan(0);
      expect(m.wallMs).toBeGreaterThan(0);
    }
    expect(full.bytesDown!).toBeGreaterThan(shallow.bytesDown!);
  });

  it('accepts pushes when push is enabled', async () => {
    const dir = join(work, 'push');
    await runGit(['clone', '-q', url, dir]);
    await writeFile(join(dir, 'apps', 'app-000', 'configmap.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-000-config\ndata:\n  LOG_LEVEL: trace\n');
    await runGit(['-C', dir, 'commit', '-qam', 'learner edit'], { env: identity });
    const before = server.log.lastId();
    await runGit(['-C', dir, 'push', '-q', 'origin', 'main'], { env: identity });
    const pushed = (await runGit(['-C', dir, 'rev-parse', 'HEAD'])).stdout.trim();
    expect((await runGit(['-C', fx.path, 'rev-parse', 'main'])).stdout.trim()).toBe(pushed);
    expect(server.log.list(before).some((r) => r.service === 'git-receive-pack' && r.endpoint === 'service' && r.status === 200)).toBe(true);
    fx = { ...fx, head: pushed };
  });

  it('serves 20 concurrent shallow clones', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => measureClone({ url, strategy: 'shallow', server })));
    expect(results.every((r) => r.head === fx.head && r.filesCheckedOut === fx.files)).toBe(true);
  }, 60_000);

  it('refuses paths outside the served directory and unknown repos', async () => {
    const q = 'info/refs?service=git-upload-pack';
    for (const p of [`/..%2f..%2fetc/${q}`, `/a/../../x.git/${q}`, `/%2e%2e/tiny.git/${q}`, `/../${root.split('/').pop()}/tiny.git/${q}`]) {
      const res = await rawGet(server.url, p);
      expect(res.status, p).toBe(403);
      expect(res.body, p).toMatch(/outside the served directory/);
    }
    const missing = await rawGet(server.url, `/nope.git/${q}`);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatch(/nope.git not found/);
    const dumb = await rawGet(server.url, '/tiny.git/HEAD');
    expect(dumb.status).toBe(404);
  });

  it('reports a branch that does not exist and a corrupt repository clearly, and keeps serving', async () => {
    await expect(measureClone({ url, strategy: 'shallow', branch: 'nope' })).rejects.toThrow(/nope/);
    await expect(measureClone({ url, strategy: 'ls-remote', branch: 'nope' })).rejects.toThrow(/exit 2/);
    const broken = join(root, 'broken.git');
    await cp(fx.path, broken, { recursive: true });
    const packs = (await readdir(join(broken, 'objects', 'pack'))).filter((f) => f.endsWith('.pack'));
    for (const p of packs) await truncate(join(broken, 'objects', 'pack', p), 100);
    await expect(measureClone({ url: `${server.url}/broken.git`, strategy: 'full', server })).rejects.toThrow(/git clone .* failed/);
    const ok = await measureClone({ url, strategy: 'ls-remote', server });
    expect(ok.head).toBe(fx.head);
  });
});

describe('bad input around the server', () => {
  it('says how to install git when it is missing', async () => {
    await expect(findGit('/nonexistent/git')).rejects.toBeInstanceOf(GitNotFoundError);
    await expect(findGit('/nonexistent/git')).rejects.toThrow(/apt-get install git/);
  });

  it.skipIf(!hasGit)('keeps serving when a request listener throws (one entry point catches what a handler throws)', async () => {
    const root = await mkdtemp(join(tmpdir(), 'ocilab-throw-'));
    const s = await new GitServer({ root }).start();
    try {
      let thrown = 0;
      s.log.on('request', () => {
        thrown += 1;
        throw new Error('a UI listener failed');
      });
      for (let i = 0; i < 3; i++) expect((await rawGet(s.url, '/nope.git/info/refs?service=git-upload-pack')).status).toBe(404);
      await s.settled();
      expect(thrown).toBe(3);
      expect(s.totals.requests).toBe(3);
    } finally {
      await s.stop();
      await rm(root, { recursive: true, force: true });
    }
  });

  it.skipIf(!hasGit)('reports a port in use, or moves to the next one when allowed', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    const root = await mkdtemp(join(tmpdir(), 'ocilab-port-'));
    try {
      await expect(new GitServer({ root, port }).start()).rejects.toBeInstanceOf(PortInUseError);
      const s = await new GitServer({ root, port, portFallback: true }).start();
      expect(s.port).not.toBe(port);
      expect(s.portNote).toMatch(new RegExp(`port ${port} .* in use; serving on ${s.port}`));
      await s.stop();
      await expect(new GitServer({ root: join(root, 'missing') }).start()).rejects.toThrow(/not a directory/);
    } finally {
      blocker.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});

/** GET with the path sent byte for byte (fetch would normalise `..` away). */
function rawGet(base: string, path: string): Promise<{ status: number; body: string }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
