/** Hostile or unexpected artifacts served by a real registry: pull refuses with a clear error and writes nothing. */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { peer } from '../helpers/peers.js';
import { RegistryClient } from '../../src/oci/client.js';
import { digestOf } from '../../src/oci/digest.js';
import { OciError } from '../../src/oci/errors.js';
import { FLUX_CONFIG_BYTES, fluxManifest } from '../../src/oci/flux-manifest.js';
import * as mt from '../../src/oci/media-types.js';
import { pullArtifact, WHOLE_LAYER_MAX_BYTES } from '../../src/oci/remote.js';
import { startRegistry, type RunningRegistry } from './registry-peers.js';
import { rawTar, type RawEntry } from './tar-fixtures.js';
import { json, startFakeRegistry } from './fake-registry.js';

const hasRegistry = peer('docker-registry', 'scripts/ci/install-oci.sh');

describe.skipIf(!hasRegistry)('pullArtifact refuses bad artifacts', () => {
  let reg: RunningRegistry;
  let client: RegistryClient;
  let work: string;
  beforeAll(async () => {
    reg = await startRegistry('docker-registry');
    client = new RegistryClient({ registry: reg.host });
    work = await mkdtemp(join(tmpdir(), 'ocilab-pullbad-'));
  });
  afterAll(async () => {
    await client?.close();
    await reg?.stop();
    await rm(work, { recursive: true, force: true });
  });

  async function publish(tag: string, layer: Buffer, mediaType: string = mt.FLUX_CONTENT_TARGZ): Promise<string> {
    await client.pushBlob('bad/app', layer);
    await client.pushBlob('bad/app', FLUX_CONFIG_BYTES);
    const manifest = fluxManifest(
      { mediaType: mt.FLUX_CONFIG, digest: digestOf(FLUX_CONFIG_BYTES), size: FLUX_CONFIG_BYTES.length },
      { mediaType, digest: digestOf(layer), size: layer.length }, { 'org.opencontainers.image.revision': tag });
    await client.putManifest('bad/app', tag, manifest, mt.OCI_MANIFEST);
    return `oci://${reg.host}/bad/app:${tag}`;
  }

  it.each<[string, RawEntry[], RegExp]>([
    ['dotdot', [{ path: 'ok.yaml', body: 'x' }, { path: '../../escape.yaml', body: 'x' }], /entry "\.\.\/\.\.\/escape\.yaml" contains a "\.\." component/],
    ['hardlink', [{ path: 'ok.yaml', body: 'x' }, { path: 'h', type: 'Link', linkpath: '/etc/passwd' }], /entry "h" is a hard link/],
    ['fifo', [{ path: 'p', type: 'FIFO' }], /entry "p" has type FIFO/],
  ])('%s: error names layer and entry; no output, no temp dirs', async (tag, entries, message) => {
    const url = await publish(tag, rawTar(entries));
    const out = join(work, `out-${tag}`);
    const err = await pullArtifact(url, { output: out, client }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OciError);
    expect((err as OciError).message).toMatch(new RegExp(`layer sha256:[0-9a-f]{64} of oci://${reg.host}/bad/app:${tag}: `));
    expect((err as OciError).message).toMatch(message);
    expect(await readdir(work)).toEqual([]);
  });

  it('symlinks are dropped as flux pull does, or refused on request', async () => {
    const url = await publish('symlink', rawTar([{ path: 'a.yaml', body: 'a' }, { path: 'l', type: 'SymbolicLink', linkpath: '/etc/passwd' }]));
    const r = await pullArtifact(url, { output: join(work, 'sym'), client });
    expect(await readdir(join(work, 'sym'))).toEqual(['a.yaml']);
    expect(r.files).toBe(1);
    await expect(pullArtifact(url, { output: join(work, 'sym2'), client, refuseSymlinks: true })).rejects.toThrow(/entry "l" is a symlink/);
    await rm(join(work, 'sym'), { recursive: true });
  });

  it('over the size cap', async () => {
    const url = await publish('big', rawTar([{ path: 'big.yaml', body: Buffer.alloc(300_000) }]));
    await expect(pullArtifact(url, { output: join(work, 'big'), client, maxBytes: 100_000 })).rejects.toThrow(/files add up to more than 100000 bytes/);
    expect(await readdir(work)).toEqual([]);
  });

  it('a layer that is not Flux content', async () => {
    const url = await publish('helm', Buffer.from('not a chart'), 'application/vnd.cncf.helm.chart.content.v1.tar+gzip');
    await expect(pullArtifact(url, { output: join(work, 'helm'), client })).rejects.toThrow(/media type "application\/vnd\.cncf\.helm\.chart\.content\.v1\.tar\+gzip", not a Flux content layer/);
    expect(await readdir(work)).toEqual([]);
  });
});

describe('a tampered layer (FAKE registry serving other bytes under the layer digest)', () => {
  // The layer is extracted as it arrives; the digest is known only at its end. Whatever the
  // other bytes are (a valid tar, garbage), the error is the digest mismatch and nothing is left.
  const good = rawTar([{ path: 'app.yaml', body: 'kind: ConfigMap # aaaa' }]);
  const big = rawTar([{ path: 'big.bin', body: randomBytes(2 << 20) }]);
  const hugeBody = randomBytes(WHOLE_LAYER_MAX_BYTES + (1 << 20));
  // Plain tars (extraction sniffs the format): same length whatever the body.
  const huge = rawTar([{ path: 'huge.bin', body: hugeBody }], { gzip: false });
  const hugeOther = rawTar([{ path: 'huge.bin', body: Buffer.concat([hugeBody.subarray(1), Buffer.from('x')]) }], { gzip: false });
  it.each<[string, Buffer, Buffer]>([
    ['another valid tar', good, rawTar([{ path: 'app.yaml', body: 'kind: ConfigMap # bbbb' }])],
    ['garbage', good, Buffer.alloc(good.length, 0x5a)],
    // Over the fast path's threshold, read whole (up to WHOLE_LAYER_MAX_BYTES) before extraction.
    ['garbage, 2 MiB', big, Buffer.alloc(big.length, 0x5a)],
    // Over WHOLE_LAYER_MAX_BYTES, extracted as it arrives; the tar parser fails long before the last byte: the rest is read to learn the digest.
    ['garbage, over the whole-layer size', huge, Buffer.alloc(huge.length, 0x5a)],
    ['another valid tar, over the whole-layer size', huge, hugeOther],
  ])('%s: DIGEST_MISMATCH, no output, no temp dirs', async (_name, good, served) => {
    expect(served.length).toBe(good.length);
    const config = { mediaType: mt.FLUX_CONFIG, digest: digestOf(FLUX_CONFIG_BYTES), size: FLUX_CONFIG_BYTES.length };
    const manifest = fluxManifest(config, { mediaType: mt.FLUX_CONTENT_TARGZ, digest: digestOf(good), size: good.length }, {});
    const fake = await startFakeRegistry((req, res) => {
      if (req.url?.includes('/manifests/')) return void res.writeHead(200, { 'content-type': mt.OCI_MANIFEST, 'content-length': manifest.length }).end(req.method === 'HEAD' ? undefined : manifest);
      if (req.url?.endsWith(digestOf(good))) return void res.writeHead(200, { 'content-length': served.length }).end(served);
      json(res, 404, {});
    });
    const work = await mkdtemp(join(tmpdir(), 'ocilab-tamper-'));
    const c = new RegistryClient({ registry: fake.host, retries: 0 });
    try {
      const err = await pullArtifact(`oci://${fake.host}/app:v1`, { output: join(work, 'out'), client: c }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OciError);
      expect((err as OciError).code).toBe('DIGEST_MISMATCH');
      expect((err as OciError).message).toMatch(new RegExp(`blob ${digestOf(good)} in app: content digest is sha256:`));
      expect(await readdir(work)).toEqual([]);
    } finally {
      await c.close();
      await fake.close();
      await rm(work, { recursive: true, force: true });
    }
  });
});

describe('referrers API (FAKE registry that implements it, as distribution 2.8/3.0 do not)', () => {
  it('uses the API answer when the registry serves an index', async () => {
    const sig = { mediaType: mt.OCI_MANIFEST, digest: `sha256:${'c'.repeat(64)}`, size: 1, artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json' };
    const fake = await startFakeRegistry((req, res) => {
      if (req.url?.startsWith('/v2/app/referrers/')) return json(res, 200, { schemaVersion: 2, mediaType: mt.OCI_INDEX, manifests: [sig] }, { 'content-type': mt.OCI_INDEX });
      json(res, 404, {});
    });
    const c = new RegistryClient({ registry: fake.host });
    try {
      expect(await c.referrers('app', `sha256:${'a'.repeat(64)}`)).toEqual([sig]);
      expect(fake.log).toEqual([`GET /v2/app/referrers/sha256:${'a'.repeat(64)}`]);
    } finally {
      await c.close();
      await fake.close();
    }
  });
});
