import { mkdtemp, rm, stat, symlink } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { Parser, type ReadEntry } from 'tar';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildArtifact } from '../../src/oci/artifact.js';
import { fluxAnnotations, fluxManifest, goJson } from '../../src/oci/flux-manifest.js';
import { extractTarball } from '../../src/oci/extract.js';
import { EXPECTED_FILES, makeSourceTree, readTree } from './tree.js';
import { readFile } from 'node:fs/promises';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'ocilab-artifact-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

interface Seen { path: string; type: string; mode: number; uid: number; gid: number; uname: string; gname: string; mtime: number; size: number }

async function entries(tgz: string): Promise<Seen[]> {
  const seen: Seen[] = [];
  const parser = new Parser({
    strict: true,
    onReadEntry: (e: ReadEntry) => {
      seen.push({ path: e.path, type: e.type, mode: e.mode ?? -1, uid: e.uid ?? -1, gid: e.gid ?? -1, uname: e.uname ?? '', gname: e.gname ?? '', mtime: e.mtime?.getTime() ?? -1, size: e.size });
      e.resume();
    },
  });
  await pipeline(createReadStream(tgz), createGunzip(), parser as unknown as NodeJS.WritableStream);
  return seen;
}

describe('buildArtifact (flux build artifact format)', () => {
  it('walks lexically, root ".", no trailing slashes, files and dirs only, normalised headers', async () => {
    const src = join(root, 'src');
    await makeSourceTree(src);
    const out = join(root, 'artifact.tgz');
    const res = await buildArtifact({ path: src, output: out });
    const seen = await entries(out);
    expect(seen.map((e) => e.path)).toEqual(['.', 'apps', 'apps/podinfo', ...EXPECTED_FILES.slice(0, 2), 'infra', ...EXPECTED_FILES.slice(2)]);
    expect(seen.map((e) => e.type)).toEqual(['Directory', 'Directory', 'Directory', 'File', 'File', 'Directory', 'File', 'File', 'File', 'File']);
    for (const e of seen) expect({ uid: e.uid, gid: e.gid, uname: e.uname, gname: e.gname, mtime: e.mtime }).toEqual({ uid: 0, gid: 0, uname: '', gname: '', mtime: 0 });
    expect(seen.find((e) => e.path === 'run.sh')?.mode).toBe(0o755);
    expect(res.skipped).toEqual(['link.yaml']);
    expect(res).toMatchObject({ files: 6, directories: 4 });
    expect(((await stat(out)).mode & 0o777)).toBe(0o640);
    const bytes = await readFile(out);
    expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(bytes[9]).toBe(255); // OS byte as Go's gzip writes it
    expect(res.size).toBe(bytes.length);
  });

  it('round-trips through the safe extractor', async () => {
    const src = join(root, 'src');
    await makeSourceTree(src);
    await buildArtifact({ path: src, output: join(root, 'a.tgz') });
    await extractTarball(join(root, 'a.tgz'), join(root, 'out'));
    expect(Object.keys(await readTree(join(root, 'out')))).toEqual(EXPECTED_FILES);
    expect((await readTree(join(root, 'out')))['run.sh']).toBe((await readTree(src))['run.sh']);
  });

  it('ignore paths: --ignore-paths replaces the defaults, --add-ignore-paths appends', async () => {
    const src = join(root, 'src');
    await makeSourceTree(src);
    await buildArtifact({ path: src, output: join(root, 'b.tgz'), addIgnorePaths: ['infra/', '*.sh'] });
    expect((await entries(join(root, 'b.tgz'))).map((e) => e.path)).toEqual(['.', 'apps', 'apps/podinfo', ...EXPECTED_FILES.slice(0, 2)]);
    await buildArtifact({ path: src, output: join(root, 'c.tgz'), ignorePaths: ['apps/'] });
    const paths = (await entries(join(root, 'c.tgz'))).map((e) => e.path);
    expect(paths).toContain('.git/HEAD');
    expect(paths).not.toContain('apps');
  });

  it('--resolve-symlinks archives link targets (files and directories) and survives a cycle', async () => {
    const src = join(root, 'src');
    await makeSourceTree(src);
    await symlink('apps', join(src, 'apps-link'));
    await symlink('..', join(src, 'infra/loop'));
    const res = await buildArtifact({ path: src, output: join(root, 's.tgz'), resolveSymlinks: true });
    const seen = await entries(join(root, 's.tgz'));
    const byPath = new Map(seen.map((e) => [e.path, e.type]));
    expect(byPath.get('link.yaml')).toBe('File');
    expect(byPath.get('apps-link')).toBe('Directory');
    expect(byPath.get('apps-link/podinfo/deployment.yaml')).toBe('File');
    expect(byPath.has('infra/loop')).toBe(false);
    expect(res.skipped).toEqual(['infra/loop']);
  });

  it('--resolve-symlinks skips a dangling link and a self-loop, and archives everything else', async () => {
    const src = join(root, 'src');
    await makeSourceTree(src);
    await symlink('no-such-file', join(src, 'dangling'));
    await symlink('self', join(src, 'self'));
    const res = await buildArtifact({ path: src, output: join(root, 'd.tgz'), resolveSymlinks: true });
    const paths = (await entries(join(root, 'd.tgz'))).map((e) => e.path);
    expect(paths).toContain('link.yaml');
    expect(paths).toContain('run.sh');
    expect(paths).not.toContain('dangling');
    expect(res.skipped).toEqual(['dangling', 'self']);
  });

  it('a single file is archived as "." plus its name', async () => {
    const src = join(root, 'src');
    await makeSourceTree(src);
    await buildArtifact({ path: join(src, 'run.sh'), output: join(root, 'f.tgz') });
    expect((await entries(join(root, 'f.tgz'))).map((e) => e.path)).toEqual(['.', 'run.sh']);
  });

  it('is deterministic for the same tree', async () => {
    const src = join(root, 'src');
    await makeSourceTree(src);
    const a = await buildArtifact({ path: src, output: join(root, '1.tgz') });
    const b = await buildArtifact({ path: src, output: join(root, '2.tgz') });
    expect(a.digest).toBe(b.digest);
  });

  it('a missing path is a clear error', async () => {
    await expect(buildArtifact({ path: join(root, 'nope'), output: join(root, 'x.tgz') })).rejects.toThrow(/--path .*nope: no such file or directory/);
  });
});

describe('manifest and annotations', () => {
  it('annotations sorted, reproducible created, user annotations on top', () => {
    const a = fluxAnnotations({ source: 'https://github.com/org/repo', revision: 'main@sha1:abc', reproducible: true, annotations: { 'x.y/z': '1' } });
    expect(Object.keys(a)).toEqual(['org.opencontainers.image.created', 'org.opencontainers.image.revision', 'org.opencontainers.image.source', 'x.y/z']);
    expect(a['org.opencontainers.image.created']).toBe('1970-01-01T00:00:00Z');
    expect(fluxAnnotations({ source: 's', revision: 'r' }, new Date('2026-01-02T03:04:05.678Z'))['org.opencontainers.image.created']).toBe('2026-01-02T03:04:05Z');
    expect(fluxAnnotations({ source: 's', revision: 'r', annotations: { 'org.opencontainers.image.created': 'mine' } })['org.opencontainers.image.created']).toBe('mine');
  });

  it('manifest JSON has ggcr field order and Go escaping', () => {
    const m = fluxManifest(
      { mediaType: 'application/vnd.cncf.flux.config.v1+json', digest: 'sha256:c', size: 2 },
      { mediaType: 'application/vnd.cncf.flux.content.v1.tar+gzip', digest: 'sha256:l', size: 9 },
      { 'org.opencontainers.image.source': 'a&b<c>' },
    ).toString();
    expect(m).toBe('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.cncf.flux.config.v1+json","size":2,"digest":"sha256:c"},"layers":[{"mediaType":"application/vnd.cncf.flux.content.v1.tar+gzip","size":9,"digest":"sha256:l"}],"annotations":{"org.opencontainers.image.source":"a\\u0026b\\u003cc\\u003e"}}');
    expect(goJson('\u2028')).toBe('"\\u2028"');
  });
});
