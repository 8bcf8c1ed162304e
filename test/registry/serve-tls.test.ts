import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { builtCli, ensureBuilt } from '../helpers/built-cli.js';

function status(url: string, ca?: string, client?: { cert: string; key: string }): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { ...(ca ? { ca } : {}), ...(client ?? {}) }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });
}

describe('ocilab registry serve --tls', () => {
  let child: ChildProcess | undefined;
  let dir = '';
  beforeAll(() => ensureBuilt(), 180_000);
  afterEach(async () => {
    child?.kill('SIGINT');
    await new Promise((r) => (child?.exitCode !== null ? r(undefined) : child.once('exit', r)));
    await rm(dir, { recursive: true, force: true });
  });

  const serve = async (tlsDir: string, ...extra: string[]) => {
    child = spawn(process.execPath, [builtCli, 'registry', 'serve', '--port', '0', '--tls', tlsDir, '--quiet', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
    return new Promise<string>((resolve, reject) => {
      let out = '';
      child!.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening on (https:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child!.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
  };

  it('serves HTTPS with a CA it writes (key 0600): trusted with ca.crt, refused without', async () => {
    dir = await mkdtemp(join(tmpdir(), 'ocilab-serve-tls-'));
    const tlsDir = join(dir, 'tls');
    const url = await serve(tlsDir);
    expect((await stat(join(tlsDir, 'tls.key'))).mode & 0o777).toBe(0o600);
    const ca = await readFile(join(tlsDir, 'ca.crt'), 'utf8');
    expect(await status(`${url}/v2/`, ca)).toBe(200);
    await expect(status(`${url}/v2/`)).rejects.toThrow(/self[- ]signed|unable to verify|unknown authority/i);
  }, 60_000);

  it('--tls-client-auth: writes client.crt/client.key (0600) and requires that certificate', async () => {
    dir = await mkdtemp(join(tmpdir(), 'ocilab-serve-mtls-'));
    const tlsDir = join(dir, 'tls');
    const url = await serve(tlsDir, '--tls-client-auth');
    expect((await stat(join(tlsDir, 'client.key'))).mode & 0o777).toBe(0o600);
    const ca = await readFile(join(tlsDir, 'ca.crt'), 'utf8');
    const client = { cert: await readFile(join(tlsDir, 'client.crt'), 'utf8'), key: await readFile(join(tlsDir, 'client.key'), 'utf8') };
    expect(await status(`${url}/v2/`, ca, client)).toBe(200);
    await expect(status(`${url}/v2/`, ca)).rejects.toThrow(/certificate required|socket hang up|ECONNRESET/i);
  }, 60_000);

  it('--tls-client-auth without --tls is refused with a clear message, exit 2 (bad usage)', async () => {
    dir = await mkdtemp(join(tmpdir(), 'ocilab-serve-mtls-'));
    child = spawn(process.execPath, [builtCli, 'registry', 'serve', '--port', '0', '--tls-client-auth', '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((r) => child!.once('exit', r));
    expect(code).toBe(2);
    expect(err).toMatch(/--tls-client-auth needs --tls <dir>/);
  }, 60_000);
});
