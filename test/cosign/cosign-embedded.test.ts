/**
 * The real cosign against ocilab's embedded registry, which implements the OCI referrers API:
 * a v3 bundle is found through GET /v2/<name>/referrers/<digest> (not the fallback tag), and
 * classic signatures work there too.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referrersFallbackTag } from '../../src/cosign/classic.js';
import { cosignArgs, runCosign } from '../../src/cosign/cosign-cli.js';
import { generateKeyPairFiles, loadPrivateKey, loadPublicKey } from '../../src/cosign/keys.js';
import { signArtifact } from '../../src/cosign/sign.js';
import { verifyArtifact } from '../../src/cosign/verify.js';
import { RegistryClient } from '../../src/oci/client.js';
import { startRegistry, type RegistryHandle, type RequestEvent } from '../../src/registry/server.js';
import { peer } from '../helpers/peers.js';
import { pushArtifact } from './registry-peer.js';

const cosign = peer('cosign', 'scripts/ci/install-cosign.sh');
const PW = Buffer.from('embedded-password');

describe.skipIf(!cosign)('real cosign on the embedded registry (referrers API)', () => {
  let reg: RegistryHandle;
  let client: RegistryClient;
  let dir: string;
  let keyPath: string;
  let pubPath: string;
  const requests: RequestEvent[] = [];

  beforeAll(async () => {
    reg = await startRegistry();
    reg.on('request', (e) => requests.push(e));
    client = new RegistryClient({ registry: reg.hostPort, insecure: true });
    dir = await mkdtemp(join(tmpdir(), 'ocilab-cosign-embedded-'));
    ({ privateKeyPath: keyPath, publicKeyPath: pubPath } = await generateKeyPairFiles(dir, PW));
  });
  afterAll(async () => {
    await client?.close();
    await reg?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('cosign v3 bundle (with an ocilab key) is verified by ocilab through the referrers API', async () => {
    const digest = await pushArtifact(client, 'emb/app', 'v1', 'embedded');
    const ref = `${reg.hostPort}/emb/app:v1`;
    const s = await runCosign(['sign', '--key', keyPath, '--tlog-upload=false', '--use-signing-config=false', '--allow-http-registry', '--yes', ref], {
      password: PW,
      cosignPath: cosign,
    });
    expect(s.code, s.stderr).toBe(0);
    requests.length = 0;
    const v = await verifyArtifact(ref, { publicKeys: [{ name: 'cosign.pub', key: await loadPublicKey(pubPath) }], client });
    expect(v.verified, v.message).toBe(true);
    expect(v.matched).toMatchObject({ kind: 'bundle', identity: digest, where: expect.stringMatching(/^referrer sha256:/) });
    expect(requests.some((r) => r.path.startsWith(`/v2/emb/app/referrers/${digest}`) && r.status === 200)).toBe(true);
    expect(requests.some((r) => r.path.includes(`/manifests/${referrersFallbackTag(digest)}`))).toBe(false);
  }, 60_000);

  it('cosign verifies ocilab classic signatures on the embedded registry', async () => {
    await pushArtifact(client, 'emb/classic', 'v1', 'classic');
    const ref = `${reg.hostPort}/emb/classic:v1`;
    await signArtifact(ref, { privateKey: await loadPrivateKey(keyPath, PW), client });
    const r = await runCosign(cosignArgs({ op: 'verify', ref, key: pubPath, allowHttpRegistry: true }), { cosignPath: cosign });
    expect(r.code, r.stderr).toBe(0);
  }, 60_000);
});
