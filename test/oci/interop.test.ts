/**
 * Flux artifacts between ocilab and real peers: the distribution registry (2.8 and v3) and
 * crane (go-containerregistry, the library the flux CLI and source-controller use).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { peer } from '../helpers/peers.js';
import { buildArtifact } from '../../src/oci/artifact.js';
import { extractTarball } from '../../src/oci/extract.js';
import * as mt from '../../src/oci/media-types.js';
import { listArtifacts, pullArtifact, pushArtifact, tagArtifact } from '../../src/oci/remote.js';
import { startRegistry, type RegistryFlavour, type RunningRegistry } from './registry-peers.js';
import { EXPECTED_FILES, makeSourceTree, readTree } from './tree.js';

const run = promisify(execFile);
const hint = 'scripts/ci/install-oci.sh';
const crane = peer('crane', hint);
const flavours = (['docker-registry', 'registry'] as RegistryFlavour[]).filter((f) => peer(f, hint));

describe.each(flavours)('Flux artifacts via %s', (flavour) => {
  let reg: RunningRegistry;
  let work: string;
  let src: string;

  beforeAll(async () => {
    reg = await startRegistry(flavour);
    work = await mkdtemp(join(tmpdir(), 'ocilab-interop-'));
    src = join(work, 'src');
    await makeSourceTree(src);
  });
  afterAll(async () => {
    await reg?.stop();
    await rm(work, { recursive: true, force: true });
  });

  it('push, pull, tag and list with ocilab', async () => {
    const ref = `oci://${reg.host}/demo/app:v1`;
    const pushed = await pushArtifact(ref, { path: src, source: 'https://github.com/org/repo', revision: 'main@sha1:0123abc' });
    expect(pushed.url).toBe(`oci://${reg.host}/demo/app@${pushed.digest}`);
    const pulled = await pullArtifact(ref, { output: join(work, 'pulled') });
    expect(pulled.digest).toBe(pushed.digest);
    expect(pulled.revision).toBe('main@sha1:0123abc');
    expect(pulled.files).toBe(EXPECTED_FILES.length);
    expect(pulled.bytes.layer).toBe(pushed.layer.size);
    for (const t of Object.values(pulled.timings)) expect(t).toBeGreaterThan(0);
    expect(Object.keys(await readTree(join(work, 'pulled')))).toEqual(EXPECTED_FILES);

    const tagged = await tagArtifact(ref, 'production');
    expect(tagged.digest).toBe(pushed.digest);
    const list = await listArtifacts(`oci://${reg.host}/demo/app`);
    expect(list.map((a) => [a.tag, a.digest, a.revision])).toEqual([
      ['production', pushed.digest, 'main@sha1:0123abc'],
      ['v1', pushed.digest, 'main@sha1:0123abc'],
    ]);
    // Chunked upload gives the same artifact.
    const chunked = await pushArtifact(`oci://${reg.host}/demo/chunked:v1`, { path: src, source: 's', revision: 'r', reproducible: true, chunkSize: 100 });
    expect(chunked.layer.digest).toBe(pushed.layer.digest);
  });

  it.skipIf(!crane)('crane reads what ocilab pushed: media types, annotations, same files', async () => {
    const ref = `${reg.host}/demo/crane-reads:v1`;
    const pushed = await pushArtifact(`oci://${ref}`, { path: src, source: 'https://example.com/repo.git', revision: 'v1@sha1:feed', reproducible: true });
    const manifest = JSON.parse((await run(crane!, ['manifest', ref])).stdout);
    expect(manifest.mediaType).toBe(mt.OCI_MANIFEST);
    expect(manifest.config.mediaType).toBe(mt.FLUX_CONFIG);
    expect(manifest.layers).toEqual([{ mediaType: mt.FLUX_CONTENT_TARGZ, size: pushed.layer.size, digest: pushed.layer.digest }]);
    expect(manifest.annotations).toEqual({
      'org.opencontainers.image.created': '1970-01-01T00:00:00Z',
      'org.opencontainers.image.revision': 'v1@sha1:feed',
      'org.opencontainers.image.source': 'https://example.com/repo.git',
    });
    expect((await run(crane!, ['digest', ref])).stdout.trim()).toBe(pushed.digest);
    const config = JSON.parse((await run(crane!, ['config', ref])).stdout);
    expect(config).toMatchObject({ architecture: '', os: '', rootfs: { type: 'layers' } });
    // crane export flattens the layer into a plain tar: same files as the source.
    await run(crane!, ['export', ref, join(work, 'export.tar')]);
    await extractTarball(join(work, 'export.tar'), join(work, 'exported'));
    await pullArtifact(`oci://${ref}`, { output: join(work, 'pulled-ref') });
    expect(await readTree(join(work, 'exported'))).toEqual(await readTree(join(work, 'pulled-ref')));
    expect(Object.keys(await readTree(join(work, 'exported')))).toEqual(EXPECTED_FILES);
  });

  it.skipIf(!crane)('ocilab pulls what crane pushed (crane append, docker and OCI bases)', async () => {
    const built = await buildArtifact({ path: src, output: join(work, 'for-crane.tgz') });
    for (const [tag, extra] of [['docker', []], ['oci', ['--oci-empty-base']]] as const) {
      const ref = `${reg.host}/demo/from-crane:${tag}`;
      await run(crane!, ['append', '-f', built.output, '-t', ref, ...extra]);
      const pulled = await pullArtifact(`oci://${ref}`, { output: join(work, `from-crane-${tag}`) });
      expect(pulled.layer.digest).toBe(built.digest);
      expect(Object.keys(await readTree(join(work, `from-crane-${tag}`)))).toEqual(EXPECTED_FILES);
    }
  });

  it.skipIf(!crane)('ocilab tags what crane pushed, crane sees the tag', async () => {
    await writeFile(join(work, 'x.yaml'), 'x: 1\n');
    const built = await buildArtifact({ path: join(work, 'x.yaml'), output: join(work, 'x.tgz') });
    const ref = `${reg.host}/demo/tagged:v1`;
    await run(crane!, ['append', '-f', built.output, '-t', ref, '--oci-empty-base']);
    await tagArtifact(`oci://${ref}`, 'stable');
    expect((await run(crane!, ['ls', `${reg.host}/demo/tagged`])).stdout.trim().split('\n').sort()).toEqual(['stable', 'v1']);
  });
});
