/** The client against real distribution registries (2.8 from Debian, v3 from its Go module). */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { peer } from '../helpers/peers.js';
import { RegistryClient } from '../../src/oci/client.js';
import { digestOf } from '../../src/oci/digest.js';
import { OciError } from '../../src/oci/errors.js';
import * as mt from '../../src/oci/media-types.js';
import { startRegistry, type RegistryFlavour, type RunningRegistry } from './registry-peers.js';

const hint = 'scripts/ci/install-oci.sh';
const flavours = (['docker-registry', 'registry'] as RegistryFlavour[]).filter((f) => peer(f, hint));

function imageManifest(config: Buffer, layer: Buffer, extra: Record<string, unknown> = {}): Buffer {
  return Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: mt.OCI_MANIFEST,
    config: { mediaType: mt.FLUX_CONFIG, size: config.length, digest: digestOf(config) },
    layers: [{ mediaType: mt.FLUX_CONTENT_TARGZ, size: layer.length, digest: digestOf(layer) }],
    ...extra,
  }));
}

async function rejects(p: Promise<unknown>, code: string, text?: string | RegExp): Promise<OciError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err, 'expected a rejection').toBeInstanceOf(OciError);
  expect((err as OciError).code).toBe(code);
  if (text) expect((err as OciError).message).toMatch(text);
  return err as OciError;
}

describe.each(flavours)('RegistryClient against %s', (flavour) => {
  let reg: RunningRegistry;
  let client: RegistryClient;
  let work: string;

  beforeAll(async () => {
    reg = await startRegistry(flavour);
    client = new RegistryClient({ registry: reg.host, retries: 1, backoffMs: 10 });
    work = await mkdtemp(join(tmpdir(), 'ocilab-client-'));
  });
  afterAll(async () => {
    await client?.close();
    await reg?.stop();
    await rm(work, { recursive: true, force: true });
  });

  it('pings, uploads blobs monolithic and chunked, and reads them back verified', async () => {
    await client.ping();
    const small = Buffer.from('{"hello":"world"}');
    const big = randomBytes(3 * 1024 * 1024 + 123);
    const a = await client.pushBlob('test/blobs', small);
    expect(a).toMatchObject({ digest: digestOf(small), size: small.length, existed: false });
    await writeFile(join(work, 'big'), big);
    const b = await client.pushBlob('test/blobs', { path: join(work, 'big'), digest: digestOf(big), size: big.length }, { chunkSize: 1024 * 1024 });
    expect(b.existed).toBe(false);
    expect((await client.pushBlob('test/blobs', small)).existed).toBe(true);
    expect(await client.headBlob('test/blobs', digestOf(big))).toEqual({ size: big.length });
    expect(await client.headBlob('test/blobs', digestOf(Buffer.from('nope')))).toBeUndefined();
    const n = await client.downloadBlob('test/blobs', digestOf(big), join(work, 'big.out'), { size: big.length });
    expect(n).toBe(big.length);
    expect(digestOf(await readFile(join(work, 'big.out')))).toBe(digestOf(big));
    expect((await client.fetchBlob('test/blobs', digestOf(small))).toString()).toBe(small.toString());
  });

  it('mounts a blob from another repository', async () => {
    const data = randomBytes(1000);
    await client.pushBlob('test/from', data);
    const res = await client.pushBlob('test/to', data, { mountFrom: 'test/from' });
    expect(res.mounted).toBe(true);
    expect(await client.headBlob('test/to', digestOf(data))).toEqual({ size: 1000 });
  });

  it('puts, heads, gets and deletes manifests by tag and digest', async () => {
    const config = Buffer.from('{}');
    const layer = randomBytes(100);
    await client.pushBlob('test/app', config);
    await client.pushBlob('test/app', layer);
    const manifest = imageManifest(config, layer, { annotations: { 'org.opencontainers.image.revision': 'main@sha1:abc' } });
    const digest = await client.putManifest('test/app', 'v1', manifest, mt.OCI_MANIFEST);
    expect(digest).toBe(digestOf(manifest));
    expect(await client.headManifest('test/app', 'v1')).toEqual({ mediaType: mt.OCI_MANIFEST, digest, size: manifest.length });
    const got = await client.getManifest('test/app', digest);
    expect(got.bytes.equals(manifest)).toBe(true);
    expect((await client.getManifest('test/app', 'v1')).descriptor.digest).toBe(digest);
    expect(await client.headManifest('test/app', 'nope')).toBeUndefined();
    await rejects(client.getManifest('test/app', 'nope'), 'NOT_FOUND', /test\/app:nope.*MANIFEST_UNKNOWN/);
    await client.deleteManifest('test/app', digest);
    expect(await client.headManifest('test/app', digest)).toBeUndefined();
  });

  it('lists tags across pages (Link header)', async () => {
    const config = Buffer.from('{}');
    const layer = Buffer.from('layer');
    await client.pushBlob('test/tags', config);
    await client.pushBlob('test/tags', layer);
    const manifest = imageManifest(config, layer);
    const tags = Array.from({ length: 7 }, (_, i) => `t${i}`);
    for (const t of tags) await client.putManifest('test/tags', t, manifest, mt.OCI_MANIFEST);
    expect((await client.listTags('test/tags', { pageSize: 2 })).sort()).toEqual(tags);
    expect((await client.listTags('test/tags')).sort()).toEqual(tags);
  });

  it('referrers: falls back to the sha256-<hex> tag (empty when absent)', async () => {
    const config = Buffer.from('{}');
    const layer = Buffer.from('subject');
    await client.pushBlob('test/ref', config);
    await client.pushBlob('test/ref', layer);
    const subject = await client.putManifest('test/ref', 'v1', imageManifest(config, layer), mt.OCI_MANIFEST);
    expect(await client.referrers('test/ref', subject)).toEqual([]);
    const sigManifest = imageManifest(config, layer, { annotations: { sig: 'yes' } });
    const sigDigest = await client.putManifest('test/ref', digestOf(sigManifest), sigManifest, mt.OCI_MANIFEST);
    const sig = { mediaType: mt.OCI_MANIFEST, digest: sigDigest, size: sigManifest.length, artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json' };
    const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: mt.OCI_INDEX, manifests: [sig] }));
    await client.putManifest('test/ref', subject.replace(':', '-'), index, mt.OCI_INDEX);
    expect(await client.referrers('test/ref', subject)).toEqual([sig]);
    expect(await client.referrers('test/ref', subject, { artifactType: 'other' })).toEqual([]);
  });

  describe('bad input', () => {
    it('wrong digest on upload is refused by the registry, named as a digest mismatch', async () => {
      const data = Buffer.from('some bytes');
      await rejects(client.pushBlob('test/bad', data, { digest: digestOf(Buffer.from('other bytes')) }), 'DIGEST_MISMATCH', /rejected the upload.*DIGEST_INVALID/);
    });

    it('oversized manifest is refused before sending', async () => {
      const huge = Buffer.alloc(4 * 1024 * 1024 + 1, 0x20);
      await rejects(client.putManifest('test/bad', 'big', huge, mt.OCI_MANIFEST), 'MANIFEST_TOO_LARGE', /over the 4194304-byte cap/);
    });

    it('a manifest whose bytes do not hash to the requested digest', async () => {
      const m = imageManifest(Buffer.from('{}'), Buffer.from('x'));
      await rejects(client.putManifest('test/bad', digestOf(Buffer.from('other')), m, mt.OCI_MANIFEST), 'DIGEST_MISMATCH');
    });

    it('a blob read with the wrong expected size fails', async () => {
      const data = Buffer.from('twelve bytes');
      await client.pushBlob('test/sz', data);
      await rejects(client.downloadBlob('test/sz', digestOf(data), join(work, 'sz'), { size: 5 }), 'SIZE_MISMATCH', /announces 12 bytes/);
    });

    it('invalid repository names never reach the wire', async () => {
      const { parseReference } = await import('../../src/oci/reference.js');
      expect(() => parseReference(`oci://${reg.host}/UPPER/case`)).toThrow(/lowercase/);
    });
  });
});
