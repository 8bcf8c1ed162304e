import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, mkdir, writeFile, rm, symlink, realpath } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveRepoRequest, RepoPathError } from '../../src/git/server/paths.js';
import { parseBashTimes } from '../../src/git/rusage.js';
import { parseCgiHeaders } from '../../src/git/server/http-backend.js';

describe('repository paths the server accepts and refuses', () => {
  let root: string;
  let outside: string;
  beforeAll(async () => {
    const base = await realpath(await mkdtemp(join(tmpdir(), 'ocilab-paths-')));
    root = join(base, 'served');
    outside = join(base, 'secret.git');
    for (const repo of [join(root, 'small.git'), join(root, 'team', 'app.git'), outside]) {
      await mkdir(join(repo, 'objects'), { recursive: true });
      await writeFile(join(repo, 'HEAD'), 'ref: refs/heads/main\n');
    }
    await mkdir(join(root, 'plain'), { recursive: true });
    await symlink(outside, join(root, 'escape.git'));
  });
  afterAll(async () => {
    await rm(join(root, '..'), { recursive: true, force: true });
  });

  const q = (s: string) => new URLSearchParams(s);
  it.each([
    ['/small.git/info/refs', 'service=git-upload-pack', 'small.git', 'git-upload-pack', 'info/refs'],
    ['/small.git/git-upload-pack', '', 'small.git', 'git-upload-pack', 'service'],
    ['/small.git/git-receive-pack', '', 'small.git', 'git-receive-pack', 'service'],
    ['/team/app.git/info/refs', 'service=git-receive-pack', 'team/app.git', 'git-receive-pack', 'info/refs'],
  ])('accepts %s?%s', async (path, query, repo, service, endpoint) => {
    expect(await resolveRepoRequest(root, path, q(query))).toMatchObject({ repo, service, endpoint, pathInfo: path });
  });

  it.each([
    ['/../secret.git/info/refs', 403, /outside the served directory/],
    ['/%2e%2e/secret.git/info/refs', 403, /outside/],
    ['/team/../../secret.git/info/refs', 403, /outside/],
    ['/escape.git/info/refs', 403, /resolves outside/],
    ['/small.git\\..\\x/info/refs', 400, /refused path/],
    ['/nope.git/info/refs', 404, /not found/],
    ['/plain/info/refs', 404, /not a git repository/],
    ['/small.git/objects/info/packs', 404, /not a smart-HTTP git endpoint/],
    ['/small.git/info/refs%', 400, /malformed/],
  ])('refuses %s with %i', async (path, status, message) => {
    const err = await resolveRepoRequest(root, path, q('service=git-upload-pack')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RepoPathError);
    expect((err as RepoPathError).status).toBe(status);
    expect((err as Error).message).toMatch(message);
  });

  it('refuses the dumb protocol (no ?service=)', async () => {
    await expect(resolveRepoRequest(root, '/small.git/info/refs', q(''))).rejects.toThrow(/only smart HTTP/);
  });
});

describe('process accounting parsers', () => {
  it('reads the children line of bash `times`', () => {
    expect(parseBashTimes('0m0.004s 0m0.001s\n0m1.250s 0m0.075s\n', 1500)).toEqual({ method: 'bash-times', wallMs: 1500, userMs: 1250, sysMs: 75 });
    expect(parseBashTimes('garbage', 1)).toBeUndefined();
  });

  it('reads CGI headers including Status', () => {
    expect(parseCgiHeaders('Status: 404 Not Found\r\nContent-Type: text/plain\r\nExpires: Fri, 01 Jan 1980 00:00:00 GMT')).toEqual({
      status: 404,
      headers: { 'Content-Type': 'text/plain', Expires: 'Fri, 01 Jan 1980 00:00:00 GMT' },
    });
  });
});
