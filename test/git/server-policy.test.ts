/**
 * Issue 16, B: the Git server is read-only unless asked, refuses non-fast-forward updates
 * unless asked, and refuses Host headers naming another machine (DNS rebinding). Real git client
 * against the real http-backend; raw HTTP for the Host header, which git and fetch set themselves.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFixture, PRESETS, type FixtureResult } from '../../src/git/fixtures/index.js';
import { runGit, isolatedGitEnv } from '../../src/git/git-binary.js';
import { GitServer } from '../../src/git/server/server.js';
import { peer } from '../helpers/peers.js';

const hasGit = peer('git', 'apt-get install git');
const env = isolatedGitEnv({
  GIT_AUTHOR_NAME: 'Learner',
  GIT_AUTHOR_EMAIL: 'learner@example.invalid',
  GIT_COMMITTER_NAME: 'Learner',
  GIT_COMMITTER_EMAIL: 'learner@example.invalid',
});

/** git, resolving with exit code and stderr instead of throwing (refusals are the point here). */
async function git(args: string[]): Promise<{ ok: boolean; stderr: string }> {
  try {
    const r = await runGit(args, { env });
    return { ok: true, stderr: r.stderr };
  } catch (err) {
    return { ok: false, stderr: (err as Error).message };
  }
}

const head = async (repo: string, ref = 'main') => (await runGit(['-C', repo, 'rev-parse', ref])).stdout.trim();

describe.skipIf(!hasGit)('git server push policy and Host check', () => {
  let root: string;
  let work: string;
  let fx: FixtureResult;
  const servers: GitServer[] = [];
  const start = async (o: Partial<ConstructorParameters<typeof GitServer>[0]> = {}) => {
    const s = await new GitServer({ root, ...o }).start();
    servers.push(s);
    return s;
  };

  /** A clone of main with one new commit on top (a fast-forward for the server). */
  async function cloneWithCommit(url: string, name: string): Promise<string> {
    const dir = join(work, name);
    await runGit(['clone', '-q', url, dir], { env });
    await writeFile(join(dir, 'README.md'), `edited by ${name}\n`);
    await runGit(['-C', dir, 'commit', '-qam', `${name} edit`], { env });
    return dir;
  }

  /** An unrelated history in `dir` on branch `evil` (what `push -f origin evil:main` would put on main). */
  async function unrelatedBranch(dir: string): Promise<void> {
    await runGit(['-C', dir, 'checkout', '-q', '--orphan', 'evil'], { env });
    await runGit(['-C', dir, 'rm', '-rqf', '.'], { env });
    await writeFile(join(dir, 'evil.txt'), 'not the fleet\n');
    await runGit(['-C', dir, 'add', 'evil.txt'], { env });
    await runGit(['-C', dir, 'commit', '-qm', 'unrelated history'], { env });
  }

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ocilab-policy-'));
    work = await mkdtemp(join(tmpdir(), 'ocilab-policy-cli-'));
    fx = await createFixture(PRESETS.tiny, { dir: root });
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await rm(root, { recursive: true, force: true });
    await rm(work, { recursive: true, force: true });
  });

  it('refuses an anonymous push by default, saying why to the git client, and still serves clones', async () => {
    const server = await start();
    const before = await head(fx.path);
    const dir = await cloneWithCommit(`${server.url}/tiny.git`, 'readonly');
    const r = await git(['-C', dir, 'push', 'origin', 'main']);
    expect(r.ok).toBe(false);
    expect(r.stderr).toMatch(/remote: push refused: this Git server is read-only \(start it with `ocilab git serve --allow-push`/);
    expect(r.stderr).toMatch(/403/);
    expect(await head(fx.path)).toBe(before);
    const refused = server.log.list().filter((e) => e.service === 'git-receive-pack');
    expect(refused.map((e) => e.status)).toEqual([403]);
    expect(await git(['ls-remote', '--exit-code', `${server.url}/tiny.git`, 'main'])).toMatchObject({ ok: true });
  });

  it('accepts a fast-forward push with push enabled, and refuses `push -f` of an unrelated history and a branch deletion', async () => {
    const server = await start({ push: true });
    const url = `${server.url}/tiny.git`;
    const dir = await cloneWithCommit(url, 'ff');
    expect(await git(['-C', dir, 'push', '-q', 'origin', 'main'])).toMatchObject({ ok: true });
    const pushed = await head(dir);
    expect(await head(fx.path)).toBe(pushed);

    await unrelatedBranch(dir);
    const forced = await git(['-C', dir, 'push', '-f', 'origin', 'evil:main']);
    expect(forced.ok).toBe(false);
    expect(forced.stderr).toMatch(/denying non-fast-forward refs\/heads\/main/);
    expect(forced.stderr).toMatch(/\[remote rejected\] +evil -> main/);
    expect(await head(fx.path)).toBe(pushed);

    const deleted = await git(['-C', dir, 'push', 'origin', ':main']);
    expect(deleted.ok).toBe(false);
    expect(deleted.stderr).toMatch(/deletion prohibited/);
    expect(await head(fx.path)).toBe(pushed);
  });

  it('accepts `push -f` of another history only with allowNonFastForward', async () => {
    const server = await start({ push: true, allowNonFastForward: true });
    const dir = join(work, 'force');
    await runGit(['clone', '-q', `${server.url}/tiny.git`, dir], { env });
    await unrelatedBranch(dir);
    expect(await git(['-C', dir, 'push', '-q', '-f', 'origin', 'evil:main'])).toMatchObject({ ok: true });
    expect(await head(fx.path)).toBe(await head(dir, 'evil'));
  });

  it('refuses a Host header naming another machine (DNS rebinding) on every path, and answers IP addresses, localhost and configured names', async () => {
    const server = await start({ allowedHosts: ['git.lab.example'] });
    const port = server.port;
    const refs = '/tiny.git/info/refs?service=git-upload-pack';
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`, `git.lab.example:${port}`, 'git.lab.example.', `127.0.0.1:${port + 1}`]) {
      expect((await rawGet(port, refs, host)).status, host).toBe(200);
    }
    expect((await rawGet(port, '/_ocilab/stats', `127.0.0.1:${port}`)).status).toBe(200);
    const refused = ['attacker.example', `attacker.example:${port}`, `127.0.0.1.attacker.example:${port}`, `localhost.attacker.example:${port}`, `attacker.example@127.0.0.1:${port}`];
    for (const host of refused) {
      for (const path of [refs, '/_ocilab/stats']) {
        const r = await rawGet(port, path, host);
        expect(r.status, `${host} ${path}`).toBe(403);
        expect(r.body, `${host} ${path}`).toMatch(/Git server refuses a request with Host .*DNS rebinding.*--allowed-host <name>/);
      }
    }
    expect(server.log.list().filter((e) => e.status === 403)).toHaveLength(refused.length * 2); // refused requests are logged, stats ones too
    expect((await rawGet(port, refs, undefined)).status).toBe(400); // HTTP/1.1 without Host: Node's own answer
  });
});

/** GET with exactly the Host header given (or none at all: HTTP/1.0 style). */
function rawGet(port: number, path: string, host: string | undefined): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', setHost: false, headers: host === undefined ? {} : { host } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
