/**
 * ocilab signs and verifies against a real distribution registry (no cosign needed here;
 * cosign interop is in cosign-peer.test.ts). Covers appending, and every negative case.
 */
import { generateKeyPairSync } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSignatureImage, newSignatureLayer, OCI_MANIFEST_MEDIA_TYPE, signatureTag } from '../../src/cosign/classic.js';
import { publicKeyPem } from '../../src/cosign/key-file.js';
import { buildPayload } from '../../src/cosign/payload.js';
import { signArtifact } from '../../src/cosign/sign.js';
import { signMessage } from '../../src/cosign/signature.js';
import { verifyArtifact } from '../../src/cosign/verify.js';
import { peer } from '../helpers/peers.js';
import { pushArtifact, startDistribution, type TestRegistry } from './registry-peer.js';

const bin = peer('docker-registry', 'scripts/ci/install-cosign.sh');

describe.skipIf(!bin)('sign and verify on a real registry (docker-registry)', () => {
  let reg: TestRegistry;
  const good = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pub = [{ name: 'cosign.pub', key: good.publicKey }];

  beforeAll(async () => {
    reg = await startDistribution();
  });
  afterAll(async () => reg?.stop());

  it('signs by digest at sha256-<hex>.sig and verifies; signing again appends', async () => {
    const digest = await pushArtifact(reg.client, 'demo/app', 'v1', 'content v1');
    const s1 = await signArtifact(`${reg.host}/demo/app:v1`, { privateKey: good.privateKey, keyName: 'cosign.key', client: reg.client });
    expect(s1.digest).toBe(digest);
    expect(s1.signatureTag).toBe(signatureTag(digest));
    expect(s1.identity).toBe(`${reg.host}/demo/app`);
    expect(s1.signatureCount).toBe(1);
    const s2 = await signArtifact(`${reg.host}/demo/app@${digest}`, { privateKey: other.privateKey, client: reg.client });
    expect(s2.signatureCount).toBe(2);
    const sig = await reg.client.getManifest('demo/app', s1.signatureTag);
    expect((sig.json.layers as unknown[]).length).toBe(2);

    const v = await verifyArtifact(`${reg.host}/demo/app:v1`, { publicKeys: pub, client: reg.client });
    expect(v).toMatchObject({ verified: true, reason: 'Succeeded', digest });
    expect(v.matched).toMatchObject({ kind: 'classic', keyName: 'cosign.pub', payloadDigest: s1.payloadDigest, identity: `${reg.host}/demo/app` });
    expect(v.message).toMatch(/^verified signature of revision v1@sha256:/);
    expect(v.summary).toMatch(/^signed with cosign\.pub: the classic signature matches this artifact/);
    // Second key only matches the second layer.
    const v2 = await verifyArtifact(`${reg.host}/demo/app:v1`, { publicKeys: { 'other.pub': publicKeyPem(other.publicKey), 'ignored.txt': 'x' }, client: reg.client });
    expect(v2.matched?.where).toMatch(/layer 2 of 2/);
    expect(v2.checked[0]).toMatchObject({ ok: false });
    expect(v2.checked[0]!.problem).toMatch(/does not verify with other\.pub/);
  });

  it('unsigned: says so, with the tag it looked for, Flux wording', async () => {
    const digest = await pushArtifact(reg.client, 'demo/unsigned', 'v1', 'nobody signed me');
    const v = await verifyArtifact(`${reg.host}/demo/unsigned:v1`, { publicKeys: pub, client: reg.client });
    expect(v.verified).toBe(false);
    expect(v.reason).toBe('VerificationError');
    expect(v.message).toContain(`failed to verify the signature using provider 'cosign': no matching signatures were found for '${reg.host}/demo/unsigned@${digest}'`);
    expect(v.message).toContain(`no ${signatureTag(digest)} tag and no cosign bundle referrer`);
  });

  it('wrong key: names the key and the payload digest', async () => {
    await pushArtifact(reg.client, 'demo/wrongkey', 'v1', 'signed by someone else');
    const s = await signArtifact(`${reg.host}/demo/wrongkey:v1`, { privateKey: other.privateKey, client: reg.client });
    const v = await verifyArtifact(`${reg.host}/demo/wrongkey:v1`, { publicKeys: pub, client: reg.client });
    expect(v.verified).toBe(false);
    expect(v.message).toContain(`signature over payload ${s.payloadDigest} does not verify with cosign.pub`);
    expect(v.message).not.toMatch(/BEGIN|PRIVATE/);
    expect(v.summary).toMatch(/^signed, but not with cosign\.pub/);
  });

  it('tampered payload: a payload whose signature was made over other bytes', async () => {
    const digest = await pushArtifact(reg.client, 'demo/tampered', 'v1', 'tampered');
    const honest = buildPayload(`${reg.host}/demo/tampered`, digest);
    const forged = buildPayload(`${reg.host}/demo/tampered`, digest, { forged: 'yes' });
    const layer = newSignatureLayer(forged, signMessage(good.privateKey, honest));
    await writeImage(reg, 'demo/tampered', signatureTag(digest), [layer]);
    const v = await verifyArtifact(`${reg.host}/demo/tampered:v1`, { publicKeys: pub, client: reg.client });
    expect(v.verified).toBe(false);
    expect(v.checked[0]!.problem).toMatch(/does not verify with cosign\.pub/);
  });

  it('a valid signature copied to another artifact is refused (its payload names the other digest)', async () => {
    const d1 = await pushArtifact(reg.client, 'demo/copied', 'v1', 'one');
    const d2 = await pushArtifact(reg.client, 'demo/copied', 'v2', 'two');
    const payload = buildPayload(`${reg.host}/demo/copied`, d1);
    await writeImage(reg, 'demo/copied', signatureTag(d2), [newSignatureLayer(payload, signMessage(good.privateKey, payload))]);
    const v = await verifyArtifact(`${reg.host}/demo/copied:v2`, { publicKeys: pub, client: reg.client });
    expect(v.verified).toBe(false);
    expect(v.message).toContain(`its payload names ${d1}, not this artifact ${d2}`);
    expect(v.message).not.toMatch(/flux/i);
    expect(v.summary).toBe(`a signature by cosign.pub exists, but it was made for a different artifact, not ${d2.slice(0, 19)}…`);
  });

  it('moving the tag to an unsigned version fails; the old digest still verifies', async () => {
    await pushArtifact(reg.client, 'demo/moved', 'latest', 'good');
    const s = await signArtifact(`${reg.host}/demo/moved:latest`, { privateKey: good.privateKey, client: reg.client });
    await pushArtifact(reg.client, 'demo/moved', 'latest', 'evil');
    expect((await verifyArtifact(`${reg.host}/demo/moved:latest`, { publicKeys: pub, client: reg.client })).verified).toBe(false);
    expect((await verifyArtifact(`${reg.host}/demo/moved@${s.digest}`, { publicKeys: pub, client: reg.client })).verified).toBe(true);
  });

  it('a signature payload modified in registry storage: digest mismatch, named', async () => {
    await pushArtifact(reg.client, 'demo/storage', 'v1', 'storage');
    const s = await signArtifact(`${reg.host}/demo/storage:v1`, { privateKey: good.privateKey, client: reg.client });
    const hex = s.payloadDigest.slice('sha256:'.length);
    const file = join(reg.dataDir, 'docker/registry/v2/blobs/sha256', hex.slice(0, 2), hex, 'data');
    const bytes = await readFile(file);
    await writeFile(file, Buffer.from(bytes.toString().replace('"optional":null', '"optional":{}  ')));
    const v = await verifyArtifact(`${reg.host}/demo/storage:v1`, { publicKeys: pub, client: reg.client });
    expect(v.verified).toBe(false);
    expect(v.checked[0]!.problem).toMatch(new RegExp(`payload ${s.payloadDigest} cannot be read: .*${hex.slice(0, 12)}`));
    expect(v.summary).toMatch(/^signature data in the registry is damaged or unreadable/);
  });

  it('an aborted signal rejects instead of reporting "not verified"', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(verifyArtifact(`${reg.host}/demo/app:v1`, { publicKeys: pub, client: reg.client, signal: ac.signal })).rejects.toThrow();
    await expect(signArtifact(`${reg.host}/demo/app:v1`, { privateKey: good.privateKey, client: reg.client, signal: ac.signal })).rejects.toThrow();
  });

  it('bad input: missing artifact, bad reference, no keys', async () => {
    const missing = await verifyArtifact(`${reg.host}/demo/none:v1`, { publicKeys: pub, client: reg.client });
    expect(missing).toMatchObject({ verified: false, reason: 'VerificationError' });
    expect(missing.message).toMatch(/demo\/none:v1 does not exist/);
    const bad = await verifyArtifact('UPPER CASE', { publicKeys: pub });
    expect(bad.message).toMatch(/invalid OCI reference/);
    const none = await verifyArtifact(`${reg.host}/demo/app:v1`, { publicKeys: { 'ca.crt': 'x' }, client: reg.client });
    expect(none.message).toMatch(/no public keys given/);
  });
});

async function writeImage(reg: TestRegistry, repo: string, tag: string, layers: ReturnType<typeof newSignatureLayer>[]) {
  const image = buildSignatureImage([], layers);
  for (const b of image.blobs.values()) await reg.client.pushBlob(repo, b);
  await reg.client.pushBlob(repo, image.config);
  await reg.client.putManifest(repo, tag, image.manifest, OCI_MANIFEST_MEDIA_TYPE);
}
