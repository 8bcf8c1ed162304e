import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm, readdir, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { createFixture, PRESETS, FixtureExistsError, specProblems } from '../../src/git/fixtures/index.js';
import { runGit } from '../../src/git/git-binary.js';
import { peer } from '../helpers/peers.js';

const hasGit = peer('git', 'apt-get install git');

describe.skipIf(!hasGit)('fleet fixtures', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ocilab-fx-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('gives the same commit hashes for the same inputs', async () => {
    const a = await createFixture(PRESETS.tiny, { dir: join(dir, 'a') });
    const b = await createFixture(PRESETS.tiny, { dir: join(dir, 'b') });
    expect(a.head).toMatch(/^[0-9a-f]{40}$/);
    expect(b.head).toBe(a.head);
    const historyA = (await runGit(['-C', a.path, 'rev-list', 'main'])).stdout;
    const historyB = (await runGit(['-C', b.path, 'rev-list', 'main'])).stdout;
    expect(historyB).toBe(historyA);
    const other = await createFixture({ ...PRESETS.tiny, seed: 'another' }, { dir: join(dir, 'c') });
    expect(other.head).not.toBe(a.head);
  });

  it('has K apps of valid Kubernetes objects and H commits', async () => {
    const fx = await createFixture({ name: 'five', apps: 5, commits: 40 }, { dir: join(dir, 'v') });
    expect(fx.files).toBe(5 * 4 + 2);
    expect((await runGit(['-C', fx.path, 'rev-list', '--count', 'main'])).stdout.trim()).toBe('40');
    const files = (await runGit(['-C', fx.path, 'ls-tree', '-r', '--name-only', 'main'])).stdout.split('\n').filter((f) => f.endsWith('.yaml'));
    const kinds = new Map<string, number>();
    for (const f of files) {
      const text = (await runGit(['-C', fx.path, 'show', `main:${f}`])).stdout;
      const docs = parseAllDocuments(text);
      for (const d of docs) {
        expect(d.errors, f).toEqual([]);
        const obj = d.toJS() as { apiVersion?: string; kind?: string; metadata?: { name?: string } };
        expect(obj.apiVersion, f).toBeTruthy();
        expect(obj.kind, f).toBeTruthy();
        if (obj.kind !== 'Kustomization') expect(obj.metadata?.name, f).toMatch(/^[a-z0-9-]+$/);
        kinds.set(obj.kind!, (kinds.get(obj.kind!) ?? 0) + 1);
      }
    }
    expect(Object.fromEntries(kinds)).toEqual({ Deployment: 5, Service: 5, ConfigMap: 5, Kustomization: 6 });
    const log = (await runGit(['-C', fx.path, 'log', '--format=%an <%ae> %at %s', 'main'])).stdout.trim().split('\n');
    expect(log.at(-1)).toMatch(/^Fleet Bot <fleet-bot@ocilab.invalid> 1735690200 Import fleet of 5 apps$/);
    expect(log.slice(0, -1).every((l) => /: (bump image to|set LOG_LEVEL)/.test(l))).toBe(true);
  });

  it('keeps a deleted binary in history and adds monorepo folders', async () => {
    const fx = await createFixture(
      { name: 'bin', apps: 2, commits: 6, monorepoFolders: 2, binary: { bytes: 300_000, addAtCommit: 2, deleteAtCommit: 4 } },
      { dir: join(dir, 'bin') },
    );
    const tip = (await runGit(['-C', fx.path, 'ls-tree', '-r', '--name-only', 'main'])).stdout;
    expect(tip).not.toContain('assets/firmware.bin');
    expect(tip).toContain('services/svc-001/main.go');
    const all = (await runGit(['-C', fx.path, 'rev-list', '--objects', '--all'])).stdout;
    expect(all).toContain('assets/firmware.bin');
    expect(fx.packBytes).toBeGreaterThan(300_000); // random bytes do not compress
  });

  it('refuses to overwrite an existing repository and leaves it intact', async () => {
    const target = join(dir, 'keep');
    await mkdir(join(target, 'tiny.git'), { recursive: true });
    await writeFile(join(target, 'tiny.git', 'precious'), 'mine');
    await expect(createFixture(PRESETS.tiny, { dir: target })).rejects.toBeInstanceOf(FixtureExistsError);
    expect(await readdir(target)).toEqual(['tiny.git']);
    expect(await readdir(join(target, 'tiny.git'))).toEqual(['precious']);
    const replaced = await createFixture(PRESETS.tiny, { dir: target, force: true });
    expect(await readdir(target)).toEqual(['tiny.git']);
    expect(replaced.commits).toBe(PRESETS.tiny.commits);
  });

  it('says so when --dir is a file', async () => {
    const file = join(dir, 'a-file');
    await writeFile(file, 'x');
    await expect(createFixture(PRESETS.tiny, { dir: file })).rejects.toThrow(/is a file, not a directory/);
  });

  it('rejects a bad spec before writing anything', async () => {
    expect(specProblems({ name: '../x', apps: 0, commits: 1 })).toHaveLength(2);
    const target = join(dir, 'bad');
    await expect(createFixture({ name: 'ok', apps: 1, commits: 3, binary: { bytes: 10, addAtCommit: 3, deleteAtCommit: 2 } }, { dir: target })).rejects.toThrow(/deleteAtCommit/);
    await expect(readdir(target)).rejects.toThrow();
  });

  it('presets have the sizes the issue asks for', () => {
    expect([PRESETS.small, PRESETS.medium, PRESETS.large].map((p) => [p.apps, p.commits])).toEqual([
      [10, 100],
      [50, 1000],
      [200, 5000],
    ]);
    expect(PRESETS.bloated.binary?.bytes).toBe(20 * 1024 * 1024);
  });
});
