/**
 * `ocilab cosign ...` in-process: output, exit codes, and no secrets in any output.
 */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { cosignCommand } from '../../src/commands/cosign.js';
import { peer } from '../helpers/peers.js';
import { pushArtifact, startDistribution, type TestRegistry } from './registry-peer.js';

const PASSWORD = 'S3cret-pass-for-test';

async function cli(args: string[], env: Record<string, string | undefined> = {}) {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((c) => ((out += String(c)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((c) => ((err += String(c)), true));
  const saved = { ...process.env };
  Object.assign(process.env, env);
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k];
  process.exitCode = 0;
  try {
    await cosignCommand().exitOverride().parseAsync(args, { from: 'user' });
  } finally {
    o.mockRestore();
    e.mockRestore();
    process.env = saved;
  }
  const code = process.exitCode ?? 0;
  process.exitCode = 0;
  return { out, err, code };
}

const bin = peer('docker-registry', 'scripts/ci/install-cosign.sh');

describe('ocilab cosign (no registry)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ocilab-cosign-cli-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('generate-key-pair writes both files 0600 and shows the cosign command', async () => {
    const r = await cli(['generate-key-pair', '--dir', dir], { COSIGN_PASSWORD: PASSWORD });
    expect(r.code).toBe(0);
    expect(r.out).toContain(`Private key written to ${join(dir, 'cosign.key')}`);
    expect(r.err).toContain('equivalent: COSIGN_PASSWORD=… cosign generate-key-pair');
    expect((await stat(join(dir, 'cosign.key'))).mode & 0o777).toBe(0o600);
    const again = await cli(['generate-key-pair', '--dir', dir], { COSIGN_PASSWORD: PASSWORD });
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/cosign\.key already exists/);
  });

  it('no password source and no terminal: a clear usage error', async () => {
    const r = await cli(['generate-key-pair', '--dir', dir, '--output-key-prefix', 'other'], { COSIGN_PASSWORD: undefined });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/set COSIGN_PASSWORD or pass --password-file/);
  });

  it('has no --password flag (secrets never on the command line)', async () => {
    for (const sub of cosignCommand().commands) {
      const flags = sub.options.map((o) => o.long);
      expect(flags.filter((f) => f === '--password' || f === '--pass')).toEqual([]);
    }
  });

  it('sign with a wrong password or a truncated key: exit 2, names the file, leaks nothing', async () => {
    const wrong = await cli(['sign', '--key', join(dir, 'cosign.key'), '127.0.0.1:1/x/y:v1'], { COSIGN_PASSWORD: 'not-the-password' });
    expect(wrong.code).toBe(2);
    expect(wrong.err).toContain(`could not decrypt ${join(dir, 'cosign.key')}: wrong password`);
    const truncated = join(dir, 'truncated.key');
    const { readFile } = await import('node:fs/promises');
    await writeFile(truncated, (await readFile(join(dir, 'cosign.key'), 'utf8')).slice(0, 200));
    const t = await cli(['sign', '--key', truncated, '127.0.0.1:1/x/y:v1'], { COSIGN_PASSWORD: PASSWORD });
    expect(t.code).toBe(2);
    expect(t.err).toMatch(/truncated\.key is truncated/);
    for (const r of [wrong, t]) {
      expect(r.out + r.err).not.toContain(PASSWORD);
      expect(r.out + r.err).not.toContain('not-the-password');
      expect(r.out + r.err).not.toMatch(/BEGIN|[A-Za-z0-9+/]{60,}/);
    }
  });

  it('a private key group or others can read: signs on, with a warning that says how to fix it (as ssh warns)', async () => {
    const { chmod, copyFile } = await import('node:fs/promises');
    const open = join(dir, 'open.key');
    await copyFile(join(dir, 'cosign.key'), open);
    await chmod(open, 0o644);
    const r = await cli(['sign', '--key', open, '127.0.0.1:1/x/y:v1'], { COSIGN_PASSWORD: 'not-the-password' });
    expect(r.err).toContain(`Warning: private key file ${open} is open to group and others (mode 0644)`);
    expect(r.err).toContain(`Fix: chmod 600 ${open}`);
    expect(r.err).toContain('wrong password'); // it went on to use the key
    await chmod(open, 0o640);
    expect((await cli(['sign', '--key', open, '127.0.0.1:1/x/y:v1'], { COSIGN_PASSWORD: 'x' })).err).toContain('is open to group (mode 0640)');
    const closed = await cli(['sign', '--key', join(dir, 'cosign.key'), '127.0.0.1:1/x/y:v1'], { COSIGN_PASSWORD: 'not-the-password' });
    expect(closed.err).not.toContain('Warning');
  });

  it('--key that is not a key file (a device, a directory, empty, huge): exit 2 saying what is wrong, nothing read', async () => {
    const { mkdir, truncate } = await import('node:fs/promises');
    const empty = join(dir, 'empty.key');
    await writeFile(empty, '');
    const huge = join(dir, 'huge.key');
    await writeFile(huge, '');
    await truncate(huge, 5 * 1024 * 1024 * 1024); // sparse: 5 GiB that costs no disk
    const folder = join(dir, 'folder.key');
    await mkdir(folder);
    const cases: [string, string][] = [
      ['/dev/zero', 'key file /dev/zero is a character device, not a key file'],
      [folder, `key file ${folder} is a directory, not a key file`],
      [empty, `key file ${empty} is empty`],
      [huge, `key file ${huge} is 5368709120 bytes: too large for a key file`],
      [join(dir, 'nope.key'), `key file ${join(dir, 'nope.key')} does not exist`],
    ];
    for (const [key, message] of cases) {
      const r = await cli(['sign', '--key', key, '127.0.0.1:1/x/y:v1'], { COSIGN_PASSWORD: PASSWORD });
      expect(r.code, key).toBe(2);
      expect(r.err, key).toContain(message);
    }
    // checked before a password is asked for
    const noPassword = await cli(['sign', '--key', '/dev/zero', '127.0.0.1:1/x/y:v1'], { COSIGN_PASSWORD: undefined });
    expect(noPassword.code).toBe(2);
    expect(noPassword.err).toContain('key file /dev/zero is a character device, not a key file');
    expect(noPassword.err).not.toContain('COSIGN_PASSWORD');
    const v = await cli(['verify', '--key', '/dev/zero', '127.0.0.1:1/x/y:v1']);
    expect(v.code).toBe(2);
    expect(v.err).toContain('key file /dev/zero is a character device, not a key file');
  });

  describe.skipIf(!bin)('against docker-registry', () => {
    let reg: TestRegistry;
    beforeAll(async () => {
      reg = await startDistribution();
    });
    afterAll(async () => reg?.stop());

    it('sign then verify (text and json), and a failing verify exits 1', async () => {
      const pwFile = join(dir, 'pw');
      await writeFile(pwFile, `${PASSWORD}\n`, { mode: 0o600 });
      const digest = await pushArtifact(reg.client, 'cli/app', 'v1', 'cli');
      const s = await cli(['sign', '--key', join(dir, 'cosign.key'), '--password-file', pwFile, '-a', 'env=demo', `${reg.host}/cli/app:v1`], { COSIGN_PASSWORD: undefined });
      expect(s.code).toBe(0);
      expect(s.out).toContain(`Signed oci://${reg.host}/cli/app@${digest}`);
      expect(s.err).toContain(`cosign sign --key ${join(dir, 'cosign.key')} --tlog-upload=false --use-signing-config=false --new-bundle-format=false`);
      expect(s.err).toContain('-a env=demo');
      const v = await cli(['verify', '--key', join(dir, 'cosign.pub'), `${reg.host}/cli/app:v1`]);
      expect(v.code).toBe(0);
      expect(v.out).toMatch(/classic signature by cosign\.pub/);
      const j = await cli(['verify', '--key', join(dir, 'cosign.pub'), '-o', 'json', `${reg.host}/cli/app:v1`]);
      expect(JSON.parse(j.out)).toMatchObject({ verified: true, digest, matched: { kind: 'classic' } });
      await pushArtifact(reg.client, 'cli/app', 'v2', 'unsigned');
      const f = await cli(['verify', '--key', join(dir, 'cosign.pub'), `${reg.host}/cli/app:v2`]);
      expect(f.code).toBe(1);
      expect(f.err).toMatch(/^Not verified: not signed: this artifact/);
      expect(f.err).toMatch(/\nVerificationError: failed to verify the signature using provider 'cosign'/);
      for (const r of [s, v, j, f]) expect(r.out + r.err).not.toContain(PASSWORD);
    }, 60_000);
  });
});
