import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  buildSignatureImage,
  newSignatureLayer,
  referrersFallbackTag,
  signatureConfig,
  signatureLayersOf,
  signatureTag,
} from '../../src/cosign/classic.js';
import { buildPayload, goJson, parsePayload } from '../../src/cosign/payload.js';
import { sha256Digest, signMessage, verifyMessage } from '../../src/cosign/signature.js';

const D = `sha256:${'ab'.repeat(32)}`;

describe('buildPayload', () => {
  it.each([
    {
      name: 'no annotations → optional null (exact cosign bytes)',
      ref: '127.0.0.1:5000/demo/app',
      ann: undefined as Record<string, string> | undefined,
      want: `{"critical":{"identity":{"docker-reference":"127.0.0.1:5000/demo/app"},"image":{"docker-manifest-digest":"${D}"},"type":"cosign container image signature"},"optional":null}`,
    },
    {
      name: 'annotations sorted by key',
      ref: 'ghcr.io/o/r',
      ann: { z: "1", a: "2" } as Record<string, string>,
      want: `{"critical":{"identity":{"docker-reference":"ghcr.io/o/r"},"image":{"docker-manifest-digest":"${D}"},"type":"cosign container image signature"},"optional":{"a":"2","z":"1"}}`,
    },
    {
      name: 'Go HTML escaping of <>&',
      ref: 'r/x',
      ann: { note: "a<b>&c" } as Record<string, string>,
      want: `{"critical":{"identity":{"docker-reference":"r/x"},"image":{"docker-manifest-digest":"${D}"},"type":"cosign container image signature"},"optional":{"note":"a\\u003cb\\u003e\\u0026c"}}`,
    },
  ])('$name', ({ ref, ann, want }) => {
    const bytes = buildPayload(ref, D, ann);
    expect(bytes.toString()).toBe(want);
    const parsed = parsePayload(bytes, 'test');
    expect(parsed.dockerReference).toBe(ref);
    expect(parsed.manifestDigest).toBe(D);
  });

  it('rejects a non-digest', () => {
    expect(() => buildPayload('r', 'latest')).toThrow(/cannot sign "latest": expected sha256/);
  });
});

describe('parsePayload rejects', () => {
  it.each([
    { name: 'not JSON', text: 'nope', message: /payload sha256:x is not JSON/ },
    { name: 'wrong type', text: '{"critical":{"type":"x"}}', message: /has type "x"/ },
    { name: 'missing digest', text: '{"critical":{"type":"cosign container image signature","identity":{"docker-reference":"r"}}}', message: /lacks critical/ },
  ])('$name', ({ text, message }) => {
    expect(() => parsePayload(Buffer.from(text), 'sha256:x')).toThrow(message);
  });
});

describe('signatures', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
  const msg = buildPayload('r/x', D);
  it('DER ECDSA over SHA-256, as cosign', () => {
    const sig = signMessage(privateKey, msg);
    expect(sig[0]).toBe(0x30);
    expect(verifyMessage(publicKey, msg, sig)).toBe(true);
  });
  it('accepts raw r||s (IEEE P1363) like sigstore', () => {
    const sig = sign('sha256', msg, { key: privateKey, dsaEncoding: 'ieee-p1363' });
    expect(sig).toHaveLength(64);
    expect(verifyMessage(publicKey, msg, sig)).toBe(true);
  });
  it.each([
    { name: 'wrong key', key: other, mutate: (b: Buffer) => b },
    { name: 'tampered payload', key: publicKey, mutate: (b: Buffer) => Buffer.concat([b, Buffer.from(' ')]) },
  ])('rejects $name', ({ key, mutate }) => {
    const sig = signMessage(privateKey, msg);
    expect(verifyMessage(key, mutate(msg), sig)).toBe(false);
  });
  it('garbage signature is false, not a throw', () => {
    expect(verifyMessage(publicKey, msg, Buffer.from('xx'))).toBe(false);
  });
});

describe('classic signature image', () => {
  it('tags', () => {
    expect(signatureTag(D)).toBe(`sha256-${'ab'.repeat(32)}.sig`);
    expect(referrersFallbackTag(D)).toBe(`sha256-${'ab'.repeat(32)}`);
    expect(() => signatureTag('latest')).toThrow(/not a digest/);
  });
  it('config is the 233-byte ggcr ConfigFile for one layer, 342 for two', () => {
    const l = { mediaType: 'x', size: 1, digest: D };
    expect(signatureConfig([l])).toHaveLength(233);
    expect(signatureConfig([l, l])).toHaveLength(342);
  });
  it('signing twice appends a layer', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const p = buildPayload('r/x', D);
    const first = buildSignatureImage([], [newSignatureLayer(p, signMessage(privateKey, p))]);
    const layers1 = signatureLayersOf(first.manifest, 'm');
    expect(layers1).toHaveLength(1);
    expect(layers1[0]!.digest).toBe(sha256Digest(p));
    expect(layers1[0]!.annotations!['dev.cosignproject.cosign/signature']).toMatch(/^[A-Za-z0-9+/]+=*$/);
    const second = buildSignatureImage(layers1, [newSignatureLayer(p, signMessage(privateKey, p))]);
    const doc = JSON.parse(second.manifest.toString());
    expect(doc.layers).toHaveLength(2);
    expect(Object.keys(doc)).toEqual(['schemaVersion', 'mediaType', 'config', 'layers']);
    expect(doc.config.size).toBe(342);
    expect(doc.config.digest).toBe(sha256Digest(second.config));
  });
  it('goJson escapes like Go', () => {
    expect(goJson({ a: '<&>' })).toBe('{"a":"\\u003c\\u0026\\u003e"}');
  });
});
