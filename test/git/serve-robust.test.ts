/**
 * Issue 16, A: nothing a client sends (or an http-backend that dies) stops `ocilab git serve`.
 * The built CLI serves in its own process (a crash there is a crash, not a failed promise in
 * the test); raw sockets send what no git client would, then the real git client clones and
 * pushes against the same process. http-backend failures come from a stand-in http-backend
 * (OCILAB_GIT names a git whose --exec-path is a directory holding it) that misbehaves for
 * three repositories and runs the real one for every other.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFixture, PRESETS, type FixtureResult } from '../../src/git/fixtures/index.js';
import { findGit, isolatedGitEnv, runGit } from '../../src/git/git-binary.js';
import { builtCli, ensureBuilt, repoRoot } from '../helpers/built-cli.js';
import { peer } from '../helpers/peers.js';

const hasGit = peer('git', 'apt-get install git');
const env = isolatedGitEnv({
  GIT_AUTHOR_NAME: 'Learner',
  GIT_AUTHOR_EMAIL: 'learner@example.invalid',
  GIT_COMMITTER_NAME: 'Learner',
  GIT_COMMITTER_EMAIL: 'learner@example.invalid',
});

/** Send `data`; resolve with everything the server sent until it closed the connection. */
function exchange(port: number, data: string | Buffer, o: { hangUp?: boolean } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(data);
      if (o.hangUp) socket.destroy(); // the client goes away mid-request
    });
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' ? undefined : reject(err)));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
  });
}

const statusOf = (answer: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);

describe.skipIf(!hasGit)('ocilab git serve keeps serving after malformed requests and a dying http-backend', () => {
  let root: string;
  let work: string;
  let fx: FixtureResult;
  let child: ChildProcess;
  let out = '';
  let err = '';
  let port = 0;

  beforeAll(async () => {
    ensureBuilt();
    root = await mkdtemp(join(tmpdir(), 'ocilab-robust-'));
    work = await mkdtemp(join(tmpdir(), 'ocilab-robust-cli-'));
    fx = await createFixture(PRESETS.tiny, { dir: root });
    for (const name of ['die-early', 'die-late', 'bad-headers']) await runGit(['init', '-q', '--bare', join(root, `${name}.git`)]);
    const real = await findGit();
    const fake = join(work, 'fake-git');
    await mkdir(join(fake, 'exec'), { recursive: true });
    await writeFile(join(fake, 'git'), `#!/bin/sh\nif [ "$1" = "--exec-path" ]; then echo '${join(fake, 'exec')}'; exit 0; fi\nexec '${real.bin}' "$@"\n`);
    await writeFile(
      join(fake, 'exec', 'git-http-backend'),
      [
        '#!/bin/sh',
        'case "$PATH_INFO" in',
        // killed before the end of its headers
        `  /die-early.git/*) printf 'Content-Type: text/plain\\r\\n'; kill -9 $$ ;;`,
        // killed in the middle of a 200 answer
        `  /die-late.git/*) printf 'Status: 200 OK\\r\\nContent-Type: application/x-git-upload-pack-advertisement\\r\\n\\r\\n001e# service=git-upload-pack\\n'; kill -9 $$ ;;`,
        // headers Node cannot send
        `  /bad-headers.git/*) printf 'Status: 200 OK\\r\\nNot A Header Name: x\\r\\n\\r\\nhello\\n'; exit 0 ;;`,
        'esac',
        `exec '${join(real.execPath, 'git-http-backend')}'`,
        '',
      ].join('\n'),
    );
    await chmod(join(fake, 'git'), 0o755);
    await chmod(join(fake, 'exec', 'git-http-backend'), 0o755);

    child = spawn(process.execPath, [builtCli, 'git', 'serve', '--dir', root, '--port', '0', '--allow-push'], {
      cwd: repoRoot,
      env: { ...process.env, NO_COLOR: '1', OCILAB_GIT: join(fake, 'git') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    port = await new Promise<number>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.once('exit', (code) => reject(new Error(`git serve exited ${code}: ${err}`)));
    });
  }, 120_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGINT');
      await new Promise((r) => child.once('exit', r));
    }
    await rm(root, { recursive: true, force: true });
    await rm(work, { recursive: true, force: true });
  });

  it('answers each malformed request with an HTTP error, then a real clone and push succeed', async () => {
    const host = `Host: 127.0.0.1:${port}\r\n`;
    const refs = '/tiny.git/info/refs?service=git-upload-pack';
    const post = (path: string, extra: string, body: string) => `POST ${path} HTTP/1.1\r\n${host}${extra}Content-Type: application/x-git-upload-pack-request\r\n${body}`;
    const cases: { name: string; send: string | Buffer; status?: number; hangUp?: boolean }[] = [
      { name: 'request-target http://[', send: `GET http://[ HTTP/1.1\r\n${host}Connection: close\r\n\r\n`, status: 400 },
      { name: 'absolute-form target', send: `GET http://x${refs} HTTP/1.1\r\n${host}Connection: close\r\n\r\n`, status: 400 },
      { name: 'asterisk-form target', send: `OPTIONS * HTTP/1.1\r\n${host}Connection: close\r\n\r\n`, status: 400 },
      { name: 'bad percent-encoding', send: `GET /%E0%A4%A/info/refs?service=git-upload-pack HTTP/1.1\r\n${host}Connection: close\r\n\r\n`, status: 400 },
      { name: 'encoded NUL', send: `GET /tiny.git%00/info/refs?service=git-upload-pack HTTP/1.1\r\n${host}Connection: close\r\n\r\n`, status: 400 },
      { name: 'HTTP/1.0 without Host', send: `GET ${refs} HTTP/1.0\r\n\r\n`, status: 403 },
      { name: 'foreign Host', send: `GET ${refs} HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n`, status: 403 },
      { name: 'header line without a colon', send: `GET ${refs} HTTP/1.1\r\n${host}this is not a header\r\n\r\n`, status: 400 },
      { name: 'two Content-Length values', send: post('/tiny.git/git-upload-pack', 'Content-Length: 4\r\nContent-Length: 5\r\n', '\r\n0000'), status: 400 },
      { name: '100 KB of headers', send: `GET ${refs} HTTP/1.1\r\n${host}X-Big: ${'a'.repeat(100_000)}\r\n\r\n`, status: 431 },
      { name: 'TLS hello on the HTTP port', send: Buffer.from('16030100a5010000a10303', 'hex'), status: 400 },
      { name: 'body cut short, client gone', send: post('/tiny.git/git-upload-pack', 'Content-Length: 1000\r\n', '\r\n0014command=ls-refs\n'), hangUp: true },
      { name: 'client gone before the answer', send: `GET ${refs} HTTP/1.1\r\n${host}\r\n`, hangUp: true },
      { name: 'gzip body that is not gzip', send: post('/tiny.git/git-upload-pack', 'Content-Encoding: gzip\r\nContent-Length: 4\r\nConnection: close\r\n', '\r\nxxxx') },
      { name: 'http-backend killed before its headers end', send: `GET /die-early.git/info/refs?service=git-upload-pack HTTP/1.1\r\n${host}Connection: close\r\n\r\n`, status: 500 },
      { name: 'http-backend answering headers that are not HTTP', send: `GET /bad-headers.git/info/refs?service=git-upload-pack HTTP/1.1\r\n${host}Connection: close\r\n\r\n`, status: 502 },
    ];
    for (const c of cases) {
      const answer = await exchange(port, c.send, { hangUp: c.hangUp });
      if (c.status !== undefined) expect(statusOf(answer), `${c.name}: ${answer.slice(0, 200)}`).toBe(c.status);
      expect(child.exitCode, `${c.name} stopped the server: ${err}`).toBeNull();
    }

    // Killed in the middle of a 200: the connection is cut, the chunked body never ends cleanly.
    const cut = await exchange(port, `GET /die-late.git/info/refs?service=git-upload-pack HTTP/1.1\r\n${host}Connection: close\r\n\r\n`);
    expect(cut).not.toMatch(/\r\n0\r\n\r\n$/);
    expect(child.exitCode).toBeNull();

    const dir = join(work, 'clone');
    await runGit(['clone', '-q', `http://127.0.0.1:${port}/tiny.git`, dir], { env });
    expect((await runGit(['-C', dir, 'rev-parse', 'HEAD'])).stdout.trim()).toBe(fx.head);
    await writeFile(join(dir, 'README.md'), 'after the malformed requests\n');
    await runGit(['-C', dir, 'commit', '-qam', 'still serving'], { env });
    await runGit(['-C', dir, 'push', '-q', 'origin', 'main'], { env });
    expect((await runGit(['-C', fx.path, 'rev-parse', 'main'])).stdout.trim()).toBe((await runGit(['-C', dir, 'rev-parse', 'HEAD'])).stdout.trim());
    expect(child.exitCode).toBeNull();
    expect(err).toBe('');
    expect(out).toMatch(/GET \/bad-headers\.git\/info\/refs .*→ 502 .*headers that are not HTTP/);
  }, 60_000);
});
