/**
 * The test Git smart-HTTP server (git http-backend behind node http) with the real git
 * client, protocol v2 (shallow, as source-controller clones) and v0.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveGitHttp, type GitHttpServer } from './git-http.js';

const exec = promisify(execFile);
const env = { ...process.env, GIT_AUTHOR_NAME: 'rig', GIT_AUTHOR_EMAIL: 'rig@ocilab.invalid', GIT_COMMITTER_NAME: 'rig', GIT_COMMITTER_EMAIL: 'rig@ocilab.invalid' };
let work: string;
let server: GitHttpServer;
let head: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'ocilab-git-http-'));
  const src = join(work, 'src');
  await mkdir(src);
  await writeFile(join(src, 'f.txt'), 'hello\n');
  for (const args of [['init', '-q', '-b', 'main'], ['add', '.'], ['commit', '-qm', 'one']]) await exec('git', args, { cwd: src, env });
  await writeFile(join(src, 'f.txt'), 'hello again\n');
  await exec('git', ['commit', '-qam', 'two'], { cwd: src, env });
  head = (await exec('git', ['rev-parse', 'HEAD'], { cwd: src })).stdout.trim();
  await mkdir(join(work, 'repos'));
  await exec('git', ['clone', '-q', '--bare', src, join(work, 'repos', 'app.git')], { env });
  server = await serveGitHttp(join(work, 'repos'));
});

afterAll(async () => {
  await server?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('git http-backend server', () => {
  for (const version of ['2', '0']) {
    it(`git clone --depth 1 over protocol v${version}`, async () => {
      const out = join(work, `out-v${version}`);
      await exec('git', ['-c', `protocol.version=${version}`, 'clone', '-q', '--depth', '1', `${server.url}/app.git`, out], { env });
      expect(await readFile(join(out, 'f.txt'), 'utf8')).toBe('hello again\n');
      expect((await exec('git', ['rev-parse', 'HEAD'], { cwd: out })).stdout.trim()).toBe(head);
      expect((await exec('git', ['rev-list', '--count', 'HEAD'], { cwd: out })).stdout.trim()).toBe('1');
    });
  }

  it('git ls-remote lists main; a missing repository is a 404 from git http-backend', async () => {
    const { stdout } = await exec('git', ['ls-remote', `${server.url}/app.git`], { env });
    expect(stdout).toContain(`${head}\trefs/heads/main`);
    const res = await fetch(`${server.url}/nope.git/info/refs?service=git-upload-pack`);
    expect(res.status).toBe(404);
    expect(server.requests.some((r) => r.path === '/app.git/git-upload-pack' && r.method === 'POST' && r.status === 200)).toBe(true);
  });
});
