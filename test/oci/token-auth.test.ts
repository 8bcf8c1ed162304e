/** The Bearer token flow end to end: a real distribution registry in token-auth mode, our token server, our client. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { peer } from '../helpers/peers.js';
import { RegistryClient } from '../../src/oci/client.js';
import { OciError } from '../../src/oci/errors.js';
import { pullArtifact, pushArtifact } from '../../src/oci/remote.js';
import { startRegistry, type RegistryFlavour, type RunningRegistry } from './registry-peers.js';
import { startTokenServer, type TokenServer } from './token-server.js';
import { makeSourceTree } from './tree.js';

const hint = 'scripts/ci/install-oci.sh';
const openssl = peer('openssl', hint);
const flavours = (['docker-registry', 'registry'] as RegistryFlavour[]).filter((f) => peer(f, hint));

describe.each(openssl ? flavours : [])('token auth against %s', (flavour) => {
  let work: string;
  let tokens: TokenServer;
  let reg: RunningRegistry;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'ocilab-token-'));
    tokens = await startTokenServer(work, { alice: 'wonderland' }, { openssl });
    reg = await startRegistry(flavour, { token: tokens });
    await makeSourceTree(join(work, 'src'));
  });
  afterAll(async () => {
    await reg?.stop();
    await tokens?.close();
    await rm(work, { recursive: true, force: true });
  });

  it('push and pull with credentials: challenge, token per scope, cached', async () => {
    const credentials = () => ({ username: 'alice', password: 'wonderland' });
    const client = new RegistryClient({ registry: reg.host, credentials });
    try {
      const ref = `oci://${reg.host}/team/app:v1`;
      const pushed = await pushArtifact(ref, { path: join(work, 'src'), source: 's', revision: 'r', client });
      const pulled = await pullArtifact(ref, { output: join(work, 'out'), client });
      expect(pulled.digest).toBe(pushed.digest);
    } finally {
      await client.close();
    }
    const scopes = tokens.requests.map((r) => r.scopes.join(' '));
    expect(scopes).toContain('repository:team/app:pull,push');
    expect(scopes).toContain('repository:team/app:pull');
    expect(tokens.requests.every((r) => r.account === 'alice')).toBe(true);
    expect(tokens.requests.length).toBeLessThanOrEqual(3);
  });

  it('401 without credentials, and with a wrong password', async () => {
    const anon = new RegistryClient({ registry: reg.host, retries: 0 });
    const err = await anon.headManifest('team/app', 'v1').catch((e: unknown) => e);
    await anon.close();
    expect(err).toBeInstanceOf(OciError);
    expect((err as OciError).code).toBe('UNAUTHORIZED');
    expect((err as OciError).message).toMatch(/no credentials were given/);

    const wrong = new RegistryClient({ registry: reg.host, retries: 0, credentials: () => ({ username: 'alice', password: 'nope' }) });
    const err2 = await wrong.headManifest('team/app', 'v1').catch((e: unknown) => e);
    await wrong.close();
    expect((err2 as OciError).code).toBe('UNAUTHORIZED');
    expect((err2 as OciError).message).toMatch(/token service http:\/\/127\.0\.0\.1:\d+ refused the credentials \(HTTP 401\)/);
  });
});
