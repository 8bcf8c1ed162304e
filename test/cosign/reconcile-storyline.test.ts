/**
 * The cosign-verify storyline end to end through the local reconciler (stand-in for
 * source-controller) with the real cosign verifier plugged into spec.verify, on the embedded
 * registry: signed → Ready; tamper 1 (unsigned push, same tag) and tamper 2 (other key) →
 * SourceVerified=False while the last good artifact is kept; signing properly recovers.
 * A valid signature copied next to another digest is refused by ocilab's verifier.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signatureTag } from '../../src/cosign/classic.js';
import { publicKeyPem } from '../../src/cosign/key-file.js';
import { signArtifact } from '../../src/cosign/sign.js';
import { cosignSourceVerifier } from '../../src/cosign/source-verifier.js';
import { verifyArtifact } from '../../src/cosign/verify.js';
import { RegistryClient } from '../../src/oci/client.js';
import { pushArtifact } from '../../src/oci/remote.js';
import { fluxTarballArchive } from '../../src/reconcile/archive.js';
import { getCondition } from '../../src/flux/conditions.js';
import { LocalReconciler } from '../../src/reconcile/reconciler.js';
import { parseLocalObjects, parseSources, type SecretObject } from '../../src/flux/sources.js';
import { ArtifactStorage } from '../../src/reconcile/storage.js';
import { startRegistry, type RegistryHandle } from '../../src/registry/server.js';

describe('cosign-verify storyline through the local reconciler', () => {
  let reg: RegistryHandle;
  let client: RegistryClient;
  let work: string;
  let rec: LocalReconciler;
  const good = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const attacker = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const key = { kind: 'OCIRepository' as const, namespace: 'flux-system', name: 'app' };

  beforeAll(async () => {
    reg = await startRegistry();
    client = new RegistryClient({ registry: reg.hostPort, insecure: true });
    work = await mkdtemp(join(tmpdir(), 'ocilab-cosign-story-'));
    rec = new LocalReconciler({ storage: new ArtifactStorage(join(work, 'storage'), fluxTarballArchive), verifiers: [cosignSourceVerifier] });
    const pem = Buffer.from(publicKeyPem(good.publicKey)).toString('base64');
    const objects = parseLocalObjects(`apiVersion: v1
kind: Secret
metadata: {name: cosign-pub, namespace: flux-system}
data:
  cosign.pub: ${pem}
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata: {name: app, namespace: flux-system}
spec:
  interval: 5m
  url: oci://${reg.hostPort}/fleet/app
  insecure: true
  ref: {tag: latest}
  verify:
    provider: cosign
    secretRef: {name: cosign-pub}
`);
    rec.applySecret(objects.find((o) => o.kind === 'Secret') as SecretObject);
    rec.apply(parseSources(objects.filter((o) => o.kind !== 'Secret').map((o) => JSON.stringify(o)).join('\n---\n'))[0]!);
  });
  afterAll(async () => {
    await rec?.stop();
    await client?.close();
    await reg?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  const push = async (content: string) => {
    const dir = join(work, `src-${content.replace(/\W/g, '')}`);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'cm.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  V: "${content}"\n`);
    const r = await pushArtifact(`oci://${reg.hostPort}/fleet/app:latest`, { path: dir, source: 'http://git.example/fleet.git', revision: `main@sha1:${'b'.repeat(40)}` });
    return r.digest;
  };
  const sign = (digest: string, k = good.privateKey) => signArtifact(`${reg.hostPort}/fleet/app@${digest}`, { privateKey: k, client });

  it('verifies, refuses two tampers keeping the last good artifact, and recovers', async () => {
    const d1 = await push('v1');
    await sign(d1);
    const s1 = await rec.reconcileNow(key);
    expect(getCondition(s1.conditions, 'SourceVerified')).toMatchObject({ status: 'True', reason: 'Succeeded' });
    expect(getCondition(s1.conditions, 'SourceVerified')?.message).toBe(`verified signature of revision latest@${d1}`);
    expect(s1.artifact?.revision).toBe(`latest@${d1}`);

    // tamper 1: an unsigned version pushed to the same tag
    const d2 = await push('v2 unsigned');
    const s2 = await rec.reconcileNow(key);
    expect(getCondition(s2.conditions, 'SourceVerified')).toMatchObject({ status: 'False', reason: 'VerificationError' });
    expect(getCondition(s2.conditions, 'SourceVerified')?.message).toMatch(
      new RegExp(`^failed to verify the signature using provider 'cosign': no matching signatures were found for '${reg.hostPort}/fleet/app@${d2}'`),
    );
    expect(getCondition(s2.conditions, 'Ready')?.status).toBe('False');
    expect(s2.artifact?.revision).toBe(`latest@${d1}`); // last good artifact kept

    // tamper 2: signed, but with another key
    await sign(d2, attacker.privateKey);
    const s3 = await rec.reconcileNow(key);
    expect(getCondition(s3.conditions, 'SourceVerified')?.message).toMatch(/does not verify with cosign\.pub/);
    expect(s3.artifact?.revision).toBe(`latest@${d1}`);

    // recover: sign with the right key (appended to the same .sig image)
    await sign(d2);
    const s4 = await rec.reconcileNow(key);
    expect(getCondition(s4.conditions, 'SourceVerified')).toMatchObject({ status: 'True' });
    expect(getCondition(s4.conditions, 'SourceVerified')?.message).toBe(`verified signature of revision latest@${d2}`);
    expect(getCondition(s4.conditions, 'Ready')?.status).toBe('True');
    expect(s4.artifact?.revision).toBe(`latest@${d2}`);
  }, 60_000);

  it('a valid signature copied next to another digest is refused: its payload names the old digest (as cosign verify --check-claims)', async () => {
    const d1 = await push('copy v1');
    await sign(d1);
    const d2 = await push('copy v2');
    const sig = await client.getManifest('fleet/app', signatureTag(d1));
    await client.putManifest('fleet/app', signatureTag(d2), sig.bytes, sig.descriptor.mediaType);

    const v = await verifyArtifact(`${reg.hostPort}/fleet/app@${d2}`, { publicKeys: [{ name: 'cosign.pub', key: good.publicKey }], client });
    expect(v.verified).toBe(false);
    expect(v.checked[0]).toMatchObject({ ok: false, cause: 'other-artifact' });
    expect(v.message).toContain(`signature is valid (cosign.pub) but its payload names ${d1}, not this artifact ${d2}`);
    // ocilab's own behaviour only: nothing said here about what other verifiers do.
    expect(v.message).not.toMatch(/flux/i);
    expect(v.summary).toBe(`a signature by cosign.pub exists, but it was made for a different artifact, not ${d2.slice(0, 19)}…`);

    const s = await rec.reconcileNow(key);
    expect(getCondition(s.conditions, 'SourceVerified')).toMatchObject({ status: 'False', reason: 'VerificationError' });
    expect(getCondition(s.conditions, 'SourceVerified')?.message).toContain(`its payload names ${d1}, not this artifact ${d2}`);
    expect(s.artifact?.revision).not.toBe(`latest@${d2}`);
  }, 60_000);
});
