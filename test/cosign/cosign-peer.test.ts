/**
 * Interop with the real cosign CLI (scripts/ci/install-cosign.sh) on a real plain-HTTP
 * registry (docker-registry): each tool verifies the other's signatures, key files work both
 * ways, and both tools agree on every negative case. Offline: no Rekor, no Fulcio.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSignatureImage, newSignatureLayer, OCI_MANIFEST_MEDIA_TYPE, signatureConfig, signatureTag } from '../../src/cosign/classic.js';
import { cosignArgs, runCosign } from '../../src/cosign/cosign-cli.js';
import { isCosignError } from '../../src/cosign/errors.js';
import { generateKeyPairFiles, loadPrivateKey, loadPublicKey } from '../../src/cosign/keys.js';
import { buildPayload } from '../../src/cosign/payload.js';
import { signArtifact } from '../../src/cosign/sign.js';
import { signMessage } from '../../src/cosign/signature.js';
import { verifyArtifact } from '../../src/cosign/verify.js';
import { peer } from '../helpers/peers.js';
import { pushArtifact, startDistribution, type TestRegistry } from './registry-peer.js';

const cosign = peer('cosign', 'scripts/ci/install-cosign.sh');
const registryBin = peer('docker-registry', 'scripts/ci/install-cosign.sh');
const PW = Buffer.from('interop-password');

describe.skipIf(!cosign || !registryBin)('real cosign interop', () => {
  let reg: TestRegistry;
  let dir: string;
  let ours: { key: string; pub: string };
  let theirs: { key: string; pub: string };

  const verifyWithCosign = (ref: string, pub: string, extra: string[] = []) =>
    runCosign([...cosignArgs({ op: 'verify', ref, key: pub, allowHttpRegistry: true }).slice(0, -1), ...extra, ref], { cosignPath: cosign });
  const signWithCosign = (ref: string, key: string, opts: { bundle?: boolean; password?: Buffer } = {}) =>
    runCosign(
      opts.bundle
        ? ['sign', '--key', key, '--tlog-upload=false', '--use-signing-config=false', '--allow-http-registry', '--allow-insecure-registry', '--yes', ref]
        : cosignArgs({ op: 'sign', ref, key, allowHttpRegistry: true }),
      { password: opts.password ?? PW, cosignPath: cosign },
    );
  const verifyOurs = (ref: string, pub = ours.pub) =>
    loadPublicKey(pub).then((key) => verifyArtifact(ref, { publicKeys: [{ name: 'cosign.pub', key }], client: reg.client }));

  beforeAll(async () => {
    reg = await startDistribution();
    dir = await mkdtemp(join(tmpdir(), 'ocilab-cosign-peer-'));
    await mkdir(join(dir, 'ours'));
    await mkdir(join(dir, 'theirs'));
    const pair = await generateKeyPairFiles(join(dir, 'ours'), PW);
    ours = { key: pair.privateKeyPath, pub: pair.publicKeyPath };
    const gen = await runCosign(['generate-key-pair'], { cwd: join(dir, 'theirs'), password: PW, cosignPath: cosign });
    expect(gen.code, gen.stderr).toBe(0);
    theirs = { key: join(dir, 'theirs', 'cosign.key'), pub: join(dir, 'theirs', 'cosign.pub') };
  }, 120_000);
  afterAll(async () => {
    await reg?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('cosign verifies a signature ocilab made (key from ocilab)', async () => {
    const digest = await pushArtifact(reg.client, 'peer/a', 'v1', 'a');
    await signArtifact(`${reg.host}/peer/a:v1`, { privateKey: await loadPrivateKey(ours.key, PW), client: reg.client });
    const r = await verifyWithCosign(`${reg.host}/peer/a:v1`, ours.pub);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { critical: { image: { 'docker-manifest-digest': string }; identity: { 'docker-reference': string } } }[];
    expect(out[0]!.critical.image['docker-manifest-digest']).toBe(digest);
    expect(out[0]!.critical.identity['docker-reference']).toBe(`${reg.host}/peer/a`);
  }, 60_000);

  it('ocilab verifies cosign classic signatures, and writes byte-identical payload and config', async () => {
    const digest = await pushArtifact(reg.client, 'peer/b', 'v1', 'b');
    const s = await signWithCosign(`${reg.host}/peer/b:v1`, theirs.key);
    expect(s.code, s.stderr).toBe(0);
    const v = await verifyOurs(`${reg.host}/peer/b:v1`, theirs.pub);
    expect(v.verified, v.message).toBe(true);
    expect(v.matched).toMatchObject({ kind: 'classic', identity: `${reg.host}/peer/b` });
    const m = await reg.client.getManifest('peer/b', signatureTag(digest));
    const layer = (m.json.layers as { digest: string; mediaType: string }[])[0]!;
    const blob = await reg.client.fetchBlob('peer/b', layer.digest);
    expect(blob.toString()).toBe(buildPayload(`${reg.host}/peer/b`, digest).toString());
    const config = await reg.client.fetchBlob('peer/b', (m.json.config as { digest: string }).digest);
    expect(config.toString()).toBe(signatureConfig([layer as never]).toString());
    // ocilab appends to cosign's .sig image; cosign still verifies, and sees both.
    await signArtifact(`${reg.host}/peer/b:v1`, { privateKey: await loadPrivateKey(ours.key, PW), client: reg.client });
    const both = await verifyWithCosign(`${reg.host}/peer/b:v1`, theirs.pub);
    expect(both.code, both.stderr).toBe(0);
    expect(((await reg.client.getManifest('peer/b', signatureTag(digest))).json.layers as unknown[]).length).toBe(2);
  }, 60_000);

  it('ocilab verifies the cosign v3 bundle default (key-based, offline, fallback tag)', async () => {
    const digest = await pushArtifact(reg.client, 'peer/c', 'v1', 'c');
    const s = await signWithCosign(`${reg.host}/peer/c:v1`, theirs.key, { bundle: true });
    expect(s.code, s.stderr).toBe(0);
    const v = await verifyOurs(`${reg.host}/peer/c:v1`, theirs.pub);
    expect(v.verified, v.message).toBe(true);
    expect(v.matched).toMatchObject({ kind: 'bundle', identity: digest });
    const wrong = await verifyOurs(`${reg.host}/peer/c:v1`, ours.pub);
    expect(wrong.verified).toBe(false);
    expect(wrong.message).toMatch(/DSSE signature does not verify with cosign\.pub/);
  }, 60_000);

  it('key files interoperate: cosign signs with an ocilab key, ocilab signs with a cosign key', async () => {
    await pushArtifact(reg.client, 'peer/d', 'v1', 'd');
    const s = await signWithCosign(`${reg.host}/peer/d:v1`, ours.key);
    expect(s.code, s.stderr).toBe(0);
    expect((await verifyOurs(`${reg.host}/peer/d:v1`, ours.pub)).verified).toBe(true);
    await pushArtifact(reg.client, 'peer/e', 'v1', 'e');
    await signArtifact(`${reg.host}/peer/e:v1`, { privateKey: await loadPrivateKey(theirs.key, PW), client: reg.client });
    const r = await verifyWithCosign(`${reg.host}/peer/e:v1`, theirs.pub);
    expect(r.code, r.stderr).toBe(0);
  }, 60_000);

  it('both read the older ENCRYPTED COSIGN PRIVATE KEY label', async () => {
    const old = join(dir, 'old-label.key');
    await writeFile(old, (await readFile(theirs.key, 'utf8')).replaceAll('ENCRYPTED SIGSTORE PRIVATE KEY', 'ENCRYPTED COSIGN PRIVATE KEY'), { mode: 0o600 });
    const c = await runCosign(['public-key', '--key', old], { password: PW, cosignPath: cosign });
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout).toBe(await readFile(theirs.pub, 'utf8'));
    expect((await loadPrivateKey(old, PW)).asymmetricKeyType).toBe('ec');
  }, 60_000);

  describe('negative cases: both tools refuse', () => {
    it('wrong key', async () => {
      await pushArtifact(reg.client, 'peer/n1', 'v1', 'n1');
      await signArtifact(`${reg.host}/peer/n1:v1`, { privateKey: await loadPrivateKey(ours.key, PW), client: reg.client });
      expect((await verifyWithCosign(`${reg.host}/peer/n1:v1`, theirs.pub)).code).not.toBe(0);
      expect((await verifyOurs(`${reg.host}/peer/n1:v1`, theirs.pub)).verified).toBe(false);
    }, 60_000);

    it('unsigned', async () => {
      await pushArtifact(reg.client, 'peer/n2', 'v1', 'n2');
      const c = await verifyWithCosign(`${reg.host}/peer/n2:v1`, ours.pub);
      expect(c.code).not.toBe(0);
      expect(c.stderr).toMatch(/no signatures found|no matching signatures/i);
      expect((await verifyOurs(`${reg.host}/peer/n2:v1`)).verified).toBe(false);
    }, 60_000);

    it('tampered payload', async () => {
      const digest = await pushArtifact(reg.client, 'peer/n3', 'v1', 'n3');
      const key = await loadPrivateKey(ours.key, PW);
      const honest = buildPayload(`${reg.host}/peer/n3`, digest);
      const forged = buildPayload(`${reg.host}/peer/n3`, digest, { tampered: 'true' });
      const image = buildSignatureImage([], [newSignatureLayer(forged, signMessage(key, honest))]);
      for (const b of image.blobs.values()) await reg.client.pushBlob('peer/n3', b);
      await reg.client.pushBlob('peer/n3', image.config);
      await reg.client.putManifest('peer/n3', signatureTag(digest), image.manifest, OCI_MANIFEST_MEDIA_TYPE);
      expect((await verifyWithCosign(`${reg.host}/peer/n3:v1`, ours.pub)).code).not.toBe(0);
      expect((await verifyOurs(`${reg.host}/peer/n3:v1`)).verified).toBe(false);
    }, 60_000);

    it('wrong password', async () => {
      await pushArtifact(reg.client, 'peer/n4', 'v1', 'n4');
      const c = await signWithCosign(`${reg.host}/peer/n4:v1`, ours.key, { password: Buffer.from('wrong') });
      expect(c.code).not.toBe(0);
      expect(c.stderr).toMatch(/decrypt|password/i);
      const e = await loadPrivateKey(theirs.key, Buffer.from('wrong')).catch((x: unknown) => x);
      expect(isCosignError(e, 'WRONG_PASSWORD')).toBe(true);
    }, 60_000);

    it('truncated key file', async () => {
      await pushArtifact(reg.client, 'peer/n5', 'v1', 'n5');
      const cut = join(dir, 'cut.key');
      await writeFile(cut, (await readFile(theirs.key, 'utf8')).slice(0, 150), { mode: 0o600 });
      expect((await signWithCosign(`${reg.host}/peer/n5:v1`, cut)).code).not.toBe(0);
      const e = await loadPrivateKey(cut, PW).catch((x: unknown) => x);
      expect(isCosignError(e, 'KEY_FILE_TRUNCATED')).toBe(true);
      const cutPub = join(dir, 'cut.pub');
      await writeFile(cutPub, (await readFile(theirs.pub, 'utf8')).slice(0, 60));
      expect((await verifyWithCosign(`${reg.host}/peer/n5:v1`, cutPub)).code).not.toBe(0);
      await expect(loadPublicKey(cutPub)).rejects.toThrow(/cut\.pub is truncated/);
    }, 60_000);
  });

  it('a foreign key type still fails cleanly in both (RSA pub against an ECDSA signature)', async () => {
    const rsa = join(dir, 'rsa.pub');
    await writeFile(rsa, generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'pem', type: 'spki' }) as string);
    expect((await verifyWithCosign(`${reg.host}/peer/a:v1`, rsa)).code).not.toBe(0);
    expect((await verifyOurs(`${reg.host}/peer/a:v1`, rsa)).verified).toBe(false);
  }, 60_000);
});
