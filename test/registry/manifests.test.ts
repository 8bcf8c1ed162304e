/** Manifests, tags and referrers over raw HTTP, on both stores. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type RegistryHandle } from '../../src/registry/server.js';
import { EMPTY_CONFIG, OCI_INDEX, OCI_MANIFEST, errorCode, imageManifest, pushBlob, pushImage, putManifest, sha256 } from './client.js';

const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';

describe.each(['disk', 'memory'] as const)('manifests (%s store)', (kind) => {
  let work: string;
  let reg: RegistryHandle;
  let base: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'ocilab-manifests-'));
    reg = await startRegistry({ dir: kind === 'disk' ? join(work, 'store') : undefined });
    base = reg.url;
  });
  afterAll(async () => {
    await reg.close();
    await rm(work, { recursive: true, force: true });
  });

  it('stores by tag and serves GET/HEAD by tag and digest with the headers Flux needs', async () => {
    const { manifest, digest } = await pushImage(base, 'flux/app', 'latest');
    for (const ref of ['latest', digest]) {
      const head = await fetch(`${base}/v2/flux/app/manifests/${ref}`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-type')).toBe(OCI_MANIFEST);
      expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(manifest)));
      expect(head.headers.get('docker-content-digest')).toBe(digest);
      const get = await fetch(`${base}/v2/flux/app/manifests/${ref}`);
      expect(await get.text()).toBe(manifest);
    }
  });

  it('answers a manifest PUT with 201, a relative Location and the digest', async () => {
    await pushBlob(base, 'put/app', EMPTY_CONFIG);
    const manifest = imageManifest(EMPTY_CONFIG, []);
    const res = await putManifest(base, 'put/app', 'v1', manifest);
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/v2/put/app/manifests/${sha256(manifest)}`);
    expect(res.headers.get('docker-content-digest')).toBe(sha256(manifest));
  });

  it('accepts Docker manifest media types', async () => {
    const config = '{"architecture":"amd64","os":"linux"}';
    await pushBlob(base, 'docker/app', config);
    const layer = await pushBlob(base, 'docker/app', 'docker layer');
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: DOCKER_MANIFEST,
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: config.length, digest: sha256(config) },
      layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: 12, digest: layer }],
    });
    expect((await putManifest(base, 'docker/app', 'v1', manifest, DOCKER_MANIFEST)).status).toBe(201);
    const get = await fetch(`${base}/v2/docker/app/manifests/v1`);
    expect(get.headers.get('content-type')).toBe(DOCKER_MANIFEST);
  });

  it('refuses a manifest that references an unknown blob with MANIFEST_BLOB_UNKNOWN', async () => {
    await pushBlob(base, 'missing/app', EMPTY_CONFIG);
    const manifest = imageManifest(EMPTY_CONFIG, [{ digest: sha256('never pushed'), size: 12 }]);
    const res = await putManifest(base, 'missing/app', 'v1', manifest);
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe('MANIFEST_BLOB_UNKNOWN');
    expect((await fetch(`${base}/v2/missing/app/manifests/v1`)).status).toBe(404);
  });

  it('refuses a manifest over 4 MiB with 413, and accepts one just under', async () => {
    await pushBlob(base, 'big/app', EMPTY_CONFIG);
    const sized = (total: number) => {
      const probe = imageManifest(EMPTY_CONFIG, [], { annotations: { pad: '' } });
      return imageManifest(EMPTY_CONFIG, [], { annotations: { pad: 'x'.repeat(total - probe.length) } });
    };
    const over = sized(4 * 1024 * 1024 + 1);
    const res = await putManifest(base, 'big/app', 'over', over);
    expect(res.status).toBe(413);
    expect(await errorCode(res)).toBe('SIZE_INVALID');
    // Without Content-Length (chunked), the cap is enforced while reading.
    const streamed = await fetch(`${base}/v2/big/app/manifests/streamed`, {
      method: 'PUT',
      headers: { 'Content-Type': OCI_MANIFEST },
      body: Readable.toWeb(Readable.from([Buffer.from(over.slice(0, 1 << 20)), Buffer.from(over.slice(1 << 20))])) as ReadableStream,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(await errorCode(streamed)).toBe('SIZE_INVALID');
    const under = sized(4 * 1024 * 1024);
    expect((await putManifest(base, 'big/app', 'under', under)).status).toBe(201);
  });

  it.each([
    ['invalid JSON', '{"schemaVersion": 2,', OCI_MANIFEST, 400],
    ['wrong schemaVersion', JSON.stringify({ schemaVersion: 1, mediaType: OCI_MANIFEST }), OCI_MANIFEST, 400],
    ['mediaType unlike Content-Type', JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] }), OCI_MANIFEST, 400],
    ['config without digest', JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: 'x', size: 1 }, layers: [] }), OCI_MANIFEST, 400],
    ['annotations that are not a string map', JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [], annotations: { a: 1 } }), OCI_INDEX, 400],
    ['a JSON array', '[]', OCI_MANIFEST, 400],
    ['JSON null', 'null', OCI_MANIFEST, 400],
    ['unsupported media type', JSON.stringify({ schemaVersion: 2 }), 'application/vnd.example.unknown+json', 400],
  ])('refuses %s with MANIFEST_INVALID', async (_label, body, type, status) => {
    const res = await putManifest(base, 'invalid/app', 'v1', body, type);
    expect(res.status).toBe(status);
    expect(await errorCode(res)).toBe('MANIFEST_INVALID');
  });

  it('refuses a push by digest whose body has another digest', async () => {
    await pushBlob(base, 'bydigest/app', EMPTY_CONFIG);
    const manifest = imageManifest(EMPTY_CONFIG, []);
    const res = await putManifest(base, 'bydigest/app', sha256('something else'), manifest);
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe('DIGEST_INVALID');
    expect((await putManifest(base, 'bydigest/app', sha256(manifest), manifest)).status).toBe(201);
  });

  it('answers MANIFEST_UNKNOWN and NAME_UNKNOWN for what is not there', async () => {
    const res = await fetch(`${base}/v2/nothing/here/manifests/latest`);
    expect(res.status).toBe(404);
    expect(await errorCode(res)).toBe('MANIFEST_UNKNOWN');
    const tags = await fetch(`${base}/v2/nothing/here/tags/list`);
    expect(tags.status).toBe(404);
    expect(await errorCode(tags)).toBe('NAME_UNKNOWN');
  });

  it('lists tags in lexical order with n/last pagination and a Link header', async () => {
    const { manifest } = await pushImage(base, 'tags/app', 'b');
    for (const tag of ['a', 'c', 'd', 'e']) await putManifest(base, 'tags/app', tag, manifest);
    const all = await (await fetch(`${base}/v2/tags/app/tags/list`)).json();
    expect(all).toEqual({ name: 'tags/app', tags: ['a', 'b', 'c', 'd', 'e'] });
    const page1 = await fetch(`${base}/v2/tags/app/tags/list?n=2`);
    expect(await page1.json()).toEqual({ name: 'tags/app', tags: ['a', 'b'] });
    expect(page1.headers.get('link')).toBe('</v2/tags/app/tags/list?n=2&last=b>; rel="next"');
    const page3 = await fetch(`${base}/v2/tags/app/tags/list?n=2&last=d`);
    expect(await page3.json()).toEqual({ name: 'tags/app', tags: ['e'] });
    expect(page3.headers.get('link')).toBeNull();
  });

  it('deletes a tag by name, and a manifest by digest together with its tags', async () => {
    const { manifest, digest } = await pushImage(base, 'del/app', 'one');
    await putManifest(base, 'del/app', 'two', manifest);
    expect((await fetch(`${base}/v2/del/app/manifests/one`, { method: 'DELETE' })).status).toBe(202);
    expect((await fetch(`${base}/v2/del/app/manifests/one`)).status).toBe(404);
    expect((await fetch(`${base}/v2/del/app/manifests/two`)).status).toBe(200);
    expect((await fetch(`${base}/v2/del/app/manifests/${digest}`, { method: 'DELETE' })).status).toBe(202);
    expect((await fetch(`${base}/v2/del/app/manifests/two`)).status).toBe(404);
    expect((await fetch(`${base}/v2/del/app/manifests/${digest}`)).status).toBe(404);
  });

  it('serves referrers as an OCI index, filters by artifactType, and sets OCI-Subject', async () => {
    const subject = await pushImage(base, 'ref/app', 'v1');
    const subjectDesc = { mediaType: OCI_MANIFEST, digest: subject.digest, size: Buffer.byteLength(subject.manifest) };
    const referrer = (artifactType: string, text: string) =>
      imageManifest(EMPTY_CONFIG, [], { artifactType, subject: subjectDesc, annotations: { note: text } });
    await pushBlob(base, 'ref/app', EMPTY_CONFIG);
    const sig = referrer('application/vnd.dev.cosign.artifact.sig.v1+json', 'sig');
    const sbom = referrer('application/spdx+json', 'sbom');
    for (const m of [sig, sbom]) {
      const res = await putManifest(base, 'ref/app', sha256(m), m);
      expect(res.status).toBe(201);
      expect(res.headers.get('oci-subject')).toBe(subject.digest);
    }
    const all = await fetch(`${base}/v2/ref/app/referrers/${subject.digest}`);
    expect(all.status).toBe(200);
    expect(all.headers.get('content-type')).toBe(OCI_INDEX);
    const index = (await all.json()) as { schemaVersion: number; mediaType: string; manifests: { digest: string; artifactType: string; size: number; annotations: Record<string, string> }[] };
    expect(index.schemaVersion).toBe(2);
    expect(index.mediaType).toBe(OCI_INDEX);
    expect(index.manifests.map((m) => m.digest).sort()).toEqual([sha256(sig), sha256(sbom)].sort());
    expect(index.manifests.find((m) => m.digest === sha256(sig))).toMatchObject({ artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json', size: Buffer.byteLength(sig), annotations: { note: 'sig' } });
    const filtered = await fetch(`${base}/v2/ref/app/referrers/${subject.digest}?artifactType=application/spdx%2Bjson`);
    expect(filtered.headers.get('oci-filters-applied')).toBe('artifactType');
    expect(((await filtered.json()) as typeof index).manifests.map((m) => m.digest)).toEqual([sha256(sbom)]);
    // Deleting a referrer removes it from the index; an unknown subject is an empty index, not 404.
    await fetch(`${base}/v2/ref/app/manifests/${sha256(sig)}`, { method: 'DELETE' });
    const after = (await (await fetch(`${base}/v2/ref/app/referrers/${subject.digest}`)).json()) as typeof index;
    expect(after.manifests.map((m) => m.digest)).toEqual([sha256(sbom)]);
    const none = await fetch(`${base}/v2/ref/app/referrers/${sha256('no such subject')}`);
    expect(none.status).toBe(200);
    expect(((await none.json()) as typeof index).manifests).toEqual([]);
    const bad = await fetch(`${base}/v2/ref/app/referrers/not-a-digest`);
    expect(bad.status).toBe(400);
  });

  it('lists repositories in the catalog', async () => {
    await pushImage(base, 'catalog/one', 'v1');
    const res = await fetch(`${base}/v2/_catalog`);
    const { repositories } = (await res.json()) as { repositories: string[] };
    expect(repositories).toContain('catalog/one');
    expect(repositories).toEqual([...repositories].sort());
  });
});
