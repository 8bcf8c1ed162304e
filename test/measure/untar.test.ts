/**
 * The untar-only measurement extracts with ocilab's safe extractor: a good layer lands in the
 * run's directory, a hostile one (link out, absolute or ".." name, too many entries) is refused
 * and nothing of it is written.
 */
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { untarMethod } from '../../src/measure/methods/untar.js';
import { rawTar, type RawEntry } from '../oci/tar-fixtures.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'ocilab-untar-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function run(entries: RawEntry[]): Promise<{ dest: string; outcome: Promise<unknown> }> {
  const tarball = join(root, 'layer.tgz');
  await writeFile(tarball, rawTar(entries));
  const dest = join(root, 'dest');
  await rm(dest, { recursive: true, force: true });
  await mkdir(dest);
  return { dest, outcome: untarMethod({ tarball }).run(dest, new AbortController().signal) };
}

describe('untar-only measurement', () => {
  it('extracts a Flux layer into the run directory and reports no network', async () => {
    const { dest, outcome } = await run([
      { path: '.', type: 'Directory' },
      { path: 'apps', type: 'Directory' },
      { path: 'apps/deploy.yaml', body: 'kind: Deployment\n' },
    ]);
    expect(await outcome).toMatchObject({ bytesDown: 0, requests: 0 });
    expect(await readFile(join(dest, 'apps/deploy.yaml'), 'utf8')).toBe('kind: Deployment\n');
  });

  it.each<[string, RawEntry[], string]>([
    ['a symlink out of the tree', [{ path: 'passwd', type: 'SymbolicLink', linkpath: '/etc/passwd' }], 'is a symlink to "/etc/passwd"'],
    ['a hard link', [{ path: 'a', body: 'x' }, { path: 'b', type: 'Link', linkpath: 'a' }], 'is a hard link'],
    ['an absolute name', [{ path: '/tmp/ocilab-untar-evil', body: 'x' }], 'is an absolute path'],
    ['a ".." name', [{ path: 'a/../../evil', body: 'x' }], 'contains a ".." component'],
  ])('refuses a layer with %s and writes nothing of it', async (_what, entries, text) => {
    const { dest, outcome } = await run(entries);
    await expect(outcome).rejects.toThrow(text);
    expect(await readdir(dest)).toEqual([]);
    await expect(lstat('/tmp/ocilab-untar-evil')).rejects.toThrow(/ENOENT/);
  });
});
