/**
 * The verifier the local reconciler calls for OCIRepository spec.verify, on a real registry.
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publicKeyPem } from '../../src/cosign/key-file.js';
import { signArtifact } from '../../src/cosign/sign.js';
import { cosignSourceVerifier, type CosignVerifyRequest } from '../../src/cosign/source-verifier.js';
import { parseReference } from '../../src/oci/reference.js';
import { peer } from '../helpers/peers.js';
import { pushArtifact, startDistribution, type TestRegistry } from './registry-peer.js';

const bin = peer('docker-registry', 'scripts/ci/install-cosign.sh');

describe.skipIf(!bin)('cosignSourceVerifier (OCIRepository spec.verify)', () => {
  let reg: TestRegistry;
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const secretData = { 'cosign.pub': Buffer.from(publicKeyPem(key.publicKey)) };
  beforeAll(async () => {
    reg = await startDistribution();
  });
  afterAll(async () => reg?.stop());

  const request = (tag: string, digest: string, over: Partial<CosignVerifyRequest> = {}): CosignVerifyRequest => ({
    ref: parseReference(`${reg.host}/flux/app:${tag}`),
    digest,
    client: reg.client,
    verify: { provider: 'cosign', secretRef: { name: 'cosign-pub' } },
    namespace: 'flux-system',
    secretData,
    signal: new AbortController().signal,
    ...over,
  });

  it('resolves with the SourceVerified message for a signed artifact', async () => {
    const digest = await pushArtifact(reg.client, 'flux/app', 'v1', 'signed');
    await signArtifact(`${reg.host}/flux/app@${digest}`, { privateKey: key.privateKey, client: reg.client });
    expect(cosignSourceVerifier.provider).toBe('cosign');
    const r = await cosignSourceVerifier.verify(request('v1', digest));
    expect(r).toEqual({}); // the reconciler writes Flux's own success message
  });

  it('rejects an unsigned artifact with Flux wording (the reconciler adds the provider prefix)', async () => {
    const digest = await pushArtifact(reg.client, 'flux/app', 'v2', 'unsigned');
    const err = await cosignSourceVerifier.verify(request('v2', digest)).catch((e: Error) => e);
    expect((err as Error).message).toMatch(new RegExp(`^no matching signatures were found for '${reg.host}/flux/app@${digest}'`));
  });

  it('explains keyless and a Secret without .pub keys', async () => {
    const digest = await pushArtifact(reg.client, 'flux/app', 'v3', 'x');
    await expect(cosignSourceVerifier.verify(request('v3', digest, { verify: { provider: 'cosign' }, secretData: undefined }))).rejects.toThrow(
      /keyless verification \(no secretRef\) needs Rekor/,
    );
    await expect(cosignSourceVerifier.verify(request('v3', digest, { secretData: { 'ca.crt': Buffer.from('x') } }))).rejects.toThrow(
      /secret 'flux-system\/cosign-pub' has no key ending in \.pub/,
    );
  });
});
