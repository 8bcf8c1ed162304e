import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { bundleToJSON, toDSSEBundle } from '@sigstore/bundle';
import { describe, expect, it } from 'vitest';
import { verifyBundle } from '../../src/cosign/bundle.js';
import { COSIGN_SIGN_PREDICATE, IN_TOTO_PAYLOAD_TYPE } from '../../src/cosign/bundle-format.js';
import { signMessage } from '../../src/cosign/signature.js';

const HEX = 'cd'.repeat(32);
const DIGEST = `sha256:${HEX}`;

function pae(type: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`DSSEv1 ${Buffer.byteLength(type)} ${type} ${body.length} `), body]);
}

/** A key-signed, tlog-less bundle shaped like `cosign sign --tlog-upload=false` output. */
function makeBundle(key: KeyObject, subjectHex: string, tamper?: (b: any) => void): Buffer {
  const statement = Buffer.from(
    JSON.stringify({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ digest: { sha256: subjectHex } }],
      predicateType: COSIGN_SIGN_PREDICATE,
      predicate: {},
    }),
  );
  const sig = signMessage(key, pae(IN_TOTO_PAYLOAD_TYPE, statement));
  const json: any = bundleToJSON(toDSSEBundle({ artifact: statement, artifactType: IN_TOTO_PAYLOAD_TYPE, signature: sig, keyHint: 'hint' }));
  tamper?.(json);
  return Buffer.from(JSON.stringify(json));
}

describe('verifyBundle (key-based, offline)', () => {
  const a = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const b = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const keys = [{ name: 'cosign.pub', key: a.publicKey }];

  it('accepts a bundle signed by the key for this digest', () => {
    const r = verifyBundle(makeBundle(a.privateKey, HEX), keys, DIGEST);
    expect(r).toEqual({ ok: true, keyName: 'cosign.pub', subjectDigest: DIGEST, predicateType: COSIGN_SIGN_PREDICATE });
  });

  it('tries every key and names the one that matched', () => {
    const r = verifyBundle(makeBundle(a.privateKey, HEX), [{ name: 'other.pub', key: b.publicKey }, ...keys], DIGEST);
    expect(r.ok && r.keyName).toBe('cosign.pub');
  });

  it.each([
    { name: 'wrong key', bundle: () => makeBundle(b.privateKey, HEX), problem: /does not verify with cosign\.pub/ },
    { name: 'other subject', bundle: () => makeBundle(a.privateKey, 'ef'.repeat(32)), problem: /signs sha256:efef.*not sha256:cdcd/ },
    {
      name: 'tampered statement',
      bundle: () =>
        makeBundle(a.privateKey, HEX, (j) => {
          const s = JSON.parse(Buffer.from(j.dsseEnvelope.payload, 'base64').toString());
          s.predicate = { evil: true };
          j.dsseEnvelope.payload = Buffer.from(JSON.stringify(s)).toString('base64');
        }),
      problem: /does not verify/,
    },
    { name: 'not a bundle', bundle: () => Buffer.from('{"hello":1}'), problem: /not a valid Sigstore bundle/ },
    { name: 'not JSON', bundle: () => Buffer.from('{'), problem: /not a valid Sigstore bundle/ },
  ])('rejects $name', ({ bundle, problem }) => {
    const r = verifyBundle(bundle(), keys, DIGEST);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem).toMatch(problem);
  });
});
