/**
 * The build never exposes a half-written dist/: a running ocilab that imports a module late
 * (git-vs-oci's step 7 runs scenarios/git-vs-oci/project.mjs, which imports
 * dist/measure/projection.js) read an empty file while tsc rewrote it in place, and exited 1
 * ("costFromResult is not a function"). The compile now writes a sibling directory that
 * replaces dist/ whole. Here the compiler is a stand-in that writes the way tsc does (open
 * truncates, then the text), and readers look at dist/ while it is half-way.
 */
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { replaceAtomically, withLock } from '../../scripts/build-if-stale.mjs';

let root: string;
let dist: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'ocilab-build-'));
  dist = join(root, 'dist');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** tsc's sys.writeFile: open with "w" (truncates to 0 bytes), then write the text. */
function writeLikeTsc(file: string, text: string, between?: () => void): void {
  const fd = openSync(file, 'w');
  between?.();
  writeSync(fd, text);
  closeSync(fd);
}

const MODULE = (version: string) => `export const version = '${version}';\nexport function costFromResult() { return '${version}'; }\n`;

/** What a late importer sees: node runs a script that imports dist/measure/projection.js and calls it. */
function lateImport(): { status: number | null; out: string } {
  const script = `const m = await import(${JSON.stringify(join(dist, 'measure', 'projection.js'))}); console.log(m.costFromResult());`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

function seedOld(): void {
  mkdirSync(join(dist, 'measure'), { recursive: true });
  writeFileSync(join(dist, 'measure', 'projection.js'), MODULE('old'));
  writeFileSync(join(dist, 'removed.js'), 'export {};\n');
}

test('in place, as tsc wrote dist/ before: a late import between truncate and write fails with exit 1', () => {
  seedOld();
  let during: ReturnType<typeof lateImport> | undefined;
  writeLikeTsc(join(dist, 'measure', 'projection.js'), MODULE('new'), () => (during = lateImport()));
  expect(during!.status).toBe(1);
  expect(during!.out).toContain('costFromResult is not a function');
});

test('replaceAtomically: while the compiler writes, dist/ is the old tree, whole; then the new one, nothing left over', () => {
  seedOld();
  const seen: ReturnType<typeof lateImport>[] = [];
  replaceAtomically(dist, (staging) => {
    mkdirSync(join(staging, 'measure'), { recursive: true });
    writeLikeTsc(join(staging, 'measure', 'projection.js'), MODULE('new'), () => seen.push(lateImport()));
    writeLikeTsc(join(staging, 'cli.js'), 'export {};\n', () => seen.push(lateImport()));
  });
  expect(seen.map((s) => [s.status, s.out.trim()])).toEqual([
    [0, 'old'],
    [0, 'old'],
  ]);
  expect(lateImport()).toEqual({ status: 0, out: 'new\n' });
  // A module gone from src/ is gone from dist/; no staging or old tree stays beside it.
  expect(existsSync(join(dist, 'removed.js'))).toBe(false);
  expect(readdirSync(root)).toEqual(['dist']);
});

test('replaceAtomically: a failed compile leaves dist/ as it was and removes its half-written tree', () => {
  seedOld();
  expect(() =>
    replaceAtomically(dist, (staging) => {
      mkdirSync(staging);
      writeFileSync(join(staging, 'cli.js'), '');
      throw new Error('TS2322: nope');
    }),
  ).toThrow('TS2322: nope');
  expect(readFileSync(join(dist, 'measure', 'projection.js'), 'utf8')).toBe(MODULE('old'));
  expect(readdirSync(root)).toEqual(['dist']);
});

test('replaceAtomically: the first build (no dist/ yet)', () => {
  replaceAtomically(dist, (staging) => {
    mkdirSync(join(staging, 'measure'), { recursive: true });
    writeFileSync(join(staging, 'measure', 'projection.js'), MODULE('first'));
  });
  expect(lateImport().out).toBe('first\n');
});

test('withLock: one build at a time; the lock is released after a failure; a stale lock is taken over', () => {
  expect(withLock(dist, () => readdirSync(root))).toEqual(['dist.lock']);
  expect(readdirSync(root)).toEqual([]);
  expect(() => withLock(dist, () => { throw new Error('compile failed'); })).toThrow('compile failed');
  expect(readdirSync(root)).toEqual([]);

  // Held by someone else: waits, then gives up with a clear message.
  mkdirSync(`${dist}.lock`);
  expect(() => withLock(dist, () => 'ran', { waitMs: 50, pollMs: 10 })).toThrow(/dist\.lock is still held .*another build is running/);
  // Left by a killed build long ago: taken over.
  const old = new Date(Date.now() - 60 * 60_000);
  utimesSync(`${dist}.lock`, old, old);
  expect(withLock(dist, () => 'ran', { waitMs: 50, pollMs: 10 })).toBe('ran');
  expect(readdirSync(root)).toEqual([]);
});

test('a second process waits for the lock and then runs', async () => {
  mkdirSync(`${dist}.lock`);
  const url = new URL('../../scripts/build-if-stale.mjs', import.meta.url).href;
  const script = `const { withLock } = await import(${JSON.stringify(url)}); console.log(withLock(${JSON.stringify(dist)}, () => 'ran after wait', { pollMs: 20, waitMs: 60000 }));`;
  const child = promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  // Released once the child is up and waiting on it (it would print nothing while the lock is held).
  await new Promise((resolve) => setTimeout(resolve, 500));
  rmSync(`${dist}.lock`, { recursive: true, force: true });
  expect((await child).stdout.trim()).toBe('ran after wait');
});
