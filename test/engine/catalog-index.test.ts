/**
 * `ocilab list` reads the rows the build validated (dist/scenario-index.json) only for files
 * byte for byte as validated, by the same engine; anything else is validated again, so a broken
 * scenario is never listed as fine.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { indexedRows, writeCatalogIndex } from '../../src/engine/catalog-index.js';
import { shippedScenarioFiles } from '../../src/engine/scenario-files.js';
import { builtCli, ensureBuilt, repoRoot } from '../helpers/built-cli.js';

let dir: string;
let scenarios: string;
let engine: string;
let index: string;

const scenario = (id: string) => `id: ${id}\ntitle: T ${id}\nsummary: s\ntargets: [local]\nbudget: 1m\nsteps:\n  - { id: a, title: A }\n  - { id: b, title: B }\n`;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ocilab-catalog-index-'));
  scenarios = join(dir, 'scenarios');
  engine = join(dir, 'engine');
  index = join(dir, 'scenario-index.json');
  mkdirSync(scenarios);
  mkdirSync(engine);
  writeFileSync(join(engine, 'scenario-load.js'), 'export const loader = 1;\n');
  writeFileSync(join(scenarios, 'a.yaml'), scenario('alpha'));
  writeFileSync(join(scenarios, 'b.yaml'), scenario('beta'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the list index', () => {
  it('gives the validated rows while every file and the engine are as indexed', async () => {
    expect(await writeCatalogIndex(index, scenarios, engine)).toEqual({ indexed: 2, invalid: 0 });
    expect(indexedRows(shippedScenarioFiles(scenarios), { index, engine })).toEqual([
      { id: 'alpha', title: 'T alpha', summary: 's', targets: ['local'], budget: '1m', steps: 2 },
      { id: 'beta', title: 'T beta', summary: 's', targets: ['local'], budget: '1m', steps: 2 },
    ]);
  });

  it('gives nothing for an edited, added or invalid file, another engine, a colliding id or no index', async () => {
    const rows = () => indexedRows(shippedScenarioFiles(scenarios), { index, engine });
    expect(rows(), 'no index').toBeUndefined();
    writeFileSync(join(scenarios, 'c.yaml'), 'id: gamma\nsteps: {}\n');
    expect(await writeCatalogIndex(index, scenarios, engine)).toEqual({ indexed: 2, invalid: 1 });
    expect(rows(), 'an invalid file is not in the index').toBeUndefined();
    rmSync(join(scenarios, 'c.yaml'));
    expect(rows()).toHaveLength(2);

    appendFileSync(join(scenarios, 'b.yaml'), '  - { id: c, title: C, bogus: 1 }\n');
    expect(rows(), 'an edited file').toBeUndefined();
    writeFileSync(join(scenarios, 'b.yaml'), scenario('beta'));
    expect(rows()).toHaveLength(2);

    writeFileSync(join(scenarios, 'd.yaml'), scenario('delta'));
    expect(rows(), 'an added file').toBeUndefined();
    rmSync(join(scenarios, 'd.yaml'));

    writeFileSync(join(engine, 'scenario-schema.js'), 'export const schema = 2;\n');
    expect(rows(), 'another engine').toBeUndefined();
    await writeCatalogIndex(index, scenarios, engine);
    expect(rows()).toHaveLength(2);

    writeFileSync(join(scenarios, 'b.yaml'), scenario('alpha'));
    await writeCatalogIndex(index, scenarios, engine);
    expect(rows(), 'two files with one id').toBeUndefined();
  });
});

describe('ocilab list, built', () => {
  it('uses the index the build wrote, and still reports a shipped file broken after the build', () => {
    ensureBuilt();
    // A copy of the package: dist/ and scenarios/ side by side, as installed.
    const pkg = join(dir, 'pkg');
    cpSync(join(repoRoot, 'dist'), join(pkg, 'dist'), { recursive: true });
    cpSync(join(repoRoot, 'scenarios'), join(pkg, 'scenarios'), { recursive: true });
    cpSync(join(repoRoot, 'package.json'), join(pkg, 'package.json'));
    symlinkSync(join(repoRoot, 'node_modules'), join(pkg, 'node_modules'));
    const cli = join(pkg, builtCli.slice(repoRoot.length));
    const list = () => spawnSync(process.execPath, [cli, 'list', '--json'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    const indexed = JSON.parse(readFileSync(join(pkg, 'dist/scenario-index.json'), 'utf8')) as { files: { file: string }[] };
    expect(indexed.files.map((f) => f.file)).toEqual(shippedScenarioFiles(join(pkg, 'scenarios')).map((f) => f.slice(f.lastIndexOf('/') + 1)));
    const ok = list();
    expect(ok.status, ok.stderr).toBe(0);
    expect((JSON.parse(ok.stdout) as { id: string }[]).map((r) => r.id)).toContain('hello');

    appendFileSync(join(pkg, 'scenarios/hello.yaml'), '  - { id: late, title: Late, bogus: 1 }\n');
    const broken = list();
    expect(broken.status).toBe(2);
    expect(broken.stderr).toContain('invalid shipped scenario');
    expect(broken.stderr).toContain('hello.yaml');
    expect((JSON.parse(broken.stdout) as { id: string }[]).map((r) => r.id)).not.toContain('hello');
  }, 60_000);
});
