import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { credentialSource, dockerConfigCredentials } from '../../src/oci/credentials.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ocilab-creds-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const b64 = (s: string): string => Buffer.from(s).toString('base64');

describe('credentials', () => {
  it('refuses a password on the command line', async () => {
    await expect(credentialSource({ creds: 'user:pass' })).rejects.toThrow(/shell history/);
  });

  it('reads --creds-file, --creds-stdin and the environment, in that order', async () => {
    await writeFile(join(dir, 'creds'), 'alice:pa:ss\n', { mode: 0o600 });
    const env = { OCILAB_REGISTRY_USERNAME: 'env', OCILAB_REGISTRY_PASSWORD: 'envpw' };
    expect(await (await credentialSource({ credsFile: join(dir, 'creds') }, { env }))('x')).toEqual({ username: 'alice', password: 'pa:ss' });
    expect(await (await credentialSource({ credsStdin: true }, { env, stdin: Readable.from(['bob:pw\n']) }))('x')).toEqual({ username: 'bob', password: 'pw' });
    expect(await (await credentialSource({}, { env, dockerConfigDir: dir }))('x')).toEqual({ username: 'env', password: 'envpw' });
  });

  it('says what is wrong with a bad creds file', async () => {
    await writeFile(join(dir, 'creds'), 'no-colon\n');
    await expect(credentialSource({ credsFile: join(dir, 'creds') })).rejects.toThrow(/--creds-file .*creds: expected one line "username:password"/);
    await expect(credentialSource({ credsFile: join(dir, 'missing') })).rejects.toThrow(/--creds-file .*missing: ENOENT/);
  });

  it('reads docker config auths (base64 auth, Docker Hub key, identity token)', async () => {
    await writeFile(join(dir, 'config.json'), JSON.stringify({
      auths: {
        'ghcr.io': { auth: b64('gh:token') },
        'https://index.docker.io/v1/': { auth: b64('hub:pw') },
        'localhost:5000': { identitytoken: 'refresh' },
      },
    }));
    expect(await dockerConfigCredentials('ghcr.io', dir)).toEqual({ username: 'gh', password: 'token' });
    expect(await dockerConfigCredentials('index.docker.io', dir)).toEqual({ username: 'hub', password: 'pw' });
    expect(await dockerConfigCredentials('localhost:5000', dir)).toEqual({ identityToken: 'refresh' });
    expect(await dockerConfigCredentials('quay.io', dir)).toBeUndefined();
    const source = await credentialSource({}, { env: {}, dockerConfigDir: dir });
    expect(await source('ghcr.io')).toEqual({ username: 'gh', password: 'token' });
  });
});
