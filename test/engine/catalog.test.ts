/** `ocilab run <id>`: shipped scenarios are found by the id inside the file, not by the file name. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildActionRegistry } from '../../src/all-actions.js';
import { defaultScenarioId, loadCatalog, loadScenario, UnknownScenarioError } from '../../src/engine/catalog.js';
import { ScenarioLoadError } from '../../src/engine/scenario-load.js';

const registry = buildActionRegistry();
let dir: string;

function write(name: string, id: string): string {
  const file = join(dir, name);
  writeFileSync(file, `# a comment first\nid: ${id}\ntitle: T ${name}\nsummary: s\ntargets: [local]\nbudget: 1m\nsteps:\n  - { id: a, title: A }\n`);
  return file;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ocilab-catalog-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('loadScenario by id', () => {
  it('finds a scenario whose file name differs from its id', () => {
    const file = write('01-git-vs-oci.yaml', 'git-vs-oci');
    write('hello.yaml', 'hello');
    expect(loadScenario('git-vs-oci', registry, dir)).toMatchObject({ id: 'git-vs-oci', file });
    expect(loadScenario('hello', registry, dir).id).toBe('hello');
    // The file name still works when no scenario has it as its id.
    expect(loadScenario('01-git-vs-oci', registry, dir).id).toBe('git-vs-oci');
    expect(defaultScenarioId(dir)).toBe('git-vs-oci');
  });

  it('an id wins over another file with that name', () => {
    write('demo.yaml', 'other');
    write('z.yml', 'demo');
    expect(loadScenario('demo', registry, dir).title).toBe('T z.yml');
  });

  it('an unknown id lists the ids', () => {
    write('a-file.yaml', 'alpha');
    expect(() => loadScenario('beta', registry, dir)).toThrow(UnknownScenarioError);
    expect(() => loadScenario('beta', registry, dir)).toThrow('unknown scenario "beta": not a shipped id (alpha) nor a file');
  });

  it('a duplicate id is a load error naming both files, in loadScenario and loadCatalog', () => {
    const a = write('a.yaml', 'twice');
    const b = write('b.yaml', 'twice');
    write('c.yaml', 'once');
    let error: unknown;
    try {
      loadScenario('twice', registry, dir);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ScenarioLoadError);
    expect((error as Error).message).toBe(
      `${a}:2:5: id: scenario id "twice" is also used by ${b}\n${b}:2:5: id: scenario id "twice" is also used by ${a}`,
    );
    expect(loadScenario('once', registry, dir).id).toBe('once');
    const catalog = loadCatalog(registry, dir);
    expect(catalog.map((e) => ('error' in e ? 'error' : e.scenario.id))).toEqual(['error', 'error', 'once']);
  });
});

describe('shipped scenarios', () => {
  it('every shipped scenario loads by its id', () => {
    const catalog = loadCatalog(registry);
    expect(catalog.length).toBeGreaterThan(0);
    for (const entry of catalog) {
      if ('error' in entry) throw entry.error;
      expect(loadScenario(entry.scenario.id, registry).file).toBe(entry.file);
    }
  });
});
