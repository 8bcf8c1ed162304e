import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { extractTarball, readTarball, unsafeName, WHOLE_INFLATE_MAX_BYTES } from '../../src/oci/extract.js';
import { OciError } from '../../src/oci/errors.js';
import { rawTar, type RawEntry } from './tar-fixtures.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'ocilab-extract-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Refused from bytes (inflated and parsed whole) and from a stream (gunzip and parser streaming) alike. */
async function refused(entries: RawEntry[] | Buffer, code: string, text: string, opts = {}): Promise<void> {
  const target = join(root, 'out');
  const archive = Buffer.isBuffer(entries) ? entries : rawTar(entries);
  for (const source of [archive, Readable.from([archive])]) {
    const err = await extractTarball(source, target, { label: 'test.tgz', ...opts }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OciError);
    expect((err as OciError).code).toBe(code);
    expect((err as OciError).message).toContain(text);
    // nothing half-written: no target, no temp dir beside it
    expect(await readdir(root)).toEqual([]);
  }
}

describe('extractTarball', () => {
  it('extracts files and directories with their permissions', async () => {
    const archive = rawTar([
      { path: '.', type: 'Directory' },
      { path: 'apps', type: 'Directory', mode: 0o750 },
      { path: 'apps/deploy.yaml', body: 'kind: Deployment\n' },
      { path: 'run.sh', body: '#!/bin/sh\n', mode: 0o755 },
      { path: 'empty', body: '' },
    ]);
    const target = join(root, 'out');
    const res = await extractTarball(archive, target);
    expect(res).toMatchObject({ files: 3, directories: 2, bytes: 27 });
    expect(await readFile(join(target, 'apps/deploy.yaml'), 'utf8')).toBe('kind: Deployment\n');
    expect((await stat(join(target, 'run.sh'))).mode & 0o777).toBe(0o755);
    expect((await stat(join(target, 'apps'))).mode & 0o777).toBe(0o750);
    expect((await readdir(root)).sort()).toEqual(['out']);
  });

  it('reads plain tar, gzip streams, and files', async () => {
    const entries: RawEntry[] = [{ path: 'a.txt', body: 'A' }];
    await extractTarball(rawTar(entries, { gzip: false }), join(root, 'plain'));
    await extractTarball(Readable.from([rawTar(entries)]), join(root, 'stream'));
    await extractTarball(Readable.from([rawTar(entries, { gzip: false })]), join(root, 'stream-plain'));
    await writeFile(join(root, 'x.tgz'), rawTar(entries));
    await extractTarball(join(root, 'x.tgz'), join(root, 'file'));
    for (const d of ['plain', 'stream', 'stream-plain', 'file']) expect(await readFile(join(root, d, 'a.txt'), 'utf8')).toBe('A');
  });

  it('bytes whose tar is over the one-call inflate size are streamed', async () => {
    const big = Buffer.alloc(WHOLE_INFLATE_MAX_BYTES + 4096, 0x61);
    const res = await extractTarball(rawTar([{ path: 'big.txt', body: big }, { path: 'b.txt', body: 'B' }]), join(root, 'o'));
    expect(res).toMatchObject({ files: 2, bytes: big.length + 1 });
    expect(res.tarBytes).toBeGreaterThan(WHOLE_INFLATE_MAX_BYTES);
    expect((await stat(join(root, 'o', 'big.txt'))).size).toBe(big.length);
    expect(await readFile(join(root, 'o', 'b.txt'), 'utf8')).toBe('B');
  });

  it('counts but does not parse what follows the end-of-archive blocks (node-tar would re-copy it per chunk: quadratic)', async () => {
    const tar = rawTar([{ path: 'a', body: 'x' }], { gzip: false });
    const gz = gzipSync(Buffer.concat([tar, Buffer.alloc(48 << 20)]));
    const res = await extractTarball(Readable.from([gz]), join(root, 'o'));
    expect(res).toMatchObject({ files: 1, tarBytes: tar.length + (48 << 20) });
  });

  it('refuses a non-empty target unless replace is set, then swaps it', async () => {
    const target = join(root, 'out');
    await mkdir(target);
    await writeFile(join(target, 'old.txt'), 'old');
    const archive = rawTar([{ path: 'new.txt', body: 'new' }]);
    await expect(extractTarball(archive, target)).rejects.toThrow(/not empty/);
    await extractTarball(archive, target, { replace: true });
    expect(await readdir(target)).toEqual(['new.txt']);
    expect(await readdir(root)).toEqual(['out']);
  });

  it('an aborted signal: ABORTED, nothing written (bytes and stream alike)', async () => {
    const archive = rawTar([{ path: 'a.txt', body: 'A' }]);
    const ac = new AbortController();
    ac.abort();
    for (const source of [archive, Readable.from([archive])]) {
      const err = await extractTarball(source, join(root, 'o'), { signal: ac.signal, label: 'test.tgz' }).catch((e: unknown) => e);
      expect((err as OciError).code).toBe('ABORTED');
      expect((err as OciError).message).toBe('test.tgz: extraction aborted');
      expect(await readdir(root)).toEqual([]);
    }
  });

  it('drops symlinks with skipSymlinks, as flux pull does', async () => {
    const res = await extractTarball(rawTar([{ path: 'a', body: 'x' }, { path: 'l', type: 'SymbolicLink', linkpath: 'a' }]), join(root, 'o'), { skipSymlinks: true });
    expect(res.skippedSymlinks).toBe(1);
    expect(await readdir(join(root, 'o'))).toEqual(['a']);
  });

  describe('hostile archives: clear error naming the entry, nothing written', () => {
    it.each<[string, RawEntry[], string, string]>([
      ['dot-dot', [{ path: 'ok.txt', body: 'x' }, { path: '../evil.txt', body: 'x' }], 'UNSAFE_ARCHIVE', 'entry "../evil.txt" contains a ".." component'],
      ['nested dot-dot', [{ path: 'a/../../evil', body: 'x' }], 'UNSAFE_ARCHIVE', 'entry "a/../../evil"'],
      ['absolute', [{ path: '/etc/evil', body: 'x' }], 'UNSAFE_ARCHIVE', 'entry "/etc/evil" is an absolute path'],
      ['backslash', [{ path: '..\\evil', body: 'x' }], 'UNSAFE_ARCHIVE', 'entry "..\\evil" contains a backslash'],
      ['drive letter', [{ path: 'C:evil', body: 'x' }], 'UNSAFE_ARCHIVE', 'entry "C:evil" starts with a drive letter'],
      ['symlink out', [{ path: 'link', type: 'SymbolicLink', linkpath: '/etc/passwd' }], 'UNSAFE_ARCHIVE', 'entry "link" is a symlink to "/etc/passwd"'],
      ['symlink then write through it', [{ path: 'd', type: 'SymbolicLink', linkpath: '..' }, { path: 'd/evil', body: 'x' }], 'UNSAFE_ARCHIVE', 'entry "d" is a symlink'],
      ['hardlink out', [{ path: 'hl', type: 'Link', linkpath: '../../etc/shadow' }], 'UNSAFE_ARCHIVE', 'entry "hl" is a hard link'],
      ['char device', [{ path: 'null', type: 'CharacterDevice' }], 'UNSAFE_ARCHIVE', 'entry "null" has type CharacterDevice'],
      ['block device', [{ path: 'sda', type: 'BlockDevice' }], 'UNSAFE_ARCHIVE', 'entry "sda" has type BlockDevice'],
      ['fifo', [{ path: 'pipe', type: 'FIFO' }], 'UNSAFE_ARCHIVE', 'entry "pipe" has type FIFO'],
    ])('%s', async (_name, entries, code, text) => {
      await refused(entries, code, `test.tgz: ${text}`);
    });

    it('too many entries', async () => {
      const entries = Array.from({ length: 11 }, (_, i) => ({ path: `f${i}`, body: 'x' }));
      await refused(entries, 'ARCHIVE_LIMIT', 'entry "f10": more than 10 entries', { maxEntries: 10 });
    });

    it('too many bytes (declared sizes)', async () => {
      const entries = [{ path: 'a', body: Buffer.alloc(600) }, { path: 'b', body: Buffer.alloc(600) }];
      await refused(entries, 'ARCHIVE_LIMIT', 'entry "b": files add up to more than 1000 bytes', { maxBytes: 1000 });
    });

    it('gzip bomb: a huge file claimed in one header is refused before it is inflated', async () => {
      const bomb = rawTar([{ path: 'zeros', body: Buffer.alloc(8 * 1024 * 1024) }]);
      expect(bomb.length).toBeLessThan(64 * 1024);
      await refused(bomb, 'ARCHIVE_LIMIT', 'entry "zeros": files add up to more than', { maxBytes: 1024 * 1024 });
    });

    it('gzip bomb: a stream of zeros after the tar is capped while decompressing', async () => {
      const bomb = gzipSync(Buffer.concat([rawTar([{ path: 'a', body: 'x' }], { gzip: false }), Buffer.alloc(4 * 1024 * 1024)]));
      await refused(bomb, 'ARCHIVE_LIMIT', 'decompressed tar stream exceeds', { maxBytes: 1024 * 1024, maxEntries: 10 });
    });

    it('gzip bomb whose trailer lies about its size: one-call inflate gives up, the stream is capped', async () => {
      // Two gzip members: the trailer read as a size hint is the second, empty one's.
      const tar = rawTar([{ path: 'a', body: 'x' }], { gzip: false });
      const bomb = Buffer.concat([gzipSync(Buffer.concat([tar, Buffer.alloc(WHOLE_INFLATE_MAX_BYTES + (8 << 20))])), gzipSync(Buffer.alloc(0))]);
      expect(bomb.readUInt32LE(bomb.length - 4)).toBe(0);
      await refused(bomb, 'ARCHIVE_LIMIT', 'decompressed tar stream exceeds', { maxBytes: WHOLE_INFLATE_MAX_BYTES + (2 << 20), maxEntries: 10 });
    });

    it('truncated or corrupt input', async () => {
      const good = rawTar([{ path: 'a', body: 'x'.repeat(5000) }]);
      await refused(good.subarray(0, good.length - 20), 'UNSAFE_ARCHIVE', 'test.tgz: not a readable tar+gzip archive');
      await refused(Buffer.from('not a tarball at all, definitely not'.repeat(20)), 'UNSAFE_ARCHIVE', 'test.tgz');
    });
  });

  it.each([
    ['a/b', undefined],
    ['./a', undefined],
    ['a..b', undefined],
    ['..', 'contains a ".." component'],
    ['a\0b', 'NUL'],
  ])('unsafeName(%j)', (name, why) => {
    if (why) expect(unsafeName(name)).toContain(why);
    else expect(unsafeName(name)).toBeUndefined();
  });
});

describe('readTarball (in memory, the same rules)', () => {
  it('lists entries with clean names, digests, and the bodies asked for', async () => {
    const archive = rawTar([
      { path: './', type: 'Directory' },
      { path: './apps/', type: 'Directory', mode: 0o750 },
      { path: './apps/deploy.yaml', body: 'kind: Deployment\n' },
      { path: 'run.sh', body: '#!/bin/sh\n', mode: 0o755 },
    ]);
    const t = await readTarball(archive, { keep: (name) => name.endsWith('.yaml') });
    expect(t.entries.map((e) => [e.name, e.type, e.mode])).toEqual([
      ['', 'directory', 0o755],
      ['apps', 'directory', 0o750],
      ['apps/deploy.yaml', 'file', 0o644],
      ['run.sh', 'file', 0o755],
    ]);
    expect(t.entries[2]!.data?.toString()).toBe('kind: Deployment\n');
    expect(t.entries[2]!.digest).toBe(`sha256:${createHash('sha256').update('kind: Deployment\n').digest('hex')}`);
    expect(t.entries[3]!.data).toBeUndefined();
    expect(t).toMatchObject({ files: 2, directories: 2 });
  });

  it.each<[string, RawEntry[], string, string]>([
    ['a ".." name', [{ path: 'a/../../x', body: 'x' }], 'UNSAFE_ARCHIVE', 'contains a ".." component'],
    ['a symlink', [{ path: 'l', type: 'SymbolicLink', linkpath: '/etc/passwd' }], 'UNSAFE_ARCHIVE', 'is a symlink to "/etc/passwd"'],
    ['too many entries', [{ path: 'a', body: '' }, { path: 'b', body: '' }], 'ARCHIVE_LIMIT', 'more than 1 entries'],
    ['too many bytes', [{ path: 'a', body: 'x'.repeat(2000) }], 'ARCHIVE_LIMIT', 'files add up to more than 1000 bytes'],
  ])('refuses %s as extraction does', async (_what, entries, code, text) => {
    const err = await readTarball(rawTar(entries), { label: 'test.tgz', maxEntries: 1, maxBytes: 1000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OciError);
    expect((err as OciError).code).toBe(code);
    expect((err as OciError).message).toContain(`test.tgz: entry "${entries.at(-1)!.path}"`);
    expect((err as OciError).message).toContain(text);
  });

  it('lists a symlink dropped under skipSymlinks (artifact diff shows it)', async () => {
    const t = await readTarball(rawTar([{ path: 'l', type: 'SymbolicLink', linkpath: 'x' }]), { skipSymlinks: true });
    expect(t.entries.map((e) => [e.name, e.type])).toEqual([['l', 'symlink']]);
    expect(t.skippedSymlinks).toBe(1);
  });
});
